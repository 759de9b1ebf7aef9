//! `textDocument/documentSymbol` and `workspace/symbol`

use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, OneOf, SymbolKind,
    WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::analysis::ide::symbols::{self, SymbolKind as Kind};
use crate::analysis::FileData;
use crate::server::world::World;

fn kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Section => SymbolKind::NAMESPACE,
        Kind::Actor => SymbolKind::CLASS,
        Kind::Source => SymbolKind::PACKAGE,
        Kind::Topic => SymbolKind::INTERFACE,
        Kind::Event => SymbolKind::EVENT,
        Kind::Statement => SymbolKind::STRING,
        Kind::Claim => SymbolKind::PROPERTY,
    }
}

#[allow(deprecated)]
fn convert(world: &World, file: &FileData, s: symbols::DocumentSymbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: kind(s.kind),
        tags: None,
        deprecated: None,
        range: world.range(file, s.range),
        selection_range: world.range(file, s.selection_range),
        children: Some(
            s.children
                .into_iter()
                .map(|c| convert(world, file, c))
                .collect(),
        ),
    }
}

pub fn document(world: &World, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let file = world.file(&params.text_document.uri)?;
    let symbols = symbols::document_symbols(&world.analysis, file.id)
        .into_iter()
        .map(|s| convert(world, file, s))
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

pub fn workspace(world: &World, params: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let found = symbols::workspace_symbols(
        &world.analysis,
        &params.query,
        symbols::WORKSPACE_SYMBOL_LIMIT,
    );
    let symbols = found
        .into_iter()
        .filter_map(|s| {
            let location = world.location(s.file, s.range)?;
            Some(WorkspaceSymbol {
                name: s.name,
                kind: kind(s.kind),
                tags: None,
                container_name: s.detail,
                location: OneOf::Left(location),
                data: None,
            })
        })
        .collect::<Vec<_>>();
    Some(WorkspaceSymbolResponse::Nested(symbols))
}
