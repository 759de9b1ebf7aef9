//! Folding ranges, as LINE ranges: 0-based line numbers (lines as the
//! notation counts them: `\n`, `\r\n` or a lone `\r` end a line), both ends
//! included. The folded text is everything after the first line; only
//! ranges of two or more lines are returned.

use crate::analysis::{FileId, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FoldKind {
    /// A heading and everything under it, sub-sections included, to the
    /// last non-blank line before the next heading of the same or a higher
    /// level.
    Section,
    /// An entry header and its fields.
    Entry,
    /// A run of whole-line comments.
    Comment,
    /// A paragraph: consecutive prose lines.
    Prose,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoldingRange {
    pub start_line: usize,
    pub end_line: usize,
    pub kind: FoldKind,
}

/// Every folding range of a file, sorted by start line (then kind).
pub fn folding_ranges(snap: &Snapshot, file: FileId) -> Vec<FoldingRange> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let text = data.text();
    let text = &*text;
    let index = data.line_index();
    let line_of = |byte: usize| index.line_of(byte);
    let s = &data.summary;
    let mut out = Vec::new();
    let mut push = |start_line: usize, end_line: usize, kind: FoldKind| {
        if end_line > start_line {
            out.push(FoldingRange {
                start_line,
                end_line,
                kind,
            });
        }
    };

    for (i, section) in s.sections.iter().enumerate() {
        let end = super::section_end(s, text, i);
        push(
            line_of(section.heading.start),
            line_of(end),
            FoldKind::Section,
        );
    }

    for e in &s.entries {
        if !e.fields.is_empty() {
            push(
                line_of(e.range.start()),
                line_of(e.range.end()),
                FoldKind::Entry,
            );
        }
    }

    let mut run: Option<(usize, usize)> = None;
    let lines = index.line_count();
    for line in 0..=lines {
        let is_comment = line < lines
            && index.line_start(line).is_some_and(|start| {
                text[start..index.content_end(line)]
                    .trim_start()
                    .starts_with("//")
            });
        run = match (run, is_comment) {
            (Some((start, _)), true) => Some((start, line)),
            (None, true) => Some((line, line)),
            (Some((start, end)), false) => {
                push(start, end, FoldKind::Comment);
                None
            }
            (None, false) => None,
        };
    }

    let mut paragraph: Option<(usize, usize)> = None;
    for prose in &s.prose {
        let line = line_of(prose.start());
        paragraph = match paragraph {
            Some((start, end)) if end + 1 == line => Some((start, line)),
            Some((start, end)) => {
                push(start, end, FoldKind::Prose);
                Some((line, line))
            }
            None => Some((line, line)),
        };
    }
    if let Some((start, end)) = paragraph {
        push(start, end, FoldKind::Prose);
    }

    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::parse;
    use super::*;

    /// `kind start-end: first line` per range, 1-based lines for reading.
    #[track_caller]
    fn check_folding(fixture: &str, expect: &str) {
        let f = parse(fixture);
        let data = f.snap.file(f.file).unwrap();
        let mut out = String::new();
        for r in folding_ranges(&f.snap, f.file) {
            let text = data.text();
            let first = crate::syntax::lines::line_text(
                &text,
                &crate::syntax::lines::line_starts(&text),
                r.start_line,
            );
            out.push_str(&format!(
                "{:?} {}-{}: {first}\n",
                r.kind,
                r.start_line + 1,
                r.end_line + 1
            ));
        }
        assert_eq!(out, expect);
    }

    #[test]
    fn sections_entries_comments_paragraphs() {
        check_folding(
            r#"
# Top
// one
// two
actor a "A"
  kind: person
  // inside
  aka: "Ay"
actor b "B"

## Sub
First line of prose,
second line.

Lone prose.
2025-11-01 event e: E
  who: @a

# Next
topic t "T"
"#,
            "\
Section 1-16: # Top
Comment 2-3: // one
Entry 4-7: actor a \"A\"
Section 10-16: ## Sub
Prose 11-12: First line of prose,
Entry 15-16: 2025-11-01 event e: E
Section 18-19: # Next
",
        );
    }

    #[test]
    fn crlf_and_lone_cr_lines() {
        check_folding(
            "actor a \"A\"\r\n  kind: person\r\n  aka: \"Ay\"\r\n// x\r// y\r",
            "Entry 1-3: actor a \"A\"\nComment 4-5: // x\n",
        );
    }

    #[test]
    fn nothing_to_fold() {
        check_folding("", "");
        check_folding("actor a \"A\"\n# H\n", "");
        let f = parse("");
        assert!(folding_ranges(&f.snap, 42).is_empty());
    }
}
