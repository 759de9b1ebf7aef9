//! Editor features as pure queries over a [`Snapshot`]: go-to-definition,
//! references, rename, hover, completion, symbols, highlights, folding,
//! semantic tokens and code actions.
//!
//! Every function takes a snapshot, a [`FileId`] and byte offsets or byte
//! ranges into that file's text, and returns plain data with byte ranges.
//! There are no LSP types here: the server converts positions (UTF-16 or
//! UTF-8 columns) and wraps the results.
//!
//! Conventions shared by every feature:
//!
//! * an offset outside the file (past its end, or inside a multi-byte
//!   character) finds nothing; it never panics;
//! * the cursor is "on" an `@id` from the byte of the `@` to the byte just
//!   after the ID, both edges included, and on a definition's ID from its
//!   first byte to the byte just after it;
//! * ranges of IDs are the ID only, without the `@` (what rename replaces),
//!   except where a feature says otherwise (hover ranges of references).
//!
//! Whole-workspace work is kept off the request path where an index helps:
//! references, rename and hover read only the files the workspace index
//! lists as referring to the ID, and in each only the references to it
//! ([`index::FileIndex::references_to`]); completion and workspace symbols
//! scan one table of every definition's folded search keys
//! ([`index::EntityTable`]), built on first use and kept while edits keep
//! the definitions. `src/analysis/ide/perf.rs` measures the
//! request paths on a generated workspace with 10,000 actors.

pub mod code_actions;
pub mod completion;
pub mod definition;
pub mod fields;
pub mod folding;
pub mod fuzzy;
pub mod highlight;
pub mod hover;
pub mod index;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod perf;
#[cfg(test)]
mod tree_around_tests;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::summary::{Definition, EntryInfo, FileSummary};
use super::workspace::{FileData, Snapshot};
use super::FileId;
use crate::syntax::{self, EntryKind};

/// A byte range in one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileRange {
    pub file: FileId,
    pub range: Range<usize>,
}

/// Replace `range` (bytes of the file's current text) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// Edits to several files. The edits of a file are sorted by position and
/// never overlap; every range is in the file's text as the snapshot has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceEditPlain {
    pub changes: BTreeMap<FileId, Vec<TextEdit>>,
}

impl WorkspaceEditPlain {
    /// Adds an edit, keeping each file's edits sorted.
    pub fn push(&mut self, file: FileId, edit: TextEdit) {
        let edits = self.changes.entry(file).or_default();
        let at = edits.partition_point(|e| e.range.start <= edit.range.start);
        edits.insert(at, edit);
    }

    pub fn is_empty(&self) -> bool {
        self.changes.values().all(|e| e.is_empty())
    }

    /// How many edits, over all files.
    pub fn len(&self) -> usize {
        self.changes.values().map(Vec::len).sum()
    }
}

/// The ID under the cursor: a reference or a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdAt {
    pub id: Arc<str>,
    /// The ID only (no `@`).
    pub range: Range<usize>,
    /// The byte of the `@` when the cursor is on a reference.
    pub at: Option<usize>,
    /// Index into the file's definitions when the cursor is on a definition.
    pub definition: Option<u32>,
    /// Index into the file's references when the cursor is on a reference.
    pub reference: Option<u32>,
}

impl IdAt {
    /// The `@id` of a reference, or the ID of a definition.
    pub fn full_range(&self) -> Range<usize> {
        self.at.unwrap_or(self.range.start)..self.range.end
    }
}

/// Whether `offset` is a valid cursor position in `text`.
pub(crate) fn valid_offset(text: &str, offset: usize) -> bool {
    offset <= text.len() && text.is_char_boundary(offset)
}

/// The reference or definition under the cursor, if any.
pub fn id_at(file: &FileData, offset: usize) -> Option<IdAt> {
    if !valid_offset(&file.text(), offset) {
        return None;
    }
    let s = &file.summary;
    if let Some((i, r)) = s
        .references
        .iter()
        .enumerate()
        .find(|(_, r)| r.at() <= offset && offset <= r.span.end())
    {
        return Some(IdAt {
            id: Arc::from(r.id.as_str()),
            range: r.range(),
            at: Some(r.at()),
            definition: None,
            reference: Some(i as u32),
        });
    }
    let (i, d) = s
        .definitions
        .iter()
        .enumerate()
        .find(|(_, d)| d.range.start <= offset && offset <= d.range.end)?;
    Some(IdAt {
        id: Arc::from(d.id.as_str()),
        range: d.range.clone(),
        at: None,
        definition: Some(i as u32),
        reference: None,
    })
}

/// Every definition of the workspace, file by file, read straight from the
/// files' summaries: for whole-workspace scans (completion, workspace
/// symbols) this flat walk is several times faster than going through the
/// ID index. A duplicate ID comes once per definition; files come in no
/// particular order.
pub(crate) fn each_definition(
    snap: &Snapshot,
) -> impl Iterator<Item = (&Arc<FileData>, &Definition)> {
    snap.files()
        .flat_map(|f| f.summary.definitions.iter().map(move |d| (f, d)))
}

