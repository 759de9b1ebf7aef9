//! Document synchronisation: `didOpen`, `didChange` (incremental), `didSave`
//! and `didClose`. Each applies its change synchronously through
//! [`Server::update`] and never awaits, so changes are applied in the order
//! they arrived.

use tower_lsp_server::ls_types::*;
use tracing::{debug, warn};

use super::backend::Server;
use super::convert;
use super::diagnostics::Mode;
use super::state::Effects;
use super::text::TextChange;

pub fn did_open(server: &Server, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let key = convert::key_of_uri(&doc.uri);
    debug!(
        key = &*key,
        version = doc.version,
        len = doc.text.len(),
        "didOpen"
    );
    server.update(Mode::Always, |state| state.open(key, doc.text, doc.version));
}

pub fn did_change(server: &Server, params: DidChangeTextDocumentParams) {
    let key = convert::key_of_uri(&params.text_document.uri);
    let version = params.text_document.version;
    let changes: Vec<TextChange> = params
        .content_changes
        .into_iter()
        .map(|c| TextChange {
            range: c
                .range
                .map(|r| (convert::pos(r.start), convert::pos(r.end))),
            text: c.text,
        })
        .collect();
    server.update(Mode::Always, |state| {
        state.change(&key, version, &changes).unwrap_or_else(|| {
            warn!(
                key = &*key,
                "didChange for a document that is not open; ignored"
            );
            Effects::none()
        })
    });
}

pub fn did_save(_server: &Server, params: DidSaveTextDocumentParams) {
    // The text is already in step through didChange; the file watcher
    // reports the write too, and the open document wins over the disk.
    debug!(uri = params.text_document.uri.as_str(), "didSave");
}

pub fn did_close(server: &Server, params: DidCloseTextDocumentParams) {
    let key = convert::key_of_uri(&params.text_document.uri);
    debug!(key = &*key, "didClose");
    server.update(Mode::Always, |state| state.close(&key));
}
