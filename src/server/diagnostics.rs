//! Publishing diagnostics (`textDocument/publishDiagnostics`).
//!
//! Changes only *schedule* files (a synchronous channel send); one publisher
//! task computes and sends. It coalesces everything scheduled meanwhile,
//! computes against the newest [`World`] (off the async threads, in
//! parallel), drops what a newer change has already scheduled again and
//! every open document whose text has moved past its analysis (the analysis
//! of the newer text schedules it again), and sends the rest in order. So
//! results for an old version are never published, while the newest
//! version's diagnostics are always published (even when unchanged), with
//! the document's version.
//!
//! The workspace-wide checks (temporal network, claims) can change the
//! diagnostics of files that no reference links to the edited one; the
//! publisher compares those checks between the last published world and the
//! new one and republishes every file whose share of them changed.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use rayon::prelude::*;
use tokio::sync::mpsc;
use tower_lsp_server::ls_types as lsp;
use tracing::{debug, error};

use super::convert;
use super::world::World;
use crate::analysis;
use crate::analysis::workspace::GlobalResults;

/// Whether a file is published whatever its diagnostics, or only when that
/// shows the editor something new: it has diagnostics now, or had some the
/// last time it was published (after indexing, when most files are clean).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    IfAny,
    Always,
}

/// Keys scheduled together.
pub type Job = Vec<(Arc<str>, Mode)>;

/// What the publisher is sent: keys to publish, or work to run (off the
/// async threads) once what was scheduled before it has been published.
pub enum Message {
    Publish(Job),
    Then(Box<dyn FnOnce() + Send>),
}

/// The sending side: cheap to clone, never blocks.
#[derive(Clone)]
pub struct Publisher {
    tx: mpsc::UnboundedSender<Message>,
}

impl Publisher {
    /// Schedules the diagnostics of `keys` for publication.
    pub fn schedule(&self, keys: Vec<Arc<str>>, mode: Mode) {
        if keys.is_empty() {
            return;
        }
        let job = keys.into_iter().map(|k| (k, mode)).collect();
        if self.tx.send(Message::Publish(job)).is_err() {
            debug!("the diagnostics publisher has stopped");
        }
    }

    /// Runs `work` on a blocking thread once everything scheduled so far
    /// has been published (work that would otherwise compete with the
    /// publications for the cores).
    pub fn then(&self, work: impl FnOnce() + Send + 'static) {
        if self.tx.send(Message::Then(Box::new(work))).is_err() {
            debug!("the diagnostics publisher has stopped");
        }
    }
}

/// A publisher and the receiving end its task runs on.
pub fn channel() -> (Publisher, mpsc::UnboundedReceiver<Message>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Publisher { tx }, rx)
}

/// One `publishDiagnostics` notification, ready to send.
pub struct Publication {
    pub key: Arc<str>,
    pub uri: lsp::Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
}

/// The publisher task: runs until every [`Publisher`] is dropped.
/// Where publications go: the output writer. Each notification is
/// serialised from its typed params, as tower-lsp-server's client would
/// send it, without its `Value` tree and its hand-over between tasks.
type Sink = std::sync::mpsc::Sender<super::transport::Out>;

fn send(out: &Sink, p: Publication) {
    let params = lsp::PublishDiagnosticsParams::new(p.uri, p.diagnostics, p.version);
    let note = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: &params,
    };
    match serde_json::to_vec(&note) {
        Ok(body) => {
            let _ = out.send(super::transport::Out::Body(vec![body]));
        }
        Err(err) => error!("cannot serialise diagnostics: {err}"),
    }
}

#[derive(serde::Serialize)]
struct Notification<'a, P> {
    jsonrpc: &'static str,
    method: &'static str,
    params: &'a P,
}

pub async fn run(sink: Sink, world: Arc<RwLock<World>>, mut rx: mpsc::UnboundedReceiver<Message>) {
    let current = || world.read().unwrap_or_else(|e| e.into_inner()).clone();
    // The workspace-wide results last published (not the world: it would
    // keep the previous version of the document being typed in).
    let mut last: Option<GlobalResults> = None;
    // Keys whose last publication had diagnostics.
    let mut shown: HashSet<Arc<str>> = HashSet::new();
    while let Some(message) = rx.recv().await {
        let mut pending: HashMap<Arc<str>, Mode> = HashMap::new();
        let mut then: Vec<Box<dyn FnOnce() + Send>> = Vec::new();
        let mut merge = |message: Message| match message {
            Message::Publish(job) => {
                for (key, mode) in job {
                    let m = pending.entry(key).or_insert(mode);
                    *m = (*m).max(mode);
                }
            }
            Message::Then(work) => then.push(work),
        };
        merge(message);
        while let Ok(message) = rx.try_recv() {
            merge(message);
        }
        let world = current();
        // Open documents first: the editor is waiting for the one being
        // typed in; files another change affected (and the workspace-wide
        // comparison) follow.
        let snap = &world.analysis;
        let (open, rest): (HashMap<_, _>, HashMap<_, _>) =
            pending.into_iter().partition(|(key, _)| {
                snap.file_id(key)
                    .and_then(|id| snap.file(id))
                    .is_some_and(|f| f.version.is_some())
            });
        // The open documents are computed from this world in the first
        // batch: the comparison with the last world must not add them again.
        let done: HashSet<Arc<str>> = open.keys().cloned().collect();
        for (batch, previous) in [(open, None), (rest, last.take())] {
            if batch.is_empty() && previous.is_none() {
                continue;
            }
            let previous = previous.map(|p| (p, done.clone()));
            publish(&sink, &world, previous, batch, &mut shown, &current).await;
        }
        let snap = world.analysis.clone();
        // Computed when the batches were (off the async threads in case).
        last = tokio::task::spawn_blocking(move || snap.global_results())
            .await
            .ok();
        for work in then {
            tokio::task::spawn_blocking(work);
        }
    }
}

