//! The quick reader: a file's [`FileSummary`] read straight from its text,
//! without a syntax tree, for files that read plainly.
//!
//! Opening a workspace summarises every file once. Parsing a file with
//! tree-sitter, walking its tree and freeing it costs about 2.1 times the
//! parse alone, and the budget for the whole cold start is 1.5 times the
//! parse (docs/performance.md). Most notes are plain lines the grammar reads
//! one way only; this reader reads those lines itself, line by line, as the
//! external scanner (`grammar/src/scanner.c`) and the grammar's tokens would,
//! and builds the same summary `FileSummary::new` builds from the tree.
//!
//! It **declines** (returns `None`) as soon as the file holds anything it is
//! not certain to read exactly as tree-sitter does: a syntax problem of any
//! kind, a control character, a carriage return outside `\r\n`, a byte order mark,
//! a line or paragraph separator, white space outside ASCII where a token
//! would start with it, a comparison sign where a value starts, a character
//! whose case folds into ASCII, an `@` next to a character outside ASCII, an
//! ID or key that runs into one, a value form it does not know. The caller
//! then parses the file. So the reader is an optimisation: whenever it
//! answers, the answer equals `FileSummary::new(&parse(text), text)`, which a
//! differential test checks on every example, fixture, generated workspace
//! and damaged variants of them (`quick_equals_the_tree`).
//!
//! Open documents keep using the tree (incremental parsing, splices).

use std::ops::Range;
use std::sync::Arc;

use super::span::ByteSpan;
use super::summary::{
    defining, definition_title, no_aliases, sym, trim_end, trim_line, trim_range, AssertionInfo,
    DateNode, Definition, EntryInfo, FieldInfo, FileSummary, OptIndex, RefRole, Reference, Section,
    Sym, TextSpan, ValueItem,
};
use crate::syntax::EntryKind;

/// The summary of `src`, or `None` when the file does not read plainly
/// (then parse it).
pub fn summary(src: &str) -> Option<FileSummary> {
    // A slip in this reader must cost only its speed: the caller parses.
    std::panic::catch_unwind(|| read(src)).ok().flatten()
}

fn read(src: &str) -> Option<FileSummary> {
    if !plain(src) {
        return None;
    }
    let mut r = Reader {
        src,
        b: src.as_bytes(),
        s: SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut())),
        entry: None,
        section: None,
        last_item_end: 0,
    };
    let read = r.run();
    let mut scratch = r.s;
    let summary = read.map(|()| scratch.take_exact());
    scratch.clear();
    if scratch.capacity_bytes() <= SCRATCH_KEPT {
        SCRATCH.with(|s| *s.borrow_mut() = scratch);
    }
    summary
}

thread_local! {
    /// The lists a summary is read into, kept from one file to the next:
    /// the summary takes copies of exactly their length, so that
    /// summarising a workspace allocates only what it keeps (lists grown by
    /// doubling and then shrunk left their slack as holes between the
    /// summaries).
    static SCRATCH: std::cell::RefCell<FileSummary> = Default::default();
}

/// The most [`SCRATCH`] keeps between files, in bytes: a large file's lists
/// are given back.
const SCRATCH_KEPT: usize = 256 * 1024;

/// Whether every character of `src` is one the reader knows how the
/// grammar reads.
fn plain(src: &str) -> bool {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // Control characters are ERRORs, but a tab is a blank and
            // `\r\n` a line break (a lone `\r` is one too, to the parser
            // only: see `syntax::lines`).
            if (c < 0x20 && c != b'\n' && c != b'\t' && c != b'\r')
                || c == 0x7f
                || (c == b'\r' && b.get(i + 1) != Some(&b'\n'))
            {
                return false;
            }
            // An `@` next to a character outside ASCII: the grammar asks
            // Unicode classes there.
            if c == b'@'
                && (b.get(i + 1).is_some_and(|&d| d >= 0x80) || (i > 0 && b[i - 1] >= 0x80))
            {
                return false;
            }
            i += 1;
            continue;
        }
        let Some(ch) = src[i..].chars().next() else {
            return false;
        };
        // White space outside ASCII (a no-break space pasted from the web)
        // is text inside a run or a string; where a token would start with
        // it the reader declines (`space_at`). Line and paragraph
        // separators and NEL stay out: the scanner's ID test and
        // tree-sitter's row count treat them apart.
        if matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}')
            || matches!(ch, '\u{FEFF}' | '\u{180E}' | '\u{200B}')
            || ch.to_lowercase().any(|l| l.is_ascii())
            || ch.to_uppercase().any(|u| u.is_ascii())
        {
            return false;
        }
        i += ch.len_utf8();
    }
    true
}

/// The scanner's `is_blank`: a space or a tab.
fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_id_start(c: u8) -> bool {
    is_alnum(c) || c == b'_'
}

fn is_id_char(c: u8) -> bool {
    is_alnum(c) || c == b'_' || c == b'-'
}

/// The scanner's `is_id_char` at `b[i]`: ASCII ID characters and any
/// character outside ASCII but a no-break space (U+00A0; the plain source
/// holds none of the other exceptions, U+2028, U+2029 and U+FEFF). The
/// scanner sees code points: a character outside ASCII is tested whole.
fn scanner_id_char(b: &[u8], i: usize) -> bool {
    let c = b[i];
    if c < 0x80 {
        return is_id_char(c);
    }
    char_at(b, i).is_some_and(|ch| ch != '\u{a0}')
}

