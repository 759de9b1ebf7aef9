//! The line model of the notation: a line ends at `\n`, `\r\n` or a lone
//! `\r` — nothing else (not U+2028, NEL, VT or FF).

use std::borrow::Cow;
use std::ops::Range;

/// The byte offset at which every line starts; the first is always 0.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    push_line_starts(text.as_bytes(), 0..text.len(), |s| starts.push(s));
    starts
}

/// Gives `push` the start of every line that begins after a line break
/// inside `range` of `bytes` (a `\r` at the end of the range looks past it
/// for its `\n`).
pub fn push_line_starts(bytes: &[u8], range: Range<usize>, mut push: impl FnMut(usize)) {
    for i in range {
        match bytes[i] {
            b'\n' => push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => push(i + 1),
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

/// A text's lines without the text: where each line starts, which lines end
/// with `\r\n`, and which hold a character beyond ASCII. On an ASCII line
/// every byte offset is a character boundary and one unit in every position
/// encoding, so converting offsets there needs no text; only a line with
/// other characters sends a conversion back to the text. (A text larger
/// than 4 GiB is indexed up to its last line starting below that.)
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LineIndex {
    len: usize,
    starts: Box<[u32]>,
    /// Two bits per line: [`NON_ASCII`] and [`CRLF`], shifted by twice the
    /// line's number.
    bits: Box<[u64]>,
}

const NON_ASCII: u64 = 1;
const CRLF: u64 = 2;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut bits = Bits::default();
        let mut flags = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = match b {
                b'\n' => {
                    if i > 0 && bytes[i - 1] == b'\r' {
                        flags |= CRLF;
                    }
                    true
                }
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                0x80.. => {
                    flags |= NON_ASCII;
                    false
                }
                _ => false,
            };
            if ends_line {
                let Ok(next) = u32::try_from(i + 1) else {
                    break;
                };
                bits.push(flags);
                flags = 0;
                starts.push(next);
            }
        }
        bits.push(flags);
        LineIndex {
            len: text.len(),
            starts: starts.into_boxed_slice(),
            bits: bits.0.into_boxed_slice(),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Where a line starts (`None` past the last line).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&s| s as usize)
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, byte: usize) -> usize {
        let byte = u32::try_from(byte).unwrap_or(u32::MAX);
        self.starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1)
    }

    /// The line holding `byte`, searched forward from line `hint` when
    /// `byte` is at or after it (galloping: O(log distance)), else from the
    /// start.
    pub fn line_near(&self, hint: usize, byte: usize) -> usize {
        let starts = &self.starts;
        let byte32 = u32::try_from(byte).unwrap_or(u32::MAX);
        if starts.get(hint).is_none_or(|&s| s > byte32) {
            return self.line_of(byte);
        }
        let mut lo = hint;
        let mut step = 1;
        while lo + step < starts.len() && starts[lo + step] <= byte32 {
            lo += step;
            step *= 2;
        }
        let hi = (lo + step).min(starts.len());
        lo + starts[lo..hi].partition_point(|&s| s <= byte32) - 1
    }

    /// The end of a line's content: where its line break starts (the
    /// text's end for the last line).
    pub fn content_end(&self, line: usize) -> usize {
        match self.starts.get(line + 1) {
            None => self.len,
            Some(&next) if self.flag(line, CRLF) => next as usize - 2,
            Some(&next) => next as usize - 1,
        }
    }

    /// Whether a line holds only ASCII characters.
    pub fn is_ascii(&self, line: usize) -> bool {
        !self.flag(line, NON_ASCII)
    }

    fn flag(&self, line: usize, flag: u64) -> bool {
        self.flags(line) & flag != 0
    }

    /// The index of `text`, made from this one (of the text before an
    /// edit) and the edit: `old` of the earlier text became `new` of
    /// `text`. Only the lines the edit touched are read. `None` when the
    /// edit starts right after a `\r` (it may have paired with a `\n`):
    /// index the whole text then.
    pub fn splice(&self, text: &str, old: Range<usize>, new: Range<usize>) -> Option<LineIndex> {
        let bytes = text.as_bytes();
        let (start, end) = (new.start, new.end);
        if end > bytes.len()
            || old.end > self.len
            || old.start != start
            || u32::try_from(text.len()).is_err()
            || (start > 0 && bytes[start - 1] == b'\r')
        {
            return None;
        }
        let keep = self.starts.partition_point(|&s| s as usize <= start);
        let mut starts: Vec<u32> = Vec::with_capacity(self.starts.len() + 4);
        starts.extend_from_slice(&self.starts[..keep]);
        // The text is under 4 GiB (checked above).
        push_line_starts(bytes, start..end, |s| starts.push(s as u32));
        let moved = starts.len();
        let after = self.starts.partition_point(|&s| s as usize <= old.end);
        let delta = end as i64 - old.end as i64;
        starts.extend(
            self.starts[after..]
                .iter()
                .map(|&s| (i64::from(s) + delta) as u32),
        );
        let mut bits = Bits::default();
        for line in 0..keep - 1 {
            bits.push(self.flags(line));
        }
        for line in keep - 1..moved {
            let from = starts[line] as usize;
            let to = starts.get(line + 1).map_or(bytes.len(), |&s| s as usize);
            let line_bytes = &bytes[from..to];
            let mut flags = 0;
            if !line_bytes.is_ascii() {
                flags |= NON_ASCII;
            }
            if line + 1 < starts.len() && line_bytes.ends_with(b"\r\n") {
                flags |= CRLF;
            }
            bits.push(flags);
        }
        for line in after..self.starts.len() {
            bits.push(self.flags(line));
        }
        Some(LineIndex {
            len: text.len(),
            starts: starts.into_boxed_slice(),
            bits: bits.0.into_boxed_slice(),
        })
    }

    fn flags(&self, line: usize) -> u64 {
        let bit = 2 * line;
        self.bits.get(bit / 64).map_or(0, |w| (w >> (bit % 64)) & 3)
    }
}

