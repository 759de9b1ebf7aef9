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

use super::names::NameIndex;
use super::summary::FileSummary;
use super::FileId;
use crate::syntax::EntryKind;

/// One file as the analysis sees it.
#[derive(Clone)]
pub struct FileData {
    pub id: FileId,
    /// The file's key: a URI in the server, a path in the CLI.
    pub key: Arc<str>,
    pub text: Arc<str>,
    pub tree: Tree,
    pub summary: Arc<FileSummary>,
    /// The editor's version for an open document.
    pub version: Option<i32>,
    /// Line starts (`\n`, `\r\n`, `\r`), computed on first use.
    pub line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The editor features' index of this version (definitions folded for
    /// fuzzy search, references by ID), built on first use.
    pub ide_index: std::sync::OnceLock<Arc<super::ide::index::FileIndex>>,
}

impl FileData {
    /// The byte offset of every line start, computed once per version.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| crate::syntax::lines::line_starts(&self.text))
    }
}

/// Where an ID is defined: the file and the index of the definition in that
/// file's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefLoc {
    pub file: FileId,
    pub index: u32,
}

/// Diagnostics of a global analysis, by file.
type DiagnosticsByFile = HashMap<FileId, Vec<super::Diagnostic>>;

/// An immutable view of the whole workspace.
#[derive(Clone, Default)]
pub struct Snapshot {
    files: imbl::HashMap<FileId, Arc<FileData>>,
    keys: imbl::HashMap<Arc<str>, FileId>,
    /// ID → its definitions (more than one is a duplicate).
    defs: imbl::HashMap<Arc<str>, imbl::Vector<DefLoc>>,
    /// ID → file → number of references to it in that file.
    refs: imbl::HashMap<Arc<str>, imbl::HashMap<FileId, u32>>,
    /// Actor names and aliases, for unlinked mentions and alias suggestions.
    names: Arc<NameIndex>,
    /// The temporal analysis of this snapshot, computed on first use.
    temporal: Arc<std::sync::OnceLock<Arc<super::temporal::Temporal>>>,
    /// Solved components of the temporal network, shared by every snapshot
    /// of the workspace.
    temporal_cache: Arc<super::temporal::TemporalCache>,
    /// Claim conflicts of this snapshot, by file, computed on first use.
    claims: Arc<std::sync::OnceLock<Arc<DiagnosticsByFile>>>,
}

impl Snapshot {
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
            .map(|v| v.iter().copied().collect())
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

    /// The kind of an ID's first definition.
    pub fn kind_of(&self, id: &str) -> Option<EntryKind> {
        let loc = *self.definitions(id).first()?;
        self.definition(loc).map(|(_, d)| d.kind)
    }

    /// Every defined ID, with one definition each.
    pub fn all_definitions(&self) -> impl Iterator<Item = (&Arc<str>, DefLoc)> {
        self.defs
            .iter()
            .filter_map(|(id, locs)| locs.iter().min().map(|l| (id, *l)))
    }

    /// The files that refer to an ID, with how often.
    pub fn referring_files(&self, id: &str) -> Vec<(FileId, u32)> {
        let mut out: Vec<_> = self
            .refs
            .get(id)
            .map(|m| m.iter().map(|(f, n)| (*f, *n)).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// How many references an ID has in the workspace.
    pub fn reference_count(&self, id: &str) -> u32 {
        self.refs.get(id).map(|m| m.values().sum()).unwrap_or(0)
    }

    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// The claim diagnostics of the whole workspace, computed once per
    /// snapshot.
    pub fn claim_diagnostics(&self, file: FileId) -> Vec<super::Diagnostic> {
        self.claims
            .get_or_init(|| Arc::new(super::claims::analyse(self)))
            .get(&file)
            .cloned()
            .unwrap_or_default()
    }

    /// The cache of solved temporal components (shared across snapshots).
    pub fn temporal_cache(&self) -> &super::temporal::TemporalCache {
        &self.temporal_cache
    }

    /// The date checks and event windows of the whole workspace, computed
    /// once per snapshot.
    pub fn temporal(&self) -> Arc<super::temporal::Temporal> {
        self.temporal
            .get_or_init(|| Arc::new(super::temporal::analyse(self)))
            .clone()
    }
}

/// The mutable side: owns the current snapshot and replaces files in it.
#[derive(Default)]
pub struct Workspace {
    snapshot: Snapshot,
    next_id: FileId,
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
        text: Arc<str>,
        tree: Tree,
        summary: Arc<FileSummary>,
        version: Option<i32>,
    ) -> ChangeSet {
        let id = self.intern(key);
        let key: Arc<str> = self
            .snapshot
            .keys
            .get_key_value(key)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| Arc::from(key));
        let old = self.snapshot.files.get(&id).cloned();
        let data = Arc::new(FileData {
            id,
            key,
            text,
            tree,
            summary,
            version,
            line_starts: Default::default(),
            ide_index: Default::default(),
        });
        let changed = self.replace(id, old.as_deref(), Some(&data));
        self.snapshot.temporal = Default::default();
        self.snapshot.claims = Default::default();
        self.snapshot.files.insert(id, data);
        ChangeSet {
            file: Some(id),
            affected: self.affected_by(&changed, id),
        }
    }

