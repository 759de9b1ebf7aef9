//! `textDocument/references`

use tower_lsp_server::ls_types::{Location, ReferenceParams};

use crate::analysis::ide::references::find_references;
use crate::server::world::World;

pub fn references(world: &World, params: ReferenceParams) -> Option<Vec<Location>> {
    let (file, offset) = world.locate(&params.text_document_position)?;
    let include = params.context.include_declaration;
    Some(
        find_references(&world.analysis, file.id, offset, include)
            .into_iter()
            .filter_map(|r| world.location(r.file, r.range))
            .collect(),
    )
}
