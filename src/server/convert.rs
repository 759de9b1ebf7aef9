//! Conversions between the analysis and the protocol: byte offsets ↔ LSP
//! positions in the negotiated encoding (for open documents and for files of
//! a snapshot alike), analysis diagnostics → LSP diagnostics, and file keys
//! ↔ URIs.
//!
//! Every conversion clamps out-of-range input (a position past the end of a
//! line or of the file, inside a character or a `\r\n`) to the nearest valid
//! place and never panics; the `*_logged` forms log the clamping.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;
use tracing::debug;

use super::text::{Converted, Document, Pos, PositionEncoding};
use crate::analysis::{self, Code, FileData, Severity, Snapshot};
use crate::syntax::lines;

/// Something whose byte offsets and positions convert into each other.
pub trait Positions {
    fn offset_to_pos(&self, byte: usize, encoding: PositionEncoding) -> Converted<Pos>;
    fn pos_to_offset(&self, pos: Pos, encoding: PositionEncoding) -> Converted<usize>;
}

impl Positions for Document {
    fn offset_to_pos(&self, byte: usize, encoding: PositionEncoding) -> Converted<Pos> {
        Document::offset_to_pos(self, byte, encoding)
    }

    fn pos_to_offset(&self, pos: Pos, encoding: PositionEncoding) -> Converted<usize> {
        Document::pos_to_offset(self, pos, encoding)
    }
}

/// A file of a snapshot: its text and its lazily computed line table. The
/// same clamping rules as [`Document`].
impl Positions for FileData {
    fn offset_to_pos(&self, byte: usize, encoding: PositionEncoding) -> Converted<Pos> {
        offset_to_pos_in(&self.text, self.line_starts(), byte, encoding)
    }

    fn pos_to_offset(&self, pos: Pos, encoding: PositionEncoding) -> Converted<usize> {
        pos_to_offset_in(&self.text, self.line_starts(), pos, encoding)
    }
}

/// The end of a line's content: where its line break starts.
fn content_end(text: &str, starts: &[usize], line: usize) -> usize {
    match starts.get(line + 1) {
        None => text.len(),
        Some(&next) if next >= 2 && &text.as_bytes()[next - 2..next] == b"\r\n" => next - 2,
        Some(&next) => next - 1,
    }
}

/// A byte offset of `text` (with its [`lines::line_starts`]) as a position.
pub fn offset_to_pos_in(
    text: &str,
    starts: &[usize],
    byte: usize,
    encoding: PositionEncoding,
) -> Converted<Pos> {
    let (offset, clamped) = clamp_offset(text, byte);
    let line = lines::line_of(starts, offset);
    finish_pos(text, starts, offset, line, clamped, encoding)
}

/// `byte` moved into `text` and back to a char boundary; whether it moved.
fn clamp_offset(text: &str, byte: usize) -> (usize, bool) {
    let mut offset = byte.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    (offset, offset != byte)
}

/// The line holding `byte`, searched forward from line `hint` when `byte`
/// is at or after it (galloping: O(log distance)), else from the start.
fn line_near(starts: &[usize], hint: usize, byte: usize) -> usize {
    if starts.get(hint).is_none_or(|&s| s > byte) {
        return lines::line_of(starts, byte);
    }
    let mut lo = hint;
    let mut step = 1;
    while lo + step < starts.len() && starts[lo + step] <= byte {
        lo += step;
        step *= 2;
    }
    let hi = (lo + step).min(starts.len());
    lo + starts[lo..hi].partition_point(|&s| s <= byte) - 1
}

/// Converts many byte ranges of one file of a snapshot, fastest when they
/// come in increasing order (each search starts from the previous line):
/// a file's references, highlights or edits. The same results as
/// [`range_to_lsp`].
pub struct RangeCursor<'a> {
    text: &'a str,
    starts: &'a [usize],
    encoding: PositionEncoding,
    line: usize,
}

impl<'a> RangeCursor<'a> {
    pub fn new(file: &'a FileData, encoding: PositionEncoding) -> Self {
        Self::over(&file.text, file.line_starts(), encoding)
    }

    /// Over `text` with its [`lines::line_starts`].
    pub fn over(text: &'a str, starts: &'a [usize], encoding: PositionEncoding) -> Self {
        RangeCursor {
            text,
            starts,
            encoding,
            line: 0,
        }
    }

    fn pos(&mut self, byte: usize) -> Pos {
        let (offset, clamped) = clamp_offset(self.text, byte);
        self.pos_of(offset, clamped)
    }

    /// [`RangeCursor::pos`] of an offset already clamped to a character
    /// boundary.
    fn pos_of(&mut self, offset: usize, clamped: bool) -> Pos {
        self.line = line_near(self.starts, self.line, offset);
        finish_pos(
            self.text,
            self.starts,
            offset,
            self.line,
            clamped,
            self.encoding,
        )
        .value
    }

