//! `textDocument/documentHighlight`

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams,
};

use crate::analysis::ide::highlight::{document_highlights, HighlightKind};
use crate::server::world::World;

pub fn highlight(world: &World, params: DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
    let (file, offset) = world.locate(&params.text_document_position_params)?;
    Some(
        document_highlights(&world.analysis, file.id, offset)
            .into_iter()
            .map(|h| DocumentHighlight {
                range: world.range(file, h.range),
                kind: Some(match h.kind {
                    HighlightKind::Write => DocumentHighlightKind::WRITE,
                    HighlightKind::Read => DocumentHighlightKind::READ,
                }),
            })
            .collect(),
    )
}
