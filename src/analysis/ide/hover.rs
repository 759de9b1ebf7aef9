//! Hover: a markdown card for the entity under the cursor (actor, source,
//! topic, event, or a statement/claim with an `id:`), for a field key, for
//! an assertion's property, and for a date.

use crate::syntax::NodeExt;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use tree_sitter::Node;

use super::fields::{field_spec, ValueShape};
use super::index::FileIndex;
use super::{count, date_end_key, date_key, entry_label, entry_node, id_at, place, truncate};
use crate::analysis::dates;
use crate::analysis::references::{kind_phrase, suggestions};
use crate::analysis::summary::{Definition, RefRole};
use crate::analysis::{FileData, FileId, Snapshot};
use crate::syntax::{text, EntryKind};

/// A hover: markdown, and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    /// The hovered `@id` (with its `@`), definition ID, field key, property
    /// or date.
    pub range: Range<usize>,
}

/// The hover at a byte offset, if there is anything to say.
pub fn hover(snap: &Snapshot, file: FileId, offset: usize) -> Option<Hover> {
    let data = snap.file(file)?;
    if let Some(target) = id_at(data, offset) {
        let markdown = match entity_card(snap, &target.id) {
            Some(card) => card,
            None => undefined_card(snap, &target.id),
        };
        return Some(Hover {
            markdown,
            range: target.full_range(),
        });
    }
    if !super::valid_offset(&data.text(), offset) {
        return None;
    }
    if let Some(h) = field_key_hover(data, offset) {
        return Some(h);
    }
    let tree = data.tree_around(offset..offset);
    let node = tree
        .root_node()
        .named_descendant_for_byte_range(offset, offset)?;
    if node.kind() == "property" {
        return property_hover(snap, data, node);
    }
    date_hover(data, node)
}

// ── Entities ──────────────────────────────────────────────────────────

/// How an entity is used across the workspace.
#[derive(Default)]
struct Usage {
    references: u32,
    /// Entries the entity is the speaker of (statements) / holder of (claims).
    statements: usize,
    claims: usize,
    /// Entries citing it in `source:`.
    citing: usize,
    /// Assertions with it as subject, and their properties.
    subject_of: usize,
    properties: BTreeMap<String, usize>,
    /// Statements and claims `at:` it.
    at_statements: usize,
    at_claims: usize,
    first: Option<(String, String)>,
    last: Option<(String, String)>,
}

fn usage(snap: &Snapshot, id: &str) -> Usage {
    let mut u = Usage {
        references: snap.reference_count(id),
        ..Default::default()
    };
    let mut first_key: Option<String> = None;
    let mut last_key: Option<String> = None;
    for (file, _) in snap.referring_files(id) {
        let Some(data) = snap.file(file) else {
            continue;
        };
        let s = &data.summary;
        let mut seen = HashSet::new();
        let mut citing = HashSet::new();
        // Read once per file, and only for a subject's property.
        let mut text = None;
        let refs = FileIndex::references_to(data, id).iter();
        for r in refs.map(|&i| &s.references[i as usize]) {
            let Some(ei) = r.entry.get() else {
                continue;
            };
            let Some(e) = s.entries.get(ei as usize) else {
                continue;
            };
            match (&r.role(), e.kind) {
                (RefRole::Author, EntryKind::Statement) => u.statements += 1,
                (RefRole::Author, EntryKind::Claim) => u.claims += 1,
                (RefRole::Field(k), _) if matches!(&**k, "source" | "sources" | "cites") => {
                    citing.insert(ei);
                }
                (RefRole::Field(k), EntryKind::Statement) if &**k == "at" => u.at_statements += 1,
                (RefRole::Field(k), EntryKind::Claim) if &**k == "at" => u.at_claims += 1,
                (RefRole::Subject, _) => {
                    u.subject_of += 1;
                    let text = text.get_or_insert_with(|| data.text());
                    if let Some(p) = property_after(text, r.span.end()) {
                        *u.properties.entry(p.to_string()).or_default() += 1;
                    }
                }
                _ => {}
            }
            if !seen.insert(ei) {
                continue;
            }
            let Some((_, date)) = &e.date else {
                continue;
            };
            let label = || format!("{date} — {}", entry_label(data, ei));
            if let Some(k) = date_key(date) {
                if first_key.as_ref().is_none_or(|f| k < *f) {
                    first_key = Some(k);
                    u.first = Some((date.to_string(), label()));
                }
            }
            if let Some(k) = date_end_key(date) {
                if last_key.as_ref().is_none_or(|l| k > *l) {
                    last_key = Some(k);
                    u.last = Some((date.to_string(), label()));
                }
            }
        }
        u.citing += citing.len();
    }
    u
}