/// The syntax node of an entry of a file's summary, in a tree of the file
/// that holds it ([`FileData::tree_around`] its header).
pub(crate) fn entry_node<'t>(
    tree: &'t tree_sitter::Tree,
    entry: &EntryInfo,
) -> Option<syntax::Entry<'t>> {
    let start = entry.header.start();
    let mut node = tree.root_node().descendant_for_byte_range(start, start)?;
    loop {
        if node.start_byte() == start {
            if let Some(e) = syntax::Entry::cast(node) {
                return Some(e);
            }
        }
        node = node.parent()?;
    }
}

/// The last path segment of a file key (a URI or a path): `actors.chron`.
pub fn file_name(key: &str) -> &str {
    key.rsplit(['/', '\\']).next().unwrap_or(key)
}

/// 1-based line of a byte offset, for messages.
pub(crate) fn line_number(file: &FileData, offset: usize) -> usize {
    file.line_index().line_of(offset) + 1
}

/// Where a definition is, for messages: `actors.chron, line 8`.
pub(crate) fn place(file: &FileData, offset: usize) -> String {
    format!(
        "{}, line {}",
        file_name(&file.key),
        line_number(file, offset)
    )
}

/// The leading calendar part of an EDTF date, for ordering dates as text:
/// `2025-11-25` of `2025-11-25T14:00Z`, `2025-11` of `2025-11~`, the start
/// of an interval. `None` for an undated or open start (`../2025`).
fn date_prefix(date: &str) -> Option<&str> {
    let d = date.trim();
    let d = d
        .strip_prefix("../")
        .or_else(|| d.strip_prefix('/'))
        .unwrap_or(d);
    let end = d
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '-' || *c == 'X'))
        .map(|(i, _)| i)
        .unwrap_or(d.len())
        .min(10);
    let key = d[..end].trim_end_matches('-');
    (key.len() >= 4 && key.as_bytes()[0].is_ascii_digit()).then_some(key)
}

/// A text key of the first day a date can be, for "earliest" comparisons:
/// `2025-11` and `2025-11-XX` sort with `2025-11-00`.
pub(crate) fn date_key(date: &str) -> Option<String> {
    let key = date_prefix(date)?.replace('X', "0");
    Some(pad(key, "-00"))
}

/// A text key of the last day a date can be (the end of an interval), for
/// "latest" comparisons: `2025-11` sorts with `2025-11-99`.
pub(crate) fn date_end_key(date: &str) -> Option<String> {
    let prefix = match date.split_once('/') {
        Some((start, end)) => date_prefix(end).or_else(|| date_prefix(start)),
        None => date_prefix(date),
    }?;
    Some(pad(prefix.replace('X', "9"), "-99"))
}

fn pad(mut key: String, filler: &str) -> String {
    for _ in key.split('-').count()..3 {
        key.push_str(filler);
    }
    key
}

/// Characters an ID is made of.
pub fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// A short description of an entry, as a person would name it:
/// `event coalition-call`, `@macron said “We decided…”`,
/// `@levitt claims @peace-plan.points = 19`.
pub fn entry_label(file: &FileData, index: u32) -> String {
    let s: &FileSummary = &file.summary;
    let Some(e) = s.entries.get(index as usize) else {
        return String::new();
    };
    let author = e
        .author
        .get()
        .and_then(|a| s.references.get(a as usize))
        .map(|r| format!("@{}", r.id))
        .unwrap_or_else(|| "@?".to_string());
    match e.kind {
        EntryKind::Statement => {
            let text = file.text();
            let quote = e.quote.map(|q| q.read(&text)).unwrap_or_default();
            format!("{author} said “{}”", truncate(&quote, 40))
        }
        EntryKind::Claim => {
            let start = e
                .author
                .get()
                .and_then(|a| s.references.get(a as usize))
                .map(|r| r.at())
                .unwrap_or(e.header.start());
            let text = file.text();
            truncate(text.get(start..e.header.end()).unwrap_or("").trim(), 60)
        }
        kind => {
            let id = e
                .def
                .get()
                .and_then(|d| s.definitions.get(d as usize))
                .map(|d| d.id.to_string())
                .unwrap_or_else(|| "(no ID)".to_string());
            format!("{} {id}", kind.as_str())
        }
    }
}

/// The text cut to at most `max` characters, with `…` when cut.
/// Cut at a word boundary when one is near.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => {
            let head = &text[..i];
            let cut = match head.rfind(' ') {
                Some(space) if head[space..].chars().count() <= 15 => &head[..space],
                _ => head,
            };
            format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']))
        }
        None => text.to_string(),
    }
}

