//! The syntax problems of a file: every ERROR and MISSING node of the tree,
//! plus the slips the grammar accepts on purpose so that damage stays local
//! (a field or event without its `:`, a field line cut off from its entry).

use crate::syntax::NodeExt;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::ast::text;

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Text the grammar could not place (an ERROR node).
    Unexpected {
        /// What the parser would have accepted at that point, in words.
        expected: Vec<String>,
    },
    /// A token the parser had to assume (a MISSING node), e.g. a closing quote.
    Missing { token: String },
    /// A field (`kind person`) or event header (`event x title`) without `:`.
    MissingColon { key: String },
    /// An indented `key: value` line that is not under an entry.
    StrayField { key: String },
}

/// One syntax problem with its byte range in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub range: Range<usize>,
    pub message: String,
}

/// Lists the syntax problems of `tree`, in document order.
pub fn problems(tree: &Tree, src: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    visit(tree.root_node(), src, &mut out);
    out.sort_by_key(|p| (p.range.start, p.range.end));
    out
}

/// Lists the syntax problems inside one node (a top-level item), in
/// document order.
pub fn problems_in(node: Node<'_>, src: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    visit(node, src, &mut out);
    out.sort_by_key(|p| (p.range.start, p.range.end));
    out
}

fn visit(node: Node<'_>, src: &str, out: &mut Vec<Problem>) {
    // A token that is neither an ERROR nor MISSING has nothing to report.
    if node.child_count() == 0 && !node.is_error() && !node.is_missing() {
        return;
    }
    if node.is_error() {
        out.push(unexpected(node, src));
        // Report MISSING nodes inside an ERROR too, but nothing else: the
        // ERROR already covers its content.
        return;
    }
    if node.is_missing() {
        let token = super::node_kind(node).to_string();
        out.push(Problem {
            message: format!("missing {}", describe_symbol(&token)),
            range: node.start_byte()..node.start_byte(),
            kind: ProblemKind::Missing { token },
        });
        return;
    }
    // Read once: every call converts the grammar's C string again.
    let kind = super::node_kind(node);
    if let Some(p) = missing_header_part(node, kind, src) {
        out.push(p);
    }
    match kind {
        "field" if node.child_field("colon").is_none() => {
            if let Some(key) = node.child_field("key") {
                let key_text = text(key, src).to_string();
                out.push(Problem {
                    message: format!("missing `:` after the field name `{key_text}`"),
                    range: key.end_byte()..key.end_byte(),
                    kind: ProblemKind::MissingColon { key: key_text },
                });
            }
        }
        "event" if node.child_field("colon").is_none() => {
            if let Some(name) = node.child_field("name") {
                let id = text(name, src).to_string();
                out.push(Problem {
                    message: format!(
                        "missing `:` between the event ID `{id}` and its title (if this line is prose, start it with `\\`)"
                    ),
                    range: name.end_byte()..name.end_byte(),
                    kind: ProblemKind::MissingColon { key: id },
                });
            }
        }
        "prose" => {
            if let Some(p) = stray_field(node, src) {
                out.push(p);
            }
            return;
        }
        _ => {}
    }
    // Lines (entries, fields, prose) are always visited for the slips above;
    // below them only subtrees that contain an ERROR or MISSING node.
    let structural = matches!(
        kind,
        "document" | "section" | "actor" | "source" | "topic" | "event" | "statement" | "claim"
    );
    if !structural && !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        visit(child, src, out);
    }
}