/// The property after a subject's ID: `points` of `@plan.points`.
pub(crate) fn property_after(text: &str, id_end: usize) -> Option<&str> {
    let rest = text.get(id_end..)?.strip_prefix('.')?;
    let end = rest
        .find(|c: char| !super::is_id_char(c))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// Escapes what markdown would read as markup in a name.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The full card of a defined ID: what it is and how it is used.
pub fn entity_card(snap: &Snapshot, id: &str) -> Option<String> {
    let locs = snap.definitions(id);
    let (file, def) = snap.definition(*locs.first()?)?;
    let mut out = header(file, def);
    let u = usage(snap, id);
    let e = &file.summary.entries[def.entry as usize];
    let text = file.text();
    let field = |key: &str| file.summary.field(e, key).map(|f| f.value(&text));
    let mut facts: Vec<String> = Vec::new();
    let fact = |facts: &mut Vec<String>, label: &str, key: &str| {
        if let Some(v) = field(key).filter(|v| !v.is_empty()) {
            facts.push(format!("{label}: {}", md(v)));
        }
    };
    match def.kind {
        EntryKind::Actor => {
            if !def.aliases.is_empty() {
                let _ = write!(out, "\n\nAlso known as: {}", md(&def.aliases.join(", ")));
            }
            let roles = roles(file, def);
            if !roles.is_empty() {
                out.push_str("\n\nRoles:");
                for r in roles {
                    let _ = write!(out, "\n- {r}");
                }
            }
            fact(&mut facts, "Members", "members");
            fact(&mut facts, "Born", "born");
            fact(&mut facts, "Died", "died");
            fact(&mut facts, "Founded", "founded");
            fact(&mut facts, "Dissolved", "dissolved");
        }
        EntryKind::Source => {
            fact(&mut facts, "Published", "published");
            fact(&mut facts, "URL", "url");
            fact(&mut facts, "Author", "author");
        }
        EntryKind::Event => {
            if let Some((range, date)) = &e.date {
                let weekday = file
                    .summary
                    .date_node_at(range.start())
                    .and_then(|d| d.weekday)
                    .map(|(_, w)| format!(" {w}"))
                    .unwrap_or_default();
                facts.push(format!("Date: {date}{weekday}"));
            }
            fact(&mut facts, "At", "at");
            fact(&mut facts, "Who", "who");
            fact(&mut facts, "Led by", "led-by");
            fact(&mut facts, "Where", "where");
            fact(&mut facts, "After", "after");
            fact(&mut facts, "Before", "before");
            fact(&mut facts, "During", "during");
            fact(&mut facts, "About", "about");
        }
        EntryKind::Topic => {}
        EntryKind::Statement => {
            let author = e
                .author
                .get()
                .and_then(|a| file.summary.references.get(a as usize))
                .map(|r| format!("`@{}`", r.id))
                .unwrap_or_else(|| "?".to_string());
            let _ = write!(
                out,
                "\n\n{author} said:\n\n> {}",
                md(&e.quote.map(|q| q.read(&text)).unwrap_or_default())
            );
        }
        EntryKind::Claim => {
            let _ = write!(out, "\n\n{}", md(&entry_label(file, def.entry)));
        }
    }
    if !facts.is_empty() {
        let _ = write!(out, "\n\n{}", facts.join("  \n"));
    }
    if matches!(def.kind, EntryKind::Actor | EntryKind::Topic) {
        match (&u.first, &u.last) {
            (Some((_, first)), Some((_, last))) => {
                let _ = write!(
                    out,
                    "\n\nFirst appearance: {}  \nLast appearance: {}",
                    md(first),
                    md(last)
                );
            }
            _ => out.push_str("\n\nNo dated appearance."),
        }
    }
    let mut counts = Vec::new();
    match def.kind {
        EntryKind::Actor => {
            counts.push(count(u.statements, "statement", "statements"));
            counts.push(count(u.claims, "claim", "claims"));
        }
        EntryKind::Source => {
            counts.push(format!("cited by {}", count(u.citing, "entry", "entries")));
            if u.claims > 0 {
                counts.push(count(u.claims, "claim", "claims"));
            }
        }
        EntryKind::Topic => counts.push(format!(
            "{} about it",
            count(u.subject_of, "claim", "claims")
        )),
        EntryKind::Event => {
            counts.push(format!(
                "{} at it",
                count(u.at_statements, "statement", "statements")
            ));
            if u.at_claims > 0 {
                counts.push(format!("{} at it", count(u.at_claims, "claim", "claims")));
            }
            if u.subject_of > 0 {
                counts.push(format!(
                    "{} about it",
                    count(u.subject_of, "claim", "claims")
                ));
            }
        }
        EntryKind::Statement | EntryKind::Claim => {}
    }
    counts.push(count(u.references as usize, "reference", "references"));
    let _ = write!(out, "\n\n{}", counts.join(" · "));
    if !u.properties.is_empty() && def.kind != EntryKind::Actor {
        let props: Vec<String> = u
            .properties
            .iter()
            .map(|(p, n)| format!("`{p}` ({n})"))
            .collect();
        let _ = write!(out, "  \nProperties claimed: {}", props.join(", "));
    }
    let _ = write!(out, "\n\n_{}_", md(&place(file, def.range.start)));
    if locs.len() > 1 {
        let others: Vec<String> = locs[1..]
            .iter()
            .filter_map(|l| snap.definition(*l))
            .map(|(f, d)| md(&place(f, d.range.start)))
            .collect();
        let _ = write!(
            out,
            "\n\n**`{id}` is defined {} times**; also in {}.",
            locs.len(),
            others.join("; ")
        );
    }
    Some(out)
}

/// The card's first lines: the name as a heading, then what it is.
fn header(file: &FileData, def: &Definition) -> String {
    let text = file.text();
    let name = match def.kind {
        EntryKind::Statement | EntryKind::Claim => None,
        _ => def.title.map(|t| t.read(&text)).filter(|t| !t.is_empty()),
    };
    let mut what = vec![def.kind.as_str().to_string()];
    what.extend(def.subkind.iter().map(|k| md(k)));
    if name.is_some() {
        what.push(format!("`@{}`", def.id));
    }
    if matches!(def.kind, EntryKind::Statement | EntryKind::Claim) {
        let e = &file.summary.entries[def.entry as usize];
        what.extend(e.date.iter().map(|(_, d)| d.to_string()));
    }
    match name {
        Some(n) => format!("### {}\n\n{}", md(&n), what.join(" · ")),
        None => format!("### `@{}`\n\n{}", def.id, what.join(" · ")),
    }
}

/// An actor's roles: `president of `@france`, since 2017-05-14`.
fn roles(file: &FileData, def: &Definition) -> Vec<String> {
    let src = file.text();
    let src = &*src;
    let info = &file.summary.entries[def.entry as usize];
    let tree = file.tree_around(info.header.start()..info.header.start());
    let Some(entry) = entry_node(&tree, info) else {
        return Vec::new();
    };
    entry
        .fields()
        .filter(|f| f.key_text(src) == "role")
        .filter_map(|f| f.role(src))
        .map(|r| {
            let mut s = md(r.title_text(src));
            if let Some(org) = r.organisation {
                let _ = write!(s, " of `@{}`", org.id_text(src));
            }
            match (r.since.map(|n| text(n, src)), r.until.map(|n| text(n, src))) {
                (Some(a), Some(b)) => {
                    let _ = write!(s, ", {a} – {b}");
                }
                (Some(a), None) => {
                    let _ = write!(s, ", since {a}");
                }
                (None, Some(b)) => {
                    let _ = write!(s, ", until {b}");
                }
                (None, None) => {}
            }
            s
        })
        .collect()
}

/// A short card for completion: name, kind, aliases, roles, where defined.
/// No workspace scan.
pub fn short_card(file: &FileData, def: &Definition) -> String {
    let mut out = header(file, def);
    if !def.aliases.is_empty() {
        let _ = write!(out, "\n\nAlso known as: {}", md(&def.aliases.join(", ")));
    }
    let e = &file.summary.entries[def.entry as usize];
    let text = file.text();
    let roles: Vec<&str> = file
        .summary
        .fields(e)
        .iter()
        .filter(|f| f.key == "role")
        .map(|f| f.value(&text))
        .collect();
    if !roles.is_empty() {
        let _ = write!(out, "\n\nRole: {}", md(&roles.join("; ")));
    }
    if def.kind == EntryKind::Event {
        if let Some((_, date)) = &e.date {
            let _ = write!(out, "\n\nDate: {date}");
        }
    }
    if let Some(q) = e.quote {
        let _ = write!(out, "\n\n> {}", md(&truncate(&q.read(&text), 120)));
    }
    let _ = write!(out, "\n\n_{}_", md(&place(file, def.range.start)));
    out
}

fn undefined_card(snap: &Snapshot, id: &str) -> String {
    let mut out = format!("`@{id}` is not defined.");
    let names: Vec<String> = suggestions(snap, id)
        .into_iter()
        .map(|s| {
            let title = snap
                .definitions(&s)
                .first()
                .and_then(|l| snap.definition(*l))
                .and_then(|(f, d)| d.title.map(|t| (d.kind, t.read(&f.text()).into_owned())));
            match title {
                Some((kind, t)) => format!("`@{s}` ({}, {})", md(&t), kind.as_str()),
                None => format!("`@{s}`"),
            }
        })
        .collect();
    if !names.is_empty() {
        let _ = write!(out, " Did you mean {}?", names.join(" or "));
    }
    out
}

// ── Field keys ────────────────────────────────────────────────────────

fn field_key_hover(data: &FileData, offset: usize) -> Option<Hover> {
    let (_, e) = data.summary.entry_at(offset)?;
    let f = data.summary.fields(e).iter().find(|f| {
        f.key_range().start() <= offset && offset <= f.key_range().end() && !f.key.is_empty()
    })?;
    let key = f.key;
    let of = kind_phrase(e.kind);
    let markdown = match field_spec(e.kind, &key) {
        Some(spec) => {
            let once = if spec.once || matches!(spec.shape, ValueShape::Role) {
                ""
            } else {
                " May be repeated."
            };
            format!("**`{key}:`** — field of {of}\n\nValue: {}.\n\n{}{once}", spec.value, spec.doc)
        }
        None => format!(
            "**`{key}:`** — not a well-known field of {of}. It is kept and shown in hover; references in it are real references, but nothing else checks it."
        ),
    };
    Some(Hover {
        markdown,
        range: f.key_range().range(),
    })
}

// ── Properties ────────────────────────────────────────────────────────

/// How many claims use a property of a subject, with their values.
fn property_hover(snap: &Snapshot, data: &FileData, node: Node<'_>) -> Option<Hover> {
    let assertion = node.parent().filter(|p| p.kind() == "assertion")?;
    let subject = assertion.child_field("subject")?;
    let subject_id = subject.child_field("id")?;
    let src = data.text();
    let id = text(subject_id, &src);
    let property = text(node, &src);
    let uses = super::completion::property_uses(snap, id);
    let mine: Vec<_> = uses.iter().filter(|u| u.property == property).collect();
    let mut out = format!(
        "**`@{id}.{property}`** — {}",
        count(mine.len(), "claim", "claims")
    );
    for u in mine.iter().take(10) {
        let _ = write!(out, "\n- {}", md(&u.summary));
    }
    if mine.len() > 10 {
        let _ = write!(out, "\n- … and {} more", mine.len() - 10);
    }
    Some(Hover {
        markdown: out,
        range: node.byte_range(),
    })
}

// ── Dates ─────────────────────────────────────────────────────────────

fn date_hover(data: &FileData, node: Node<'_>) -> Option<Hover> {
    let src = data.text();
    let src = &*src;
    let mut n = node;
    if n.kind() == "weekday" {
        n = n
            .prev_named_sibling()
            .filter(|p| matches!(p.kind(), "date" | "interval"))?;
    }
    if n.kind() == "open_end"
        || (n.kind() == "date" && n.parent().is_some_and(|p| p.kind() == "interval"))
    {
        n = n.parent()?;
    }
    let markdown = match n.kind() {
        "date" => format!("**{}** — {}", text(n, src), describe_date(text(n, src))),
        "interval" => {
            let end = |field: &'static str| match n.child_field(field) {
                Some(d) if d.kind() == "open_end" => "open (no end)".to_string(),
                Some(d) => describe_date(text(d, src)),
                None => "unknown".to_string(),
            };
            format!(
                "**{}** — from {} to {}",
                text(n, src),
                end("start"),
                end("end")
            )
        }
        "relative_date" => format!(
            "**{}** — a relative date, resolved against the date of its entry.",
            text(n, src)
        ),
        _ => return None,
    };
    Some(Hover {
        markdown,
        range: n.byte_range(),
    })
}

