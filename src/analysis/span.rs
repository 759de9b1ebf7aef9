//! [`ByteSpan`]: a byte range in 8 bytes instead of 16.
//!
//! A workspace keeps every file's summary, and most of a summary is byte
//! ranges: half a million references, a quarter of a million fields. Files
//! larger than 4 GiB are never analysed (the size limit is clamped below
//! that: [`MAX_FILE_SIZE`]), so a `u32` holds any offset.

use std::fmt;
use std::ops::Range;

/// The largest file the analysis takes: every offset fits in a `u32`. The
/// server and the CLI clamp their size limits to it.
pub const MAX_FILE_SIZE: u64 = u32::MAX as u64;

/// A byte range of a file's text.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteSpan {
    pub start: u32,
    pub end: u32,
}

impl ByteSpan {
    /// The span of `r` (offsets above `u32::MAX` cannot occur: see the
    /// module docs).
    pub fn new(r: Range<usize>) -> ByteSpan {
        debug_assert!(r.end <= u32::MAX as usize);
        ByteSpan {
            start: r.start as u32,
            end: r.end as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Moved by `delta` bytes.
    pub fn shifted(self, delta: isize) -> ByteSpan {
        ByteSpan::new((self.start as isize + delta) as usize..(self.end as isize + delta) as usize)
    }
}

impl From<Range<usize>> for ByteSpan {
    fn from(r: Range<usize>) -> ByteSpan {
        ByteSpan::new(r)
    }
}

impl From<ByteSpan> for Range<usize> {
    fn from(s: ByteSpan) -> Range<usize> {
        s.range()
    }
}

impl fmt::Debug for ByteSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_moves() {
        let s = ByteSpan::new(3..10);
        assert_eq!(s.range(), 3..10);
        assert_eq!((s.len(), s.is_empty()), (7, false));
        assert_eq!(s.shifted(-3).range(), 0..7);
        assert_eq!(s.shifted(5).range(), 8..15);
        assert!(ByteSpan::new(4..4).is_empty());
        assert_eq!(format!("{s:?}"), "3..10");
        assert_eq!(std::mem::size_of::<ByteSpan>(), 8);
    }
}
