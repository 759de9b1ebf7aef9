//! `textDocument/definition`

use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::analysis::ide::definition::goto_definition;
use crate::server::world::World;

pub fn definition(world: &World, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (file, offset) = world.locate(&params.text_document_position_params)?;
    let targets: Vec<_> = goto_definition(&world.analysis, file.id, offset)
        .into_iter()
        .filter_map(|t| world.location(t.file, t.range))
        .collect();
    match targets.len() {
        0 => None,
        1 => Some(GotoDefinitionResponse::Scalar(targets.into_iter().next()?)),
        _ => Some(GotoDefinitionResponse::Array(targets)),
    }
}
