//! Document symbols (the outline of a file) and workspace symbols (every
//! defined ID, searched by a fuzzy query).

use std::collections::HashSet;
use std::ops::Range;

use super::fuzzy::Pattern;
use super::{entry_label, section_end};
use crate::analysis::{DefLoc, FileId, Snapshot};
use crate::syntax::EntryKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SymbolKind {
    Section,
    Actor,
    Source,
    Topic,
    Event,
    Statement,
    Claim,
}

impl From<EntryKind> for SymbolKind {
    fn from(kind: EntryKind) -> Self {
        match kind {
            EntryKind::Actor => Self::Actor,
            EntryKind::Source => Self::Source,
            EntryKind::Topic => Self::Topic,
            EntryKind::Event => Self::Event,
            EntryKind::Statement => Self::Statement,
            EntryKind::Claim => Self::Claim,
        }
    }
}

/// One node of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// Never empty.
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole section (heading to its last line) or entry (header and
    /// fields).
    pub range: Range<usize>,
    /// The heading line, or the entry's header line; inside `range`.
    pub selection_range: Range<usize>,
    pub children: Vec<DocumentSymbol>,
}

/// The outline of a file: entries before the first heading, then the
/// sections nested by heading level, each holding its entries and its
/// sub-sections. Definitions are named by their ID (detail: display name
/// and kind), statements and claims by what they say
/// (`@macron said “…”`, `@levitt claims @peace-plan.points = 19`; detail:
/// the date and the `id:` if any).
pub fn document_symbols(snap: &Snapshot, file: FileId) -> Vec<DocumentSymbol> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let s = &data.summary;
    let text = data.text();
    let text = &*text;
    let mut top = Vec::new();
    let mut entries_of: Vec<Vec<DocumentSymbol>> = vec![Vec::new(); s.sections.len()];
    for (i, e) in s.entries.iter().enumerate() {
        let def = e.def.get().and_then(|d| s.definitions.get(d as usize));
        let (name, detail) = match e.kind {
            EntryKind::Statement | EntryKind::Claim => {
                let mut detail: Vec<String> = e.date.iter().map(|(_, d)| d.to_string()).collect();
                detail.extend(def.map(|d| format!("id: {}", d.id)));
                (
                    entry_label(data, i as u32),
                    (!detail.is_empty()).then(|| detail.join(" · ")),
                )
            }
            kind => {
                let name = def
                    .map(|d| d.id.to_string())
                    .unwrap_or_else(|| format!("{} (no ID)", kind.as_str()));
                let mut detail: Vec<String> = Vec::new();
                detail.extend(def.and_then(|d| d.title.map(|t| t.read(text).into_owned())));
                detail.extend(def.and_then(|d| d.subkind.map(|s| s.to_string())));
                if kind == EntryKind::Event {
                    detail.extend(e.date.iter().map(|(_, d)| d.to_string()));
                }
                (name, (!detail.is_empty()).then(|| detail.join(" · ")))
            }
        };
        let symbol = DocumentSymbol {
            name,
            detail,
            kind: e.kind.into(),
            range: e.range.range(),
            selection_range: e.header.range(),
            children: Vec::new(),
        };
        match e.section.get().and_then(|i| entries_of.get_mut(i as usize)) {
            Some(list) => list.push(symbol),
            None => top.push(symbol),
        }
    }

    // Nest the sections: the parent of a section is the nearest section
    // above it with a lower level. Built from the last section up, so that
    // each section is complete when it is attached to its parent.
    let parents: Vec<Option<usize>> = (0..s.sections.len())
        .map(|i| {
            (0..i)
                .rev()
                .find(|&j| s.sections[j].level < s.sections[i].level)
        })
        .collect();
    let mut subsections: Vec<Vec<DocumentSymbol>> = vec![Vec::new(); s.sections.len()];
    let mut top_sections = Vec::new();
    for i in (0..s.sections.len()).rev() {
        let section = &s.sections[i];
        let mut children = std::mem::take(&mut entries_of[i]);
        let mut subs = std::mem::take(&mut subsections[i]);
        subs.reverse();
        children.extend(subs);
        let symbol = DocumentSymbol {
            name: match section.title.read(text) {
                t if t.is_empty() => "#".repeat(section.level.into()),
                t => t.into_owned(),
            },
            detail: None,
            kind: SymbolKind::Section,
            range: section.heading.start..section_end(s, text, i),
            selection_range: section.heading.clone(),
            children,
        };
        match parents[i] {
            Some(p) => subsections[p].push(symbol),
            None => top_sections.push(symbol),
        }
    }
    top_sections.reverse();
    top.extend(top_sections);
    top
}

/// One defined ID found by a workspace symbol search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// The ID.
    pub name: String,
    pub kind: SymbolKind,
    pub file: FileId,
    /// The ID in its definition.
    pub range: Range<usize>,
    /// The display name, title or quote.
    pub detail: Option<String>,
}

/// How many workspace symbols a search returns at most.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 200;

