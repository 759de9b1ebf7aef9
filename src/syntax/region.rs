//! Parsing part of a file: the whole top-level items around a byte range.
//!
//! The notation is line oriented and its error recovery is line local (see
//! `grammar.js`): an item (an entry with its fields, a prose line, a
//! heading) starts at the start of a line that is not indented, and nothing
//! in one item changes how another is read. So the items around a range,
//! parsed on their own, are the same nodes as in the tree of the whole file
//! (only sections differ: items below a heading outside the region are
//! children of the region's root, not of a section). This lets a large open
//! document keep no tree: an edit is summarised, and a request at a
//! position is answered, from a tree of the few lines around it.
//!
//! The tree of a region keeps the file's byte offsets (tree-sitter's
//! included ranges), so its nodes can be read against the whole text.

use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Parser, Point, Tree};

/// Whether the line starting at `start` starts a top-level item for sure:
/// it is not indented, not blank, and not a comment (a comment is allowed
/// between an entry's header and its fields, so the entry may go on below
/// it). Headings, entry headers and prose lines are.
fn starts_item(bytes: &[u8], start: usize) -> bool {
    match bytes.get(start) {
        None => false,
        Some(b'/') => bytes.get(start + 1) != Some(&b'/'),
        // White space and control characters (the line may be a blank, an
        // indented field, or something the scanner reads otherwise); a
        // byte-order mark (U+FEFF, an extra like a space).
        Some(&b) => b > b' ' && b != 0x7f && !(b == 0xEF && bytes.get(start + 1) == Some(&0xBB)),
    }
}

