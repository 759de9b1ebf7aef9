//! `textDocument/references`

use std::collections::HashMap;

use tower_lsp_server::ls_types::{Location, ReferenceParams, Uri};

use crate::analysis::ide::references::find_references;
use crate::analysis::FileId;
use crate::server::world::World;

pub fn references(world: &World, params: ReferenceParams) -> Option<Vec<Location>> {
    let (file, offset) = world.locate(&params.text_document_position)?;
    let include = params.context.include_declaration;
    // Thousands of locations come from a few hundred files: each file's URI
    // is made once.
    let mut uris: HashMap<FileId, Option<Uri>> = HashMap::new();
    Some(
        find_references(&world.analysis, file.id, offset, include)
            .into_iter()
            .filter_map(|r| {
                let uri = uris
                    .entry(r.file)
                    .or_insert_with(|| world.uri(r.file))
                    .clone()?;
                let data = world.analysis.file(r.file)?;
                Some(Location::new(uri, world.range(data, r.range)))
            })
            .collect(),
    )
}
