//! Document text model for LSP incremental synchronisation.
//!
//! A [`Document`] stores the text of one open `*.chron` file in a
//! [`ropey::Rope`] and keeps its own table of line-start byte offsets, so that
//! per-keystroke edits on large files stay cheap:
//!
//! * the rope makes inserting and removing text `O(log n)`;
//! * the line table is patched by splicing only the changed region and
//!   shifting the offsets of the lines after it (no rescanning of the file);
//! * position conversions use a binary search in the line table plus ropey's
//!   `O(log n)` char / UTF-16 metrics, so they do not depend on line length.
//!
//! # Line breaks
//!
//! Exactly three sequences end a line: `\n`, `\r\n` (one break, never two) and
//! a lone `\r`. This is the LSP rule. Unicode separators that ropey would
//! treat as line breaks (U+2028, U+2029, NEL, VT, FF) are ordinary characters
//! here, which is why this module never uses ropey's line APIs.
//!
//! # Positions
//!
//! [`Pos`] is an LSP-style `(line, character)` pair where `character` counts
//! UTF-8 bytes or UTF-16 code units depending on the negotiated
//! [`PositionEncoding`]. Conversions never panic: out-of-range input is
//! clamped and the result says so through [`Converted::clamped`], so the
//! server can log misbehaving clients.
//!
//! # tree-sitter
//!
//! [`Document::apply_change`] returns the [`InputEdit`] to pass to
//! `Tree::edit`, and [`Document::chunk_at`] is a ready-made read callback for
//! `Parser::parse_with_options`:
//!
//! ```ignore
//! let edits = doc.apply_changes(&changes, encoding);
//! for edit in &edits {
//!     old_tree.edit(edit);
//! }
//! let tree = parser.parse_with_options(
//!     &mut |byte, _point| doc.chunk_at(byte),
//!     Some(&old_tree),
//!     None,
//! );
//! ```
//!
//! The [`Point`]s in the returned edits use the same `\n` / `\r\n` / `\r` rule
//! as the rest of this module (row = line index, column = byte offset within
//! the line). Byte offsets are always exact.

use std::borrow::Cow;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{InputEdit, Point};

/// How the `character` field of a [`Pos`] is counted.
///
/// LSP lets the client offer encodings; the server picks UTF-8 when the
/// client offers it and otherwise falls back to the mandatory UTF-16 (see
/// [`PositionEncoding::negotiate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// `character` counts UTF-8 bytes (LSP kind `"utf-8"`).
    Utf8,
    /// `character` counts UTF-16 code units (LSP kind `"utf-16"`, the
    /// protocol default). Astral-plane characters such as emoji count as 2.
    #[default]
    Utf16,
}

impl PositionEncoding {
    /// The LSP `PositionEncodingKind` string for this encoding.
    pub const fn as_lsp_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
        }
    }

    /// Picks the encoding to use given the kinds the client offered
    /// (`general.positionEncodings`): UTF-8 if offered, otherwise UTF-16.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Self {
        if offered.into_iter().any(|kind| kind == "utf-8") {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }
}

/// An LSP-like position: zero-based line and zero-based `character` offset
/// within the line, counted in the negotiated [`PositionEncoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Zero-based line index.
    pub line: u32,
    /// Offset within the line, in UTF-8 bytes or UTF-16 code units.
    pub character: u32,
}

impl Pos {
    /// Creates a position.
    pub const fn new(line: u32, character: u32) -> Self {
        Pos { line, character }
    }
}

/// One entry of an LSP `didChange` notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    /// The `[start, end)` range to replace, or `None` to replace the whole
    /// document.
    pub range: Option<(Pos, Pos)>,
    /// The replacement text.
    pub text: String,
}

impl TextChange {
    /// A change replacing the whole document with `text`.
    pub fn full(text: impl Into<String>) -> Self {
        TextChange {
            range: None,
            text: text.into(),
        }
    }

    /// A change replacing the range `start..end` with `text`.
    pub fn replace(start: Pos, end: Pos, text: impl Into<String>) -> Self {
        TextChange {
            range: Some((start, end)),
            text: text.into(),
        }
    }
}

/// The result of an operation that may have had to clamp its input.
///
/// `clamped` is `true` when the input was out of range (past the end of a
/// line or of the file, inside a multi-byte character or surrogate pair,
/// inside a `\r\n` pair, or a reversed range) and `value` is the nearest
/// valid result. Clamping never panics; the flag exists so the caller can
/// log it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted<T> {
    /// The (possibly clamped) result.
    pub value: T,
    /// Whether the input had to be clamped to produce `value`.
    pub clamped: bool,
}

impl<T> Converted<T> {
    fn new(value: T, clamped: bool) -> Self {
        Converted { value, clamped }
    }

    /// Maps the value, keeping the clamping flag.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Converted<U> {
        Converted {
            value: f(self.value),
            clamped: self.clamped,
        }
    }
}

/// The text of one open document plus its version and line table.
///
/// Invariants: `line_starts` is strictly increasing, starts with `0`, and
/// holds exactly the offsets that follow a line break of the current text
/// (see the module docs for what counts as a break). Every offset in it is a
/// char boundary. A text ending in a break therefore has a final empty line.
#[derive(Debug, Clone)]
pub struct Document {
    rope: Rope,
    version: i32,
    line_starts: Vec<usize>,
}