/// One EDTF date in words: `Tuesday, 25 November 2025`, `November 2025`,
/// `spring 2025`, with its qualifier and time.
pub(crate) fn describe_date(date: &str) -> String {
    let (body, qualifier) = match date.strip_suffix(['?', '~', '%']) {
        Some(b) => (b, date[b.len()..].chars().next()),
        None => (date, None),
    };
    let (day_part, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let (negative, digits) = match day_part.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, day_part),
    };
    let parts: Vec<&str> = digits.split('-').collect();
    let mut out = if parts.iter().any(|p| p.contains('X')) {
        "a date with unspecified digits (X)".to_string()
    } else {
        let num = |s: &str| s.parse::<i64>().ok();
        let year = num(parts[0]).map(|y| if negative { -y } else { y });
        match (year, parts.as_slice()) {
            (Some(y), [_]) => format!("the year {}", year_text(y)),
            (Some(y), [_, m]) if m.len() == 2 => match num(m) {
                Some(m @ 1..=12) => {
                    format!("{} {}", dates::MONTH_NAMES[m as usize - 1], year_text(y))
                }
                Some(s @ 21..=24) => {
                    let season = ["spring", "summer", "autumn", "winter"][s as usize - 21];
                    format!("{season} {}", year_text(y))
                }
                _ => return "not a date on the calendar".to_string(),
            },
            (Some(y), [_, m, d]) if m.len() == 2 && d.len() == 2 => match (num(m), num(d)) {
                (Some(m @ 1..=12), Some(d))
                    if d >= 1 && d <= dates::days_in_month(y, m as u32) as i64 =>
                {
                    let days = dates::days_from_civil(y, m as u32, d as u32);
                    let weekday = dates::WEEKDAY_NAMES[dates::weekday(days) as usize];
                    format!(
                        "{weekday}, {d} {} {}",
                        dates::MONTH_NAMES[m as usize - 1],
                        year_text(y)
                    )
                }
                _ => return "not a date on the calendar".to_string(),
            },
            _ => return "not a date on the calendar".to_string(),
        }
    };
    if let Some(t) = time {
        let _ = write!(out, ", at {t}");
    }
    match qualifier {
        Some('?') => out.push_str(" (uncertain)"),
        Some('~') => out.push_str(" (approximate)"),
        Some('%') => out.push_str(" (uncertain and approximate)"),
        _ => {}
    }
    out
}

