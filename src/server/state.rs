//! The server's mutable state — open documents (rope, and a tree for those
//! under `keepTreeBelow`), the analysis
//! [`Workspace`], the files that are known but not analysed — and the
//! operations that change it. No LSP types and no async code: every
//! operation is a plain synchronous function, applied by the handlers under
//! one lock in the order the notifications arrived, and returns its
//! [`Effects`]: which diagnostics to publish again, which documents to
//! analyse.
//!
//! # Open documents: text now, analysis next
//!
//! An edit updates the document's rope, and its tree if it keeps one, at
//! once (incremental reparse, a millisecond or so). A document at or over
//! `keepTreeBelow` keeps no tree (`Reading::Regions`): its job parses
//! only the items around the edit. Summarising the file and updating the
//! workspace index costs more, so it is an [`AnalysisJob`] that the
//! analyzer task runs off the lock and [`State::commit`]s; edits that arrive
//! meanwhile are coalesced into the next job. Every open document's text
//! has a generation; the [`World`] says which generation each document's
//! analysis has reached ([`World::behind`], [`World::analysed`]), so that a
//! request can wait for the text it was sent against and the diagnostics
//! publisher never publishes for a text the editor has already moved past.
//!
//! Readers never see this state: they get a [`World`], an immutable view
//! that clones in O(1).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use tracing::{debug, warn};
use tree_sitter::{Parser, Tree};

use super::convert;
use super::discover::{self, DiskFile, Roots};
use super::sync;
use super::text::{Document, PositionEncoding, TextChange};
use super::world::{Skipped, World};
use crate::analysis::packed::{self, FileText, TextDict};
use crate::analysis::splice::{self, Edit, Splice};
use crate::analysis::{self, ChangeSet, Diagnostic, FileSummary, Prepared, Workspace};
use crate::syntax;

/// What `initialize` decided.
#[derive(Clone, Debug)]
pub struct Config {
    pub encoding: PositionEncoding,
    /// Files (and open documents) larger than this are not analysed.
    pub max_file_size: u64,
    /// Open documents this large or larger keep no syntax tree (see
    /// `Reading::Regions`).
    pub keep_tree_below: u64,
    pub roots: Roots,
}

/// Open documents smaller than this keep their whole syntax tree by
/// default: 256 KiB of notes (about 6,000 lines) make a tree of about
/// 5.5 MB.
pub const KEEP_TREE_BELOW: u64 = 256 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            encoding: PositionEncoding::Utf16,
            max_file_size: discover::DEFAULT_MAX_FILE_SIZE,
            keep_tree_below: KEEP_TREE_BELOW,
            roots: Roots::default(),
        }
    }
}

/// What a change asks for next.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Keys whose diagnostics must be published again.
    pub publish: Vec<Arc<str>>,
    /// Open documents whose new text awaits analysis.
    pub analyse: Vec<Arc<str>>,
}

impl Effects {
    pub fn none() -> Self {
        Effects::default()
    }

    pub fn publish(keys: Vec<Arc<str>>) -> Self {
        Effects {
            publish: keys,
            analyse: Vec::new(),
        }
    }

    fn analyse(key: Arc<str>) -> Self {
        Effects {
            publish: Vec::new(),
            analyse: vec![key],
        }
    }

    pub fn extend(&mut self, other: Effects) {
        self.publish.extend(other.publish);
        self.analyse.extend(other.analyse);
    }
}

/// How an open document's text is read.
enum Reading {
    /// Too large to be analysed: kept as text only.
    TooLarge,
    /// Reparsed incrementally after each edit; the whole tree is kept.
    Tree(Tree),
    /// A large document: no tree is kept (a tree costs about 20 bytes per
    /// byte of notes). An edit is summarised from a tree of the top-level
    /// items around it (`splice::update_region`), requests read trees of
    /// the items around their position (`FileData::tree_around`).
    Regions,
}

impl Reading {
    fn tree(&self) -> Option<&Tree> {
        match self {
            Reading::Tree(tree) => Some(tree),
            _ => None,
        }
    }

    fn analysed(&self) -> bool {
        !matches!(self, Reading::TooLarge)
    }
}

struct OpenDoc {
    doc: Document,
    reading: Reading,
    /// The generation of the current text.
    gen: u64,
    /// The generation of the text `didOpen` gave (jobs from an earlier
    /// opening of the same document are stale).
    opened: u64,
    /// The generation of the text the last analysis job read, and one edit
    /// covering every change since (`None`: no change yet). Lets the next
    /// job splice the summary of that text instead of reading the whole
    /// file; `None` after a full replacement.
    since: Option<(u64, Option<Edit>)>,
}

/// The text of an open document to summarise, taken under the lock and run
/// off it ([`AnalysisJob::run`]), then [`State::commit`]ted.
pub struct AnalysisJob {
    pub key: Arc<str>,
    pub text: Arc<str>,
    /// The whole tree, unless the document is read by regions.
    pub tree: Option<Tree>,
    pub version: i32,
    pub gen: u64,
    /// The summary of an earlier text and the edit from it to this one.
    pub base: Option<(Arc<FileSummary>, Edit)>,
}

