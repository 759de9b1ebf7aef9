//! Typed, zero-copy views over the syntax tree.
//!
//! Each view wraps a [`Node`] and reads its parts by field name, never by
//! child index, so that an ERROR or MISSING node inside an entry does not
//! shift what the accessors return. Text is borrowed from the source.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::NodeExt;

/// The text of a node.
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// What kind of entry a line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Actor,
    Source,
    Topic,
    Event,
    Statement,
    Claim,
}

impl EntryKind {
    /// How many kinds there are.
    pub const COUNT: usize = 6;

    /// Every kind, in declaration order.
    pub const ALL: [EntryKind; Self::COUNT] = [
        Self::Actor,
        Self::Source,
        Self::Topic,
        Self::Event,
        Self::Statement,
        Self::Claim,
    ];

    /// The kind's place in [`ALL`](Self::ALL).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "actor" => Self::Actor,
            "source" => Self::Source,
            "topic" => Self::Topic,
            "event" => Self::Event,
            "statement" => Self::Statement,
            "claim" => Self::Claim,
            _ => return None,
        })
    }

    /// The keyword or word a person would use for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Actor => "actor",
            Self::Source => "source",
            Self::Topic => "topic",
            Self::Event => "event",
            Self::Statement => "statement",
            Self::Claim => "claim",
        }
    }

    /// Definitions introduce an ID of their own in the header line.
    pub fn is_definition(self) -> bool {
        matches!(self, Self::Actor | Self::Source | Self::Topic | Self::Event)
    }
}

/// The whole file.
#[derive(Clone, Copy)]
pub struct Document<'t> {
    pub node: Node<'t>,
}

impl<'t> Document<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Self {
            node: tree.root_node(),
        }
    }

    /// Every top-level item in order: entries, prose and headings, in and
    /// out of sections, flattened.
    pub fn items(self) -> impl Iterator<Item = Item<'t>> {
        let mut out = Vec::new();
        let mut cursor = self.node.walk();
        for child in self.node.named_children(&mut cursor) {
            if super::node_kind(child) == "section" {
                let mut c2 = child.walk();
                for item in child.named_children(&mut c2) {
                    if let Some(item) = Item::cast(item) {
                        out.push(item);
                    }
                }
            } else if let Some(item) = Item::cast(child) {
                out.push(item);
            }
        }
        out.into_iter()
    }

    /// Every entry in the file, in order.
    pub fn entries(self) -> impl Iterator<Item = Entry<'t>> {
        self.items().filter_map(|item| match item {
            Item::Entry(entry) => Some(entry),
            _ => None,
        })
    }
}

/// One line-level item of a document.
#[derive(Clone, Copy)]
pub enum Item<'t> {
    Heading(Heading<'t>),
    Entry(Entry<'t>),
    Prose(Prose<'t>),
}

impl<'t> Item<'t> {
    pub fn cast(node: Node<'t>) -> Option<Self> {
        match super::node_kind(node) {
            "heading" => Some(Self::Heading(Heading { node })),
            "prose" => Some(Self::Prose(Prose { node })),
            kind => EntryKind::from_kind(kind).map(|kind| Self::Entry(Entry { node, kind })),
        }
    }
}

/// `## Title`
#[derive(Clone, Copy)]
pub struct Heading<'t> {
    pub node: Node<'t>,
}

impl<'t> Heading<'t> {
    /// 1 for `#`, up to 6.
    pub fn level(self) -> usize {
        self.node
            .child_field("marker")
            .map(|m| m.byte_range().len())
            .unwrap_or(1)
    }

    pub fn title(self) -> Option<Node<'t>> {
        self.node.child_field("title")
    }

    pub fn title_text(self, src: &str) -> &str {
        self.title().map(|t| text(t, src).trim()).unwrap_or("")
    }
}

/// A prose line.
#[derive(Clone, Copy)]
pub struct Prose<'t> {
    pub node: Node<'t>,
}

impl<'t> Prose<'t> {
    pub fn content(self) -> Option<Node<'t>> {
        self.node.child_field("content")
    }
}

/// An entry: a definition (actor, source, topic, event), a statement or a
/// claim, with its fields.
#[derive(Clone, Copy)]
pub struct Entry<'t> {
    pub node: Node<'t>,
    pub kind: EntryKind,
}

impl<'t> Entry<'t> {
    pub fn cast(node: Node<'t>) -> Option<Self> {
        EntryKind::from_kind(super::node_kind(node)).map(|kind| Self { node, kind })
    }