/// The character starting at `b[i]` (a character boundary of a `str`).
fn char_at(b: &[u8], i: usize) -> Option<char> {
    let len = match b[i] {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    std::str::from_utf8(b.get(i..i + len)?).ok()?.chars().next()
}

/// White space outside ASCII at `b[i]` (`\s` to the grammar, no blank to
/// the scanner).
fn space_at(b: &[u8], i: usize) -> bool {
    b[i] >= 0x80 && char_at(b, i).is_some_and(char::is_whitespace)
}

/// What an atom of a value is (the grammar's node kinds).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Reference,
    Offset,
    Assertion,
    Date,
    Interval,
    Weekday,
    Time,
    Relative,
    Number,
    Str,
    Boolean,
    Text,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Reference => "reference",
            Kind::Offset => "offset",
            Kind::Assertion => "assertion",
            Kind::Date => "date",
            Kind::Interval => "interval",
            Kind::Weekday => "weekday",
            Kind::Time => "time",
            Kind::Relative => "relative_date",
            Kind::Number => "number",
            Kind::Str => "string",
            Kind::Boolean => "boolean",
            Kind::Text => "text",
        }
    }
}

/// An assertion read from the text, its references not yet pushed.
struct RawAssertion {
    range: Range<usize>,
    /// The subject's ID.
    subject: Range<usize>,
    property: Range<usize>,
    operator: Option<Range<usize>>,
    value: Option<(Kind, Range<usize>)>,
    /// A reference value's ID.
    value_ref: Option<Range<usize>>,
    weekday: Option<Range<usize>>,
}

/// One atom of a field value.
struct Atom {
    kind: Kind,
    range: Range<usize>,
    /// A reference's (or an offset anchor's) ID.
    id: Range<usize>,
    /// An offset's sign (its amount ends the range).
    negative: bool,
    assertion: Option<RawAssertion>,
}

impl Atom {
    fn plain(kind: Kind, range: Range<usize>) -> Atom {
        Atom {
            kind,
            range,
            id: 0..0,
            negative: false,
            assertion: None,
        }
    }
}

/// An entry whose field lines are still being read.
struct OpenEntry {
    info: EntryInfo,
    /// The byte after the header line (its line break included).
    header_end: usize,
    first_field: Option<usize>,
    /// The byte after the last field line.
    last_field_end: usize,
    name: Option<Range<usize>>,
    /// A definition's title: a string (true) or an event title (false).
    title: Option<(Range<usize>, bool)>,
    id_value: Option<Range<usize>>,
    aliases: Option<Arc<[String]>>,
    /// The `kind:` field: `Some(None)` once a `kind` field without a value
    /// was seen.
    subkind: Option<Option<Sym>>,
}

struct Reader<'s> {
    src: &'s str,
    b: &'s [u8],
    s: FileSummary,
    entry: Option<OpenEntry>,
    /// The open section (index into `s.sections`).
    section: Option<usize>,
    /// The byte after the last line that is not a comment: where the open
    /// section ends (tree-sitter leaves trailing extras out of a node).
    last_item_end: usize,
}