/// The plural-aware count: `1 claim`, `2 claims`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Where section `index` of a summary ends: before the next heading of
/// the same or a higher level (or at the end of the text), blank lines and
/// trailing spaces excluded.
pub(crate) fn section_end(summary: &FileSummary, text: &str, index: usize) -> usize {
    let Some(section) = summary.sections.get(index) else {
        return text.len();
    };
    let boundary = summary.sections[index + 1..]
        .iter()
        .find(|next| next.level <= section.level)
        .map(|next| next.heading.start)
        .unwrap_or(text.len());
    text[..boundary].trim_end().len().max(section.heading.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    #[test]
    fn date_keys() {
        let key = |d: &str| date_key(d);
        let end = |d: &str| date_end_key(d);
        assert_eq!(key("2025-11-25T14:00Z").as_deref(), Some("2025-11-25"));
        assert_eq!(key("2025-11~").as_deref(), Some("2025-11-00"));
        assert_eq!(key("2025-11-2X").as_deref(), Some("2025-11-20"));
        assert_eq!(key("2025-11-25/2025-11-27").as_deref(), Some("2025-11-25"));
        assert_eq!(end("2025-11-25/2025-11-27").as_deref(), Some("2025-11-27"));
        assert_eq!(end("2025-11-25/..").as_deref(), Some("2025-11-25"));
        assert_eq!(end("2025-11").as_deref(), Some("2025-11-99"));
        assert_eq!(end("2025").as_deref(), Some("2025-99-99"));
        assert_eq!(end("2025-11-2X").as_deref(), Some("2025-11-29"));
        assert_eq!(key("../2025-11-25").as_deref(), Some("2025-11-25"));
        assert_eq!(key("tomorrow"), None);
        // A month starts before its days and ends after them.
        assert!(key("2025-11").unwrap() < key("2025-11-01").unwrap());
        assert!(end("2025-11").unwrap() > end("2025-11-30").unwrap());
    }

    #[test]
    fn truncation_is_by_characters() {
        assert_eq!(truncate("Türkiye plays a key role", 7), "Türkiye…");
        assert_eq!(truncate("Türkiye plays a key role", 10), "Türkiye…");
        assert_eq!(truncate("Türkiyeplays", 10), "Türkiyepla…");
        assert_eq!(truncate("short", 7), "short");
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name("file:///a/b/actors.chron"), "actors.chron");
        assert_eq!(file_name("actors.chron"), "actors.chron");
    }

    /// Every feature at every offset of the examples and of broken text:
    /// nothing panics, and every range returned lies in its file.
    #[test]
    fn every_feature_at_every_offset_is_safe() {
        use crate::analysis::{prepare, workspace_of};

        let mut files: Vec<(String, String)> = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "chron") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.push((path.display().to_string(), text));
                }
            }
        }
        for (i, broken) in [
            "",
            "@",
            "actor",
            "actor türkiye \"T\nevent : \n  who: @, @türkiye,\n2025-02-30 (Thu) @türkiye claims @.x =\n",
            "\r\n\r@x said \"\"\r  at: @x + 2d\r# @x\r",
            "  kind: stray\n## \n// c\n\\actor x\n",
        ]
        .iter()
        .enumerate()
        {
            files.push((format!("/broken-{i}.chron"), broken.to_string()));
        }
        let prepared = files
            .iter()
            .map(|(k, t)| prepare(k.clone(), Arc::from(t.as_str())))
            .collect();
        let snap = workspace_of(prepared).snapshot();
        let options = completion::CompletionOptions::default();
        for data in snap.files() {
            let (file, len) = (data.id, data.text_len());
            let inside = |file: FileId, r: &Range<usize>| {
                let text = snap.file(file).unwrap().text().to_string();
                r.start <= r.end && r.end <= text.len()
            };
            for range in [None, Some(0..len), Some(len / 2..len + 10)] {
                for t in semantic_tokens::semantic_tokens(&snap, file, range) {
                    assert!(inside(file, &t.range));
                }
            }
            for f in folding::folding_ranges(&snap, file) {
                assert!(f.start_line < f.end_line);
            }
            assert!(!symbols::document_symbols(&snap, file)
                .iter()
                .any(|s| s.name.is_empty()));
            for offset in 0..=len + 1 {
                for r in definition::goto_definition(&snap, file, offset) {
                    assert!(inside(r.file, &r.range));
                }
                for r in references::find_references(&snap, file, offset, true) {
                    assert!(inside(r.file, &r.range));
                }
                for h in highlight::document_highlights(&snap, file, offset) {
                    assert!(inside(file, &h.range));
                }
                if let Some(h) = hover::hover(&snap, file, offset) {
                    assert!(inside(file, &h.range));
                }
                for item in completion::completions(&snap, file, offset, &options).items {
                    assert!(item.range.start <= offset && offset <= item.range.end);
                }
                if let Ok(p) = rename::prepare_rename(&snap, file, offset) {
                    let edit = rename::rename(&snap, file, offset, "renamed-id").unwrap();
                    assert!(!edit.is_empty() && inside(file, &p.range));
                }
                for a in code_actions::code_actions(&snap, file, offset..offset) {
                    for (f, edits) in &a.edit.changes {
                        assert!(edits.iter().all(|e| inside(*f, &e.range)));
                    }
                }
            }
        }
    }
}
