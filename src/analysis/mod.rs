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
pub mod references;
pub mod splice;
pub mod stn;
pub mod summary;
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
    pub text: Arc<str>,
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
        text,
        tree: Some(tree),
        summary,
    }
}

/// Parses and summarises files in parallel.
pub fn prepare_all(files: Vec<(String, Arc<str>)>) -> Vec<Prepared> {
    files
        .into_par_iter()
        .map_init(syntax::parser, |parser, (key, text)| Prepared {
            tree: None,
            ..prepare_with(parser, key, text)
        })
        .collect()
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