impl<'s> Reader<'s> {
    fn run(&mut self) -> Option<()> {
        let b = self.b;
        let len = b.len();
        let mut pos = 0;
        while pos < len {
            let line_end = b[pos..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(len, |i| pos + i);
            let raw_end = if line_end < len { line_end + 1 } else { len };
            // `\r\n` ends a line as `\n` does (`plain` let no other `\r` in).
            let content_end = if line_end > pos && b[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            self.line(pos, content_end, raw_end)?;
            pos = raw_end;
        }
        self.close_entry();
        // At the end of the file the scanner emits one more (zero-width)
        // line break, an item after any trailing comment: the last section
        // runs to the end.
        self.close_section(len);
        Some(())
    }

    fn line(&mut self, pos: usize, end: usize, raw_end: usize) -> Option<()> {
        let b = self.b;
        let mut i = pos;
        while i < end && is_blank(b[i]) {
            i += 1;
        }
        if i == end {
            // A blank line: an item that ends the entry above.
            self.close_entry();
            self.last_item_end = raw_end;
            return Some(());
        }
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            // A whole-line comment: an extra, which ends nothing.
            return Some(());
        }
        let prev_item_end = std::mem::replace(&mut self.last_item_end, raw_end);
        if i > pos {
            if self.entry.is_some() {
                return self.field(i, end, raw_end);
            }
            return self.prose(i, end, true);
        }
        self.close_entry();
        let c = b[i];
        if c == b'#' {
            let n = b[i..end].iter().take_while(|&&c| c == b'#').count();
            if n <= 6 && (i + n == end || is_blank(b[i + n])) {
                return self.heading(pos, end, raw_end, n, prev_item_end);
            }
            return self.prose(i, end, false);
        }
        let header = if c == b'/' {
            reads_as_dated_entry(b, i + 1, end, true)
        } else {
            !line_is_prose(b, i, end)
        };
        if header {
            self.header(pos, end, raw_end)
        } else {
            self.prose(i, end, false)
        }
    }

    fn close_entry(&mut self) {
        let Some(e) = self.entry.take() else {
            return;
        };
        let src = self.src;
        let mut info = e.info;
        let header = trim_line(
            info.range.start()..e.first_field.unwrap_or(e.header_end),
            src,
        );
        let end = if e.first_field.is_some() {
            trim_end(e.last_field_end, src)
        } else {
            header.end
        };
        info.range = (info.range.start()..end.max(header.end)).into();
        info.header = header.into();
        info.fields.end = self.s.fields.len() as u32;
        info.field_claims.end = self.s.field_claims.len() as u32;
        let index = self.s.entries.len() as u32;
        let def = defining(info.kind, e.name.clone(), e.id_value.clone());
        if let Some(name) = def.filter(|r| !r.is_empty()) {
            let title = definition_title(&info, || {
                e.title.map(|(r, string)| {
                    if string {
                        TextSpan::string(r)
                    } else {
                        TextSpan::plain(trim_range(r, src))
                    }
                })
            });
            info.def = OptIndex::new(Some(self.s.definitions.len() as u32));
            self.s.definitions.push(Definition {
                id: sym(src[name.clone()].trim()),
                kind: info.kind,
                range: trim_range(name, src),
                entry: index,
                title,
                aliases: e.aliases.unwrap_or_else(no_aliases),
                subkind: e.subkind.flatten(),
            });
        }
        self.s.entries.push(info);
    }

    /// Ends the open section with its last item, which ends at `item_end`.
    fn close_section(&mut self, item_end: usize) {
        if let Some(i) = self.section.take() {
            self.s.sections[i].range.end = trim_end(item_end, self.src);
        }
    }

    fn push_ref(&mut self, id: Range<usize>, entry: Option<u32>, role: RefRole) -> u32 {
        self.s.references.push(Reference::new(
            sym(&self.src[id.clone()]),
            ByteSpan::new(id),
            OptIndex::new(entry),
            role,
        ));
        self.s.references.len() as u32 - 1
    }

    /// `# Title`; `prev_item_end`: where the open section's last item ends.
    fn heading(
        &mut self,
        pos: usize,
        end: usize,
        raw_end: usize,
        level: usize,
        prev_item_end: usize,
    ) -> Option<()> {
        self.close_section(prev_item_end);
        let title = self.inline(pos + level, end, None, RefRole::Heading, false)?;
        let heading = trim_line(pos..raw_end, self.src);
        // Without a title, an empty one at the line's end.
        let title = title.map_or(heading.end..heading.end, |r| trim_range(r, self.src));
        self.section = Some(self.s.sections.len());
        self.s.sections.push(Section {
            level: level.min(u8::MAX as usize) as u8,
            title: TextSpan::plain(title),
            heading,
            range: pos..pos,
        });
        Some(())
    }

    /// A prose line (content from `i`).
    fn prose(&mut self, i: usize, end: usize, indented: bool) -> Option<()> {
        if indented && stray_field(&self.src[i..end]) {
            return None;
        }
        let content = self.inline(i, end, None, RefRole::Prose, false)?;
        let content = content?;
        self.s.prose.push(ByteSpan::new(content));
        Some(())
    }

    /// Inline text with `@id` references, from `i` to the line's end; the
    /// range of the `inline` (or `title`) node, `None` when the line holds
    /// nothing. `Err` (outer `None`): declined.
    fn inline(
        &mut self,
        mut i: usize,
        end: usize,
        entry: Option<u32>,
        role: RefRole,
        title: bool,
    ) -> Option<Option<Range<usize>>> {
        let b = self.b;
        let mut first: Option<usize> = None;
        let mut last = i;
        loop {
            while i < end && is_blank(b[i]) {
                i += 1;
            }
            if i >= end {
                break;
            }
            let start = i;
            if space_at(b, i) {
                return None;
            }
            if b[i] == b'@' {
                let next = b.get(i + 1).copied().filter(|_| i + 1 < end);
                match next {
                    None | Some(b' ' | b'\t' | b'@') => i += 1,
                    Some(d) if is_id_start(d) => {
                        let id_end = read_id(b, i + 1, end)?;
                        self.push_ref(i + 1..id_end, entry, role);
                        i = id_end;
                    }
                    _ => return None,
                }
            } else {
                if title && first.is_none() && b[i] == b':' {
                    return None;
                }
                i = text_run(b, i, end)?;
            }
            first.get_or_insert(start);
            last = i;
        }
        Some(first.map(|f| f..last))
    }

    /// An entry header at column 0.
    fn header(&mut self, pos: usize, end: usize, raw_end: usize) -> Option<()> {
        let b = self.b;
        let src = self.src;
        let index = self.s.entries.len() as u32;
        let mut i = pos;
        let mut date = None;
        let mut weekday = None;
        if !b[i].is_ascii_lowercase() && b[i] != b'@' {
            let d_end = date_or_interval(b, i, end)?;
            date = Some(i..d_end);
            i = blanks(b, d_end, end, true)?;
            if b[i] == b'(' {
                let close = b[i + 1..end].iter().position(|&c| c == b')' || c == b'(')?;
                if b[i + 1 + close] != b')' {
                    return None;
                }
                weekday = Some(i..i + close + 2);
                i = blanks(b, i + close + 2, end, true)?;
            }
        }
        let mut e = OpenEntry {
            info: EntryInfo {
                kind: EntryKind::Event,
                range: (pos..pos).into(),
                header: (pos..pos).into(),
                def: OptIndex::NONE,
                date: date.clone().map(|d| (d.clone().into(), sym(&src[d]))),
                author: OptIndex::NONE,
                verb: None,
                assertion: None,
                field_claims: self.s.field_claims.len() as u32..self.s.field_claims.len() as u32,
                fields: self.s.fields.len() as u32..self.s.fields.len() as u32,
                quote: None,
                section: self
                    .s
                    .sections
                    .len()
                    .checked_sub(1)
                    .map(|i| i as u32)
                    .into(),
            },
            header_end: raw_end,
            first_field: None,
            last_field_end: raw_end,
            name: None,
            title: None,
            id_value: None,
            aliases: None,
            subkind: None,
        };
        if let Some(d) = date.clone() {
            self.s.dates.push(DateNode {
                range: d.clone().into(),
                text: sym(&src[d]),
                weekday: weekday.clone().map(|w| (w.clone().into(), sym(&src[w]))),
            });
        }
        if b[i] == b'@' {
            // A statement or a claim.
            let id_end = read_id(b, i + 1, end)?;
            let author = i + 1..id_end;
            i = blanks(b, id_end, end, true)?;
            let word_end = i + b[i..end]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            let verb = i..word_end;
            e.info.author =
                OptIndex::new(Some(self.push_ref(author, Some(index), RefRole::Author)));
            match &src[verb.clone()] {
                "said" => {
                    e.info.kind = EntryKind::Statement;
                    i = blanks(b, word_end, end, true)?;
                    let q_end = string_end(b, i, end)?;
                    e.info.quote = Some(TextSpan::string(i..q_end));
                    at_line_end(b, q_end, end)?;
                }
                "claims" | "denies" | "reports" => {
                    e.info.kind = EntryKind::Claim;
                    e.info.verb = Some(sym(&src[verb]));
                    i = blanks(b, word_end, end, true)?;
                    if b[i] != b'@' {
                        return None;
                    }
                    let (a, a_end) = assertion_at(b, i, end)?;
                    at_line_end(b, a_end, end)?;
                    let info = self.assertion(&a, index);
                    self.assertion_date(&a);
                    e.info.assertion = Some(Box::new(info));
                }
                _ => return None,
            }
        } else {
            let word_end = i + b[i..end]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            let kind = match &src[i..word_end] {
                "event" => EntryKind::Event,
                "actor" if date.is_none() => EntryKind::Actor,
                "source" if date.is_none() => EntryKind::Source,
                "topic" if date.is_none() => EntryKind::Topic,
                _ => return None,
            };
            e.info.kind = kind;
            i = blanks(b, word_end, end, true)?;
            let name_end = read_id(b, i, end)?;
            e.name = Some(i..name_end);
            if kind == EntryKind::Event {
                i = blanks(b, name_end, end, false)?;
                if i >= end || b[i] != b':' {
                    return None;
                }
                let title = self.inline(i + 1, end, Some(index), RefRole::Title, true)?;
                e.title = title.map(|t| (t, false));
            } else {
                if name_end < end && !is_blank(b[name_end]) {
                    return None;
                }
                i = blanks(b, name_end, end, false)?;
                if i < end {
                    let s_end = string_end(b, i, end)?;
                    e.title = Some((i..s_end, true));
                    at_line_end(b, s_end, end)?;
                }
            }
        }
        self.entry = Some(e);
        Some(())
    }

    /// An indented `key: value` line under an entry (from `i`, after the
    /// indentation).
    fn field(&mut self, i: usize, end: usize, raw_end: usize) -> Option<()> {
        let b = self.b;
        let src = self.src;
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_') {
            return None;
        }
        let key_end = read_id(b, i, end)?;
        let key = sym(&src[i..key_end]);
        let mut j = blanks(b, key_end, end, false)?;
        if j >= end || b[j] != b':' {
            return None;
        }
        j = blanks(b, j + 1, end, false)?;
        let index = self.s.entries.len() as u32;
        // The value: items separated by commas, each one or more atoms.
        let mut items: Vec<Vec<Atom>> = Vec::new();
        if j < end {
            let mut item = Vec::new();
            loop {
                let (atom, next) = atom_at(b, j, end)?;
                item.push(atom);
                let k = blanks(b, next, end, false)?;
                if k >= end {
                    break;
                }
                if b[k] == b',' {
                    items.push(std::mem::take(&mut item));
                    j = blanks(b, k + 1, end, false)?;
                    if j >= end {
                        return None;
                    }
                } else {
                    if k == next {
                        return None;
                    }
                    j = k;
                }
            }
            items.push(item);
        }
        // An assertion is a whole item (what may follow one is not read).
        if items
            .iter()
            .any(|item| item.len() > 1 && item.iter().any(|a| a.kind == Kind::Assertion))
        {
            return None;
        }
        let item_range = |item: &[Atom]| item[0].range.start..item[item.len() - 1].range.end;
        let value = match items.len() {
            0 => None,
            1 => Some(item_range(&items[0])),
            n => Some(items[0][0].range.start..item_range(&items[n - 1]).end),
        };
        let e = self
            .entry
            .as_mut()
            .expect("a field is read inside an entry");
        if e.first_field.is_none() {
            e.first_field = Some(i);
        }
        e.last_field_end = raw_end;
        let key_str = key.as_str();
        if key_str == "id" && e.id_value.is_none() {
            e.id_value = value.clone();
        }
        if key_str == "aka" && e.aliases.is_none() {
            let aliases: Vec<String> = items
                .iter()
                .map(|item| {
                    if item.len() == 1 && item[0].kind == Kind::Str {
                        string_value(src, item[0].range.clone())
                    } else {
                        src[item_range(item)].trim().to_string()
                    }
                })
                .filter(|a| !a.is_empty())
                .collect();
            e.aliases = Some(Arc::from(aliases));
        }
        if key_str == "kind" && e.subkind.is_none() {
            e.subkind = Some(value.clone().map(|v| sym(src[v].trim())));
        }
        // References, in document order (`collect_field_refs`).
        let is_role = matches!(key_str, "role" | "as");
        let denies = key_str == "denies";
        let mut after_of = false;
        let mut ref_of: Vec<Vec<Option<u32>>> = Vec::with_capacity(items.len());
        for item in &items {
            let mut refs = Vec::with_capacity(item.len());
            for atom in item.iter() {
                let mut r = None;
                match atom.kind {
                    Kind::Text => {
                        after_of = is_role
                            && src[atom.range.clone()].split_whitespace().last() == Some("of");
                    }
                    Kind::Assertion => {
                        let a = atom.assertion.as_ref().expect("an assertion atom");
                        let info = self.assertion(a, index);
                        self.s.field_claims.push((denies, info));
                        after_of = false;
                    }
                    Kind::Offset => {
                        r = Some(self.push_ref(atom.id.clone(), Some(index), RefRole::Anchor));
                        after_of = false;
                    }
                    Kind::Reference => {
                        let role = if after_of {
                            RefRole::RoleOrganisation
                        } else {
                            RefRole::Field(key)
                        };
                        r = Some(self.push_ref(atom.id.clone(), Some(index), role));
                        after_of = false;
                    }
                    _ => {}
                }
                refs.push(r);
            }
            ref_of.push(refs);
        }
        // Value items and dates.
        let first_item = self.s.items.len() as u32;
        let n_items = items.len();
        for (k, item) in items.iter().enumerate() {
            let range = ByteSpan::new(item_range(item));
            let vi = if item.len() > 1 {
                ValueItem::Other { range }
            } else {
                let a = &item[0];
                match a.kind {
                    Kind::Reference => ValueItem::Ref(ref_of[k][0].expect("a pushed reference")),
                    Kind::Offset => ValueItem::Offset {
                        anchor: ref_of[k][0].expect("a pushed anchor"),
                        negative: a.negative,
                        range,
                    },
                    Kind::Date | Kind::Interval => ValueItem::Date {
                        text: sym(&src[a.range.clone()]),
                        range,
                    },
                    Kind::Relative => ValueItem::Relative {
                        text: sym(&src[a.range.clone()]),
                        range,
                    },
                    _ => ValueItem::Other { range },
                }
            };
            self.s.items.push(vi);
            for (m, a) in item.iter().enumerate() {
                if let Some(raw) = &a.assertion {
                    self.assertion_date(raw);
                }
                if !matches!(a.kind, Kind::Date | Kind::Interval) {
                    continue;
                }
                // The weekday after it: its next named sibling.
                let next = if item.len() > 1 {
                    item.get(m + 1)
                } else if n_items > 1 {
                    items.get(k + 1).filter(|i| i.len() == 1).map(|i| &i[0])
                } else {
                    None
                };
                let weekday = next
                    .filter(|w| w.kind == Kind::Weekday)
                    .map(|w| (ByteSpan::new(w.range.clone()), sym(&src[w.range.clone()])));
                self.s.dates.push(DateNode {
                    range: a.range.clone().into(),
                    text: sym(&src[a.range.clone()]),
                    weekday,
                });
            }
        }
        self.s.fields.push(FieldInfo::new(
            key,
            value.map(ByteSpan::new),
            first_item..self.s.items.len() as u32,
            trim_line(i..raw_end, src).into(),
        ));
        Some(())
    }

