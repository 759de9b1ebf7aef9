//! Claims: every assertion on `subject.property` constrains the set of
//! values the property can take. Two claims conflict when their value sets
//! cannot intersect while their validity overlaps. Properties of events are
//! timeless; other properties hold as of the claim's date unless `valid:`
//! gives an interval.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::dates::{self, Span};
use super::summary::{AssertionInfo, EntryInfo, FileSummary, Sym, ValueItem};
use super::temporal::entry_span;
use super::workspace::{FileData, Snapshot};
use super::{Code, Diagnostic, FileId, Related};
use crate::syntax::EntryKind;

/// The set of values a claim allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Numbers in an interval; `None` is unbounded. `(value, inclusive)`.
    Number {
        lo: Option<(f64, bool)>,
        hi: Option<(f64, bool)>,
    },
    NumberNot(f64),
    /// A word, string or reference (`@id`), compared without case.
    Is(String),
    IsNot(String),
    Bool(bool),
    /// Days in an interval.
    Days {
        lo: Option<i64>,
        hi: Option<i64>,
    },
    DaysNot(i64, i64),
}

impl Values {
    fn negate(self) -> Option<Values> {
        Some(match self {
            Values::Number {
                lo: Some((a, true)),
                hi: Some((b, true)),
            } if a == b => Values::NumberNot(a),
            Values::Number {
                lo: None,
                hi: Some((b, inc)),
            } => Values::Number {
                lo: Some((b, !inc)),
                hi: None,
            },
            Values::Number {
                lo: Some((a, inc)),
                hi: None,
            } => Values::Number {
                lo: None,
                hi: Some((a, !inc)),
            },
            Values::NumberNot(v) => Values::Number {
                lo: Some((v, true)),
                hi: Some((v, true)),
            },
            Values::Is(s) => Values::IsNot(s),
            Values::IsNot(s) => Values::Is(s),
            Values::Bool(b) => Values::Bool(!b),
            Values::Days {
                lo: Some(a),
                hi: Some(b),
            } => Values::DaysNot(a, b),
            Values::Days {
                lo: None,
                hi: Some(b),
            } => Values::Days {
                lo: Some(b + 1),
                hi: None,
            },
            Values::Days {
                lo: Some(a),
                hi: None,
            } => Values::Days {
                lo: None,
                hi: Some(a - 1),
            },
            Values::DaysNot(a, b) => Values::Days {
                lo: Some(a),
                hi: Some(b),
            },
            _ => return None,
        })
    }

    /// Whether two value sets can share a value. Values of different kinds
    /// are not comparable and never conflict.
    pub fn intersects(&self, other: &Values) -> bool {
        use Values::*;
        match (self, other) {
            (Number { lo: a_lo, hi: a_hi }, Number { lo: b_lo, hi: b_hi }) => {
                let lo = max_lo(*a_lo, *b_lo);
                let hi = min_hi(*a_hi, *b_hi);
                match (lo, hi) {
                    (Some((l, li)), Some((h, hi))) => l < h || (l == h && li && hi),
                    _ => true,
                }
            }
            (Number { lo, hi }, NumberNot(v)) | (NumberNot(v), Number { lo, hi }) => {
                !(matches!((lo, hi), (Some((a, true)), Some((b, true))) if a == v && b == v))
            }
            (Is(a), Is(b)) => a == b,
            (Is(a), IsNot(b)) | (IsNot(b), Is(a)) => a != b,
            (Bool(a), Bool(b)) => a == b,
            (Days { lo: a_lo, hi: a_hi }, Days { lo: b_lo, hi: b_hi }) => {
                let lo = a_lo.max(b_lo);
                let hi = match (a_hi, b_hi) {
                    (Some(a), Some(b)) => Some(*a.min(b)),
                    (a, b) => a.or(*b),
                };
                match (lo, hi) {
                    (Some(l), Some(h)) => l <= &h,
                    _ => true,
                }
            }
            (
                Days {
                    lo: Some(a),
                    hi: Some(b),
                },
                DaysNot(x, y),
            )
            | (
                DaysNot(x, y),
                Days {
                    lo: Some(a),
                    hi: Some(b),
                },
            ) => {
                // Only a single known day can be excluded outright.
                !(a == b && x == y && a == x)
            }
            _ => true,
        }
    }
}