/// Computes one batch of publications off the async threads and sends what
/// is still current.
async fn publish(
    sink: &Sink,
    world: &World,
    previous: Option<(GlobalResults, HashSet<Arc<str>>)>,
    pending: HashMap<Arc<str>, Mode>,
    shown: &mut HashSet<Arc<str>>,
    current: &impl Fn() -> World,
) {
    {
        let computing = world.clone();
        let started = std::time::Instant::now();
        let scheduled = pending.len();
        let result = tokio::task::spawn_blocking(move || {
            let previous = previous.as_ref().map(|(w, done)| (w, done));
            compute(&computing, previous, pending)
        })
        .await;
        debug!(
            scheduled,
            compute_us = started.elapsed().as_micros() as u64,
            "diagnostics computed"
        );
        let publications = match result {
            Ok(p) => p,
            Err(err) => {
                error!("computing diagnostics failed: {err}");
                return;
            }
        };
        let now = current();
        for (p, mode) in publications {
            if mode == Mode::IfAny && p.diagnostics.is_empty() && !shown.contains(&p.key) {
                continue;
            }
            if world.is_stale_for(&p.key, &now) || now.behind.contains_key(&p.key) {
                debug!(
                    key = &*p.key,
                    "diagnostics out of date; a newer change will publish them"
                );
                continue;
            }
            if p.diagnostics.is_empty() {
                shown.remove(&p.key);
            } else {
                shown.insert(p.key.clone());
            }
            send(sink, p);
        }
    }
}

/// The publications for `pending` (and for the files whose workspace-wide
/// diagnostics changed since `previous`, except those already published
/// from `world`), computed from `world`, each with its mode.
pub fn compute(
    world: &World,
    previous: Option<(&GlobalResults, &HashSet<Arc<str>>)>,
    mut pending: HashMap<Arc<str>, Mode>,
) -> Vec<(Publication, Mode)> {
    let snap = &world.analysis;
    let started = std::time::Instant::now();
    snap.compute_workspace_results();
    let global_us = started.elapsed().as_micros() as u64;
    if let Some((previous, done)) = previous {
        for id in previous.changed_files(snap) {
            let key = snap.file(id).map(|f| &f.key).or_else(|| previous.key(id));
            if let Some(key) = key {
                if !done.contains(key) {
                    pending.entry(key.clone()).or_insert(Mode::Always);
                }
            }
        }
    }
    tracing::trace!(
        global_us,
        changes_us = started.elapsed().as_micros() as u64 - global_us,
        "workspace-wide results"
    );
    let mut pending: Vec<_> = pending.into_iter().collect();
    pending.sort();
    pending
        .into_par_iter()
        .filter_map(|(key, mode)| {
            if world.behind.contains_key(&key) {
                // The editor's text is newer than this analysis.
                return None;
            }
            let (diagnostics, version) = file_publication(world, &key);
            let uri = convert::uri_of_key(&key)?;
            let publication = Publication {
                key,
                uri,
                diagnostics,
                version,
            };
            Some((publication, mode))
        })
        .collect()
}

/// The LSP diagnostics and version of one key: its analysis diagnostics, or
/// the reason it is not analysed, or nothing (to clear what was published
/// for a file that is gone).
pub fn file_publication(world: &World, key: &str) -> (Vec<lsp::Diagnostic>, Option<i32>) {
    let snap = &world.analysis;
    if let Some(file) = snap.file_id(key).and_then(|id| snap.file(id)) {
        let started = std::time::Instant::now();
        let found = analysis::file_diagnostics(snap, file.id);
        let analysed = started.elapsed();
        let diagnostics = found
            .iter()
            .map(|d| convert::diagnostic(snap, file, d, world.encoding))
            .collect();
        tracing::trace!(
            key,
            analyse_us = analysed.as_micros() as u64,
            convert_us = (started.elapsed() - analysed).as_micros() as u64,
            count = found.len(),
            "file diagnostics"
        );
        return (diagnostics, file.version);
    }
    if let Some(skipped) = world.skipped.get(key) {
        return (
            vec![convert::file_diagnostic(&skipped.problem)],
            skipped.version,
        );
    }
    (Vec::new(), None)
}