    /// Pushes an assertion's references; its summary.
    fn assertion(&mut self, a: &RawAssertion, entry: u32) -> AssertionInfo {
        let src = self.src;
        let subject = self.push_ref(a.subject.clone(), Some(entry), RefRole::Subject);
        if let Some(id) = a.value_ref.clone() {
            self.push_ref(id, Some(entry), RefRole::Field(sym("value")));
        }
        AssertionInfo::new(
            a.range.clone(),
            Some(subject),
            Some((a.property.clone(), sym(&src[a.property.clone()]))),
            a.operator.clone().map(|o| sym(&src[o])),
            a.value.as_ref().map(|(_, r)| r.clone()),
            a.value.as_ref().map(|(k, _)| k.name()),
        )
    }

    /// The date an assertion's value is, with its weekday.
    fn assertion_date(&mut self, a: &RawAssertion) {
        let src = self.src;
        if let Some((Kind::Date | Kind::Interval, r)) = &a.value {
            self.s.dates.push(DateNode {
                range: r.clone().into(),
                text: sym(&src[r.clone()]),
                weekday: a
                    .weekday
                    .clone()
                    .map(|w| (ByteSpan::new(w.clone()), sym(&src[w]))),
            });
        }
    }
}

/// After blanks from `i`: the next byte's index. With `required`, at least
/// one blank and something after it.
fn blanks(b: &[u8], mut i: usize, end: usize, required: bool) -> Option<usize> {
    let start = i;
    while i < end && is_blank(b[i]) {
        i += 1;
    }
    if required && (i == start || i >= end) {
        return None;
    }
    Some(i)
}