/// Two bits per line, appended line by line.
#[derive(Default)]
struct Bits(Vec<u64>, usize);

impl Bits {
    fn push(&mut self, flags: u64) {
        let bit = 2 * self.1;
        if bit % 64 == 0 {
            self.0.push(0);
        }
        if let Some(w) = self.0.last_mut() {
            *w |= flags << (bit % 64);
        }
        self.1 += 1;
    }
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

    /// The index a text would get on its own.
    fn naive(text: &str) -> (Vec<usize>, Vec<bool>, Vec<bool>) {
        let starts = line_starts(text);
        let mut ascii = vec![];
        let mut crlf = vec![];
        for (i, &s) in starts.iter().enumerate() {
            let next = starts.get(i + 1).copied();
            let line = &text[s..next.unwrap_or(text.len())];
            ascii.push(line.is_ascii());
            crlf.push(next.is_some() && line.ends_with("\r\n"));
        }
        (starts, ascii, crlf)
    }

    fn check_index(index: &LineIndex, text: &str) {
        let (starts, ascii, crlf) = naive(text);
        assert_eq!(index.len(), text.len());
        assert_eq!(index.line_count(), starts.len(), "{text:?}");
        for (line, &s) in starts.iter().enumerate() {
            assert_eq!(index.line_start(line), Some(s), "{text:?} line {line}");
            assert_eq!(index.is_ascii(line), ascii[line], "{text:?} line {line}");
            let end = match starts.get(line + 1) {
                None => text.len(),
                Some(&n) if crlf[line] => n - 2,
                Some(&n) => n - 1,
            };
            assert_eq!(index.content_end(line), end, "{text:?} line {line}");
        }
        for byte in 0..=text.len() + 2 {
            assert_eq!(index.line_of(byte), line_of(&starts, byte));
            for hint in 0..starts.len() + 1 {
                assert_eq!(index.line_near(hint, byte), line_of(&starts, byte));
            }
        }
    }

    #[test]
    fn the_index_knows_each_line_without_the_text() {
        for text in [
            "",
            "a",
            "a\nb\r\nc\rd\u{2028}e\u{85}f",
            "é\r\n\r\n\r\r\n😀",
            "\n\n",
            "x\r",
        ] {
            check_index(&LineIndex::new(text), text);
        }
        // Past 32 lines the flags spill into a second word.
        let text = "a\r\né\n".repeat(40);
        check_index(&LineIndex::new(&text), &text);
    }

    const PIECES: &[&str] = &["\r", "\n", "é", "😀", "a", "\r\n", "中", "bc"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// An index spliced after an edit is the index of the new text.
        #[test]
        fn a_spliced_index_is_the_new_texts_index(
            before in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
            inserted in proptest::collection::vec(proptest::sample::select(PIECES), 0..6),
            at in 0usize..40,
            removed in 0usize..6,
        ) {
            let old_text = before.concat();
            let cut = |i: usize| before[..i.min(before.len())].concat().len();
            let (s, e) = (cut(at), cut(at + removed));
            let new_piece = inserted.concat();
            let text = format!("{}{}{}", &old_text[..s], new_piece, &old_text[e..]);
            let old = LineIndex::new(&old_text);
            match old.splice(&text, s..e, s..s + new_piece.len()) {
                Some(index) => check_index(&index, &text),
                None => proptest::prop_assert!(s > 0 && old_text.as_bytes()[s - 1] == b'\r'),
            }
        }
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
