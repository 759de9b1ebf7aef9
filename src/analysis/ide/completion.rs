//! Context-aware completion.
//!
//! The context is read from the text of the cursor's line (and the entry
//! the line belongs to), not from the tree: while a person types, the line
//! is usually incomplete and the tree has an ERROR there. Contexts:
//!
//! * after `@` (or `@` and part of an ID): entities, the kinds the place
//!   expects first (`after:` → events), matched fuzzily against the typed
//!   text by ID, and by display name and aliases for actors, sources and
//!   topics;
//! * after `@subject.`: the properties already claimed of that subject;
//! * on an indented line under an entry, before any `:`: the field names of
//!   that entry kind, without those already there that make sense once;
//! * after `kind: `, `disputed: `: the values of the right kind;
//! * after `key: ` of a field whose value is references (`who:`, `after:`,
//!   `source:` …): `@`-prefixed entities of the expected kinds; of a field
//!   whose value is a date (`published:`, `valid:`, `born:` …): the dates of
//!   known events;
//! * at column 0 of an empty line: snippets for new entries.

use crate::syntax::NodeExt;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::fields::{fields_of, is_date_field, kind_values, reference_kinds};
use super::fuzzy::Pattern;
use super::hover::{md, property_after, short_card};
use super::index::FileIndex;
use super::{each_definition, is_id_char, truncate, valid_offset};
use crate::analysis::references::expected_kinds;
use crate::analysis::summary::{EntryInfo, RefRole};
use crate::analysis::{DefLoc, FileData, FileId, Snapshot};
use crate::syntax::EntryKind;

/// What an item is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompletionKind {
    Actor,
    Source,
    Topic,
    Event,
    Statement,
    Claim,
    Field,
    Value,
    Snippet,
    Property,
    Date,
}

