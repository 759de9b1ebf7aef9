//! The command line front end. It reads files and prints; everything it
//! reports comes from the analysis layer, the same as the language server.

pub mod check;
pub mod files;

use crate::analysis::{syntax_check::syntax_diagnostics, Diagnostic};
use crate::syntax;
use files::LoadedFile;

/// The diagnostics of every loaded file, by index into `files`, each list
/// sorted by position.
pub fn analyse(files: &[LoadedFile]) -> Vec<(usize, Vec<Diagnostic>)> {
    let mut parser = syntax::parser();
    files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let mut diagnostics = Vec::new();
            if let Some(problem) = &file.problem {
                diagnostics.push(problem.clone());
            } else {
                let tree = syntax::parse_with(&mut parser, &file.text, None);
                diagnostics.extend(syntax_diagnostics(&tree, &file.text));
            }
            diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
            (index, diagnostics)
        })
        .collect()
}
