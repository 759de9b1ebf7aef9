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
use crate::analysis::packed::TextRef;
use crate::analysis::{self, Code, FileData, Severity, Snapshot};
use crate::syntax::lines::LineIndex;

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

/// A file of a snapshot: its line index, and its text only on a line with
/// characters beyond ASCII. The same clamping rules as [`Document`].
impl Positions for FileData {
    fn offset_to_pos(&self, byte: usize, encoding: PositionEncoding) -> Converted<Pos> {
        Indexed::of_file(self).offset_to_pos(byte, encoding)
    }

    fn pos_to_offset(&self, pos: Pos, encoding: PositionEncoding) -> Converted<usize> {
        Indexed::of_file(self).pos_to_offset(pos, encoding)
    }
}

/// A line index with its text, read only when a conversion lands on a line
/// with characters beyond ASCII (on the others every byte is a character
/// and one unit in both encodings): a file's text may be packed
/// ([`crate::analysis::packed`]), and converting the 11,000 references of
/// an actor across 966 files then reads none of them.
pub struct Indexed<'a> {
    index: &'a LineIndex,
    file: Option<&'a FileData>,
    text: Option<TextRef<'a>>,
}

impl<'a> Indexed<'a> {
    /// A file of a snapshot, its text read only if needed.
    pub fn of_file(file: &'a FileData) -> Self {
        Indexed {
            index: file.line_index(),
            file: Some(file),
            text: None,
        }
    }

    /// A text and its index.
    pub fn of_text(index: &'a LineIndex, text: &'a str) -> Self {
        Indexed {
            index,
            file: None,
            text: Some(TextRef::Borrowed(text)),
        }
    }

    fn text(&mut self) -> &str {
        let file = self.file;
        self.text
            .get_or_insert_with(|| file.map_or(TextRef::Borrowed(""), FileData::text))
    }

    /// `byte` moved into the text and back to a character boundary, and
    /// its line (searched from `hint`).
    fn clamp(&mut self, byte: usize, hint: usize) -> (usize, usize) {
        let mut offset = byte.min(self.index.len());
        let line = self.index.line_near(hint, offset);
        if !self.index.is_ascii(line) {
            let text = self.text();
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
        }
        (offset, line)
    }

    /// A byte offset as a position.
    pub fn offset_to_pos(&mut self, byte: usize, encoding: PositionEncoding) -> Converted<Pos> {
        let (offset, line) = self.clamp(byte, 0);
        self.finish_pos(offset, line, offset != byte, encoding)
    }

    /// The position of `offset` (a char boundary) on `line`.
    fn finish_pos(
        &mut self,
        mut offset: usize,
        line: usize,
        mut clamped: bool,
        encoding: PositionEncoding,
    ) -> Converted<Pos> {
        let start = self.index.line_start(line).unwrap_or(0);
        let end = self.index.content_end(line);
        if offset > end {
            offset = end;
            clamped = true;
        }
        let character = match encoding {
            PositionEncoding::Utf16 if !self.index.is_ascii(line) => {
                utf16_len(&self.text()[start..offset])
            }
            _ => offset - start,
        };
        Converted {
            value: Pos::new(to_u32(line), to_u32(character)),
            clamped,
        }
    }

    /// A position as a byte offset.
    pub fn pos_to_offset(&mut self, pos: Pos, encoding: PositionEncoding) -> Converted<usize> {
        let line = pos.line as usize;
        let Some(start) = self.index.line_start(line) else {
            return Converted {
                value: self.index.len(),
                clamped: true,
            };
        };
        let end = self.index.content_end(line);
        let want = pos.character as usize;
        let target = start.saturating_add(want);
        let (value, clamped) =
            if target > end && (self.index.is_ascii(line) || encoding == PositionEncoding::Utf8) {
                (end, true)
            } else if self.index.is_ascii(line) {
                (target, false)
            } else {
                let text = self.text();
                match encoding {
                    PositionEncoding::Utf8 => {
                        let mut offset = target;
                        while !text.is_char_boundary(offset) {
                            offset -= 1;
                        }
                        (offset, offset != target)
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
                }
            };
        Converted { value, clamped }
    }
}

/// Converts many byte ranges of one file of a snapshot, fastest when they
/// come in increasing order (each search starts from the previous line):
/// a file's references, highlights or edits. The same results as
/// [`range_to_lsp`].
pub struct RangeCursor<'a> {
    lines: Indexed<'a>,
    encoding: PositionEncoding,
    line: usize,
}

impl<'a> RangeCursor<'a> {
    /// Over a file of a snapshot.
    pub fn new(file: &'a FileData, encoding: PositionEncoding) -> Self {
        Self::over(Indexed::of_file(file), encoding)
    }

    /// Over an indexed text.
    pub fn over(lines: Indexed<'a>, encoding: PositionEncoding) -> Self {
        RangeCursor {
            lines,
            encoding,
            line: 0,
        }
    }

