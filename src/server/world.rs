//! [`World`]: the immutable view of everything that requests and the
//! diagnostics publisher read, with the conversions a feature handler needs
//! (URI → file, position → byte offset, byte range → LSP range / location).
//! Cloning is O(1): persistent maps and `Arc`s.

use std::ops::Range;
use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::text::PositionEncoding;
use crate::analysis::{Diagnostic, FileData, FileId, Snapshot};

/// A file that is known but not analysed (too large, not UTF-8), with the
/// diagnostic that says why.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub problem: Diagnostic,
    /// The editor's version when the file is open.
    pub version: Option<i32>,
}

/// The immutable view of the workspace a request reads.
#[derive(Clone, Default)]
pub struct World {
    pub analysis: Snapshot,
    /// Known files that are not analysed, by key.
    pub skipped: imbl::HashMap<Arc<str>, Skipped>,
    pub encoding: PositionEncoding,
    /// The number of changes applied so far; each change makes a new world.
    pub seq: u64,
    /// For each key, the `seq` of the last change that asked for its
    /// diagnostics to be published again.
    pub dirty: imbl::HashMap<Arc<str>, u64>,
    /// Open documents whose latest text is not analysed yet: key → the
    /// generation of that text.
    pub behind: imbl::HashMap<Arc<str>, u64>,
    /// Open documents: key → the generation of the text in `analysis`.
    pub analysed: imbl::HashMap<Arc<str>, u64>,
}

impl World {
    /// Whether a change newer than this world asked for `key`'s diagnostics
    /// (so whatever was computed from this world for it is out of date).
    pub fn is_stale_for(&self, key: &str, newer: &World) -> bool {
        newer.dirty.get(key).is_some_and(|&seq| seq > self.seq)
    }

    /// Whether every document's analysis has reached the generation it had
    /// in `then` (an earlier world): a request sent then can be answered
    /// from this world.
    pub fn caught_up_with(&self, then: &World) -> bool {
        then.behind.iter().all(|(key, &gen)| {
            !self.behind.contains_key(key) || self.analysed.get(key).is_some_and(|&a| a >= gen)
        })
    }

    /// The analysed file of a URI. `None` for an unknown URI and for a file
    /// that is known but not analysed (too large, not UTF-8): requests on
    /// those answer with empty results.
    pub fn file(&self, uri: &lsp::Uri) -> Option<&Arc<FileData>> {
        self.file_by_key(&convert::key_of_uri(uri))
    }

    pub fn file_by_key(&self, key: &str) -> Option<&Arc<FileData>> {
        self.analysis.file(self.analysis.file_id(key)?)
    }

    /// The URI of a file of the snapshot.
    pub fn uri(&self, id: FileId) -> Option<lsp::Uri> {
        convert::uri_of_key(&self.analysis.file(id)?.key)
    }

    /// A client position in `file` as a byte offset (clamped, logged).
    pub fn offset(&self, file: &FileData, position: lsp::Position) -> usize {
        convert::pos_to_offset(file, position, self.encoding)
    }

    /// A byte range of `file` as an LSP range.
    pub fn range(&self, file: &FileData, bytes: Range<usize>) -> lsp::Range {
        convert::range_to_lsp(file, bytes, self.encoding)
    }

    /// A byte range of any file of the snapshot as an LSP location.
    pub fn location(&self, id: FileId, bytes: Range<usize>) -> Option<lsp::Location> {
        let file = self.analysis.file(id)?;
        Some(lsp::Location::new(
            convert::uri_of_key(&file.key)?,
            self.range(file, bytes),
        ))
    }

    /// An analysis edit (byte ranges by file) as an LSP workspace edit;
    /// files that left the snapshot are skipped.
    pub fn workspace_edit(
        &self,
        plain: crate::analysis::ide::WorkspaceEditPlain,
    ) -> lsp::WorkspaceEdit {
        let mut changes = std::collections::HashMap::new();
        for (id, edits) in plain.changes {
            let (Some(uri), Some(data)) = (self.uri(id), self.analysis.file(id)) else {
                continue;
            };
            let edits = edits
                .into_iter()
                .map(|e| lsp::TextEdit::new(self.range(data, e.range), e.new_text))
                .collect();
            changes.insert(uri, edits);
        }
        lsp::WorkspaceEdit::new(changes)
    }

    /// The file and byte offset a request points at; `None` when the
    /// document is unknown or not analysed.
    pub fn locate(&self, at: &lsp::TextDocumentPositionParams) -> Option<(&Arc<FileData>, usize)> {
        let file = self.file(&at.text_document.uri)?;
        Some((file, self.offset(file, at.position)))
    }
}
