//! Indexes for the editor features:
//!
//! * [`EntityTable`]: every definition of the workspace as folded search
//!   keys in one table, for completion and workspace symbols, built once
//!   per set of definitions ([`Snapshot::entities`]);
//! * [`FileIndex`]: a file's references grouped by ID, built once per file
//!   version on first use and kept in [`FileData::ide_index`], so that find
//!   references and rename read only the references of the ID, not every
//!   reference of the file.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::ops::Range;

use super::fuzzy::{fold, Pattern};
use crate::analysis::summary::Sym;
use crate::analysis::{FileData, FileId, Snapshot};
use crate::syntax::EntryKind;

/// A file's references grouped by ID, built on the first reference query
/// of a file version, in one allocation held by the file's data (a
/// references request reads it in hundreds of files, mostly out of the
/// cache: every pointer between the file and its runs is one more wait).
/// The words are: the number of IDs `n`; `n` triples (the ID's handle, the
/// start and length of its run), sorted by handle, so that a lookup
/// compares integers and reads no string; then the runs: indices into the
/// file's references, grouped by ID, each group in the file's order.
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    words: Box<[u32]>,
}

impl FileIndex {
    /// The index of a file, built on first use.
    pub fn of(file: &FileData) -> &FileIndex {
        file.ide_index.get_or_init(|| {
            let refs = &file.summary.references;
            let mut pairs: Vec<(u32, u32)> = refs
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.handle(), i as u32))
                .collect();
            pairs.sort_unstable();
            let ids = pairs.chunk_by(|a, b| a.0 == b.0).count();
            let mut words = Vec::with_capacity(1 + 3 * ids + pairs.len());
            words.push(ids as u32);
            let mut start = 0;
            for run in pairs.chunk_by(|a, b| a.0 == b.0) {
                words.extend([run[0].0, start, run.len() as u32]);
                start += run.len() as u32;
            }
            words.extend(pairs.iter().map(|&(_, i)| i));
            FileIndex {
                words: words.into_boxed_slice(),
            }
        })
    }

    /// Indices (into the file's references) of the references to `id`, in
    /// the file's order.
    pub fn references_to<'f>(file: &'f FileData, id: &str) -> &'f [u32] {
        Sym::find(id).map_or(&[], |id| FileIndex::references_to_sym(file, id))
    }

    /// [`FileIndex::references_to`] an ID already interned (a request over
    /// many files finds its handle once).
    pub fn references_to_sym(file: &FileData, id: Sym) -> &[u32] {
        FileIndex::of(file).run(id.handle())
    }

    fn run(&self, handle: u32) -> &[u32] {
        let Some((&n, rest)) = self.words.split_first() else {
            return &[];
        };
        let (ids, runs) = rest.split_at(3 * n as usize);
        let (mut lo, mut hi) = (0, n as usize);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match ids[3 * mid].cmp(&handle) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => {
                    let (start, len) = (ids[3 * mid + 1] as usize, ids[3 * mid + 2] as usize);
                    return &runs[start..start + len];
                }
            }
        }
        &[]
    }
}

/// A definition found by a scan, ranked by `rank` (lower first), then by
/// score (higher first), then by ID.
#[derive(Clone, Copy)]
pub struct Hit<'s> {
    pub rank: u8,
    pub score: u32,
    /// [`Row::id_prefix`].
    pub id_prefix: u64,
    pub id: &'s str,
    pub file: FileId,
    /// Index into the file's definitions.
    pub def: u32,
}

impl<'s> Hit<'s> {
    fn of(row: &'s Row, rank: u8, score: u32) -> Self {
        Hit {
            rank,
            score,
            id_prefix: row.id_prefix,
            id: &row.id,
            file: row.file,
            def: row.def,
        }
    }

    /// The order's integer part: comparing it reads no string.
    fn key(&self) -> (u8, Reverse<u32>, u64) {
        (self.rank, Reverse(self.score), self.id_prefix)
    }

