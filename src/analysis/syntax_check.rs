//! Syntax problems as diagnostics.

use tree_sitter::Tree;

use super::{Code, Diagnostic};
use crate::syntax::{problems, ProblemKind};

/// The diagnostics of a file's syntax: every ERROR and MISSING node, and the
/// slips the grammar accepts so that damage stays local.
pub fn syntax_diagnostics(tree: &Tree, src: &str) -> Vec<Diagnostic> {
    problems(tree, src)
        .into_iter()
        .map(|p| {
            let code = match p.kind {
                ProblemKind::Unexpected { .. } => Code::SyntaxError,
                ProblemKind::Missing { .. } => Code::MissingToken,
                ProblemKind::MissingColon { .. } => Code::MissingColon,
                ProblemKind::StrayField { .. } => Code::StrayField,
            };
            Diagnostic::new(code, p.range, p.message)
        })
        .collect()
}
