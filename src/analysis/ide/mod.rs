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

pub mod code_actions;
pub mod completion;
pub mod definition;
pub mod fields;
pub mod folding;
pub mod fuzzy;
pub mod highlight;
pub mod hover;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;

#[cfg(test)]
mod fixture;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::summary::{EntryInfo, FileSummary};
use super::workspace::{FileData, Snapshot};
use super::FileId;
use crate::syntax::{self, EntryKind};

/// A byte range in one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    if !valid_offset(&file.text, offset) {
        return None;
    }
    let s = &file.summary;
    if let Some((i, r)) = s
        .references
        .iter()
        .enumerate()
        .find(|(_, r)| r.at <= offset && offset <= r.range.end)
    {
        return Some(IdAt {
            id: r.id.clone(),
            range: r.range.clone(),
            at: Some(r.at),
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
        id: d.id.clone(),
        range: d.range.clone(),
        at: None,
        definition: Some(i as u32),
        reference: None,
    })
}

/// The syntax node of an entry of a file's summary.
pub(crate) fn entry_node<'t>(file: &'t FileData, entry: &EntryInfo) -> Option<syntax::Entry<'t>> {
    let start = entry.header.start;
    let mut node = file
        .tree
        .root_node()
        .descendant_for_byte_range(start, start)?;
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
    syntax::lines::line_of(file.line_starts(), offset) + 1
}

/// Where a definition is, for messages: `actors.chron, line 8`.
pub(crate) fn place(file: &FileData, offset: usize) -> String {
    format!("{}, line {}", file_name(&file.key), line_number(file, offset))
}

/// The leading calendar part of an EDTF date, for ordering dates as text:
/// `2025-11-25` of `2025-11-25T14:00Z`, `2025-11` of `2025-11~`, the start
/// of an interval. `None` for an undated or open start (`../2025`).
pub(crate) fn date_key(date: &str) -> Option<&str> {
    let d = date.trim();
    let d = d.strip_prefix("../").or_else(|| d.strip_prefix('/')).unwrap_or(d);
    let end = d
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '-' || *c == 'X'))
        .map(|(i, _)| i)
        .unwrap_or(d.len())
        .min(10);
    let key = d[..end].trim_end_matches('-');
    (key.len() >= 4 && key.as_bytes()[0].is_ascii_digit()).then_some(key)
}

/// The end of an interval's text (`2025-11-27` of `2025-11-25/2025-11-27`),
/// or the date itself; for ordering "last appearance".
pub(crate) fn date_end_key(date: &str) -> Option<&str> {
    match date.split_once('/') {
        Some((start, end)) => date_key(end).or_else(|| date_key(start)),
        None => date_key(date),
    }
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
        .and_then(|a| s.references.get(a as usize))
        .map(|r| format!("@{}", r.id))
        .unwrap_or_else(|| "@?".to_string());
    match e.kind {
        EntryKind::Statement => {
            let quote = e.quote.as_deref().unwrap_or("");
            format!("{author} said “{}”", truncate(quote, 40))
        }
        EntryKind::Claim => {
            let start = e
                .author
                .and_then(|a| s.references.get(a as usize))
                .map(|r| r.at)
                .unwrap_or(e.header.start);
            let text = file.text.get(start..e.header.end).unwrap_or("").trim();
            truncate(text, 60)
        }
        kind => {
            let id = e
                .def
                .and_then(|d| s.definitions.get(d as usize))
                .map(|d| d.id.to_string())
                .unwrap_or_else(|| "(no ID)".to_string());
            format!("{} {id}", kind.as_str())
        }
    }
}

/// The text cut to at most `max` characters, with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
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

/// A snapshot lookup used everywhere: the file, or nothing.
pub(crate) fn file<'s>(snap: &'s Snapshot, id: FileId) -> Option<&'s Arc<FileData>> {
    snap.file(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys() {
        assert_eq!(date_key("2025-11-25T14:00Z"), Some("2025-11-25"));
        assert_eq!(date_key("2025-11~"), Some("2025-11"));
        assert_eq!(date_key("2025-11-25/2025-11-27"), Some("2025-11-25"));
        assert_eq!(date_end_key("2025-11-25/2025-11-27"), Some("2025-11-27"));
        assert_eq!(date_end_key("2025-11-25/.."), Some("2025-11-25"));
        assert_eq!(date_key("../2025-11-25"), Some("2025-11-25"));
        assert_eq!(date_key("tomorrow"), None);
        assert_eq!(date_key("2025"), Some("2025"));
    }

    #[test]
    fn truncation_is_by_characters() {
        assert_eq!(truncate("Türkiye plays a key role", 7), "Türkiye…");
        assert_eq!(truncate("short", 7), "short");
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name("file:///a/b/actors.chron"), "actors.chron");
        assert_eq!(file_name("actors.chron"), "actors.chron");
    }
}
