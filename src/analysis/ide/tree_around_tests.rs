//! Features that read syntax trees answer the same from a tree of the
//! items around the position ([`FileData::tree_around`], for files whose
//! tree is not kept: closed files and large open documents) as from the
//! whole file's tree.

use std::sync::Arc;

use super::completion::{completions, CompletionOptions};
use super::hover::hover;
use super::semantic_tokens::tokens_in_chunks;
use crate::analysis::quick::tests::{corpus_inputs, examples_and_fixtures};
use crate::analysis::{prepare, workspace_of, Workspace};

/// Every answer of the tree-reading features over `files`, from one
/// workspace that keeps every tree and one that keeps none.
fn compare(files: &[(String, String)]) -> usize {
    let prepared = |files: &[(String, String)]| {
        files
            .iter()
            .map(|(k, t)| prepare(k.clone(), Arc::from(t.as_str())))
            .collect::<Vec<_>>()
    };
    let regions = workspace_of(prepared(files)).snapshot();
    let mut kept = Workspace::new();
    for p in prepared(files) {
        assert!(p.tree.is_some());
        kept.set_file(&p.key, p.text, p.tree, p.summary, Some(1));
    }
    let kept = kept.snapshot();
    let options = CompletionOptions {
        today: Some("2025-11-27".into()),
        max_items: 0,
    };
    let mut answers = 0;
    for (key, text) in files {
        let a = kept.file_id(key).unwrap();
        let b = regions.file_id(key).unwrap();
        assert!(kept.file(a).unwrap().kept_tree().is_some());
        assert!(regions.file(b).unwrap().kept_tree().is_none());
        let whole = tokens_in_chunks(&kept, a, None, 1);
        for chunk in [1, 200, 1 << 20] {
            assert_eq!(
                whole,
                tokens_in_chunks(&regions, b, None, chunk),
                "{key}, chunks of {chunk}"
            );
        }
        let step = (text.len() / 400).max(1);
        let mut at = 0;
        while at <= text.len() {
            if text.is_char_boundary(at) {
                assert_eq!(
                    hover(&kept, a, at),
                    hover(&regions, b, at),
                    "hover at {at} of {key}"
                );
                assert_eq!(
                    completions(&kept, a, at, &options),
                    completions(&regions, b, at, &options),
                    "completions at {at} of {key}"
                );
                let window = at..(at + 300).min(text.len());
                assert_eq!(
                    tokens_in_chunks(&kept, a, Some(window.clone()), 1),
                    tokens_in_chunks(&regions, b, Some(window.clone()), 100),
                    "tokens in {window:?} of {key}"
                );
                answers += 3;
            }
            at += step;
        }
    }
    answers
}

#[test]
fn features_answer_the_same_from_a_region_as_from_the_whole_tree() {
    let files: Vec<(String, String)> = examples_and_fixtures()
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("/w/{i}.chron"), t))
        .collect();
    let mut answers = compare(&files);
    for input in corpus_inputs() {
        answers += compare(&[("/c.chron".to_string(), input)]);
    }
    assert!(answers > 10_000, "{answers}");
}
