//! A per-file index for the editor features, built once per file version
//! on first use and kept in [`FileData::ide_index`]:
//!
//! * the file's definitions as search keys: the ID and the display name and
//!   aliases, folded (lower case, Latin accents dropped, see
//!   [`fuzzy::fold`](super::fuzzy::fold)) into one contiguous buffer, with a
//!   bit mask of the letters and digits they contain. Completion and
//!   workspace symbols scan these instead of the definitions themselves:
//!   the mask rejects most non-matching definitions with one AND, and the
//!   text is scored without chasing a pointer per name;
//! * the file's references grouped by ID, so that find references and
//!   rename read only the references of the ID, not every reference of the
//!   file.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::fuzzy::{fold, Pattern};
use crate::analysis::summary::{Definition, FileSummary, Sym};
use crate::analysis::FileData;
use crate::syntax::EntryKind;

/// One definition's search keys.
#[derive(Clone, Copy, Debug)]
pub struct DefKey {
    /// Index into the file's definitions.
    pub def: u32,
    pub kind: EntryKind,
    /// Letters and digits (folded) of the ID and names; see [`mask_of`].
    pub mask: u64,
    /// The first 8 bytes of the ID, big-endian, zero-padded: orders IDs as
    /// `str` does without reading the string.
    pub id_prefix: u64,
    /// The keys: spans of the index text, the ID first.
    spans: (u32, u32),
}

#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    keys: Vec<DefKey>,
    spans: Vec<Range<u32>>,
    text: String,
    /// Built on the first reference query.
    refs_by_id: OnceLock<HashMap<Sym, Vec<u32>>>,
}

impl FileIndex {
    /// The index of a file, built on first use.
    pub fn of(file: &FileData) -> &FileIndex {
        file.ide_index
            .get_or_init(|| Arc::new(FileIndex::build(&file.summary)))
    }

    pub fn build(summary: &FileSummary) -> Self {
        let mut index = FileIndex::default();
        for (i, d) in summary.definitions.iter().enumerate() {
            let first = index.spans.len() as u32;
            let mut mask = 0;
            for key in std::iter::once(&*d.id)
                .chain(d.title.as_deref())
                .chain(d.aliases.iter().map(String::as_str))
            {
                let start = index.text.len() as u32;
                index.text.extend(key.chars().map(fold));
                let folded = &index.text[start as usize..];
                mask |= mask_of(folded);
                index.spans.push(start..index.text.len() as u32);
            }
            index.keys.push(DefKey {
                def: i as u32,
                kind: d.kind,
                mask,
                id_prefix: prefix8(&d.id),
                spans: (first, index.spans.len() as u32),
            });
        }
        index
    }

    /// The search keys of every definition, in the file's order.
    pub fn definitions(&self) -> &[DefKey] {
        &self.keys
    }

    /// The best score of a pattern over a definition's ID (with a small
    /// bonus) and, with `names`, its display name and aliases. `None` when
    /// nothing matches.
    pub fn score(&self, key: &DefKey, pattern: &Pattern, names: bool) -> Option<u32> {
        if pattern.is_empty() {
            return Some(0);
        }
        if !pattern.may_match(key.mask) {
            return None;
        }
        let (first, end) = key.spans;
        let text = |i: u32| {
            let r = &self.spans[i as usize];
            &self.text[r.start as usize..r.end as usize]
        };
        let mut best = pattern.score(text(first)).map(|s| s + 2);
        if names {
            for i in first + 1..end {
                best = best.max(pattern.score(text(i)));
            }
        }
        best
    }

    /// Indices (into the file's references) of the references to `id`, in
    /// the file's order.
    pub fn references_to<'f>(file: &'f FileData, id: &str) -> &'f [u32] {
        let by_id = FileIndex::of(file).refs_by_id.get_or_init(|| {
            let mut by_id: HashMap<Sym, Vec<u32>> = HashMap::new();
            for (i, r) in file.summary.references.iter().enumerate() {
                by_id.entry(r.id).or_default().push(i as u32);
            }
            by_id
        });
        by_id.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A definition found by a scan, ranked by `rank` (lower first), then by