impl From<EntryKind> for CompletionKind {
    fn from(kind: EntryKind) -> Self {
        match kind {
            EntryKind::Actor => Self::Actor,
            EntryKind::Source => Self::Source,
            EntryKind::Topic => Self::Topic,
            EntryKind::Event => Self::Event,
            EntryKind::Statement => Self::Statement,
            EntryKind::Claim => Self::Claim,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What replaces `range`; a snippet (`$1`, `${1:x}`, `$0`) when
    /// `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    /// The bytes the insert text replaces: the word being typed (never the
    /// `@`), on the cursor's line, containing the cursor.
    pub range: Range<usize>,
    /// Items sort by this text; it follows the order of `items`.
    pub sort_text: String,
    /// What the editor matches the typed word against.
    pub filter_text: String,
    /// The group an entity belongs to (`Events`, `Actors` …), for display;
    /// groups come in order, expected kinds first.
    pub group: Option<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionList {
    pub items: Vec<CompletionItem>,
    /// More items would match: the list was cut at the maximum; ask again
    /// as the person types.
    pub is_incomplete: bool,
}

#[derive(Clone, Debug, Default)]
pub struct CompletionOptions {
    /// Today's date (`2025-11-26`) for the date placeholders of entry
    /// snippets; `YYYY-MM-DD` when not given (the analysis reads no clock).
    pub today: Option<String>,
    /// The most items to return (0: [`DEFAULT_MAX_ITEMS`]).
    pub max_items: usize,
}

/// How many items a list holds unless the options say otherwise.
pub const DEFAULT_MAX_ITEMS: usize = 100;

/// The completions at a byte offset of a file.
pub fn completions(
    snap: &Snapshot,
    file: FileId,
    offset: usize,
    options: &CompletionOptions,
) -> CompletionList {
    let Some(data) = snap.file(file) else {
        return CompletionList::default();
    };
    let text = data.text();
    let text = &*text;
    if !valid_offset(text, offset) {
        return CompletionList::default();
    }
    let max = if options.max_items == 0 {
        DEFAULT_MAX_ITEMS
    } else {
        options.max_items
    };
    let lines = data.line_index();
    let line = lines.line_of(offset);
    let line_start = lines.line_start(line).unwrap_or(0);
    let line_end = lines.content_end(line);
    if offset > line_end {
        // Between the `\r` and the `\n` of a line break.
        return CompletionList::default();
    }
    let before = &text[line_start..offset];
    let word_len: usize = before
        .chars()
        .rev()
        .take_while(|c| is_id_char(*c))
        .map(char::len_utf8)
        .sum();
    let word_start = offset - word_len;
    let word_end = offset
        + text[offset..line_end]
            .chars()
            .take_while(|c| is_id_char(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let word = word_start..word_end;
    let typed = &text[word_start..offset];
    let char_before_word = text[line_start..word_start].chars().next_back();
    let indented = text[line_start..].starts_with([' ', '\t']);

    let mut out = Out::new(max);
    match char_before_word {
        Some('@') => {
            let at = word_start - 1;
            // `press@elysee.fr`: an `@` glued to a word is text.
            let glued = text[line_start..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            if !glued {
                let expected = expected_at(data, line_start, at);
                let exclude = indented
                    .then(|| entry_for_line(data, line_start))
                    .flatten()
                    .and_then(|(_, e)| own_id(data, e));
                let query = EntityQuery {
                    expected,
                    only_expected: false,
                    typed,
                    range: word,
                    prefix: "",
                    exclude,
                };
                entities(snap, &mut out, query);
            }
        }
        Some('.') => {
            let dot = word_start - 1;
            let sub_len: usize = text[line_start..dot]
                .chars()
                .rev()
                .take_while(|c| is_id_char(*c))
                .map(char::len_utf8)
                .sum();
            let sub_start = dot - sub_len;
            if sub_len > 0 && text[..sub_start].ends_with('@') {
                properties(snap, &mut out, &text[sub_start..dot], word);
            }
        }
        _ if indented => {
            let Some((_, entry)) = entry_for_line(data, line_start) else {
                return out.finish();
            };
            match before.find(':') {
                None => {
                    if before.trim_start().len() == typed.len() {
                        let after = text[word_end..line_end].trim_start();
                        field_names(
                            &mut out,
                            data,
                            entry,
                            line_start..line_end,
                            word,
                            after.starts_with(':'),
                        );
                    }
                }
                Some(colon) => {
                    let key = before[..colon].trim();
                    let value_before = &before[colon + 1..before.len() - typed.len()];
                    let value = ValueQuery {
                        entry: entry.kind,
                        own: own_id(data, entry),
                        key,
                        value_before,
                        typed,
                        range: word,
                    };
                    field_values(snap, &mut out, value);
                }
            }
        }
        _ => {
            let rest = text[word_end..line_end].trim();
            if rest.is_empty()
                && typed.chars().all(|c| c.is_ascii_alphabetic())
                && before.len() == typed.len()
            {
                snippets(&mut out, options, word);
            }
        }
    }
    out.finish()
}

/// Items collected so far, cut at the maximum.
struct Out {
    items: Vec<CompletionItem>,
    max: usize,
    incomplete: bool,
}

impl Out {
    fn new(max: usize) -> Self {
        Self {
            items: Vec::new(),
            max,
            incomplete: false,
        }
    }

    fn push(&mut self, item: CompletionItem) {
        if self.items.len() < self.max {
            self.items.push(item);
        } else {
            self.incomplete = true;
        }
    }

    fn finish(mut self) -> CompletionList {
        let width = self.items.len().to_string().len().max(4);
        for (i, item) in self.items.iter_mut().enumerate() {
            item.sort_text = format!("{i:0width$}");
        }
        CompletionList {
            items: self.items,
            is_incomplete: self.incomplete,
        }
    }
}

fn item(label: impl Into<String>, kind: CompletionKind, range: Range<usize>) -> CompletionItem {
    let label = label.into();
    CompletionItem {
        insert_text: label.clone(),
        filter_text: label.clone(),
        label,
        kind,
        detail: None,
        documentation: None,
        is_snippet: false,
        range,
        sort_text: String::new(),
        group: None,
    }
}

/// The entry an indented line belongs to: the entry whose fields it is
/// among, or the entry of the nearest line above that is not a comment,
/// when that line is its header or one of its fields.
fn entry_for_line(data: &FileData, line_start: usize) -> Option<(u32, &EntryInfo)> {
    let s = &data.summary;
    if let Some((i, e)) = s.entry_at(line_start) {
        if e.range.start() < line_start {
            return Some((i, e));
        }
    }
    let lines = data.line_index();
    let text = data.text();
    let line = lines.line_of(line_start);
    for l in (0..line).rev() {
        let start = lines.line_start(l).unwrap_or(0);
        let t = &text[start..lines.content_end(l)];
        if t.trim_start().starts_with("//") {
            continue;
        }
        if t.trim().is_empty() {
            return None;
        }
        return s.entry_at(start);
    }
    None
}

/// The kinds of entity an `@` at `at` should name, from its line.
fn expected_at(data: &FileData, line_start: usize, at: usize) -> Option<&'static [EntryKind]> {
    let text = data.text();
    let before = &text[line_start..at];
    if before.starts_with([' ', '\t']) {
        let (_, entry) = entry_for_line(data, line_start)?;
        let (key, value_before) = before.split_once(':')?;
        let key = key.trim();
        if matches!(key, "role" | "as") && value_before.split_whitespace().last() == Some("of") {
            return expected_kinds(&RefRole::RoleOrganisation, Some(entry.kind));
        }
        return reference_kinds(key, Some(entry.kind));
    }
    let words: Vec<&str> = before.split_whitespace().collect();
    let is_date =
        |w: &&str| w.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | '/'));
    let is_weekday = |w: &&str| w.starts_with('(') && w.ends_with(')');
    let header_start = !before.starts_with('#')
        && words.len() <= 2
        && words
            .iter()
            .enumerate()
            .all(|(i, w)| is_date(w) || (i == 1 && is_weekday(w)));
    if header_start {
        // The speaker of a statement or the holder of a claim.
        return expected_kinds(&RefRole::Author, Some(EntryKind::Claim));
    }
    None
}

/// The display group of an entity kind.
fn group(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Actor => "Actors",
        EntryKind::Source => "Sources",
        EntryKind::Topic => "Topics",
        EntryKind::Event => "Events",
        EntryKind::Statement => "Statements",
        EntryKind::Claim => "Claims",
    }
}

/// What entities to offer.
struct EntityQuery<'a> {
    /// The kinds the place expects, first in the list.
    expected: Option<&'static [EntryKind]>,
    /// Leave out the other kinds.
    only_expected: bool,
    /// The part of the ID typed so far.
    typed: &'a str,
    range: Range<usize>,
    /// Goes before the ID in the inserted text (`@` in a field value
    /// typed without it).
    prefix: &'static str,
    /// The definition of the entry being written (file, index): an event
    /// is not `after:` itself.
    exclude: Option<(FileId, u32)>,
}

/// Entities matching `typed`: expected kinds first (in the order given),
/// then the others — grouped by kind when nothing is typed, best match
/// first otherwise; within a group, best match first, then by ID.
/// With `only_expected`, other kinds are left out. `prefix` (`@` or empty)
/// goes before the ID in the inserted text.
fn entities(snap: &Snapshot, out: &mut Out, query: EntityQuery<'_>) {
    let EntityQuery {
        expected,
        only_expected,
        typed,
        range,
        prefix,
        exclude,
    } = query;
    let expected = expected.unwrap_or(&[]);
    let pattern = Pattern::new(typed);
    let room = out.max.saturating_sub(out.items.len());
    // The rank of each kind: its place among the expected ones, else after
    // them (`None`: not offered).
    let mut ranks = [None; EntryKind::COUNT];
    for (slot, kind) in ranks.iter_mut().zip(EntryKind::ALL) {
        *slot = match expected.iter().position(|k| *k == kind) {
            Some(i) => Some(i as u8),
            _ if only_expected && !expected.is_empty() => None,
            // Statements and claims are named only where expected.
            None if matches!(kind, EntryKind::Statement | EntryKind::Claim) => None,
            // Nothing typed: group the others by kind; something typed:
            // the best match first, whatever its kind.
            None if pattern.is_empty() => Some(10 + kind.index() as u8),
            None => Some(10),
        };
    }
    let rank_of = |kind: EntryKind| ranks[kind.index()];
    let (hits, cut) = snap.entities().complete(&pattern, rank_of, exclude, room);
    out.incomplete |= cut;
    // A duplicate ID is offered once.
    let mut seen = std::collections::HashSet::new();
    let hits: Vec<_> = hits.into_iter().filter(|h| seen.insert(h.id)).collect();
    // The items are made file by file, so that a packed file is
    // decompressed once for all of its items (actors are defined many to a
    // file), and put back in the order of the hits.
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&i| hits[i].file);
    let mut made = Vec::with_capacity(hits.len());
    for i in order {
        let hit = &hits[i];
        let Some((file, def)) = snap.definition(DefLoc {
            file: hit.file,
            index: hit.def,
        }) else {
            continue;
        };
        let id = &*def.id;
        let text = file.text();
        let e = &file.summary.entries[def.entry as usize];
        let mut detail: Vec<String> = Vec::new();
        match def.kind {
            EntryKind::Statement | EntryKind::Claim => {
                detail.push(super::entry_label(file, def.entry));
            }
            _ => detail.extend(
                def.title
                    .map(|t| t.read(&text))
                    .filter(|t| !t.is_empty())
                    .map(|t| t.into_owned()),
            ),
        }
        let role = file
            .summary
            .field(e, "role")
            .map(|f| f.value(&text).to_string());
        match (role, &def.subkind, &e.date) {
            (Some(role), _, _) => detail.push(role),
            (None, _, Some((_, date))) if def.kind == EntryKind::Event => {
                detail.push(date.to_string())
            }
            (None, Some(kind), _) => detail.push(kind.to_string()),
            _ if detail.is_empty() => detail.push(def.kind.as_str().to_string()),
            _ => {}
        }
        // The typed word never includes the `@`, so neither does the filter.
        let mut filter = id.to_string();
        let title = def.title.map(|t| t.read(&text));
        for name in title
            .as_deref()
            .into_iter()
            .chain(def.aliases.iter().map(String::as_str))
        {
            filter.push(' ');
            filter.push_str(name);
        }
        made.push((
            i,
            CompletionItem {
                label: id.to_string(),
                kind: def.kind.into(),
                detail: Some(detail.join(" · ")),
                documentation: Some(short_card(file, def)),
                insert_text: format!("{prefix}{id}"),
                is_snippet: false,
                range: range.clone(),
                sort_text: String::new(),
                filter_text: filter,
                group: Some(group(def.kind)),
            },
        ));
    }
    made.sort_by_key(|(i, _)| *i);
    for (_, item) in made {
        out.push(item);
    }
}

