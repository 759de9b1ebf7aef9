//! The workspace index: every file's summary combined into a symbol table
//! and a reverse index of references, held in an immutable [`Snapshot`].
//!
//! A snapshot is made of persistent maps: cloning one is O(1) and replacing
//! one file is O(log n) plus the size of that file's summary, so the server
//! can take a new snapshot per keystroke and let requests keep reading the
//! old one.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tree_sitter::Tree;

use super::incremental::{self, PositionMap, ReferenceBase};
use super::names::NameIndex;
use super::packed::{FileText, TextRef};
use super::splice::Splice;
use super::summary::{FileSummary, ShortBuild, Sym};
use super::FileId;
use crate::syntax::lines::LineIndex;
use crate::syntax::EntryKind;
use std::ops::Range;

/// One file as the analysis sees it.
#[derive(Clone)]
pub struct FileData {
    pub id: FileId,
    /// The file's key: a URI in the server, a path in the CLI.
    pub key: Arc<str>,
    /// Read with [`FileData::text`]: packed for a file no editor holds
    /// (the server's choice, [`super::packed`]).
    text: FileText,
    /// The whole syntax tree, kept for open documents under the server's
    /// `keepTreeBelow` (every file's summary is kept, trees are not: a tree
    /// costs about 20 bytes per byte of text). Read through
    /// [`FileData::tree_around`].
    tree: Option<Tree>,
    pub summary: Arc<FileSummary>,
    /// The editor's version for an open document.
    pub version: Option<i32>,
    /// The lines (`\n`, `\r\n`, `\r`), computed on first use; position
    /// conversions read them, and the text only on lines with characters
    /// beyond ASCII.
    lines: std::sync::OnceLock<Box<LineIndex>>,
    /// The editor features' index of this version (references by ID),
    /// built on first use.
    pub ide_index: std::sync::OnceLock<super::ide::index::FileIndex>,
    /// The reference diagnostics of this version in this workspace,
    /// computed on first use (cleared when another file's change affects
    /// this one).
    ///
    /// Kept with the snapshot's `ids_epoch` it was computed at: a file's
    /// data is replaced whenever another change affects it, so what is
    /// cached here is valid for every snapshot holding this data and the
    /// same epoch.
    pub reference_diagnostics: RefCache,
    /// The previous version's reference diagnostics and the edit since,
    /// to compute this version's from (boxed: set for an edited open
    /// document only, it would make every file's data 136 bytes larger).
    pub reference_base: Option<Box<ReferenceBase>>,
    /// The file's claims, read on first use (valid as long as this data is:
    /// it is replaced when a change affects the file).
    pub claims: std::sync::OnceLock<Arc<Vec<super::claims::Claim>>>,
}

impl FileData {
    /// A file's data with nothing computed yet; `tree` is kept (open
    /// documents) or dropped (`None`: parsed again on first use).
    fn new(
        id: FileId,
        key: Arc<str>,
        text: FileText,
        tree: Option<Tree>,
        summary: Arc<FileSummary>,
        version: Option<i32>,
    ) -> FileData {
        FileData {
            id,
            key,
            text,
            tree,
            summary,
            version,
            lines: Default::default(),
            ide_index: Default::default(),
            reference_diagnostics: Default::default(),
            reference_base: None,
            claims: Default::default(),
        }
    }

    /// A syntax tree to read the file around `range` with: the whole
    /// file's when it is kept (a small open document), else the top-level
    /// items around `range`, with more on each side, parsed on their own
    /// (`region::parse_around`) ([`crate::syntax::region`]: the same nodes, at the file's
    /// offsets). Parsing a few lines costs microseconds; keeping the tree
    /// of a 20,000-line document costs 18 MB.
    pub fn tree_around(&self, range: Range<usize>) -> TreeAround<'_> {
        match &self.tree {
            Some(tree) => TreeAround::Kept(tree),
            None => TreeAround::Region(crate::syntax::region::parse_around(&self.text(), range).0),
        }
    }

    /// The whole file's tree, if it is kept.
    pub fn kept_tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// This file as part of a workspace where another file's change may
    /// have changed its diagnostics.
    fn affected(&self) -> FileData {
        FileData {
            reference_diagnostics: Default::default(),
            reference_base: None,
            claims: Default::default(),
            ..self.clone()
        }
    }

    /// The file's text (decompressed when it is packed: keep what this
    /// returns rather than calling it again in a loop).
    pub fn text(&self) -> TextRef<'_> {
        self.text.get()
    }

    /// The text's length in bytes, without reading a packed text.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The text as it is kept.
    pub fn file_text(&self) -> &FileText {
        &self.text
    }

    /// The file's lines, indexed once per version.
    pub fn line_index(&self) -> &LineIndex {
        self.lines
            .get_or_init(|| Box::new(LineIndex::new(&self.text())))
    }
}

/// A tree to read part of a file with ([`FileData::tree_around`]).
pub enum TreeAround<'a> {
    /// The whole file's tree, kept with its data.
    Kept(&'a Tree),
    /// A tree of the items around a range, made for this read.
    Region(Tree),
}

impl std::ops::Deref for TreeAround<'_> {
    type Target = Tree;

    fn deref(&self) -> &Tree {
        match self {
            TreeAround::Kept(tree) => tree,
            TreeAround::Region(tree) => tree,
        }
    }
}

/// Where an ID is defined: the file and the index of the definition in that
/// file's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefLoc {
    pub file: FileId,
    pub index: u32,
}

/// A file's reference diagnostics and the epoch they were computed at.
/// Made on first use (open documents only): an allocation per closed file
/// for a cache it never fills cost 0.6 MB at 10,000 files.
pub type RefCache =
    std::sync::OnceLock<Arc<std::sync::Mutex<Option<(u64, Arc<Vec<super::Diagnostic>>)>>>>;

/// Diagnostics of a global analysis, by file.
/// Diagnostics by file; a list is shared until a change touches it, so a
/// derived result copies only the lists it moves.
type DiagnosticsByFile = HashMap<FileId, Arc<Vec<super::Diagnostic>>>;

