//! The command line front end. It reads files and prints; everything it
//! reports comes from the analysis layer, the same as the language server.

pub mod check;
pub mod files;

use rayon::prelude::*;

use crate::analysis::{self, Diagnostic};
use files::LoadedFile;

/// The diagnostics of every loaded file, by index into `files`, each list
/// sorted by position. All files form one workspace: references resolve
/// across them.
pub fn analyse(files: &[LoadedFile]) -> Vec<(usize, Vec<Diagnostic>)> {
    let inputs = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.problem.is_none())
        .map(|(i, f)| (i.to_string(), f.text.clone()))
        .collect();
    let ws = analysis::workspace_of(analysis::prepare_all(inputs));
    let snap = ws.snapshot();
    // The CLI keys files by their index; map FileIds back to indices.
    let index_of = |id: analysis::FileId| -> usize {
        snap.file(id)
            .and_then(|f| f.key.parse().ok())
            .unwrap_or(usize::MAX)
    };
    // The workspace-wide checks first (they are parallel themselves), then
    // every file's diagnostics in parallel, collected in file order.
    snap.compute_workspace_results();
    files
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let mut diagnostics = Vec::new();
            if let Some(problem) = &file.problem {
                diagnostics.push(problem.clone());
            } else if let Some(id) = snap.file_id(&i.to_string()) {
                for mut d in analysis::file_diagnostics(&snap, id) {
                    for r in &mut d.related {
                        r.file = index_of(r.file) as analysis::FileId;
                    }
                    diagnostics.push(d);
                }
            }
            (i, diagnostics)
        })
        .collect()
}