    pub fn range(&mut self, bytes: Range<usize>) -> lsp::Range {
        let (start_offset, start_clamped) = clamp_offset(self.text, bytes.start);
        let start = self.pos_of(start_offset, start_clamped);
        let end_byte = bytes.end.max(bytes.start);
        // Most ranges (a reference, an ID) end on the line they start on,
        // before its end: the end is the start plus the range's own width,
        // without finding the line and counting from its start again.
        if !start_clamped && self.text.is_char_boundary(end_byte.min(self.text.len())) {
            let line_end = content_end(self.text, self.starts, self.line);
            if start_offset <= line_end && end_byte <= line_end {
                let between = &self.text[start_offset..end_byte];
                let width = match self.encoding {
                    PositionEncoding::Utf8 => between.len(),
                    PositionEncoding::Utf16 => utf16_len(between),
                };
                let end = Pos::new(start.line, start.character + to_u32(width));
                return lsp::Range::new(position(start), position(end));
            }
        }
        let end = self.pos(end_byte);
        lsp::Range::new(position(start), position(end))
    }
}

/// The position of `offset` (a char boundary of `text`) on `line`.
fn finish_pos(
    text: &str,
    starts: &[usize],
    mut offset: usize,
    line: usize,
    mut clamped: bool,
    encoding: PositionEncoding,
) -> Converted<Pos> {
    let start = starts[line];
    let end = content_end(text, starts, line);
    if offset > end {
        offset = end;
        clamped = true;
    }
    let character = match encoding {
        PositionEncoding::Utf8 => offset - start,
        PositionEncoding::Utf16 => utf16_len(&text[start..offset]),
    };
    Converted {
        value: Pos::new(to_u32(line), to_u32(character)),
        clamped,
    }
}

