//! Semantic tokens, read from the syntax tree, with references coloured by
//! the kind of entity they resolve to in the workspace.
//!
//! The legend ([`TOKEN_TYPES`], [`TOKEN_MODIFIERS`]) is what the server
//! advertises; a token's type is an index into the first, its modifiers a
//! bit set over the second. Entities use standard LSP token types so that
//! every theme colours them: an actor is a `class`, a source a `namespace`,
//! a topic a `type`, an event an `event`, a statement or claim ID a
//! `variable`. Two types are Chronicle's own: `date` and `heading`.

use crate::syntax::NodeExt;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::analysis::{FileId, Snapshot};
use crate::syntax::{text, EntryKind};

/// Token types, in legend order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum TokenType {
    /// `actor`, `source`, `topic`, `event`, `said`, `claims`, `denies`,
    /// `reports`, and the booleans `yes`/`no`/`true`/`false`.
    Keyword,
    /// A heading's `#` marker and title text.
    Heading,
    Comment,
    String,
    /// Numbers and durations (`2d`).
    Number,
    /// Claim operators and the sign of an offset.
    Operator,
    /// Field keys and assertion properties.
    Property,
    /// Dates, intervals, times, weekdays, relative dates.
    Date,
    /// An actor (definition or reference).
    Actor,
    /// A source.
    Source,
    /// A topic.
    Topic,
    /// An event.
    Event,
    /// A statement's or claim's `id:`, or a reference whose ID is undefined.
    Variable,
}

/// The legend's token type names, indexed by [`TokenType`] as `u32`.
pub const TOKEN_TYPES: &[&str] = &[
    "keyword",
    "heading",
    "comment",
    "string",
    "number",
    "operator",
    "property",
    "date",
    "class",
    "namespace",
    "type",
    "event",
    "variable",
];

/// The legend's modifier names; bit `i` of a token's modifiers is
/// `TOKEN_MODIFIERS[i]`.
pub const TOKEN_MODIFIERS: &[&str] = &["declaration", "undefined"];

/// The ID is defined here.
pub const MOD_DECLARATION: u32 = 1 << 0;
/// A reference to an ID that is defined nowhere.
pub const MOD_UNDEFINED: u32 = 1 << 1;

impl TokenType {
    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn name(self) -> &'static str {
        TOKEN_TYPES[self as usize]
    }

    fn of_entity(kind: EntryKind) -> Self {
        match kind {
            EntryKind::Actor => Self::Actor,
            EntryKind::Source => Self::Source,
            EntryKind::Topic => Self::Topic,
            EntryKind::Event => Self::Event,
            EntryKind::Statement | EntryKind::Claim => Self::Variable,
        }
    }
}

/// One token: a byte range on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: Range<usize>,
    pub token_type: TokenType,
    pub modifiers: u32,
}

/// The tokens of a file, or of the part of it that overlaps `range`, in
/// document order, never overlapping, each on one line.
pub fn semantic_tokens(
    snap: &Snapshot,
    file: FileId,
    range: Option<Range<usize>>,
) -> Vec<SemanticToken> {
    tokens_in_chunks(snap, file, range, 64 * 1024)
}

/// [`semantic_tokens`], reading a file whose tree is not kept in chunks of
/// about `chunk` bytes of whole items.
pub(crate) fn tokens_in_chunks(
    snap: &Snapshot,
    file: FileId,
    range: Option<Range<usize>>,
    chunk: usize,
) -> Vec<SemanticToken> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let src = data.text();
    let src = &*src;
    let window = range.unwrap_or(0..src.len());
    let mut w = Walker {
        snap,
        src,
        window,
        kinds: HashMap::new(),
        definitions: data
            .summary
            .definitions
            .iter()
            .map(|d| (d.range.clone(), d.kind))
            .collect(),
        out: Vec::new(),
    };
    match data.kept_tree() {
        Some(tree) => w.visit(tree.root_node()),
        // No tree is kept (a large open document): its items are read a
        // chunk at a time, each parsed on its own.
        None => {
            use crate::syntax::region;
            let window = w.window.clone();
            for chunk in region::chunks(src, window.clone(), chunk) {
                // Parsed with context (recovered as in the whole file); only
                // the chunk is read.
                let (tree, _) = region::parse_around(src, chunk.clone());
                w.window = window.start.max(chunk.start)..window.end.min(chunk.end);
                w.visit(tree.root_node());
            }
            w.window = window;
        }
    }
    w.out
}

