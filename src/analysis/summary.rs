//! The summary of one file: what it defines, its entries, every reference
//! and its sections, read from the tree once per version. Everything the
//! workspace index and the features need from a file, without the tree.

use crate::syntax::NodeExt;
use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use crate::analysis::span::ByteSpan;
use crate::analysis::syntax_check::syntax_diagnostics;
use crate::analysis::Diagnostic;
use crate::syntax::{self, text, Document, Entry as SyntaxEntry, EntryKind, Item};

pub(crate) use super::sym::ShortBuild;
pub use super::sym::{sym, Sym};

/// Drops this thread's own table of interned strings ([`sym`]'s cache in
/// front of the shared map, which keeps every handle).
pub(crate) fn forget_interned() {
    super::sym::forget_local();
}

/// The aliases of a definition without `aka:` (most of them): one shared
/// empty list rather than an allocation per definition.
pub(super) fn no_aliases() -> Arc<[String]> {
    static EMPTY: std::sync::OnceLock<Arc<[String]>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::from([])).clone()
}

/// Where a reference stands, which decides what kind of entity it may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefRole {
    /// The speaker of a statement or the holder of a claim.
    Author,
    /// The subject of an assertion: `@peace-plan.points`.
    Subject,
    /// The anchor of an offset: `@coalition-call + 1d`.
    Anchor,
    /// In the value of a field, by key (`after`, `who`, …).
    Field(Sym),
    /// The organisation of a role (`role:` / `as:` … `of @us`).
    RoleOrganisation,
    /// In an event title.
    Title,
    /// In a heading.
    Heading,
    /// In a prose line.
    Prose,
}

/// One `@id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub id: Sym,
    /// The ID only, after the `@`: what rename replaces. (The `@` is the
    /// byte before it: the grammar reads the ID as an immediate token.)
    pub span: ByteSpan,
    /// The entry it belongs to (index into [`FileSummary::entries`]).
    pub entry: OptIndex,
    /// [`Reference::role`].
    role: PackedRole,
}

/// A [`RefRole`] in 4 bytes (the enum takes 8: a tag beside a field's
/// key), and a workspace keeps hundreds of thousands of references: the
/// variant in the low 3 bits, a field's key's handle above them.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PackedRole(u32);

impl PackedRole {
    fn pack(role: RefRole) -> PackedRole {
        PackedRole(match role {
            RefRole::Author => 0,
            RefRole::Subject => 1,
            RefRole::Anchor => 2,
            RefRole::RoleOrganisation => 3,
            RefRole::Title => 4,
            RefRole::Heading => 5,
            RefRole::Prose => 6,
            // Handles stay under 2^29 (`sym` refuses more strings).
            RefRole::Field(key) => 7 | (key.handle() << 3),
        })
    }

    fn unpack(self) -> RefRole {
        match self.0 & 7 {
            0 => RefRole::Author,
            1 => RefRole::Subject,
            2 => RefRole::Anchor,
            3 => RefRole::RoleOrganisation,
            4 => RefRole::Title,
            5 => RefRole::Heading,
            6 => RefRole::Prose,
            _ => RefRole::Field(Sym::from_handle(self.0 >> 3)),
        }
    }
}

impl std::fmt::Debug for PackedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.unpack(), f)
    }
}

/// An optional index in 4 bytes (`Option<u32>` takes 8): `u32::MAX` is
/// none. A workspace keeps one per reference.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OptIndex(u32);

impl Default for OptIndex {
    fn default() -> OptIndex {
        OptIndex::NONE
    }
}

impl From<Option<u32>> for OptIndex {
    fn from(index: Option<u32>) -> OptIndex {
        OptIndex::new(index)
    }
}

impl OptIndex {
    pub const NONE: OptIndex = OptIndex(u32::MAX);

    pub fn new(index: Option<u32>) -> OptIndex {
        // An index of u32::MAX cannot occur: a file under 4 GiB has fewer
        // entries.
        OptIndex(index.unwrap_or(u32::MAX))
    }

    pub fn get(self) -> Option<u32> {
        (self.0 != u32::MAX).then_some(self.0)
    }
}

impl std::fmt::Debug for OptIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.get(), f)
    }
}

impl Reference {
    pub fn new(id: Sym, span: ByteSpan, entry: OptIndex, role: RefRole) -> Reference {
        Reference {
            id,
            span,
            entry,
            role: PackedRole::pack(role),
        }
    }

    /// Where it stands.
    pub fn role(&self) -> RefRole {
        self.role.unpack()
    }

    /// The ID only, after the `@`.
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }

    /// The byte of the `@`.
    pub fn at(&self) -> usize {
        self.span.start() - 1
    }

    /// The whole `@id`.
    pub fn full_range(&self) -> Range<usize> {
        self.at()..self.span.end()
    }
}

/// One item of a field's value (an element of a list, or the value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueItem {
    /// `@id` (index into references).
    Ref(u32),
    /// `@id + 2d`: the anchor (index into references) and sign; the
    /// duration is read from the text ([`offset_amount`]: keeping it made
    /// every item 20 bytes instead of 16).
    Offset {
        anchor: u32,
        negative: bool,
        range: ByteSpan,
    },
    /// A `date` or `interval`.
    Date { text: Sym, range: ByteSpan },
    /// `tomorrow`, `on Thursday` …
    Relative { text: Sym, range: ByteSpan },
    /// Anything else: text, numbers, strings, phrases.
    Other { range: ByteSpan },
}

/// The duration of an offset item (`2d` of `@talks + 2d`) in the file's
/// `text`: what follows the offset's sign (a duration holds no sign; an
/// ID may hold a `-`, but it comes before the sign), empty when missing.
pub fn offset_amount(text: &str, range: ByteSpan) -> &str {
    let written = text.get(range.range()).unwrap_or("");
    written
        .rfind(['+', '-'])
        .map_or("", |sign| written[sign + 1..].trim())
}