/// An immutable view of the whole workspace.
#[derive(Clone, Default)]
pub struct Snapshot {
    files: imbl::HashMap<FileId, Arc<FileData>>,
    keys: imbl::HashMap<Arc<str>, FileId>,
    /// ID → its definitions (more than one is a duplicate). The ID maps
    /// are B-trees: `imbl`'s hash map allocates its nodes at full width
    /// (32 slots) however few entries they hold, which at 70,000 IDs cost
    /// about seven times as much per entry (docs/performance.md).
    defs: imbl::OrdMap<Sym, DefLocs>,
    /// ID → file → number of references to it in that file; the key is
    /// the references' own interned ID, ordered by handle ([`IdKey`]).
    refs: imbl::OrdMap<IdKey, RefFiles>,
    /// The same definitions in a hash table, built by the workspace-wide
    /// analyses ([`Snapshot::index_definitions`]) and carried to the next
    /// snapshot while an edit keeps every definition; lookups use it while
    /// it exists.
    def_index: Arc<std::sync::OnceLock<DefIndex>>,
    /// Actor names and aliases, for unlinked mentions and alias suggestions.
    names: Arc<NameIndex>,
    /// Bumped whenever an ID or actor name comes or goes ("did you mean"
    /// may then change in any file).
    ids_epoch: u64,
    /// The temporal analysis of this snapshot, computed on first use.
    temporal: Arc<std::sync::OnceLock<Arc<super::temporal::Temporal>>>,
    /// Solved components of the temporal network, shared by every snapshot
    /// of the workspace.
    temporal_cache: Arc<super::temporal::TemporalCache>,
    /// Claim conflicts of this snapshot, by file, computed on first use.
    claims: Arc<std::sync::OnceLock<Arc<DiagnosticsByFile>>>,
    /// Every definition as search keys, built on first use; shared with
    /// the next snapshot while no definition changes (see [`Self::entities`]).
    entities: Arc<std::sync::OnceLock<Arc<super::ide::index::EntityTable>>>,
    /// When this snapshot differs from an earlier one only by positions in
    /// one file: that snapshot, the file and the map, to move its
    /// workspace-wide results instead of computing them again.
    temporal_from: Arc<std::sync::Mutex<Option<Derivation>>>,
    claims_from: Arc<std::sync::Mutex<Option<Derivation>>>,
}

/// A snapshot's workspace-wide diagnostics ([`Snapshot::global_results`]).
#[derive(Clone)]
pub struct GlobalResults {
    temporal: Arc<super::temporal::Temporal>,
    claims: Arc<DiagnosticsByFile>,
    /// The keys of the files that have any.
    keys: HashMap<FileId, Arc<str>>,
}

impl GlobalResults {
    /// The files whose temporal or claim diagnostics differ in `new`.
    pub fn changed_files(&self, new: &Snapshot) -> Vec<FileId> {
        // A file with no such diagnostics in either has none to change.
        let mut ids: BTreeSet<FileId> = self.keys.keys().copied().collect();
        ids.extend(new.files_with_global_diagnostics());
        let new_t = new.temporal();
        let none = Arc::default();
        ids.into_iter()
            .filter(|&id| {
                self.temporal.diagnostics_of(id) != new_t.diagnostics_of(id)
                    || self.claims.get(&id).unwrap_or(&none) != &new.claim_diagnostics(id)
            })
            .collect()
    }

    /// The key of a file that had such diagnostics.
    pub fn key(&self, id: FileId) -> Option<&Arc<str>> {
        self.keys.get(&id)
    }
}

/// An earlier snapshot, and how one of its files changed since.
#[derive(Clone)]
struct Derivation {
    from: Snapshot,
    file: FileId,
    change: Change,
}

#[derive(Clone)]
enum Change {
    /// No entry changed: every position moved as the map says.
    Moved(Arc<PositionMap>),
    /// Entries of the spliced region changed, no definition did: the
    /// region's own checks and the claim groups it touches are redone.
    Region(Arc<Splice>),
}

/// The definitions of one ID: almost always one, kept inline (16 bytes,
/// no allocation); a duplicated ID shares one slice.
#[derive(Clone, Debug)]
enum DefLocs {
    One(DefLoc),
    Many(Arc<[DefLoc]>),
}

impl DefLocs {
    /// `None` for no location.
    fn from_vec(mut locs: Vec<DefLoc>) -> Option<DefLocs> {
        match locs.len() {
            0 => None,
            1 => locs.pop().map(DefLocs::One),
            _ => Some(DefLocs::Many(locs.into())),
        }
    }

    fn as_slice(&self) -> &[DefLoc] {
        match self {
            DefLocs::One(loc) => std::slice::from_ref(loc),
            DefLocs::Many(locs) => locs,
        }
    }

    fn push(&mut self, loc: DefLoc) {
        let mut v = self.as_slice().to_vec();
        v.push(loc);
        *self = DefLocs::Many(v.into());
    }

    /// These locations but those in `file`.
    fn without_file(&self, file: FileId) -> Vec<DefLoc> {
        self.as_slice()
            .iter()
            .filter(|l| l.file != file)
            .copied()
            .collect()
    }
}

/// Every defined ID's first definition (the least [`DefLoc`]), how many
/// definitions it has and the kind of the first, in one hash table: a
/// lookup hashes the ID once, where the B-tree of `Snapshot::defs` compares
/// it with some sixteen keys (70,000 IDs at the large preset), each behind
/// a pointer (that was half the time of the reference checks and a quarter
/// of the temporal network's).
type DefIndex = HashMap<Sym, IdDefs, super::summary::ShortBuild>;

#[derive(Clone, Copy, Debug)]
struct IdDefs {
    first: DefLoc,
    count: u32,
    kind: EntryKind,
}

/// The files that refer to one ID and how often, sorted by file: one
/// shared allocation, copied when a count changes. Most IDs are referred
/// to from a few files; the persistent map per ID this replaces cost at
/// least 536 bytes each (a third of the index at the large preset).
#[derive(Clone, Debug, Default)]
struct RefFiles(Arc<[(FileId, u32)]>);

impl RefFiles {
    fn get(&self, file: FileId) -> Option<u32> {
        let i = self.0.binary_search_by_key(&file, |(f, _)| *f).ok()?;
        Some(self.0[i].1)
    }

    /// Sets the count of `file` (`0` removes it).
    fn set(&mut self, file: FileId, count: u32) {
        let mut v = self.0.to_vec();
        match (v.binary_search_by_key(&file, |(f, _)| *f), count) {
            (Ok(i), 0) => {
                v.remove(i);
            }
            (Ok(i), n) => v[i].1 = n,
            (Err(_), 0) => return,
            (Err(i), n) => v.insert(i, (file, n)),
        }
        self.0 = v.into();
    }

    /// Sets the counts of many files at once (the last count of a file
    /// wins; `0` removes it).
    fn extend(&mut self, counts: impl IntoIterator<Item = (FileId, u32)>) {
        let mut all = self.0.to_vec();
        all.extend(counts);
        // Stable: of two counts for a file, the later one stays last.
        all.sort_by_key(|(f, _)| *f);
        let mut merged: Vec<(FileId, u32)> = Vec::with_capacity(all.len());
        for (f, n) in all {
            match merged.last_mut() {
                Some(last) if last.0 == f => last.1 = n,
                _ => merged.push((f, n)),
            }
        }
        merged.retain(|(_, n)| *n > 0);
        self.0 = merged.into();
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Files and counts, by file.
    fn iter(&self) -> impl Iterator<Item = (FileId, u32)> + '_ {
        self.0.iter().copied()
    }
}

/// A key of the reference index: an ID's handle, ordered by the handle's
/// number. Equal IDs have equal handles, so a lookup compares integers
/// where ordering by the text compared strings behind pointers (`memcmp`
/// was a fifth of indexing a workspace); the index is never read in order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct IdKey(Sym);