impl AnalysisJob {
    /// Summarises the text: splices the base summary when there is one and
    /// the edit allows it, reads the whole file otherwise.
    pub fn run(&self) -> (FileSummary, Option<Splice>) {
        if let Some((base, edit)) = &self.base {
            let spliced = match &self.tree {
                Some(tree) => splice::update(base, tree, &self.text, *edit),
                None => splice::update_region(base, &self.text, *edit),
            };
            if let Some((summary, splice)) = spliced {
                return (summary, Some(splice));
            }
        }
        match &self.tree {
            Some(tree) => (FileSummary::new(tree, &self.text), None),
            // Read whole without keeping a tree: the quick reader when the
            // text reads plainly, else a parse whose tree is dropped.
            None => (
                analysis::summarise_closed(&mut crate::syntax::parser(), &self.text),
                None,
            ),
        }
    }
}

/// A file loaded from disk (read, parsed and summarised) off the lock.
pub enum Loaded {
    Prepared(Prepared),
    Skipped(Diagnostic),
    Missing,
}

/// Reads and prepares files in parallel (call outside the state lock).
/// The texts stay plain ([`State::apply_loaded`] packs them).
pub fn load_all(files: Vec<(Arc<str>, PathBuf)>, max_size: u64) -> Vec<(Arc<str>, Loaded)> {
    load_counted(files, max_size, &AtomicUsize::new(0), Packing::No).0
}

/// What [`load_counted`] read, and the dictionary it packed the texts
/// with.
pub type LoadedAll = (Vec<(Arc<str>, Loaded)>, Option<Arc<TextDict>>);

/// Whether [`load_counted`] packs the texts it reads, and with what.
pub enum Packing {
    No,
    /// With this dictionary, or one sampled from the texts read.
    With(Option<Arc<TextDict>>),
}

/// [`load_all`], counting in `done` the files prepared so far (progress).
/// Each file is read, parsed and summarised by one worker, largest first;
/// the results come in the order of `files`. With the dictionary the
/// texts were packed with.
pub fn load_counted(
    files: Vec<(Arc<str>, PathBuf)>,
    max_size: u64,
    done: &AtomicUsize,
    packing: Packing,
) -> LoadedAll {
    // Sizes first (they decide the order); each worker then reads a file
    // into its own buffer, summarises it and keeps its text packed: no
    // plain text is held longer than its summary takes, and none leaves a
    // hole in the heap.
    type Sized = (Arc<str>, PathBuf, std::io::Result<std::fs::Metadata>);
    let sized: Vec<Sized> = files
        .into_par_iter()
        .map(|(key, path)| {
            let meta = std::fs::metadata(&path);
            (key, path, meta)
        })
        .collect();
    let dict = match packing {
        Packing::No => None,
        Packing::With(Some(dict)) => Some(dict),
        Packing::With(None) => {
            let step = sized.len().div_ceil(packed::SAMPLES).max(1);
            let samples: Vec<String> = sized
                .iter()
                .step_by(step)
                .filter_map(|(_, path, _)| match discover::read(path, max_size) {
                    DiskFile::Text(text) => Some(text),
                    _ => None,
                })
                .collect();
            let samples: Vec<&str> = samples.iter().map(String::as_str).collect();
            TextDict::from_samples(&samples)
        }
    };
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let loaded = analysis::with_parsers(
        sized,
        |(_, _, meta)| meta.as_ref().map_or(0, |m| m.len() as usize),
        |parser, (key, path, meta)| {
            let loaded = BUFFER.with_borrow_mut(|buffer| {
                match discover::read_into_with(&path, meta, max_size, buffer) {
                    discover::DiskRead::Text => {
                        let text = std::str::from_utf8(buffer).unwrap_or_default();
                        Loaded::Prepared(analysis::prepare_to_index(
                            parser,
                            key.to_string(),
                            text,
                            |text| match &dict {
                                Some(dict) => FileText::pack_str(text, dict),
                                None => FileText::from(text),
                            },
                        ))
                    }
                    discover::DiskRead::Skipped(d) => Loaded::Skipped(d),
                    discover::DiskRead::Missing => Loaded::Missing,
                }
            });
            done.fetch_add(1, Ordering::Relaxed);
            (key, loaded)
        },
    );
    rayon::broadcast(|_| {
        packed::forget_recent();
        BUFFER.with_borrow_mut(|b| *b = Vec::new());
    });
    (loaded, dict)
}

