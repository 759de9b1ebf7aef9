//! The analysis layer: pure functions over immutable snapshots of the
//! workspace. Diagnostics are plain structs with byte ranges; there are no
//! LSP types and no async code here.

pub mod claims;
pub mod dates;
mod diagnostic;
pub mod ide;
pub mod incremental;
pub mod inlay_hints;
pub mod names;
pub mod packed;
pub mod quick;
pub mod references;
pub mod span;
pub mod splice;
pub mod stn;
pub mod summary;
pub mod sym;
pub mod syntax_check;
pub mod temporal;
pub mod workspace;

use std::sync::Arc;

use rayon::prelude::*;

pub use diagnostic::{Code, Diagnostic, FileId, Related, Severity};
pub use summary::FileSummary;
pub use workspace::{ChangeSet, DefLoc, FileData, Snapshot, Workspace};

use crate::syntax;

/// A file parsed and summarised, ready to enter a [`Workspace`].
pub struct Prepared {
    pub key: String,
    pub text: packed::FileText,
    /// Kept by [`prepare`]; dropped by [`prepare_all`], which prepares
    /// files to index (a tree costs ~14 times its text).
    pub tree: Option<tree_sitter::Tree>,
    pub summary: Arc<FileSummary>,
}

/// Parses and summarises one file.
pub fn prepare(key: String, text: Arc<str>) -> Prepared {
    prepare_with(&mut syntax::parser(), key, text)
}

/// Parses (with a parser the caller keeps) and summarises one file.
fn prepare_with(parser: &mut tree_sitter::Parser, key: String, text: Arc<str>) -> Prepared {
    let tree = syntax::parse_with(parser, &text, None);
    let summary = Arc::new(FileSummary::new(&tree, &text));
    Prepared {
        key,
        text: text.into(),
        tree: Some(tree),
        summary,
    }
}

/// Summarises a closed file (one no editor holds), keeping no tree: the
/// quick reader ([`quick::summary`]) when the file reads plainly, else a
/// parse with the caller's parser whose tree is dropped at once (a tree
/// costs ~14 times its text).
pub fn summarise_closed(parser: &mut tree_sitter::Parser, text: &str) -> FileSummary {
    quick::summary(text).unwrap_or_else(|| {
        let tree = syntax::parse_with(parser, text, None);
        FileSummary::new(&tree, text)
    })
}

/// Summarises one file to index ([`summarise_closed`]), with a parser the
/// caller keeps; `keep` makes the text the workspace keeps of it (the same
/// text, or a packed copy).
pub fn prepare_to_index(
    parser: &mut tree_sitter::Parser,
    key: String,
    text: &str,
    keep: impl FnOnce(&str) -> packed::FileText,
) -> Prepared {
    let summary = Arc::new(summarise_closed(parser, text));
    Prepared {
        key,
        text: keep(text),
        tree: None,
        summary,
    }
}

/// Parses and summarises files in parallel (trees dropped).
pub fn prepare_all(files: Vec<(String, Arc<str>)>) -> Vec<Prepared> {
    with_parsers(
        files,
        |(_, text)| text.len(),
        |parser, (key, text)| prepare_to_index(parser, key, &text, |_| text.clone().into()),
    )
}

/// Runs `work` on every item in parallel (rayon), with a parser per
/// thread, the largest items (by `size`) first: a large file started last
/// would keep one thread busy after the others have finished. The results
/// come in the items' order.
pub fn with_parsers<T: Send, R: Send>(
    items: Vec<T>,
    size: impl Fn(&T) -> usize,
    work: impl Fn(&mut tree_sitter::Parser, T) -> R + Sync + Send,
) -> Vec<R> {
    let mut items: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    items.sort_by_key(|(_, item)| std::cmp::Reverse(size(item)));
    let mut out: Vec<(usize, R)> = items
        .into_par_iter()
        .map_init(syntax::parser, |parser, (i, item)| (i, work(parser, item)))
        .collect();
    // Each worker's own cache of interned strings (one entry per distinct
    // ID, key and date it read, in front of the shared table) would outlive
    // the batch for nothing.
    rayon::broadcast(|_| summary::forget_interned());
    out.sort_unstable_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// A workspace of the given files (keys must be unique).
pub fn workspace_of(prepared: Vec<Prepared>) -> Workspace {
    let mut ws = Workspace::new();
    ws.set_files(
        prepared
            .into_iter()
            .map(|p| (Arc::from(p.key.as_str()), p.text, p.summary)),
    );
    ws
}

/// Every diagnostic of one file, sorted by position.
pub fn file_diagnostics(snap: &Snapshot, file: FileId) -> Vec<Diagnostic> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let mut out = data.summary.syntax.clone();
    out.extend(snap.reference_diagnostics(data).iter().cloned());
    out.extend(snap.temporal().diagnostics_of(file).iter().cloned());
    out.extend(snap.claim_diagnostics(file).iter().cloned());
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    out
}

/// Appends each file's list of `part` to that file's list in `into`, files
/// in order (so that lists merged from parallel parts read as one pass
/// would write them).
pub(crate) fn append_by_file<T: Clone>(
    into: &mut std::collections::HashMap<FileId, Arc<Vec<T>>>,
    part: std::collections::HashMap<FileId, Arc<Vec<T>>>,
) {
    let mut part: Vec<_> = part.into_iter().collect();
    part.sort_by_key(|(file, _)| *file);
    for (file, list) in part {
        match into.entry(file) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(list);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                Arc::make_mut(o.get_mut()).extend(Arc::unwrap_or_clone(list));
            }
        }
    }
}
