//! File texts kept compressed: the text of a file no editor holds is read
//! rarely (a hover, a claim's value, a line with non-ASCII characters in a
//! list of references), so the server keeps it as a zstd frame, about a
//! fifth of its size, and decompresses it when it is read.
//!
//! Notes are small files that share their vocabulary (the notation's
//! keywords, IDs, names), which a compressor working on one small file at a
//! time cannot exploit on its own. A [`TextDict`] gives it that shared
//! context: pieces of a few of the workspace's own files, used as a "raw
//! content" dictionary (zstd reads it as text that came before each file;
//! nothing is trained, so making one costs about a millisecond). On the
//! large benchmark workspace the 10,000 texts take 4.6 MB instead of 21.6.
//!
//! Reading a packed text decompresses it into an `Arc<str>` kept in a small
//! per-thread cache of recent texts, so a function that reads the same file
//! again and again decompresses it once.

use std::cell::RefCell;
use std::ops::Deref;
use std::sync::Arc;

use zstd_safe::{CCtx, CDict, DCtx, DDict};

/// How much of each sample text goes into a dictionary, and how many
/// samples.
const SAMPLE_BYTES: usize = 4096;
pub const SAMPLES: usize = 32;
/// zstd's fastest level: on notes it packs within 10% of level 3, with a
/// quarter of the context memory.
const LEVEL: i32 = 1;
/// Texts larger than this stay plain: decompressing one costs about a
/// millisecond per 500 KB, a check may read a file's text once per entry,
/// and each thread keeps its [`RECENT`] texts (so at most this much each).
/// Notes are rarely this long.
pub const PACK_AT_MOST: usize = 64 * 1024;
/// Texts smaller than this stay plain (a frame's header and the shared
/// pointer cost more than they save).
const PACK_AT_LEAST: usize = 64;
/// How many decompressed texts each thread keeps.
const RECENT: usize = 4;

/// A shared compression dictionary (see the module documentation).
pub struct TextDict {
    cdict: CDict<'static>,
    ddict: DDict<'static>,
}

impl TextDict {
    /// A dictionary made of the first [`SAMPLE_BYTES`] of up to
    /// [`SAMPLES`] of `texts`, taken evenly across them; `None` when they
    /// hold no text.
    pub fn from_samples(texts: &[&str]) -> Option<Arc<TextDict>> {
        let step = texts.len().div_ceil(SAMPLES).max(1);
        let mut raw = Vec::with_capacity(SAMPLES * SAMPLE_BYTES);
        for text in texts.iter().step_by(step) {
            raw.extend_from_slice(&text.as_bytes()[..text.len().min(SAMPLE_BYTES)]);
        }
        if raw.is_empty() {
            return None;
        }
        let cdict = CDict::try_create(&raw, LEVEL)?;
        let ddict = DDict::create(&raw);
        Some(Arc::new(TextDict { cdict, ddict }))
    }
}

/// A file's text, plain or packed.
#[derive(Clone)]
pub enum FileText {
    Plain(Arc<str>),
    Packed {
        /// One zstd frame, which records the text's length.
        frame: Arc<[u8]>,
        dict: Arc<TextDict>,
    },
}

impl From<Arc<str>> for FileText {
    fn from(text: Arc<str>) -> FileText {
        FileText::Plain(text)
    }
}

impl From<&str> for FileText {
    fn from(text: &str) -> FileText {
        FileText::Plain(Arc::from(text))
    }
}

impl From<String> for FileText {
    fn from(text: String) -> FileText {
        FileText::Plain(Arc::from(text))
    }
}

/// Decompression contexts (about 100 KB each), shared by the threads: a
/// context per thread that ever read a packed text would stay with each
/// of the server's many threads.
static DCTX: std::sync::Mutex<Vec<DCtx<'static>>> = std::sync::Mutex::new(Vec::new());

/// A packed text's frame and its content.
type Recent = (Arc<[u8]>, Arc<str>);