/// The server's state.
pub struct State {
    pub config: Config,
    workspace: Workspace,
    docs: HashMap<Arc<str>, OpenDoc>,
    skipped: imbl::HashMap<Arc<str>, Skipped>,
    parser: Parser,
    seq: u64,
    dirty: imbl::HashMap<Arc<str>, u64>,
    next_gen: u64,
    behind: imbl::HashMap<Arc<str>, u64>,
    analysed: imbl::HashMap<Arc<str>, u64>,
    /// Indexing passes running, and the keys changed otherwise meanwhile
    /// (a pass must not overwrite them with what it read earlier).
    indexing: usize,
    touched: HashSet<Arc<str>>,
    /// The dictionary closed files' texts are packed with, sampled by the
    /// first indexing pass ([`crate::analysis::packed`]).
    text_dict: Option<Arc<TextDict>>,
}

impl Default for State {
    fn default() -> Self {
        Self::new(Config::default())
    }
}

impl State {
    pub fn new(config: Config) -> Self {
        State {
            config,
            workspace: Workspace::new(),
            docs: HashMap::new(),
            skipped: imbl::HashMap::new(),
            parser: syntax::parser(),
            seq: 0,
            dirty: imbl::HashMap::new(),
            next_gen: 0,
            behind: imbl::HashMap::new(),
            analysed: imbl::HashMap::new(),
            indexing: 0,
            touched: HashSet::new(),
            text_dict: None,
        }
    }

    /// The current immutable view.
    pub fn world(&self) -> World {
        World {
            analysis: self.workspace.snapshot(),
            skipped: self.skipped.clone(),
            encoding: self.config.encoding,
            seq: self.seq,
            dirty: self.dirty.clone(),
            behind: self.behind.clone(),
            analysed: self.analysed.clone(),
        }
    }

    pub fn is_open(&self, key: &str) -> bool {
        self.docs.contains_key(key)
    }

    /// The keys of the open documents.
    pub fn open_keys(&self) -> Vec<Arc<str>> {
        self.docs.keys().cloned().collect()
    }

    /// The text of an open document (tests and debugging).
    pub fn open_text(&self, key: &str) -> Option<String> {
        self.docs.get(key).map(|d| d.doc.text())
    }

    /// Every key known: analysed, skipped or open.
    pub fn all_keys(&self) -> Vec<Arc<str>> {
        let snap = self.workspace.snapshot();
        let mut keys: HashSet<Arc<str>> = snap.files().map(|f| f.key.clone()).collect();
        keys.extend(self.skipped.keys().cloned());
        keys.extend(self.docs.keys().cloned());
        keys.into_iter().collect()
    }

    /// Records that `keys` need their diagnostics published, as of a new
    /// change.
    fn changed(&mut self, keys: Vec<Arc<str>>) -> Effects {
        self.seq += 1;
        for key in &keys {
            self.dirty.insert(key.clone(), self.seq);
            if self.indexing > 0 {
                self.touched.insert(key.clone());
            }
        }
        Effects::publish(keys)
    }

    /// `key` and the files a workspace change affected.
    fn with_affected(&self, key: Arc<str>, change: &ChangeSet) -> Vec<Arc<str>> {
        let snap = self.workspace.snapshot();
        let mut keys = vec![key];
        keys.extend(
            change
                .affected
                .iter()
                .filter_map(|id| snap.file(*id).map(|f| f.key.clone())),
        );
        keys
    }

    fn new_gen(&mut self) -> u64 {
        self.next_gen += 1;
        self.next_gen
    }

    /// The dictionary closed files are packed with, if one was made.
    pub fn text_dict(&self) -> Option<Arc<TextDict>> {
        self.text_dict.clone()
    }

    /// A closed file's text as the workspace keeps it: packed, once an
    /// indexing pass has made a dictionary.
    fn pack(&self, text: FileText) -> FileText {
        match &self.text_dict {
            Some(dict) => text.packed(dict),
            None => text,
        }
    }

    /// A closed file's text, parsed, summarised and put in the workspace.
    fn analyse_closed(&mut self, key: Arc<str>, text: Arc<str>) -> Effects {
        let summary = Arc::new(analysis::summarise_closed(&mut self.parser, &text));
        let text = self.pack(text.into());
        let change = self.workspace.set_file(&key, text, None, summary, None);
        self.skipped.remove(&key);
        let keys = self.with_affected(key, &change);
        self.changed(keys)
    }

    fn skip(&mut self, key: Arc<str>, problem: Diagnostic, version: Option<i32>) -> Effects {
        let change = self.workspace.remove_file(&key);
        self.behind.remove(&key);
        self.analysed.remove(&key);
        self.skipped
            .insert(key.clone(), Skipped { problem, version });
        let keys = self.with_affected(key, &change);
        self.changed(keys)
    }

    fn forget(&mut self, key: Arc<str>) -> Effects {
        let change = self.workspace.remove_file(&key);
        self.skipped.remove(&key);
        self.behind.remove(&key);
        self.analysed.remove(&key);
        let keys = self.with_affected(key, &change);
        self.changed(keys)
    }