/// Nothing but blanks from `i` to the line's end.
fn at_line_end(b: &[u8], i: usize, end: usize) -> Option<()> {
    (blanks(b, i, end, false)? >= end).then_some(())
}

/// An ASCII ID (`[A-Za-z0-9_][A-Za-z0-9_-]*`) at `i`: its end. Declines an
/// ID that runs into a character outside ASCII (a letter or not).
fn read_id(b: &[u8], i: usize, end: usize) -> Option<usize> {
    if i >= end || !is_id_start(b[i]) {
        return None;
    }
    let mut j = i + 1;
    while j < end && is_id_char(b[j]) {
        j += 1;
    }
    if j < end && b[j] >= 0x80 {
        return None;
    }
    Some(j)
}

/// A string `"…"` at `i`, escapes (`\\` and any character) included: its
/// end.
fn string_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    if i >= end || b[i] != b'"' {
        return None;
    }
    let mut j = i + 1;
    while j < end {
        match b[j] {
            b'"' => return Some(j + 1),
            // The escaped character's first byte; the rest of a character
            // outside ASCII is read as string content.
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
    None
}

/// A string's value: without its quotes, escapes resolved.
fn string_value(src: &str, r: Range<usize>) -> String {
    crate::syntax::unquote(&src[r])
}

/// `≠`, `≤` or `≥` at `i`: never the start of a word of text.
fn is_sign(b: &[u8], i: usize) -> bool {
    let s = &b[i..];
    s.starts_with("≠".as_bytes()) || s.starts_with("≤".as_bytes()) || s.starts_with("≥".as_bytes())
}

/// The scanner's `_inline_text` run from `i` (not blank, not `@`): its end.
/// See `scan_text_rest` in grammar/src/scanner.c.
fn text_run(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut prev = b[i];
    let mut single = false;
    loop {
        if j >= end {
            return Some(j);
        }
        let c = b[j];
        if c == b'@' {
            if single && prev >= 0x80 {
                return None;
            }
            if single && (is_alnum(prev) || prev == b'_' || prev == b'.') {
                j += 1;
                prev = b'@';
                single = false;
                continue;
            }
            if j + 1 >= end {
                return Some(j);
            }
            let d = b[j + 1];
            if d >= 0x80 {
                return None;
            }
            if is_alnum(d) || d == b'_' || d == b'@' {
                return Some(j);
            }
            j += 2;
            prev = d;
            single = false;
            continue;
        }
        j += 1;
        prev = c;
        single = true;
    }
}

/// The scanner's `line_is_prose` for an unindented line starting at `i`.
fn line_is_prose(b: &[u8], i: usize, end: usize) -> bool {
    let c = b[i];
    if c == b'@' {
        return !reads_as_statement_or_claim(b, i, end);
    }
    if c.is_ascii_digit() || c == b'X' || c == b'-' || c == b'.' {
        return !reads_as_dated_entry(b, i, end, false);
    }
    if c.is_ascii_lowercase() {
        let w = i + b[i..end]
            .iter()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        let keyword = matches!(&b[i..w], b"actor" | b"source" | b"topic" | b"event");
        let ends = w >= end || is_blank(b[w]);
        return !(keyword && ends);
    }
    true
}

/// The scanner's `reads_as_statement_or_claim`, at an `@`.
fn reads_as_statement_or_claim(b: &[u8], i: usize, end: usize) -> bool {
    let mut j = i + 1;
    if j >= end || !scanner_id_char(b, j) {
        return false;
    }
    while j < end && scanner_id_char(b, j) {
        j += 1;
    }
    if j >= end || !is_blank(b[j]) {
        return false;
    }
    while j < end && is_blank(b[j]) {
        j += 1;
    }
    let w = j + b[j..end]
        .iter()
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    if w < end && scanner_id_char(b, w) {
        return false;
    }
    matches!(&b[j..w], b"said" | b"claims" | b"denies" | b"reports")
}

/// The scanner's `reads_as_dated_entry`; `slash_consumed`: `i` is after a
/// leading `/`.
fn reads_as_dated_entry(b: &[u8], i: usize, end: usize, slash_consumed: bool) -> bool {
    let mut j = i;
    if !slash_consumed && j < end {
        match b[j] {
            b'-' | b'/' => j += 1,
            b'.' => {
                if b.get(j + 1) != Some(&b'.') || b.get(j + 2) != Some(&b'/') || j + 2 >= end {
                    return false;
                }
                j += 3;
            }
            _ => {}
        }
    }
    for _ in 0..4 {
        if j >= end || !(b[j].is_ascii_digit() || b[j] == b'X') {
            return false;
        }
        j += 1;
    }
    while j < end && !is_blank(b[j]) {
        j += 1;
    }
    if j >= end {
        return false;
    }
    while j < end && is_blank(b[j]) {
        j += 1;
    }
    if j < end && b[j] == b'(' {
        while j < end && b[j] != b')' {
            j += 1;
        }
        if j >= end {
            return false;
        }
        j += 1;
        while j < end && is_blank(b[j]) {
            j += 1;
        }
    }
    if j < end && b[j] == b'@' {
        return reads_as_statement_or_claim(b, j, end);
    }
    let w = j + b[j..end]
        .iter()
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    // The scanner reads at most 7 letters of the word.
    &b[j..w] == b"event" && (w >= end || !scanner_id_char(b, w))
}

/// An indented prose line that reads `key: …` (a syntax problem: a field
/// cut off from its entry).
fn stray_field(line: &str) -> bool {
    crate::syntax::reads_as_field(line).is_some()
}

fn is_dx(c: u8) -> bool {
    c.is_ascii_digit() || c == b'X'
}

/// Up to `max` bytes matching `f` from `i`: the count.
fn run(b: &[u8], i: usize, end: usize, max: usize, f: impl Fn(u8) -> bool) -> usize {
    b[i.min(end)..end]
        .iter()
        .take(max)
        .take_while(|&&c| f(c))
        .count()
}

/// The grammar's `date` token (EDTF level 1) at `i`: its end, longest
/// match.
fn date_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let mut j = i;
    if j < end && b[j] == b'-' {
        j += 1;
    }
    if run(b, j, end, 4, is_dx) != 4 {
        return None;
    }
    j += 4;
    if j + 1 < end && b[j] == b'-' && is_dx(b[j + 1]) {
        j += 1 + run(b, j + 1, end, 2, is_dx);
        if j + 1 < end && b[j] == b'-' && is_dx(b[j + 1]) {
            j += 1 + run(b, j + 1, end, 2, is_dx);
            if let Some(t) = time_of_day(b, j, end) {
                j = t;
            }
        }
    }
    if j < end && matches!(b[j], b'?' | b'~' | b'%') {
        j += 1;
    }
    Some(j)
}

