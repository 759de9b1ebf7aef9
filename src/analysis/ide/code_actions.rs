//! Quick fixes: replace an undefined reference with a "did you mean"
//! suggestion, define a missing entity, link an unlinked mention.

use std::collections::HashMap;
use std::ops::Range;

use super::{file_name, TextEdit, WorkspaceEditPlain};
use crate::analysis::references::{expected_kinds, suggestions};
use crate::analysis::summary::{RefRole, Reference};
use crate::analysis::{Code, FileData, FileId, Snapshot};
use crate::syntax::EntryKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeActionKind {
    QuickFix,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: CodeActionKind,
    /// The diagnostic it fixes: its code and range in the requested file
    /// (the same range [`crate::analysis::file_diagnostics`] reports).
    pub fixes: Option<(Code, Range<usize>)>,
    /// The fix an editor may apply on its own ("fix all", a light bulb's
    /// first choice).
    pub is_preferred: bool,
    pub edit: WorkspaceEditPlain,
}

/// The quick fixes for what overlaps `range` (a cursor is an empty range)
/// in a file: for each undefined reference, its suggestions then the
/// definitions it could get; for each unlinked mention, linking it.
pub fn code_actions(snap: &Snapshot, file: FileId, range: Range<usize>) -> Vec<CodeAction> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let s = &data.summary;
    for r in s
        .references
        .iter()
        .filter(|r| r.at() <= range.end && range.start <= r.span.end())
    {
        if snap.definitions(&r.id).is_empty() {
            undefined(snap, data, r, &mut out);
        }
    }
    unlinked(snap, data, range.clone(), &mut out);
    acknowledge(snap, data, range, &mut out);
    out
}

/// For a conflict between claims (or a claim and an event's date): mark the
/// claim `disputed: yes`, or name the other claim in `contradicts:` when it
/// has an ID. Either drops the conflict to an acknowledged hint.
fn acknowledge(snap: &Snapshot, data: &FileData, range: Range<usize>, out: &mut Vec<CodeAction>) {
    let acknowledgeable = [
        Code::ConflictingClaims,
        Code::ConflictingEventDate,
        Code::RelativeDateMismatch,
    ];
    let newline = if data.text().contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    for d in crate::analysis::file_diagnostics(snap, data.id) {
        if !acknowledgeable.contains(&d.code)
            || d.range.end < range.start
            || range.end < d.range.start
        {
            continue;
        }
        let Some((_, entry)) = data.summary.entry_at(d.range.start) else {
            continue;
        };
        if data.summary.field(entry, "disputed").is_some() {
            continue;
        }
        let at = entry.range.end();
        let mut insert = |title: String, line: String, preferred: bool| {
            let mut edit = WorkspaceEditPlain::default();
            edit.push(
                data.id,
                TextEdit {
                    range: at..at,
                    new_text: format!("{newline}  {line}"),
                },
            );
            out.push(CodeAction {
                title,
                kind: CodeActionKind::QuickFix,
                fixes: Some((d.code, d.range.clone())),
                is_preferred: preferred,
                edit,
            });
        };
        // The other side's ID, when the conflict is with one claim that has one.
        let other_id = d.related.first().and_then(|r| {
            let other = snap.file(r.file)?;
            let (_, e) = other.summary.entry_at(r.range.start)?;
            let def = other.summary.definitions.get(e.def.get()? as usize)?;
            matches!(def.kind, EntryKind::Statement | EntryKind::Claim).then(|| def.id)
        });
        if let Some(id) = other_id {
            insert(
                format!("Acknowledge the conflict: this claim contradicts `@{id}`"),
                format!("contradicts: @{id}"),
                true,
            );
        }
        insert(
            "Acknowledge the conflict: mark this claim `disputed: yes`".to_string(),
            "disputed: yes".to_string(),
            false,
        );
    }
}