/// One claim of a property of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyUse {
    pub property: String,
    pub file: FileId,
    /// The `@subject` reference of the assertion.
    pub at: Range<usize>,
    /// `2025-11-25: @levitt claims = 19`.
    pub summary: String,
}

/// Every assertion about `subject` in the workspace (claim headers and
/// `claims:`/`denies:` fields), in file order. Only files that refer to the
/// subject are read.
pub fn property_uses(snap: &Snapshot, subject: &str) -> Vec<PropertyUse> {
    let mut out = Vec::new();
    for (file, _) in snap.referring_files(subject) {
        let Some(data) = snap.file(file) else {
            continue;
        };
        let text = data.text();
        let s = &data.summary;
        let refs = FileIndex::references_to(data, subject).iter();
        for r in refs
            .map(|&i| &s.references[i as usize])
            .filter(|r| r.role() == RefRole::Subject)
        {
            let Some(property) = property_after(&text, r.span.end()) else {
                continue;
            };
            let entry = r.entry.get().and_then(|e| s.entries.get(e as usize));
            let date = entry
                .and_then(|e| e.date.as_ref())
                .map(|(_, d)| &**d)
                .unwrap_or("undated");
            let author = entry
                .and_then(|e| e.author.get())
                .and_then(|a| s.references.get(a as usize))
                .map(|a| format!("@{}", a.id))
                .unwrap_or_else(|| "?".to_string());
            let verb = entry
                .and_then(|e| {
                    s.fields(e)
                        .iter()
                        .find(|f| f.value_range().is_some_and(|v| v.range().contains(&r.at())))
                        .map(|f| f.key.to_string())
                        .or_else(|| e.verb.as_deref().map(str::to_string))
                })
                .unwrap_or_else(|| "claims".to_string());
            let value = assertion_value(data, r.at());
            out.push(PropertyUse {
                property: property.to_string(),
                file,
                at: r.at()..r.span.end(),
                summary: format!("{date}: {author} {verb} {value}"),
            });
        }
    }
    out
}