/// The start of the line after the one holding `at` (`None` past the end).
fn next_line(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return Some(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => return Some(i + 2),
            b'\r' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The start of the line holding `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    let mut i = at.min(bytes.len());
    while i > 0 && !matches!(bytes[i - 1], b'\n' | b'\r') {
        i -= 1;
    }
    i
}

/// The smallest run of whole top-level items that holds `range`, widened by
/// `extra` more items on each side (as far as the file goes). It starts at
/// the file's start or at a line that starts an item, and ends at the file's
/// end or right before such a line.
pub fn items_around(text: &str, range: Range<usize>, extra: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let range = range.start.min(bytes.len())..range.end.clamp(range.start, bytes.len());
    // Back: the first item start at or before the line of `range.start`,
    // then `extra` more.
    let mut start = line_start(bytes, range.start);
    let mut found = 0;
    loop {
        if start == 0 {
            break;
        }
        if starts_item(bytes, start) {
            if found == extra {
                break;
            }
            found += 1;
        }
        start = line_start(bytes, start - 1);
    }
    // Forward: the first item start after `range.end` (at it if a line
    // starts there), then `extra` more; the region ends right before it.
    let mut end = next_item(bytes, range.end.max(start + 1));
    for _ in 0..extra {
        end = end.and_then(|at| next_item(bytes, at + 1));
    }
    start..end.unwrap_or(bytes.len())
}

/// The first line start at or after `from` that starts an item.
fn next_item(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = if from == line_start(bytes, from) {
        Some(from)
    } else {
        next_line(bytes, from)
    };
    while let Some(a) = at {
        if starts_item(bytes, a) {
            return Some(a);
        }
        at = next_line(bytes, a);
    }
    None
}

/// Consecutive regions of whole items covering `window`, each ending at the
/// first item start `size` bytes or more after its own start.
pub fn chunks(text: &str, window: Range<usize>, size: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let whole = items_around(text, window, 0);
    let mut out = Vec::new();
    let mut start = whole.start;
    while start < whole.end {
        let end = next_item(bytes, start + size.max(1))
            .unwrap_or(whole.end)
            .min(whole.end);
        out.push(start..end);
        start = end;
    }
    out
}

/// The tree of the items around `range`, and the region it covers: one
/// more item on each side, or eight when that tree has a syntax problem.
/// Error recovery looks past a broken line at what follows, so a region
/// that ends right after it may be recovered otherwise than the whole file
/// (an unterminated title string before the region's end became an ERROR
/// where the whole file's tree had a MISSING quote); with eight more items
/// of context it is recovered as in the file.
pub fn parse_around(text: &str, range: Range<usize>) -> (Tree, Range<usize>) {
    let region = items_around(text, range.clone(), 1);
    let tree = parse_region(text, region.clone());
    if !tree.root_node().has_error() {
        return (tree, region);
    }
    let wide = items_around(text, range, 8);
    (parse_region(text, wide.clone()), wide)
}

/// The end of the item of the first heading at or after `from` (a line
/// start), or the end of the text: what a section's region reaches to so
/// that its tree ends the section as the file's does.
pub fn through_next_heading(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = Some(from.min(bytes.len()));
    while let Some(a) = at {
        if bytes.get(a) == Some(&b'#') {
            return items_around(text, a..a, 0).end;
        }
        at = next_line(bytes, a);
    }
    bytes.len()
}

/// How many `\n` `bytes` holds. Counted in blocks of 255 bytes with a
/// one-byte count, which the compiler turns into wide vector compares: a
/// plain count of a 20,000-line document took 0.3 ms.
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n'))) as usize
        })
        .sum()
}

/// The tree of `region` of `text` (whole items, see [`items_around`]), with
/// the file's byte offsets and rows.
pub fn parse_region(text: &str, region: Range<usize>) -> Tree {
    thread_local! {
        static PARSER: RefCell<Parser> = RefCell::new(super::parser());
    }
    let bytes = text.as_bytes();
    let region = region.start.min(bytes.len())..region.end.clamp(region.start, bytes.len());
    // Rows as tree-sitter counts them: at `\n`, and at a lone `\r`, which
    // the parser is shown as `\n` (`lines::for_parser`).
    let point = |at: usize, from: (usize, Point)| -> Point {
        let (base, p) = from;
        let part = &bytes[base..at];
        let breaks = |b: &u8| *b == b'\n' || *b == b'\r';
        let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        let rows = count_newlines(part)
            + if part.contains(&b'\r') {
                (base..at).filter(|&i| lone_cr(i)).count()
            } else {
                0
            };
        match part.iter().rposition(breaks) {
            Some(last) => Point::new(p.row + rows, at - (base + last + 1)),
            None => Point::new(p.row, p.column + part.len()),
        }
    };
    let start_point = point(region.start, (0, Point::new(0, 0)));
    let end_point = point(region.end, (region.start, start_point));
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        let ranges = [tree_sitter::Range {
            start_byte: region.start,
            end_byte: region.end,
            start_point,
            end_point,
        }];
        parser
            .set_included_ranges(&ranges)
            .expect("one range inside the text");
        // Only the region is read (and its lone `\r`s shown as `\n`).
        let next = bytes.get(region.end).copied();
        let tree = parser.parse_with_options(
            &mut |byte, _| match bytes.get(byte..region.end) {
                Some(chunk) if byte >= region.start => super::lines::for_parser_chunk(chunk, next),
                _ => std::borrow::Cow::Borrowed(&[][..]),
            },
            None,
            None,
        );
        // Back to whole files for the next use of this parser.
        parser
            .set_included_ranges(&[])
            .expect("no ranges is always valid");
        tree.expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_start_at_lines_that_are_not_indented() {
        let text =
            "# H\n\nactor a \"A\"\n  kind: person\n// note\n  aka: \"x\"\n\nProse @a.\nMore.\n";
        let at = |s: &str| text.find(s).unwrap();
        // Inside a field: the whole entry, the comment and field below it.
        assert_eq!(
            items_around(text, at("kind")..at("kind"), 0),
            at("actor")..at("Prose")
        );
        // One more item each side: the heading and the next prose line.
        assert_eq!(items_around(text, at("kind")..at("kind"), 1), 0..at("More"));
        assert_eq!(
            items_around(text, at("More")..text.len(), 0),
            at("More")..text.len()
        );
        assert_eq!(items_around(text, 0..0, 0), 0..at("actor"));
        assert_eq!(items_around("", 0..0, 1), 0..0);
    }

    #[test]
    fn newlines_are_counted_in_blocks() {
        let text = "ab\ncd\n\n".repeat(300);
        for end in [0, 1, 3, 254, 255, 256, 1000, text.len()] {
            let want = text[..end].matches('\n').count();
            assert_eq!(count_newlines(&text.as_bytes()[..end]), want, "{end}");
        }
    }

    #[test]
    fn chunks_cover_the_window_in_whole_items() {
        let text = "actor a \"A\"\n  kind: person\n\nactor b \"B\"\n  kind: person\nProse.\n";
        let all = chunks(text, 0..text.len(), 1);
        assert_eq!(all.first().unwrap().start, 0);
        assert_eq!(all.last().unwrap().end, text.len());
        for w in all.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(all.len(), 3);
        assert_eq!(chunks(text, 0..text.len(), 1000), vec![0..text.len()]);
    }

    #[test]
    fn a_region_has_the_files_offsets_and_rows() {
        let text = "actor a \"A\"\n  kind: person\n\nevent e: E\n  date: 2024-01-02\n";
        let start = text.find("event").unwrap();
        let tree = parse_region(text, start..text.len());
        let root = tree.root_node();
        assert!(!root.has_error(), "{}", root.to_sexp());
        let event = root.named_child(0).unwrap();
        assert_eq!(event.kind(), "event");
        assert_eq!(event.start_byte(), start);
        assert_eq!(event.start_position(), Point::new(3, 0));
        // The parser reads whole files again afterwards.
        let whole = super::super::parse(text);
        assert_eq!(whole.root_node().start_byte(), 0);
    }
}

#[cfg(test)]
pub(crate) mod differential {
    use super::*;
    use tree_sitter::Node;

    /// The top-level items of a tree (children of the root and of its
    /// sections) inside `region`, as (byte range, S-expression).
    fn items(root: Node<'_>, region: &Range<usize>) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        let mut cursor = root.walk();
        for child in root.children(&mut cursor) {
            if child.kind() == "section" {
                out.extend(items(child, region));
                continue;
            }
            if region.start <= child.start_byte() && child.end_byte() <= region.end {
                out.push((child.byte_range(), child.to_sexp()));
            }
        }
        out
    }

    /// Every region starting at each item start of `text`, parsed on its
    /// own, has the items of the whole file's tree.
    pub(crate) fn check(text: &str) -> Result<usize, String> {
        let whole = super::super::parse(text);
        let mut n = 0;
        let mut at = 0;
        let mut seen = std::collections::HashSet::new();
        while at <= text.len() {
            // The items a reader of this tree uses: the one at `at` and
            // one more on each side.
            let core = items_around(text, at..at, 1);
            if seen.insert(core.clone()) {
                let (tree, _) = parse_around(text, at..at);
                let got = items(tree.root_node(), &core);
                let want = items(whole.root_node(), &core);
                if got != want {
                    return Err(format!(
                        "items {core:?} of\n{text}\nparsed alone: {got:#?}\nin the file: {want:#?}"
                    ));
                }
                n += 1;
            }
            match text[at..].find('\n') {
                Some(i) => at += i + 1,
                None => break,
            }
        }
        Ok(n)
    }

    /// A title string left open before the next line (found by the state
    /// property test): the whole file's tree has a MISSING quote; a region
    /// ending right after that line, parsed alone, had an ERROR instead.
    #[test]
    fn a_broken_line_at_a_regions_end_is_recovered_as_in_the_file() {
        let text = "actor zed \"Zed\"\nctor rantala \"Anna Rantala\"\n  kind: person\n  born: 1975-05-02\n\n\
                    actor moreau \"Bogdan Mo\nreau\"\n  kind: person\n  aka: \"Moreau\"\n\nactor dimitrov \"Freya Dimitrov\"\n";
        check(text).unwrap();
        let line = text.find("actor moreau").unwrap();
        let alone = parse_region(text, items_around(text, line..line, 0));
        let (around, _) = parse_around(text, line..line);
        let whole = super::super::parse(text);
        let sexp = |t: &Tree| {
            t.root_node()
                .descendant_for_byte_range(line, line + 5)
                .unwrap()
                .parent()
                .unwrap()
                .to_sexp()
        };
        assert_eq!(sexp(&around), sexp(&whole));
        // Alone, the line is recovered otherwise: the context matters.
        assert_ne!(sexp(&alone), sexp(&whole));
    }

    #[test]
    fn regions_parse_as_in_the_whole_file() {
        let text = "# Events\r\n2e025-11-26 event talks: Talks\r\n  before: @call\r\n2025-11-27 @uk claims @plan.points = 20\r\n";
        check(text).unwrap();
        let text = "# Events\n2e025-11-26 event talks: Talks\n  before: @call\n2025-11-27 @uk claims @plan.points = 20\n";
        check(text).unwrap();
    }
}
