//! The `LanguageServer` implementation: every handler is one line that
//! hands over to the module of its feature. What they share is [`Server`].
//!
//! # Concurrency rules
//!
//! tower-lsp-server runs handlers concurrently (tower-lsp issue 284), but it
//! first-polls them in the order the messages arrived. So:
//!
//! * notifications that change documents or files apply their change
//!   synchronously, through [`Server::update`], before any `.await` — in
//!   fact they never await at all;
//! * an open document's analysis follows its edits on the analyzer task
//!   (see [`super::state`]); requests run with [`Server::read`], which
//!   notes, before its first `.await`, the text every document has when the
//!   request arrives, waits until their analysis has caught up, and runs
//!   the work on a blocking thread (panics turned into an internal error);
//! * no lock is ever held across an `.await`.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{error, warn};

use super::analyzer;
use super::catch_panic::{internal_error, panic_message};
use super::diagnostics::{self, Mode, Publisher};
use super::features;
use super::state::{Effects, State};
use super::world::World;
use super::{commands, documents, lifecycle, watched};

/// What the client said it supports, read from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `window.workDoneProgress`: progress bars for indexing.
    pub work_done_progress: bool,
    /// Dynamic registration of `workspace/didChangeWatchedFiles`.
    pub watch_files: bool,
}

/// Everything the handlers share. Cheap to clone (an `Arc`).
#[derive(Clone)]
pub struct Server(Arc<Shared>);

pub struct Shared {
    pub client: Client,
    state: Mutex<State>,
    world: Arc<RwLock<World>>,
    publisher: Publisher,
    /// Open documents to analyse (the analyzer task's queue).
    analyzer: mpsc::UnboundedSender<Arc<str>>,
    /// The receiving ends, until the tasks start.
    receivers: Mutex<Option<Receivers>>,
    /// Bumped with every new world, for requests waiting on the analysis.
    world_seq: watch::Sender<u64>,
    pub support: OnceLock<ClientSupport>,
    /// Numbers progress tokens.
    pub progress_tokens: AtomicU64,
    /// The output writer: diagnostics and direct responses are written to
    /// it without going through tower-lsp-server.
    pub output: std::sync::mpsc::Sender<super::transport::Out>,
}

struct Receivers {
    publisher: mpsc::UnboundedReceiver<diagnostics::Message>,
    analyzer: mpsc::UnboundedReceiver<Arc<str>>,
}

/// How long a request waits for the analysis of the documents it reads
/// before it is answered from whatever the workspace has.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(10);

impl std::ops::Deref for Server {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl Server {
    pub fn new(client: Client, output: std::sync::mpsc::Sender<super::transport::Out>) -> Self {
        let (publisher, publisher_rx) = diagnostics::channel();
        let (analyzer, analyzer_rx) = mpsc::unbounded_channel();
        Server(Arc::new(Shared {
            client,
            state: Mutex::new(State::default()),
            world: Arc::new(RwLock::new(World::default())),
            publisher,
            analyzer,
            receivers: Mutex::new(Some(Receivers {
                publisher: publisher_rx,
                analyzer: analyzer_rx,
            })),
            world_seq: watch::Sender::new(0),
            support: OnceLock::new(),
            progress_tokens: AtomicU64::new(0),
            output,
        }))
    }

    /// Starts the diagnostics publisher and the analyzer (once; needs the
    /// runtime).
    pub fn start_tasks(&self) {
        let receivers = self
            .receivers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(rx) = receivers {
            tokio::spawn(diagnostics::run(
                self.output.clone(),
                self.world.clone(),
                rx.publisher,
            ));
            analyzer::spawn(self.clone(), rx.analyzer);
        }
    }

