//! `initialize` (position encoding, options, workspace folders, the
//! capabilities advertised) and `initialized` (file watchers, indexing).

use std::path::PathBuf;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tracing::{info, warn};

use super::backend::{ClientSupport, Server};
use super::diagnostics::Mode;
use super::discover::{self, Roots};
use super::indexing;
use super::state::{Config, Effects};
use super::text::PositionEncoding;

pub fn initialize(server: &Server, params: InitializeParams) -> Result<InitializeResult> {
    let caps = &params.capabilities;
    let offered: Vec<&str> = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .map(|kinds| kinds.iter().map(PositionEncodingKind::as_str).collect())
        .unwrap_or_default();
    let encoding = PositionEncoding::negotiate(offered.iter().copied());
    let max_file_size = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("maxFileSize"))
        .and_then(Value::as_u64)
        .unwrap_or(discover::DEFAULT_MAX_FILE_SIZE)
        .min(crate::analysis::span::MAX_FILE_SIZE);
    let keep_tree_below = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("keepTreeBelow"))
        .and_then(Value::as_u64)
        .unwrap_or(super::state::KEEP_TREE_BELOW);
    let mut roots = Roots::default();
    for root in workspace_roots(&params) {
        roots.add(root);
    }
    let support = ClientSupport {
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_files: caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
    };
    info!(
        encoding = encoding.as_lsp_str(),
        max_file_size,
        keep_tree_below,
        roots = ?roots.paths().collect::<Vec<_>>(),
        ?support,
        "initialize"
    );
    server.update(Mode::Always, |state| {
        state.config = Config {
            encoding,
            max_file_size,
            keep_tree_below,
            roots,
        };
        Effects::none()
    });
    let _ = server.support.set(support);
    server.start_tasks();
    Ok(InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "chronicle".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    })
}

/// The workspace folders, or else the root URI (or path) of older clients.
#[allow(deprecated)]
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let from_uri = |uri: &Uri| uri.to_file_path().map(|p| p.into_owned());
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| from_uri(&f.uri)).collect();
    }
    if let Some(uri) = &params.root_uri {
        return from_uri(uri).into_iter().collect();
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

/// What the server advertises: only what is implemented.
pub fn capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".to_string(), ".".to_string(), ":".to_string()]),
            resolve_provider: Some(false),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: super::features::semantic_tokens::legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                work_done_progress_options: Default::default(),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Starts indexing and registers the file watchers. Both wait on the
/// client (progress token, registration), so both run as tasks of their own:
/// a handler still waiting on the client when `exit` arrives would keep
/// tower-lsp-server from ever stopping (it no longer reads the answer).
pub async fn initialized(server: &Server) {
    let roots = server.state().config.roots.clone();
    if !roots.is_empty() {
        tokio::spawn(indexing::index(
            server.clone(),
            roots,
            "Indexing Chronicle notes",
        ));
    }
    let support = server.support.get().copied().unwrap_or_default();
    if support.watch_files {
        tokio::spawn(register_watchers(server.clone()));
    } else {
        info!("the client cannot watch files for the server; changes made outside the editor are not seen");
    }
}

async fn register_watchers(server: Server) {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*.chron".to_string()),
            kind: None,
        }],
    };
    let registration = Registration {
        id: "chronicle-watch-chron-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = server.client.register_capability(vec![registration]).await {
        warn!("the client refused the file watchers: {err}");
    }
}