fn undefined(snap: &Snapshot, data: &FileData, r: &Reference, out: &mut Vec<CodeAction>) {
    let fixes = Some((Code::UndefinedReference, r.full_range()));
    let suggested = suggestions(snap, &r.id);
    for (i, s) in suggested.iter().enumerate() {
        let mut edit = WorkspaceEditPlain::default();
        edit.push(
            data.id,
            TextEdit {
                range: r.range(),
                new_text: s.clone(),
            },
        );
        out.push(CodeAction {
            title: format!("Change to `@{s}`"),
            kind: CodeActionKind::QuickFix,
            fixes: fixes.clone(),
            is_preferred: i == 0,
            edit,
        });
    }
    let entry_kind = r
        .entry
        .get()
        .and_then(|e| data.summary.entries.get(e as usize))
        .map(|e| e.kind);
    let definable = |k: &EntryKind| k.is_definition();
    let kinds: Vec<EntryKind> = match expected_kinds(&r.role(), entry_kind) {
        Some(expected) => expected.iter().copied().filter(definable).take(1).collect(),
        None if r.role() == RefRole::Subject => {
            vec![EntryKind::Topic, EntryKind::Event, EntryKind::Actor]
        }
        None => vec![
            EntryKind::Actor,
            EntryKind::Topic,
            EntryKind::Event,
            EntryKind::Source,
        ],
    };
    for (i, kind) in kinds.into_iter().enumerate() {
        let target = home_file(snap, kind, data.id);
        let Some(target_data) = snap.file(target) else {
            continue;
        };
        let mut edit = WorkspaceEditPlain::default();
        edit.push(target, append(target_data, &definition_text(kind, &r.id)));
        out.push(CodeAction {
            title: format!(
                "Define {} `{}` in {}",
                kind.as_str(),
                r.id,
                file_name(&target_data.key)
            ),
            kind: CodeActionKind::QuickFix,
            fixes: fixes.clone(),
            is_preferred: suggested.is_empty() && i == 0,
            edit,
        });
    }
}

/// The file that defines the most entities of this kind (the current file
/// on a tie or when none does).
fn home_file(snap: &Snapshot, kind: EntryKind, current: FileId) -> FileId {
    let counts: HashMap<FileId, usize> = snap
        .files()
        .map(|f| {
            (
                f.id,
                f.summary
                    .definitions
                    .iter()
                    .filter(|d| d.kind == kind)
                    .count(),
            )
        })
        .collect();
    let best = counts.values().copied().max().unwrap_or(0);
    if best == 0 || counts.get(&current) == Some(&best) {
        return current;
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n == best)
        .map(|(f, _)| f)
        .min()
        .unwrap_or(current)
}

/// The text of a new definition: `actor ID "Name"` with an empty `kind:`.
fn definition_text(kind: EntryKind, id: &str) -> String {
    let words: Vec<String> = id
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let capitalise = i == 0 || matches!(kind, EntryKind::Actor | EntryKind::Source);
            let mut c = w.chars();
            match c.next() {
                Some(f) if capitalise => f.to_uppercase().chain(c).collect(),
                _ => w.to_string(),
            }
        })
        .collect();
    let name = words.join(" ").replace('"', "");
    match kind {
        EntryKind::Actor | EntryKind::Source => {
            format!("{} {id} \"{name}\"\n  kind: \n", kind.as_str())
        }
        EntryKind::Event => format!("event {id}: {name}\n"),
        _ => format!("topic {id} \"{name}\"\n"),
    }
}

/// An edit that adds `block` at the end of a file, after a blank line, in
/// the file's line-break style.
fn append(data: &FileData, block: &str) -> TextEdit {
    let text = data.text();
    let text = &*text;
    let crlf = text.contains("\r\n");
    let nl = if crlf { "\r\n" } else { "\n" };
    let tail = &text[text.trim_end_matches(['\n', '\r']).len()..];
    let breaks = tail.len() - tail.matches("\r\n").count();
    let prefix = if text.is_empty() {
        String::new()
    } else {
        nl.repeat(2usize.saturating_sub(breaks))
    };
    let block = if crlf {
        block.replace('\n', "\r\n")
    } else {
        block.to_string()
    };
    TextEdit {
        range: text.len()..text.len(),
        new_text: format!("{prefix}{block}"),
    }
}

