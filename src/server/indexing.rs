//! Indexing the workspace folders: every `*.chron` file read, parsed and
//! summarised in parallel (rayon, on a blocking thread) in one pass, with
//! work-done progress (begin, a report with a percentage every 200 ms,
//! end), then put in the index at once; the workspace-wide checks (temporal
//! network, claims) are computed before the progress ends, then the
//! diagnostics of every file that has any are published.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tower_lsp_server::ls_types::NumberOrString;
use tracing::{debug, error, info, warn};

use super::backend::Server;
use super::convert;
use super::diagnostics::Mode;
use super::discover::Roots;
use super::state::{self, Effects};

/// How often the progress is reported while files are read.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Indexes the folders of `roots` (all of the workspace on start-up, or the
/// folders just added).
pub async fn index(server: Server, roots: Roots, title: &'static str) {
    let started = Instant::now();
    let support = server.support.get().copied().unwrap_or_default();
    let progress = if support.work_done_progress {
        let n = server.progress_tokens.fetch_add(1, Ordering::Relaxed);
        let token = NumberOrString::String(format!("chronicle/indexing/{n}"));
        match server.client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                server
                    .client
                    .progress(token, title)
                    .with_percentage(0)
                    .with_message("finding files")
                    .begin()
                    .await,
            ),
            Err(err) => {
                warn!("the client refused a progress token: {err}");
                None
            }
        }
    } else {
        None
    };

    server.update(Mode::Always, |s| {
        s.begin_indexing();
        Effects::none()
    });
    let max_size = server.state().config.max_file_size;
    let paths = match tokio::task::spawn_blocking(move || roots.find_files()).await {
        Ok(paths) => paths,
        Err(err) => {
            error!("finding the workspace's files failed: {err}");
            Vec::new()
        }
    };
    let files: Vec<(Arc<str>, PathBuf)> = paths
        .into_iter()
        .filter_map(|p| Some((convert::key_of_path(&p)?, p)))
        .collect();
    let total = files.len();
    // Every file read, parsed and summarised in one parallel pass (no
    // batches: a batch waits for its slowest file while the other threads
    // idle); the progress reports how many are done.
    let loading = Instant::now();
    let counter = Arc::new(AtomicUsize::new(0));
    let done = counter.clone();
    let dict = server.state().text_dict();
    let mut task = tokio::task::spawn_blocking(move || {
        state::load_counted(files, max_size, &done, state::Packing::With(dict))
    });
    let loaded = loop {
        tokio::select! {
            loaded = &mut task => break loaded,
            _ = tokio::time::sleep(PROGRESS_EVERY) => {
                if let Some(progress) = &progress {
                    let done = counter.load(Ordering::Relaxed);
                    let percentage = (done * 100 / total.max(1)) as u32;
                    progress
                        .report_with_message(format!("{done}/{total} files"), percentage)
                        .await;
                }
            }
        }
    };
    let load_us = loading.elapsed().as_micros() as u64;
    // The index is updated once, off the async threads (its reading is
    // parallel).
    let applying = Instant::now();
    match loaded {
        Ok((loaded, dict)) => {
            let server = server.clone();
            let applied = tokio::task::spawn_blocking(move || {
                server.update(Mode::Always, |s| {
                    s.apply_indexed(loaded, dict);
                    Effects::none()
                })
            })
            .await;
            if let Err(err) = applied {
                error!("indexing the files failed: {err}");
            }
        }
        Err(err) => error!("reading the files failed: {err}"),
    }
    let apply_us = applying.elapsed().as_micros() as u64;
    if let Some(progress) = &progress {
        let message = match total {
            0 => "no files".to_string(),
            _ => format!("{total}/{total} files"),
        };
        progress.report_with_message(message, 100).await;
    }
    let (files_with_any, open) = {
        let mut state = server.state();
        state.end_indexing();
        (state.all_keys(), state.open_keys())
    };
    // The workspace-wide checks, while the progress is still shown: the
    // publisher reads them next (from the same snapshot, unless something
    // changed meanwhile).
    let global = Instant::now();
    let world = server.world();
    // Parsing and the checks freed their working memory: given back here,
    // off the async threads (the trim walks every arena). The temporal
    // network first and on its own, its working memory given back before
    // the claim checks make theirs: run side by side, the two made the
    // load's peak (large benchmark preset: peak RSS 159-161 -> 148-150 MB,
    // settled no later; each check is parallel itself).
    if let Err(err) = tokio::task::spawn_blocking(move || {
        world.analysis.temporal();
        crate::memory::release_free_memory();
        world.analysis.compute_workspace_results();
        crate::memory::release_free_memory();
    })
    .await
    {
        error!("the workspace-wide checks failed: {err}");
    }
    let global_us = global.elapsed().as_micros() as u64;
    debug!(
        load_us,
        apply_us, global_us, "indexing: parse and summary, index, workspace-wide checks"
    );
    info!(
        files = total,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "indexed the workspace"
    );
    if let Some(progress) = progress {
        progress
            .finish_with_message(format!("{total} files indexed"))
            .await;
    }
    // Every file with diagnostics; and the open documents whatever they
    // have, since what was published for them during indexing may be out of
    // date (references to files not indexed yet).
    server.publish(files_with_any, Mode::IfAny);
    server.publish(open, Mode::Always);
    // The search table of completion and workspace symbols, built now
    // rather than by the first request (≈60 ms of CPU at 10,000 files); later
    // snapshots keep it while edits keep the definitions.
    let world = server.world();
    // After the publications: built beside them, it delayed the last of
    // them by 40-100 ms at the large preset.
    server.after_publications(move || {
        world.analysis.entities();
        crate::memory::release_free_memory();
    });
}
