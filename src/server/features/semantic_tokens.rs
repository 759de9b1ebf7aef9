//! `textDocument/semanticTokens/full` and `/range`

use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, SemanticTokensParams, SemanticTokensRangeParams,
    SemanticTokensRangeResult, SemanticTokensResult,
};

use crate::analysis::ide::semantic_tokens::{self as tokens, TOKEN_MODIFIERS, TOKEN_TYPES};
use crate::analysis::FileData;
use crate::server::convert;
use crate::server::world::World;

/// The legend advertised in the capabilities; token types and modifiers are
/// indices into these lists.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|t| SemanticTokenType::new(t))
            .collect(),
        token_modifiers: TOKEN_MODIFIERS
            .iter()
            .map(|m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

fn encode(world: &World, file: &FileData, found: Vec<tokens::SemanticToken>) -> SemanticTokens {
    let mut data = Vec::with_capacity(found.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for t in found {
        let r = world.range(file, t.range);
        if r.start.line != r.end.line || r.end.character <= r.start.character {
            continue;
        }
        let delta_line = r.start.line - prev_line;
        let delta_start = if delta_line == 0 {
            r.start.character - prev_start
        } else {
            r.start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: r.end.character - r.start.character,
            token_type: t.token_type.index(),
            token_modifiers_bitset: t.modifiers,
        });
        prev_line = r.start.line;
        prev_start = r.start.character;
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

pub fn full(world: &World, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let file = world.file(&params.text_document.uri)?;
    let found = tokens::semantic_tokens(&world.analysis, file.id, None);
    Some(SemanticTokensResult::Tokens(encode(world, file, found)))
}

pub fn range(
    world: &World,
    params: SemanticTokensRangeParams,
) -> Option<SemanticTokensRangeResult> {
    let file = world.file(&params.text_document.uri)?;
    let bytes = bytes_of(world, file, params.range);
    let found = tokens::semantic_tokens(&world.analysis, file.id, Some(bytes));
    Some(SemanticTokensRangeResult::Tokens(encode(
        world, file, found,
    )))
}

fn bytes_of(world: &World, file: &FileData, range: Range) -> std::ops::Range<usize> {
    convert::lsp_range_to_bytes(file, range, world.encoding)
}
