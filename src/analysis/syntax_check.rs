//! Syntax problems as diagnostics.

use tree_sitter::{Node, Tree};

use super::{Code, Diagnostic};
use crate::syntax::{problems, problems_in, Problem, ProblemKind};

/// The diagnostics of a file's syntax: every ERROR and MISSING node, and the
/// slips the grammar accepts so that damage stays local.
pub fn syntax_diagnostics(tree: &Tree, src: &str) -> Vec<Diagnostic> {
    to_diagnostics(problems(tree, src))
}

/// The syntax diagnostics inside one node (a top-level item).
pub fn syntax_diagnostics_in(node: Node<'_>, src: &str) -> Vec<Diagnostic> {
    to_diagnostics(problems_in(node, src))
}

fn to_diagnostics(problems: Vec<Problem>) -> Vec<Diagnostic> {
    problems
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