/// A header without its ID (`actor` alone), a statement without its quote,
/// a claim without `@subject.property`: the grammar keeps the entry (and its
/// fields) and the problem is reported here, right after the last part.
fn missing_header_part(node: Node<'_>, kind: &str, src: &str) -> Option<Problem> {
    let (field, what) = match kind {
        "actor" | "source" | "topic" | "event" => ("name", "an ID"),
        "statement" => ("quote", "the quoted words"),
        "claim" => ("assertion", "`@subject.property`"),
        _ => return None,
    };
    if node.child_field(field).is_some() {
        return None;
    }
    // After the keyword, speaker or verb: the last token before the gap.
    let anchor = match kind {
        "statement" => node
            .children(&mut node.walk())
            .find(|c| super::node_kind(*c) == "said"),
        "claim" => node.child_field("verb"),
        kind => node
            .children(&mut node.walk())
            .find(|c| super::node_kind(*c) == kind),
    }?;
    let at = anchor.end_byte();
    let after = text(anchor, src);
    Some(Problem {
        message: format!("missing {what} after `{after}`"),
        range: at..at,
        kind: ProblemKind::Missing {
            token: field.to_string(),
        },
    })
}

/// An indented prose line that reads `key: value` is a field that lost its
/// entry, almost always to a blank line left inside the field block.
fn stray_field(prose: Node<'_>, src: &str) -> Option<Problem> {
    let line_start = src[..prose.start_byte()]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    if line_start == prose.start_byte() {
        return None;
    }
    let line = text(prose, src);
    let colon = reads_as_field(line)?;
    let key = &line[..colon];
    let start = prose.start_byte();
    Some(Problem {
        message: format!(
            "indented field `{key}:` is not under an entry; fields follow their entry's line with no blank line between"
        ),
        range: start..start + colon,
        kind: ProblemKind::StrayField {
            key: key.to_string(),
        },
    })
}

/// Whether a line's text reads `key: …`: the colon's index.
pub fn reads_as_field(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    let mut chars = line[..colon].chars();
    let first = chars.next()?;
    let is_key = (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    is_key.then_some(colon)
}

fn unexpected(node: Node<'_>, src: &str) -> Problem {
    let expected = expected_at(node);
    let snippet = text(node, src).trim();
    let shown: String = snippet.chars().take(40).collect();
    let ellipsis = if snippet.chars().count() > 40 {
        "…"
    } else {
        ""
    };
    let first_line = snippet.lines().next().unwrap_or("");
    let mut message = if first_line.starts_with('"') && !closes_string(first_line) {
        return Problem {
            kind: ProblemKind::Missing {
                token: "\"".to_string(),
            },
            range: node.start_byte()..node.start_byte() + first_line.len(),
            message: "this quoted text has no closing `\"` on its line".to_string(),
        };
    } else if shown.is_empty() {
        "unexpected text".to_string()
    } else {
        format!("unexpected `{shown}{ellipsis}`")
    };
    if !expected.is_empty() {
        message.push_str("; expected ");
        message.push_str(&join_or(&expected));
    }
    // `actor`, `source`, `topic` and `event` at the start of a line make it
    // an entry; a writer who meant prose needs to know the escape.
    let in_header = node.parent().is_some_and(|p| {
        matches!(super::node_kind(p), "actor" | "source" | "topic" | "event")
            && p.start_position().row == node.start_position().row
    });
    if in_header {
        message.push_str(" (if this line is prose, start it with `\\`)");
    }
    // Point at the first line of the ERROR only: a diagnostic's range
    // should cover the bad text, not the lines tree-sitter skipped over.
    let start = node.start_byte();
    let mut end = node.end_byte();
    if let Some(nl) = src[start..end].find(['\n', '\r']) {
        end = start + nl;
    }
    while end > start && src.as_bytes()[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end == start {
        end = src[start..]
            .char_indices()
            .nth(1)
            .map_or(src.len(), |(i, _)| start + i);
    }
    Problem {
        kind: ProblemKind::Unexpected { expected },
        range: start..end,
        message,
    }
}

/// Whether a line starting with `"` closes its string (escapes honoured).
fn closes_string(line: &str) -> bool {
    let mut chars = line.chars().skip(1);
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return true,
            _ => {}
        }
    }
    false
}

