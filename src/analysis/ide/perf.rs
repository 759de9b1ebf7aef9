//! Request latencies on a large generated workspace. Ignored by default;
//! run in release:
//!
//! ```text
//! cargo test --release --lib analysis::ide::perf -- --ignored --nocapture
//! ```
//!
//! Targets: completion after `@` with 10,000 actors, go to definition and
//! find references p95 < 5 ms; rename across 10,000 references < 200 ms.
//! Each figure is reported as p95 with the minimum and median: on a busy
//! machine the minimum is the better estimate of the cost itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::completion::{completions, CompletionOptions};
use super::definition::goto_definition;
use super::references::find_references;
use super::rename::rename;
use crate::analysis::{prepare, prepare_all, workspace_of, Workspace};
use crate::workload::{generate, Spec};

fn stats(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    format!(
        "p95 {:?} (min {:?}, median {:?}, n {})",
        at(95),
        times[0],
        at(50),
        times.len()
    )
}

fn set(ws: &mut Workspace, key: &str, text: String) {
    let p = prepare(key.to_string(), Arc::from(text));
    ws.set_file(&p.key, p.text, p.tree, p.summary, Some(1));
}

#[test]
#[ignore]
fn request_latencies() {
    let spec = Spec {
        seed: 7,
        files: 300,
        actors: 10_000,
        events: 20_000,
        statements: 10_000,
        claims: 10_000,
        conflicts: 0,
    };
    let files = generate(&spec);
    let prepared = prepare_all(files.into_iter().map(|(k, t)| (k, Arc::from(t))).collect());
    let mut ws = workspace_of(prepared);
    // One actor with 10,000 references, for rename.
    let mut hub = String::from("actor hub \"Hub\"\n  kind: group\n");
    for i in 0..10_000 {
        let _ = writeln!(hub, "2025-01-01 event hub-event-{i}: With @hub");
    }
    set(&mut ws, "/hub.chron", hub);
    let mut report = String::new();
    let snap = ws.snapshot();
    let _ = writeln!(
        report,
        "{} definitions in {} files",
        snap.all_definitions().count(),
        snap.file_count()
    );

    // The first completion builds every file's index.
    set(&mut ws, "/typing.chron", "Prose about @\n".to_string());
    let snap = ws.snapshot();
    let file = snap.file_id("/typing.chron").unwrap();
    let start = Instant::now();
    let list = completions(&snap, file, 13, &CompletionOptions::default());
    let _ = writeln!(
        report,
        "first completion, building every file's index: {:?} ({} items)",
        start.elapsed(),
        list.items.len()
    );

    // Completion after `@` in `who:` (actors expected) and in prose
    // (anything), with various typed prefixes.
    let mut all = Vec::new();
    let mut by_case: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let prefixes = ["", "a", "ma", "jo", "per", "xq", "ann", "b", "ch", "zz"];
    for round in 0..20 {
        for (p, typed) in prefixes.iter().enumerate() {
            let in_field = (round + p) % 2 == 0;
            let text = if in_field {
                format!("2025-11-25 event typing-{round}: Typing\n  who: @{typed}\n")
            } else {
                format!("Prose about @{typed}\n")
            };
            let offset = text.len() - 1;
            set(&mut ws, "/typing.chron", text);
            let snap = ws.snapshot();
            let file = snap.file_id("/typing.chron").unwrap();
            let start = Instant::now();
            let list = completions(&snap, file, offset, &CompletionOptions::default());
            let took = start.elapsed();
            all.push(took);
            let place = if in_field { "who: " } else { "prose" };
            by_case
                .entry(format!("{place} @{typed:<3} {:>3} items", list.items.len()))
                .or_default()
                .push(took);
        }
    }
    for (case, times) in by_case {
        let _ = writeln!(report, "  completion {case}: {}", stats(times));
    }
    let _ = writeln!(report, "completion after @: {}", stats(all));

    // Definition and references on every 50th reference of every 10th file.
    let snap = ws.snapshot();
    let mut cursors = Vec::new();
    for f in snap.files().step_by(10) {
        for r in f.summary.references.iter().step_by(50) {
            cursors.push((f.id, r.span.start() + 1));
        }
    }
    let mut def_times = Vec::new();
    let mut ref_times = Vec::new();
    for &(file, offset) in &cursors {
        let start = Instant::now();
        std::hint::black_box(goto_definition(&snap, file, offset));
        def_times.push(start.elapsed());
        let start = Instant::now();
        std::hint::black_box(find_references(&snap, file, offset, true));
        ref_times.push(start.elapsed());
    }
    let _ = writeln!(report, "definition: {}", stats(def_times));
    let _ = writeln!(report, "references: {}", stats(ref_times));

    let hub = snap.file_id("/hub.chron").unwrap();
    let mut rename_times = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let edit = rename(&snap, hub, 6, "hub-renamed").unwrap();
        rename_times.push(start.elapsed());
        assert_eq!(edit.len(), 10_001);
    }
    let _ = writeln!(
        report,
        "rename of 10,001 occurrences: {}",
        stats(rename_times)
    );
    println!("{report}");
}