fn max_lo(a: Option<(f64, bool)>, b: Option<(f64, bool)>) -> Option<(f64, bool)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    }
}

fn min_hi(a: Option<(f64, bool)>, b: Option<(f64, bool)>) -> Option<(f64, bool)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    }
}

/// Reads `OP VALUE` as a value set; `None` when it cannot be compared.
pub fn values(
    operator: Option<&str>,
    kind: Option<&str>,
    text: Option<&str>,
    anchor: Option<&Span>,
) -> Option<Values> {
    let Some(op) = operator else {
        return Some(Values::Bool(true));
    };
    let op = match op {
        "≠" => "!=",
        "≤" => "<=",
        "≥" => ">=",
        o => o,
    };
    let text = text?.trim();
    let set = match kind? {
        "number" => {
            let v: f64 = text.trim_end_matches('%').parse().ok()?;
            number(op, v)?
        }
        "date" | "interval" | "relative_date" => {
            let span = if kind == Some("relative_date") {
                let r = dates::resolve_relative(text, anchor?.single_day()?)?;
                (r.earliest, r.latest)
            } else {
                let s = dates::parse(text).ok()?;
                // A plain year compared with a number is the number.
                if text.len() == 4
                    && text.chars().all(|c| c.is_ascii_digit())
                    && op != "="
                    && op != "!="
                {
                    return number(op, text.parse().ok()?);
                }
                (s.earliest?, s.latest?)
            };
            match op {
                "=" => Values::Days {
                    lo: Some(span.0),
                    hi: Some(span.1),
                },
                "!=" => Values::DaysNot(span.0, span.1),
                "<" => Values::Days {
                    lo: None,
                    hi: Some(span.0 - 1),
                },
                "<=" => Values::Days {
                    lo: None,
                    hi: Some(span.1),
                },
                ">" => Values::Days {
                    lo: Some(span.1 + 1),
                    hi: None,
                },
                ">=" => Values::Days {
                    lo: Some(span.0),
                    hi: None,
                },
                _ => return None,
            }
        }
        "boolean" => {
            let b = matches!(text, "yes" | "true");
            match op {
                "=" => Values::Bool(b),
                "!=" => Values::Bool(!b),
                _ => return None,
            }
        }
        "string" | "text" | "reference" => {
            let word = text.trim_matches('"').to_lowercase();
            match op {
                "=" => Values::Is(word),
                "!=" => Values::IsNot(word),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(set)
}

fn number(op: &str, v: f64) -> Option<Values> {
    Some(match op {
        "=" => Values::Number {
            lo: Some((v, true)),
            hi: Some((v, true)),
        },
        "!=" => Values::NumberNot(v),
        "<" => Values::Number {
            lo: None,
            hi: Some((v, false)),
        },
        "<=" => Values::Number {
            lo: None,
            hi: Some((v, true)),
        },
        ">" => Values::Number {
            lo: Some((v, false)),
            hi: None,
        },
        ">=" => Values::Number {
            lo: Some((v, true)),
            hi: None,
        },
        _ => return None,
    })
}

/// One claim, wherever it is written.
#[derive(Clone, Debug)]
pub struct Claim {
    pub file: FileId,
    /// The assertion as written.
    pub range: Range<usize>,
    pub text: String,
    pub holder: Option<Sym>,
    pub verb: &'static str,
    pub date: Option<Span>,
    /// When the claimed value holds; `None`: timeless.
    pub validity: Option<Span>,
    pub subject: Sym,
    pub property: Sym,
    pub values: Values,
    /// `disputed: yes` on the claim.
    pub disputed: bool,
    /// IDs in `contradicts:`.
    pub contradicts: Vec<Sym>,
    /// The claim's own ID (`id:`).
    pub id: Option<Sym>,
    /// What a relative value resolved to (`tomorrow` → `2025-11-26`).
    pub resolved: Option<String>,
}

impl Claim {
    fn describe(&self) -> String {
        let who = self
            .holder
            .as_ref()
            .map(|h| format!("`@{h}`"))
            .unwrap_or_else(|| "someone".to_string());
        let when = self.date.map(|d| format!(" on {d}")).unwrap_or_default();
        let resolved = self
            .resolved
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        format!(
            "{who} {}{when} that `{}`{resolved}",
            self.verb,
            self.text.trim()
        )
    }
}

/// Every claim of a file: claim entries and `claims:` / `denies:` fields.
pub fn claims_of(snap: &Snapshot, f: &FileData) -> Vec<Claim> {
    claims_of_entries(snap, f, 0..f.summary.entries.len())
}

/// A spliced file's claims from its previous version's: those outside the
/// region move, the region's (`fresh`) take their place; `None` when one
/// reaches into the region.
pub fn spliced(
    previous: &[Claim],
    fresh: Vec<Claim>,
    sp: &super::splice::Splice,
) -> Option<Vec<Claim>> {
    let mut out = Vec::with_capacity(previous.len() + fresh.len());
    let mut fresh = Some(fresh);
    for c in previous {
        if sp.anchored(&c.range) {
            continue;
        }
        let range = sp.shift(&c.range)?;
        if range.start >= sp.new.end {
            out.extend(fresh.take().into_iter().flatten());
        }
        out.push(Claim { range, ..c.clone() });
    }
    out.extend(fresh.into_iter().flatten());
    Some(out)
}

/// [`claims_of`], kept with the file's data.
pub fn cached_claims_of(snap: &Snapshot, f: &FileData) -> Arc<Vec<Claim>> {
    f.claims
        .get_or_init(|| Arc::new(claims_of(snap, f)))
        .clone()
}

/// The claims of some entries of a file.
pub fn claims_of_entries(
    snap: &Snapshot,
    f: &FileData,
    entries: std::ops::Range<usize>,
) -> Vec<Claim> {
    claims_where(snap, f, entries, |_, _| true)
}

/// Each assertion of a file (claim entries and `claims:` / `denies:`
/// fields) as its subject's ID and its property: the key of the group its
/// claim would be in, if it makes one.
fn assertion_keys(f: &FileData) -> impl Iterator<Item = (&str, &str)> {
    let s = &f.summary;
    s.entries.iter().flat_map(move |e| {
        assertions(s, e).filter_map(move |(a, _, _)| {
            let subject = a.subject().and_then(|i| s.references.get(i as usize))?;
            let (_, property) = a.property()?;
            Some((subject.id.as_str(), property.as_str()))
        })
    })
}

/// An entry's assertions: a claim entry's own, then its `claims:` /
/// `denies:` fields, each with whether it denies and its verb.
fn assertions<'s>(
    s: &'s FileSummary,
    e: &'s EntryInfo,
) -> impl Iterator<Item = (&'s AssertionInfo, bool, &'static str)> {
    let own = e.assertion.as_deref().map(|a| {
        let (denies, verb) = match e.verb.as_deref() {
            Some("denies") => (true, "denies"),
            Some("reports") => (false, "reports"),
            _ => (false, "claims"),
        };
        (a, denies, verb)
    });
    own.into_iter().chain(
        s.field_claims(e)
            .iter()
            .map(|(denies, a)| (a, *denies, if *denies { "denies" } else { "claims" })),
    )
}

/// The claims of some entries of a file whose group key `keep` accepts.
fn claims_where(
    snap: &Snapshot,
    f: &FileData,
    entries: std::ops::Range<usize>,
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<Claim> {
    let mut out = Vec::new();
    let s = &f.summary;
    // Read once, for the first entry with assertions.
    let mut text = None;
    for e in s.entries.get(entries).unwrap_or_default() {
        let found: Vec<(&AssertionInfo, bool, &'static str)> = assertions(s, e).collect();
        if found.is_empty() {
            continue;
        }
        let text: &str = text.get_or_insert_with(|| f.text());
        let date = entry_span(e);
        let holder = e
            .author
            .get()
            .and_then(|a| s.references.get(a as usize))
            .map(|r| r.id);
        let valid = s.field(e, "valid").and_then(|fi| {
            s.items(fi).iter().find_map(|i| match i {
                ValueItem::Date { text, .. } => dates::parse(text).ok(),
                _ => None,
            })
        });
        let disputed = s
            .field(e, "disputed")
            .is_some_and(|fi| matches!(fi.value(text), "yes" | "true"));
        let contradicts: Vec<Sym> = s
            .field(e, "contradicts")
            .map(|fi| {
                s.items(fi)
                    .iter()
                    .filter_map(|i| match i {
                        ValueItem::Ref(r) => s.references.get(*r as usize).map(|r| r.id),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let id = e
            .def
            .get()
            .and_then(|d| s.definitions.get(d as usize))
            .filter(|d| matches!(d.kind, EntryKind::Statement | EntryKind::Claim))
            .map(|d| d.id);
        for (a, denies, verb) in found {
            let Some(subject) = a
                .subject()
                .and_then(|i| s.references.get(i as usize))
                .map(|r| r.id)
            else {
                continue;
            };
            let Some((_, property)) = a.property() else {
                continue;
            };
            if !keep(&subject, &property) {
                continue;
            }
            // Properties of events are timeless. A claim about an event's
            // date is also checked against the event's own date by the
            // temporal network; claim against claim is compared here.
            let is_event = snap.kind_of(&subject) == Some(EntryKind::Event);
            let Some(mut set) = values(
                a.operator.as_deref(),
                a.value_kind,
                a.value_text(text),
                date.as_ref(),
            ) else {
                continue;
            };
            if denies {
                let Some(n) = set.negate() else { continue };
                set = n;
            }
            let validity = if is_event { None } else { valid.or(date) };
            // A claim about something that changes over time, with neither a
            // date nor `valid:`, holds at no known time: it is not compared.
            if !is_event && validity.is_none() {
                continue;
            }
            out.push(Claim {
                file: f.id,
                range: a.range(),
                text: text.get(a.range()).unwrap_or("").to_string(),
                holder,
                verb,
                date,
                validity,
                subject,
                property,
                values: set,
                disputed,
                contradicts: contradicts.clone(),
                id,
                resolved: resolved_text(a, text, date.as_ref()),
            });
        }
    }
    out
}

fn resolved_text(a: &AssertionInfo, text: &str, anchor: Option<&Span>) -> Option<String> {
    if a.value_kind != Some("relative_date") {
        return None;
    }
    let day = anchor?.single_day()?;
    let r = dates::resolve_relative(a.value_text(text)?, day)?;
    Some(
        Span {
            earliest: Some(r.earliest),
            latest: Some(r.latest),
            qualifier: Default::default(),
        }
        .to_string(),
    )
}

/// Claim diagnostics of the whole workspace, by file.
pub fn analyse(snap: &Snapshot) -> HashMap<FileId, Arc<Vec<Diagnostic>>> {
    let mut files: Vec<&Arc<FileData>> = snap.files().collect();
    files.sort_by(|a, b| a.key.cmp(&b.key));
    // A claim alone in its group reports nothing: only the claims whose
    // subject and property some other assertion shares are made (every
    // claim of the workspace at once was the heap's peak at a large
    // workspace's cold start: 12.5 MB of records and 7.4 MB of strings).
    let mut shared: HashMap<(&str, &str), bool, super::summary::ShortBuild> = HashMap::default();
    for f in &files {
        for key in assertion_keys(f) {
            shared
                .entry(key)
                .and_modify(|more| *more = true)
                .or_insert(false);
        }
    }
    // Every file's claims (in parallel), grouped in reading order; the
    // groups in order of their first claim.
    let by_file: Vec<Vec<Claim>> = files
        .par_iter()
        .map(|f| {
            claims_where(snap, f, 0..f.summary.entries.len(), |subject, property| {
                shared.get(&(subject, property)).copied().unwrap_or(true)
            })
        })
        .collect();
    drop(shared);
    // Each claim's group, found by its borrowed key; then the claims move.
    let mut index: HashMap<(&str, &str), usize, super::summary::ShortBuild> = HashMap::default();
    let mut sizes: Vec<usize> = Vec::new();
    let group_of: Vec<usize> = by_file
        .iter()
        .flatten()
        .map(|c| {
            let i = *index.entry((&c.subject, &c.property)).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            sizes[i] += 1;
            i
        })
        .collect();
    drop(index);
    let mut groups: Vec<Vec<Claim>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (c, i) in by_file.into_iter().flatten().zip(group_of) {
        groups[i].push(c);
    }
    // Each group checked on its own (in parallel, where its claims are
    // dropped too), merged in group order.
    let found: Vec<HashMap<FileId, Arc<Vec<Diagnostic>>>> = groups
        .into_par_iter()
        .map(|claims| {
            let mut out = HashMap::new();
            check_group(&claims, &mut out);
            out
        })
        .collect();
    let mut out: HashMap<FileId, Arc<Vec<Diagnostic>>> = HashMap::new();
    for part in found {
        super::append_by_file(&mut out, part);
    }
    out
}

/// The claims of the workspace about one `subject.property`, in the order
/// the whole analysis sees them (by file key, then position).
pub fn group(snap: &Snapshot, subject: &str, property: &str) -> Vec<Claim> {
    let mut files: Vec<&Arc<FileData>> = snap
        .referring_files(subject)
        .into_iter()
        .filter_map(|(id, _)| snap.file(id))
        .collect();
    files.sort_by(|a, b| a.key.cmp(&b.key));
    files
        .into_iter()
        .flat_map(|f| {
            cached_claims_of(snap, f)
                .iter()
                .filter(|c| c.subject.as_str() == subject && &*c.property == property)
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The diagnostics of one group of claims about the same
/// `subject.property`.
pub fn check_group(claims: &[Claim], out: &mut HashMap<FileId, Arc<Vec<Diagnostic>>>) {
    {
        for (i, c) in claims.iter().enumerate() {
            let mut conflicts = Vec::new();
            let mut acknowledged = Vec::new();
            let mut earlier_own = Vec::new();
            for (j, o) in claims.iter().enumerate() {
                if i == j || c.values.intersects(&o.values) {
                    continue;
                }
                let same_holder = c.holder.is_some() && c.holder == o.holder;
                if same_holder {
                    // A holder contradicting their own earlier claim.
                    if let (Some(cd), Some(od)) = (
                        c.date.and_then(|d| d.earliest),
                        o.date.and_then(|d| d.latest),
                    ) {
                        if od < cd {
                            earlier_own.push(o);
                        }
                    }
                    if c.date != o.date {
                        continue;
                    }
                }
                let overlap = match (&c.validity, &o.validity) {
                    (Some(a), Some(b)) => a.overlaps(b),
                    _ => true,
                };
                if !overlap {
                    continue;
                }
                let acked = c.disputed
                    || o.disputed
                    || o.id.as_ref().is_some_and(|id| c.contradicts.contains(id))
                    || c.id.as_ref().is_some_and(|id| o.contradicts.contains(id));
                if acked {
                    acknowledged.push(o);
                } else {
                    conflicts.push(o);
                }
            }
            let related = |others: &[&Claim], verb: &str| -> Vec<Related> {
                others
                    .iter()
                    .map(|o| Related {
                        file: o.file,
                        range: o.range.clone(),
                        message: format!("{verb} {}", o.describe()),
                    })
                    .collect()
            };
            if !conflicts.is_empty() {
                let msg = if conflicts.len() == 1 {
                    format!(
                        "{}, but {}: both cannot be true",
                        c.describe(),
                        conflicts[0].describe()
                    )
                } else {
                    format!(
                        "{}, which conflicts with {} other claims about `{}.{}`",
                        c.describe(),
                        conflicts.len(),
                        c.subject,
                        c.property
                    )
                };
                Arc::make_mut(out.entry(c.file).or_default()).push(
                    Diagnostic::new(Code::ConflictingClaims, c.range.clone(), msg)
                        .with_related(related(&conflicts, "conflicts with:")),
                );
            }
            if !acknowledged.is_empty() {
                Arc::make_mut(out.entry(c.file).or_default()).push(
                    Diagnostic::new(
                        Code::AcknowledgedConflict,
                        c.range.clone(),
                        format!(
                            "{} conflicts with {} acknowledged as disputed",
                            c.describe(),
                            if acknowledged.len() == 1 {
                                "a claim".to_string()
                            } else {
                                format!("{} claims", acknowledged.len())
                            }
                        ),
                    )
                    .with_related(related(&acknowledged, "acknowledged conflict with:")),
                );
            }
            if let Some(prev) = earlier_own
                .iter()
                .max_by_key(|o| o.date.and_then(|d| d.latest))
            {
                Arc::make_mut(out.entry(c.file).or_default()).push(
                    Diagnostic::new(
                        Code::ChangedPosition,
                        c.range.clone(),
                        format!(
                            "changed position: {}, after having {} `{}`{}{}",
                            c.describe(),
                            prev.verb_past(),
                            prev.text.trim(),
                            prev.resolved
                                .as_ref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default(),
                            prev.date.map(|d| format!(" on {d}")).unwrap_or_default()
                        ),
                    )
                    .with_related(related(&[*prev], "earlier:")),
                );
            }
        }
    }
}

impl Claim {
    fn verb_past(&self) -> &'static str {
        match self.verb {
            "denies" => "denied",
            "reports" => "reported",
            _ => "claimed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{prepare, workspace_of};

    fn run(src: &str) -> Vec<(&'static str, String)> {
        let ws = workspace_of(vec![prepare("a.chron".into(), Arc::from(src))]);
        let snap = ws.snapshot();
        let mut out: Vec<_> = analyse(&snap)
            .remove(&0)
            .map(Arc::unwrap_or_clone)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.code.as_str(), src[d.range].to_string()))
            .collect();
        out.sort();
        out
    }

    const HEAD: &str = "actor a \"A\"\nactor b \"B\"\ntopic plan \"Plan\"\nevent e: E\n";

    #[test]
    fn same_day_numbers_conflict_on_both_sides() {
        let src = format!("{HEAD}2025-11-25 @a claims @plan.points = 19\n2025-11-25 @b claims @plan.points = 28\n");
        assert_eq!(
            run(&src),
            [
                ("conflicting-claims", "@plan.points = 19".to_string()),
                ("conflicting-claims", "@plan.points = 28".to_string())
            ]
        );
    }

    #[test]
    fn near_misses_do_not_fire() {
        for body in [
            // A value that changed over time.
            "2025-11-20 @a claims @plan.points = 28\n2025-11-25 @b claims @plan.points = 19\n",
            // Compatible ranges.
            "2025-11-25 @a claims @plan.points > 10\n2025-11-25 @b claims @plan.points = 19\n",
            // A month and a day inside it.
            "2025-11-25 @a claims @plan.signed = 2025-11\n2025-11-25 @b claims @plan.signed = 2025-11-26\n",
            // Different kinds of value are not compared.
            "2025-11-25 @a claims @plan.points = 19\n2025-11-25 @b claims @plan.points = many\n",
        ] {
            assert_eq!(run(&format!("{HEAD}{body}")), [], "{body}");
        }
    }

    #[test]
    fn operators_denials_validity_and_timeless_events() {
        let src = format!(
            "{HEAD}2025-11-25 @a claims @plan.points > 10\n2025-11-25 @b claims @plan.points = 5\n\
2025-11-01 @a claims @e.secret\n2025-12-01 @b denies @e.secret\n\
2025-11-20 @a claims @plan.size = 3\n  valid: 2025-11-01/2025-11-30\n2025-11-25 @b claims @plan.size = 4\n"
        );
        let got = run(&src);
        let codes: Vec<_> = got.iter().map(|(c, t)| format!("{c} {t}")).collect();
        assert_eq!(
            codes,
            [
                "conflicting-claims @e.secret",
                "conflicting-claims @e.secret",
                "conflicting-claims @plan.points = 5",
                "conflicting-claims @plan.points > 10",
                "conflicting-claims @plan.size = 3",
                "conflicting-claims @plan.size = 4",
            ]
        );
    }

    #[test]
    fn changed_position_and_acknowledged() {
        let src = format!(
            "{HEAD}2025-11-20 @a claims @plan.points = 28\n2025-11-25 @a claims @plan.points = 19\n  valid: 2025-11-01/2025-11-30\n\
2025-11-25 @b claims @plan.size = 3\n  id: b-size\n2025-11-25 @a claims @plan.size = 4\n  contradicts: @b-size\n"
        );
        let got = run(&src);
        let codes: Vec<_> = got.iter().map(|(c, t)| format!("{c} {t}")).collect();
        assert_eq!(
            codes,
            [
                "acknowledged-conflict @plan.size = 3",
                "acknowledged-conflict @plan.size = 4",
                "changed-position @plan.points = 19",
            ]
        );
    }
}