fn year_text(y: i64) -> String {
    if y <= 0 {
        format!("{} BC", 1 - y)
    } else {
        y.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::parse;
    use super::*;

    /// The hovered text between « », then the markdown.
    fn render(fixture: &str) -> String {
        let f = parse(fixture);
        let text = f.snap.file(f.file).unwrap().text().to_string();
        match hover(&f.snap, f.file, f.offset) {
            Some(h) => format!("«{}»\n{}", &text[h.range], h.markdown),
            None => "(no hover)".to_string(),
        }
    }

    const COALITION: &str = r#"
//- /actors.chron
actor macron "Emmanuel Macron"
  kind: person
  aka: "Macron", "President Macron"
  role: president of @france since 2017-05-14
  role: minister of the economy of @france since 2014-08-26 until 2016-08-30
  born: 1977-12-21
actor france "France"
  kind: state
source epravda "European Pravda"
  kind: outlet
  published: 2025-11-26
  url: https://www.eurointegration.com.ua/eng/
topic peace-plan "US peace plan for Ukraine"
  kind: agreement
//- /events.chron
2025-11-25 (Tue) event coalition-call: Online meeting of the coalition
  kind: meeting
  who: @macron
  where: online
  source: @epravda
2025-11-25 @macron said "We decided to launch a working group tomorrow."
  at: @coalition-call
  source: @epravda
  claims: @peace-plan.points = 19
2025-11-24/2025-11-27 @macron claims @peace-plan.points = 20
  source: @epravda
2025-11-20 @macron claims @peace-plan.signed
2025-11-26 event later: Later, with @macron
  after: @coalition-call
Undated prose about @macron.
"#;

    fn at(fixture: &str, needle: &str) -> String {
        // Puts the cursor at the `|` of `needle`.
        let plain = needle.replace('|', "");
        assert!(fixture.contains(&plain), "{plain}");
        fixture.replacen(&plain, &needle.replace('|', "$0"), 1)
    }

    #[test]
    fn actor_card() {
        insta::assert_snapshot!(render(&at(COALITION, "actor mac|ron")));
    }

    #[test]
    fn actor_card_from_a_reference_is_the_same() {
        let from_def = render(&at(COALITION, "actor mac|ron"));
        let from_ref = render(&at(COALITION, "who: |@macron"));
        assert_eq!(from_ref.replace("«@macron»", "«macron»"), from_def);
    }

    #[test]
    fn source_card() {
        insta::assert_snapshot!(render(&at(COALITION, "source: @epr|avda")));
    }

    #[test]
    fn topic_card() {
        insta::assert_snapshot!(render(&at(COALITION, "topic peace-plan|")));
    }

    #[test]
    fn event_card() {
        insta::assert_snapshot!(render(&at(COALITION, "at: @coalition-call|")));
    }

    #[test]
    fn statement_with_id_card() {
        insta::assert_snapshot!(render(
            "2025-11-25 @a said \"We *agree*.\"\n  id: agree\n2025-11-26 @b claims @t.p = 1\n  contradicts: @ag$0ree\n"
        ));
    }

    #[test]
    fn undefined_with_suggestion() {
        assert_eq!(
            render(&format!("{COALITION}Prose about @macorn$0.\n")),
            "«@macorn»\n`@macorn` is not defined. Did you mean `@macron` (Emmanuel Macron, actor)?"
        );
        assert_eq!(
            render("@nobody$0 said \"x\"\n"),
            "«@nobody»\n`@nobody` is not defined."
        );
    }

    #[test]
    fn duplicate_and_non_ascii() {
        let out = render("//- /a.chron\nactor türkiye \"Türkiye\"\n//- /b.chron\nactor türkiye \"Turkey\"\nProse @türk$0iye.\n");
        assert!(
            out.starts_with("«@türkiye»\n### Türkiye\n\nactor · `@türkiye`"),
            "{out}"
        );
        assert!(
            out.ends_with("**`türkiye` is defined 2 times**; also in b.chron, line 1."),
            "{out}"
        );
    }

    #[test]
    fn field_keys() {
        assert_eq!(
            render(&at(COALITION, "  wh|o: @macron")),
            "«who»\n**`who:`** — field of an event\n\nValue: list of actors.\n\nThe participants; checked against their lifetimes."
        );
        assert_eq!(
            render(&at(COALITION, "  role|: president")),
            "«role»\n**`role:`** — field of an actor\n\nValue: `TITLE of @actor since DATE until DATE`; repeatable.\n\nA role and its tenure, checked against `as:` of statements and claims."
        );
        assert_eq!(
            render("actor a \"A\"\n  $0colour: blue\n"),
            "«colour»\n**`colour:`** — not a well-known field of an actor. It is kept and shown in hover; references in it are real references, but nothing else checks it."
        );
    }

    #[test]
    fn properties() {
        assert_eq!(
            render(&at(COALITION, "@peace-plan.po|ints = 20")),
            "«points»\n**`@peace-plan.points`** — 2 claims\n- 2025-11-25: @macron claims = 19\n- 2025-11-24/2025-11-27: @macron claims = 20"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            render(&at(COALITION, "2025-11-25 (T|ue) event")),
            "«2025-11-25»\n**2025-11-25** — Tuesday, 25 November 2025"
        );
        assert_eq!(
            render(&at(COALITION, "published: 2025-1|1-26")),
            "«2025-11-26»\n**2025-11-26** — Wednesday, 26 November 2025"
        );
        assert_eq!(
            render(&at(COALITION, "2025-11-24/2025-1|1-27 @macron")),
            "«2025-11-24/2025-11-27»\n**2025-11-24/2025-11-27** — from Monday, 24 November 2025 to Thursday, 27 November 2025"
        );
        assert_eq!(
            render("2025-11-25 @a claims @b.c = 1\n  valid: 2025-11$0/..\n"),
            "«2025-11/..»\n**2025-11/..** — from November 2025 to open (no end)"
        );
        assert_eq!(
            render("2025-11-25 @a claims @b.c = tomo$0rrow\n"),
            "«tomorrow»\n**tomorrow** — a relative date, resolved against the date of its entry."
        );
        assert_eq!(describe_date("2025-02-30"), "not a date on the calendar");
        assert_eq!(describe_date("2025-21~"), "spring 2025 (approximate)");
        assert_eq!(
            describe_date("2025-11-XX"),
            "a date with unspecified digits (X)"
        );
        assert_eq!(
            describe_date("2025-11-25T14:00Z?"),
            "Tuesday, 25 November 2025, at 14:00Z (uncertain)"
        );
        assert_eq!(describe_date("-0043-03-15"), "Friday, 15 March 44 BC");
        assert_eq!(describe_date("2024-02-29"), "Thursday, 29 February 2024");
        assert_eq!(describe_date("1970-01-01"), "Thursday, 1 January 1970");
    }

    #[test]
    fn nothing() {
        assert_eq!(render("actor a \"Some $0name\"\n"), "(no hover)");
        assert_eq!(render("$0"), "(no hover)");
        let f = parse("actor a \"A\"\n");
        assert!(hover(&f.snap, f.file, 500).is_none());
    }
}
