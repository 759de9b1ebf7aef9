//! The server layer: the language server over stdio (`chronicle lsp`). It
//! owns all I/O, the LSP types, the async runtime and the conversion of
//! analysis results (byte ranges, plain diagnostics) to the protocol.
//!
//! # Module map
//!
//! | module | what |
//! |---|---|
//! | [`transport`] | stdio framing in front of tower-lsp-server: malformed messages answered and skipped; one writer for stdout |
//! | [`direct`] | the tower `Service` layer that writes large results (references, symbols, tokens …) straight into the response frame, bypassing tower-lsp-server's `Value` tree |
//! | [`catch_panic`] | the tower `Service` wrapper: a panicking handler becomes an internal error; notes shutdown/exit |
//! | [`backend`] | [`backend::Server`] (what handlers share: state, world, publisher) and the one-line `LanguageServer` impl |
//! | [`lifecycle`] | `initialize` (encoding, options, folders, capabilities), `initialized` (watchers, indexing) |
//! | [`documents`] | `didOpen` / `didChange` / `didSave` / `didClose` |
//! | [`watched`] | `didChangeWatchedFiles`, `didChangeWorkspaceFolders` |
//! | [`indexing`] | the workspace scan with work-done progress |
//! | [`analyzer`] | the analyzer thread: summarises open documents after their edits, coalescing bursts |
//! | [`diagnostics`] | the publisher task: coalesces, drops stale results, publishes with versions |
//! | [`commands`] | `workspace/executeCommand`; hidden test hooks (panics, `chronicle/debugFileState`) |
//! | [`state`] | the mutable state and its synchronous operations (no LSP types) |
//! | [`world`] | [`world::World`]: the immutable O(1)-clone view requests read, with URI/position/range helpers |
//! | [`sync`] | LSP-free incremental update of a document's rope and tree |
//! | [`convert`] | byte offsets ↔ positions, diagnostics → LSP, keys ↔ URIs |
//! | [`discover`] | finding and reading `*.chron` files on disk |
//! | [`text`] | the rope text model with its own line table and position encodings |
//!
//! # Adding a feature handler
//!
//! One file per feature in this directory, kept thin: turn the LSP params
//! into byte offsets with [`world::World::locate`], call the pure query in
//! `analysis::ide`, convert the result with [`convert`] / the
//! [`world::World`] helpers. Then one line in the `LanguageServer` impl
//! (src/server/backend.rs) that runs it with [`backend::Server::read`], and
//! its capability in [`lifecycle::capabilities`]; if its result can grow
//! with the workspace, one line in [`direct`]'s route too, so it is
//! serialised without tower-lsp-server's `Value` tree. `read` answers from a
//! world in which every open document's analysis has caught up with the
//! text it had when the request arrived, on a blocking thread, with panics
//! turned into an internal error. Unknown URIs and files that are not
//! analysed (too large, not UTF-8) give `None` from `World::file`/`locate`:
//! answer with an empty result. Edits (rename, code actions) should carry
//! the `FileData::version` they were computed for.
//!
//! ```ignore
//! // src/server/hover.rs
//! pub fn hover(world: &World, params: HoverParams) -> Option<Hover> {
//!     let (file, offset) = world.locate(&params.text_document_position_params)?;
//!     let found = crate::analysis::ide::hover(&world.analysis, file.id, offset)?;
//!     Some(Hover {
//!         contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: found.markdown }),
//!         range: Some(world.range(file, found.range)),
//!     })
//! }
//! // in `impl LanguageServer for Backend`:
//! async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
//!     self.0.read("hover", move |world| hover::hover(world, params)).await
//! }
//! ```
//!
//! # Features
//!
//! Wired in later, each as its own module here (not yet written, not
//! advertised): `definition`, `references`, `rename` (with prepareRename),
//! `hover`, `completion`, `symbols` (document and workspace), `highlight`,
//! `folding`, `semantic_tokens` (full and range), `code_actions`.

pub mod analyzer;
pub mod backend;
pub mod catch_panic;
pub mod commands;
pub mod convert;
pub mod diagnostics;
pub mod direct;
pub mod discover;
pub mod documents;
pub mod features;
pub mod indexing;
pub mod lifecycle;
pub mod state;
pub mod sync;
pub mod text;
pub mod transport;
pub mod watched;
pub mod world;

use std::sync::Arc;

use tower_lsp_server::{LspService, Server as LspServer};
use tracing::info;

use backend::{Backend, Server};
use catch_panic::{CatchPanic, Lifecycle};

/// How many requests and notifications may be in flight at once.
const CONCURRENCY: usize = 64;

/// Runs the language server on stdin/stdout until `exit` (or the end of the
/// input); returns the process exit code: 0 after `shutdown` then `exit`,
/// 1 otherwise.
pub fn run_stdio() -> i32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("chronicle-lsp")
        .build()
        .expect("starting the async runtime");
    transport::widen_output_pipe();
    let (out, writer) = transport::spawn_writer(std::io::stdout());
    let input = transport::spawn_reader(std::io::stdin(), out.clone());
    let lifecycle = Arc::new(Lifecycle::default());
    let service_lifecycle = lifecycle.clone();
    let sink_out = out.clone();
    let server_out = out.clone();
    runtime.block_on(async move {
        let (service, socket) =
            LspService::build(|client| Backend(Server::new(client, server_out)))
                .custom_method("chronicle/debugPanic", Backend::debug_panic_notification)
                .custom_method("chronicle/debugFileState", Backend::debug_file_state)
                .finish();
        let server = service.inner().0.clone();
        let service = direct::Direct::new(service, server);
        let service = CatchPanic::new(service, service_lifecycle);
        LspServer::new(input, transport::FrameSink::new(sink_out), socket)
            .concurrency_level(CONCURRENCY)
            .serve(service)
            .await;
    });
    transport::flush(&out);
    drop(out);
    drop(writer);
    // Blocking tasks (indexing) and the stdin thread are not waited for.
    runtime.shutdown_background();
    let code = lifecycle.exit_code();
    info!(code, "language server stopped");
    code
}