    fn pos(&mut self, byte: usize) -> Pos {
        let (offset, line) = self.lines.clamp(byte, self.line);
        self.line = line;
        self.lines
            .finish_pos(offset, line, offset != byte, self.encoding)
            .value
    }

    pub fn range(&mut self, bytes: Range<usize>) -> lsp::Range {
        let (start_offset, line) = self.lines.clamp(bytes.start, self.line);
        self.line = line;
        let start_clamped = start_offset != bytes.start;
        let start = self
            .lines
            .finish_pos(start_offset, line, start_clamped, self.encoding)
            .value;
        let end_byte = bytes.end.max(bytes.start);
        // Most ranges (a reference, an ID) end on the line they start on,
        // before its end: the end is the start plus the range's own width,
        // without finding the line and counting from its start again.
        let line_end = self.lines.index.content_end(line);
        if !start_clamped && start_offset <= line_end && end_byte <= line_end {
            let width = if self.lines.index.is_ascii(line) {
                Some(end_byte - start_offset)
            } else {
                let text = self.lines.text();
                text.is_char_boundary(end_byte)
                    .then(|| &text[start_offset..end_byte])
                    .map(|between| match self.encoding {
                        PositionEncoding::Utf8 => between.len(),
                        PositionEncoding::Utf16 => utf16_len(between),
                    })
            };
            if let Some(width) = width {
                let end = Pos::new(start.line, start.character + to_u32(width));
                return lsp::Range::new(position(start), position(end));
            }
        }
        let end = self.pos(end_byte);
        lsp::Range::new(position(start), position(end))
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
            let index = LineIndex::new(&text);
            let doc = Document::new(&text, 0);
            for enc in [Utf8, Utf16] {
                let p = Pos::new(line, character);
                prop_assert_eq!(Indexed::of_text(&index, &text).pos_to_offset(p, enc), doc.pos_to_offset(p, enc));
                prop_assert_eq!(Indexed::of_text(&index, &text).offset_to_pos(byte, enc), doc.offset_to_pos(byte, enc));
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
            let index = LineIndex::new(&text);
            if sorted {
                ranges.sort();
            }
            for enc in [Utf8, Utf16] {
                let mut cursor = RangeCursor::over(Indexed::of_text(&index, &text), enc);
                for &(a, b) in &ranges {
                    let one = |byte| position(Indexed::of_text(&index, &text).offset_to_pos(byte, enc).value);
                    let want = lsp::Range::new(one(a), one(b.max(a)));
                    prop_assert_eq!(cursor.range(a..b), want);
                }
            }
        }
    }

    /// A packed file converts positions as the same file kept plain: the
    /// line index answers on ASCII lines, the decompressed text on the
    /// others.
    #[test]
    fn packed_files_convert_as_plain_ones() {
        use crate::analysis::packed::{FileText, TextDict};
        use crate::analysis::{FileSummary, Workspace};
        let text: String = (0..40)
            .map(|i| match i % 4 {
                0 => format!("actor a{i} \"Zoë Ünal {i}\"\r\n"),
                1 => format!("2024-01-{:02} @a{} said \"😀 café\"\n", i % 28 + 1, i - 1),
                2 => "\n".to_string(),
                _ => format!("Plain prose about @a{} and more words.\n", i - 3),
            })
            .collect();
        let dict = TextDict::from_samples(&[&text]).unwrap();
        let packed = FileText::pack(std::sync::Arc::from(text.as_str()), &dict);
        assert!(packed.is_packed());
        let summary = std::sync::Arc::new(FileSummary::new(&crate::syntax::parse(&text), &text));
        let mut ws = Workspace::new();
        ws.set_file("plain.chron", text.as_str(), None, summary.clone(), None);
        ws.set_file("packed.chron", packed, None, summary, None);
        let snap = ws.snapshot();
        let file = |k: &str| snap.file(snap.file_id(k).unwrap()).unwrap().clone();
        let (plain, packed) = (file("plain.chron"), file("packed.chron"));
        assert!(packed.file_text().is_packed());
        // And both as the open-document model, which reads its rope.
        let doc = Document::new(&text, 0);
        for enc in [Utf8, Utf16] {
            for byte in 0..=text.len() + 3 {
                let want = doc.offset_to_pos(byte, enc);
                assert_eq!(packed.offset_to_pos(byte, enc), want);
                assert_eq!(plain.offset_to_pos(byte, enc), want);
            }
            for line in 0..42 {
                for character in 0..45 {
                    let p = Pos::new(line, character);
                    let want = doc.pos_to_offset(p, enc);
                    assert_eq!(packed.pos_to_offset(p, enc), want);
                    assert_eq!(plain.pos_to_offset(p, enc), want);
                }
            }
            let ranges: Vec<_> = (0..text.len()).step_by(7).map(|a| a..a + 9).collect();
            let mut a = RangeCursor::new(&packed, enc);
            let mut b = RangeCursor::new(&plain, enc);
            for r in ranges {
                assert_eq!(a.range(r.clone()), b.range(r));
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