/// A field of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    pub key: Sym,
    /// The value's range, or [`NO_VALUE`] ([`FieldInfo::value_range`]:
    /// an `Option<ByteSpan>` takes 12 bytes, and a workspace has a quarter
    /// of a million fields).
    value: ByteSpan,
    /// The items of the value (indices into [`FileSummary::items`]; see
    /// [`FileSummary::items`]).
    pub items: Range<u32>,
    /// The whole line, indentation excluded, line break excluded.
    pub range: ByteSpan,
}

/// The value range of a field without a value.
const NO_VALUE: ByteSpan = ByteSpan {
    start: u32::MAX,
    end: u32::MAX,
};

impl FieldInfo {
    pub fn new(
        key: Sym,
        value_range: Option<ByteSpan>,
        items: Range<u32>,
        range: ByteSpan,
    ) -> Self {
        FieldInfo {
            key,
            // A file is under 4 GiB ([`super::span::MAX_FILE_SIZE`]): no
            // value starts at u32::MAX.
            value: value_range.unwrap_or(NO_VALUE),
            items,
            range,
        }
    }

    /// The value's range; `None` for a field without a value.
    pub fn value_range(&self) -> Option<ByteSpan> {
        (self.value != NO_VALUE).then_some(self.value)
    }

    /// Moves the field's ranges by `delta` bytes.
    pub(super) fn shift(&mut self, delta: isize) {
        if let Some(v) = self.value_range() {
            self.value = v.shifted(delta);
        }
        self.range = self.range.shifted(delta);
    }

    /// The key as written: the line starts with it (kept as the key's
    /// length rather than a range; a workspace has a quarter of a million
    /// fields). Empty at the line's start for a field without a key.
    pub fn key_range(&self) -> ByteSpan {
        let start = self.range.start();
        ByteSpan::new(start..start + self.key.len())
    }

    /// The value's text (trimmed) in the file's `text`; empty when the
    /// field has no value. (Read from the text rather than kept: a copy per
    /// field made every splice and every dropped summary dearer.)
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        self.value_range()
            .and_then(|r| text.get(r.range()))
            .unwrap_or("")
            .trim()
    }
}

/// A date or interval written anywhere in the file, with the weekday
/// annotation that follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateNode {
    pub range: ByteSpan,
    pub text: Sym,
    pub weekday: Option<(ByteSpan, Sym)>,
}

/// An entry: a definition, a statement or a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    pub kind: EntryKind,
    /// From the first byte of the header to the end of the last field line.
    pub range: ByteSpan,
    /// The header line, line break excluded.
    pub header: ByteSpan,
    /// The defined ID, for definitions and statements/claims with `id:`
    /// (index into [`FileSummary::definitions`]).
    pub def: OptIndex,
    /// The date of a dated entry (a `date` or `interval`); its weekday
    /// annotation is its [`DateNode`]'s ([`FileSummary::date_node_at`]).
    pub date: Option<(ByteSpan, Sym)>,
    /// Speaker or holder (index into references).
    pub author: OptIndex,
    /// `said`, `claims`, `denies`, `reports`.
    pub verb: Option<Sym>,
    /// `@subject.property` of a claim, and the assertion's text.
    pub assertion: Option<Box<AssertionInfo>>,
    /// Assertions in `claims:` (false) and `denies:` (true) fields (indices
    /// into [`FileSummary::field_claims`]).
    pub field_claims: Range<u32>,
    /// Indices into [`FileSummary::fields`].
    pub fields: Range<u32>,
    /// The quote of a statement (a string: [`TextSpan::read`] gives it
    /// without its quotes).
    pub quote: Option<TextSpan>,
    /// The section it is in (index into sections).
    pub section: OptIndex,
}

/// `@subject.property OP value`. Its ranges are kept as [`ByteSpan`]s
/// (a workspace holds tens of thousands: 96 bytes each with `usize`
/// ranges, 56 so), read as ranges through its methods.
#[derive(Clone, PartialEq, Eq)]
pub struct AssertionInfo {
    span: ByteSpan,
    subject: OptIndex,
    property: Option<(ByteSpan, Sym)>,
    pub operator: Option<Sym>,
    /// The value as written ([`AssertionInfo::value_text`]; read from the
    /// text rather than kept, like a field's).
    value: Option<ByteSpan>,
    /// The kind of the value node (`number`, `date`, `relative_date`,
    /// `reference`, `text`, `string`, `boolean` …).
    pub value_kind: Option<&'static str>,
}

impl AssertionInfo {
    pub fn new(
        range: Range<usize>,
        subject: Option<u32>,
        property: Option<(Range<usize>, Sym)>,
        operator: Option<Sym>,
        value: Option<Range<usize>>,
        value_kind: Option<&'static str>,
    ) -> AssertionInfo {
        AssertionInfo {
            span: range.into(),
            subject: subject.into(),
            property: property.map(|(r, p)| (r.into(), p)),
            operator,
            value: value.map(ByteSpan::from),
            value_kind,
        }
    }

    /// The whole assertion.
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }

    /// The index of the `@subject` reference.
    pub fn subject(&self) -> Option<u32> {
        self.subject.get()
    }

    /// The property as written, and its name.
    pub fn property(&self) -> Option<(Range<usize>, Sym)> {
        self.property.map(|(r, p)| (r.range(), p))
    }

    /// Where the value is written.
    pub fn value(&self) -> Option<Range<usize>> {
        self.value.map(ByteSpan::range)
    }

    /// The value as written, in the file's `text`.
    pub fn value_text<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.value().and_then(|r| text.get(r))
    }

    /// Moves the assertion's ranges with `f` and its subject with `g`
    /// (an edit before it).
    pub(crate) fn relocate_with(
        &mut self,
        f: impl Fn(Range<usize>) -> Range<usize>,
        g: impl Fn(u32) -> u32,
    ) {
        self.span = f(self.span.range()).into();
        self.subject = self.subject.get().map(g).into();
        if let Some((r, _)) = &mut self.property {
            *r = f(r.range()).into();
        }
        if let Some(r) = &mut self.value {
            *r = f(r.range()).into();
        }
    }
}