impl IdKey {
    /// The key of an ID given as text: `None` for a string never
    /// interned, which no reference names.
    fn of(id: &str) -> Option<IdKey> {
        Sym::find(id).map(IdKey)
    }
}

impl PartialOrd for IdKey {
    fn partial_cmp(&self, other: &IdKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdKey {
    fn cmp(&self, other: &IdKey) -> std::cmp::Ordering {
        self.0.handle().cmp(&other.0.handle())
    }
}

/// Sets how many times `file` refers to `id` in the index (`0`: none);
/// the key is allocated only for an ID no file referred to yet, and an ID
/// no file refers to any more is dropped.
fn set_ref_count(refs: &mut imbl::OrdMap<IdKey, RefFiles>, id: Sym, file: FileId, count: u32) {
    let id = IdKey(id);
    match refs.get_mut(&id) {
        Some(files) => {
            files.set(file, count);
            if files.is_empty() {
                refs.remove(&id);
            }
        }
        None if count > 0 => {
            let mut files = RefFiles::default();
            files.set(file, count);
            refs.insert(id, files);
        }
        None => {}
    }
}

/// How many times a file refers to each ID.
fn ref_counts(summary: &FileSummary) -> HashMap<Sym, u32, ShortBuild> {
    let mut counts: HashMap<Sym, u32, ShortBuild> = HashMap::default();
    for r in &summary.references {
        *counts.entry(r.id).or_default() += 1;
    }
    counts
}

/// A file's actors with their names (aliases, then the display name), for
/// the actor-name index.
type ActorNames = Vec<(Sym, Vec<String>)>;

fn actor_names(file: &FileData) -> ActorNames {
    // Most files define no actor: their text is not read.
    let mut text = None;
    file.summary
        .definitions
        .iter()
        .filter(|d| d.kind == EntryKind::Actor)
        .map(|d| {
            // Exactly as long as it needs to be: the index keeps it.
            let mut names = Vec::with_capacity(d.aliases.len() + usize::from(d.title.is_some()));
            names.extend(d.aliases.iter().cloned());
            names.extend(
                d.title
                    .map(|t| t.read(text.get_or_insert_with(|| file.text())).into_owned()),
            );
            (d.id, names)
        })
        .collect()
}

/// Whether two lists of definitions (of files whose texts are `a_text` and
/// `b_text`) agree in everything but positions (ID, kind, title, aliases
/// and kind of actor, in order).
fn same_definitions(
    a: &[super::summary::Definition],
    a_text: &str,
    b: &[super::summary::Definition],
    b_text: &str,
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            (&a.id, a.kind, &a.aliases, &a.subkind) == (&b.id, b.kind, &b.aliases, &b.subkind)
                && a.title.map(|t| t.read(a_text)) == b.title.map(|t| t.read(b_text))
        })
}

/// Whether a diagnostic of `list` points into `file`.
fn mentions(list: &[super::Diagnostic], file: FileId) -> bool {
    list.iter()
        .any(|d| d.related.iter().any(|r| r.file == file))
}

/// Moves the positions of `file` in diagnostics of every file past a
/// region; `None` when one of them reaches into the region.
fn shift_by_file(by_file: &mut DiagnosticsByFile, file: FileId, sp: &Splice) -> Option<()> {
    for (id, list) in by_file.iter_mut() {
        let in_file = *id == file;
        if !in_file && !mentions(list, file) {
            continue;
        }
        for d in Arc::make_mut(list).iter_mut() {
            if in_file {
                d.range = sp.shift(&d.range)?;
            }
            for r in &mut d.related {
                if r.file == file {
                    r.range = sp.shift(&r.range)?;
                }
            }
        }
    }
    Some(())
}

fn region_temporal(
    new: &Snapshot,
    d: &Derivation,
    sp: &Splice,
) -> Option<super::temporal::Temporal> {
    let old_file = d.from.file(d.file)?;
    let new_file = new.file(d.file)?;
    let (cut, count) = &sp.entries;
    let old_part = super::temporal::region_part(&d.from, old_file, cut.clone(), &sp.old);
    if old_part.network {
        return None;
    }
    let new_part =
        super::temporal::region_part(new, new_file, cut.start..cut.start + count, &sp.new);
    if new_part.network {
        return None;
    }
    let mut out = (*d.from.temporal()).clone();
    out.how = "region";
    if let Some(list) = out.diagnostics.get_mut(&d.file) {
        Arc::make_mut(list).retain(|x| !sp.anchored(&x.range));
    }
    shift_by_file(&mut out.diagnostics, d.file, sp)?;
    if !new_part.diagnostics.is_empty() {
        Arc::make_mut(out.diagnostics.entry(d.file).or_default()).extend(new_part.diagnostics);
    }
    let resolved = Arc::make_mut(out.resolved.entry(d.file).or_default());
    resolved.retain(|(r, _)| !sp.anchored(r));
    for (r, _) in resolved.iter_mut() {
        *r = sp.shift(r)?;
    }
    resolved.extend(new_part.resolved);
    resolved.sort_by_key(|(r, _)| r.start);
    Some(out)
}

fn region_claims(new: &Snapshot, d: &Derivation, sp: &Splice) -> Option<DiagnosticsByFile> {
    use super::claims;
    let old_file = d.from.file(d.file)?;
    let new_file = new.file(d.file)?;
    let (cut, count) = &sp.entries;
    let mut keys: Vec<(Sym, Sym)> = claims::claims_of_entries(&d.from, old_file, cut.clone())
        .into_iter()
        .chain(claims::claims_of_entries(
            new,
            new_file,
            cut.start..cut.start + count,
        ))
        .map(|c| (c.subject, c.property))
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = (**d.from.claims_by_file()).clone();
    // The touched groups' diagnostics go (at their old places) …
    let mut gone: std::collections::HashSet<(FileId, Range<usize>)> = Default::default();
    for (subject, property) in &keys {
        for c in claims::group(&d.from, subject, property) {
            gone.insert((c.file, c.range));
        }
    }
    if !gone.is_empty() {
        for (id, list) in out.iter_mut() {
            if list.iter().any(|x| gone.contains(&(*id, x.range.clone()))) {
                Arc::make_mut(list).retain(|x| !gone.contains(&(*id, x.range.clone())));
            }
        }
    }
    // … the others move …
    shift_by_file(&mut out, d.file, sp)?;
    // … and the touched groups are checked again.
    for (subject, property) in &keys {
        claims::check_group(&claims::group(new, subject, property), &mut out);
    }
    out.retain(|_, list| !list.is_empty());
    Some(out)
}

fn take(m: &std::sync::Mutex<Option<Derivation>>) -> Option<Derivation> {
    m.lock().unwrap_or_else(|e| e.into_inner()).take()
}

impl Snapshot {
    /// Every definition as search keys, for completion and workspace
    /// symbols: built on first use, and kept by the snapshots that follow
    /// while their edits keep every definition (ID, kind, title, aliases
    /// and order), which is what the table's rows point at.
    pub fn entities(&self) -> &super::ide::index::EntityTable {
        self.entities
            .get_or_init(|| Arc::new(super::ide::index::EntityTable::build(self)))
    }