    /// The state, for reading configuration or applying a change. A handler
    /// that panicked while holding it leaves it usable (poisoning ignored).
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| {
            warn!("the state lock was poisoned by a panic; going on");
            e.into_inner()
        })
    }

    /// Applies a change to the state (synchronously — call it before any
    /// `.await`), makes the new world visible to readers, and passes on its
    /// effects: diagnostics to publish, documents to analyse.
    pub fn update(&self, mode: Mode, change: impl FnOnce(&mut State) -> Effects) {
        let t = std::time::Instant::now();
        let (effects, seq) = {
            let mut state = self.state();
            let locked = t.elapsed();
            let effects = change(&mut state);
            let changed = t.elapsed();
            let world = state.world();
            let seq = world.seq;
            *self.world.write().unwrap_or_else(|e| e.into_inner()) = world;
            tracing::trace!(
                lock_us = locked.as_micros() as u64,
                change_us = (changed - locked).as_micros() as u64,
                world_us = (t.elapsed() - changed).as_micros() as u64,
                "update"
            );
            (effects, seq)
        };
        self.world_seq.send_replace(seq);
        self.publisher.schedule(effects.publish, mode);
        for key in effects.analyse {
            let _ = self.analyzer.send(key);
        }
    }

    /// Schedules diagnostics without changing anything.
    pub fn publish(&self, keys: Vec<Arc<str>>, mode: Mode) {
        self.publisher.schedule(keys, mode);
    }

    /// Runs `work` on a blocking thread once the publications scheduled so
    /// far have been sent ([`super::diagnostics::Publisher::then`]).
    pub fn after_publications(&self, work: impl FnOnce() + Send + 'static) {
        self.publisher.then(work);
    }

    /// The current immutable view of everything: O(1). It may be behind
    /// the documents' latest edits; requests use [`Server::read`].
    pub fn world(&self) -> World {
        self.world.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The world once the analysis of every open document has caught up
    /// with the text it had when this was called, so that a request is
    /// answered for the text it was sent against. (At once, usually; after
    /// an edit, one analysis later; it gives up after [`SETTLE_TIMEOUT`].)
    pub async fn settled_world(&self) -> World {
        let mut changes = self.world_seq.subscribe();
        let then = self.world();
        let deadline = tokio::time::Instant::now() + SETTLE_TIMEOUT;
        loop {
            let now = self.world();
            if now.caught_up_with(&then) {
                return now;
            }
            let waited = tokio::time::timeout_at(deadline, changes.changed()).await;
            if !matches!(waited, Ok(Ok(()))) {
                warn!("the analysis did not catch up in time; answering from an older one");
                return self.world();
            }
        }
    }

    /// Runs a request's work on a blocking thread against the settled world
    /// ([`Server::settled_world`]). A panic becomes a JSON-RPC internal
    /// error.
    ///
    /// ```ignore
    /// async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
    ///     self.0.read("hover", move |world| hover::hover(world, params)).await
    /// }
    /// ```
    pub async fn read<R: Send + 'static>(
        &self,
        method: &'static str,
        work: impl FnOnce(&World) -> R + Send + 'static,
    ) -> Result<R> {
        let started = std::time::Instant::now();
        let world = self.settled_world().await;
        let settled = started.elapsed();
        match tokio::task::spawn_blocking(move || {
            let t = std::time::Instant::now();
            let result = work(&world);
            (result, t.elapsed())
        })
        .await
        {
            Ok((result, worked)) => {
                tracing::trace!(
                    method,
                    settle_us = settled.as_micros() as u64,
                    work_us = worked.as_micros() as u64,
                    total_us = started.elapsed().as_micros() as u64,
                    "request"
                );
                Ok(result)
            }
            Err(err) if err.is_panic() => {
                let message = panic_message(&*err.into_panic());
                error!(method, "request handler panicked: {message}");
                Err(internal_error(method, &message))
            }
            Err(err) => Err(internal_error(method, &err.to_string())),
        }
    }
}

/// The handle tower-lsp-server owns.
pub struct Backend(pub Server);

impl LanguageServer for Backend {
    // ── lifecycle ─────────────────────────────────────────────────────────
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(&self.0, params)
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(&self.0).await
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // ── document synchronisation ──────────────────────────────────────────
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        documents::did_open(&self.0, params)
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        documents::did_change(&self.0, params)
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        documents::did_save(&self.0, params)
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        documents::did_close(&self.0, params)
    }

    // ── workspace ─────────────────────────────────────────────────────────
    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        watched::did_change_watched_files(&self.0, params)
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        watched::did_change_workspace_folders(&self.0, params)
    }

    async fn did_change_configuration(&self, _: DidChangeConfigurationParams) {
        // Nothing is configurable after `initialize` yet.
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        commands::execute_command(&self.0, params)
    }

    // ── features ──────────────────────────────────────────────────────────
    // One line each: the work runs in its own module in features/ against
    // the settled world, on a blocking thread (`Server::read`).

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.0
            .read("definition", move |w| {
                features::definition::definition(w, params)
            })
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.0
            .read("references", move |w| {
                features::references::references(w, params)
            })
            .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.0
            .read("prepareRename", move |w| {
                features::rename::prepare(w, params)
            })
            .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.0
            .read("rename", move |w| features::rename::rename(w, params))
            .await?
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.0
            .read("hover", move |w| features::hover::hover(w, params))
            .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.0
            .read("completion", move |w| {
                features::completion::completion(w, params)
            })
            .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.0
            .read("documentSymbol", move |w| {
                features::symbols::document(w, params)
            })
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.0
            .read("workspaceSymbol", move |w| {
                features::symbols::workspace(w, params)
            })
            .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        self.0
            .read("documentHighlight", move |w| {
                features::highlight::highlight(w, params)
            })
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.0
            .read("foldingRange", move |w| {
                features::folding::folding(w, params)
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.0
            .read("semanticTokens/full", move |w| {
                features::semantic_tokens::full(w, params)
            })
            .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.0
            .read("semanticTokens/range", move |w| {
                features::semantic_tokens::range(w, params)
            })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.0
            .read("codeAction", move |w| {
                features::code_actions::code_actions(w, params)
            })
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.0
            .read("inlayHint", move |w| {
                features::inlay_hints::inlay_hints_of(w, params)
            })
            .await
    }
}

impl Backend {
    /// `chronicle/debugPanic` (a notification, only with
    /// `CHRONICLE_TEST_PANIC=1`): panics, to test that a panicking
    /// notification does not stop the server.
    pub async fn debug_panic_notification(&self) {
        commands::debug_panic_notification()
    }

    /// `chronicle/debugFileState` (a request, only with
    /// `CHRONICLE_TEST_PANIC=1`): what a request sees of a document.
    pub async fn debug_file_state(
        &self,
        params: commands::FileStateParams,
    ) -> Result<serde_json::Value> {
        commands::debug_file_state(&self.0, params).await
    }
}
