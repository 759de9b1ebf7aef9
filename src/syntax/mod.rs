//! The syntax layer: the Chronicle tree-sitter language, parsing, typed
//! zero-copy accessors over the tree, and the syntax problems of a file.
//!
//! It knows nothing of LSP, of the workspace or of what the notes mean:
//! parsing never fails — every input yields a tree and a list of problems.

mod ast;
pub mod lines;
mod problems;

pub use ast::*;
pub use problems::{problems, problems_in, Problem, ProblemKind};

use tree_sitter::{Language, Parser, Tree};

unsafe extern "C" {
    fn tree_sitter_chronicle() -> *const ();
}

/// The tree-sitter language of the Chronicle notation.
pub fn language() -> Language {
    // SAFETY: the generated parser exports this function; it returns a
    // pointer to a static TSLanguage that lives as long as the program.
    let lang_fn = unsafe { tree_sitter_language::LanguageFn::from_raw(tree_sitter_chronicle) };
    Language::new(lang_fn)
}

/// The grammar's field IDs by name, looked up once: tree-sitter's
/// `child_by_field_name` compares the name with every field name of the
/// language on each call, which was a sixth of the time spent reading trees.
/// The names are kept sorted by (length, bytes) and binary-searched: a
/// hashed map spent more on hashing the name than the search costs.
fn field_id(name: &str) -> Option<std::num::NonZeroU16> {
    use std::sync::OnceLock;
    type Ids = Vec<(Box<[u8]>, std::num::NonZeroU16)>;
    static IDS: OnceLock<Ids> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let lang = language();
        let mut ids: Ids = Vec::new();
        for id in 1..=lang.field_count() as u16 {
            if let (Some(name), Some(nz)) =
                (lang.field_name_for_id(id), std::num::NonZeroU16::new(id))
            {
                ids.push((Box::from(name.as_bytes()), nz));
            }
        }
        ids.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
        ids
    });
    let name = name.as_bytes();
    ids.binary_search_by(|(n, _)| (n.len(), &**n).cmp(&(name.len(), name)))
        .ok()
        .map(|i| ids[i].1)
}

/// Field access by name through the cached field IDs.
pub trait NodeExt<'t> {
    /// The child in field `name` (like `child_by_field_name`, faster).
    fn child_field(&self, name: &str) -> Option<tree_sitter::Node<'t>>;
    /// Every child in field `name`.
    fn children_field(&self, name: &str) -> Vec<tree_sitter::Node<'t>>;
}

impl<'t> NodeExt<'t> for tree_sitter::Node<'t> {
    fn child_field(&self, name: &str) -> Option<tree_sitter::Node<'t>> {
        self.child_by_field_id(field_id(name)?.get())
    }

    fn children_field(&self, name: &str) -> Vec<tree_sitter::Node<'t>> {
        let Some(id) = field_id(name) else {
            return Vec::new();
        };
        let mut cursor = self.walk();
        self.children_by_field_id(id, &mut cursor).collect()
    }
}

/// A parser for the Chronicle language. Parsers are cheap to create but not
/// `Sync`; keep one per thread.
pub fn parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the generated parser's ABI is supported by the tree-sitter crate");
    parser
}

/// Parses a whole text. Never fails: tree-sitter always yields a tree, with
/// ERROR and MISSING nodes where the text does not fit the grammar.
pub fn parse(text: &str) -> Tree {
    parse_with(&mut parser(), text, None)
}

/// Parses `text` with an existing parser, reusing `old` (already edited with
/// [`Tree::edit`]) for an incremental reparse.
pub fn parse_with(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    parser
        .parse(lines::for_parser(text).as_bytes(), old)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_loads_and_abi_is_14() {
        let lang = language();
        assert_eq!(lang.abi_version(), 14);
        assert!(lang.node_kind_count() > 10);
    }

    #[test]
    fn lone_cr_ends_a_line_like_lf() {
        let lf = parse("actor a \"A\"\n  kind: person\nProse.\n");
        let cr = parse("actor a \"A\"\r  kind: person\rProse.\r");
        assert_eq!(lf.root_node().to_sexp(), cr.root_node().to_sexp());
        assert!(!cr.root_node().has_error());
    }

    #[test]
    fn parses_everything_including_garbage() {
        for text in ["", "\n", "\0\u{1}\u{2}", "actor", "@", "\"", "  :", "2025-"] {
            let tree = parse(text);
            assert_eq!(tree.root_node().kind(), "document", "{text:?}");
        }
    }
}