    pub fn file(&self, id: FileId) -> Option<&Arc<FileData>> {
        self.files.get(&id)
    }

    pub fn file_id(&self, key: &str) -> Option<FileId> {
        self.keys.get(key).copied()
    }

    pub fn files(&self) -> impl Iterator<Item = &Arc<FileData>> {
        self.files.values()
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Every definition of an ID.
    pub fn definitions(&self, id: &str) -> Vec<DefLoc> {
        let mut out: Vec<DefLoc> = self
            .defs
            .get(id)
            .map(|v| v.as_slice().to_vec())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Resolves a definition location.
    pub fn definition(&self, loc: DefLoc) -> Option<(&Arc<FileData>, &super::summary::Definition)> {
        let file = self.files.get(&loc.file)?;
        let def = file.summary.definitions.get(loc.index as usize)?;
        Some((file, def))
    }

    /// An ID's first definition (the first of [`Snapshot::definitions`]),
    /// without collecting them.
    pub fn first_definition(&self, id: &str) -> Option<DefLoc> {
        if let Some(index) = self.def_index.get() {
            return index.get(id).map(|d| d.first);
        }
        self.defs.get(id)?.as_slice().iter().min().copied()
    }

    /// An ID's first definition and its kind (`None` when that location
    /// does not resolve).
    pub fn first_definition_kind(&self, id: &str) -> Option<(DefLoc, Option<EntryKind>)> {
        if let Some(index) = self.def_index.get() {
            return index.get(id).map(|d| (d.first, Some(d.kind)));
        }
        let loc = self.first_definition(id)?;
        Some((loc, self.definition(loc).map(|(_, d)| d.kind)))
    }

    /// How many definitions an ID has.
    pub fn definition_count(&self, id: &str) -> usize {
        if let Some(index) = self.def_index.get() {
            return index.get(id).map_or(0, |d| d.count as usize);
        }
        self.defs.get(id).map_or(0, |v| v.as_slice().len())
    }

    /// The kind of an ID's first definition.
    pub fn kind_of(&self, id: &str) -> Option<EntryKind> {
        self.first_definition_kind(id)?.1
    }

    /// Drops the tables made from every definition (the search table and
    /// the table of definitions): a change to the definitions makes them
    /// stale; they are built again on demand.
    fn forget_definition_tables(&mut self) {
        self.entities = Default::default();
        self.def_index = Default::default();
    }

    /// Builds the hash table of definitions that lookups by ID use from
    /// then on in this snapshot (and the next ones while edits keep every
    /// definition). For the analyses that look up most IDs of the
    /// workspace: building it reads every definition once.
    pub fn index_definitions(&self) {
        self.def_index.get_or_init(|| {
            let mut index = DefIndex::default();
            index.reserve(self.defs.len());
            for f in self.files.values() {
                for (i, d) in f.summary.definitions.iter().enumerate() {
                    let loc = DefLoc {
                        file: f.id,
                        index: i as u32,
                    };
                    let new = IdDefs {
                        first: loc,
                        count: 1,
                        kind: d.kind,
                    };
                    index
                        .entry(d.id)
                        .and_modify(|e| {
                            e.count += 1;
                            if loc < e.first {
                                *e = IdDefs {
                                    count: e.count,
                                    ..new
                                };
                            }
                        })
                        .or_insert(new);
                }
            }
            index
        });
    }

    /// Every defined ID, with one definition each.
    pub fn all_definitions(&self) -> impl Iterator<Item = (&Sym, DefLoc)> {
        self.defs
            .iter()
            .filter_map(|(id, locs)| locs.as_slice().iter().min().map(|l| (id, *l)))
    }

    /// The files that refer to an ID, with how often.
    pub fn referring_files(&self, id: &str) -> Vec<(FileId, u32)> {
        IdKey::of(id)
            .and_then(|id| self.refs.get(&id))
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    /// How many references an ID has in the workspace.
    pub fn reference_count(&self, id: &str) -> u32 {
        IdKey::of(id)
            .and_then(|id| self.refs.get(&id))
            .map(|m| m.iter().map(|(_, n)| n).sum())
            .unwrap_or(0)
    }

    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// The claim diagnostics of the whole workspace, computed once per
    /// snapshot.
    pub fn claim_diagnostics(&self, file: FileId) -> Arc<Vec<super::Diagnostic>> {
        self.claims_by_file()
            .get(&file)
            .cloned()
            .unwrap_or_default()
    }

    /// Computes the workspace-wide results (temporal network, claims) of
    /// this snapshot now, if they are not yet: the two side by side, so
    /// that the serial steps of one overlap the parallel steps of the other.
    pub fn compute_workspace_results(&self) {
        rayon::join(
            || {
                self.temporal();
            },
            || {
                self.claims_by_file();
            },
        );
    }

    /// This snapshot's workspace-wide results, to tell later which files'
    /// changed ([`GlobalResults::changed_files`]) without keeping the
    /// snapshot (and the file versions only it still holds).
    pub fn global_results(&self) -> GlobalResults {
        let keys = self
            .files_with_global_diagnostics()
            .filter_map(|id| Some((id, self.file(id)?.key.clone())))
            .collect();
        GlobalResults {
            temporal: self.temporal(),
            claims: self.claims_by_file().clone(),
            keys,
        }
    }

    /// The files with temporal or claim diagnostics in this snapshot.
    pub fn files_with_global_diagnostics(&self) -> impl Iterator<Item = FileId> + '_ {
        let temporal = self.temporal();
        let mut ids: Vec<FileId> = temporal
            .diagnostics
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(id, _)| *id)
            .collect();
        ids.extend(
            self.claims_by_file()
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(id, _)| *id),
        );
        ids.into_iter()
    }

    fn claims_by_file(&self) -> &Arc<DiagnosticsByFile> {
        self.claims.get_or_init(|| match take(&self.claims_from) {
            Some(d) => match &d.change {
                Change::Moved(map) => {
                    let mut out = (**d.from.claims_by_file()).clone();
                    move_by_file(&mut out, d.file, map);
                    Arc::new(out)
                }
                Change::Region(sp) => Arc::new(
                    region_claims(self, &d, sp).unwrap_or_else(|| super::claims::analyse(self)),
                ),
            },
            None => Arc::new(super::claims::analyse(self)),
        })
    }

    /// This snapshot with an empty cache of solved temporal components and
    /// no results yet (benchmarks of the whole analysis).
    pub fn with_fresh_temporal_cache(&self) -> Snapshot {
        Snapshot {
            temporal_cache: Default::default(),
            temporal: Default::default(),
            temporal_from: Default::default(),
            ..self.clone()
        }
    }

    /// The cache of solved temporal components (shared across snapshots).
    pub fn temporal_cache(&self) -> &super::temporal::TemporalCache {
        &self.temporal_cache
    }

