//! `textDocument/inlayHint`: inferred windows of undated events and what
//! relative dates resolved to.

use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip};

use crate::analysis::inlay_hints::inlay_hints;
use crate::server::convert;
use crate::server::world::World;

pub fn inlay_hints_of(world: &World, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    let file = world.file(&params.text_document.uri)?;
    let bytes = convert::lsp_range_to_bytes(&**file, params.range, world.encoding);
    Some(
        inlay_hints(&world.analysis, file.id, Some(bytes))
            .into_iter()
            .map(|h| InlayHint {
                position: world.range(file, h.offset..h.offset).start,
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}
