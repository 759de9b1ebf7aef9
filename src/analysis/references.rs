//! Reference diagnostics: undefined references (with "did you mean"),
//! references of the wrong kind, duplicate IDs, unused definitions and
//! unlinked mentions.

use super::summary::{RefRole, Reference};
use super::workspace::{FileData, Snapshot};
use super::{Code, Diagnostic, Related};
use crate::syntax::EntryKind;

/// "an actor", "an event" …
pub fn kind_phrase(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Actor => "an actor",
        EntryKind::Source => "a source",
        EntryKind::Topic => "a topic",
        EntryKind::Event => "an event",
        EntryKind::Statement => "a statement",
        EntryKind::Claim => "a claim",
    }
}

/// The kinds of entity a reference in this place may name; `None` for any.
pub fn expected_kinds(role: &RefRole, entry: Option<EntryKind>) -> Option<&'static [EntryKind]> {
    use EntryKind::*;
    match role {
        RefRole::Author => Some(match entry {
            Some(Claim) => &[Actor, Source],
            _ => &[Actor],
        }),
        RefRole::Anchor => Some(&[Event]),
        RefRole::RoleOrganisation => Some(&[Actor]),
        RefRole::Field(key) => match &**key {
            "after" | "before" | "during" | "at" => Some(&[Event]),
            "who" | "led-by" | "members" | "member-of" | "with" => Some(&[Actor]),
            "source" | "sources" | "cites" => Some(&[Source]),
            "contradicts" => Some(&[Statement, Claim]),
            _ => None,
        },
        RefRole::Subject | RefRole::Title | RefRole::Heading | RefRole::Prose => None,
    }
}