/// `= 19` of the assertion whose subject starts at `at`; `(yes)` for a bare
/// assertion.
fn assertion_value(data: &FileData, at: usize) -> String {
    let src = data.text();
    let src = &*src;
    let tree = data.tree_around(at..at + 1);
    let mut node = tree.root_node().named_descendant_for_byte_range(at, at + 1);
    while let Some(n) = node {
        if n.kind() == "assertion" {
            let op = n
                .child_field("operator")
                .map(|o| crate::syntax::text(o, src));
            let value = n.child_field("value").map(|v| crate::syntax::text(v, src));
            return match (op, value) {
                (Some(op), Some(v)) => format!("{op} {v}"),
                (Some(op), None) => op.to_string(),
                _ => "(yes)".to_string(),
            };
        }
        node = n.parent();
    }
    String::new()
}

/// Properties already claimed of `subject`, most used first.
fn properties(snap: &Snapshot, out: &mut Out, subject: &str, range: Range<usize>) {
    let uses = property_uses(snap, subject);
    let mut by_property: BTreeMap<&str, Vec<&PropertyUse>> = BTreeMap::new();
    for u in &uses {
        by_property.entry(&u.property).or_default().push(u);
    }
    let is_event = snap.kind_of(subject) == Some(EntryKind::Event);
    let mut list: Vec<(&str, Vec<&PropertyUse>)> = by_property.into_iter().collect();
    list.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (property, uses) in &list {
        let mut doc = format!("Claimed of `@{subject}`:");
        for u in uses.iter().take(5) {
            doc.push_str(&format!("\n- {}", md(&u.summary)));
        }
        if uses.len() > 5 {
            doc.push_str(&format!("\n- … and {} more", uses.len() - 5));
        }
        let mut it = item(*property, CompletionKind::Property, range.clone());
        it.detail = Some(super::count(uses.len(), "claim", "claims"));
        it.documentation = Some(doc);
        out.push(it);
    }
    if is_event && !list.iter().any(|(p, _)| *p == "date") {
        let mut it = item("date", CompletionKind::Property, range);
        it.detail = Some("the event's date".to_string());
        out.push(it);
    }
}