impl std::fmt::Debug for AssertionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionInfo")
            .field("range", &self.range())
            .field("subject", &self.subject())
            .field("property", &self.property())
            .field("operator", &self.operator)
            .field("value", &self.value())
            .field("value_kind", &self.value_kind)
            .finish()
    }
}

/// A title or a quote, kept as where it is written rather than as a copy
/// (a workspace's titles and quotes are megabytes the texts already hold):
/// read with [`TextSpan::read`] from the file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextSpan {
    /// What is written: a string with its quotes, or text already trimmed.
    pub span: ByteSpan,
    /// A string: read without its quotes, escapes resolved.
    pub quoted: bool,
}

impl TextSpan {
    /// Text as written (trimmed by the caller).
    pub fn plain(range: Range<usize>) -> TextSpan {
        TextSpan {
            span: ByteSpan::new(range),
            quoted: false,
        }
    }

    /// A string (`"…"`) as written, quotes included.
    pub fn string(range: Range<usize>) -> TextSpan {
        TextSpan {
            span: ByteSpan::new(range),
            quoted: true,
        }
    }

    /// The text it stands for in `text` (the text of the summary's file):
    /// a string's value without its quotes and with its escapes resolved
    /// ([`syntax::unquote`]), borrowed unless it has escapes.
    pub fn read(self, text: &str) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        let raw = text.get(self.span.range()).unwrap_or("");
        if !self.quoted {
            return Cow::Borrowed(raw);
        }
        if raw.contains('\\') {
            return Cow::Owned(syntax::unquote(raw));
        }
        let inner = raw.strip_prefix('"').unwrap_or(raw);
        Cow::Borrowed(inner.strip_suffix('"').unwrap_or(inner))
    }
}

/// A definition of an ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub id: Sym,
    pub kind: EntryKind,
    /// The ID in the header (or in the `id:` field).
    pub range: Range<usize>,
    /// Index into [`FileSummary::entries`].
    pub entry: u32,
    /// Display name of an actor/source/topic, title of an event, quote of a
    /// statement, assertion of a claim ([`TextSpan::read`] in the file's
    /// text).
    pub title: Option<TextSpan>,
    /// `aka:` names.
    pub aliases: Arc<[String]>,
    /// The `kind:` field (`person`, `state`, `outlet`, `meeting` …).
    pub subkind: Option<Sym>,
}

/// A heading and the section it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The number of `#`s.
    pub level: u8,
    /// The heading's text, trimmed ([`TextSpan::read`]; empty for a
    /// heading without one).
    pub title: TextSpan,
    /// The heading line.
    pub heading: Range<usize>,
    /// From the heading to the end of the section (the next heading).
    pub range: Range<usize>,
}

/// Everything about one file that outlives its tree.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileSummary {
    pub definitions: Vec<Definition>,
    pub entries: Vec<EntryInfo>,
    /// The fields of every entry, in order ([`EntryInfo::fields`]).
    pub fields: Vec<FieldInfo>,
    /// The value items of every field, in order ([`FieldInfo::items`]).
    pub items: Vec<ValueItem>,
    /// The `claims:`/`denies:` assertions of every entry, in order.
    pub field_claims: Vec<(bool, AssertionInfo)>,
    pub references: Vec<Reference>,
    pub sections: Vec<Section>,
    /// Prose lines (content only): where unlinked mentions are looked for.
    pub prose: Vec<ByteSpan>,
    /// Every date and interval in the file (headers and values).
    pub dates: Vec<DateNode>,
    /// Syntax diagnostics.
    pub syntax: Vec<Diagnostic>,
}

impl FileSummary {
    /// Reads a file's summary from its tree.
    pub fn new(tree: &Tree, src: &str) -> Self {
        let mut s = FileSummary {
            syntax: syntax_diagnostics(tree, src),
            ..Default::default()
        };
        collect_dates(tree.root_node(), src, &mut s.dates);
        let doc = Document::new(tree);
        let mut cursor = doc.node.walk();
        for child in doc.node.named_children(&mut cursor) {
            if syntax::node_kind(child) == "section" {
                let mut c2 = child.walk();
                for item in child.named_children(&mut c2) {
                    s.item(item, src, child.byte_range());
                }
            } else {
                s.item(child, src, 0..0);
            }
        }
        // Exactly as long as they need to be: a workspace keeps every
        // file's summary.
        s.take_exact()
    }

    pub(super) fn item(&mut self, node: Node<'_>, src: &str, section_range: Range<usize>) {
        match Item::cast(node) {
            Some(Item::Heading(h)) => {
                let heading = trim_line(node.byte_range(), src);
                // Without a title, an empty one at the line's end.
                let title = h.title().map_or(heading.end..heading.end, |t| {
                    trim_range(t.byte_range(), src)
                });
                self.sections.push(Section {
                    level: h.level().min(u8::MAX as usize) as u8,
                    title: TextSpan::plain(title),
                    heading,
                    range: section_range.start..trim_end(section_range.end, src),
                });
                if let Some(title) = h.title() {
                    self.collect_refs(title, src, None, RefRole::Heading);
                }
            }
            Some(Item::Prose(p)) => {
                if let Some(content) = p.content() {
                    self.prose.push(ByteSpan::new(content.byte_range()));
                    self.collect_refs(content, src, None, RefRole::Prose);
                }
            }
            Some(Item::Entry(e)) => self.entry(e, src),
            None => {}
        }
    }