/// `T[0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?` and a zone, at `i`.
fn time_of_day(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let digits = |j: usize, n: usize| run(b, j, end, n, |c| c.is_ascii_digit()) == n;
    if !(i < end && b[i] == b'T' && digits(i + 1, 2)) {
        return None;
    }
    let mut j = i + 3;
    if j < end && b[j] == b':' && digits(j + 1, 2) {
        j += 3;
        if j < end && b[j] == b':' && digits(j + 1, 2) {
            j += 3;
            if j < end && b[j] == b'.' && digits(j + 1, 1) {
                j += 1 + run(b, j + 1, end, usize::MAX, |c| c.is_ascii_digit());
            }
        }
    }
    Some(zone(b, j, end))
}

/// `(Z|[+-][0-9]{2}(:?[0-9]{2})?)?` at `i`: its end.
fn zone(b: &[u8], i: usize, end: usize) -> usize {
    let digits = |j: usize, n: usize| run(b, j, end, n, |c| c.is_ascii_digit()) == n;
    if i < end && b[i] == b'Z' {
        return i + 1;
    }
    if i < end && matches!(b[i], b'+' | b'-') && digits(i + 1, 2) {
        let j = i + 3;
        if j < end && b[j] == b':' && digits(j + 1, 2) {
            return j + 3;
        }
        if digits(j, 2) {
            return j + 2;
        }
        return j;
    }
    i
}

