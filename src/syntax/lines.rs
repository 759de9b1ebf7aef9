//! The line model of the notation: a line ends at `\n`, `\r\n` or a lone
//! `\r` — nothing else (not U+2028, NEL, VT or FF).

use std::borrow::Cow;

/// The byte offset at which every line starts; the first is always 0.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    push_line_starts(text.as_bytes(), 0..text.len(), &mut starts);
    starts
}

/// Pushes the start of every line that begins after a line break inside
/// `range` of `bytes` (a `\r` at the end of the range looks past it for its
/// `\n`).
pub fn push_line_starts(bytes: &[u8], range: std::ops::Range<usize>, out: &mut Vec<usize>) {
    for i in range {
        match bytes[i] {
            b'\n' => out.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => out.push(i + 1),
            _ => {}
        }
    }
}

/// The 0-based line of a byte offset, given the text's [`line_starts`].
pub fn line_of(starts: &[usize], byte: usize) -> usize {
    starts.partition_point(|&s| s <= byte).saturating_sub(1)
}

/// 0-based line and 0-based column in Unicode scalar values of a byte offset
/// (clamped into the text and back to a char boundary).
pub fn line_col(text: &str, starts: &[usize], byte: usize) -> (usize, usize) {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let line = line_of(starts, byte);
    let col = text[starts[line]..byte].chars().count();
    (line, col)
}

/// The text of a 0-based line, without its line break.
pub fn line_text<'s>(text: &'s str, starts: &[usize], line: usize) -> &'s str {
    let Some(&start) = starts.get(line) else {
        return "";
    };
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    text[start..end].trim_end_matches(['\n', '\r'])
}

/// tree-sitter counts rows at `\n` only. A lone `\r` is replaced by `\n` in
/// what the parser reads — the same length, so every byte offset is kept —
/// so that the external scanner sees a line start after it too.
pub fn for_parser(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !bytes.contains(&b'\r') || !(0..bytes.len()).any(lone_cr) {
        return Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for (i, b) in out.iter_mut().enumerate() {
        if *b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            *b = b'\n';
        }
    }
    // Only ASCII bytes were swapped for ASCII bytes.
    Cow::Owned(String::from_utf8(out).expect("still UTF-8"))
}

/// [`for_parser`] for one chunk of a text read piece by piece (tree-sitter's
/// read callback over a rope): `next` is the byte right after the chunk
/// (`None` at the end of the text), which decides whether a `\r` ending the
/// chunk is the first half of a `\r\n`. Borrows the chunk unless it holds a
/// lone `\r`.
pub fn for_parser_chunk(chunk: &[u8], next: Option<u8>) -> Cow<'_, [u8]> {
    let lone_cr = |i: usize| chunk[i] == b'\r' && chunk.get(i + 1).copied().or(next) != Some(b'\n');
    let Some(first) = (0..chunk.len()).find(|&i| lone_cr(i)) else {
        return Cow::Borrowed(chunk);
    };
    let mut out = chunk.to_vec();
    for (i, byte) in out.iter_mut().enumerate().skip(first) {
        if lone_cr(i) {
            *byte = b'\n';
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_line_breaks_and_no_others() {
        let text = "a\nb\r\nc\rd\u{2028}e\u{85}f";
        assert_eq!(line_starts(text), [0, 2, 5, 7]);
        let starts = line_starts(text);
        assert_eq!(line_text(text, &starts, 1), "b");
        assert_eq!(line_text(text, &starts, 3), "d\u{2028}e\u{85}f");
        assert_eq!(line_col(text, &starts, 3), (1, 1));
        assert_eq!(line_col(text, &starts, 8), (3, 1));
        // Inside the 3-byte U+2028: clamped back to its start.
        assert_eq!(line_col(text, &starts, 9), (3, 1));
        assert_eq!(line_col(text, &starts, 999), (3, 5));
    }

    #[test]
    fn lone_cr_becomes_lf_for_the_parser_only() {
        assert!(matches!(for_parser("a\r\nb\n"), Cow::Borrowed(_)));
        assert_eq!(for_parser("a\rb\r\nc\r"), "a\nb\r\nc\n");
    }

    #[test]
    fn chunks_swap_lone_cr_and_borrow_otherwise() {
        assert!(matches!(for_parser_chunk(b"ab\n", None), Cow::Borrowed(_)));
        assert!(matches!(
            for_parser_chunk(b"a\r\nb", None),
            Cow::Borrowed(_)
        ));
        // A `\r` that ends the chunk pairs with a `\n` starting the next one.
        assert!(matches!(
            for_parser_chunk(b"ab\r", Some(b'\n')),
            Cow::Borrowed(_)
        ));
        assert_eq!(&*for_parser_chunk(b"ab\r", Some(b'x')), b"ab\n");
        assert_eq!(&*for_parser_chunk(b"ab\r", None), b"ab\n");
        assert_eq!(&*for_parser_chunk(b"\r\n\ra\r", Some(b'\n')), b"\r\n\na\r");
        // Chunk by chunk, the same bytes as the whole-text helper.
        let text = "x\r\ry\r\nz\r";
        for cut in 0..=text.len() {
            let (a, b) = text.as_bytes().split_at(cut);
            let mut joined = for_parser_chunk(a, b.first().copied()).into_owned();
            joined.extend_from_slice(&for_parser_chunk(b, None));
            assert_eq!(joined, for_parser(text).as_bytes(), "cut at {cut}");
        }
    }
}
