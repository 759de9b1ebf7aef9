//! `workspace/executeCommand` and the hidden test hooks. No command is
//! advertised yet. The hooks exist for the end-to-end tests and only work
//! when the server was started with `CHRONICLE_TEST_PANIC=1`:
//!
//! * the command `chronicle.debug.panic` and the notification
//!   `chronicle/debugPanic` panic inside their handler, to prove that a
//!   panic is answered with an internal error (or logged) and the server
//!   keeps serving;
//! * the request `chronicle/debugFileState` (`{"uri": …}`) answers what a
//!   request sees of a document — through [`Server::read`], like every
//!   feature will — to prove that requests see the text they were sent
//!   against even though the analysis follows the edits.

use serde::Deserialize;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::backend::Server;

pub const DEBUG_PANIC: &str = "chronicle.debug.panic";

/// Whether the test hooks are on.
fn test_hooks() -> bool {
    std::env::var("CHRONICLE_TEST_PANIC").is_ok_and(|v| v == "1")
}

pub fn execute_command(_server: &Server, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    if params.command == DEBUG_PANIC && test_hooks() {
        panic!("{DEBUG_PANIC}: a deliberate panic (CHRONICLE_TEST_PANIC=1)");
    }
    Err(Error::invalid_params(format!(
        "unknown command {:?}",
        params.command
    )))
}

/// The `chronicle/debugPanic` notification.
pub fn debug_panic_notification() {
    if test_hooks() {
        panic!("chronicle/debugPanic: a deliberate panic (CHRONICLE_TEST_PANIC=1)");
    }
}

#[derive(Deserialize)]
pub struct FileStateParams {
    pub uri: Uri,
}

/// The `chronicle/debugFileState` request: the version, text and number of
/// diagnostics of a document as a request sees it (`null` when it is not
/// analysed).
pub async fn debug_file_state(server: &Server, params: FileStateParams) -> Result<Value> {
    if !test_hooks() {
        return Err(Error::method_not_found());
    }
    server
        .read("chronicle/debugFileState", move |world| {
            let Some(file) = world.file(&params.uri) else {
                return Value::Null;
            };
            let diagnostics = crate::analysis::file_diagnostics(&world.analysis, file.id);
            json!({
                "version": file.version,
                "text": &*file.text(),
                "diagnostics": diagnostics.len(),
            })
        })
        .await
}