    fn entry(&mut self, e: SyntaxEntry<'_>, src: &str) {
        let index = self.entries.len() as u32;
        let parts = Parts::read(e.node);
        let header = trim_line(
            e.node.start_byte()
                ..parts
                    .fields
                    .first()
                    .map_or(e.node.end_byte(), |f| f.start_byte()),
            src,
        );
        let fields: Vec<_> = parts
            .fields
            .iter()
            .map(|&node| syntax::Field { node })
            .collect();
        let end = fields
            .last()
            .map(|f| trim_end(f.node.end_byte(), src))
            .unwrap_or(header.end);
        let mut info = EntryInfo {
            kind: e.kind,
            range: (e.node.start_byte()..end.max(header.end)).into(),
            header: header.into(),
            def: OptIndex::NONE,
            date: parts
                .date
                .map(|d| (d.byte_range().into(), sym(text(d, src)))),
            author: OptIndex::NONE,
            verb: parts.verb.map(|v| sym(text(v, src))),
            assertion: None,
            field_claims: self.field_claims.len() as u32..self.field_claims.len() as u32,
            fields: self.fields.len() as u32..self.fields.len() as u32,
            quote: parts.quote.map(|q| TextSpan::string(q.byte_range())),
            section: self.sections.len().checked_sub(1).map(|i| i as u32).into(),
        };
        if let Some(author) = parts.speaker.or(parts.holder) {
            info.author = self
                .push_ref(author, src, Some(index), RefRole::Author)
                .into();
        }
        if let Some(a) = parts
            .assertion
            .filter(|a| syntax::node_kind(*a) == "assertion")
        {
            info.assertion = Some(Box::new(self.assertion(a, src, index)));
        }
        if e.kind == EntryKind::Event {
            if let Some(title) = parts.title {
                self.collect_refs(title, src, Some(index), RefRole::Title);
            }
        }
        let mut id_field = None;
        for f in &fields {
            let key: Sym = sym(f.key_text(src));
            let value = f.value();
            let first_ref = self.references.len();
            if let Some(v) = value {
                if key == "id" && id_field.is_none() {
                    id_field = Some(v);
                }
                let is_role = matches!(key.as_str(), "role" | "as");
                let denies = key == "denies";
                for a in self.collect_field_refs(v, src, index, key, is_role) {
                    self.field_claims.push((denies, a));
                }
            }
            let first_item = self.items.len() as u32;
            let items = self.value_items(f.items(), src, first_ref);
            self.items.extend(items);
            self.fields.push(FieldInfo::new(
                key,
                value.map(|v| v.byte_range().into()),
                first_item..self.items.len() as u32,
                trim_line(f.node.byte_range(), src).into(),
            ));
        }
        info.fields.end = self.fields.len() as u32;
        info.field_claims.end = self.field_claims.len() as u32;
        let def_node = defining(e.kind, parts.name, id_field);
        if let Some(name) = def_node.filter(|n| !n.is_missing() && !n.byte_range().is_empty()) {
            let title = definition_title(&info, || {
                parts.title.map(|title| match syntax::node_kind(title) {
                    "string" => TextSpan::string(title.byte_range()),
                    _ => TextSpan::plain(trim_range(title.byte_range(), src)),
                })
            });
            let named = |key: &str| fields.iter().copied().find(|f| f.key_text(src) == key);
            let aliases = named("aka")
                .map(|f| {
                    f.items()
                        .into_iter()
                        .map(|n| match syntax::node_kind(n) {
                            "string" => syntax::string_value(n, src),
                            _ => text(n, src).trim().to_string(),
                        })
                        .filter(|a| !a.is_empty())
                        .collect()
                })
                .unwrap_or_else(no_aliases);
            let subkind = named("kind")
                .and_then(|f| f.value())
                .map(|v| sym(text(v, src).trim()));
            info.def = OptIndex::new(Some(self.definitions.len() as u32));
            self.definitions.push(Definition {
                id: sym(text(name, src).trim()),
                kind: e.kind,
                range: trim_range(name.byte_range(), src),
                entry: index,
                title,
                aliases,
                subkind,
            });
        }
        self.entries.push(info);
    }

    /// Reads the items of a field value; `first_ref` is the index of the
    /// first reference the field pushed.
    fn value_items(&self, items: Vec<Node<'_>>, src: &str, first_ref: usize) -> Vec<ValueItem> {
        let ref_at = |at: usize| {
            self.references[first_ref..]
                .iter()
                .position(|r| r.at() == at)
                .map(|i| (first_ref + i) as u32)
        };
        items
            .into_iter()
            .map(|n| {
                let range = ByteSpan::new(n.byte_range());
                match syntax::node_kind(n) {
                    "reference" => ref_at(n.start_byte()).map(ValueItem::Ref),
                    "offset" => {
                        let anchor = n.child_field("anchor").and_then(|a| ref_at(a.start_byte()));
                        let negative = n.child_field("sign").is_some_and(|s| text(s, src) == "-");
                        anchor.map(|anchor| ValueItem::Offset {
                            anchor,
                            negative,
                            range,
                        })
                    }
                    "date" | "interval" => Some(ValueItem::Date {
                        text: sym(text(n, src)),
                        range,
                    }),
                    "relative_date" => Some(ValueItem::Relative {
                        text: sym(text(n, src)),
                        range,
                    }),
                    _ => None,
                }
                .unwrap_or(ValueItem::Other { range })
            })
            .collect()
    }

    fn assertion(&mut self, node: Node<'_>, src: &str, entry: u32) -> AssertionInfo {
        let a = syntax::Assertion { node };
        let subject = a
            .subject()
            .and_then(|r| self.push_ref(r.node, src, Some(entry), RefRole::Subject));
        let value = a.value();
        if let Some(v) = value {
            self.collect_refs(v, src, Some(entry), RefRole::Field(sym("value")));
        }
        AssertionInfo::new(
            node.byte_range(),
            subject,
            a.property().map(|p| (p.byte_range(), sym(text(p, src)))),
            a.operator(src).map(sym),
            value.map(|v| v.byte_range()),
            value.map(|v| static_kind(syntax::node_kind(v))),
        )
    }