/// Defined IDs whose ID, display name, alias or title fuzzily matches
/// `query`, best first (then by ID), at most `limit`. An
/// empty query lists IDs in order. A duplicate ID is listed once.
pub fn workspace_symbols(snap: &Snapshot, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let pattern = Pattern::new(query);
    // Room for the duplicates that are dropped below.
    let (hits, _) = snap
        .entities()
        .search(&pattern, limit.saturating_mul(2).max(limit));
    let mut seen = HashSet::new();
    hits.into_iter()
        .filter(|h| seen.insert(h.id))
        .filter_map(|h| {
            let (f, d) = snap.definition(DefLoc {
                file: h.file,
                index: h.def,
            })?;
            Some((h, f, d))
        })
        .take(limit)
        .map(|(h, f, d)| WorkspaceSymbol {
            name: d.id.to_string(),
            kind: d.kind.into(),
            file: h.file,
            range: d.range.clone(),
            detail: d.title.map(|t| t.read(&f.text()).into_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{key, parse};
    use super::*;

    fn render(text: &str, symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
        for s in symbols {
            assert!(
                s.range.start <= s.selection_range.start && s.selection_range.end <= s.range.end
            );
            let last_line = text[s.range.clone()].lines().last().unwrap_or("");
            out.push_str(&format!(
                "{}{:?} {:?}{} [{} … {}]\n",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                &text[s.selection_range.clone()],
                last_line.trim(),
            ));
            render(text, &s.children, depth + 1, out);
        }
    }

    #[track_caller]
    fn check_outline(fixture: &str, expect: &str) {
        let f = parse(fixture);
        let text = f.snap.file(f.file).unwrap().text().to_string();
        let mut out = String::new();
        render(&text, &document_symbols(&f.snap, f.file), 0, &mut out);
        assert_eq!(out, expect);
    }

    #[test]
    fn outline_nests_sections_by_level() {
        check_outline(
            r#"
actor early "Early"
# One
actor macron "Emmanuel Macron"
  kind: person
## One.A
2025-11-25 @macron said "We decided to launch a working group tomorrow, led by France."
  id: wg-quote
### One.A.i
2025-11-20 @macron claims @plan.points = 28
## One.B
2025-11-25 event call: The call
# Two
#
topic plan "Plan"

"#,
            "\
Actor \"early\" (Early) [actor early \"Early\" … actor early \"Early\"]
Section \"One\" [# One … 2025-11-25 event call: The call]
  Actor \"macron\" (Emmanuel Macron · person) [actor macron \"Emmanuel Macron\" … kind: person]
  Section \"One.A\" [## One.A … 2025-11-20 @macron claims @plan.points = 28]
    Statement \"@macron said “We decided to launch a working group…”\" (2025-11-25 · id: wg-quote) [2025-11-25 @macron said \"We decided to launch a working group tomorrow, led by France.\" … id: wg-quote]
    Section \"One.A.i\" [### One.A.i … 2025-11-20 @macron claims @plan.points = 28]
      Claim \"@macron claims @plan.points = 28\" (2025-11-20) [2025-11-20 @macron claims @plan.points = 28 … 2025-11-20 @macron claims @plan.points = 28]
  Section \"One.B\" [## One.B … 2025-11-25 event call: The call]
    Event \"call\" (The call · 2025-11-25) [2025-11-25 event call: The call … 2025-11-25 event call: The call]
Section \"Two\" [# Two … # Two]
Section \"#\" [# … topic plan \"Plan\"]
  Topic \"plan\" (Plan) [topic plan \"Plan\" … topic plan \"Plan\"]
",
        );
    }

    #[test]
    fn broken_entries_still_have_names() {
        check_outline(
            "actor\nevent\n",
            "Actor \"actor (no ID)\" [actor … actor]\nEvent \"event (no ID)\" [event … event]\n",
        );
        check_outline("", "");
    }

    #[test]
    fn workspace_symbols_fuzzy_best_first() {
        let f = parse(
            r#"
//- /a.chron
actor macron "Emmanuel Macron"
  aka: "President Macron"
actor mark "Mark Rutte"
actor amc "A Media Company"
//- /b.chron
2025-11-25 event macron-call: Call
topic tm "The Marathon"
"#,
        );
        let found = |q: &str, limit: usize| {
            workspace_symbols(&f.snap, q, limit)
                .iter()
                .map(|s| format!("{} {:?} {}", s.name, s.kind, key(&f.snap, s.file)))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("macron", 200),
            ["macron Actor /a.chron", "macron-call Event /b.chron"]
        );
        assert_eq!(found("mcrn", 200)[0], "macron Actor /a.chron");
        // An acronym of the display name.
        assert_eq!(found("mc", 200)[0], "amc Actor /a.chron");
        // Matched by display name only.
        assert_eq!(found("rutte", 200), ["mark Actor /a.chron"]);
        assert_eq!(found("president", 200), ["macron Actor /a.chron"]);
        assert_eq!(
            found("", 2),
            ["amc Actor /a.chron", "macron Actor /a.chron"]
        );
        assert!(found("zzz", 200).is_empty());
    }
}