    /// `textDocument/didOpen`: the editor's text is the truth from now on.
    /// It is parsed at once and analysed next; a document over the size
    /// limit is kept as text but neither parsed nor analysed.
    pub fn open(&mut self, key: Arc<str>, text: String, version: i32) -> Effects {
        let doc = Document::new(&text, version);
        let gen = self.new_gen();
        if text.len() as u64 > self.config.max_file_size {
            warn!(
                key = &*key,
                size = text.len(),
                "opened a document over the size limit; it is not analysed"
            );
            let open = OpenDoc {
                doc,
                reading: Reading::TooLarge,
                gen,
                opened: gen,
                since: None,
            };
            self.docs.insert(key.clone(), open);
            let problem = discover::too_large(text.len(), self.config.max_file_size);
            return self.skip(key, problem, Some(version));
        }
        let reading = if text.len() as u64 >= self.config.keep_tree_below {
            Reading::Regions
        } else {
            Reading::Tree(sync::parse(&mut self.parser, &doc, None))
        };
        // The text the workspace already analysed (a file opened as it is
        // on disk): nothing to analyse, only the version to publish, and
        // the next edit is spliced into the summary already there.
        let unchanged =
            self.workspace
                .open_unchanged(&key, &text, reading.tree().cloned(), version);
        let open = OpenDoc {
            doc,
            reading,
            gen,
            opened: gen,
            since: unchanged.then_some((gen, None)),
        };
        self.docs.insert(key.clone(), open);
        if unchanged {
            self.analysed.insert(key.clone(), gen);
            self.skipped.remove(&key);
            return self.changed(vec![key]);
        }
        self.behind.insert(key.clone(), gen);
        Effects::analyse(key)
    }

    /// `textDocument/didChange`: applies the changes in order and reparses
    /// incrementally; the analysis follows. `None` when the document is not
    /// open.
    pub fn change(
        &mut self,
        key: &Arc<str>,
        version: i32,
        changes: &[TextChange],
    ) -> Option<Effects> {
        let encoding = self.config.encoding;
        let max = self.config.max_file_size;
        let gen = self.next_gen + 1;
        let open = self.docs.get_mut(key)?;
        self.next_gen = gen;
        if version <= open.doc.version() {
            warn!(
                key = &**key,
                version,
                previous = open.doc.version(),
                "didChange with a version that does not increase; applied anyway"
            );
        }
        let started = std::time::Instant::now();
        // The new tree (for a document that keeps one) and one edit covering
        // every change, which the next analysis job splices from.
        let (tree, edit) = match &open.reading {
            Reading::Tree(tree) => {
                let applied =
                    sync::apply_changes(&mut self.parser, &mut open.doc, tree, changes, encoding);
                if applied.clamped {
                    warn!(
                        key = &**key,
                        "didChange range out of the document or inside a character; clamped"
                    );
                }
                let changed_bytes: usize = applied.changed.iter().map(|r| r.len()).sum();
                debug!(
                    key = &**key,
                    version,
                    changes = changes.len(),
                    incremental = applied.incremental,
                    changed_ranges = applied.changed.len(),
                    changed_bytes,
                    reparse_us = started.elapsed().as_micros() as u64,
                    "reparsed"
                );
                (Some(applied.tree), applied.edit)
            }
            Reading::Regions => {
                let applied = open.doc.apply_changes_checked(changes, encoding);
                if applied.clamped {
                    warn!(key = &**key, "didChange range out of the document; clamped");
                }
                debug!(
                    key = &**key,
                    version,
                    changes = changes.len(),
                    apply_us = started.elapsed().as_micros() as u64,
                    "applied (read by regions)"
                );
                // The text's edit alone: with no tree there are no changed
                // ranges (the items around it are parsed again whole).
                let whole = changes.iter().any(|c| c.range.is_none());
                (None, sync::text_edit(&applied.value).filter(|_| !whole))
            }
            Reading::TooLarge => {
                let clamped = open.doc.apply_changes_checked(changes, encoding).clamped;
                if clamped {
                    warn!(key = &**key, "didChange range out of the document; clamped");
                }
                (None, None)
            }
        };
        open.since = match (open.since, edit) {
            (Some((g, None)), Some(e)) => Some((g, Some(e))),
            (Some((g, Some(p))), Some(e)) => Some((g, Some(p.then(e)))),
            _ => None,
        };
        open.doc.set_version(version);
        open.gen = gen;
        let len = open.doc.len_bytes();
        if len as u64 > max {
            if open.reading.analysed() {
                warn!(
                    key = &**key,
                    size = len,
                    "the document grew over the size limit; it is no longer analysed"
                );
            }
            open.reading = Reading::TooLarge;
            open.since = None;
            let problem = discover::too_large(len, max);
            return Some(self.skip(key.clone(), problem, Some(version)));
        }
        let keep_tree = (len as u64) < self.config.keep_tree_below;
        open.reading = match tree {
            // Grown past the limit for trees: the summary goes on from
            // regions (the pending edit still applies to it).
            Some(_) if !keep_tree => Reading::Regions,
            Some(tree) => Reading::Tree(tree),
            // Shrunk well below the limit: parse it from scratch (the
            // pending edit still applies to the summary).
            None if (len as u64) < self.config.keep_tree_below / 2
                || matches!(open.reading, Reading::TooLarge) =>
            {
                if matches!(open.reading, Reading::TooLarge) {
                    open.since = None;
                }
                if keep_tree {
                    Reading::Tree(sync::parse(&mut self.parser, &open.doc, None))
                } else {
                    Reading::Regions
                }
            }
            None => Reading::Regions,
        };
        self.behind.insert(key.clone(), gen);
        Some(Effects::analyse(key.clone()))
    }