fn unlinked(snap: &Snapshot, data: &FileData, range: Range<usize>, out: &mut Vec<CodeAction>) {
    let s = &data.summary;
    let text = data.text();
    let text = &*text;
    let mut all = Vec::new();
    let mut here = Vec::new();
    for prose in &s.prose {
        let Some(line) = text.get(prose.range()) else {
            continue;
        };
        let mentions = snap.names().find(line, prose.start(), |m| {
            s.references
                .iter()
                .any(|r| r.at() < m.end && m.start < r.span.end())
        });
        for m in mentions {
            // `@` glued after a letter, digit, `_` or `.` is text, not a link.
            let glued = text[..m.range.start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            if glued {
                continue;
            }
            if m.range.start <= range.end && range.start <= m.range.end {
                here.push(m.clone());
            }
            all.push(m);
        }
    }
    for m in &here {
        let mut edit = WorkspaceEditPlain::default();
        edit.push(
            data.id,
            TextEdit {
                range: m.range.clone(),
                new_text: format!("@{}", m.actor),
            },
        );
        out.push(CodeAction {
            title: format!("Link `{}` to `@{}`", m.name, m.actor),
            kind: CodeActionKind::QuickFix,
            fixes: Some((Code::UnlinkedMention, m.range.clone())),
            is_preferred: true,
            edit,
        });
    }
    if !here.is_empty() && all.len() > 1 {
        let mut edit = WorkspaceEditPlain::default();
        for m in &all {
            edit.push(
                data.id,
                TextEdit {
                    range: m.range.clone(),
                    new_text: format!("@{}", m.actor),
                },
            );
        }
        out.push(CodeAction {
            title: format!("Link all {} unlinked mentions in this file", all.len()),
            kind: CodeActionKind::QuickFix,
            fixes: None,
            is_preferred: false,
            edit,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{key, parse};
    use super::*;

    /// Each action: its title, flags, and the files it changes, edited.
    fn render(fixture: &str) -> String {
        let f = parse(fixture);
        let range = f.range.clone().unwrap_or(f.offset..f.offset);
        let mut out = String::new();
        for a in code_actions(&f.snap, f.file, range) {
            let fixes = a
                .fixes
                .as_ref()
                .map(|(code, r)| {
                    let text = f.snap.file(f.file).unwrap().text().to_string();
                    format!(" fixes {} «{}»", code.as_str(), &text[r.clone()])
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "== {}{}{}\n",
                a.title,
                if a.is_preferred { " (preferred)" } else { "" },
                fixes
            ));
            for (file, edits) in &a.edit.changes {
                let mut text = f.snap.file(*file).unwrap().text().to_string();
                for e in edits.iter().rev() {
                    text.replace_range(e.range.clone(), &e.new_text);
                }
                out.push_str(&format!("//- {}\n{text}", key(&f.snap, *file)));
            }
        }
        out
    }

    #[test]
    fn acknowledge_a_conflicting_claim() {
        assert_eq!(
            render(
                r#"
actor a "A"
actor b "B"
topic plan "Plan"
2025-11-25 @a claims @plan.points = 19
  id: a-points
2025-11-25 @b claims @plan.po$0ints = 28
  source: @a
"#
            ),
            r#"== Acknowledge the conflict: this claim contradicts `@a-points` (preferred) fixes conflicting-claims «@plan.points = 28»
//- /main.chron
actor a "A"
actor b "B"
topic plan "Plan"
2025-11-25 @a claims @plan.points = 19
  id: a-points
2025-11-25 @b claims @plan.points = 28
  source: @a
  contradicts: @a-points
== Acknowledge the conflict: mark this claim `disputed: yes` fixes conflicting-claims «@plan.points = 28»
//- /main.chron
actor a "A"
actor b "B"
topic plan "Plan"
2025-11-25 @a claims @plan.points = 19
  id: a-points
2025-11-25 @b claims @plan.points = 28
  source: @a
  disputed: yes
"#
        );
    }

    #[test]
    fn did_you_mean_then_define() {
        assert_eq!(
            render(
                r#"
//- /actors.chron
actor macron "Emmanuel Macron"
actor france "France"
//- /events.chron
2025-11-25 event call: Call
  who: @macorn$0
"#
            ),
            r#"== Change to `@macron` (preferred) fixes undefined-reference «@macorn»
//- /events.chron
2025-11-25 event call: Call
  who: @macron
== Define actor `macorn` in actors.chron fixes undefined-reference «@macorn»
//- /actors.chron
actor macron "Emmanuel Macron"
actor france "France"

actor macorn "Macorn"
  kind: 
"#
        );
    }

    #[test]
    fn define_guesses_the_kind_from_the_field() {
        let out =
            render("2025-11-25 event call: Call\n  source: @le-monde$0\n  after: @geneva-talks\n");
        assert_eq!(
            out,
            "== Define source `le-monde` in main.chron (preferred) fixes undefined-reference «@le-monde»\n//- /main.chron\n2025-11-25 event call: Call\n  source: @le-monde\n  after: @geneva-talks\n\nsource le-monde \"Le Monde\"\n  kind: \n"
        );
        let out = render("2025-11-25 event call: Call\n  after: @geneva-talks$0");
        assert_eq!(
            out,
            "== Define event `geneva-talks` in main.chron (preferred) fixes undefined-reference «@geneva-talks»\n//- /main.chron\n2025-11-25 event call: Call\n  after: @geneva-talks\n\nevent geneva-talks: Geneva talks\n"
        );
    }

    #[test]
    fn prose_offers_every_definable_kind_actor_first() {
        let out = render("Talk about @jean-luc$0.\r\n");
        let titles: Vec<&str> = out.lines().filter(|l| l.starts_with("==")).collect();
        assert_eq!(
            titles,
            [
                "== Define actor `jean-luc` in main.chron (preferred) fixes undefined-reference «@jean-luc»",
                "== Define topic `jean-luc` in main.chron fixes undefined-reference «@jean-luc»",
                "== Define event `jean-luc` in main.chron fixes undefined-reference «@jean-luc»",
                "== Define source `jean-luc` in main.chron fixes undefined-reference «@jean-luc»",
            ]
        );
        // CRLF file: the new lines are CRLF too.
        assert!(out.contains("//- /main.chron\nTalk about @jean-luc.\r\n\r\nactor jean-luc \"Jean Luc\"\r\n  kind: \r\n"), "{out:?}");
    }

    #[test]
    fn nothing_for_contradicts_or_defined() {
        assert_eq!(
            render("2025-11-25 @a claims @b.c = 1\n  contradicts: @zz$0\n"),
            ""
        );
        assert_eq!(render("actor a \"A\"\nProse @a$0.\n"), "");
        assert_eq!(render(""), "");
    }

    #[test]
    fn link_unlinked_mentions() {
        assert_eq!(
            render("actor macron \"Emmanuel Macron\"\n  aka: \"Macron\"\nToday Mac$0ron spoke; Emmanuel Macron agreed. x.Macron\n"),
            "\
== Link `Macron` to `@macron` (preferred) fixes unlinked-mention «Macron»
//- /main.chron
actor macron \"Emmanuel Macron\"
  aka: \"Macron\"
Today @macron spoke; Emmanuel Macron agreed. x.Macron
== Link all 2 unlinked mentions in this file
//- /main.chron
actor macron \"Emmanuel Macron\"
  aka: \"Macron\"
Today @macron spoke; @macron agreed. x.Macron
"
        );
    }

    #[test]
    fn a_selection_covers_several() {
        let out = render("actor uk \"Britain\"\nBritain $0and @frnace and @ukk$0.\n");
        let titles: Vec<&str> = out.lines().filter(|l| l.starts_with("==")).collect();
        assert_eq!(
            titles,
            [
                "== Define actor `frnace` in main.chron (preferred) fixes undefined-reference «@frnace»",
                "== Define topic `frnace` in main.chron fixes undefined-reference «@frnace»",
                "== Define event `frnace` in main.chron fixes undefined-reference «@frnace»",
                "== Define source `frnace` in main.chron fixes undefined-reference «@frnace»",
                "== Change to `@uk` (preferred) fixes undefined-reference «@ukk»",
                "== Define actor `ukk` in main.chron fixes undefined-reference «@ukk»",
                "== Define topic `ukk` in main.chron fixes undefined-reference «@ukk»",
                "== Define event `ukk` in main.chron fixes undefined-reference «@ukk»",
                "== Define source `ukk` in main.chron fixes undefined-reference «@ukk»",
            ]
        );
    }

    #[test]
    fn home_file_is_where_most_of_the_kind_live() {
        let out = render(
            "//- /a.chron\nactor x \"X\"\n//- /b.chron\nactor y \"Y\"\nactor z \"Z\"\n//- /c.chron\n2025-11-25 @newcomer$0 said \"Hi.\"",
        );
        assert!(
            out.starts_with("== Define actor `newcomer` in b.chron (preferred)"),
            "{out}"
        );
        assert!(out.ends_with("//- /b.chron\nactor y \"Y\"\nactor z \"Z\"\n\nactor newcomer \"Newcomer\"\n  kind: \n"), "{out}");
    }
}