fn expected_phrase(kinds: &[EntryKind]) -> String {
    let words: Vec<_> = kinds.iter().map(|k| kind_phrase(*k)).collect();
    match words.as_slice() {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

fn place(role: &RefRole) -> String {
    match role {
        RefRole::Author => "the speaker or holder".to_string(),
        RefRole::Anchor => "a date offset".to_string(),
        RefRole::RoleOrganisation => "a role's `of`".to_string(),
        RefRole::Field(key) => format!("`{key}:`"),
        _ => "this place".to_string(),
    }
}

/// Which elements of a file to check: references, definitions and prose
/// lines, by index into the file's summary.
pub struct Selection<'a> {
    pub references: &'a dyn Fn(usize, &Reference) -> bool,
    pub definitions: &'a dyn Fn(usize, &super::summary::Definition) -> bool,
    pub prose: &'a dyn Fn(usize) -> bool,
}

/// The reference diagnostics of one file.
pub fn reference_diagnostics(snap: &Snapshot, file: &FileData) -> Vec<Diagnostic> {
    reference_diagnostics_of(
        snap,
        file,
        &Selection {
            references: &|_, _| true,
            definitions: &|_, _| true,
            prose: &|_| true,
        },
    )
}

/// The reference diagnostics of the selected elements of one file.
pub fn reference_diagnostics_of(
    snap: &Snapshot,
    file: &FileData,
    select: &Selection<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let summary = &file.summary;
    // An undefined ID is usually written more than once: suggest once.
    let mut suggested: std::collections::HashMap<&str, Vec<String>> =
        std::collections::HashMap::new();
    for (i, r) in summary.references.iter().enumerate() {
        if !(select.references)(i, r) {
            continue;
        }
        let Some((first, kind)) = snap.first_definition_kind(&r.id) else {
            let found = suggested
                .entry(&r.id)
                .or_insert_with(|| suggestions(snap, &r.id));
            out.push(undefined(snap, r, found));
            continue;
        };
        let entry_kind = r
            .entry
            .get()
            .and_then(|e| summary.entries.get(e as usize))
            .map(|e| e.kind);
        if let (Some(kinds), Some(kind)) = (expected_kinds(&r.role(), entry_kind), kind) {
            if kinds.contains(&kind) {
                continue;
            }
            if let Some((def_file, def)) = snap.definition(first) {
                out.push(
                    Diagnostic::new(
                        Code::WrongKind,
                        r.full_range(),
                        format!(
                            "{} expects {}, but `@{}` is {}",
                            place(&r.role()),
                            expected_phrase(kinds),
                            r.id,
                            kind_phrase(def.kind)
                        ),
                    )
                    .with_related(vec![Related {
                        file: def_file.id,
                        range: def.range.clone(),
                        message: format!(
                            "`{}` is defined here as {}",
                            def.id,
                            kind_phrase(def.kind)
                        ),
                    }]),
                );
            }
        }
    }
    for (index, def) in summary.definitions.iter().enumerate() {
        if !(select.definitions)(index, def) {
            continue;
        }
        if snap.definition_count(&def.id) > 1 {
            let locs = snap.definitions(&def.id);
            let related = locs
                .iter()
                .filter(|l| !(l.file == file.id && l.index as usize == index))
                .filter_map(|l| snap.definition(*l))
                .map(|(f, d)| Related {
                    file: f.id,
                    range: d.range.clone(),
                    message: format!(
                        "`{}` is also defined here, as {}",
                        d.id,
                        kind_phrase(d.kind)
                    ),
                })
                .collect::<Vec<_>>();
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    def.range.clone(),
                    format!(
                        "`{}` is defined {} times; IDs must be unique across the workspace",
                        def.id,
                        locs.len()
                    ),
                )
                .with_related(related),
            );
        }
        // A definition whose header is broken (`actor Tom Hanks appeared in
        // a film`) is most likely prose; its syntax error says enough.
        let header = summary
            .entries
            .get(def.entry as usize)
            .map(|e| e.header.range());
        let broken = header.is_some_and(|h| {
            summary
                .syntax
                .iter()
                .any(|d| h.start <= d.range.start && d.range.start <= h.end)
        });
        let may_be_unused = !broken
            && matches!(
                def.kind,
                EntryKind::Actor | EntryKind::Source | EntryKind::Topic
            );
        if may_be_unused && snap.reference_count(&def.id) == 0 {
            out.push(Diagnostic::new(
                Code::UnusedDefinition,
                def.range.clone(),
                format!(
                    "{} `{}` is defined but nothing refers to it",
                    capitalised(def.kind.as_str()),
                    def.id
                ),
            ));
        }
    }
    let mut spans: Vec<(usize, usize)> = summary
        .references
        .iter()
        .map(|r| (r.at(), r.span.end()))
        .collect();
    spans.sort_unstable();
    let mut file_text = None;
    for (i, prose) in summary.prose.iter().enumerate() {
        if !(select.prose)(i) {
            continue;
        }
        let file_text = file_text.get_or_insert_with(|| file.text());
        let Some(text) = file_text.get(prose.range()) else {
            continue;
        };
        // References are never nested, so sorted by start they are sorted
        // by end too: the one that could overlap a range is found by a
        // binary search.
        let mentions = snap.names().find(text, prose.start(), |range| {
            let i = spans.partition_point(|&(_, end)| end <= range.start);
            spans.get(i).is_some_and(|&(start, _)| start < range.end)
        });
        for m in mentions {
            let related = snap
                .first_definition(&m.actor)
                .and_then(|l| snap.definition(l))
                .map(|(f, d)| Related {
                    file: f.id,
                    range: d.range.clone(),
                    message: format!("`{}` is defined here", d.id),
                })
                .into_iter()
                .collect();
            out.push(
                Diagnostic::new(
                    Code::UnlinkedMention,
                    m.range,
                    format!(
                        "`{}` names the actor `@{}`; write `@{}` to link it",
                        m.name, m.actor, m.actor
                    ),
                )
                .with_related(related),
            );
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The closest defined IDs to `id`: an actor whose name or alias reads like
/// it, then IDs within a small edit distance, best first.
pub fn suggestions(snap: &Snapshot, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(actor) = snap.names().actor_for_id_like(id) {
        out.push(actor.to_string());
    }
    let id_len = id.chars().count();
    let limit = (id_len / 3).clamp(1, 3);
    let lower = id.to_lowercase();
    let counts = letter_counts(&lower);
    let mut scored: Vec<(usize, &str)> = snap
        .all_definitions()
        .filter_map(|(candidate, _)| {
            let prefix =
                id.len() >= 3 && (candidate.starts_with(id) || id.starts_with(&**candidate));
            // Lengths further apart than the limit cannot be within it.
            if !prefix && candidate.len().abs_diff(id.len()) > limit * 4 {
                return None;
            }
            if !prefix && candidate.chars().count().abs_diff(id_len) > limit {
                return None;
            }
            let folded: std::borrow::Cow<'_, str> = if candidate.chars().any(char::is_uppercase) {
                candidate.to_lowercase().into()
            } else {
                (&**candidate).into()
            };
            if !prefix && letter_distance(&counts, &folded) > limit {
                return None;
            }
            let d = strsim::levenshtein(&lower, &folded);
            (d <= limit || prefix).then_some((d, &**candidate))
        })
        .collect();
    scored.sort();
    for (_, c) in scored {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// How many of each ASCII letter and digit `s` holds; other characters in
/// one bucket.
fn letter_counts(s: &str) -> [i32; 37] {
    let mut counts = [0; 37];
    for c in s.chars() {
        let i = match c {
            c @ 'a'..='z' => c as usize - 'a' as usize,
            c @ '0'..='9' => 26 + c as usize - '0' as usize,
            _ => 36,
        };
        counts[i] += 1;
    }
    counts
}

/// A lower bound of the edit distance between the text counted in `counts`
/// and `candidate` (the bag distance: an edit adds, removes or replaces one
/// character, so it fixes at most one surplus and one shortfall). It is
/// far cheaper than the distance itself and turns away most IDs of a
/// similar length.
fn letter_distance(counts: &[i32; 37], candidate: &str) -> usize {
    let theirs = letter_counts(candidate);
    let (mut more, mut fewer) = (0, 0);
    for (a, b) in counts.iter().zip(theirs) {
        if *a > b {
            more += a - b;
        } else {
            fewer += b - a;
        }
    }
    more.max(fewer) as usize
}

fn undefined(snap: &Snapshot, r: &Reference, suggestions: &[String]) -> Diagnostic {
    let mut message = format!("`@{}` is not defined", r.id);
    let mut related = Vec::new();
    if let Some(best) = suggestions.first() {
        message.push_str(&format!("; did you mean `@{best}`?"));
        for s in suggestions {
            if let Some((f, d)) = snap.first_definition(s).and_then(|l| snap.definition(l)) {
                related.push(Related {
                    file: f.id,
                    range: d.range.clone(),
                    message: match d.title {
                        Some(t) => format!("`{}` ({}) is defined here", d.id, t.read(&f.text())),
                        None => format!("`{}` is defined here", d.id),
                    },
                });
            }
        }
    }
    Diagnostic::new(Code::UndefinedReference, r.full_range(), message).with_related(related)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_distance_never_exceeds_the_edit_distance() {
        let words = [
            "macron",
            "marcon",
            "macr0n",
            "coalition-call",
            "coalition-cal",
            "us",
            "usa",
            "uk",
            "türkiye",
            "turkiye",
            "wagner",
            "wgner",
            "abc",
            "cba",
            "",
            "a-b-c",
            "aab",
        ];
        for a in words {
            for b in words {
                let bound = letter_distance(&letter_counts(a), b);
                assert!(bound <= strsim::levenshtein(a, b), "{a} {b}");
            }
        }
        assert_eq!(letter_distance(&letter_counts("macron"), "wagner"), 3);
    }
}
