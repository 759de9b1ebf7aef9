//! Parse throughput of the Chronicle grammar (see docs/performance.md).
//!
//! * `full_parse/10MB`: one generated notes file of ~10 MB, parsed from
//!   scratch (`Throughput::Bytes`, so criterion reports MB/s).
//! * `full_parse/coalition`: the two files of `examples/coalition`, ~4 KB.
//! * `full_parse/20k_lines`: the generated 20,000-line file, from scratch.
//! * `incremental/one_char_20k_lines`: one character typed into a prose line
//!   in the middle of that 20,000-line file: `Tree::edit` on a copy of the
//!   old tree, then a parse with it.
//!
//! Sample sizes and times are kept small so that the whole run takes well
//! under a minute: `cargo bench --bench parse`.

use std::hint::black_box;
use std::time::Duration;

use chronicle::workload;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use tree_sitter::{InputEdit, Parser, Point, Tree};

const COALITION: [&str; 2] = [
    include_str!("../examples/coalition/actors.chron"),
    include_str!("../examples/coalition/events.chron"),
];

fn parser() -> Parser {
    let mut p = Parser::new();
    p.set_language(&chronicle::syntax::language())
        .expect("Chronicle language");
    p
}

fn parse(p: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    p.parse(text, old).expect("parse")
}

fn full_parse(c: &mut Criterion) {
    let mut p = parser();
    let mut g = c.benchmark_group("full_parse");

    let big = workload::notes_of_size(10_000_000, 1);
    assert!(!parse(&mut p, &big, None).root_node().has_error());
    g.throughput(Throughput::Bytes(big.len() as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("10MB", |b| b.iter(|| parse(&mut p, black_box(&big), None)));

    let lines = workload::single_file(20_000, 1);
    g.throughput(Throughput::Bytes(lines.len() as u64))
        .sampling_mode(SamplingMode::Auto)
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    g.bench_function("20k_lines", |b| {
        b.iter(|| parse(&mut p, black_box(&lines), None))
    });

    let bytes: usize = COALITION.iter().map(|t| t.len()).sum();
    g.throughput(Throughput::Bytes(bytes as u64))
        .sample_size(50)
        .measurement_time(Duration::from_secs(2));
    g.bench_function("coalition", |b| {
        b.iter(|| {
            for text in COALITION {
                black_box(parse(&mut p, black_box(text), None));
            }
        })
    });
    g.finish();
}

/// Byte offset of a spot inside a word of a prose line near the middle of
/// `text`, where typing a letter keeps the line prose.
fn middle_prose_spot(text: &str) -> usize {
    let mid = text.len() / 2;
    let mut start = text[..mid].rfind('\n').map_or(0, |i| i + 1);
    loop {
        let line = &text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let first = line.chars().next();
        if line.len() > 40 && first.is_some_and(|c| c.is_ascii_uppercase()) {
            // After the second word's first letter.
            let sp = line.find(' ').unwrap_or(1);
            return start + sp + 2;
        }
        start += line.len() + 1;
        assert!(start < text.len(), "no prose line after the middle");
    }
}

fn point_at(text: &str, byte: usize) -> Point {
    let before = &text[..byte];
    let row = before.matches('\n').count();
    let column = byte - before.rfind('\n').map_or(0, |i| i + 1);
    Point::new(row, column)
}

fn incremental(c: &mut Criterion) {
    let mut p = parser();
    let old_text = workload::single_file(20_000, 1);
    let old_tree = parse(&mut p, &old_text, None);

    let at = middle_prose_spot(&old_text);
    let mut new_text = old_text.clone();
    new_text.insert(at, 'x');
    let pos = point_at(&old_text, at);
    let edit = InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: pos,
        old_end_position: pos,
        new_end_position: Point::new(pos.row, pos.column + 1),
    };

    // The incremental result must equal a fresh parse.
    let mut edited = old_tree.clone();
    edited.edit(&edit);
    let inc = parse(&mut p, &new_text, Some(&edited));
    let fresh = parse(&mut p, &new_text, None);
    assert_eq!(
        inc.root_node().to_sexp(),
        fresh.root_node().to_sexp(),
        "incremental parse differs from a fresh parse"
    );

    let mut g = c.benchmark_group("incremental");
    g.sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("one_char_20k_lines", |b| {
        b.iter(|| {
            let mut t = old_tree.clone();
            t.edit(black_box(&edit));
            parse(&mut p, black_box(&new_text), Some(&t))
        })
    });
    g.finish();
}

criterion_group!(benches, full_parse, incremental);
criterion_main!(benches);