impl Document {
    /// Creates a document from its full text and LSP version.
    pub fn new(text: &str, version: i32) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            line_starts: compute_line_starts(text),
        }
    }

    /// The LSP version of the text.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Records the LSP version of the text (edits do not change it).
    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }

    /// Read-only access to the underlying rope.
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Length of the text in bytes.
    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// The whole text as a `String` (copies the document).
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The whole text as one shared string, copied once from the rope's
    /// chunks into the `Arc`'s own allocation (the analysis of a document
    /// needs it after every edit; going through a `String` copied a large
    /// file twice).
    pub fn shared_text(&self) -> std::sync::Arc<str> {
        use std::mem::MaybeUninit;
        use std::sync::Arc;
        let len = self.rope.len_bytes();
        let mut buf: Arc<[MaybeUninit<u8>]> = Arc::new_uninit_slice(len);
        let slots = Arc::get_mut(&mut buf).expect("a new Arc is unique");
        let mut at = 0;
        for chunk in self.rope.chunks() {
            let to = &mut slots[at..at + chunk.len()];
            // SAFETY: `to` is exactly `chunk.len()` bytes of this new
            // allocation, which `chunk` cannot overlap. (MaybeUninit's
            // `write_copy_of_slice` is newer than this crate's MSRV.)
            unsafe {
                std::ptr::copy_nonoverlapping(
                    chunk.as_ptr(),
                    to.as_mut_ptr().cast::<u8>(),
                    chunk.len(),
                );
            }
            at += chunk.len();
        }
        assert_eq!(at, len, "the rope's chunks cover its length");
        // SAFETY: every byte was written above (the chunks cover `len`
        // bytes, checked).
        let bytes: Arc<[u8]> = unsafe { buf.assume_init() };
        debug_assert!(std::str::from_utf8(&bytes).is_ok());
        // SAFETY: the bytes are the rope's chunks in order: each is a `&str`
        // and the rope splits only at char boundaries, so they are valid
        // UTF-8; `str` and `[u8]` have the same layout.
        unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) }
    }

    /// The text in the byte `range`, borrowed when it lies within one rope
    /// chunk and copied otherwise.
    ///
    /// The range is clamped silently: ends past the text are moved to its
    /// end, ends inside a multi-byte character are moved to the start of that
    /// character, and a reversed range yields an empty string.
    pub fn slice(&self, range: Range<usize>) -> Cow<'_, str> {
        let end = self.floor_char_boundary(range.end);
        let start = self.floor_char_boundary(range.start.min(end));
        Cow::from(self.rope.byte_slice(start..end))
    }

    /// The bytes of the rope chunk containing `byte`, from `byte` to the end
    /// of that chunk; empty at or after the end of the text.
    ///
    /// This is meant as the read callback of tree-sitter's
    /// `Parser::parse_with_options`, which asks for text starting at a byte
    /// offset and accepts any non-empty prefix of the rest of the document,
    /// so the parser reads the rope without copying it into one string.
    pub fn chunk_at(&self, byte: usize) -> &[u8] {
        if byte >= self.rope.len_bytes() {
            return &[];
        }
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(byte);
        &chunk.as_bytes()[byte - chunk_start..]
    }

    /// [`Document::chunk_at`] as the parser must see it: a lone `\r` is shown
    /// as `\n` (see [`crate::syntax::lines::for_parser_chunk`]), everything
    /// else as is. Borrowed unless the chunk holds a lone `\r`; empty at or
    /// after the end of the text.
    pub fn parser_chunk_at(&self, byte: usize) -> Cow<'_, [u8]> {
        let chunk = self.chunk_at(byte);
        let end = byte.saturating_add(chunk.len());
        let next = (end < self.len_bytes()).then(|| self.rope.byte(end));
        crate::syntax::lines::for_parser_chunk(chunk, next)
    }

    /// Number of lines. Always at least 1; a text ending in a line break has
    /// a final empty line (as in LSP).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of line `line`, excluding its line break.
    ///
    /// A line index past the end yields the empty range at the end of the
    /// text.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        match self.line_starts.get(line) {
            Some(&start) => start..self.line_content_end(line),
            None => self.len_bytes()..self.len_bytes(),
        }
    }

    /// The index of the line containing byte offset `byte` (offsets inside a
    /// line break belong to the line the break ends; offsets past the end
    /// belong to the last line).
    pub fn line_of_offset(&self, byte: usize) -> usize {
        // `line_starts[0] == 0`, so the partition point is at least 1.
        self.line_starts.partition_point(|&start| start <= byte) - 1
    }

    /// The tree-sitter point (row, column in bytes) of byte offset `byte`,
    /// using this module's line-break rule. Offsets past the end are clamped
    /// to the end.
    pub fn point_at(&self, byte: usize) -> Point {
        let byte = byte.min(self.len_bytes());
        let row = self.line_of_offset(byte);
        Point::new(row, byte - self.line_starts[row])
    }

    /// Converts a byte offset to a position in `encoding`.
    ///
    /// Clamping (reported in the result): an offset past the end maps to the
    /// end of the text, an offset inside a multi-byte character maps to the
    /// start of that character, and an offset between the `\r` and `\n` of a
    /// `\r\n` pair maps to the end of that line's content.
    pub fn offset_to_pos(&self, byte: usize, encoding: PositionEncoding) -> Converted<Pos> {
        let mut clamped = false;
        let mut offset = byte;
        if offset > self.len_bytes() {
            offset = self.len_bytes();
            clamped = true;
        }
        let floor = self.floor_char_boundary(offset);
        if floor != offset {
            offset = floor;
            clamped = true;
        }
        let line = self.line_of_offset(offset);
        let start = self.line_starts[line];
        let content_end = self.line_content_end(line);
        if offset > content_end {
            offset = content_end;
            clamped = true;
        }
        let character = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 => self.utf16_at(offset) - self.utf16_at(start),
        };
        Converted::new(Pos::new(to_u32(line), to_u32(character)), clamped)
    }

    /// Converts a position in `encoding` to a byte offset.
    ///
    /// Clamping (reported in the result): a line past the last line maps to
    /// the end of the text, a `character` past the end of the line maps to
    /// the end of the line's content (before its line break), and a
    /// `character` inside a multi-byte UTF-8 character or a UTF-16 surrogate
    /// pair maps to the start of that character.
    pub fn pos_to_offset(&self, pos: Pos, encoding: PositionEncoding) -> Converted<usize> {
        let line = pos.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return Converted::new(self.len_bytes(), true);
        };
        let content_end = self.line_content_end(line);
        let character = pos.character as usize;
        match encoding {
            PositionEncoding::Utf8 => {
                let target = start.saturating_add(character);
                if target > content_end {
                    return Converted::new(content_end, true);
                }
                let offset = self.floor_char_boundary(target);
                Converted::new(offset, offset != target)
            }
            PositionEncoding::Utf16 => {
                let target = self.utf16_at(start).saturating_add(character);
                if target > self.utf16_at(content_end) {
                    return Converted::new(content_end, true);
                }
                // `utf16_cu_to_char` rounds down to the char containing the
                // code unit, i.e. the start of a surrogate pair.
                let char_idx = self.rope.utf16_cu_to_char(target);
                let exact = self.rope.char_to_utf16_cu(char_idx) == target;
                Converted::new(self.rope.char_to_byte(char_idx), !exact)
            }
        }
    }

    /// Applies one change and returns the edit to give to tree-sitter's
    /// `Tree::edit`. Clamping of the change's range is silent; use
    /// [`Document::apply_change_checked`] to learn about it.
    pub fn apply_change(&mut self, change: &TextChange, encoding: PositionEncoding) -> InputEdit {
        self.apply_change_checked(change, encoding).value
    }

    /// Applies one change and returns the tree-sitter edit, flagged if the
    /// change's range had to be clamped (see [`Document::pos_to_offset`]; a
    /// reversed range is also reported and treated as its normalised form).
    ///
    /// A ranged change is interpreted against the current text. A full
    /// replacement (`range: None`) returns an edit covering the whole old
    /// text.
    pub fn apply_change_checked(
        &mut self,
        change: &TextChange,
        encoding: PositionEncoding,
    ) -> Converted<InputEdit> {
        match change.range {
            None => Converted::new(self.replace_all(&change.text), false),
            Some((start, end)) => {
                let start = self.pos_to_offset(start, encoding);
                let end = self.pos_to_offset(end, encoding);
                let mut clamped = start.clamped || end.clamped;
                let (mut start, mut end) = (start.value, end.value);
                if start > end {
                    std::mem::swap(&mut start, &mut end);
                    clamped = true;
                }
                Converted::new(self.splice(start, end, &change.text), clamped)
            }
        }
    }

    /// Applies the changes of one `didChange` notification in order, each
    /// range being interpreted against the text left by the previous change
    /// (LSP semantics). Returns one tree-sitter edit per change, in order;
    /// applying them to the old tree one after another keeps it in sync.
    pub fn apply_changes(
        &mut self,
        changes: &[TextChange],
        encoding: PositionEncoding,
    ) -> Vec<InputEdit> {
        self.apply_changes_checked(changes, encoding).value
    }

    /// Like [`Document::apply_changes`], flagged if any range was clamped.
    pub fn apply_changes_checked(
        &mut self,
        changes: &[TextChange],
        encoding: PositionEncoding,
    ) -> Converted<Vec<InputEdit>> {
        let mut clamped = false;
        let edits = changes
            .iter()
            .map(|change| {
                let applied = self.apply_change_checked(change, encoding);
                clamped |= applied.clamped;
                applied.value
            })
            .collect();
        Converted::new(edits, clamped)
    }

    /// Replaces the byte range `range` with `text` (a byte-level edit, e.g.
    /// for server-side rewrites) and returns the tree-sitter edit.
    ///
    /// Unlike an LSP range, a byte range may split a `\r\n` pair; the line
    /// table handles that. Ends past the text or inside a multi-byte
    /// character, and reversed ranges, are clamped and reported.
    pub fn replace_bytes(&mut self, range: Range<usize>, text: &str) -> Converted<InputEdit> {
        let mut clamped = false;
        let mut clamp = |byte: usize| {
            let bounded = byte.min(self.len_bytes());
            let floor = self.floor_char_boundary(bounded);
            clamped |= floor != byte;
            floor
        };
        let (mut start, mut end) = (clamp(range.start), clamp(range.end));
        if start > end {
            std::mem::swap(&mut start, &mut end);
            clamped = true;
        }
        Converted::new(self.splice(start, end, text), clamped)
    }

    /// Replaces the whole text and returns an edit covering all of the old
    /// text.
    pub fn replace_all(&mut self, text: &str) -> InputEdit {
        let old_end_byte = self.len_bytes();
        let old_end_position = self.point_at(old_end_byte);
        self.rope = Rope::from_str(text);
        self.line_starts = compute_line_starts(text);
        InputEdit {
            start_byte: 0,
            old_end_byte,
            new_end_byte: text.len(),
            start_position: Point::new(0, 0),
            old_end_position,
            new_end_position: self.point_at(text.len()),
        }
    }

    /// Replaces `start..old_end` (valid char boundaries, `start <= old_end
    /// <= len`) with `text`, patching the rope and the line table.
    fn splice(&mut self, start: usize, old_end: usize, text: &str) -> InputEdit {
        debug_assert!(start <= old_end && old_end <= self.len_bytes());
        let start_position = self.point_at(start);
        let old_end_position = self.point_at(old_end);
        // The neighbours of the edited region decide whether a `\r` next to
        // it pairs with a `\n` on the other side.
        let before = start.checked_sub(1).map(|i| self.rope.byte(i));
        let after = (old_end < self.len_bytes()).then(|| self.rope.byte(old_end));

        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(old_end);
        if end_char > start_char {
            self.rope.remove(start_char..end_char);
        }
        if !text.is_empty() {
            self.rope.insert(start_char, text);
        }

        // Line starts in `start..=old_end` depend on bytes that changed (or
        // on their neighbours); those before depend only on the unchanged
        // prefix and those after only on the unchanged suffix.
        let new_end = start + text.len();
        let mut fresh = Vec::new();
        push_line_starts(before, text.as_bytes(), after, start, &mut fresh);
        let lo = self.line_starts.partition_point(|&s| s < start);
        let hi = self.line_starts.partition_point(|&s| s <= old_end);
        let tail = lo + fresh.len();
        drop(self.line_starts.splice(lo..hi, fresh));
        if new_end != old_end {
            for line_start in &mut self.line_starts[tail..] {
                // Every shifted start is > old_end, so this cannot underflow.
                *line_start = *line_start - old_end + new_end;
            }
        }

        InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: self.point_at(new_end),
        }
    }

    /// End of line `line`'s content: the offset of its line break, or the
    /// end of the text for the last line.
    fn line_content_end(&self, line: usize) -> usize {
        match self.line_starts.get(line + 1) {
            None => self.len_bytes(),
            Some(&next) => {
                let crlf = next >= 2
                    && self.rope.byte(next - 1) == b'\n'
                    && self.rope.byte(next - 2) == b'\r';
                if crlf {
                    next - 2
                } else {
                    next - 1
                }
            }
        }
    }

    /// The largest char boundary `<= byte`, clamped to the end of the text.
    fn floor_char_boundary(&self, byte: usize) -> usize {
        if byte >= self.len_bytes() {
            return self.len_bytes();
        }
        self.rope.char_to_byte(self.rope.byte_to_char(byte))
    }

    /// The UTF-16 code-unit offset of a byte offset that is a char boundary.
    fn utf16_at(&self, byte: usize) -> usize {
        self.rope.char_to_utf16_cu(self.rope.byte_to_char(byte))
    }
}