/// Field names of the entry kind.
fn field_names(
    out: &mut Out,
    data: &FileData,
    entry: &EntryInfo,
    line: Range<usize>,
    range: Range<usize>,
    colon_follows: bool,
) {
    let present: Vec<&str> = data
        .summary
        .fields(entry)
        .iter()
        .filter(|f| !(line.start <= f.range.start() && f.range.start() <= line.end))
        .map(|f| f.key.as_str())
        .collect();
    let _ = data;
    for spec in fields_of(entry.kind) {
        if spec.once && present.contains(&spec.key) {
            continue;
        }
        let mut it = item(spec.key, CompletionKind::Field, range.clone());
        it.detail = Some(strip_ticks(spec.value));
        it.documentation = Some(format!("Value: {}.\n\n{}", spec.value, spec.doc));
        if !colon_follows {
            it.insert_text = format!("{}: $0", spec.key);
            it.is_snippet = true;
        }
        out.push(it);
    }
}

fn strip_ticks(s: &str) -> String {
    s.replace('`', "")
}

/// The value of a field being typed.
struct ValueQuery<'a> {
    entry: EntryKind,
    /// The definition the entry makes.
    own: Option<(FileId, u32)>,
    key: &'a str,
    /// The value's text before the word being typed.
    value_before: &'a str,
    typed: &'a str,
    range: Range<usize>,
}

/// The definition an entry makes: its file and index.
fn own_id(data: &FileData, entry: &EntryInfo) -> Option<(FileId, u32)> {
    Some((data.id, entry.def.get()?))
}

/// Values after `key:`.
fn field_values(snap: &Snapshot, out: &mut Out, query: ValueQuery<'_>) {
    let ValueQuery {
        entry,
        own,
        key,
        value_before,
        typed,
        range,
    } = query;
    match key {
        "kind" => {
            let builtin = kind_values(entry);
            let mut used: HashMap<&str, usize> = HashMap::new();
            for (_, d) in each_definition(snap) {
                if d.kind == entry {
                    if let Some(k) = d.subkind {
                        *used.entry(k.as_str()).or_default() += 1;
                    }
                }
            }
            for v in builtin {
                let mut it = item(*v, CompletionKind::Value, range.clone());
                it.detail = Some(match used.get(v) {
                    Some(n) => format!("{} kind, used {n}×", entry.as_str()),
                    None => format!("{} kind", entry.as_str()),
                });
                out.push(it);
            }
            let mut extra: Vec<(&str, usize)> = used
                .into_iter()
                .filter(|(k, _)| !builtin.contains(k))
                .collect();
            extra.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            for (v, n) in extra {
                let mut it = item(v, CompletionKind::Value, range.clone());
                it.detail = Some(format!("used {n}× in the workspace"));
                out.push(it);
            }
            return;
        }
        "disputed" => {
            for (v, doc) in [
                (
                    "yes",
                    "The writer acknowledges every conflict of this claim.",
                ),
                ("no", "Conflicts of this claim are reported."),
            ] {
                let mut it = item(v, CompletionKind::Value, range.clone());
                it.documentation = Some(doc.to_string());
                out.push(it);
            }
            return;
        }
        _ => {}
    }
    let last_word = value_before.split_whitespace().last();
    let is_role = matches!(key, "role" | "as");
    let role_of = is_role && last_word == Some("of");
    // `role: … since DATE until DATE`
    let role_date = is_role && matches!(last_word, Some("since" | "until"));
    let kinds = if role_of {
        Some(&[EntryKind::Actor][..])
    } else {
        reference_kinds(key, Some(entry))
    };
    if is_date_field(key, Some(entry)) || role_date {
        event_dates(snap, out, typed, range.clone());
    }
    // In a list, after a comma, or as the first value: `@`-prefixed entities.
    let list_position = value_before.trim().is_empty() || value_before.trim_end().ends_with(',');
    if let Some(kinds) = kinds {
        if list_position || role_of {
            let query = EntityQuery {
                expected: Some(kinds),
                only_expected: true,
                typed,
                range,
                prefix: "@",
                exclude: own,
            };
            entities(snap, out, query);
        }
    }
}