thread_local! {
    static CCTX: RefCell<Option<(CCtx<'static>, Vec<u8>)>> = const { RefCell::new(None) };
    /// Recently read packed texts, the most recent first.
    static RECENT_TEXTS: RefCell<Vec<Recent>> = const { RefCell::new(Vec::new()) };
}

impl FileText {
    /// `text` packed with `dict`; plain when it is too small or too large
    /// to gain from it, or when compressing it fails.
    pub fn pack(text: Arc<str>, dict: &Arc<TextDict>) -> FileText {
        compress(&text, dict).unwrap_or(FileText::Plain(text))
    }

    /// [`FileText::pack`] of a borrowed text (copied when it stays plain).
    pub fn pack_str(text: &str, dict: &Arc<TextDict>) -> FileText {
        compress(text, dict).unwrap_or_else(|| FileText::from(text))
    }

    /// This text packed with `dict`, unless it is already packed.
    pub fn packed(self, dict: &Arc<TextDict>) -> FileText {
        match self {
            FileText::Plain(text) => FileText::pack(text, dict),
            packed => packed,
        }
    }

    /// Whether the text is kept compressed.
    pub fn is_packed(&self) -> bool {
        matches!(self, FileText::Packed { .. })
    }

    /// The text's length in bytes, without decompressing it.
    pub fn len(&self) -> usize {
        match self {
            FileText::Plain(text) => text.len(),
            FileText::Packed { frame, .. } => content_size(frame).unwrap_or(0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text, decompressed if it is packed (an empty text if the frame
    /// cannot be read back, which only memory corruption would cause).
    pub fn get(&self) -> TextRef<'_> {
        match self {
            FileText::Plain(text) => TextRef::Borrowed(text),
            FileText::Packed { frame, dict } => TextRef::Shared(unpack(frame, dict)),
        }
    }

    /// The text as a shared string (a new one for a packed text).
    pub fn to_arc(&self) -> Arc<str> {
        match self {
            FileText::Plain(text) => text.clone(),
            FileText::Packed { frame, dict } => unpack(frame, dict),
        }
    }
}

/// `text` packed, when that makes it smaller. The frame is written into a
/// per-thread buffer and copied out at its exact length.
fn compress(text: &str, dict: &Arc<TextDict>) -> Option<FileText> {
    if !(PACK_AT_LEAST..=PACK_AT_MOST).contains(&text.len()) {
        return None;
    }
    CCTX.with_borrow_mut(|cctx| {
        let (cctx, out) = cctx.get_or_insert_with(|| (CCtx::create(), Vec::new()));
        out.clear();
        out.reserve(zstd_safe::compress_bound(text.len()));
        cctx.compress_using_cdict(out, text.as_bytes(), &dict.cdict)
            .ok()?;
        let frame = (out.len() < text.len()).then(|| FileText::Packed {
            frame: Arc::from(&out[..]),
            dict: dict.clone(),
        });
        if out.capacity() > 1 << 16 {
            *out = Vec::new();
        }
        frame
    })
}

fn content_size(frame: &[u8]) -> Option<usize> {
    zstd_safe::get_frame_content_size(frame)
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
}

/// A packed text's content, from this thread's recent texts or
/// decompressed (and then remembered).
fn unpack(frame: &Arc<[u8]>, dict: &TextDict) -> Arc<str> {
    let recent = RECENT_TEXTS.with_borrow_mut(|recent| {
        let i = recent.iter().position(|(f, _)| Arc::ptr_eq(f, frame))?;
        let hit = recent.remove(i);
        let text = hit.1.clone();
        recent.insert(0, hit);
        Some(text)
    });
    if let Some(text) = recent {
        return text;
    }
    let text = decompress(frame, dict);
    RECENT_TEXTS.with_borrow_mut(|recent| {
        recent.truncate(RECENT - 1);
        recent.insert(0, (frame.clone(), text.clone()));
    });
    text
}

fn decompress(frame: &[u8], dict: &TextDict) -> Arc<str> {
    let Some(len) = content_size(frame) else {
        return Arc::from("");
    };
    let pool = || DCTX.lock().unwrap_or_else(|e| e.into_inner());
    let mut dctx = pool().pop().unwrap_or_else(DCtx::create);
    let mut out = Vec::with_capacity(len);
    let bytes = dctx
        .decompress_using_ddict(&mut out, frame, &dict.ddict)
        .ok()
        .map(|_| out);
    pool().push(dctx);
    match bytes.map(String::from_utf8) {
        Some(Ok(text)) => Arc::from(text),
        _ => Arc::from(""),
    }
}

/// Forgets this thread's recent texts and compression context (after a
/// batch of work on a pool thread that may not read texts again soon).
pub fn forget_recent() {
    RECENT_TEXTS.with_borrow_mut(Vec::clear);
    CCTX.with_borrow_mut(|c| *c = None);
}

/// A file's text as read: borrowed from a plain text, or a decompressed
/// copy.
pub enum TextRef<'a> {
    Borrowed(&'a str),
    Shared(Arc<str>),
}

impl Deref for TextRef<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            TextRef::Borrowed(text) => text,
            TextRef::Shared(text) => text,
        }
    }
}

impl AsRef<str> for TextRef<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Arc<TextDict> {
        TextDict::from_samples(&[
            "actor ann \"Ann Example\"\n  role: minister\n",
            "2024-01-01 @ann said \"we will\"\n",
        ])
        .unwrap()
    }

    #[test]
    fn a_packed_text_reads_back_the_same() {
        let dict = dict();
        let text: String = (0..200)
            .map(|i| format!("2024-01-{:02} @ann met @bob — «Zoë» 😀 {i}\n", i % 28 + 1))
            .collect();
        let packed = FileText::pack(Arc::from(text.as_str()), &dict);
        assert!(packed.is_packed());
        assert_eq!(packed.len(), text.len());
        assert_eq!(&*packed.get(), text);
        // Again, from the recent texts.
        assert_eq!(&*packed.get(), text);
        assert_eq!(&*packed.to_arc(), text);
        // Another thread decompresses on its own.
        let other = packed.clone();
        let read = std::thread::spawn(move || other.get().to_string())
            .join()
            .unwrap();
        assert_eq!(read, text);
    }

    #[test]
    fn small_large_and_incompressible_texts_stay_plain() {
        let dict = dict();
        assert!(!FileText::pack(Arc::from("actor a"), &dict).is_packed());
        let big = "x".repeat(PACK_AT_MOST + 1);
        assert!(!FileText::pack(Arc::from(big.as_str()), &dict).is_packed());
        // A short text that does not repeat: its frame would be larger.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: String = (0..70)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        let packed = FileText::pack(Arc::from(noise.as_str()), &dict);
        assert!(!packed.is_packed());
        assert_eq!(&*packed.get(), noise);
    }

    #[test]
    fn no_samples_make_no_dictionary() {
        assert!(TextDict::from_samples(&[]).is_none());
        assert!(TextDict::from_samples(&["", ""]).is_none());
    }

    #[test]
    fn many_texts_read_in_turn_stay_right() {
        let dict = dict();
        let texts: Vec<String> = (0..10)
            .map(|i| format!("actor a{i} \"A {i}\"\n").repeat(10 + i))
            .collect();
        let packed: Vec<FileText> = texts
            .iter()
            .map(|t| FileText::pack(Arc::from(t.as_str()), &dict))
            .collect();
        for _ in 0..3 {
            for (t, p) in texts.iter().zip(&packed) {
                assert_eq!(&*p.get(), t);
            }
        }
    }
}