    fn cmp(&self, other: &Hit<'_>) -> Ordering {
        self.key()
            .cmp(&other.key())
            .then_with(|| self.id.cmp(other.id))
            .then_with(|| (self.file, self.def).cmp(&(other.file, other.def)))
    }
}

/// One definition of the workspace in the [`EntityTable`].
#[derive(Clone, Debug)]
pub struct Row {
    pub file: FileId,
    /// Index into the file's definitions.
    pub def: u32,
    pub kind: EntryKind,
    /// The ID is its own folded key (lower-case ASCII, as IDs usually
    /// are): it is read from `id`, not kept in the table's text again.
    id_is_key: bool,
    pub id: Sym,
    /// The first 8 bytes of the ID, big-endian, zero-padded: orders IDs as
    /// `str` does without reading the string.
    pub id_prefix: u64,
    /// Letters and digits of the ID, names, aliases and title.
    mask: u64,
    /// The keys: spans of the table's text, the ID first (unless
    /// `id_is_key`).
    spans: (u32, u32),
}

/// Every definition of the workspace as search keys, in one table for
/// completion and workspace symbols: the ID and the display name and
/// aliases (and title), folded (lower case, Latin accents dropped, see
/// [`fuzzy::fold`](super::fuzzy::fold)) into one contiguous buffer, with a
/// bit mask of the letters and digits they contain.
///
/// A scan reads one array instead of visiting every file, the mask
/// rejects most non-matching definitions with one AND, and the rows of each
/// kind are sorted by ID, so an empty query reads only the rows it lists.
/// Built on first use per snapshot and carried over to the next snapshot
/// when an edit kept every definition ([`Snapshot::entities`]).
#[derive(Debug, Default)]
pub struct EntityTable {
    rows: Vec<Row>,
    /// What a completion scan tests, one per row, for the keys it scores
    /// (the ID; the names and aliases of actors, sources and topics; never
    /// a title): their letters and digits, and the [`bit`]s of their first
    /// characters (all bits when one starts with another character).
    scored_masks: Vec<(u64, u64)>,
    /// Rows of each kind ([`EntryKind::index`]).
    by_kind: [Range<u32>; EntryKind::COUNT],
    spans: Vec<Range<u32>>,
    text: String,
}

