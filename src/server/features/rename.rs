//! `textDocument/prepareRename` and `textDocument/rename`

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, WorkspaceEdit,
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
    Ok(Some(world.workspace_edit(plain)))
}
