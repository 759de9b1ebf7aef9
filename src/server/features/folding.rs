//! `textDocument/foldingRange`

use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

use crate::analysis::ide::folding::{folding_ranges, FoldKind};
use crate::server::world::World;

pub fn folding(world: &World, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let file = world.file(&params.text_document.uri)?;
    Some(
        folding_ranges(&world.analysis, file.id)
            .into_iter()
            .map(|f| FoldingRange {
                start_line: f.start_line as u32,
                end_line: f.end_line as u32,
                kind: Some(match f.kind {
                    FoldKind::Comment => FoldingRangeKind::Comment,
                    _ => FoldingRangeKind::Region,
                }),
                ..Default::default()
            })
            .collect(),
    )
}
