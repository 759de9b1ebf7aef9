//! The analyzer: summarises open documents after their edits and puts them
//! in the workspace ([`State::commit`](super::state::State::commit)), one
//! job at a time, on a thread of its own (off the async threads, and with
//! no hand-over to a blocking pool on the keystroke's path). Edits that
//! arrive while a job runs are coalesced into the next one, so a burst of
//! keystrokes on a large file costs a few analyses, not one per keystroke.
//! A panic in a job is caught: the document is marked as failed and the
//! analyzer goes on.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;
use tracing::{debug, error};

use super::backend::Server;
use super::catch_panic::panic_message;
use super::diagnostics::Mode;

/// Starts the analyzer thread; it ends when every sender is dropped.
pub fn spawn(server: Server, rx: mpsc::UnboundedReceiver<Arc<str>>) {
    std::thread::Builder::new()
        .name("chronicle-analyzer".into())
        .spawn(move || run(server, rx))
        .expect("spawning the analyzer thread");
}

fn run(server: Server, mut rx: mpsc::UnboundedReceiver<Arc<str>>) {
    while let Some(first) = rx.blocking_recv() {
        let mut keys = BTreeSet::from([first]);
        while let Ok(key) = rx.try_recv() {
            keys.insert(key);
        }
        for key in keys {
            let prepared = Instant::now();
            let Some(job) = server.state().analysis_job(&key) else {
                continue;
            };
            let (gen, version) = (job.gen, job.version);
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| job.run()));
            match outcome {
                Ok((summary, splice)) => {
                    debug!(
                        key = &*key,
                        version,
                        job_us = (started - prepared).as_micros() as u64,
                        summary_us = started.elapsed().as_micros() as u64,
                        spliced = splice.is_some(),
                        "summarised"
                    );
                    let summary = Arc::new(summary);
                    server.update(Mode::Always, |state| state.commit(job, summary, splice));
                }
                Err(payload) => {
                    let message = panic_message(&*payload);
                    error!(
                        key = &*key,
                        version, "analysing a document failed: {message}"
                    );
                    server.update(Mode::Always, |state| {
                        state.analysis_failed(&key, gen);
                        super::state::Effects::none()
                    });
                }
            }
        }
    }
}