struct Walker<'a> {
    snap: &'a Snapshot,
    src: &'a str,
    window: Range<usize>,
    kinds: HashMap<&'a str, Option<EntryKind>>,
    /// Definition ranges of this file, for `id:` values (text nodes).
    definitions: HashMap<Range<usize>, EntryKind>,
    out: Vec<SemanticToken>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, range: Range<usize>, token_type: TokenType, modifiers: u32) {
        let overlaps = range.start < self.window.end && self.window.start < range.end;
        if range.is_empty() || !overlaps {
            return;
        }
        let text = &self.src[range.clone()];
        if text.contains(['\n', '\r']) {
            return;
        }
        // Never overlap the previous token (ERROR recovery can nest oddly).
        if self.out.last().is_some_and(|t| t.range.end > range.start) {
            return;
        }
        self.out.push(SemanticToken {
            range,
            token_type,
            modifiers,
        });
    }

    fn kind_of(&mut self, id: &'a str) -> Option<EntryKind> {
        let snap = self.snap;
        *self.kinds.entry(id).or_insert_with(|| snap.kind_of(id))
    }

    fn visit(&mut self, node: Node<'_>) {
        let range = node.byte_range();
        if range.end < self.window.start || range.start > self.window.end {
            return;
        }
        let kind = node.kind();
        if !node.is_named() {
            match kind {
                "actor" | "source" | "topic" | "event" | "said" => {
                    self.push(range, TokenType::Keyword, 0)
                }
                "+" | "-" if node.parent().is_some_and(|p| p.kind() == "offset") => {
                    self.push(range, TokenType::Operator, 0)
                }
                _ => {}
            }
            return;
        }
        match kind {
            // A whole-line comment's node ends after its line break.
            "comment" => self.push_trimmed(range, TokenType::Comment),
            "heading_marker" => self.push(range, TokenType::Heading, 0),
            "claim_verb" | "boolean" => self.push(range, TokenType::Keyword, 0),
            "string" => self.push(range, TokenType::String, 0),
            "number" | "duration" => self.push(range, TokenType::Number, 0),
            "operator" => self.push(range, TokenType::Operator, 0),
            "key" | "property" => self.push(range, TokenType::Property, 0),
            "date" | "interval" | "weekday" | "time" | "relative_date" | "open_end" => {
                self.push(range, TokenType::Date, 0)
            }
            "reference" => self.reference(node),
            "identifier" | "text" => {
                if let Some(&k) = self.definitions.get(&range) {
                    self.push(range, TokenType::of_entity(k), MOD_DECLARATION);
                }
            }
            "inline" if node.parent().is_some_and(|p| p.kind() == "heading") => {
                // The title's text is heading; its references are references.
                let mut at = range.start;
                let mut cursor = node.walk();
                let children: Vec<_> = node.named_children(&mut cursor).collect();
                for child in children {
                    if child.kind() == "reference" {
                        self.push_trimmed(at..child.start_byte(), TokenType::Heading);
                        self.reference(child);
                        at = child.end_byte();
                    }
                }
                self.push_trimmed(at..range.end, TokenType::Heading);
            }
            _ => {
                let mut cursor = node.walk();
                let children: Vec<_> = node.children(&mut cursor).collect();
                for child in children {
                    self.visit(child);
                }
            }
        }
    }

    fn push_trimmed(&mut self, range: Range<usize>, token_type: TokenType) {
        let s = &self.src[range.clone()];
        let start = range.start + (s.len() - s.trim_start().len());
        let end = range.end - (s.len() - s.trim_end().len());
        if start < end {
            self.push(start..end, token_type, 0);
        }
    }

    fn reference(&mut self, node: Node<'_>) {
        let Some(id) = node.child_field("id") else {
            return;
        };
        let id_text = text(id, self.src);
        let (token_type, modifiers) = match self.kind_of(id_text) {
            Some(k) => (TokenType::of_entity(k), 0),
            None => (TokenType::Variable, MOD_UNDEFINED),
        };
        self.push(node.byte_range(), token_type, modifiers);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::parse;
    use super::*;

    fn render(fixture: &str, range: Option<Range<usize>>) -> String {
        let f = parse(fixture);
        let text = f.snap.file(f.file).unwrap().text().to_string();
        let mut out = String::new();
        for t in semantic_tokens(&f.snap, f.file, range) {
            let mods: Vec<_> = TOKEN_MODIFIERS
                .iter()
                .enumerate()
                .filter(|(i, _)| t.modifiers & (1 << i) != 0)
                .map(|(_, m)| *m)
                .collect();
            let mods = if mods.is_empty() {
                String::new()
            } else {
                format!(" +{}", mods.join(" +"))
            };
            out.push_str(&format!(
                "{:?} {}{mods}\n",
                &text[t.range.clone()],
                t.token_type.name()
            ));
        }
        out
    }

    #[test]
    fn legend_matches_the_enum() {
        assert_eq!(TokenType::Variable.index() as usize, TOKEN_TYPES.len() - 1);
        assert_eq!(TokenType::Actor.name(), "class");
        assert_eq!(TokenType::Date.name(), "date");
        assert_eq!(1 << (TOKEN_MODIFIERS.len() - 1), MOD_UNDEFINED);
    }

    #[test]
    fn coalition_like_file() {
        insta::assert_snapshot!(render(
            r#"
# Talks with @ukraine and others
// A comment
actor ukraine "Ukraine"
  kind: state
source epravda "European Pravda"
  published: 2025-11-26
topic plan "Plan"
2025-11-25 (Tue) event call: Call with @ukraine
  after: @call - 2d, @nowhere
  at: 14:00
2025-11-25 @ukraine said "We \"agree\"."
  source: @epravda
  claims: @plan.points = 19
  id: ua-quote
2025-11-26 @epravda reports @call.date = tomorrow
  valid: 2025-11-25/..
  disputed: yes
  contradicts: @ua-quote
Prose with @türkiye and @plan.
"#,
            None
        ));
    }

    #[test]
    fn a_range_gives_only_overlapping_tokens() {
        let fixture = "actor a \"A\"\n  kind: person\nactor b \"B\"\n  members: @a\n";
        // The third and fourth lines only.
        let start = fixture.find("actor b").unwrap();
        assert_eq!(
            render(fixture, Some(start..fixture.len())),
            "\"actor\" keyword\n\"b\" class +declaration\n\"\\\"B\\\"\" string\n\"members\" property\n\"@a\" class\n"
        );
    }

    #[test]
    fn broken_and_empty_files() {
        assert_eq!(render("", None), "");
        // Tokens still come out around errors, in order, without overlap.
        let out = render(
            "actor a \"A\n  kind: : person\n2025-13-45 event\n@x claims\n",
            None,
        );
        assert!(
            out.starts_with("\"actor\" keyword\n\"a\" class +declaration\n"),
            "{out}"
        );
    }
}