/// `-?[0-9]+(\.[0-9]+)?%?` at `i`.
fn number_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let mut j = i;
    if j < end && b[j] == b'-' {
        j += 1;
    }
    let n = run(b, j, end, usize::MAX, |c| c.is_ascii_digit());
    if n == 0 {
        return None;
    }
    j += n;
    if j + 1 < end && b[j] == b'.' && b[j + 1].is_ascii_digit() {
        j += 1 + run(b, j + 1, end, usize::MAX, |c| c.is_ascii_digit());
    }
    if j < end && b[j] == b'%' {
        j += 1;
    }
    Some(j)
}

/// `[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?` and a zone, at `i`.
fn time_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let digits = |j: usize, n: usize| run(b, j, end, n, |c| c.is_ascii_digit()) == n;
    let h = run(b, i, end, 2, |c| c.is_ascii_digit());
    if h == 0 {
        return None;
    }
    let mut j = i + h;
    if !(j < end && b[j] == b':' && digits(j + 1, 2)) {
        return None;
    }
    j += 3;
    if j < end && b[j] == b':' && digits(j + 1, 2) {
        j += 3;
    }
    Some(zone(b, j, end))
}

/// A `date` or `interval` at `i` (in a header or a value): its end. Only
/// the forms `D`, `D/D`, `D/..`, `../D` and `/D` are read.
fn date_or_interval(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let open = |j: usize| j + 1 < end && b[j] == b'.' && b[j + 1] == b'.';
    let start = if open(i) {
        Some(i + 2)
    } else if i < end && b[i] == b'/' {
        None
    } else {
        Some(date_end(b, i, end)?)
    };
    let slash = start.unwrap_or(i);
    if slash < end && b[slash] == b'/' {
        let e = slash + 1;
        let e_end = if open(e) { e + 2 } else { date_end(b, e, end)? };
        return Some(e_end);
    }
    if open(i) || start.is_none() {
        return None;
    }
    Some(slash)
}

fn lower_starts(b: &[u8], i: usize, end: usize, word: &str) -> bool {
    let w = word.as_bytes();
    i + w.len() <= end && b[i..i + w.len()].eq_ignore_ascii_case(w)
}

const WEEKDAYS: [&str; 14] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// The longest weekday name at `i`: its end.
fn weekday_name(b: &[u8], i: usize, end: usize) -> Option<usize> {
    WEEKDAYS
        .iter()
        .filter(|w| lower_starts(b, i, end, w))
        .map(|w| i + w.len())
        .max()
}

/// The grammar's `relative_date` token at `i` (case-insensitive): its end.
fn relative_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let mut best = None;
    let mut take = |e: usize| best = Some(best.map_or(e, |b: usize| b.max(e)));
    for w in ["today", "tomorrow", "yesterday", "tonight"] {
        if lower_starts(b, i, end, w) {
            take(i + w.len());
        }
    }
    if let Some(e) = weekday_name(b, i, end) {
        take(e);
    }
    for w in ["on", "next", "last", "this"] {
        if !lower_starts(b, i, end, w) {
            continue;
        }
        let j = i + w.len();
        let k = j + run(b, j, end, usize::MAX, is_blank);
        if k == j {
            continue;
        }
        if let Some(e) = weekday_name(b, k, end) {
            take(e);
        }
        if w != "on" {
            for unit in ["week", "month", "year"] {
                if lower_starts(b, k, end, unit) {
                    take(k + unit.len());
                }
            }
        }
    }
    best
}

/// The grammar's `text` token at `i`: words separated by blanks, its end.
fn text_end(b: &[u8], i: usize, end: usize) -> Option<usize> {
    let first = |c: u8| !b" \t0123456789@\",-./+=<>!:".contains(&c);
    let rest = |c: u8| !b" \t@\",".contains(&c);
    let next_word = |c: u8| !b" \t0123456789@\",-./(+=<>!".contains(&c);
    // The rest of a word: up to a blank, `@`, `"`, `,` or white space
    // outside ASCII.
    let word_end = |mut j: usize| {
        while j < end && rest(b[j]) && !space_at(b, j) {
            j += 1;
        }
        j
    };
    if i >= end || !first(b[i]) || is_sign(b, i) || space_at(b, i) {
        return None;
    }
    let mut j = word_end(i + 1);
    loop {
        let k = j + run(b, j, end, usize::MAX, is_blank);
        if k == j || k >= end || !next_word(b[k]) || is_sign(b, k) || space_at(b, k) {
            return Some(j);
        }
        j = word_end(k + 1);
    }
}

