//! Data-driven tests of every diagnostic: each fixture under
//! `tests/checks/` is a workspace (a `.chron` file, or a directory of them)
//! whose expected diagnostics are written in it as caret comments:
//!
//! ```text
//! 2025-11-24 event wg: Working group
//!   after: @call
//! //       ^ temporal-conflict
//! ```
//!
//! A caret comment points at the column where a diagnostic starts on the
//! nearest line above it that is not a caret comment; several carets and
//! codes may share a line (`// ^ a ^ b` is not allowed: one caret per
//! comment; `// <- code` points at column 1). The test fails on any diagnostic that is not declared and on
//! any declaration that does not fire, so near-miss fixtures (which declare
//! nothing) prove that a check stays quiet.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chronicle::analysis::{self, Code};
use chronicle::syntax::lines;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/checks");
    let mut out = Vec::new();
    for group in fs::read_dir(&root).expect("tests/checks exists") {
        let group = group.unwrap().path();
        if !group.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&group).unwrap() {
            out.push(entry.unwrap().path());
        }
    }
    out.sort();
    out
}

fn files_of(fixture: &Path) -> Vec<(String, String)> {
    if fixture.is_dir() {
        let mut files: Vec<_> = fs::read_dir(fixture)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "chron"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                (name, fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    } else {
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        vec![(name, fs::read_to_string(fixture).unwrap())]
    }
}

/// (file, 1-based line, 1-based column, code)
type Expect = (String, usize, usize, String);

fn expectations(name: &str, text: &str) -> BTreeSet<Expect> {
    let mut out = BTreeSet::new();
    let mut target_line = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix("//").map(str::trim_start);
        let caret = rest.is_some_and(|r| r.starts_with('^') || r.starts_with("<-"));
        if caret {
            // `// <- code` points at column 1, where no caret can stand.
            let (col, code) = match line.find("<-") {
                Some(at) if !line[..at].contains('^') => (0, line[at + 2..].trim()),
                _ => {
                    let col = line.find('^').unwrap();
                    (col, line[col..].trim_start_matches('^').trim())
                }
            };
            let code = code.to_string();
            assert!(
                Code::parse(&code).is_some(),
                "{name}:{}: unknown code `{code}`",
                i + 1
            );
            let target: usize = target_line.expect("a caret comment needs a line above it");
            out.insert((name.to_string(), target + 1, col + 1, code));
        } else {
            target_line = Some(i);
        }
    }
    out
}

#[test]
fn every_fixture_fires_exactly_what_it_declares() {
    let mut failures = Vec::new();
    let all = fixtures();
    assert!(
        all.len() >= 20,
        "expected the fixture set, found {}",
        all.len()
    );
    for fixture in all {
        let files = files_of(&fixture);
        let mut expected = BTreeSet::new();
        for (name, text) in &files {
            expected.extend(expectations(name, text));
        }
        let prepared = files
            .iter()
            .map(|(name, text)| analysis::prepare(name.clone(), Arc::from(text.as_str())))
            .collect();
        let ws = analysis::workspace_of(prepared);
        let snap = ws.snapshot();
        let mut actual = BTreeSet::new();
        let mut messages = Vec::new();
        for f in snap.files() {
            let text = f.text();
            let starts = lines::line_starts(&text);
            for d in analysis::file_diagnostics(&snap, f.id) {
                let (line, col) = lines::line_col(&text, &starts, d.range.start);
                actual.insert((
                    f.key.to_string(),
                    line + 1,
                    col + 1,
                    d.code.as_str().to_string(),
                ));
                messages.push(format!(
                    "    {}:{}:{} {} {}",
                    f.key,
                    line + 1,
                    col + 1,
                    d.code.as_str(),
                    d.message
                ));
                // Every diagnostic explains itself and points inside its file.
                assert!(!d.message.is_empty());
                assert!(d.range.end <= f.text_len());
                for r in &d.related {
                    let other = snap.file(r.file).expect("related file exists");
                    assert!(r.range.end <= other.text_len());
                    assert!(!r.message.is_empty());
                }
            }
        }
        if actual != expected {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let extra: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!(
                "{}:\n  declared but not reported: {missing:?}\n  reported but not declared: {extra:?}\n  all diagnostics:\n{}",
                fixture.display(),
                messages.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
