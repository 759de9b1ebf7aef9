//! `textDocument/completion`

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionList,
    CompletionParams, CompletionResponse, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, TextEdit,
};

use crate::analysis::dates::format_day;
use crate::analysis::ide::completion::{self, CompletionKind, CompletionOptions};
use crate::server::world::World;

fn kind(k: CompletionKind) -> CompletionItemKind {
    match k {
        CompletionKind::Actor => CompletionItemKind::CLASS,
        CompletionKind::Source => CompletionItemKind::MODULE,
        CompletionKind::Topic => CompletionItemKind::INTERFACE,
        CompletionKind::Event => CompletionItemKind::EVENT,
        CompletionKind::Statement => CompletionItemKind::TEXT,
        CompletionKind::Claim => CompletionItemKind::REFERENCE,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
        CompletionKind::Property => CompletionItemKind::PROPERTY,
        CompletionKind::Date => CompletionItemKind::CONSTANT,
    }
}

/// Today's date from the system clock, for the date placeholder of entry
/// snippets (the analysis reads no clock).
fn today() -> Option<String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(format_day((secs / 86_400) as i64))
}

pub fn completion(world: &World, params: CompletionParams) -> Option<CompletionResponse> {
    let (file, offset) = world.locate(&params.text_document_position)?;
    let options = CompletionOptions {
        today: today(),
        max_items: 0,
    };
    let list = completion::completions(&world.analysis, file.id, offset, &options);
    let items = list
        .items
        .into_iter()
        .map(|item| CompletionItem {
            label: item.label,
            label_details: item.group.map(|g| CompletionItemLabelDetails {
                detail: None,
                description: Some(g.to_string()),
            }),
            kind: Some(kind(item.kind)),
            detail: item.detail,
            documentation: item.documentation.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            sort_text: Some(item.sort_text),
            filter_text: Some(item.filter_text),
            insert_text_format: Some(if item.is_snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                world.range(file, item.range),
                item.insert_text,
            ))),
            ..Default::default()
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: list.is_incomplete,
        items,
    }))
}