/// One atom of a value at `i`: the atom and the byte after it (checked to
/// be a blank, a comma or the line's end).
fn atom_at(b: &[u8], i: usize, end: usize) -> Option<(Atom, usize)> {
    let c = b[i];
    let (atom, next) = if c == b'@' {
        let id_end = read_id(b, i + 1, end)?;
        if id_end < end && b[id_end] == b'.' {
            let (a, a_end) = assertion_at(b, i, end)?;
            let mut atom = Atom::plain(Kind::Assertion, i..a_end);
            atom.assertion = Some(a);
            (atom, a_end)
        } else {
            // An offset: `@id + 2d`, `@id - 1w`.
            let k = id_end + run(b, id_end, end, usize::MAX, is_blank);
            if k > id_end && k < end && matches!(b[k], b'+' | b'-') {
                let negative = b[k] == b'-';
                let d = k + 1 + run(b, k + 1, end, usize::MAX, is_blank);
                if negative && d == k + 1 {
                    return None;
                }
                let n = run(b, d, end, usize::MAX, |c| c.is_ascii_digit());
                if n == 0 || d + n >= end || !b"hdwmy".contains(&b[d + n]) {
                    return None;
                }
                let amount_end = d + n + 1;
                let mut atom = Atom::plain(Kind::Offset, i..amount_end);
                atom.id = i + 1..id_end;
                atom.negative = negative;
                (atom, amount_end)
            } else {
                let mut atom = Atom::plain(Kind::Reference, i..id_end);
                atom.id = i + 1..id_end;
                (atom, id_end)
            }
        }
    } else if c == b'"' {
        let e = string_end(b, i, end)?;
        (Atom::plain(Kind::Str, i..e), e)
    } else if c == b'.' || c == b'/' {
        let e = date_or_interval(b, i, end)?;
        (Atom::plain(Kind::Interval, i..e), e)
    } else {
        let (kind, e) = token_at(b, i, end)?;
        if matches!(kind, Kind::Date) && e < end && b[e] == b'/' {
            // A date with a `/` after it starts an interval.
            let e = date_or_interval(b, i, end)?;
            (Atom::plain(Kind::Interval, i..e), e)
        } else {
            (Atom::plain(kind, i..e), e)
        }
    };
    if next < end && !matches!(b[next], b' ' | b'\t' | b',') {
        return None;
    }
    Some((atom, next))
}

/// The longest of the grammar's tokens at `i` among date, number, time,
/// text, relative date, boolean and weekday; ties go as the generated lexer
/// resolves them (a date before a number, a relative date, boolean or
/// weekday before text); a tie between a date and text is declined.
fn token_at(b: &[u8], i: usize, end: usize) -> Option<(Kind, usize)> {
    let c = b[i];
    let mut best: Option<(Kind, usize)> = None;
    let mut tie = false;
    // In order of precedence on a tie.
    let mut consider = |kind: Kind, e: Option<usize>| {
        if let Some(e) = e.filter(|&e| e > i) {
            match best {
                Some((_, b)) if b > e => {}
                Some((k, b)) if b == e => {
                    if matches!((k, kind), (Kind::Date, Kind::Text)) {
                        tie = true;
                    }
                }
                _ => {
                    best = Some((kind, e));
                    tie = false;
                }
            }
        }
    };
    if c.is_ascii_digit() || c == b'X' || c == b'-' {
        consider(Kind::Date, date_end(b, i, end));
    }
    if c.is_ascii_digit() || c == b'-' {
        consider(Kind::Number, number_end(b, i, end));
        consider(Kind::Time, time_end(b, i, end));
    }
    if c.is_ascii_alphabetic() {
        consider(Kind::Relative, relative_end(b, i, end));
        let boolean = ["yes", "no", "true", "false"]
            .iter()
            .find(|w| b[i..end].starts_with(w.as_bytes()))
            .map(|w| i + w.len());
        consider(Kind::Boolean, boolean);
    }
    if c == b'(' {
        let day = weekday_name(b, i + 1, end).filter(|&e| e < end && b[e] == b')');
        consider(Kind::Weekday, day.map(|e| e + 1));
    }
    consider(Kind::Text, text_end(b, i, end));
    if tie {
        return None;
    }
    best
}

/// `@subject.property [op value [weekday]]` at `i` (an `@`): the
/// assertion and its end. Declines anything but a comma or the line's end
/// after it.
fn assertion_at(b: &[u8], i: usize, end: usize) -> Option<(RawAssertion, usize)> {
    let id_end = read_id(b, i + 1, end)?;
    if id_end >= end || b[id_end] != b'.' {
        return None;
    }
    let p_end = read_id(b, id_end + 1, end)?;
    let mut a = RawAssertion {
        range: i..p_end,
        subject: i + 1..id_end,
        property: id_end + 1..p_end,
        operator: None,
        value: None,
        value_ref: None,
        weekday: None,
    };
    let mut j = blanks(b, p_end, end, false)?;
    if j < end && (matches!(b[j], b'=' | b'!' | b'<' | b'>') || is_sign(b, j)) {
        let op_len = if is_sign(b, j) {
            3
        } else if j + 1 < end && b[j + 1] == b'=' && b[j] != b'=' {
            2
        } else if b[j] == b'!' {
            return None;
        } else {
            1
        };
        a.operator = Some(j..j + op_len);
        j = blanks(b, j + op_len, end, false)?;
        if j >= end {
            return None;
        }
        let (atom, v_end) = atom_at(b, j, end)?;
        match atom.kind {
            Kind::Offset | Kind::Assertion => return None,
            Kind::Reference => a.value_ref = Some(atom.id.clone()),
            _ => {}
        }
        a.value = Some((atom.kind, atom.range.clone()));
        a.range.end = v_end;
        j = blanks(b, v_end, end, false)?;
        if j < end && b[j] == b'(' {
            let (w, w_end) = atom_at(b, j, end)?;
            if w.kind != Kind::Weekday {
                return None;
            }
            a.weekday = Some(w.range);
            a.range.end = w_end;
            j = blanks(b, w_end, end, false)?;
        }
    }
    if j < end && b[j] != b',' {
        return None;
    }
    let a_end = a.range.end;
    Some((a, a_end))
}

#[cfg(test)]
pub(crate) mod tests;