    /// The defined ID (`actor macron …`, `event coalition-call: …`).
    pub fn name(self) -> Option<Node<'t>> {
        self.node.child_field("name")
    }

    /// The display name string of a definition, or the title of an event.
    pub fn title(self) -> Option<Node<'t>> {
        self.node.child_field("title")
    }

    /// The title as a person reads it: the string without quotes, or the
    /// event title trimmed.
    pub fn title_text(self, src: &str) -> Option<String> {
        let title = self.title()?;
        Some(match super::node_kind(title) {
            "string" => string_value(title, src),
            _ => text(title, src).trim().to_string(),
        })
    }

    /// The entry's date: a `date` or an `interval` node.
    pub fn date(self) -> Option<Node<'t>> {
        self.node.child_field("date")
    }

    pub fn weekday(self) -> Option<Node<'t>> {
        self.node.child_field("weekday")
    }

    /// The actor who speaks (statements) or holds the claim (claims).
    pub fn author(self) -> Option<Reference<'t>> {
        self.node
            .child_field("speaker")
            .or_else(|| self.node.child_field("holder"))
            .and_then(Reference::cast)
    }

    /// `said` quote of a statement.
    pub fn quote(self) -> Option<Node<'t>> {
        self.node.child_field("quote")
    }

    /// `claims`, `denies` or `reports`.
    pub fn verb(self, src: &str) -> Option<&str> {
        self.node.child_field("verb").map(|v| text(v, src))
    }

    pub fn assertion(self) -> Option<Assertion<'t>> {
        self.node.child_field("assertion").and_then(Assertion::cast)
    }

    /// Whether an event header has its `:` after the ID.
    pub fn has_colon(self) -> bool {
        self.node.child_field("colon").is_some()
    }

    /// The header line: from the entry's start to the end of its first line.
    pub fn header_range(self) -> Range<usize> {
        let start = self.node.start_byte();
        let first_field = self.node.child_field("field").map(|f| f.start_byte());
        let end = first_field.unwrap_or(self.node.end_byte());
        start..end
    }

    pub fn fields(self) -> impl Iterator<Item = Field<'t>> {
        self.node
            .children_field("field")
            .into_iter()
            .map(|node| Field { node })
    }

    /// The first field with this key.
    pub fn field(self, key: &str, src: &str) -> Option<Field<'t>> {
        self.fields().find(|f| f.key_text(src) == key)
    }
}

/// An indented `key: value` line under an entry.
#[derive(Clone, Copy)]
pub struct Field<'t> {
    pub node: Node<'t>,
}

impl<'t> Field<'t> {
    pub fn key(self) -> Option<Node<'t>> {
        self.node.child_field("key")
    }

    pub fn key_text(self, src: &str) -> &str {
        self.key().map(|k| text(k, src)).unwrap_or("")
    }

    pub fn has_colon(self) -> bool {
        self.node.child_field("colon").is_some()
    }

    /// The value as written: an atom, a `phrase` or a `list`.
    pub fn value(self) -> Option<Node<'t>> {
        self.node.child_field("value")
    }

    /// The items of the value: the items of a list, or the value itself.
    pub fn items(self) -> Vec<Node<'t>> {
        match self.value() {
            None => Vec::new(),
            Some(v) if super::node_kind(v) == "list" => v.children_field("item"),
            Some(v) => vec![v],
        }
    }

    /// Every atom of the value, lists and phrases flattened.
    pub fn atoms(self) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        for item in self.items() {
            if super::node_kind(item) == "phrase" {
                let mut cursor = item.walk();
                out.extend(item.named_children(&mut cursor));
            } else {
                out.push(item);
            }
        }
        out
    }

    /// The value as a role: `TITLE of @org since DATE until DATE`.
    pub fn role(self, src: &str) -> Option<Role<'t>> {
        Role::read(&self.atoms(), src)
    }
}

/// `@id`
#[derive(Clone, Copy)]
pub struct Reference<'t> {
    pub node: Node<'t>,
}

impl<'t> Reference<'t> {
    pub fn cast(node: Node<'t>) -> Option<Self> {
        (super::node_kind(node) == "reference").then_some(Self { node })
    }

    /// The identifier node after `@` (may be absent in broken input).
    pub fn id(self) -> Option<Node<'t>> {
        self.node.child_field("id")
    }

    pub fn id_text(self, src: &str) -> &str {
        self.id().map(|n| text(n, src)).unwrap_or("")
    }
}

/// `@subject.property OP value`
#[derive(Clone, Copy)]
pub struct Assertion<'t> {
    pub node: Node<'t>,
}

impl<'t> Assertion<'t> {
    pub fn cast(node: Node<'t>) -> Option<Self> {
        (super::node_kind(node) == "assertion").then_some(Self { node })
    }

    pub fn subject(self) -> Option<Reference<'t>> {
        self.node.child_field("subject").and_then(Reference::cast)
    }

    pub fn property(self) -> Option<Node<'t>> {
        self.node.child_field("property")
    }

    pub fn operator(self, src: &str) -> Option<&str> {
        self.node.child_field("operator").map(|n| text(n, src))
    }

    pub fn value(self) -> Option<Node<'t>> {
        self.node.child_field("value")
    }
}