/// What the parser would have accepted right before `error`, in words.
fn expected_at(error: Node<'_>) -> Vec<String> {
    let state = match error.prev_sibling() {
        Some(prev) => prev.next_parse_state(),
        None => match error.parent() {
            Some(parent) => parent.parse_state(),
            None => return Vec::new(),
        },
    };
    let lang = error.language();
    let Some(mut lookahead) = lang.lookahead_iterator(state) else {
        return Vec::new();
    };
    // Collected by rank, not in the order the parse table lists the symbols:
    // that order changes with any change to the grammar's structure, and the
    // words of a message should not.
    let mut ranks: Vec<usize> = Vec::new();
    for symbol in lookahead.iter_names() {
        if let Some(rank) = friendly(symbol) {
            if !ranks.contains(&rank) {
                ranks.push(rank);
            }
        }
    }
    if ranks.len() > 6 {
        return Vec::new();
    }
    ranks.sort_unstable();
    ranks.into_iter().map(|r| WORDS[r].to_string()).collect()
}

/// The words for what a parser can expect, in the order a message lists
/// them: roughly the order of the parts of a line, and the line's end last.
const WORDS: [&str; 13] = [
    "a date",
    "`event`",
    "an ID",
    "`:`",
    "a quoted name",
    "an `@` reference",
    "`said`",
    "`claims`, `denies` or `reports`",
    "`.` and a property",
    "an operator",
    "a number",
    "a field name",
    "the end of the line",
];

/// The grammar's tokens a person should see, as an index into [`WORDS`];
/// `None` for the others.
fn friendly(symbol: &str) -> Option<usize> {
    Some(match symbol {
        "date" => 0,
        "event" => 1,
        "identifier" => 2,
        ":" => 3,
        "\"" => 4,
        "@" => 5,
        "said" => 6,
        "claims" | "denies" | "reports" => 7,
        "." => 8,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "≠" | "≤" | "≥" => 9,
        "number" => 10,
        "key" => 11,
        "_newline" => 12,
        _ => return None,
    })
}

fn describe_symbol(kind: &str) -> String {
    match kind {
        "\"" => "closing `\"`".to_string(),
        "_newline" => "line break".to_string(),
        "identifier" => "ID".to_string(),
        "property" => "property name after `.`".to_string(),
        k if k.chars().all(|c| c.is_ascii_punctuation()) => format!("`{k}`"),
        k => k.replace('_', " "),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn kinds(src: &str) -> Vec<(String, String)> {
        let tree = parse(src);
        problems(&tree, src)
            .into_iter()
            .map(|p| (src[p.range.clone()].to_string(), p.message))
            .collect()
    }

    #[test]
    fn clean_file_has_no_problems() {
        let src = "actor a \"A\"\n  kind: person\n\nProse @a.\n";
        assert!(kinds(src).is_empty());
    }

    #[test]
    fn unterminated_quote_is_missing_token() {
        let src = "actor a \"A\n  kind: person\n";
        let p = kinds(src);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].1.contains("closing `\"`"), "{p:?}");
    }

    #[test]
    fn missing_colons_are_reported_at_the_key() {
        let src = "event x US and Ukraine\n  kind meeting\n  who: @us\n";
        let p = kinds(src);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].1.contains("event ID `x`"));
        assert!(p[1].1.contains("field name `kind`"));
    }

    #[test]
    fn missing_header_parts_are_reported_after_the_keyword() {
        let src = "actor\n  kind: person\n2025-11-25 @m said\n@m claims\n2025-11-25 event\n";
        let p = kinds(src);
        let msgs: Vec<_> = p.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "missing an ID after `actor`",
                "missing the quoted words after `said`",
                "missing `@subject.property` after `claims`",
                "missing an ID after `event`",
            ],
            "{p:?}"
        );
    }

    #[test]
    fn stray_field_after_blank_line() {
        let src = "actor a \"A\"\n  kind: person\n\n  aka: \"Ay\"\n";
        let p = kinds(src);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "aka");
        assert!(p[0].1.contains("not under an entry"));
    }

    #[test]
    fn keyword_used_as_prose_is_one_small_error() {
        let src = "actor Tom Hanks appeared in a film\nactor b \"B\"\n  kind: person\n";
        let p = kinds(src);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "Hanks appeared in a film");
        assert!(p[0].1.starts_with("unexpected `Hanks appeared in a film`"));
    }
}