/// score (higher first), then by ID.
#[derive(Clone, Copy)]
pub struct Hit<'s> {
    pub rank: u8,
    pub score: u32,
    /// [`DefKey::id_prefix`].
    pub id_prefix: u64,
    pub file: &'s Arc<FileData>,
    /// Index into the file's definitions.
    pub def: u32,
}

impl<'s> Hit<'s> {
    /// The order's integer part: comparing it reads no string.
    fn key(&self) -> (u8, Reverse<u32>, u64) {
        (self.rank, Reverse(self.score), self.id_prefix)
    }

    pub fn definition(&self) -> &'s Definition {
        &self.file.summary.definitions[self.def as usize]
    }

    fn cmp(&self, other: &Hit<'_>) -> Ordering {
        self.key()
            .cmp(&other.key())
            .then_with(|| self.definition().id.cmp(&other.definition().id))
            .then_with(|| (self.file.id, self.def).cmp(&(other.file.id, other.def)))
    }
}

/// The first `limit` hits in order, and whether some were left out. Only
/// the hits that tie at the cut compare IDs, so a scan of many thousand
/// hits reads few strings.
pub fn top_hits(mut hits: Vec<Hit<'_>>, limit: usize) -> (Vec<Hit<'_>>, bool) {
    let cut = hits.len() > limit;
    if cut {
        if limit == 0 {
            return (Vec::new(), true);
        }
        hits.select_nth_unstable_by(limit - 1, |a, b| a.key().cmp(&b.key()));
        let last = hits[limit - 1].key();
        let mut keep: Vec<Hit<'_>> = hits[..limit]
            .iter()
            .filter(|h| h.key() < last)
            .copied()
            .collect();
        let mut ties: Vec<Hit<'_>> = hits.iter().filter(|h| h.key() == last).copied().collect();
        ties.sort_by(|a, b| a.cmp(b));
        ties.truncate(limit - keep.len());
        keep.extend(ties);
        hits = keep;
    }
    hits.sort_by(|a, b| a.cmp(b));
    (hits, cut)
}

/// The first 8 bytes of a string as a big-endian number, zero-padded.
pub fn prefix8(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// A bit per folded letter `a`–`z` and digit `0`–`9` present in `text`.
pub fn mask_of(text: &str) -> u64 {
    let mut mask = 0u64;
    for b in text.bytes() {
        mask |= bit(b);
    }
    mask
}

/// The mask bit of an ASCII letter or digit (case-insensitive), else 0.
pub fn bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'A'..=b'Z' => 1 << (b - b'A'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_references_by_id() {
        let src = "actor türkiye \"Türkiye\"\n  aka: \"Turkey\"\nevent e1: Title\nProse @e1 @türkiye @e1.\n";
        let f = crate::analysis::ide::fixture::parse(src);
        let file = f.snap.file(f.file).unwrap();
        let index = FileIndex::of(file);
        let keys = index.definitions();
        assert_eq!(keys.len(), 2);
        assert_eq!(index.text, "turkiyeturkiyeturkeye1title");
        assert_eq!(keys[0].mask, mask_of("turkiyey"));
        assert_eq!(keys[1].id_prefix, prefix8("e1"));
        assert!(prefix8("ab") < prefix8("abc") && prefix8("abc") < prefix8("abd"));
        assert!(prefix8("türkiye") < prefix8("wagner") && prefix8("türkiye") > prefix8("turkiye"));
        assert_eq!(FileIndex::references_to(file, "e1"), [0, 2]);
        assert_eq!(FileIndex::references_to(file, "türkiye"), [1]);
        assert!(FileIndex::references_to(file, "nobody").is_empty());

        let p = Pattern::new("TURK");
        assert!(index.score(&keys[0], &p, false).is_some());
        assert_eq!(index.score(&keys[1], &p, true), None);
        // The title is scored only with `names`.
        let p = Pattern::new("title");
        assert_eq!(index.score(&keys[1], &p, false), None);
        assert!(index.score(&keys[1], &p, true).is_some());
    }
}