    /// Sets the version of an open file without changing its content.
    pub fn set_version(&mut self, id: FileId, version: Option<i32>) {
        if let Some(f) = self.snapshot.files.get(&id) {
            if f.version != version {
                let mut data = (**f).clone();
                data.version = version;
                data.line_starts = Default::default();
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
        ChangeSet {
            file: None,
            affected: self.affected_by(&changed, id),
        }
    }

    /// Updates the symbol table and reverse index for a file going from
    /// `old` to `new`; returns the IDs whose definitions or references
    /// changed.
    fn replace(
        &mut self,
        id: FileId,
        old: Option<&FileData>,
        new: Option<&Arc<FileData>>,
    ) -> Vec<Arc<str>> {
        let s = &mut self.snapshot;
        let def_set = |f: Option<&FileData>| -> HashMap<Arc<str>, Vec<(u32, EntryKind)>> {
            let mut m: HashMap<Arc<str>, Vec<(u32, EntryKind)>> = HashMap::new();
            if let Some(f) = f {
                for (i, d) in f.summary.definitions.iter().enumerate() {
                    m.entry(d.id.clone()).or_default().push((i as u32, d.kind));
                }
            }
            m
        };
        let ref_counts = |f: Option<&FileData>| -> HashMap<Arc<str>, u32> {
            let mut m: HashMap<Arc<str>, u32> = HashMap::new();
            if let Some(f) = f {
                for r in &f.summary.references {
                    *m.entry(r.id.clone()).or_default() += 1;
                }
            }
            m
        };
        let new_ref = new.map(|a| &**a);
        let (old_defs, new_defs) = (def_set(old), def_set(new_ref));
        let (old_refs, new_refs) = (ref_counts(old), ref_counts(new_ref));
        let mut changed = Vec::new();

        for (name, _) in old_defs.iter().filter(|(k, _)| !new_defs.contains_key(*k)) {
            if let Some(locs) = s.defs.get_mut(name) {
                locs.retain(|l| l.file != id);
                if locs.is_empty() {
                    s.defs.remove(name);
                }
            }
            changed.push(name.clone());
        }
        for (name, indices) in &new_defs {
            let old_indices = old_defs.get(name);
            if old_indices == Some(indices) {
                continue;
            }
            let locs = s.defs.entry(name.clone()).or_default();
            locs.retain(|l| l.file != id);
            locs.extend(indices.iter().map(|&(index, _)| DefLoc { file: id, index }));
            // Only a change in how many times, or as what kind, the file
            // defines the ID changes other files' diagnostics; a definition
            // that merely moved within the file does not.
            let kinds = |v: &Vec<(u32, EntryKind)>| v.iter().map(|(_, k)| *k).collect::<Vec<_>>();
            if old_indices.map(kinds) != Some(kinds(indices)) {
                changed.push(name.clone());
            }
        }
        for (name, _) in old_refs.iter().filter(|(k, _)| !new_refs.contains_key(*k)) {
            if let Some(files) = s.refs.get_mut(name) {
                files.remove(&id);
                if files.is_empty() {
                    s.refs.remove(name);
                }
            }
            changed.push(name.clone());
        }
        for (name, &count) in &new_refs {
            if old_refs.get(name) == Some(&count) {
                continue;
            }
            s.refs.entry(name.clone()).or_default().insert(id, count);
            if !old_refs.contains_key(name) {
                changed.push(name.clone());
            }
        }

        // Actor names and aliases: rebuild the automaton only when they change.
        let names_of = |f: Option<&FileData>| -> Vec<(Arc<str>, Vec<String>)> {
            f.map(|f| {
                f.summary
                    .definitions
                    .iter()
                    .filter(|d| d.kind == EntryKind::Actor)
                    .map(|d| {
                        let mut names = d.aliases.to_vec();
                        names.extend(d.title.as_deref().map(str::to_string));
                        (d.id.clone(), names)
                    })
                    .collect()
            })
            .unwrap_or_default()
        };
        let (old_names, new_names) = (names_of(old), names_of(new_ref));
        if old_names != new_names {
            let mut index = (*s.names).clone();
            index.replace_file(id, new_names);
            s.names = Arc::new(index);
            // Unlinked mentions can appear or vanish in any file with prose.
            changed.push(Arc::from(super::names::NAMES_CHANGED));
        }
        changed
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
            if let Some(locs) = s.defs.get(id) {
                out.extend(locs.iter().map(|l| l.file));
            }
            if let Some(files) = s.refs.get(id) {
                out.extend(files.keys().copied());
            }
        }
        out.remove(&except);
        out
    }
}