    /// The analysis an open document awaits, if any: its current text and
    /// tree (the text is copied out of the rope here, under the lock).
    pub fn analysis_job(&mut self, key: &Arc<str>) -> Option<AnalysisJob> {
        let analysed = self.analysed.get(key).copied();
        let open = self.docs.get_mut(key)?;
        if !open.reading.analysed() {
            return None;
        }
        let tree = open.reading.tree().cloned();
        if analysed.is_some_and(|a| a >= open.gen) {
            return None;
        }
        // The summary in the workspace is of the text the edits start from.
        let base = match open.since {
            Some((g, Some(edit))) if analysed == Some(g) => {
                let snap = self.workspace.snapshot();
                snap.file_id(key)
                    .and_then(|id| snap.file(id))
                    .map(|f| (f.summary.clone(), edit))
            }
            _ => None,
        };
        open.since = Some((open.gen, None));
        Some(AnalysisJob {
            key: key.clone(),
            text: open.doc.shared_text(),
            tree,
            version: open.doc.version(),
            gen: open.gen,
            base,
        })
    }

    /// Puts the result of an analysis job in the workspace, unless the
    /// document was closed (or reopened, or grew too large) meanwhile. A
    /// job for a text the editor has already moved past is committed all
    /// the same (it is the best there is), but the document stays behind.
    pub fn commit(
        &mut self,
        job: AnalysisJob,
        summary: Arc<FileSummary>,
        splice: Option<Splice>,
    ) -> Effects {
        let Some(open) = self.docs.get(&job.key) else {
            return Effects::none();
        };
        let current = open.gen == job.gen;
        let stale = !open.reading.analysed()
            || job.gen < open.opened
            || self.analysed.get(&job.key).is_some_and(|&a| a >= job.gen);
        if stale {
            return Effects::none();
        }
        let key = job.key;
        // The splice is from the summary the job started from, which must
        // still be the one in the workspace.
        let base_current = job.base.as_ref().is_some_and(|(base, _)| {
            let snap = self.workspace.snapshot();
            snap.file_id(&key)
                .and_then(|id| snap.file(id))
                .is_some_and(|f| Arc::ptr_eq(&f.summary, base))
        });
        let splice = splice.filter(|_| base_current);
        let change = self.workspace.set_file_edited(
            &key,
            job.text.into(),
            job.tree,
            summary,
            Some(job.version),
            splice.as_ref(),
        );
        self.skipped.remove(&key);
        self.analysed.insert(key.clone(), job.gen);
        if current {
            self.behind.remove(&key);
        }
        let keys = self.with_affected(key, &change);
        self.changed(keys)
    }

    /// An analysis job failed (a panic in the analysis): the document's
    /// analysis is counted as done so that nothing waits for it forever.
    pub fn analysis_failed(&mut self, key: &Arc<str>, gen: u64) {
        let Some(open) = self.docs.get(key) else {
            return;
        };
        if open.gen == gen {
            self.behind.remove(key);
        }
        if self.analysed.get(key).is_none_or(|&a| a < gen) {
            self.analysed.insert(key.clone(), gen);
        }
        self.seq += 1;
    }

    /// Runs every pending analysis here and now (tests; the server uses the
    /// analyzer task).
    pub fn analyse_now(&mut self) -> Effects {
        let mut effects = Effects::none();
        for key in self.behind.keys().cloned().collect::<Vec<_>>() {
            if let Some(job) = self.analysis_job(&key) {
                let (summary, splice) = job.run();
                effects.extend(self.commit(job, Arc::new(summary), splice));
            }
        }
        effects
    }

    /// `textDocument/didClose`: the file on disk is the truth again if it is
    /// part of the workspace; otherwise the file is forgotten.
    pub fn close(&mut self, key: &Arc<str>) -> Effects {
        if self.docs.remove(key).is_none() {
            warn!(key = &**key, "didClose of a document that is not open");
        }
        self.behind.remove(key);
        self.analysed.remove(key);
        let disk = match convert::path_of_key(key) {
            Some(path) if self.config.roots.contains(&path) => {
                discover::read(&path, self.config.max_file_size)
            }
            _ => DiskFile::Missing,
        };
        match disk {
            DiskFile::Text(text) => self.analyse_closed(key.clone(), Arc::from(text)),
            DiskFile::Skipped(problem) => self.skip(key.clone(), problem, None),
            DiskFile::Missing => self.forget(key.clone()),
        }
    }

