//! `textDocument/codeAction`

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    NumberOrString,
};

use crate::analysis::ide::code_actions;
use crate::server::convert;
use crate::server::world::World;

pub fn code_actions(world: &World, params: CodeActionParams) -> Option<CodeActionResponse> {
    let file = world.file(&params.text_document.uri)?;
    let bytes = convert::lsp_range_to_bytes(&**file, params.range, world.encoding);
    let actions = code_actions::code_actions(&world.analysis, file.id, bytes);
    let mut out = Vec::new();
    for a in actions {
        // The client's diagnostics this action fixes: same code, same range.
        let diagnostics = a.fixes.as_ref().map(|(code, range)| {
            let lsp_range = world.range(file, range.clone());
            params
                .context
                .diagnostics
                .iter()
                .filter(|d| {
                    d.range == lsp_range
                        && matches!(&d.code, Some(NumberOrString::String(c)) if c == code.as_str())
                })
                .cloned()
                .collect::<Vec<_>>()
        });
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: a.title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: diagnostics.filter(|d| !d.is_empty()),
            edit: Some(world.workspace_edit(a.edit)),
            command: None,
            is_preferred: a.is_preferred.then_some(true),
            disabled: None,
            data: None,
        }));
    }
    Some(out)
}
