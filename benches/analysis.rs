//! The hot inner pieces of one keystroke (see docs/performance.md, "One
//! keystroke"), on the medium workspace with the 20,000-line file:
//!
//! * `summary/full_20k_lines`: `FileSummary::new` of the whole file.
//! * `summary/splice_one_char`: `splice::update` after one character typed
//!   into a prose line in the middle of the file.
//! * `index/set_file_edited`: putting that spliced summary in the medium
//!   workspace (index by difference, caches, derivations).
//! * `temporal/full_medium`: the temporal network of the whole medium
//!   workspace, every component solved (a fresh cache per run).
//! * `temporal/moved_after_prose_edit`: the same after a prose keystroke,
//!   derived from the previous snapshot's result.
//!
//! `cargo bench --bench analysis` (about a minute after the build).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use chronicle::analysis::splice::{self, Edit};
use chronicle::analysis::{prepare, workspace_of, FileSummary, Workspace};
use chronicle::{syntax, workload};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tree_sitter::{InputEdit, Point, Tree};

fn point(text: &str, byte: usize) -> Point {
    let before = &text[..byte];
    Point {
        row: before.matches('\n').count(),
        column: byte - before.rfind('\n').map_or(0, |i| i + 1),
    }
}

struct Keystroke {
    text: String,
    tree: Tree,
    edit: Edit,
}

/// One letter typed at the end of the first word of a prose line in the
/// middle of `text`.
fn keystroke(text: &str, tree: &Tree) -> Keystroke {
    let summary = FileSummary::new(tree, text);
    let prose = summary.prose[summary.prose.len() / 2];
    let at = prose.start() + text[prose.range()].find(' ').unwrap_or(1);
    let mut new = text.to_string();
    new.insert(at, 'e');
    let mut edited = tree.clone();
    edited.edit(&InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: point(text, at),
        old_end_position: point(text, at),
        new_end_position: point(&new, at + 1),
    });
    let tree = syntax::parse_with(&mut syntax::parser(), &new, Some(&edited));
    Keystroke {
        text: new,
        tree,
        edit: Edit {
            start: at,
            old_end: at,
            new_end: at + 1,
        },
    }
}

fn medium() -> (Workspace, String) {
    let spec = workload::Spec::medium();
    let story = workload::build(&spec);
    let mut files = workload::render(&story);
    let big = workload::single_file_beside(20_000, spec.seed, &story.ids);
    files.push(("big.chron".into(), big.clone()));
    let prepared = chronicle::analysis::prepare_all(
        files
            .into_iter()
            .map(|(k, v)| (k, Arc::from(v.as_str())))
            .collect(),
    );
    let mut ws = workspace_of(prepared);
    // big.chron as an open document.
    let p = prepare("big.chron".into(), Arc::from(big.as_str()));
    ws.set_file(&p.key, p.text, p.tree, p.summary, Some(1));
    (ws, big)
}

fn summary(c: &mut Criterion) {
    let text = workload::single_file_beside(20_000, 1, &Default::default());
    let tree = syntax::parse(&text);
    let old = FileSummary::new(&tree, &text);
    let k = keystroke(&text, &tree);
    let mut g = c.benchmark_group("summary");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("full_20k_lines", |b| {
        b.iter(|| black_box(FileSummary::new(&tree, &text)))
    });
    // The same file without a tree: the quick reader (indexing).
    assert!(chronicle::analysis::quick::summary(&text).is_some());
    g.bench_function("quick_20k_lines", |b| {
        b.iter(|| black_box(chronicle::analysis::quick::summary(&text)))
    });
    g.bench_function("splice_one_char", |b| {
        b.iter(|| black_box(splice::update(&old, &k.tree, &k.text, k.edit).expect("spliced")))
    });
    // The same keystroke in a document that keeps no tree: the items around
    // it are parsed on their own.
    g.bench_function("splice_region_one_char", |b| {
        b.iter(|| black_box(splice::update_region(&old, &k.text, k.edit).expect("spliced")))
    });
    g.finish();
}

fn index_and_temporal(c: &mut Criterion) {
    let (ws, big) = medium();
    let tree = syntax::parse(&big);
    let old = ws.snapshot();
    let old_summary = old
        .file(old.file_id("big.chron").unwrap())
        .unwrap()
        .summary
        .clone();
    let k = keystroke(&big, &tree);
    let (spliced, sp) = splice::update(&old_summary, &k.tree, &k.text, k.edit).expect("spliced");
    let spliced = Arc::new(spliced);
    let text: Arc<str> = Arc::from(k.text.as_str());
    let _ = old.temporal();
    // The keystroke put in a copy of the workspace.
    let edited = |mut ws: Workspace| {
        ws.set_file_edited(
            "big.chron",
            text.clone().into(),
            Some(k.tree.clone()),
            spliced.clone(),
            Some(2),
            Some(&sp),
        );
        ws
    };

    let mut g = c.benchmark_group("index");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("set_file_edited", |b| {
        b.iter_batched(|| ws.clone(), &edited, BatchSize::SmallInput)
    });
    g.finish();

    let mut g = c.benchmark_group("temporal");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("full_medium", |b| {
        b.iter_batched(
            || old.with_fresh_temporal_cache(),
            |snap| black_box(chronicle::analysis::temporal::analyse(&snap)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("moved_after_prose_edit", |b| {
        b.iter_batched(
            || edited(ws.clone()).snapshot(),
            |snap| black_box(snap.temporal()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, summary, index_and_temporal);
criterion_main!(benches);
