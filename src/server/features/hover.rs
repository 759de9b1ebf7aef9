//! `textDocument/hover`

use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::analysis::ide;
use crate::server::world::World;

pub fn hover(world: &World, params: HoverParams) -> Option<Hover> {
    let (file, offset) = world.locate(&params.text_document_position_params)?;
    let found = ide::hover::hover(&world.analysis, file.id, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: found.markdown,
        }),
        range: Some(world.range(file, found.range)),
    })
}