/// How many UTF-16 code units `s` takes: one per character, two for a
/// character beyond the BMP (a 4-byte UTF-8 sequence). Counted on the
/// bytes (a leading byte starts a character; `0xF0..` starts a 4-byte one),
/// which the compiler vectorises: decoding each character took most of the
/// time of converting 10,000 positions.
pub fn utf16_len(s: &str) -> usize {
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// A position as a byte offset of `text` (with its [`lines::line_starts`]).
pub fn pos_to_offset_in(
    text: &str,
    starts: &[usize],
    pos: Pos,
    encoding: PositionEncoding,
) -> Converted<usize> {
    let line = pos.line as usize;
    let Some(&start) = starts.get(line) else {
        return Converted {
            value: text.len(),
            clamped: true,
        };
    };
    let end = content_end(text, starts, line);
    let want = pos.character as usize;
    let (value, clamped) = match encoding {
        PositionEncoding::Utf8 => {
            let target = start.saturating_add(want);
            if target > end {
                (end, true)
            } else {
                let mut offset = target;
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                (offset, offset != target)
            }
        }
        PositionEncoding::Utf16 => {
            let mut units = 0;
            let mut found = None;
            for (i, c) in text[start..end].char_indices() {
                if units == want {
                    found = Some((start + i, false));
                    break;
                }
                if units + c.len_utf16() > want {
                    found = Some((start + i, true));
                    break;
                }
                units += c.len_utf16();
            }
            found.unwrap_or((end, units != want))
        }
    };
    Converted { value, clamped }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// An LSP position from the text model's.
pub fn position(pos: Pos) -> lsp::Position {
    lsp::Position::new(pos.line, pos.character)
}

/// The text model's position from an LSP one.
pub fn pos(position: lsp::Position) -> Pos {
    Pos::new(position.line, position.character)
}

/// A byte range as an LSP range (clamped silently: the analysis produces
/// ranges of the same text, so clamping only hides an analysis bug).
pub fn range_to_lsp(
    file: &(impl Positions + ?Sized),
    bytes: Range<usize>,
    encoding: PositionEncoding,
) -> lsp::Range {
    let start = file.offset_to_pos(bytes.start, encoding).value;
    let end = file
        .offset_to_pos(bytes.end.max(bytes.start), encoding)
        .value;
    lsp::Range::new(position(start), position(end))
}

/// An LSP position from the client as a byte offset; out-of-range positions
/// are clamped and logged at debug level.
pub fn pos_to_offset(
    file: &(impl Positions + ?Sized),
    position: lsp::Position,
    encoding: PositionEncoding,
) -> usize {
    let converted = file.pos_to_offset(pos(position), encoding);
    if converted.clamped {
        debug!(
            line = position.line,
            character = position.character,
            offset = converted.value,
            "position out of range or inside a character; clamped"
        );
    }
    converted.value
}

/// An LSP range from the client as a byte range (clamped, ordered).
pub fn lsp_range_to_bytes(
    file: &(impl Positions + ?Sized),
    range: lsp::Range,
    encoding: PositionEncoding,
) -> Range<usize> {
    let a = pos_to_offset(file, range.start, encoding);
    let b = pos_to_offset(file, range.end, encoding);
    a.min(b)..a.max(b)
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// An analysis diagnostic of `file` as an LSP diagnostic: code, source
/// "chronicle", severity, related information (located in whichever file of
/// the snapshot it points at) and tags.
pub fn diagnostic(
    snap: &Snapshot,
    file: &FileData,
    d: &analysis::Diagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let related: Vec<_> = d
        .related
        .iter()
        .filter_map(|r| {
            let other = snap.file(r.file)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(
                    uri_of_key(&other.key)?,
                    range_to_lsp(&**other, r.range.clone(), encoding),
                ),
                message: r.message.clone(),
            })
        })
        .collect();
    let tags = match d.code {
        Code::UnusedDefinition => Some(vec![lsp::DiagnosticTag::UNNECESSARY]),
        _ => None,
    };
    lsp::Diagnostic {
        range: range_to_lsp(file, d.range.clone(), encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("chronicle".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

/// A diagnostic about a whole file that is not analysed (too large, not
/// UTF-8): at the start of the file.
pub fn file_diagnostic(d: &analysis::Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("chronicle".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

fn is_file_uri(uri: &lsp::Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}

/// The key under which a document or file is known to the analysis: the
/// URI, normalised for `file:` URIs (so that an editor's spelling and one
/// made from a path found on disk agree, e.g. on percent-encoding).
pub fn key_of_uri(uri: &lsp::Uri) -> Arc<str> {
    if is_file_uri(uri) {
        if let Some(normal) = uri.to_file_path().and_then(lsp::Uri::from_file_path) {
            return Arc::from(normal.as_str());
        }
    }
    Arc::from(uri.as_str())
}

/// The key of a file found on disk (an absolute path).
pub fn key_of_path(path: &Path) -> Option<Arc<str>> {
    lsp::Uri::from_file_path(path).map(|u| Arc::from(u.as_str()))
}

/// The URI of a key.
pub fn uri_of_key(key: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(key).ok()
}

/// The path of a `file:` key or URI.
pub fn path_of_key(key: &str) -> Option<PathBuf> {
    let uri = uri_of_key(key)?;
    if !is_file_uri(&uri) {
        return None;
    }
    uri.to_file_path().map(Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_len_counts_code_units() {
        for s in [
            "",
            "ascii only",
            "Türkiye — «quoted»",
            "emoji 😀 and 𝄞 clef",
            "日本語のテキスト",
            "mixed é😀z\u{10FFFF}\u{FFFF}\u{80}",
        ] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s}");
            for (i, _) in s.char_indices() {
                assert_eq!(utf16_len(&s[..i]), s[..i].encode_utf16().count());
            }
        }
    }
    use proptest::prelude::*;
    use PositionEncoding::{Utf16, Utf8};

    const PIECES: &[&str] = &["\r", "\n", "é", "😀", "a", "\r\n", "中", "\u{2028}"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Conversions over a snapshot's text agree with the open-document
        /// text model, clamping included.
        #[test]
        fn text_conversions_agree_with_the_document_model(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..20),
            line in 0u32..10,
            character in 0u32..12,
            byte in 0usize..60,
        ) {
            let text = pieces.concat();
            let starts = lines::line_starts(&text);
            let doc = Document::new(&text, 0);
            for enc in [Utf8, Utf16] {
                let p = Pos::new(line, character);
                prop_assert_eq!(pos_to_offset_in(&text, &starts, p, enc), doc.pos_to_offset(p, enc));
                prop_assert_eq!(offset_to_pos_in(&text, &starts, byte, enc), doc.offset_to_pos(byte, enc));
            }
        }

        /// A cursor converts ranges as one-off conversions do, in any order
        /// (it is fastest in increasing order).
        #[test]
        fn range_cursor_agrees_with_one_off_conversions(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40),
            mut ranges in prop::collection::vec((0usize..90, 0usize..90), 0..30),
            sorted in any::<bool>(),
        ) {
            let text = pieces.concat();
            let starts = lines::line_starts(&text);
            if sorted {
                ranges.sort();
            }
            for enc in [Utf8, Utf16] {
                let mut cursor = RangeCursor::over(&text, &starts, enc);
                for &(a, b) in &ranges {
                    let one = |byte| position(offset_to_pos_in(&text, &starts, byte, enc).value);
                    let want = lsp::Range::new(one(a), one(b.max(a)));
                    prop_assert_eq!(cursor.range(a..b), want);
                }
            }
        }
    }

    #[test]
    fn keys_of_file_uris_are_normalised() {
        let a = lsp::Uri::from_str("file:///tmp/a%20b/c.chron").unwrap();
        let b = lsp::Uri::from_str("file:///tmp/a b/c.chron");
        let from_path = key_of_path(Path::new("/tmp/a b/c.chron")).unwrap();
        assert_eq!(key_of_uri(&a), from_path);
        if let Ok(b) = b {
            assert_eq!(key_of_uri(&b), from_path);
        }
        let untitled = lsp::Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(&*key_of_uri(&untitled), "untitled:Untitled-1");
        assert_eq!(path_of_key("untitled:Untitled-1"), None);
        assert_eq!(
            path_of_key(&from_path).as_deref(),
            Some(Path::new("/tmp/a b/c.chron"))
        );
    }
}
