//! `textDocument/prepareRename` and `textDocument/rename`

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::analysis::ide::rename;
use crate::server::world::World;

pub fn prepare(
    world: &World,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some((file, offset)) = world.locate(&params) else {
        return Ok(None);
    };
    match rename::prepare_rename(&world.analysis, file.id, offset) {
        Ok(p) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: world.range(file, p.range),
            placeholder: p.text,
        })),
        Err(message) => Err(Error::invalid_params(message)),
    }
}

pub fn rename(world: &World, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let Some((file, offset)) = world.locate(&params.text_document_position) else {
        return Ok(None);
    };
    let plain = rename::rename(&world.analysis, file.id, offset, &params.new_name)
        .map_err(Error::invalid_params)?;
    let mut changes = HashMap::new();
    for (id, edits) in plain.changes {
        let (Some(uri), Some(data)) = (world.uri(id), world.analysis.file(id)) else {
            continue;
        };
        let edits: Vec<TextEdit> = edits
            .into_iter()
            .map(|e| TextEdit::new(world.range(data, e.range), e.new_text))
            .collect();
        changes.insert(uri, edits);
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}
