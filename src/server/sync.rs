//! Keeping an open document's text and syntax tree in step with the
//! editor's edits. Plain functions over [`Document`] and tree-sitter types:
//! no LSP types, no I/O, no locks, so the property test below can drive them
//! directly.
//!
//! One `didChange` notification is applied as: every change to the rope, in
//! order (each range is read against the text left by the previous one);
//! each resulting [`tree_sitter::InputEdit`] to the old tree; then ONE
//! incremental reparse that reads the rope chunk by chunk (lone `\r` shown to
//! the parser as `\n`, without copying chunks that have none).

use std::ops::Range;

use tree_sitter::{Parser, Tree};

use super::text::{Document, PositionEncoding, TextChange};
use crate::analysis::splice::Edit;

/// Parses a document, reading its rope chunk by chunk; `old` is a tree
/// already edited to match the document (incremental reparse) or `None`.
pub fn parse(parser: &mut Parser, doc: &Document, old: Option<&Tree>) -> Tree {
    parser
        .parse_with_options(&mut |byte, _point| doc.parser_chunk_at(byte), old, None)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

/// What applying one notification did.
pub struct Applied {
    /// The tree of the new text.
    pub tree: Tree,
    /// Some change's range was out of the text (past a line's end or the
    /// file's) or inside a character, and was clamped.
    pub clamped: bool,
    /// Whether the old tree was reused (false after a full replacement).
    pub incremental: bool,
    /// The byte ranges whose syntactic structure changed, as tree-sitter
    /// reports them (the whole text when the tree was not reused).
    pub changed: Vec<Range<usize>>,
    /// One edit covering every change and every changed range (`None`
    /// after a full replacement).
    pub edit: Option<Edit>,
}

/// Applies the changes of one `didChange` notification to `doc` and returns
/// the reparsed tree. `tree` is the tree of the text before the changes.
pub fn apply_changes(
    parser: &mut Parser,
    doc: &mut Document,
    tree: &Tree,
    changes: &[TextChange],
    encoding: PositionEncoding,
) -> Applied {
    let edits = doc.apply_changes_checked(changes, encoding);
    // A full replacement leaves nothing of the old tree worth reusing.
    let incremental = changes.iter().all(|c| c.range.is_some());
    if !incremental {
        return Applied {
            tree: parse(parser, doc, None),
            clamped: edits.clamped,
            incremental,
            changed: std::iter::once(0..doc.len_bytes()).collect(),
            edit: None,
        };
    }
    let mut old = tree.clone();
    for edit in &edits.value {
        old.edit(edit);
    }
    let started = std::time::Instant::now();
    let tree = parse(parser, doc, Some(&old));
    let parsed = started.elapsed();
    let changed: Vec<Range<usize>> = old
        .changed_ranges(&tree)
        .map(|r| r.start_byte..r.end_byte)
        .collect();
    tracing::trace!(
        parse_us = parsed.as_micros() as u64,
        changed_ranges_us = (started.elapsed() - parsed).as_micros() as u64,
        "incremental parse"
    );
    let edit =
        text_edit(&edits.value).map(|all| changed.iter().fold(all, |e, r| e.cover(r.clone())));
    Applied {
        tree,
        clamped: edits.clamped,
        incremental,
        changed,
        edit,
    }
}

/// One edit covering the edits of one notification, applied in order
/// (`None` when there are none).
pub fn text_edit(edits: &[tree_sitter::InputEdit]) -> Option<Edit> {
    edits
        .iter()
        .map(|e| Edit {
            start: e.start_byte,
            old_end: e.old_end_byte,
            new_end: e.new_end_byte,
        })
        .reduce(Edit::then)
}

#[cfg(test)]
mod tests {
    use super::super::text::{Pos, PositionEncoding::*};
    use super::*;
    use crate::syntax;
    use proptest::prelude::*;

    /// Every node as (kind, byte range, start point, end point, missing):
    /// stronger than the S-expression, which has no positions.
    type NodeInfo = (String, Range<usize>, (usize, usize), (usize, usize), bool);

    fn nodes(tree: &Tree) -> Vec<NodeInfo> {
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        loop {
            let n = cursor.node();
            out.push((
                n.kind().to_string(),
                n.byte_range(),
                (n.start_position().row, n.start_position().column),
                (n.end_position().row, n.end_position().column),
                n.is_missing(),
            ));
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            loop {
                if !cursor.goto_parent() {
                    return out;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    fn assert_fresh(doc: &Document, tree: &Tree) {
        let text = doc.text();
        let fresh = syntax::parse(&text);
        assert_eq!(
            tree.root_node().to_sexp(),
            fresh.root_node().to_sexp(),
            "{text:?}"
        );
        assert_eq!(nodes(tree), nodes(&fresh), "{text:?}");
    }

    #[test]
    fn reads_lone_cr_as_a_line_break_across_chunks() {
        // Long enough for several rope chunks, with lone `\r` everywhere.
        let line = "actor a \"A\"\r  kind: person\rProse about @a.\r\n";
        let text = line.repeat(400);
        let doc = Document::new(&text, 1);
        assert!(doc.rope().chunks().count() > 1);
        let tree = parse(&mut syntax::parser(), &doc, None);
        assert_eq!(
            tree.root_node().to_sexp(),
            syntax::parse(&text).root_node().to_sexp()
        );
    }

    #[test]
    fn typing_a_reference_reparses_incrementally() {
        let mut parser = syntax::parser();
        let mut doc = Document::new("actor ann \"Ann\"\n\nProse.\n", 1);
        let tree = parse(&mut parser, &doc, None);
        let change = TextChange::replace(Pos::new(2, 6), Pos::new(2, 6), " @ann");
        let applied = apply_changes(&mut parser, &mut doc, &tree, &[change], Utf16);
        assert!(applied.incremental && !applied.clamped);
        assert_eq!(doc.text(), "actor ann \"Ann\"\n\nProse. @ann\n");
        assert!(!applied.changed.is_empty());
        assert_fresh(&doc, &applied.tree);
    }

    /// Pieces of notes: entries, fields, references, dates, prose, and the
    /// characters that stress positions and line breaks.
    const PIECES: &[&str] = &[
        "actor ann \"Ann\"",
        "event e1 2024-03-01: Talks",
        "statement 2024-03-02 @ann said \"yes\"",
        "claim @ann claims @e1.place = \"Oslo\"",
        "  kind: person",
        "  after: @e1",
        "  aka: Annie",
        "# Heading",
        "Prose with @ann and Ann.",
        "@",
        "\"",
        ":",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "é",
        "😀",
        "中",
        "2024-",
    ];

    fn text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
    }

    /// A change: positions picked from the char boundaries of the text it
    /// applies to (or deliberately out of range), new text made of pieces.
    #[derive(Debug, Clone)]
    enum Spec {
        Range(prop::sample::Index, prop::sample::Index, String),
        OutOfRange(u32, u32, String),
        Full(String),
    }

    fn spec() -> impl Strategy<Value = Spec> {
        prop_oneof![
            16 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), text(3))
                .prop_map(|(a, b, t)| Spec::Range(a, b, t)),
            2 => (0u32..40, 0u32..80, text(2)).prop_map(|(l, c, t)| Spec::OutOfRange(l, c, t)),
            1 => text(8).prop_map(Spec::Full),
        ]
    }

    /// Resolves a spec against the current text (positions as the editor
    /// would send them in `enc`).
    fn resolve(doc: &Document, spec: &Spec, enc: PositionEncoding) -> TextChange {
        let text = doc.text();
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let at = |i: &prop::sample::Index| doc.offset_to_pos(*i.get(&bounds), enc).value;
        match spec {
            Spec::Range(a, b, t) => {
                let (a, b) = (at(a), at(b));
                TextChange::replace(a.min(b), a.max(b), t.clone())
            }
            Spec::OutOfRange(l, c, t) => {
                TextChange::replace(Pos::new(*l, *c), Pos::new(*l, c + 3), t.clone())
            }
            Spec::Full(t) => TextChange::full(t.clone()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// After any sequence of notifications (one or several changes
        /// each), the incrementally kept text and tree equal a fresh parse
        /// of the final text: same S-expression, same node ranges and
        /// points.
        #[test]
        fn incremental_text_and_tree_match_a_fresh_parse(
            initial in text(12),
            notifications in prop::collection::vec(
                (any::<bool>(), prop::collection::vec(spec(), 1..4)),
                1..8,
            ),
        ) {
            let mut parser = syntax::parser();
            let mut doc = Document::new(&initial, 0);
            let mut tree = parse(&mut parser, &doc, None);
            let mut reference = initial.clone();
            for (utf8, specs) in &notifications {
                let enc = if *utf8 { Utf8 } else { Utf16 };
                // Resolve each change against the text left by the previous
                // one, as an editor does, keeping a plain-string reference.
                let mut scratch = doc.clone();
                let mut changes = Vec::new();
                for spec in specs {
                    let change = resolve(&scratch, spec, enc);
                    scratch.apply_change(&change, enc);
                    changes.push(change);
                }
                reference = scratch.text();
                let applied = apply_changes(&mut parser, &mut doc, &tree, &changes, enc);
                tree = applied.tree;
                prop_assert_eq!(doc.text(), reference.clone());
            }
            let fresh = syntax::parse(&reference);
            prop_assert_eq!(tree.root_node().to_sexp(), fresh.root_node().to_sexp());
            prop_assert_eq!(nodes(&tree), nodes(&fresh));
        }
    }
}
