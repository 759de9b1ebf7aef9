//! The analyzer task: summarises open documents after their edits and puts
//! them in the workspace ([`State::commit`](super::state::State::commit)),
//! one job at a time, off the async threads. Edits that arrive while a job
//! runs are coalesced into the next one, so a burst of keystrokes on a large
//! file costs a few analyses, not one per keystroke.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;
use tracing::{debug, error};

use super::backend::Server;
use super::diagnostics::Mode;

/// Runs until every sender is dropped.
pub async fn run(server: Server, mut rx: mpsc::UnboundedReceiver<Arc<str>>) {
    while let Some(first) = rx.recv().await {
        let mut keys = BTreeSet::from([first]);
        while let Ok(key) = rx.try_recv() {
            keys.insert(key);
        }
        for key in keys {
            let Some(job) = server.state().analysis_job(&key) else {
                continue;
            };
            let (gen, version) = (job.gen, job.version);
            let started = Instant::now();
            let outcome = tokio::task::spawn_blocking(move || {
                let (summary, splice) = job.run();
                (job, Arc::new(summary), splice)
            })
            .await;
            match outcome {
                Ok((job, summary, splice)) => {
                    debug!(
                        key = &*key,
                        version,
                        summary_us = started.elapsed().as_micros() as u64,
                        spliced = splice.is_some(),
                        "summarised"
                    );
                    server.update(Mode::Always, |state| state.commit(job, summary, splice));
                }
                Err(err) => {
                    error!(key = &*key, version, "analysing a document failed: {err}");
                    server.update(Mode::Always, |state| {
                        state.analysis_failed(&key, gen);
                        super::state::Effects::none()
                    });
                }
            }
        }
    }
}