    /// The date checks and event windows of the whole workspace, computed
    /// once per snapshot.
    pub fn temporal(&self) -> Arc<super::temporal::Temporal> {
        self.temporal
            .get_or_init(|| match take(&self.temporal_from) {
                Some(d) => match &d.change {
                    Change::Moved(map) => {
                        let mut out = (*d.from.temporal()).clone();
                        out.how = "moved";
                        move_by_file(&mut out.diagnostics, d.file, map);
                        if let Some(list) = out.resolved.get_mut(&d.file) {
                            for (r, _) in Arc::make_mut(list) {
                                *r = map.map_range(r);
                            }
                        }
                        Arc::new(out)
                    }
                    Change::Region(sp) => Arc::new(
                        region_temporal(self, &d, sp)
                            .unwrap_or_else(|| super::temporal::analyse(self)),
                    ),
                },
                None => Arc::new(super::temporal::analyse(self)),
            })
            .clone()
    }

    /// The reference diagnostics of a file, computed once per version
    /// (from the previous version's when the edit allows).
    pub fn reference_diagnostics(&self, file: &FileData) -> Arc<Vec<super::Diagnostic>> {
        if let Some(d) = self.cached_references(file) {
            return d;
        }
        let incremental = file
            .reference_base
            .as_ref()
            .filter(|base| base.epoch == self.ids_epoch)
            .and_then(|base| incremental_references(self, file, base));
        let d = Arc::new(
            incremental.unwrap_or_else(|| super::references::reference_diagnostics(self, file)),
        );
        // Kept for open documents only: their next version starts from it.
        // Other files are checked again when something affects them, and a
        // workspace's worth of diagnostics is memory better not held.
        if file.version.is_some() {
            let mut slot = file
                .reference_diagnostics
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if slot.as_ref().is_none_or(|(e, _)| *e <= self.ids_epoch) {
                *slot = Some((self.ids_epoch, d.clone()));
            }
        }
        d
    }

    /// The reference diagnostics cached for a file, if computed in this
    /// snapshot's epoch.
    fn cached_references(&self, file: &FileData) -> Option<Arc<Vec<super::Diagnostic>>> {
        let slot = file
            .reference_diagnostics
            .get()?
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .filter(|(e, _)| *e == self.ids_epoch)
            .map(|(_, d)| d.clone())
    }
}

/// Moves the positions of `file` in diagnostics of every file.
fn move_by_file(by_file: &mut DiagnosticsByFile, file: FileId, map: &PositionMap) {
    for (id, list) in by_file.iter_mut() {
        let in_file = *id == file;
        if !in_file && !mentions(list, file) {
            continue;
        }
        for d in Arc::make_mut(list).iter_mut() {
            map.move_diagnostic(d, in_file, file);
        }
    }
}

/// A file's reference diagnostics from its previous version's: the
/// elements of the spliced region and those whose ID changed in the index
/// are checked again, the others keep theirs (moved).
fn incremental_references(
    snap: &Snapshot,
    file: &FileData,
    base: &ReferenceBase,
) -> Option<Vec<super::Diagnostic>> {
    if base
        .changed
        .iter()
        .any(|id| &**id == super::names::NAMES_CHANGED)
    {
        return None;
    }
    let mut kept = base.kept(file.id)?;
    let s = &file.summary;
    let region = base.splice.new.clone();
    let in_region = |at: usize| region.start <= at && at < region.end;
    let changed: std::collections::HashSet<&str> = base.changed.iter().map(|c| &**c).collect();
    // Definitions outside the region whose ID's references came or went:
    // their old diagnostics go (whether the ID is used may have changed).
    // References are checked against definitions only, and no definition
    // changed (a base exists only for an edit that kept them).
    let mut again: std::collections::HashSet<Range<usize>> = std::collections::HashSet::new();
    for d in &s.definitions {
        if !in_region(d.range.start) && changed.contains(&*d.id) {
            again.insert(d.range.clone());
        }
    }
    kept.retain(|d| !(incremental::is_element_code(d.code) && again.contains(&d.range)));
    let fresh = super::references::reference_diagnostics_of(
        snap,
        file,
        &super::references::Selection {
            references: &|_, r| in_region(r.at()),
            definitions: &|_, d| in_region(d.range.start) || changed.contains(&*d.id),
            prose: &|i| s.prose.get(i).is_some_and(|p| in_region(p.start())),
        },
    );
    kept.extend(fresh);
    kept.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    Some(kept)
}

/// The mutable side: owns the current snapshot and replaces files in it.
#[derive(Default, Clone)]
pub struct Workspace {
    snapshot: Snapshot,
    next_id: FileId,
    /// An ID was defined for the first time or lost its last definition
    /// during the current change: "did you mean" may change anywhere.
    ids_changed: bool,
}

