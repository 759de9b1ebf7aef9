//! Changes made outside the editor: `workspace/didChangeWatchedFiles`
//! (files created, changed, deleted, renamed) and
//! `workspace/didChangeWorkspaceFolders`.
//!
//! Whatever the event says, the disk is read again: a file that is there is
//! (re)analysed, one that is gone is forgotten (and its diagnostics
//! cleared). An open document is left alone — the editor's text wins.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;
use tracing::debug;

use super::backend::Server;
use super::convert;
use super::diagnostics::Mode;
use super::discover::{self, Roots};
use super::indexing;
use super::state::{self, Effects, Loaded};

pub fn did_change_watched_files(server: &Server, params: DidChangeWatchedFilesParams) {
    let (roots, max_size) = {
        let state = server.state();
        (state.config.roots.clone(), state.config.max_file_size)
    };
    let mut seen = HashSet::new();
    let mut inside: Vec<(Arc<str>, PathBuf)> = Vec::new();
    let mut outside: Vec<Arc<str>> = Vec::new();
    let mut dirs_gone: Vec<PathBuf> = Vec::new();
    for event in params.changes {
        let key = convert::key_of_uri(&event.uri);
        let Some(path) = convert::path_of_key(&key) else {
            continue;
        };
        debug!(key = &*key, kind = ?event.typ, "watched file changed");
        if !seen.insert(key.clone()) {
            continue;
        }
        if !discover::is_chron(&path) {
            if event.typ == FileChangeType::DELETED {
                dirs_gone.push(path);
            }
        } else if roots.contains(&path) {
            inside.push((key, path));
        } else {
            outside.push(key);
        }
    }
    // Read and parse in parallel, then apply in one go.
    let mut loaded = state::load_all(inside, max_size);
    loaded.extend(outside.into_iter().map(|key| (key, Loaded::Missing)));
    server.update(Mode::Always, |state| {
        let mut effects = Effects::none();
        for (key, file) in loaded {
            effects.extend(state.apply_loaded(key, file));
        }
        for dir in dirs_gone {
            if !dir.exists() {
                effects.extend(state.forget_under(&dir));
            }
        }
        effects
    });
}

pub fn did_change_workspace_folders(server: &Server, params: DidChangeWorkspaceFoldersParams) {
    let path = |f: &WorkspaceFolder| f.uri.to_file_path().map(|p| p.into_owned());
    let added: Vec<PathBuf> = params.event.added.iter().filter_map(path).collect();
    let removed: Vec<PathBuf> = params.event.removed.iter().filter_map(path).collect();
    server.update(Mode::Always, |state| {
        for root in &removed {
            state.config.roots.remove(root);
        }
        for root in &added {
            state.config.roots.add(root.clone());
        }
        let mut effects = Effects::none();
        for root in &removed {
            effects.extend(state.forget_under(root));
        }
        effects
    });
    if !added.is_empty() {
        let mut roots = Roots::default();
        for root in added {
            roots.add(root);
        }
        tokio::spawn(indexing::index(
            server.clone(),
            roots,
            "Indexing added folders",
        ));
    }
}
