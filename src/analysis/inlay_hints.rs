//! Inlay hints: the window the temporal network infers for an undated event
//! (`≈ 2025-11-20/2025-11-24`), and what every relative date resolved to
//! (`→ 2025-11-26`).

use std::ops::Range;

use super::dates::{self, format_day};
use super::summary::ValueItem;
use super::temporal::entry_span;
use super::workspace::Snapshot;
use super::FileId;
use crate::syntax::EntryKind;

/// One hint: text shown at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after this byte).
    pub offset: usize,
    pub label: String,
    /// What the hint is about, for a tooltip.
    pub tooltip: String,
}

/// The hints of a file whose offsets fall in `range` (all when `None`).
pub fn inlay_hints(snap: &Snapshot, file: FileId, range: Option<Range<usize>>) -> Vec<InlayHint> {
    let Some(f) = snap.file(file) else {
        return Vec::new();
    };
    let temporal = snap.temporal();
    let text = f.text();
    let mut out = Vec::new();
    let wanted = |offset: usize| {
        range
            .as_ref()
            .is_none_or(|r| r.start <= offset && offset <= r.end)
    };
    for e in &f.summary.entries {
        let anchor = entry_span(e);
        // Undated events placed by constraints.
        if e.kind == EntryKind::Event && e.date.is_none() {
            if let Some(def) = e
                .def
                .get()
                .and_then(|d| f.summary.definitions.get(d as usize))
            {
                if let Some((earliest, latest)) = temporal.windows.get(&def.id) {
                    if earliest.is_some() || latest.is_some() {
                        let show =
                            |d: Option<i64>| d.map(format_day).unwrap_or_else(|| "..".into());
                        let label = if earliest.is_some() && earliest == latest {
                            format!("≈ {}", show(earliest))
                        } else {
                            format!("≈ {}/{}", show(earliest), show(latest))
                        };
                        if wanted(def.range.end) {
                            out.push(InlayHint {
                                offset: def.range.end,
                                label,
                                tooltip: format!(
                                    "`{}` has no date; its constraints place it in this window",
                                    def.id
                                ),
                            });
                        }
                    }
                }
            }
        }
        // Relative dates, resolved against the entry's date.
        let Some(day) = anchor.as_ref().and_then(|s| s.single_day()) else {
            continue;
        };
        let mut relatives: Vec<(Range<usize>, &str)> = Vec::new();
        for fi in f.summary.fields(e) {
            for item in f.summary.items(fi) {
                if let ValueItem::Relative { text, range } = item {
                    relatives.push((range.range(), text.as_str()));
                }
            }
        }
        let assertions = e
            .assertion
            .as_deref()
            .into_iter()
            .chain(f.summary.field_claims(e).iter().map(|(_, a)| a));
        for a in assertions {
            if a.value_kind == Some("relative_date") {
                if let (Some(r), Some(t)) = (a.value(), a.value_text(&text)) {
                    relatives.push((r.clone(), t));
                }
            }
        }
        for (range, text) in relatives {
            let Some(r) = dates::resolve_relative(text, day) else {
                continue;
            };
            if !wanted(range.end) {
                continue;
            }
            let label = if r.earliest == r.latest {
                format!("→ {}", format_day(r.earliest))
            } else {
                format!("→ {}/{}", format_day(r.earliest), format_day(r.latest))
            };
            out.push(InlayHint {
                offset: range.end,
                label,
                tooltip: format!(
                    "`{}` counted from the entry's date, {}",
                    text.trim(),
                    format_day(day)
                ),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::analysis::{prepare, workspace_of};

    #[test]
    fn windows_and_resolved_relative_dates() {
        let src = "\
2025-11-20 event a: A
event b: B between A and C
  after: @a
  before: @c
2025-11-24 event c: C
actor m \"M\"
2025-11-25 @m said \"Tomorrow, or on Thursday.\"
  claims: @c.next = tomorrow
  at: on Thursday
";
        let ws = workspace_of(vec![prepare("a.chron".into(), Arc::from(src))]);
        let snap = ws.snapshot();
        let hints = inlay_hints(&snap, 0, None);
        let shown: Vec<_> = hints
            .iter()
            .map(|h| (&src[..h.offset], h.label.as_str()))
            .map(|(before, label)| {
                (
                    before.lines().last().unwrap().to_string(),
                    label.to_string(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("event b".to_string(), "≈ 2025-11-20/2025-11-24".to_string()),
                (
                    "  claims: @c.next = tomorrow".to_string(),
                    "→ 2025-11-26".to_string()
                ),
                ("  at: on Thursday".to_string(), "→ 2025-11-27".to_string()),
            ]
        );
        // A range filter keeps only the hints inside it.
        let start = src.find("actor m").unwrap();
        assert_eq!(inlay_hints(&snap, 0, Some(start..src.len())).len(), 2);
    }
}