    fn collect_field_refs(
        &mut self,
        value: Node<'_>,
        src: &str,
        entry: u32,
        key: Sym,
        is_role: bool,
    ) -> Vec<AssertionInfo> {
        let mut after_of = false;
        let mut assertions = Vec::new();
        let mut stack = vec![value];
        // Walk the value in document order, recognising assertions, offsets
        // and the `of @org` of a role.
        let mut ordered = Vec::new();
        while let Some(n) = stack.pop() {
            match syntax::node_kind(n) {
                "reference" | "assertion" | "offset" | "text" => ordered.push(n),
                _ => {
                    let mut c = n.walk();
                    let children: Vec<_> = n.named_children(&mut c).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
        }
        for n in ordered {
            match syntax::node_kind(n) {
                "text" => {
                    after_of = is_role && text(n, src).split_whitespace().last() == Some("of");
                }
                "assertion" => {
                    assertions.push(self.assertion(n, src, entry));
                    after_of = false;
                }
                "offset" => {
                    if let Some(anchor) = n.child_field("anchor") {
                        self.push_ref(anchor, src, Some(entry), RefRole::Anchor);
                    }
                    after_of = false;
                }
                _ => {
                    let role = if after_of {
                        RefRole::RoleOrganisation
                    } else {
                        RefRole::Field(key)
                    };
                    self.push_ref(n, src, Some(entry), role);
                    after_of = false;
                }
            }
        }
        assertions
    }

    fn collect_refs(&mut self, node: Node<'_>, src: &str, entry: Option<u32>, role: RefRole) {
        syntax::for_each_reference(node, &mut |r| {
            self.push_ref(r.node, src, entry, role);
        });
    }

    fn push_ref(
        &mut self,
        node: Node<'_>,
        src: &str,
        entry: Option<u32>,
        role: RefRole,
    ) -> Option<u32> {
        let r = syntax::Reference::cast(node)?;
        let id = r.id()?;
        if id.is_missing() || id.byte_range().is_empty() || id.start_byte() != node.start_byte() + 1
        {
            return None;
        }
        self.references.push(Reference::new(
            sym(text(id, src)),
            ByteSpan::new(id.byte_range()),
            OptIndex::new(entry),
            role,
        ));
        Some(self.references.len() as u32 - 1)
    }

    /// A copy of each list of exactly its length, leaving the lists empty
    /// with their capacity ([`super::quick`]'s scratch lists).
    pub(super) fn take_exact(&mut self) -> FileSummary {
        fn exact<T>(v: &mut Vec<T>) -> Vec<T> {
            let mut out = Vec::with_capacity(v.len());
            out.append(v);
            out
        }
        FileSummary {
            definitions: exact(&mut self.definitions),
            entries: exact(&mut self.entries),
            fields: exact(&mut self.fields),
            items: exact(&mut self.items),
            field_claims: exact(&mut self.field_claims),
            references: exact(&mut self.references),
            sections: exact(&mut self.sections),
            prose: exact(&mut self.prose),
            dates: exact(&mut self.dates),
            syntax: exact(&mut self.syntax),
        }
    }

    /// Empties every list, keeping its capacity.
    pub(super) fn clear(&mut self) {
        self.definitions.clear();
        self.entries.clear();
        self.fields.clear();
        self.items.clear();
        self.field_claims.clear();
        self.references.clear();
        self.sections.clear();
        self.prose.clear();
        self.dates.clear();
        self.syntax.clear();
    }

    /// The bytes the lists hold (their capacity, not counting what their
    /// elements point to).
    pub(super) fn capacity_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        bytes(&self.definitions)
            + bytes(&self.entries)
            + bytes(&self.fields)
            + bytes(&self.items)
            + bytes(&self.field_claims)
            + bytes(&self.references)
            + bytes(&self.sections)
            + bytes(&self.prose)
            + bytes(&self.dates)
            + bytes(&self.syntax)
    }

    /// Adds the dates written inside `node` (a top-level item).
    pub(super) fn collect_dates_in(&mut self, node: Node<'_>, src: &str) {
        collect_dates(node, src, &mut self.dates);
    }

    /// The date written at `start` (the file's dates are in order).
    pub fn date_node_at(&self, start: usize) -> Option<&DateNode> {
        let i = self.dates.partition_point(|d| d.range.start() < start);
        self.dates.get(i).filter(|d| d.range.start() == start)
    }

    /// The fields of an entry.
    pub fn fields(&self, e: &EntryInfo) -> &[FieldInfo] {
        &self.fields[e.fields.start as usize..e.fields.end as usize]
    }

    /// The first field of an entry with this key.
    pub fn field(&self, e: &EntryInfo, key: &str) -> Option<&FieldInfo> {
        self.fields(e).iter().find(|f| f.key == key)
    }

    /// The value items of a field.
    pub fn items(&self, f: &FieldInfo) -> &[ValueItem] {
        &self.items[f.items.start as usize..f.items.end as usize]
    }

    /// The `claims:` (false) and `denies:` (true) assertions of an entry.
    pub fn field_claims(&self, e: &EntryInfo) -> &[(bool, AssertionInfo)] {
        &self.field_claims[e.field_claims.start as usize..e.field_claims.end as usize]
    }

    /// The entry whose range contains `offset` (its header or fields).
    pub fn entry_at(&self, offset: usize) -> Option<(u32, &EntryInfo)> {
        let i = self.entries.partition_point(|e| e.range.start() <= offset);
        let i = i.checked_sub(1)?;
        let e = &self.entries[i];
        (offset <= e.range.end()).then_some((i as u32, e))
    }

    /// The reference whose `@id` contains `offset` (either edge counts).
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .find(|r| r.at() <= offset && offset <= r.span.end())
    }