    /// A file loaded from disk, e.g. after a watched-file event. Ignored
    /// when the document is open in the editor (its text wins).
    pub fn apply_loaded(&mut self, key: Arc<str>, loaded: Loaded) -> Effects {
        if self.is_open(&key) {
            debug!(
                key = &*key,
                "file changed on disk while open in the editor; the editor's text wins"
            );
            return Effects::none();
        }
        match loaded {
            Loaded::Prepared(p) => {
                let text = self.pack(p.text);
                let change = self.workspace.set_file(&key, text, p.tree, p.summary, None);
                self.skipped.remove(&key);
                let keys = self.with_affected(key, &change);
                self.changed(keys)
            }
            Loaded::Skipped(problem) => self.skip(key, problem, None),
            Loaded::Missing => {
                let snap = self.workspace.snapshot();
                let analysed = snap.file_id(&key).and_then(|id| snap.file(id)).is_some();
                if analysed || self.skipped.contains_key(&key) {
                    self.forget(key)
                } else {
                    Effects::none()
                }
            }
        }
    }

    /// Forgets every file (not open) under a directory that was deleted or
    /// removed from the workspace, unless another folder still holds it.
    pub fn forget_under(&mut self, dir: &std::path::Path) -> Effects {
        let mut effects = Effects::none();
        for key in self.all_keys() {
            if self.is_open(&key) {
                continue;
            }
            let Some(path) = convert::path_of_key(&key) else {
                continue;
            };
            if path.starts_with(dir) && !self.config.roots.contains(&path) {
                effects.extend(self.forget(key));
            }
        }
        effects
    }

    /// An indexing pass starts: files changed meanwhile by other means are
    /// not overwritten by what it read earlier.
    pub fn begin_indexing(&mut self) {
        self.indexing += 1;
    }

    pub fn end_indexing(&mut self) {
        self.indexing = self.indexing.saturating_sub(1);
        if self.indexing == 0 {
            self.touched.clear();
        }
    }