/// Computes the line table of a whole text.
fn compute_line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    push_line_starts(None, text.as_bytes(), None, 0, &mut starts);
    starts
}

/// Pushes, in increasing order, every line start `q` with
/// `base <= q <= base + text.len()` for a document in which `text` sits at
/// offset `base`, preceded by the byte `before` (`None`: `base` is the start
/// of the document) and followed by the byte `after` (`None`: end of the
/// document).
///
/// A line starts at 0, after every `\n`, and after every `\r` that is not
/// immediately followed by `\n`.
fn push_line_starts(
    before: Option<u8>,
    text: &[u8],
    after: Option<u8>,
    base: usize,
    out: &mut Vec<usize>,
) {
    let first = text.first().copied().or(after);
    let starts_at_base = match before {
        None => true,
        Some(b'\n') => true,
        Some(b'\r') => first != Some(b'\n'),
        Some(_) => false,
    };
    if starts_at_base {
        out.push(base);
    }
    for (i, &byte) in text.iter().enumerate() {
        let is_break = match byte {
            b'\n' => true,
            b'\r' => text.get(i + 1).copied().or(after) != Some(b'\n'),
            _ => false,
        };
        if is_break {
            out.push(base + i + 1);
        }
    }
}

/// Saturating conversion for LSP's `u32` fields.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf16, Utf8};
    use super::*;
    use proptest::prelude::*;

    // ---------------------------------------------------------------------
    // Naive reference model over a plain `String`, written independently of
    // the implementation above (byte-by-byte scan, char-by-char counting).
    // ---------------------------------------------------------------------

    /// Lines as `(start, content_end)` byte pairs.
    fn naive_lines(s: &str) -> Vec<(usize, usize)> {
        let b = s.as_bytes();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            let break_len = match (b[i], b.get(i + 1)) {
                (b'\r', Some(b'\n')) => 2,
                (b'\r', _) | (b'\n', _) => 1,
                _ => 0,
            };
            if break_len > 0 {
                lines.push((start, i));
                i += break_len;
                start = i;
            } else {
                i += 1;
            }
        }
        lines.push((start, b.len()));
        lines
    }

    fn naive_line_starts(s: &str) -> Vec<usize> {
        naive_lines(s).into_iter().map(|(start, _)| start).collect()
    }

    fn width(c: char, enc: PositionEncoding) -> usize {
        match enc {
            Utf8 => c.len_utf8(),
            Utf16 => c.len_utf16(),
        }
    }

    fn naive_pos_to_offset(s: &str, pos: Pos, enc: PositionEncoding) -> (usize, bool) {
        let lines = naive_lines(s);
        let Some(&(start, end)) = lines.get(pos.line as usize) else {
            return (s.len(), true);
        };
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in s[start..end].char_indices() {
            if units == want {
                return (start + i, false);
            }
            if units + width(c, enc) > want {
                return (start + i, true);
            }
            units += width(c, enc);
        }
        (end, units != want)
    }

    fn naive_offset_to_pos(s: &str, byte: usize, enc: PositionEncoding) -> (Pos, bool) {
        let mut clamped = byte > s.len();
        let mut b = byte.min(s.len());
        while !s.is_char_boundary(b) {
            b -= 1;
            clamped = true;
        }
        let lines = naive_lines(s);
        let line = lines.iter().rposition(|&(start, _)| start <= b).unwrap();
        let (start, end) = lines[line];
        if b > end {
            b = end;
            clamped = true;
        }
        let character: usize = s[start..b].chars().map(|c| width(c, enc)).sum();
        (Pos::new(line as u32, character as u32), clamped)
    }

    fn naive_point(s: &str, byte: usize) -> Point {
        let starts = naive_line_starts(s);
        let row = starts.iter().rposition(|&start| start <= byte).unwrap();
        Point::new(row, byte - starts[row])
    }

    /// Checks every invariant of `doc` against the reference model of `s`.
    fn check_against(doc: &Document, s: &str) {
        assert_eq!(doc.text(), s);
        assert_eq!(doc.len_bytes(), s.len());
        assert_eq!(
            doc.line_starts,
            naive_line_starts(s),
            "line starts of {s:?}"
        );
        let lines = naive_lines(s);
        assert_eq!(doc.line_count(), lines.len());
        for (i, &(start, end)) in lines.iter().enumerate() {
            assert_eq!(doc.line_range(i), start..end, "line {i} of {s:?}");
        }
        let mut reassembled = Vec::new();
        while reassembled.len() < doc.len_bytes() {
            let chunk = doc.chunk_at(reassembled.len());
            assert!(!chunk.is_empty());
            reassembled.extend_from_slice(chunk);
        }
        assert_eq!(reassembled, s.as_bytes());
        assert!(doc.chunk_at(s.len()).is_empty());
    }

    fn pos(line: u32, character: u32) -> Pos {
        Pos::new(line, character)
    }

    fn edit(
        bytes: (usize, usize, usize),
        start: (usize, usize),
        old_end: (usize, usize),
        new_end: (usize, usize),
    ) -> InputEdit {
        InputEdit {
            start_byte: bytes.0,
            old_end_byte: bytes.1,
            new_end_byte: bytes.2,
            start_position: Point::new(start.0, start.1),
            old_end_position: Point::new(old_end.0, old_end.1),
            new_end_position: Point::new(new_end.0, new_end.1),
        }
    }

    // ---------------------------------------------------------------------
    // Unit tests
    // ---------------------------------------------------------------------

    #[test]
    fn line_starts_follow_lsp_breaks_only() {
        let cases: &[(&str, &[usize])] = &[
            ("", &[0]),
            ("abc", &[0]),
            ("a\n", &[0, 2]),
            ("a\nb", &[0, 2]),
            ("a\r\nb", &[0, 3]),
            ("a\rb", &[0, 2]),
            ("a\r", &[0, 2]),
            ("\r\r\n\n", &[0, 1, 3, 4]),
            ("\n\r", &[0, 1, 2]),
            ("x\r\n\r\ny", &[0, 3, 5]),
            // Unicode separators, NEL, VT and FF are not line breaks here.
            ("a\u{2028}b\u{2029}c\u{85}d\x0be\x0cf", &[0]),
            ("😀\nЖ\r中", &[0, 5, 8]),
        ];
        for &(text, expected) in cases {
            let doc = Document::new(text, 0);
            assert_eq!(doc.line_starts, expected, "text {text:?}");
            check_against(&doc, text);
        }
    }

    #[test]
    fn line_ranges_exclude_breaks_and_clamp() {
        let doc = Document::new("ab\r\ncd\reé\n", 0);
        assert_eq!(doc.line_count(), 4);
        assert_eq!(doc.line_range(0), 0..2);
        assert_eq!(doc.line_range(1), 4..6);
        assert_eq!(doc.line_range(2), 7..10);
        assert_eq!(doc.line_range(3), 11..11);
        assert_eq!(doc.line_range(4), 11..11);
        assert_eq!(doc.line_range(usize::MAX), 11..11);
        assert_eq!(doc.slice(doc.line_range(2)), "eé");
    }

    /// Text used by the conversion tables:
    ///
    /// ```text
    /// line 0: "a😀b"   bytes 0..6   then "\r\n"
    /// line 1: "Жж中"   bytes 8..15  then "\r"
    /// line 2: "x"      bytes 16..17 then "\n"
    /// line 3: ""       bytes 18..18
    /// ```
    const MIXED: &str = "a😀b\r\nЖж中\rx\n";

    #[test]
    fn offset_to_pos_table() {
        let doc = Document::new(MIXED, 0);
        // (byte, encoding, expected position, clamped)
        let cases: &[(usize, PositionEncoding, (u32, u32), bool)] = &[
            (0, Utf16, (0, 0), false),
            (0, Utf8, (0, 0), false),
            (1, Utf16, (0, 1), false),
            (5, Utf16, (0, 3), false), // after the emoji: 1 + 2 units
            (5, Utf8, (0, 5), false),
            (6, Utf16, (0, 4), false), // end of line 0
            (6, Utf8, (0, 6), false),
            (2, Utf16, (0, 1), true), // inside the emoji
            (4, Utf8, (0, 1), true),
            (7, Utf16, (0, 4), true), // between '\r' and '\n'
            (7, Utf8, (0, 6), true),
            (8, Utf16, (1, 0), false),
            (10, Utf16, (1, 1), false), // after 'Ж'
            (10, Utf8, (1, 2), false),
            (12, Utf16, (1, 2), false), // after 'ж'
            (13, Utf16, (1, 2), true),  // inside '中'
            (15, Utf16, (1, 3), false),
            (15, Utf8, (1, 7), false),
            (16, Utf16, (2, 0), false), // after the lone '\r'
            (17, Utf8, (2, 1), false),
            (18, Utf16, (3, 0), false), // the empty last line
            (19, Utf16, (3, 0), true),  // past the end
            (usize::MAX, Utf8, (3, 0), true),
        ];
        for &(byte, enc, (line, character), clamped) in cases {
            let got = doc.offset_to_pos(byte, enc);
            assert_eq!(
                got,
                Converted::new(pos(line, character), clamped),
                "byte {byte} in {enc:?}"
            );
        }
    }

    #[test]
    fn pos_to_offset_table() {
        let doc = Document::new(MIXED, 0);
        // (position, encoding, expected byte, clamped)
        let cases: &[((u32, u32), PositionEncoding, usize, bool)] = &[
            ((0, 0), Utf16, 0, false),
            ((0, 1), Utf16, 1, false),
            ((0, 2), Utf16, 1, true), // inside the surrogate pair
            ((0, 3), Utf16, 5, false),
            ((0, 4), Utf16, 6, false),
            ((0, 5), Utf16, 6, true), // past the end of the line
            ((0, 2), Utf8, 1, true),  // inside the emoji's UTF-8 bytes
            ((0, 3), Utf8, 1, true),
            ((0, 4), Utf8, 1, true),
            ((0, 5), Utf8, 5, false),
            ((0, 6), Utf8, 6, false),
            ((0, 7), Utf8, 6, true), // would land between '\r' and '\n'
            ((1, 0), Utf16, 8, false),
            ((1, 1), Utf16, 10, false),
            ((1, 1), Utf8, 8, true), // inside 'Ж'
            ((1, 3), Utf16, 15, false),
            ((1, 4), Utf16, 15, true), // would land on '\r'
            ((1, 7), Utf8, 15, false),
            ((2, 0), Utf8, 16, false),
            ((2, 1), Utf16, 17, false),
            ((2, u32::MAX), Utf16, 17, true),
            ((2, u32::MAX), Utf8, 17, true),
            ((3, 0), Utf16, 18, false),
            ((3, 1), Utf16, 18, true),
            ((4, 0), Utf16, 18, true), // line past the end
            ((u32::MAX, u32::MAX), Utf8, 18, true),
        ];
        for &((line, character), enc, byte, clamped) in cases {
            let got = doc.pos_to_offset(pos(line, character), enc);
            assert_eq!(
                got,
                Converted::new(byte, clamped),
                "position {line}:{character} in {enc:?}"
            );
        }
    }

    #[test]
    fn conversions_round_trip_on_every_char_boundary() {
        let text = "Привет, 世界!\r\n😀😀 a😀b\r\r\n\nend é";
        let doc = Document::new(text, 0);
        for enc in [Utf8, Utf16] {
            for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let p = doc.offset_to_pos(byte, enc);
                assert_eq!((p.value, p.clamped), naive_offset_to_pos(text, byte, enc));
                if !p.clamped {
                    assert_eq!(doc.pos_to_offset(p.value, enc), Converted::new(byte, false));
                }
            }
        }
    }

    #[test]
    fn empty_document() {
        let doc = Document::new("", 3);
        assert_eq!(doc.version(), 3);
        assert!(doc.is_empty());
        assert_eq!(doc.line_count(), 1);
        assert_eq!(doc.line_range(0), 0..0);
        assert_eq!(
            doc.offset_to_pos(0, Utf16),
            Converted::new(pos(0, 0), false)
        );
        assert_eq!(doc.pos_to_offset(pos(0, 0), Utf8), Converted::new(0, false));
        assert_eq!(doc.pos_to_offset(pos(0, 1), Utf8), Converted::new(0, true));
        assert_eq!(doc.pos_to_offset(pos(1, 0), Utf8), Converted::new(0, true));
        assert!(doc.chunk_at(0).is_empty());
        assert_eq!(doc.slice(0..10), "");
    }

    #[test]
    fn shared_text_is_the_whole_text() {
        assert_eq!(&*Document::new("", 0).shared_text(), "");
        // Many rope chunks, multi-byte characters at their edges.
        let text = "é中😀 line\r\n".repeat(5_000);
        let mut doc = Document::new(&text, 0);
        assert_eq!(&*doc.shared_text(), text);
        doc.apply_change(
            &TextChange::replace(pos(2_500, 3), pos(2_500, 3), "é😀x"),
            Utf8,
        );
        assert_eq!(&*doc.shared_text(), doc.text());
    }

    #[test]
    fn insert_newline_right_after_existing_cr_joins_the_break() {
        // "a\rb": the lone '\r' ends line 0; position 1:0 is just after it.
        let mut doc = Document::new("a\rb", 0);
        let got = doc.apply_change(&TextChange::replace(pos(1, 0), pos(1, 0), "\n"), Utf16);
        check_against(&doc, "a\r\nb");
        assert_eq!(doc.line_starts, [0, 3]);
        assert_eq!(got, edit((2, 2, 3), (1, 0), (1, 0), (1, 0)));
        assert_eq!(doc.offset_to_pos(3, Utf16).value, pos(1, 0));

        // Same at the very end of the text.
        let mut doc = Document::new("a\r", 0);
        doc.apply_change(&TextChange::replace(pos(1, 0), pos(1, 0), "\n"), Utf8);
        check_against(&doc, "a\r\n");
        assert_eq!(doc.line_starts, [0, 3]);
    }

    #[test]
    fn insert_cr_right_before_existing_newline_joins_the_break() {
        let mut doc = Document::new("a\nb", 0);
        let got = doc.apply_change(&TextChange::replace(pos(0, 1), pos(0, 1), "\r"), Utf16);
        check_against(&doc, "a\r\nb");
        assert_eq!(got, edit((1, 1, 2), (0, 1), (0, 1), (0, 2)));
    }

    #[test]
    fn deleting_the_newline_of_crlf() {
        // Byte-level: remove only the '\n'; the '\r' becomes a lone break.
        let mut doc = Document::new("a\r\nb\r\nc", 0);
        let got = doc.replace_bytes(2..3, "");
        assert!(!got.clamped);
        check_against(&doc, "a\rb\r\nc");
        assert_eq!(doc.line_starts, [0, 2, 5]);
        assert_eq!(got.value, edit((2, 3, 2), (0, 2), (1, 0), (1, 0)));

        // LSP-level: positions cannot address the middle of "\r\n", so a
        // client replaces the whole break with "\r".
        let mut doc = Document::new("a\r\nb\r\nc", 0);
        let got = doc.apply_change(&TextChange::replace(pos(0, 1), pos(1, 0), "\r"), Utf16);
        check_against(&doc, "a\rb\r\nc");
        assert_eq!(got, edit((1, 3, 2), (0, 1), (1, 0), (1, 0)));

        // Deleting the '\r' of "\r\n" keeps one break.
        let mut doc = Document::new("a\r\nb", 0);
        doc.replace_bytes(1..2, "");
        check_against(&doc, "a\nb");
    }

    #[test]
    fn splitting_crlf_creates_two_breaks() {
        let mut doc = Document::new("a\r\nb", 0);
        let got = doc.replace_bytes(2..2, "x");
        check_against(&doc, "a\rx\nb");
        assert_eq!(doc.line_starts, [0, 2, 4]);
        assert_eq!(got.value, edit((2, 2, 3), (0, 2), (0, 2), (1, 1)));
        // ... and removing the inserted char joins them again.
        doc.replace_bytes(2..3, "");
        check_against(&doc, "a\r\nb");
    }

    #[test]
    fn single_changes_table() {
        // (initial text, encoding, change range, inserted text, expected
        // text, expected edit bytes)
        type Case = (
            &'static str,
            PositionEncoding,
            ((u32, u32), (u32, u32)),
            &'static str,
            &'static str,
            (usize, usize, usize),
        );
        let cases: &[Case] = &[
            ("abc", Utf16, ((0, 1), (0, 2)), "X", "aXc", (1, 2, 2)),
            ("a😀b", Utf16, ((0, 1), (0, 3)), "", "ab", (1, 5, 1)),
            ("a😀b", Utf8, ((0, 1), (0, 5)), "é", "aéb", (1, 5, 3)),
            (
                "a😀b",
                Utf16,
                ((0, 3), (0, 3)),
                "\r\n",
                "a😀\r\nb",
                (5, 5, 7),
            ),
            ("Жж\n中", Utf16, ((0, 1), (1, 1)), "", "Ж", (2, 8, 2)),
            (
                "l1\r\nl2\rl3\nl4",
                Utf16,
                ((1, 1), (3, 1)),
                "",
                "l1\r\nl4",
                (5, 11, 5),
            ),
            ("abc", Utf16, ((0, 1), (5, 0)), "", "a", (1, 3, 1)),
            ("abc", Utf16, ((0, 2), (0, 1)), "", "ac", (1, 2, 1)), // reversed
            ("", Utf8, ((0, 0), (0, 0)), "😀\r", "😀\r", (0, 0, 5)),
        ];
        for &(text, enc, ((sl, sc), (el, ec)), insert, expected, bytes) in cases {
            let mut doc = Document::new(text, 0);
            let change = TextChange::replace(pos(sl, sc), pos(el, ec), insert);
            let got = doc.apply_change(&change, enc);
            check_against(&doc, expected);
            assert_eq!(
                (got.start_byte, got.old_end_byte, got.new_end_byte),
                bytes,
                "{text:?}"
            );
            assert_eq!(got.start_position, naive_point(text, bytes.0));
            assert_eq!(got.old_end_position, naive_point(text, bytes.1));
            assert_eq!(got.new_end_position, naive_point(expected, bytes.2));
        }
    }

    #[test]
    fn clamping_is_reported_by_checked_apply() {
        let mut doc = Document::new("a😀b", 0);
        let ok = doc.apply_change_checked(&TextChange::replace(pos(0, 0), pos(0, 1), "x"), Utf16);
        assert!(!ok.clamped);
        let mid = doc.apply_change_checked(&TextChange::replace(pos(0, 2), pos(0, 2), "y"), Utf16);
        assert!(mid.clamped);
        check_against(&doc, "xy😀b");
        let past = doc.apply_change_checked(&TextChange::replace(pos(9, 0), pos(9, 9), "!"), Utf16);
        assert!(past.clamped);
        check_against(&doc, "xy😀b!");
        let batch = doc.apply_changes_checked(
            &[
                TextChange::replace(pos(0, 0), pos(0, 0), "1"),
                TextChange::replace(pos(0, 99), pos(0, 99), "2"),
            ],
            Utf8,
        );
        assert!(batch.clamped);
        check_against(&doc, "1xy😀b!2");
    }

    #[test]
    fn multi_change_notification_applies_sequentially() {
        let mut doc = Document::new("hello\nworld", 1);
        let changes = [
            // Insert at the start: shifts everything after.
            TextChange::replace(pos(0, 0), pos(0, 0), "X"),
            // This range refers to the text after the first change.
            TextChange::replace(pos(1, 0), pos(1, 5), "W"),
            // Creates a new line ...
            TextChange::replace(pos(1, 1), pos(1, 1), "\r\n😀z"),
            // ... which the next change addresses (after the emoji).
            TextChange::replace(pos(2, 2), pos(2, 3), "Ж"),
        ];
        let edits = doc.apply_changes(&changes, Utf16);
        check_against(&doc, "Xhello\nW\r\n😀Ж");
        assert_eq!(
            edits,
            [
                edit((0, 0, 1), (0, 0), (0, 0), (0, 1)),
                edit((7, 12, 8), (1, 0), (1, 5), (1, 1)),
                edit((8, 8, 15), (1, 1), (1, 1), (2, 5)),
                edit((14, 15, 16), (2, 4), (2, 5), (2, 6)),
            ]
        );
        doc.set_version(2);
        assert_eq!(doc.version(), 2);
    }

    #[test]
    fn full_replacement_covers_old_text() {
        let mut doc = Document::new("old\r\ntext😀", 0);
        let edits = doc.apply_changes(
            &[
                TextChange::replace(pos(0, 0), pos(0, 0), ">"),
                TextChange::full("new\rtext\n"),
                TextChange::replace(pos(2, 0), pos(2, 0), "!"),
            ],
            Utf16,
        );
        check_against(&doc, "new\rtext\n!");
        assert_eq!(edits[1], edit((0, 14, 9), (0, 0), (1, 8), (2, 0)));
        assert_eq!(edits[2], edit((9, 9, 10), (2, 0), (2, 0), (2, 1)));
    }

    #[test]
    // Reversed ranges are deliberate here: they must be clamped.
    #[allow(clippy::reversed_empty_ranges)]
    fn replace_bytes_clamps() {
        let mut doc = Document::new("a😀b", 0);
        let got = doc.replace_bytes(3..100, "");
        assert!(got.clamped);
        check_against(&doc, "a");
        // A reversed range is normalised (and reported).
        let got = doc.replace_bytes(1..0, "z");
        assert!(got.clamped);
        check_against(&doc, "z");
        let got = doc.replace_bytes(0..0, "é");
        assert!(!got.clamped);
        let got = doc.replace_bytes(1..1, "y"); // inside 'é'
        assert!(got.clamped);
        check_against(&doc, "yéz");
    }

    #[test]
    // Reversed ranges are deliberate here: they must be clamped.
    #[allow(clippy::reversed_empty_ranges)]
    fn slice_and_chunks() {
        let doc = Document::new("a😀b\r\nc", 0);
        assert_eq!(doc.slice(1..5), "😀");
        assert_eq!(doc.slice(2..5), "😀"); // start inside the emoji
        assert_eq!(doc.slice(2..6), "😀b");
        assert_eq!(doc.slice(0..3), "a"); // end inside the emoji
        assert_eq!(doc.slice(5..1), "");
        assert_eq!(doc.slice(7..99), "\nc");
        assert_eq!(doc.chunk_at(6), b"\r\nc");
        assert_eq!(doc.chunk_at(8), b"c");
        assert!(doc.chunk_at(9).is_empty());
        assert!(doc.chunk_at(usize::MAX).is_empty());
    }

    #[test]
    fn large_document_chunks_and_keystrokes() {
        let line = "2024-01-01 event Привет 😀 world\r\n";
        let mut text: String = (0..20_000)
            .map(|i| {
                if i % 3 == 0 {
                    line.replace("\r\n", "\n")
                } else {
                    line.to_owned()
                }
            })
            .collect();
        let mut doc = Document::new(&text, 0);
        assert!(doc.rope().chunks().count() > 1, "need a multi-chunk rope");
        // Random access reads return a non-empty prefix of the rest.
        for byte in (0..text.len()).step_by(997) {
            let chunk = doc.chunk_at(byte);
            assert!(!chunk.is_empty());
            assert!(text.as_bytes()[byte..].starts_with(chunk));
        }
        // Type and delete in the middle of the file, one keystroke at a time.
        for (i, key) in "ab\r\ncd\re😀\n".chars().cycle().take(400).enumerate() {
            let p = pos(10_000, (i % 7) as u32);
            let at = naive_pos_to_offset(&text, p, Utf16).0;
            let s = key.to_string();
            doc.apply_change(&TextChange::replace(p, p, s.clone()), Utf16);
            text.insert_str(at, &s);
            if i % 5 == 4 {
                let end = pos(10_000, 2);
                let to = naive_pos_to_offset(&text, end, Utf16).0;
                let from = naive_pos_to_offset(&text, pos(10_000, 0), Utf16).0;
                doc.apply_change(&TextChange::replace(pos(10_000, 0), end, ""), Utf16);
                text.replace_range(from..to, "");
            }
        }
        assert_eq!(doc.line_starts, naive_line_starts(&text));
        assert_eq!(doc.text(), text);
    }

    #[test]
    fn negotiation() {
        assert_eq!(PositionEncoding::negotiate(["utf-16", "utf-8"]), Utf8);
        assert_eq!(PositionEncoding::negotiate(["utf-32", "utf-16"]), Utf16);
        assert_eq!(PositionEncoding::negotiate([]), Utf16);
        assert_eq!(PositionEncoding::default(), Utf16);
        assert_eq!(Utf8.as_lsp_str(), "utf-8");
        assert_eq!(Utf16.as_lsp_str(), "utf-16");
    }

    // ---------------------------------------------------------------------
    // Property test
    // ---------------------------------------------------------------------

    /// Pieces from which random texts are built.
    const PIECES: &[&str] = &["\r", "\n", "é", "😀", "a", "\r\n", "中"];

    fn piece_text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
    }

    /// A position, either raw (often out of range) or derived from a char
    /// boundary of the text current at that point of the sequence.
    #[derive(Debug, Clone)]
    enum PosSpec {
        Raw(u32, u32),
        AtBoundary(prop::sample::Index),
    }

    fn pos_spec() -> impl Strategy<Value = PosSpec> {
        prop_oneof![
            1 => (0u32..8, 0u32..10).prop_map(|(l, c)| PosSpec::Raw(l, c)),
            3 => any::<prop::sample::Index>().prop_map(PosSpec::AtBoundary),
        ]
    }

    #[derive(Debug, Clone)]
    enum ChangeSpec {
        Range(PosSpec, PosSpec, String),
        Full(String),
    }

    fn change_spec() -> impl Strategy<Value = ChangeSpec> {
        prop_oneof![
            12 => (pos_spec(), pos_spec(), piece_text(5))
                .prop_map(|(a, b, t)| ChangeSpec::Range(a, b, t)),
            1 => piece_text(12).prop_map(ChangeSpec::Full),
        ]
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// One `didChange` notification.
        Notify(bool, Vec<ChangeSpec>),
        /// A byte-level edit between two char boundaries (may split CRLF).
        Bytes(prop::sample::Index, prop::sample::Index, String),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (any::<bool>(), prop::collection::vec(change_spec(), 1..5))
                .prop_map(|(utf8, changes)| Step::Notify(utf8, changes)),
            1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), piece_text(4))
                .prop_map(|(a, b, t)| Step::Bytes(a, b, t)),
        ]
    }

    fn boundaries(s: &str) -> Vec<usize> {
        s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
    }

    /// Applies `spec` to the reference string and returns the LSP change,
    /// the expected edit and whether clamping is expected.
    fn apply_reference(
        s: &mut String,
        spec: &ChangeSpec,
        enc: PositionEncoding,
    ) -> (TextChange, InputEdit, bool) {
        let old = s.clone();
        let resolve = |p: &PosSpec| match p {
            PosSpec::Raw(l, c) => pos(*l, *c),
            PosSpec::AtBoundary(i) => naive_offset_to_pos(&old, *i.get(&boundaries(&old)), enc).0,
        };
        let (change, start, end, clamped) = match spec {
            ChangeSpec::Full(t) => (TextChange::full(t.clone()), 0, old.len(), false),
            ChangeSpec::Range(a, b, t) => {
                let (a, b) = (resolve(a), resolve(b));
                let (x, cx) = naive_pos_to_offset(&old, a, enc);
                let (y, cy) = naive_pos_to_offset(&old, b, enc);
                let change = TextChange::replace(a, b, t.clone());
                (change, x.min(y), x.max(y), cx || cy || x > y)
            }
        };
        s.replace_range(start..end, &change.text);
        let new_end = start + change.text.len();
        let expected = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position: naive_point(&old, start),
            old_end_position: naive_point(&old, end),
            new_end_position: naive_point(s, new_end),
        };
        (change, expected, clamped)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn random_edits_match_plain_string(
            initial in piece_text(16),
            steps in prop::collection::vec(step(), 1..12),
        ) {
            let mut doc = Document::new(&initial, 0);
            let mut reference = initial.clone();
            check_against(&doc, &reference);
            for step in &steps {
                match step {
                    Step::Notify(utf8, specs) => {
                        let enc = if *utf8 { Utf8 } else { Utf16 };
                        let mut changes = Vec::new();
                        let mut expected_edits = Vec::new();
                        let mut expected_clamped = false;
                        for spec in specs {
                            let (change, edit, clamped) =
                                apply_reference(&mut reference, spec, enc);
                            changes.push(change);
                            expected_edits.push(edit);
                            expected_clamped |= clamped;
                        }
                        let got = doc.apply_changes_checked(&changes, enc);
                        prop_assert_eq!(got.value, expected_edits);
                        prop_assert_eq!(got.clamped, expected_clamped);
                    }
                    Step::Bytes(a, b, text) => {
                        let bounds = boundaries(&reference);
                        let (x, y) = (*a.get(&bounds), *b.get(&bounds));
                        let (x, y) = (x.min(y), x.max(y));
                        let old = reference.clone();
                        reference.replace_range(x..y, text);
                        let got = doc.replace_bytes(x..y, text);
                        prop_assert!(!got.clamped);
                        prop_assert_eq!(got.value.start_position, naive_point(&old, x));
                        prop_assert_eq!(got.value.old_end_position, naive_point(&old, y));
                        prop_assert_eq!(
                            got.value.new_end_position,
                            naive_point(&reference, x + text.len())
                        );
                    }
                }
                // (a) same text as the plain String; (b) same line starts as
                // a fresh recomputation.
                prop_assert_eq!(doc.text(), reference.clone());
                prop_assert_eq!(&doc.line_starts, &compute_line_starts(&reference));
                prop_assert_eq!(&doc.line_starts, &naive_line_starts(&reference));
                check_against(&doc, &reference);
            }
            // Conversions agree with the reference on every char boundary.
            for enc in [Utf8, Utf16] {
                for byte in boundaries(&reference) {
                    let p = doc.offset_to_pos(byte, enc);
                    prop_assert_eq!((p.value, p.clamped), naive_offset_to_pos(&reference, byte, enc));
                    let back = doc.pos_to_offset(p.value, enc);
                    prop_assert_eq!((back.value, back.clamped), naive_pos_to_offset(&reference, p.value, enc));
                }
            }
        }

        #[test]
        fn random_positions_convert_like_reference(
            text in piece_text(24),
            line in 0u32..12,
            character in 0u32..16,
            byte in 0usize..80,
        ) {
            let doc = Document::new(&text, 0);
            for enc in [Utf8, Utf16] {
                let got = doc.pos_to_offset(pos(line, character), enc);
                prop_assert_eq!((got.value, got.clamped), naive_pos_to_offset(&text, pos(line, character), enc));
                let got = doc.offset_to_pos(byte, enc);
                prop_assert_eq!((got.value, got.clamped), naive_offset_to_pos(&text, byte, enc));
            }
        }
    }
}