impl EntityTable {
    pub fn build(snap: &Snapshot) -> Self {
        // Keys are folded file by file, in the files' order (a file's text
        // may be packed: it is read once, and only when a definition has a
        // title); the rows are sorted afterwards and keep their keys' spans.
        // Gathering the titles first and sorting rows with them took 7 MB
        // more at the large preset, when the load had just ended.
        let mut table = EntityTable::default();
        let mut rows: Vec<Row> = Vec::new();
        let mut scored_masks: Vec<(u64, u64)> = Vec::new();
        for file in snap.files() {
            let mut text = None;
            for (i, d) in file.summary.definitions.iter().enumerate() {
                let mut row = Row {
                    file: file.id,
                    def: i as u32,
                    kind: d.kind,
                    id_is_key: false,
                    id: d.id,
                    id_prefix: prefix8(&d.id),
                    mask: 0,
                    spans: (0, 0),
                };
                let title = d
                    .title
                    .map(|t| t.read(text.get_or_insert_with(|| file.text())));
                let first = table.spans.len() as u32;
                let named = names_count(d.kind);
                let (mut mask, mut scored, mut firsts) = (0, 0, 0);
                for (k, key) in std::iter::once(&*d.id)
                    .chain(title.as_deref())
                    .chain(d.aliases.iter().map(String::as_str))
                    .enumerate()
                {
                    let start = table.text.len();
                    let own =
                        k == 0 && key.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase());
                    let folded = if own {
                        row.id_is_key = true;
                        key
                    } else {
                        push_folded(&mut table.text, key);
                        &table.text[start..]
                    };
                    let m = mask_of(folded);
                    mask |= m;
                    if k == 0 || named {
                        scored |= m;
                        firsts |= match folded.as_bytes().first() {
                            Some(b) if bit(*b) != 0 => bit(*b),
                            Some(_) => u64::MAX,
                            None => 0,
                        };
                    }
                    if !own {
                        table.spans.push(start as u32..table.text.len() as u32);
                    }
                }
                row.mask = mask;
                row.spans = (first, table.spans.len() as u32);
                rows.push(row);
                scored_masks.push((scored, firsts));
            }
        }
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            (a.kind.index(), a.id_prefix)
                .cmp(&(b.kind.index(), b.id_prefix))
                .then_with(|| a.id.cmp(&b.id))
                .then_with(|| (a.file, a.def).cmp(&(b.file, b.def)))
        });
        table.rows = order.iter().map(|&i| rows[i as usize].clone()).collect();
        drop(rows);
        table.scored_masks = order.iter().map(|&i| scored_masks[i as usize]).collect();
        drop(scored_masks);
        for (at, row) in table.rows.iter().enumerate() {
            let (k, at) = (row.kind.index(), at as u32);
            if table.by_kind[k].is_empty() {
                table.by_kind[k] = at..at;
            }
            table.by_kind[k].end = at + 1;
        }
        // The text and spans grew by doubling: up to half of each would be
        // slack kept as long as the table (a few MB at 50,000 definitions).
        table.text.shrink_to_fit();
        table.spans.shrink_to_fit();
        table
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows of one kind, by ID.
    fn of_kind(&self, kind: EntryKind) -> &[Row] {
        let r = &self.by_kind[kind.index()];
        &self.rows[r.start as usize..r.end as usize]
    }

    fn key(&self, i: u32) -> &str {
        let r = &self.spans[i as usize];
        &self.text[r.start as usize..r.end as usize]
    }

    /// The best score of a pattern over a row's ID (with a small bonus)
    /// and, with `names`, its display name, aliases and title. `None`
    /// when nothing matches.
    fn score(&self, row: &Row, pattern: &Pattern, names: bool) -> Option<u32> {
        if pattern.is_empty() {
            return Some(0);
        }
        let (first, end) = row.spans;
        let (id, names_from) = match row.id_is_key {
            true => (&*row.id, first),
            false => (self.key(first), first + 1),
        };
        let mut best = pattern.score(id).map(|s| s + 2);
        if names {
            for i in names_from..end {
                best = best.max(pattern.score(self.key(i)));
            }
        }
        best
    }

    /// The best `limit` definitions for completion: `rank` gives each
    /// kind's rank (`None`: not offered); a definition is matched on its
    /// ID and, for actors, sources and topics, its names and aliases (not
    /// the titles of events: descriptions, which any short pattern matches
    /// somewhere). `exclude` is left out. With an empty pattern, rows are
    /// read by kind in rank order and the scan stops at the first row that
    /// cannot make the list.
    pub fn complete(
        &self,
        pattern: &Pattern,
        rank: impl Fn(EntryKind) -> Option<u8>,
        exclude: Option<(FileId, u32)>,
        limit: usize,
    ) -> (Vec<Hit<'_>>, bool) {
        let mut top = TopHits::new(limit);
        if pattern.is_empty() {
            let mut kinds: Vec<(u8, EntryKind)> = EntryKind::ALL
                .into_iter()
                .filter_map(|k| rank(k).map(|r| (r, k)))
                .collect();
            kinds.sort();
            'kinds: for (r, kind) in kinds {
                for row in self.of_kind(kind) {
                    if exclude == Some((row.file, row.def)) {
                        continue;
                    }
                    if !top.admits(r, 0) {
                        top.skip();
                        break 'kinds;
                    }
                    top.push(Hit::of(row, r, 0));
                }
            }
            return top.finish();
        }
        let (first, bound) = (pattern.first_bit(), pattern.bound_off_first() + 2);
        for (row, &(mask, firsts)) in self.rows.iter().zip(&self.scored_masks) {
            if !pattern.may_match(mask) {
                continue;
            }
            let Some(r) = rank(row.kind) else {
                continue;
            };
            if exclude == Some((row.file, row.def)) {
                continue;
            }
            // A definition that could not make the list even with the
            // best score it can have is not scored: when no key starts
            // with the pattern's first character, that is well below a
            // prefix match's for patterns of up to 4 characters.
            let best = if first == 0 || firsts & first != 0 {
                u32::MAX
            } else {
                bound
            };
            if !top.admits(r, best) {
                top.skip();
                continue;
            }
            if let Some(score) = self.score(row, pattern, names_count(row.kind)) {
                top.push(Hit::of(row, r, score));
            }
        }
        top.finish()
    }

    /// The best `limit` definitions whose ID, name, alias or title matches
    /// `pattern`, for workspace symbols.
    pub fn search(&self, pattern: &Pattern, limit: usize) -> (Vec<Hit<'_>>, bool) {
        let mut top = TopHits::new(limit);
        for row in &self.rows {
            if !pattern.may_match(row.mask) {
                continue;
            }
            if let Some(score) = self.score(row, pattern, true) {
                top.push(Hit::of(row, 0, score));
            }
        }
        top.finish()
    }
}