/// The dates of known events, in order, each with the events on it.
fn event_dates(snap: &Snapshot, out: &mut Out, typed: &str, range: Range<usize>) {
    let mut by_date: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (file, def) in each_definition(snap) {
        if def.kind != EntryKind::Event {
            continue;
        }
        if let Some((_, date)) = &file.summary.entries[def.entry as usize].date {
            if date.starts_with(typed) {
                by_date.entry(&**date).or_default().push(&def.id);
            }
        }
    }
    for (date, mut events) in by_date {
        events.sort();
        events.dedup();
        let names: Vec<String> = events.iter().map(|e| format!("@{e}")).collect();
        let mut it = item(date, CompletionKind::Date, range.clone());
        it.detail = Some(truncate(&names.join(", "), 60));
        it.documentation = Some(format!(
            "The date of {}.",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push(it);
    }
}

/// Snippets for new entries at the start of a line.
fn snippets(out: &mut Out, options: &CompletionOptions, range: Range<usize>) {
    let today = options.today.as_deref().unwrap_or("YYYY-MM-DD");
    let list: [(&str, &str, &str, String); 7] = [
        ("actor", "actor", "actor ID \"Name\"", "actor ${1:id} \"${2:Name}\"\n  kind: ${3:person}$0".to_string()),
        (
            "source",
            "source",
            "source ID \"Name\"",
            format!("source ${{1:id}} \"${{2:Name}}\"\n  kind: ${{3:outlet}}\n  published: ${{4:{today}}}$0"),
        ),
        ("topic", "topic", "topic ID \"Name\"", "topic ${1:id} \"${2:Name}\"$0".to_string()),
        ("event", "event", "event ID: title", "event ${1:id}: ${2:title}\n  who: ${3:@actor}$0".to_string()),
        (
            "dated event",
            "event",
            "DATE event ID: title",
            format!("${{1:{today}}} event ${{2:id}}: ${{3:title}}\n  kind: ${{4:meeting}}\n  who: ${{5:@actor}}$0"),
        ),
        (
            "statement",
            "statement said",
            "DATE @speaker said \"quote\"",
            format!("${{1:{today}}} @${{2:speaker}} said \"${{3:quote}}\"\n  source: ${{4:@source}}$0"),
        ),
        (
            "claim",
            "claim claims",
            "DATE @holder claims @subject.property = value",
            format!(
                "${{1:{today}}} @${{2:holder}} claims @${{3:subject}}.${{4:property}} = ${{5:value}}\n  source: ${{6:@source}}$0"
            ),
        ),
    ];
    for (label, filter, detail, snippet) in list {
        let mut it = item(label, CompletionKind::Snippet, range.clone());
        it.filter_text = filter.to_string();
        it.detail = Some(detail.to_string());
        it.insert_text = snippet;
        it.is_snippet = true;
        out.push(it);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::parse;
    use super::*;

    /// One line per item: label, kind, group, detail, insert text, and the
    /// replaced text between « ».
    fn render(fixture: &str, options: &CompletionOptions) -> String {
        let f = parse(fixture);
        let text = f.snap.file(f.file).unwrap().text().to_string();
        let list = completions(&f.snap, f.file, f.offset, options);
        let mut out = String::new();
        if list.is_incomplete {
            out.push_str("(incomplete)\n");
        }
        for (i, it) in list.items.iter().enumerate() {
            assert_eq!(it.sort_text, format!("{i:04}"));
            assert!(it.range.start <= f.offset && f.offset <= it.range.end);
            out.push_str(&format!(
                "{} [{:?}{}] {} => {:?}{} «{}»\n",
                it.label,
                it.kind,
                it.group.map(|g| format!(" {g}")).unwrap_or_default(),
                it.detail.as_deref().unwrap_or("-"),
                it.insert_text,
                if it.is_snippet { " (snippet)" } else { "" },
                &text[it.range.clone()],
            ));
        }
        out
    }

    fn labels(fixture: &str) -> Vec<String> {
        let f = parse(fixture);
        completions(&f.snap, f.file, f.offset, &CompletionOptions::default())
            .items
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    const WS: &str = r#"
//- /actors.chron
actor macron "Emmanuel Macron"
  kind: person
  aka: "Macron", "President Macron"
  role: president of @france since 2017-05-14
actor france "France"
  kind: state
actor türkiye "Türkiye"
  kind: state
  aka: "Turkey"
actor wagner "Wagner"
  kind: militia
source epravda "European Pravda"
  kind: outlet
  published: 2025-11-26
topic peace-plan "US peace plan for Ukraine"
//- /events.chron
event geneva-talks: Talks in Geneva
2025-11-25 (Tue) event coalition-call: Online meeting
  who: @macron
2025-11-26 event working-group: Working group launch
2025-11-20 @epravda reports @peace-plan.points = 28
2025-11-25 @macron said "We decided."
  claims: @peace-plan.points = 19, @peace-plan.signed
  id: macron-quote
2025-11-25 @macron claims @coalition-call.participants = 30
"#;

    fn at(line: &str) -> String {
        format!("{WS}{line}\n")
    }

    #[test]
    fn after_at_in_an_event_field_events_first() {
        insta::assert_snapshot!(render(
            &at("2025-11-27 event x: X\n  after: @$0"),
            &CompletionOptions::default()
        ));
    }

    #[test]
    fn after_at_with_a_fuzzy_prefix() {
        // `tur` matches türkiye (accents folded); `mcr` matches macron by ID;
        // `emm` by display name only.
        assert_eq!(labels(&at("Prose @tur$0")), ["türkiye"]);
        assert_eq!(labels(&at("Prose @mcr$0")), ["macron"]);
        assert_eq!(labels(&at("Prose @emm$0")), ["macron"]);
        assert_eq!(labels(&at("Prose @turkey$0")), ["türkiye"]);
        // Prefix of the ID beats a match elsewhere.
        assert_eq!(labels(&at("Prose @co$0"))[0], "coalition-call");
    }

    #[test]
    fn entity_items_carry_a_short_card() {
        let f = parse(&at("Prose @mac$0"));
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        let it = &list.items[0];
        assert_eq!(it.label, "macron");
        assert_eq!(
            it.detail.as_deref(),
            Some("Emmanuel Macron · president of @france since 2017-05-14")
        );
        assert_eq!(
            it.documentation.as_deref(),
            Some("### Emmanuel Macron\n\nactor · person · `@macron`\n\nAlso known as: Macron, President Macron\n\nRole: president of @france since 2017-05-14\n\n_actors.chron, line 1_")
        );
        assert_eq!(
            it.filter_text,
            "macron Emmanuel Macron Macron President Macron"
        );
        let f = parse(&at("2025-11-27 event x: X\n  source: e$0"));
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        let it = &list.items[0];
        assert_eq!(
            (it.insert_text.as_str(), it.filter_text.as_str()),
            ("@epravda", "epravda European Pravda")
        );
    }

    #[test]
    fn replaces_the_whole_id_under_the_cursor() {
        let f = parse(&at("Prose @ma$0crox and more"));
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        let text = f.snap.file(f.file).unwrap().text().to_string();
        // Nothing matches `ma` + … only what matches the typed part `ma`.
        assert!(list.items.iter().any(|i| i.label == "macron"));
        assert!(list
            .items
            .iter()
            .all(|i| &text[i.range.clone()] == "macrox"));
    }

    #[test]
    fn speaker_position_prefers_actors_then_sources() {
        let got = render(&at("2025-11-27 (Thu) @$0"), &CompletionOptions::default());
        let groups: Vec<&str> = got
            .lines()
            .map(|l| l.split(['[', ']']).nth(1).unwrap())
            .collect();
        assert_eq!(
            groups,
            [
                "Actor Actors",
                "Actor Actors",
                "Actor Actors",
                "Actor Actors",
                "Source Sources",
                "Topic Topics",
                "Event Events",
                "Event Events",
                "Event Events"
            ]
        );
    }

    #[test]
    fn role_organisation_and_contradicts() {
        assert_eq!(
            labels(&at("actor x \"X\"\n  role: mayor of @$0"))[..4],
            ["france", "macron", "türkiye", "wagner"]
        );
        assert_eq!(
            labels(&at("2025-11-27 @x claims @y.z = 1\n  contradicts: @$0"))[0],
            "macron-quote"
        );
    }

    #[test]
    fn email_is_not_a_reference() {
        assert!(labels(&at("Write to press@ely$0")).is_empty());
    }

    #[test]
    fn properties_of_a_subject() {
        insta::assert_snapshot!(render(
            &at("2025-11-27 @macron claims @peace-plan.$0"),
            &CompletionOptions::default()
        ));
        // An event always offers `date`.
        assert_eq!(
            labels(&at("2025-11-27 @macron claims @coalition-call.$0")),
            ["participants", "date"]
        );
        assert_eq!(
            labels(&at("2025-11-27 @macron claims @nobody.$0")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn field_names_for_the_entry_kind() {
        insta::assert_snapshot!(render(
            &at("actor x \"X\"\n  kind: person\n  role: mayor\n  $0"),
            &CompletionOptions::default()
        ));
        // A partial key is replaced; `kind` is there already, `role` may repeat.
        assert_eq!(
            labels(&at("2025-11-27 event x: X\n  // a comment\n  wh$0")),
            [
                "kind", "who", "where", "led-by", "before", "after", "during", "at", "source",
                "about"
            ]
        );
        // When the colon is there, only the key is inserted.
        let f = parse(&at("2025-11-27 @x said \"y\"\n  so$0: @epravda"));
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        let source = list.items.iter().find(|i| i.label == "source").unwrap();
        assert_eq!(
            (source.insert_text.as_str(), source.is_snippet),
            ("source", false)
        );
    }

    #[test]
    fn no_field_names_outside_entries() {
        // After a blank line, an indented line is prose.
        assert!(labels(&at("actor x \"X\"\n\n  $0")).is_empty());
        // A comment line is not a key.
        assert!(labels(&at("actor x \"X\"\n  // $0")).is_empty());
    }

    #[test]
    fn kind_values() {
        let got = labels(&at("actor x \"X\"\n  kind: $0"));
        assert_eq!(
            got,
            [
                "person",
                "state",
                "organisation",
                "group",
                "party",
                "company",
                "media",
                "militia"
            ]
        );
        assert_eq!(labels(&at("source x \"X\"\n  kind: o$0"))[0], "outlet");
        assert_eq!(
            labels(&at("2025-11-27 @x claims @y.z = 1\n  disputed: $0")),
            ["yes", "no"]
        );
    }

    #[test]
    fn reference_fields_offer_at_prefixed_entities_of_the_kind() {
        insta::assert_snapshot!(render(
            &at("2025-11-27 event x: X\n  source: $0"),
            &CompletionOptions::default()
        ));
        let got = labels(&at("2025-11-27 event x: X\n  who: @macron, $0"));
        assert_eq!(got, ["france", "macron", "türkiye", "wagner"]);
        // Not in the middle of a phrase.
        assert!(labels(&at("2025-11-27 event x: X\n  who: the people $0")).is_empty());
    }

    #[test]
    fn date_fields_offer_dates_of_known_events() {
        insta::assert_snapshot!(render(
            &at("2025-11-27 @x claims @y.z = 1\n  valid: $0"),
            &CompletionOptions::default()
        ));
        assert_eq!(
            labels(&at("source s \"S\"\n  published: 2025-11-2$0")),
            ["2025-11-25", "2025-11-26"]
        );
        assert_eq!(
            labels(&at("actor x \"X\"\n  role: envoy of @france since $0")),
            ["2025-11-25", "2025-11-26"]
        );
        // Not before `since`.
        assert!(labels(&at("actor x \"X\"\n  role: envoy $0")).is_empty());
    }

    #[test]
    fn entry_snippets_at_column_zero() {
        let options = CompletionOptions {
            today: Some("2025-11-27".to_string()),
            ..Default::default()
        };
        insta::assert_snapshot!(render(&at("$0"), &options));
        // Typing a keyword still offers them; after other text, nothing.
        assert_eq!(labels(&at("ev$0")).len(), 7);
        assert!(labels(&at("Some prose $0")).is_empty());
        assert!(labels(&at("ev$0 more")).is_empty());
    }

    #[test]
    fn edges() {
        assert!(
            labels("$0").len() == 7,
            "an empty file offers entry snippets"
        );
        let f = parse("actor a \"A\"\n");
        assert!(
            completions(&f.snap, f.file, 999, &CompletionOptions::default())
                .items
                .is_empty()
        );
        // Inside `ü` of türkiye.
        let f = parse("Prose @tü");
        assert!(
            completions(&f.snap, f.file, 9, &CompletionOptions::default())
                .items
                .is_empty()
        );
        // `@` at the very end of a file without a newline.
        assert_eq!(labels("actor a \"A\"\nProse @$0"), ["a"]);
    }

    #[test]
    fn capped_and_incomplete() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("actor a{i} \"A {i}\"\n"));
        }
        text.push_str("Prose @a$0");
        let f = parse(&text);
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        assert_eq!(list.items.len(), DEFAULT_MAX_ITEMS);
        assert!(list.is_incomplete);
        // Best first: `a0` … are prefixes of the same length; exact-length
        // ties sort by ID.
        assert_eq!(list.items[0].label, "a0");
    }

    #[test]
    fn ten_thousand_actors_are_quick() {
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("actor person-{i} \"Person Number {i}\"\n  kind: person\n  role: member of @org since 2020\n"));
        }
        text.push_str("2025-11-25 event e: E\n  who: @pn12$0\n");
        let f = parse(&text);
        let start = std::time::Instant::now();
        let list = completions(&f.snap, f.file, f.offset, &CompletionOptions::default());
        let took = start.elapsed();
        assert_eq!(list.items[0].label, "person-12");
        // Debug builds are much slower than the 5 ms release target.
        assert!(took.as_millis() < 500, "{took:?}");
    }
}