    /// The definition whose ID contains `offset` (either edge counts).
    pub fn definition_at(&self, offset: usize) -> Option<&Definition> {
        self.definitions
            .iter()
            .find(|d| d.range.start <= offset && offset <= d.range.end)
    }
}

/// What defines an entry's ID: the header's name, or for a statement or a
/// claim the value of its first `id:` field.
pub(super) fn defining<T>(kind: EntryKind, name: Option<T>, id_field: Option<T>) -> Option<T> {
    name.or(match kind {
        EntryKind::Statement | EntryKind::Claim => id_field,
        _ => None,
    })
}

/// The title a definition shows: a statement's quote, a claim's assertion
/// as written, or else the entry's own title (`own`: the string of an
/// actor, source or topic, the title of an event).
pub(super) fn definition_title(
    info: &EntryInfo,
    own: impl FnOnce() -> Option<TextSpan>,
) -> Option<TextSpan> {
    match info.kind {
        EntryKind::Statement => info.quote,
        EntryKind::Claim => info.assertion.as_ref().map(|a| TextSpan::plain(a.range())),
        _ => own(),
    }
}

/// The parts of an entry, read in one pass over its children (asking for
/// each by field walks the children again every time).
#[derive(Default)]
struct Parts<'t> {
    name: Option<Node<'t>>,
    title: Option<Node<'t>>,
    date: Option<Node<'t>>,
    weekday: Option<Node<'t>>,
    speaker: Option<Node<'t>>,
    holder: Option<Node<'t>>,
    quote: Option<Node<'t>>,
    verb: Option<Node<'t>>,
    assertion: Option<Node<'t>>,
    fields: Vec<Node<'t>>,
}

/// The field IDs [`Parts::read`] looks for.
struct PartIds {
    name: u16,
    title: u16,
    date: u16,
    weekday: u16,
    speaker: u16,
    holder: u16,
    quote: u16,
    verb: u16,
    assertion: u16,
    field: u16,
}

impl<'t> Parts<'t> {
    fn read(entry: Node<'t>) -> Self {
        static IDS: std::sync::OnceLock<PartIds> = std::sync::OnceLock::new();
        let ids = IDS.get_or_init(|| {
            let lang = syntax::language();
            let id = |name| lang.field_id_for_name(name).map_or(0, |id| id.get());
            PartIds {
                name: id("name"),
                title: id("title"),
                date: id("date"),
                weekday: id("weekday"),
                speaker: id("speaker"),
                holder: id("holder"),
                quote: id("quote"),
                verb: id("verb"),
                assertion: id("assertion"),
                field: id("field"),
            }
        });
        let mut parts = Parts::default();
        let mut cursor = entry.walk();
        if !cursor.goto_first_child() {
            return parts;
        }
        loop {
            if let Some(f) = cursor.field_id() {
                let f = f.get();
                let node = cursor.node();
                let slot = match f {
                    _ if f == ids.field => {
                        parts.fields.push(node);
                        None
                    }
                    _ if f == ids.name => Some(&mut parts.name),
                    _ if f == ids.title => Some(&mut parts.title),
                    _ if f == ids.date => Some(&mut parts.date),
                    _ if f == ids.weekday => Some(&mut parts.weekday),
                    _ if f == ids.speaker => Some(&mut parts.speaker),
                    _ if f == ids.holder => Some(&mut parts.holder),
                    _ if f == ids.quote => Some(&mut parts.quote),
                    _ if f == ids.verb => Some(&mut parts.verb),
                    _ if f == ids.assertion => Some(&mut parts.assertion),
                    _ => None,
                };
                if let Some(slot) = slot {
                    // The first child in the field, as `child_by_field_id`.
                    slot.get_or_insert(node);
                }
            }
            if !cursor.goto_next_sibling() {
                return parts;
            }
        }
    }
}

/// A `date` or `interval` node, with the weekday annotation after it.
fn date_node(n: Node<'_>, src: &str) -> DateNode {
    let weekday = n
        .next_named_sibling()
        .filter(|w| syntax::node_kind(*w) == "weekday")
        .map(|w| (w.byte_range().into(), sym(text(w, src))));
    DateNode {
        range: n.byte_range().into(),
        text: sym(text(n, src)),
        weekday,
    }
}

/// Every `date` and `interval` (not the dates inside an interval), with the
/// weekday annotation right after it.
///
/// One cursor walk that enters only the nodes that can hold a date
/// ([`MAY_HOLD_A_DATE`]) or an error; it used to visit every named node of
/// the file and was a quarter of the time spent summarising.
fn collect_dates(root: Node<'_>, src: &str, out: &mut Vec<DateNode>) {
    let kinds = date_kinds();
    let mut cursor = root.walk();
    // Kept here: the cursor's own depth is counted again on every call.
    let mut depth = 0usize;
    loop {
        let n = cursor.node();
        let kind = kinds.get(n.kind_id() as usize).copied();
        let enter = match kind {
            Some(DateKind::Date) => {
                out.push(date_node(n, src));
                false
            }
            Some(DateKind::Container) => true,
            Some(DateKind::Other) => n.has_error(),
            Some(DateKind::Skip) => false,
            // A kind this table does not know: look inside, as before.
            None => true,
        };
        if enter && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            depth -= 1;
        }
    }
}