/// A role read from a phrase: `president of @france since 2017-05-14`.
#[derive(Clone, Copy)]
pub struct Role<'t> {
    /// The words before ` of @org` (or all the leading words).
    pub title: Option<Node<'t>>,
    pub organisation: Option<Reference<'t>>,
    pub since: Option<Node<'t>>,
    pub until: Option<Node<'t>>,
}

impl<'t> Role<'t> {
    fn read(atoms: &[Node<'t>], src: &str) -> Option<Self> {
        let mut role = Role {
            title: None,
            organisation: None,
            since: None,
            until: None,
        };
        let mut pending: Option<&str> = None;
        for &atom in atoms {
            match super::node_kind(atom) {
                "text" => {
                    let words = text(atom, src);
                    let last = words.rsplit(char::is_whitespace).next().unwrap_or("");
                    if role.title.is_none() {
                        role.title = Some(atom);
                    }
                    pending = Some(last);
                }
                "reference" if pending == Some("of") && role.organisation.is_none() => {
                    role.organisation = Reference::cast(atom);
                }
                "date" | "interval" if pending == Some("since") => role.since = Some(atom),
                "date" | "interval" if pending == Some("until") => role.until = Some(atom),
                _ => {}
            }
        }
        role.title.map(|_| role)
    }

    /// The title without a trailing ` of`.
    pub fn title_text<'s>(&self, src: &'s str) -> &'s str {
        let t = self.title.map(|t| text(t, src)).unwrap_or("");
        t.strip_suffix(" of").unwrap_or(t).trim()
    }
}

/// The content of a `string` node with its escapes resolved.
pub fn string_value(node: Node<'_>, src: &str) -> String {
    unquote(text(node, src))
}

/// A string as written (`"…"`, escapes and all): its content with the
/// escapes resolved.
pub fn unquote(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Calls `f` on every `reference` node under `node`, in document order.
pub fn for_each_reference<'t>(node: Node<'t>, f: &mut impl FnMut(Reference<'t>)) {
    let mut cursor = node.walk();
    let mut done = false;
    while !done {
        let n = cursor.node();
        if super::node_kind(n) == "reference" {
            f(Reference { node: n });
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node() == node {
                done = true;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    const SRC: &str = "\
# Notes
actor macron \"Emmanuel \\\"M\\\" Macron\"
  kind: person
  role: president of @france since 2017-05-14 until 2030
2025-11-26 (Wed) event wg: Working group with @uk
  after: @call
2025-11-25 @levitt claims @plan.points = 19
Prose about @macron.
";

    #[test]
    fn entries_are_read_by_field() {
        let tree = parse(SRC);
        let doc = Document::new(&tree);
        let entries: Vec<_> = doc.entries().collect();
        assert_eq!(
            entries.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [EntryKind::Actor, EntryKind::Event, EntryKind::Claim]
        );
        let actor = entries[0];
        assert_eq!(text(actor.name().unwrap(), SRC), "macron");
        assert_eq!(
            actor.title_text(SRC).as_deref(),
            Some("Emmanuel \"M\" Macron")
        );
        assert_eq!(actor.field("kind", SRC).unwrap().atoms().len(), 1);
        let role = actor.field("role", SRC).unwrap().role(SRC).unwrap();
        assert_eq!(role.title_text(SRC), "president");
        assert_eq!(role.organisation.unwrap().id_text(SRC), "france");
        assert_eq!(text(role.since.unwrap(), SRC), "2017-05-14");
        assert_eq!(text(role.until.unwrap(), SRC), "2030");

        let event = entries[1];
        assert_eq!(text(event.date().unwrap(), SRC), "2025-11-26");
        assert_eq!(text(event.weekday().unwrap(), SRC), "(Wed)");
        assert!(event.has_colon());
        assert_eq!(
            event.title_text(SRC).as_deref(),
            Some("Working group with @uk")
        );

        let claim = entries[2];
        assert_eq!(claim.author().unwrap().id_text(SRC), "levitt");
        assert_eq!(claim.verb(SRC), Some("claims"));
        let a = claim.assertion().unwrap();
        assert_eq!(a.subject().unwrap().id_text(SRC), "plan");
        assert_eq!(text(a.property().unwrap(), SRC), "points");
        assert_eq!(a.operator(SRC), Some("="));
        assert_eq!(text(a.value().unwrap(), SRC), "19");
    }

    #[test]
    fn references_everywhere_in_order() {
        let tree = parse(SRC);
        let mut ids = Vec::new();
        for_each_reference(tree.root_node(), &mut |r| ids.push(r.id_text(SRC)));
        assert_eq!(ids, ["france", "uk", "call", "levitt", "plan", "macron"]);
    }

    #[test]
    fn headings_have_levels() {
        let tree = parse("## Two\n###### Six\n");
        let levels: Vec<_> = Document::new(&tree)
            .items()
            .filter_map(|i| match i {
                Item::Heading(h) => Some(h.level()),
                _ => None,
            })
            .collect();
        assert_eq!(levels, [2, 6]);
    }
}
