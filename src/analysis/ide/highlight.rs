//! Document highlight: the ID under the cursor, everywhere in the current
//! file.

use std::ops::Range;

use super::id_at;
use super::index::FileIndex;
use crate::analysis::{FileId, Snapshot};

/// How an occurrence uses the ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HighlightKind {
    /// A reference `@id`.
    Read,
    /// A definition of the ID.
    Write,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// The ID only, without the `@`.
    pub range: Range<usize>,
    pub kind: HighlightKind,
}

/// Every definition (write) and reference (read) of the ID under the cursor
/// in this file, in document order.
pub fn document_highlights(snap: &Snapshot, file: FileId, offset: usize) -> Vec<Highlight> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let Some(target) = id_at(data, offset) else {
        return Vec::new();
    };
    let s = &data.summary;
    let defs = s
        .definitions
        .iter()
        .filter(|d| d.id == *target.id)
        .map(|d| Highlight {
            range: d.range.clone(),
            kind: HighlightKind::Write,
        });
    let refs = FileIndex::references_to(data, &target.id)
        .iter()
        .map(|&i| &s.references[i as usize])
        .map(|r| Highlight {
            range: r.range(),
            kind: HighlightKind::Read,
        });
    let mut out: Vec<_> = defs.chain(refs).collect();
    out.sort_by_key(|h| h.range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::parse;
    use super::*;

    /// The file's text with each highlight as `«id»w` or `«id»r`.
    #[track_caller]
    fn check_highlight(fixture: &str, expect: &str) {
        let f = parse(fixture);
        let text = f.snap.file(f.file).unwrap().text().to_string();
        let mut out = String::new();
        let mut at = 0;
        for h in document_highlights(&f.snap, f.file, f.offset) {
            out.push_str(&text[at..h.range.start]);
            let mark = match h.kind {
                HighlightKind::Read => 'r',
                HighlightKind::Write => 'w',
            };
            out.push_str(&format!("«{}»{mark}", &text[h.range.clone()]));
            at = h.range.end;
        }
        out.push_str(&text[at..]);
        assert_eq!(out, expect);
    }

    #[test]
    fn definition_is_write_references_are_read() {
        check_highlight(
            "actor uk$0 \"Britain\"\n  aka: \"UK\"\nactor fr \"France\"\n  members: @uk, @fr\n@uk and @uk-led.\n",
            "actor «uk»w \"Britain\"\n  aka: \"UK\"\nactor fr \"France\"\n  members: @«uk»r, @fr\n@«uk»r and @uk-led.\n",
        );
    }

    #[test]
    fn only_the_current_file() {
        check_highlight(
            "//- /a.chron\nactor uk \"Britain\"\n//- /b.chron\nwith $0@uk\n",
            "with @«uk»r\n",
        );
    }

    #[test]
    fn duplicates_non_ascii_and_undefined() {
        check_highlight(
            "topic türkiye \"T\"\ntopic türkiye \"T2\"\n@tür$0kiye.x = 1\n",
            "topic «türkiye»w \"T\"\ntopic «türkiye»w \"T2\"\n@«türkiye»r.x = 1\n",
        );
        check_highlight("@ghost$0 and @ghost\n", "@«ghost»r and @«ghost»r\n");
    }

    #[test]
    fn nothing_under_the_cursor() {
        check_highlight("actor uk \"Brit$0ain\"\n", "actor uk \"Britain\"\n");
        check_highlight("", "");
        let f = parse("actor uk \"Britain\"\n");
        assert!(document_highlights(&f.snap, f.file, 1_000).is_empty());
    }
}