/// The named node kinds that can hold a `date` or `interval` below them
/// (from `grammar/src/node-types.json`; a test checks the list).
const MAY_HOLD_A_DATE: [&str; 13] = [
    "document",
    "section",
    "actor",
    "source",
    "topic",
    "event",
    "statement",
    "claim",
    "field",
    "list",
    "phrase",
    "assertion",
    "ERROR",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum DateKind {
    Date,
    Container,
    /// Entered only when an error is inside (error recovery can put
    /// anything there).
    Other,
    /// Lines without dates: prose, headings, comments (never entered).
    Skip,
}

/// What each kind ID of the language is to [`collect_dates`].
fn date_kinds() -> &'static [DateKind] {
    static KINDS: std::sync::OnceLock<Vec<DateKind>> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let lang = syntax::language();
        (0..lang.node_kind_count() as u16)
            .map(|id| match lang.node_kind_for_id(id) {
                Some("date" | "interval") if lang.node_kind_is_named(id) => DateKind::Date,
                Some(k) if MAY_HOLD_A_DATE.contains(&k) && lang.node_kind_is_named(id) => {
                    DateKind::Container
                }
                Some("prose" | "heading" | "comment" | "string" | "text")
                    if lang.node_kind_is_named(id) =>
                {
                    DateKind::Skip
                }
                // Anonymous tokens hold nothing.
                _ => DateKind::Other,
            })
            .collect()
    })
}

/// The value kinds an assertion can have, as static strings.
fn static_kind(kind: &str) -> &'static str {
    const KINDS: [&str; 14] = [
        "reference",
        "offset",
        "assertion",
        "date",
        "interval",
        "weekday",
        "time",
        "relative_date",
        "number",
        "string",
        "boolean",
        "text",
        "phrase",
        "list",
    ];
    KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("other")
}

/// A line's range without its trailing line break.
pub(super) fn trim_line(range: Range<usize>, src: &str) -> Range<usize> {
    range.start..trim_end(range.end, src).max(range.start)
}

pub(super) fn trim_end(mut end: usize, src: &str) -> usize {
    let bytes = src.as_bytes();
    while end > 0 && matches!(bytes.get(end - 1), Some(b'\n' | b'\r' | b' ' | b'\t')) {
        end -= 1;
    }
    end
}