/// Appends `key` folded ([`fold`]): ASCII keys (most) are copied and
/// lowered in place instead of a character at a time.
fn push_folded(text: &mut String, key: &str) {
    if key.is_ascii() {
        let start = text.len();
        text.push_str(key);
        text[start..].make_ascii_lowercase();
    } else {
        text.extend(key.chars().map(fold));
    }
}

/// Whether completion matches a kind's names and aliases, not only its ID.
fn names_count(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::Actor | EntryKind::Source | EntryKind::Topic
    )
}

/// The best `limit` hits of a scan, kept as they come: a max-heap whose
/// top is the worst kept hit, so a hit that cannot make the list costs one
/// comparison of integers (IDs are read only on a tie) and a scan of many
/// thousand definitions allocates nothing per definition.
pub struct TopHits<'s> {
    limit: usize,
    heap: BinaryHeap<Ranked<'s>>,
    seen: usize,
}

/// A hit ordered by [`Hit::cmp`], for the heap.
struct Ranked<'s>(Hit<'s>);

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.cmp(&other.0) == Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl<'s> TopHits<'s> {
    pub fn new(limit: usize) -> Self {
        TopHits {
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024) + 1),
            seen: 0,
        }
    }

    /// Whether a hit of this rank and score could still make the list
    /// (checked before the hit is built; IDs that tie are let through).
    pub fn admits(&self, rank: u8, score: u32) -> bool {
        if self.heap.len() < self.limit {
            return true;
        }
        self.heap
            .peek()
            .is_some_and(|worst| (rank, Reverse(score)) <= (worst.0.rank, Reverse(worst.0.score)))
    }

    pub fn push(&mut self, hit: Hit<'s>) {
        self.seen += 1;
        if self.heap.len() < self.limit {
            self.heap.push(Ranked(hit));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if hit.cmp(&worst.0) == Ordering::Less {
                *worst = Ranked(hit);
            }
        }
    }

    /// Counts a hit that [`admits`](Self::admits) turned away.
    pub fn skip(&mut self) {
        self.seen += 1;
    }

    /// The kept hits in order, and whether some were left out.
    pub fn finish(self) -> (Vec<Hit<'s>>, bool) {
        let cut = self.seen > self.limit;
        let hits = self
            .heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect();
        (hits, cut)
    }
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
    fn table_keys_and_references_by_id() {
        let src = "actor türkiye \"Türkiye\"\n  aka: \"Turkey\"\nevent e1: Title\nactor abe\nProse @e1 @türkiye @e1.\n";
        let f = crate::analysis::ide::fixture::parse(src);
        let file = f.snap.file(f.file).unwrap();
        let table = EntityTable::build(&f.snap);
        assert_eq!(table.len(), 3);
        // Actors first (by ID), then events.
        let ids: Vec<&str> = table.rows.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, ["abe", "türkiye", "e1"]);
        assert_eq!(table.text, "turkiyeturkiyeturkeytitle");
        assert_eq!(table.rows[1].mask, mask_of("turkiyey"));
        // An event's title is searched by workspace symbols, not scored by
        // completion; its first character is the ID's.
        assert_eq!(table.rows[2].mask, mask_of("e1title"));
        assert_eq!(table.scored_masks[2], (mask_of("e1"), bit(b'e')));
        assert_eq!(table.scored_masks[1].1, bit(b't'));
        assert_eq!(table.rows[2].id_prefix, prefix8("e1"));
        assert!(prefix8("ab") < prefix8("abc") && prefix8("abc") < prefix8("abd"));
        assert!(prefix8("türkiye") < prefix8("wagner") && prefix8("türkiye") > prefix8("turkiye"));
        assert_eq!(FileIndex::references_to(file, "e1"), [0, 2]);
        assert_eq!(FileIndex::references_to(file, "türkiye"), [1]);
        assert!(FileIndex::references_to(file, "nobody").is_empty());
        assert!(FileIndex::references_to(file, "abe").is_empty());
        // Many IDs: each run is that ID's references, in the file's order.
        let src: String = (0..40)
            .map(|i| format!("Prose @a{} @a{} @b.\n", i % 7, i % 3))
            .collect();
        let f = crate::analysis::ide::fixture::parse(&src);
        let many = f.snap.file(f.file).unwrap();
        for id in ["a0", "a1", "a2", "a3", "a6", "b"] {
            let expect: Vec<u32> = (0..many.summary.references.len() as u32)
                .filter(|&i| &*many.summary.references[i as usize].id == id)
                .collect();
            assert!(!expect.is_empty());
            assert_eq!(FileIndex::references_to(many, id), expect, "{id}");
        }
        let none = crate::analysis::ide::fixture::parse("No references.\n");
        let none = none.snap.file(none.file).unwrap();
        assert!(FileIndex::references_to(none, "a0").is_empty());

        let ids = |hits: &[Hit<'_>]| hits.iter().map(|h| h.id.to_string()).collect::<Vec<_>>();
        let all = |_: EntryKind| Some(0);
        let (hits, cut) = table.complete(&Pattern::new("TURK"), all, None, 10);
        assert_eq!((ids(&hits), cut), (vec!["türkiye".to_string()], false));
        // The title is searched only by workspace symbols.
        let (hits, _) = table.complete(&Pattern::new("title"), all, None, 10);
        assert!(hits.is_empty());
        let (hits, _) = table.search(&Pattern::new("title"), 10);
        assert_eq!(ids(&hits), ["e1"]);
        // An empty pattern lists kinds in rank order, each by ID, and
        // stops at the limit.
        let events_first = |k: EntryKind| Some(if k == EntryKind::Event { 0 } else { 1 });
        let (hits, cut) = table.complete(&Pattern::new(""), events_first, None, 2);
        assert_eq!(
            (ids(&hits), cut),
            (vec!["e1".to_string(), "abe".to_string()], true)
        );
        let (hits, cut) = table.complete(&Pattern::new(""), events_first, Some((f.file, 1)), 5);
        assert_eq!(ids(&hits).len(), 2);
        assert!(!cut);
    }

    #[test]
    fn top_hits_keep_the_best_in_order() {
        // Pseudo-random hits with many ties, against a full sort.
        let ids: Vec<String> = (0..40).map(|i| format!("id{}", (i * 7) % 13)).collect();
        let mut state = 7u32;
        let mut next = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            state >> 16
        };
        let hits: Vec<Hit<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Hit {
                rank: (next() % 3) as u8,
                score: next() % 4,
                id_prefix: prefix8(id),
                id,
                file: (i % 5) as FileId,
                def: i as u32,
            })
            .collect();
        for limit in [0, 1, 5, 17, 40, 60] {
            let mut top = TopHits::new(limit);
            for h in &hits {
                top.push(*h);
            }
            let (kept, cut) = top.finish();
            let mut all = hits.clone();
            all.sort_by(|a, b| a.cmp(b));
            all.truncate(limit);
            let key = |h: &Hit<'_>| (h.file, h.def);
            assert_eq!(
                kept.iter().map(key).collect::<Vec<_>>(),
                all.iter().map(key).collect::<Vec<_>>()
            );
            assert_eq!(cut, hits.len() > limit);
        }
    }
}
