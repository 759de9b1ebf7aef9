//! The syntax layer: the Chronicle tree-sitter language, parsing, typed
//! zero-copy accessors over the tree, and the syntax problems of a file.
//!
//! It knows nothing of LSP, of the workspace or of what the notes mean:
//! parsing never fails — every input yields a tree and a list of problems.

mod ast;
pub mod lines;
mod problems;
pub mod region;

pub use ast::*;
pub use problems::{problems, problems_in, reads_as_field, Problem, ProblemKind};

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

/// A node's kind, as `Node::kind` gives it, from a table of the language's
/// kind names made once: `Node::kind` measures and checks the grammar's C
/// string on every call (summarising a file asks for a kind about once per
/// node).
#[inline]
pub fn node_kind<'t>(node: tree_sitter::Node<'t>) -> &'t str {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let lang = language();
        (0..lang.node_kind_count() as u16)
            .map(|id| -> &'static str {
                Box::leak(Box::from(lang.node_kind_for_id(id).unwrap_or("")))
            })
            .collect()
    });
    match names.get(node.kind_id() as usize) {
        Some(name) if !name.is_empty() => name,
        // ERROR (a symbol outside the table) and anything unnamed.
        _ => node.kind(),
    }
}

/// The grammar's field IDs by name, looked up once: tree-sitter's
/// `child_by_field_name` compares the name with every field name of the
/// language on each call, which was a sixth of the time spent reading trees.
/// The names are kept sorted by (length, bytes) and binary-searched: a
/// hashed map spent more on hashing the name than the search costs.
///
/// In front of the search, a small cache keyed by the name's address and
/// length: the names are `&'static str`s (the callers' literals), never
/// freed, so an address and length always hold the same text; each call
/// site then finds its slot filled, and the search (string comparisons,
/// 3% of summarising a file) runs once per call site and slot collision.
fn field_id(name: &'static str) -> Option<std::num::NonZeroU16> {
    use std::sync::atomic::{AtomicU64, Ordering};
    const SLOTS: usize = 64;
    #[allow(clippy::declare_interior_mutable_const)]
    const EMPTY: AtomicU64 = AtomicU64::new(0);
    static CACHE: [AtomicU64; SLOTS] = [EMPTY; SLOTS];
    let addr = name.as_ptr() as u64;
    // One word per slot: address (user-space addresses fit in 48 bits),
    // length, ID (0: no such field). A slot another thread is writing is
    // read whole or not at all.
    if addr >> 48 != 0 || name.len() > 0xff {
        return search_field_id(name);
    }
    let key = addr << 16 | (name.len() as u64) << 8;
    let slot = &CACHE[(addr as usize >> 3) % SLOTS];
    let v = slot.load(Ordering::Relaxed);
    if v != 0 && v >> 8 == key >> 8 {
        return std::num::NonZeroU16::new((v & 0xff) as u16);
    }
    let found = search_field_id(name);
    match found {
        Some(id) if id.get() > 0xff => {}
        _ => slot.store(
            key | u64::from(found.map_or(0, |id| id.get())),
            Ordering::Relaxed,
        ),
    }
    found
}

fn search_field_id(name: &str) -> Option<std::num::NonZeroU16> {
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
    fn child_field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>>;
    /// Every child in field `name`.
    fn children_field(&self, name: &'static str) -> Vec<tree_sitter::Node<'t>>;
}

impl<'t> NodeExt<'t> for tree_sitter::Node<'t> {
    fn child_field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>> {
        self.child_by_field_id(field_id(name)?.get())
    }

    fn children_field(&self, name: &'static str) -> Vec<tree_sitter::Node<'t>> {
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
    fn node_kinds_from_the_table_are_the_trees() {
        let text = "# Talks @kyiv\n\nevent kyiv-talks: Talks in @kyiv\n  date: 2024-02-03 (Sat)\n  after: @x + 2d\n\
                    statement: @a said \"yes\"\n  claims: @p.q = 3\n\n!!! )) ::\nfield without colon\n  who @a\n\
                    actor a \"A\"\nactor Tom Hanks appeared in a film\n  kind: person\nactor b \"B\"\n  who: @\n";
        let tree = parse(text);
        let mut cursor = tree.walk();
        let mut seen = 0;
        loop {
            let n = cursor.node();
            assert_eq!(node_kind(n), n.kind());
            seen += 1;
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == tree.root_node() {
                break;
            }
        }
        assert!(seen > 30, "{seen}");
        assert!(tree.root_node().has_error());
    }

    #[test]
    fn cached_field_ids_are_the_languages() {
        let lang = language();
        for id in 1..=lang.field_count() as u16 {
            let name: &'static str =
                Box::leak(Box::from(lang.field_name_for_id(id).expect("a field name")));
            // Twice: the second call is answered from the cache.
            for _ in 0..2 {
                assert_eq!(field_id(name).map(|n| n.get()), Some(id), "{name}");
            }
        }
        for _ in 0..2 {
            assert_eq!(field_id("no-such-field"), None);
        }
    }

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