    /// Puts files found by an indexing pass in the workspace, except open
    /// documents and files changed since the pass started. Diagnostics are
    /// published by the caller once the pass is over.
    pub fn apply_indexed(&mut self, files: Vec<(Arc<str>, Loaded)>, dict: Option<Arc<TextDict>>) {
        if self.text_dict.is_none() {
            self.text_dict = dict;
        }
        let mut prepared = Vec::new();
        for (key, loaded) in files {
            if self.is_open(&key) || self.touched.contains(&key) {
                continue;
            }
            match loaded {
                Loaded::Prepared(p) => {
                    self.skipped.remove(&key);
                    prepared.push((key, p.text, p.summary));
                }
                Loaded::Skipped(problem) => {
                    self.workspace.remove_file(&key);
                    self.skipped.insert(
                        key,
                        Skipped {
                            problem,
                            version: None,
                        },
                    );
                }
                Loaded::Missing => {}
            }
        }
        self.workspace.set_files(prepared);
        self.seq += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::Pos;
    use super::*;

    fn key(s: &str) -> Arc<str> {
        Arc::from(format!("untitled:{s}"))
    }

    fn codes(world: &World, k: &str) -> Vec<&'static str> {
        let id = world.analysis.file_id(k).unwrap();
        analysis::file_diagnostics(&world.analysis, id)
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn edits_are_analysed_next_and_republish_the_files_they_affect() {
        let mut state = State::default();
        let (a, b) = (key("a"), key("b"));
        let effects = state.open(a.clone(), "actor ann \"Ann\"\n".into(), 1);
        assert_eq!(effects.analyse, vec![a.clone()]);
        state.open(b.clone(), "Talked to @bob.\n".into(), 1);
        assert_eq!(state.world().behind.len(), 2);
        let effects = state.analyse_now();
        assert!(effects.publish.contains(&a) && effects.publish.contains(&b));
        assert!(state.world().behind.is_empty());
        assert!(codes(&state.world(), &b).contains(&"undefined-reference"));

        // Define @bob in a: the text changes at once, the analysis follows,
        // and b is affected.
        let edit = TextChange::replace(Pos::new(1, 0), Pos::new(1, 0), "actor bob \"Bob\"\n");
        let effects = state.change(&a, 2, &[edit]).unwrap();
        assert_eq!(effects, Effects::analyse(a.clone()));
        assert_eq!(
            state.open_text(&a).unwrap(),
            "actor ann \"Ann\"\nactor bob \"Bob\"\n"
        );
        let world = state.world();
        assert!(world.behind.contains_key(&a));
        assert!(codes(&world, &b).contains(&"undefined-reference"));

        let job = state.analysis_job(&a).unwrap();
        // Another keystroke before the job is committed: the job still
        // commits (its text is the best there is) but `a` stays behind.
        let edit = TextChange::replace(Pos::new(2, 0), Pos::new(2, 0), "\n");
        state.change(&a, 3, &[edit]).unwrap();
        let summary = Arc::new(job.run().0);
        let effects = state.commit(job, summary, None);
        assert_eq!(effects.publish, [a.clone(), b.clone()]);
        let world = state.world();
        assert!(!codes(&world, &b).contains(&"undefined-reference"));
        assert!(world.behind.contains_key(&a));
        assert_eq!(world.dirty.get(&b), Some(&world.seq));
        state.analyse_now();
        let world = state.world();
        assert!(world.behind.is_empty());
        let id = world.analysis.file_id(&a).unwrap();
        assert_eq!(world.analysis.file(id).unwrap().version, Some(3));

        // Not open: no change.
        assert!(state.change(&key("zzz"), 1, &[]).is_none());
        // Closed while a job is out: the job is dropped.
        state.change(&a, 4, &[TextChange::full("x")]).unwrap();
        let job = state.analysis_job(&a).unwrap();
        state.close(&a);
        let summary = Arc::new(job.run().0);
        assert_eq!(state.commit(job, summary, None), Effects::none());
        assert!(state.world().analysis.file(id).is_none());
    }

    #[test]
    fn opening_a_file_as_analysed_keeps_its_analysis() {
        let mut state = State::default();
        let (a, b) = (key("a"), key("b"));
        state.analyse_closed(a.clone(), Arc::from("actor ann \"Ann\"\n\nMet @bob.\n"));
        state.analyse_closed(b.clone(), Arc::from("Talked to @ann.\n"));
        let before = state.world();
        let id = before.analysis.file_id(&a).unwrap();
        let summary = before.analysis.file(id).unwrap().summary.clone();
        let temporal = before.analysis.temporal();

        let effects = state.open(a.clone(), "actor ann \"Ann\"\n\nMet @bob.\n".into(), 7);
        assert!(effects.analyse.is_empty());
        assert_eq!(effects.publish, std::slice::from_ref(&a));
        let world = state.world();
        assert!(world.behind.is_empty());
        let data = world.analysis.file(id).unwrap();
        assert_eq!(data.version, Some(7));
        assert!(Arc::ptr_eq(&data.summary, &summary));
        assert!(Arc::ptr_eq(&world.analysis.temporal(), &temporal));
        assert_eq!(codes(&world, &a), ["undefined-reference"]);

        // The next edit is spliced into that summary.
        let edit = TextChange::replace(Pos::new(2, 0), Pos::new(2, 0), "More. ");
        state.change(&a, 8, &[edit]).unwrap();
        let job = state.analysis_job(&a).unwrap();
        assert!(job.base.is_some());
        let (summary, splice) = job.run();
        assert!(splice.is_some());
        state.commit(job, Arc::new(summary), splice);
        assert_eq!(codes(&state.world(), &a), ["undefined-reference"]);

        // Another text than the one analysed: analysed as usual.
        state.close(&a);
        let effects = state.open(a.clone(), "actor ann\n".into(), 9);
        assert_eq!(effects.analyse, std::slice::from_ref(&a));
    }

    #[test]
    fn documents_over_the_limit_are_kept_but_not_analysed() {
        let mut state = State::new(Config {
            max_file_size: 20,
            ..Config::default()
        });
        let k = key("big");
        state.open(k.clone(), "x".repeat(30), 1);
        let world = state.world();
        assert!(world.analysis.file_id(&k).is_none());
        assert!(world.behind.is_empty());
        assert_eq!(world.skipped.get(&k).unwrap().version, Some(1));
        // Shrinks under the limit: analysed from then on.
        let cut = TextChange::replace(Pos::new(0, 0), Pos::new(0, 25), "");
        state.change(&k, 2, &[cut]).unwrap();
        state.analyse_now();
        let world = state.world();
        assert!(world.skipped.get(&k).is_none());
        let id = world.analysis.file_id(&k).unwrap();
        assert_eq!(&*world.analysis.file(id).unwrap().text(), "xxxxx");
        // And grows again.
        let grow = TextChange::replace(Pos::new(0, 0), Pos::new(0, 0), "y".repeat(40));
        state.change(&k, 3, &[grow]).unwrap();
        assert!(state.world().analysis.file(id).is_none());
        assert_eq!(state.world().skipped.get(&k).unwrap().version, Some(3));
        assert!(state.analysis_job(&k).is_none());
        // Closed (not a file in the workspace): forgotten.
        let effects = state.close(&k);
        assert_eq!(effects.publish, vec![k.clone()]);
        assert!(state.world().skipped.get(&k).is_none());
    }

    /// The position of a byte offset of an ASCII text.
    fn pos_of(text: &str, at: usize) -> Pos {
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        Pos::new(line as u32, col as u32)
    }

    use crate::analysis::splice::tests::SNIPPETS;

    /// One `didChange` (edits: position, length removed, snippet) and
    /// whether an analysis job runs after it.
    type Step = (Vec<(usize, usize, usize)>, bool);

    /// Edits a document through `change` and the analysis jobs, with
    /// documents read by regions, by trees, and crossing between the two
    /// (`keep_tree_below` near the text's size): after every job, the
    /// summary in the workspace is the one of the whole text. Returns how
    /// many jobs spliced their summary.
    fn edit_and_compare(
        keep_tree_below: u64,
        steps: &[Step],
    ) -> Result<usize, proptest::test_runner::TestCaseError> {
        let mut state = State::new(Config {
            keep_tree_below,
            ..Config::default()
        });
        let k = key("doc");
        let mut text = crate::workload::single_file(60, 3);
        state.open(k.clone(), text.clone(), 1);
        state.analyse_now();
        let mut keeps_tree = (text.len() as u64) < keep_tree_below;
        let mut version = 1;
        let mut spliced = 0;
        for (batch, analyse) in steps {
            let mut changes = Vec::new();
            for &(at, len, snippet) in batch {
                let start = at % (text.len() + 1);
                let end = (start + len).min(text.len());
                let insert = SNIPPETS[snippet % SNIPPETS.len()];
                changes.push(TextChange::replace(
                    pos_of(&text, start),
                    pos_of(&text, end),
                    insert,
                ));
                text.replace_range(start..end, insert);
            }
            version += 1;
            state.change(&k, version, &changes).unwrap();
            proptest::prop_assert_eq!(state.open_text(&k).unwrap(), text.clone());
            // Past the limit a document drops its tree; below half of it,
            // it parses one again; in between it keeps what it had.
            let len = text.len() as u64;
            if len >= keep_tree_below {
                keeps_tree = false;
            } else if len < keep_tree_below / 2 {
                keeps_tree = true;
            }
            if !analyse {
                continue;
            }
            let job = state.analysis_job(&k).unwrap();
            let (summary, splice) = job.run();
            spliced += usize::from(splice.is_some());
            state.commit(job, Arc::new(summary), splice);
            let world = state.world();
            let id = world.analysis.file_id(&k).unwrap();
            let data = world.analysis.file(id).unwrap();
            proptest::prop_assert_eq!(data.kept_tree().is_some(), keeps_tree);
            let fresh = FileSummary::new(&crate::syntax::parse(&text), &text);
            let mut got = (*data.summary).clone();
            // What an ERROR "expected" depends on the parse state it was
            // built in (see the splice tests); codes and ranges must match.
            if got.syntax.len() == fresh.syntax.len() {
                for (g, f) in got.syntax.iter_mut().zip(&fresh.syntax) {
                    if (g.code, &g.range) == (f.code, &f.range) {
                        g.message = f.message.clone();
                    }
                }
            }
            proptest::prop_assert!(
                got == fresh,
                "summary differs after {:?}: {}",
                batch,
                crate::analysis::splice::tests::first_difference(&got, &fresh)
            );
        }
        Ok(spliced)
    }

    fn steps() -> impl proptest::strategy::Strategy<Value = Vec<Step>> {
        use proptest::prelude::*;
        prop::collection::vec(
            (
                prop::collection::vec((0usize..6000, 0usize..12, 0usize..100), 1..3),
                prop::bool::weighted(0.6),
            ),
            1..12,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(150))]
        #[test]
        fn documents_read_by_regions_keep_the_summary_of_their_text(steps in steps()) {
            edit_and_compare(0, &steps)?;
        }

        #[test]
        fn documents_crossing_the_tree_limit_keep_the_summary_of_their_text(steps in steps()) {
            let size = crate::workload::single_file(60, 3).len() as u64;
            edit_and_compare(size + 8, &steps)?;
        }
    }

    /// Found by the property test: a title string broken by a line break,
    /// then an edit whose changed ranges reach it, summarised by regions.
    #[test]
    fn a_broken_title_is_summarised_by_regions_as_in_the_file() {
        let steps: Vec<Step> = vec![
            (vec![(3606, 0, 56)], false),
            (vec![(2779, 0, 53)], false),
            (vec![(0, 5, 17), (0, 6, 17)], false),
            (vec![(0, 0, 15)], true),
            (vec![(2072, 1, 80)], true),
        ];
        let size = crate::workload::single_file(60, 3).len() as u64;
        edit_and_compare(size + 8, &steps).unwrap();
    }

    #[test]
    fn typing_in_a_document_read_by_regions_splices_its_summary() {
        let text = crate::workload::single_file(60, 3);
        let prose = text.find("\n\n").unwrap() + 2;
        let steps: Vec<_> = (0..10).map(|i| (vec![(prose + i, 0, 0)], true)).collect();
        assert_eq!(edit_and_compare(0, &steps).unwrap(), 10);
        // A document under the limit keeps its tree, and splices as well.
        assert_eq!(edit_and_compare(u64::MAX, &steps).unwrap(), 10);
    }
}