/// What a change did, so the server knows which files to re-check.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// The file that changed (absent when a file was removed).
    pub file: Option<FileId>,
    /// Every other file whose diagnostics may have changed: files that
    /// define or refer to an ID whose definitions or references changed.
    pub affected: BTreeSet<FileId>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.clone()
    }

    /// The ID of a file key, allocating one for a new key.
    pub fn intern(&mut self, key: &str) -> FileId {
        if let Some(id) = self.snapshot.keys.get(key) {
            return *id;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.snapshot.keys.insert(Arc::from(key), id);
        id
    }

    /// Adds or replaces a file.
    pub fn set_file(
        &mut self,
        key: &str,
        text: impl Into<FileText>,
        tree: Option<Tree>,
        summary: Arc<FileSummary>,
        version: Option<i32>,
    ) -> ChangeSet {
        self.set_file_edited(key, text.into(), tree, summary, version, None)
    }

    /// Adds or replaces many files at once (indexing): which other files
    /// each one affects is not worked out — every cached result is
    /// invalidated once at the end, and the caller publishes everything.
    /// Files new to the workspace enter the index together: what each
    /// defines and refers to is read in parallel and merged once; a file
    /// that replaces another is updated on its own.
    pub fn set_files(
        &mut self,
        files: impl IntoIterator<Item = (Arc<str>, FileText, Arc<FileSummary>)>,
    ) {
        let mut fresh: Vec<Arc<FileData>> = Vec::new();
        let mut fresh_ids: std::collections::HashSet<FileId> = Default::default();
        for (key, text, summary) in files {
            let id = self.intern(&key);
            let key = self
                .snapshot
                .keys
                .get_key_value(&*key)
                .map(|(k, _)| k.clone())
                .unwrap_or(key);
            let old = self.snapshot.files.get(&id).cloned();
            let data = Arc::new(FileData::new(id, key, text, None, summary, None));
            match old {
                Some(old) => {
                    if fresh_ids.contains(&id) {
                        // The same file twice: the first enters the index
                        // before the second replaces it.
                        self.add_fresh(std::mem::take(&mut fresh));
                        fresh_ids.clear();
                    }
                    self.replace(id, Some(&old), Some(&data));
                }
                None => {
                    fresh_ids.insert(id);
                    fresh.push(data.clone());
                }
            }
            self.snapshot.files.insert(id, data);
        }
        self.add_fresh(fresh);
        self.snapshot.temporal = Default::default();
        self.snapshot.claims = Default::default();
        self.snapshot.temporal_from = Default::default();
        self.snapshot.claims_from = Default::default();
        self.ids_changed = false;
        self.snapshot.ids_epoch += 1;
    }

    /// Replaces a file whose new summary was spliced from the one in the
    /// workspace (`splice`): the index, the file's reference diagnostics
    /// and, when no entry changed, the workspace-wide results are updated
    /// from the previous ones instead of being computed again.
    pub fn set_file_edited(
        &mut self,
        key: &str,
        text: FileText,
        tree: Option<Tree>,
        summary: Arc<FileSummary>,
        version: Option<i32>,
        splice: Option<&Splice>,
    ) -> ChangeSet {
        let id = self.intern(key);
        let key: Arc<str> = self
            .snapshot
            .keys
            .get_key_value(key)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| Arc::from(key));
        let before = self.snapshot.clone();
        let old = self.snapshot.files.get(&id).cloned();
        let mut data = FileData::new(id, key, text, tree, summary, version);
        let spliced = old.as_ref().zip(splice);
        let index_spliced = spliced.and_then(|(old, s)| self.replace_spliced(id, old, &data, s));
        let defs_kept = index_spliced.is_some();
        let changed = match index_spliced {
            Some(changed) => changed,
            None => {
                // A definition changed (perhaps only its title, which other
                // files' messages quote).
                self.ids_changed |= old.is_some();
                self.replace(id, old.as_deref(), Some(&data))
            }
        };
        let map = spliced.and_then(|(old, s)| {
            PositionMap::of_unchanged_entries(
                &old.summary,
                &old.text(),
                &data.summary,
                &data.text(),
                s,
            )
        });
        if let Some((old, s)) = spliced {
            if let Some(lines) = old
                .lines
                .get()
                .and_then(|old| old.splice(&data.text(), s.old.clone(), s.new.clone()))
            {
                let _ = data.lines.set(Box::new(lines));
            }
        }
        // When IDs came or went, suggestions may change anywhere in the file.
        if let Some((old, s)) = spliced.filter(|_| !self.ids_changed) {
            if let Some(previous) = before.cached_references(old) {
                data.reference_base = Some(Box::new(ReferenceBase {
                    epoch: before.ids_epoch,
                    previous,
                    splice: s.clone(),
                    changed: changed.clone(),
                }));
            }
        }
        self.snapshot.temporal = Default::default();
        self.snapshot.claims = Default::default();
        self.snapshot.temporal_from = Default::default();
        self.snapshot.claims_from = Default::default();
        // The file's claims, from the previous version's: only the region's
        // entries are read again (the rest depend on definitions, which did
        // not change).
        if let Some((old, s)) = spliced.filter(|_| defs_kept && !self.ids_changed) {
            if let Some(previous) = old.claims.get() {
                let (cut, count) = &s.entries;
                let fresh = super::claims::claims_of_entries(
                    &self.snapshot,
                    &data,
                    cut.start..cut.start + count,
                );
                if let Some(claims) = super::claims::spliced(previous, fresh, s) {
                    let _ = data.claims.set(Arc::new(claims));
                }
            }
        }
        let change = match (map, spliced) {
            (Some(map), _) => Some(Change::Moved(Arc::new(map))),
            (None, Some((old, s))) if defs_kept && !self.ids_changed => {
                Some(Change::Region(Arc::new(incremental::narrow(
                    &old.summary,
                    &old.text(),
                    &data.summary,
                    &data.text(),
                    s,
                ))))
            }
            _ => None,
        };
        if let Some(change) = change {
            let derivation = Derivation {
                from: before,
                file: id,
                change,
            };
            self.snapshot.temporal_from = Arc::new(std::sync::Mutex::new(Some(derivation.clone())));
            self.snapshot.claims_from = Arc::new(std::sync::Mutex::new(Some(derivation)));
        }
        self.snapshot.files.insert(id, Arc::new(data));
        // With the definitions kept, only references came or went: that can
        // change whether an ID is unused, which only its definitions show.
        let mut affected = if defs_kept {
            self.definers_of(&changed, id)
        } else {
            self.affected_by(&changed, id)
        };
        self.clear_affected(&mut affected, id);
        ChangeSet {
            file: Some(id),
            affected,
        }
    }

    /// Forgets the cached diagnostics of files another change affected;
    /// when the set of defined IDs changed, every file with an undefined
    /// reference is affected too (its suggestions may change).
    fn clear_affected(&mut self, affected: &mut BTreeSet<FileId>, except: FileId) {
        if std::mem::take(&mut self.ids_changed) {
            self.snapshot.ids_epoch += 1;
            for f in self.snapshot.files.values() {
                let undefined = f.reference_diagnostics.get().is_some_and(|cache| {
                    cache
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .as_ref()
                        .is_some_and(|(_, d)| {
                            d.iter().any(|d| d.code == super::Code::UndefinedReference)
                        })
                });
                if undefined && f.id != except {
                    affected.insert(f.id);
                }
            }
        }
        // Always a new data: a cache filled later from an older snapshot
        // (the publisher may still be reading one) must not reach this one.
        for id in affected.iter() {
            if let Some(f) = self.snapshot.files.get(id) {
                let fresh = Arc::new(f.affected());
                self.snapshot.files.insert(*id, fresh);
            }
        }
    }

    /// The index update for a spliced file: only the region's references
    /// are counted again. `None` when the region's definitions changed (the
    /// full update handles that).
    fn replace_spliced(
        &mut self,
        id: FileId,
        old: &FileData,
        new: &FileData,
        splice: &Splice,
    ) -> Option<Vec<Arc<str>>> {
        let (defs_cut, defs_new) = &splice.definitions;
        if defs_cut.len() != *defs_new {
            return None;
        }
        let old_defs = &old.summary.definitions[defs_cut.clone()];
        let new_defs = new
            .summary
            .definitions
            .get(defs_cut.start..defs_cut.start + defs_new)?;
        if !same_definitions(old_defs, &old.text(), new_defs, &new.text()) {
            return None;
        }
        let (refs_cut, refs_new) = &splice.references;
        let mut counts: HashMap<Sym, i64> = HashMap::new();
        for r in &old.summary.references[refs_cut.clone()] {
            *counts.entry(r.id).or_default() -= 1;
        }
        for r in new
            .summary
            .references
            .get(refs_cut.start..refs_cut.start + refs_new)?
        {
            *counts.entry(r.id).or_default() += 1;
        }
        let s = &mut self.snapshot;
        let mut changed = Vec::new();
        for (name, d) in counts {
            if d == 0 {
                continue;
            }
            let before = s
                .refs
                .get(&IdKey(name))
                .and_then(|m| m.get(id))
                .unwrap_or(0) as i64;
            let after = before + d;
            set_ref_count(&mut s.refs, name, id, after.max(0) as u32);
            if (before == 0) != (after <= 0) {
                changed.push(Arc::from(name.as_str()));
            }
        }
        Some(changed)
    }

    /// Marks a file open at `version`, with its tree, when the editor's
    /// text is the one already analysed: the summary, the index, the file's
    /// caches and every workspace-wide result stay as they are (opening a
    /// note of a large workspace recomputed them all: about a second at the
    /// large preset). `false`, and nothing changes, when the file is not in
    /// the workspace or its text differs.
    pub fn open_unchanged(
        &mut self,
        key: &str,
        text: &str,
        tree: Option<Tree>,
        version: i32,
    ) -> bool {
        let Some(f) = self
            .snapshot
            .keys
            .get(key)
            .and_then(|id| self.snapshot.files.get(id))
        else {
            return false;
        };
        if *f.text() != *text {
            return false;
        }
        let mut data = (**f).clone();
        if data.text.is_packed() {
            // An open document's text is read on every request.
            data.text = FileText::Plain(data.text.to_arc());
        }
        data.tree = tree;
        data.version = Some(version);
        self.snapshot.files.insert(data.id, Arc::new(data));
        true
    }

    /// Sets the version of an open file without changing its content.
    pub fn set_version(&mut self, id: FileId, version: Option<i32>) {
        if let Some(f) = self.snapshot.files.get(&id) {
            if f.version != version {
                let mut data = (**f).clone();
                data.version = version;
                data.lines = Default::default();
                self.snapshot.files.insert(id, Arc::new(data));
            }
        }
    }

    /// Removes a file (deleted on disk, or closed and not on disk).
    pub fn remove_file(&mut self, key: &str) -> ChangeSet {
        let Some(id) = self.snapshot.keys.get(key).copied() else {
            return ChangeSet::default();
        };
        let Some(old) = self.snapshot.files.remove(&id) else {
            return ChangeSet::default();
        };
        let changed = self.replace(id, Some(&old), None);
        self.snapshot.temporal = Default::default();
        self.snapshot.claims = Default::default();
        self.snapshot.temporal_from = Default::default();
        self.snapshot.claims_from = Default::default();
        let mut affected = self.affected_by(&changed, id);
        self.clear_affected(&mut affected, id);
        ChangeSet {
            file: None,
            affected,
        }
    }

    /// Updates the symbol table and reverse index for a file going from
    /// `old` to `new`; returns the IDs whose definitions or references
    /// changed.
    fn replace(
        &mut self,
        id: FileId,
        old: Option<&FileData>,
        new: Option<&FileData>,
    ) -> Vec<Arc<str>> {
        // The search table points at definitions: it is built again when
        // they change.
        let kept = old.zip(new).is_some_and(|(a, b)| {
            same_definitions(
                &a.summary.definitions,
                &a.text(),
                &b.summary.definitions,
                &b.text(),
            )
        });
        if !kept {
            self.snapshot.forget_definition_tables();
        }
        let s = &mut self.snapshot;
        let def_set = |f: Option<&FileData>| -> HashMap<Sym, Vec<(u32, EntryKind)>> {
            let mut m: HashMap<Sym, Vec<(u32, EntryKind)>> = HashMap::new();
            if let Some(f) = f {
                for (i, d) in f.summary.definitions.iter().enumerate() {
                    m.entry(d.id).or_default().push((i as u32, d.kind));
                }
            }
            m
        };
        let ref_counts =
            |f: Option<&FileData>| f.map(|f| ref_counts(&f.summary)).unwrap_or_default();
        let new_ref = new;
        let (old_defs, new_defs) = (def_set(old), def_set(new_ref));
        let (old_refs, new_refs) = (ref_counts(old), ref_counts(new_ref));
        let mut changed = Vec::new();

        for (name, _) in old_defs.iter().filter(|(k, _)| !new_defs.contains_key(*k)) {
            if let Some(locs) = s.defs.get(name) {
                match DefLocs::from_vec(locs.without_file(id)) {
                    Some(locs) => {
                        s.defs.insert(*name, locs);
                    }
                    None => {
                        s.defs.remove(name);
                        self.ids_changed = true;
                    }
                }
            }
            changed.push(Arc::from(name.as_str()));
        }
        for (name, indices) in &new_defs {
            let old_indices = old_defs.get(name);
            if old_indices == Some(indices) {
                continue;
            }
            let mut locs = match s.defs.get(name) {
                Some(locs) => locs.without_file(id),
                None => {
                    self.ids_changed = true;
                    Vec::new()
                }
            };
            locs.extend(indices.iter().map(|&(index, _)| DefLoc { file: id, index }));
            if let Some(locs) = DefLocs::from_vec(locs) {
                s.defs.insert(*name, locs);
            }
            // Only a change in how many times, or as what kind, the file
            // defines the ID changes other files' diagnostics; a definition
            // that merely moved within the file does not.
            let kinds = |v: &Vec<(u32, EntryKind)>| v.iter().map(|(_, k)| *k).collect::<Vec<_>>();
            if old_indices.map(kinds) != Some(kinds(indices)) {
                changed.push(Arc::from(name.as_str()));
            }
        }
        for (&name, _) in old_refs.iter().filter(|(k, _)| !new_refs.contains_key(*k)) {
            set_ref_count(&mut s.refs, name, id, 0);
            changed.push(Arc::from(name.as_str()));
        }
        for (&name, &count) in &new_refs {
            if old_refs.get(&name) == Some(&count) {
                continue;
            }
            set_ref_count(&mut s.refs, name, id, count);
            if !old_refs.contains_key(&name) {
                changed.push(Arc::from(name.as_str()));
            }
        }

        // Actor names and aliases: rebuild the automaton only when they change.
        let names_of = |f: Option<&FileData>| f.map(actor_names).unwrap_or_default();
        let (old_names, new_names) = (names_of(old), names_of(new_ref));
        if old_names != new_names {
            // Cloned only when an older snapshot shares it (not between
            // the files of one `set_files`).
            Arc::make_mut(&mut s.names).replace_file(id, new_names);
            // "Did you mean" reads names too.
            self.ids_changed = true;
            // Unlinked mentions can appear or vanish in any file with prose.
            changed.push(Arc::from(super::names::NAMES_CHANGED));
        }
        changed
    }

    /// Puts files that were not in the index in it (as [`Workspace::replace`]
    /// with no old version would, one after the other): each file's
    /// definitions, reference counts and actor names are read in parallel,
    /// then merged in order.
    fn add_fresh(&mut self, files: Vec<Arc<FileData>>) {
        use rayon::prelude::*;
        if files.iter().any(|f| !f.summary.definitions.is_empty()) {
            // New definitions.
            self.snapshot.forget_definition_tables();
        }
        let parts: Vec<(Vec<(Sym, u32)>, ActorNames)> = files
            .par_iter()
            .map(|f| {
                let counts = ref_counts(&f.summary).into_iter().collect();
                (counts, actor_names(f))
            })
            .collect();
        let s = &mut self.snapshot;
        for f in &files {
            for (index, d) in f.summary.definitions.iter().enumerate() {
                let loc = DefLoc {
                    file: f.id,
                    index: index as u32,
                };
                match s.defs.get_mut(&d.id) {
                    Some(locs) => locs.push(loc),
                    None => {
                        s.defs.insert(d.id, DefLocs::One(loc));
                    }
                }
            }
        }
        // References: by ID first, so that each ID's map of files is made
        // once.
        let mut by_id: HashMap<Sym, Vec<(FileId, u32)>, ShortBuild> = HashMap::default();
        for (f, (counts, _)) in files.iter().zip(&parts) {
            for &(id, count) in counts {
                by_id.entry(id).or_default().push((f.id, count));
            }
        }
        for (id, counts) in by_id {
            match s.refs.get_mut(&IdKey(id)) {
                Some(files) => files.extend(counts),
                None => {
                    let mut files = RefFiles::default();
                    files.extend(counts);
                    s.refs.insert(IdKey(id), files);
                }
            }
        }
        let mut named = false;
        for (f, (_, names)) in files.iter().zip(parts) {
            if !names.is_empty() {
                Arc::make_mut(&mut s.names).replace_file(f.id, names);
                named = true;
            }
        }
        if named {
            Arc::make_mut(&mut s.names).shrink_to_fit();
        }
    }

    /// Files other than `except` that define one of `ids`.
    fn definers_of(&self, ids: &[Arc<str>], except: FileId) -> BTreeSet<FileId> {
        let mut out: BTreeSet<FileId> = ids
            .iter()
            .filter_map(|id| self.snapshot.defs.get(&**id))
            .flat_map(|locs| locs.as_slice().iter().map(|l| l.file))
            .collect();
        out.remove(&except);
        out
    }

    /// Files other than `except` whose diagnostics may depend on `ids`.
    fn affected_by(&self, ids: &[Arc<str>], except: FileId) -> BTreeSet<FileId> {
        let s = &self.snapshot;
        let mut out = BTreeSet::new();
        for id in ids {
            if &**id == super::names::NAMES_CHANGED {
                out.extend(
                    s.files
                        .values()
                        .filter(|f| !f.summary.prose.is_empty())
                        .map(|f| f.id),
                );
                continue;
            }
            if let Some(locs) = s.defs.get(&**id) {
                out.extend(locs.as_slice().iter().map(|l| l.file));
            }
            if let Some(files) = IdKey::of(id).and_then(|id| s.refs.get(&id)) {
                out.extend(files.iter().map(|(f, _)| f));
            }
        }
        out.remove(&except);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::sym;

    fn set(ws: &mut Workspace, key: &str, text: &str) {
        let tree = crate::syntax::parse(text);
        let summary = Arc::new(FileSummary::new(&tree, text));
        ws.set_file(key, Arc::from(text), None, summary, None);
    }

    #[test]
    fn the_search_table_follows_the_definitions() {
        let ids = |snap: &Snapshot| {
            let (hits, _) = snap
                .entities()
                .search(&super::super::ide::fuzzy::Pattern::new(""), 10);
            hits.iter().map(|h| h.id.to_string()).collect::<Vec<_>>()
        };
        let mut ws = Workspace::new();
        set(&mut ws, "a.chron", "actor x\n\nProse.\n");
        set(&mut ws, "b.chron", "actor z\n");
        let first = ws.snapshot();
        assert_eq!(ids(&first), ["x", "z"]);
        // Same definitions, other text: the table is kept.
        set(&mut ws, "a.chron", "actor x\n\nOther prose.\n");
        let kept = ws.snapshot();
        assert!(std::ptr::eq(first.entities(), kept.entities()));
        // A renamed definition, a new file, a removed file: built again.
        set(&mut ws, "a.chron", "actor y\n");
        assert_eq!(ids(&ws.snapshot()), ["y", "z"]);
        ws.set_files([(
            Arc::from("c.chron"),
            "actor w\n".into(),
            Arc::new(FileSummary::new(
                &crate::syntax::parse("actor w\n"),
                "actor w\n",
            )),
        )]);
        assert_eq!(ids(&ws.snapshot()), ["w", "y", "z"]);
        ws.remove_file("b.chron");
        assert_eq!(ids(&ws.snapshot()), ["w", "y"]);
        assert_eq!(ids(&first), ["x", "z"]);
    }

    #[test]
    fn the_table_of_definitions_follows_the_definitions() {
        let mut ws = Workspace::new();
        set(&mut ws, "a.chron", "actor x\n\nProse.\n");
        set(&mut ws, "b.chron", "event e\n  date: 2020\n\nactor x\n");
        let first = ws.snapshot();
        first.index_definitions();
        assert!(first.def_index.get().is_some());
        let x = first.first_definition("x");
        assert_eq!(first.definition_count("x"), 2);
        assert_eq!(first.kind_of("e"), Some(EntryKind::Event));
        // Same definitions, other text: the table is kept.
        set(&mut ws, "a.chron", "actor x\n\nOther prose.\n");
        let kept = ws.snapshot();
        assert!(kept.def_index.get().is_some());
        assert_eq!(kept.first_definition("x"), x);
        // A definition renamed: built again on demand, lookups meanwhile
        // read the B-tree.
        set(&mut ws, "a.chron", "actor y\n");
        let renamed = ws.snapshot();
        assert!(renamed.def_index.get().is_none());
        let expect = |snap: &Snapshot| {
            (
                snap.first_definition("x"),
                snap.definition_count("x"),
                snap.first_definition_kind("y").map(|(_, k)| k),
                snap.kind_of("x"),
            )
        };
        let before = expect(&renamed);
        renamed.index_definitions();
        assert_eq!(expect(&renamed), before);
        assert_eq!(before.1, 1);
        assert_eq!(before.2, Some(Some(EntryKind::Actor)));
        // The earlier snapshot still reads its own.
        assert_eq!(first.definition_count("x"), 2);
        assert_eq!(first.first_definition("y"), None);
    }

    #[test]
    fn ref_files_keep_counts_by_file() {
        let mut refs = imbl::OrdMap::new();
        set_ref_count(&mut refs, sym("a"), 7, 2);
        set_ref_count(&mut refs, sym("a"), 3, 1);
        set_ref_count(&mut refs, sym("a"), 9, 4);
        set_ref_count(&mut refs, sym("a"), 7, 5);
        set_ref_count(&mut refs, sym("b"), 1, 0);
        let a = IdKey(sym("a"));
        refs.get_mut(&a).unwrap().extend([(5, 1), (9, 2), (5, 3)]);
        refs.get_mut(&a).unwrap().extend([(5, 0), (9, 4)]);
        let files = refs.get(&a).unwrap();
        assert_eq!(files.iter().collect::<Vec<_>>(), [(3, 1), (7, 5), (9, 4)]);
        assert_eq!((files.get(7), files.get(8)), (Some(5), None));
        assert!(refs.get(&IdKey(sym("b"))).is_none());
        for f in [3, 7, 9] {
            set_ref_count(&mut refs, sym("a"), f, 0);
        }
        assert!(refs.is_empty());
    }
}