pub(super) fn trim_range(range: Range<usize>, src: &str) -> Range<usize> {
    let s = &src[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    let end = range.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// [`Parts::read`] finds what the field accessors of the syntax layer
    /// find, on generated notes and on notes with syntax errors.
    #[test]
    fn one_pass_parts_equal_the_accessors() {
        let mut texts: Vec<String> =
            crate::workload::render(&crate::workload::build(&crate::workload::Spec::small()))
                .into_iter()
                .map(|(_, t)| t)
                .take(30)
                .collect();
        texts.push(include_str!("../../examples/problems.chron").to_string());
        texts.push(SRC.to_string());
        // Damage: every 7th line loses its last characters.
        let damaged: Vec<String> = texts
            .iter()
            .map(|t| {
                t.lines()
                    .enumerate()
                    .map(|(i, l)| if i % 7 == 3 { &l[..l.len() / 2] } else { l })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        texts.extend(damaged);
        let mut entries = 0;
        for text in &texts {
            let tree = parse(text);
            let mut stack = vec![tree.root_node()];
            while let Some(n) = stack.pop() {
                let mut c = n.walk();
                stack.extend(n.children(&mut c));
                let Some(e) = SyntaxEntry::cast(n) else {
                    continue;
                };
                entries += 1;
                let p = Parts::read(n);
                assert_eq!(p.name, e.name());
                assert_eq!(p.title, e.title());
                assert_eq!(p.date, e.date());
                assert_eq!(p.weekday, e.weekday());
                assert_eq!(p.quote, e.quote());
                assert_eq!(p.verb.map(|v| &text[v.byte_range()]), e.verb(text));
                assert_eq!(
                    p.assertion.filter(|a| syntax::node_kind(*a) == "assertion"),
                    e.assertion().map(|a| a.node)
                );
                let author = p
                    .speaker
                    .or(p.holder)
                    .filter(|a| syntax::node_kind(*a) == "reference");
                assert_eq!(author, e.author().map(|a| a.node));
                let fields: Vec<_> = e.fields().map(|f| f.node).collect();
                assert_eq!(p.fields, fields);
                let first = p.fields.first().map_or(n.end_byte(), |f| f.start_byte());
                assert_eq!(n.start_byte()..first, e.header_range());
            }
        }
        assert!(entries > 1000, "{entries}");
        // The pruned date walk finds what a walk of every named node finds.
        for text in &texts {
            let tree = parse(text);
            let (mut pruned, mut every) = (Vec::new(), Vec::new());
            collect_dates(tree.root_node(), text, &mut pruned);
            every_date(tree.root_node(), text, &mut every);
            assert_eq!(pruned, every);
        }
    }

    /// The date walk as it was, over every named node.
    fn every_date(root: Node<'_>, src: &str, out: &mut Vec<DateNode>) {
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match syntax::node_kind(n) {
                "date" | "interval" => out.push(date_node(n, src)),
                "prose" | "heading" | "comment" | "string" | "text" => {}
                _ => {
                    let children: Vec<_> = n.named_children(&mut cursor).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
        }
    }

    /// [`MAY_HOLD_A_DATE`] is every named kind that node-types.json says
    /// can have a `date` or `interval` below it (and ERROR).
    #[test]
    fn the_kinds_that_may_hold_a_date_match_the_grammar() {
        let types: serde_json::Value =
            serde_json::from_str(include_str!("../../grammar/src/node-types.json")).unwrap();
        let mut below: std::collections::HashMap<String, Vec<String>> = Default::default();
        for t in types.as_array().unwrap() {
            if t["named"] != true {
                continue;
            }
            let mut kids = Vec::new();
            let mut add = |list: &serde_json::Value| {
                for x in list.as_array().into_iter().flatten() {
                    if x["named"] == true {
                        kids.push(x["type"].as_str().unwrap().to_string());
                    }
                }
            };
            for f in t["fields"].as_object().into_iter().flat_map(|o| o.values()) {
                add(&f["types"]);
            }
            add(&t["children"]["types"]);
            add(&t["subtypes"]);
            below.insert(t["type"].as_str().unwrap().to_string(), kids);
        }
        let mut may: std::collections::BTreeSet<String> =
            ["date", "interval"].map(String::from).into();
        loop {
            let more: Vec<String> = below
                .iter()
                .filter(|(k, kids)| !may.contains(*k) && kids.iter().any(|c| may.contains(c)))
                .map(|(k, _)| k.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            may.extend(more);
        }
        // Hidden supertypes never appear in a tree.
        may.retain(|k| !k.starts_with('_') && k != "date" && k != "interval");
        may.insert("ERROR".into());
        let listed: std::collections::BTreeSet<String> =
            MAY_HOLD_A_DATE.iter().map(|k| k.to_string()).collect();
        assert_eq!(listed, may);
    }

    const SRC: &str = "\
# Coalition
actor macron \"Emmanuel Macron\"
  kind: person
  aka: \"Macron\", \"President Macron\"
  role: president of @france since 2017-05-14

## Events
2025-11-25 event call: Meeting with @macron
  who: @coalition
  after: @talks + 1d
2025-11-25 @macron said \"We decided.\"
  at: @call
  claims: @wg.date = tomorrow
  id: macron-wg
Prose mentions @uk.
";

    #[test]
    fn summary_reads_definitions_entries_references_sections() {
        let tree = parse(SRC);
        let s = FileSummary::new(&tree, SRC);
        assert!(s.syntax.is_empty(), "{:?}", s.syntax);
        let defs: Vec<_> = s.definitions.iter().map(|d| (&*d.id, d.kind)).collect();
        assert_eq!(
            defs,
            [
                ("macron", EntryKind::Actor),
                ("call", EntryKind::Event),
                ("macron-wg", EntryKind::Statement)
            ]
        );
        let macron = &s.definitions[0];
        assert_eq!(&SRC[macron.range.clone()], "macron");
        assert_eq!(&*macron.aliases, ["Macron", "President Macron"]);
        assert_eq!(macron.subkind.as_deref(), Some("person"));
        assert_eq!(
            macron.title.map(|t| t.read(SRC)).as_deref(),
            Some("Emmanuel Macron")
        );

        let refs: Vec<_> = s
            .references
            .iter()
            .map(|r| (r.id.as_str(), r.role()))
            .collect();
        assert_eq!(
            refs,
            [
                ("france", RefRole::RoleOrganisation),
                ("macron", RefRole::Title),
                ("coalition", RefRole::Field(sym("who"))),
                ("talks", RefRole::Anchor),
                ("macron", RefRole::Author),
                ("call", RefRole::Field(sym("at"))),
                ("wg", RefRole::Subject),
                ("uk", RefRole::Prose),
            ]
        );
        for r in &s.references {
            assert_eq!(&SRC[r.range()], r.id);
            assert_eq!(&SRC[r.at()..r.at() + 1], "@");
        }

        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[1].title.read(SRC), "Events");
        assert_eq!(s.entries[1].section.get(), Some(1));
        assert_eq!(
            &SRC[s.entries[1].header.range()],
            "2025-11-25 event call: Meeting with @macron"
        );
        assert!(SRC[s.entries[1].range.range()].ends_with("after: @talks + 1d"));
        assert_eq!(
            s.entries[2].quote.map(|q| q.read(SRC)).as_deref(),
            Some("We decided.")
        );
        assert_eq!(s.prose.len(), 1);
        let (i, e) = s.entry_at(SRC.find("at: @call").unwrap()).unwrap();
        assert_eq!((i, e.kind), (2, EntryKind::Statement));
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// A workspace keeps half a million references and a quarter of a
    /// million fields: a record that grows grows the server by megabytes.
    #[test]
    fn records_stay_small() {
        assert_eq!(std::mem::size_of::<Sym>(), 4);
        assert_eq!(std::mem::size_of::<Reference>(), 20);
        assert_eq!(std::mem::size_of::<RefRole>(), 8);
        assert_eq!(std::mem::size_of::<FieldInfo>(), 28);
        assert_eq!(std::mem::size_of::<ValueItem>(), 16);
        assert_eq!(std::mem::size_of::<DateNode>(), 24);
        assert_eq!(std::mem::size_of::<EntryInfo>(), 88);
        assert_eq!(std::mem::size_of::<Definition>(), 64);
        assert_eq!(std::mem::size_of::<Section>(), 48);
        assert_eq!(std::mem::size_of::<AssertionInfo>(), 56);
    }

    /// An offset's amount is what follows its sign, whatever the anchor's ID
    /// holds.
    #[test]
    fn offset_amounts_follow_the_sign() {
        for (written, amount) in [
            ("@talks + 2d", "2d"),
            ("@coalition-call - 1w", "1w"),
            ("@a-b-c+10h", "10h"),
            ("@talks +", ""),
            ("@talks", ""),
        ] {
            let text = format!("after: {written}");
            let range = ByteSpan::new(7..text.len());
            assert_eq!(offset_amount(&text, range), amount, "{written}");
        }
    }

    /// A reference's role survives its packing into 4 bytes, a field's key
    /// included.
    #[test]
    fn packed_roles_unpack_to_the_same_role() {
        let roles = [
            RefRole::Author,
            RefRole::Subject,
            RefRole::Anchor,
            RefRole::RoleOrganisation,
            RefRole::Title,
            RefRole::Heading,
            RefRole::Prose,
            RefRole::Field(sym("after")),
            RefRole::Field(sym("a-key-packed-with-its-role")),
            RefRole::Field(Sym::EMPTY),
        ];
        for role in roles {
            let r = Reference::new(sym("macron"), ByteSpan::new(1..7), OptIndex::NONE, role);
            assert_eq!(r.role(), role);
        }
    }
}
