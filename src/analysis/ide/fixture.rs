//! Test fixtures: a small multi-file workspace written as one text, with
//! `$0` marking the cursor.
//!
//! ```text
//! //- /actors.chron
//! actor mac$0ron "Emmanuel Macron"
//! //- /events.chron
//! 2025-11-25 @macron said "Hello."
//! ```
//!
//! * `//- /path` starts a file; the lines up to the next `//- ` line are its
//!   text (each line keeps its `\n`). A fixture without any `//- ` line is
//!   one file, `/main.chron`. One leading newline is dropped, so fixtures
//!   can start on the line after `r"`.
//! * `$0` marks the cursor (removed from the text). A second `$0` in the
//!   same file marks the end of a selection that starts at the first one.
//! * Keys are the paths as written; FileIds follow the order of the files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use super::FileRange;
use crate::analysis::{prepare, workspace_of, FileId, Snapshot};

pub struct Fixture {
    pub snap: Snapshot,
    /// The file with the cursor (the first file when there is none).
    pub file: FileId,
    /// The cursor (0 when there is none).
    pub offset: usize,
    /// The selection, when two `$0` are given.
    pub range: Option<Range<usize>>,
}

pub fn parse(fixture: &str) -> Fixture {
    let fixture = fixture.strip_prefix('\n').unwrap_or(fixture);
    let mut files: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else {
            if files.is_empty() {
                files.push(("/main.chron".to_string(), String::new()));
            }
            files.last_mut().unwrap().1.push_str(line);
        }
    }
    if files.is_empty() {
        files.push(("/main.chron".to_string(), String::new()));
    }
    let mut cursor: Option<(usize, usize, Option<usize>)> = None;
    let mut prepared = Vec::new();
    for (index, (key, text)) in files.into_iter().enumerate() {
        let mut marks = Vec::new();
        let mut clean = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find("$0") {
            clean.push_str(&rest[..i]);
            marks.push(clean.len());
            rest = &rest[i + 2..];
        }
        clean.push_str(rest);
        match marks.as_slice() {
            [] => {}
            [at] => cursor = Some((index, *at, None)),
            [start, end] => cursor = Some((index, *start, Some(*end))),
            _ => panic!("more than two $0 in {key}"),
        }
        prepared.push(prepare(key, Arc::from(clean)));
    }
    let keys: Vec<String> = prepared.iter().map(|p| p.key.clone()).collect();
    let ws = workspace_of(prepared);
    let snap = ws.snapshot();
    let (index, offset, end) = cursor.unwrap_or((0, 0, None));
    let file = snap.file_id(&keys[index]).expect("fixture file");
    Fixture {
        snap,
        file,
        offset,
        range: end.map(|e| offset..e),
    }
}

/// The key of a file.
pub fn key(snap: &Snapshot, file: FileId) -> String {
    snap.file(file)
        .map(|f| f.key.to_string())
        .unwrap_or_default()
}

/// Ranges rendered as the lines they are on, each range between `«` and
/// `»`: `/actors.chron:1 actor «macron» "Emmanuel Macron"`, one line per
/// line of text, sorted by file key and line.
pub fn render_ranges(snap: &Snapshot, ranges: &[FileRange]) -> String {
    type Lines = BTreeMap<(String, usize), (FileId, Vec<Range<usize>>)>;
    let mut by_line = Lines::new();
    for r in ranges {
        let data = snap.file(r.file).expect("file of a range");
        let line = data.line_index().line_of(r.range.start);
        let end_line = data.line_index().line_of(r.range.end);
        assert_eq!(line, end_line, "multi-line range {:?}", r.range);
        by_line
            .entry((data.key.to_string(), line))
            .or_insert((r.file, Vec::new()))
            .1
            .push(r.range.clone());
    }
    let mut out = String::new();
    for ((key, line), (file, mut ranges)) in by_line {
        let data = snap.file(file).unwrap();
        let full = data.text();
        let starts = crate::syntax::lines::line_starts(&full);
        let start = starts[line];
        let text = crate::syntax::lines::line_text(&full, &starts, line);
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut rendered = String::new();
        let mut at = start;
        for r in &ranges {
            rendered.push_str(&full[at..r.start]);
            rendered.push('«');
            rendered.push_str(&full[r.start..r.end]);
            rendered.push('»');
            at = r.end;
        }
        rendered.push_str(&full[at.min(start + text.len())..start + text.len()]);
        writeln!(out, "{key}:{} {rendered}", line + 1).unwrap();
    }
    out
}

/// A range of the cursor's file, rendered like [`render_ranges`].
pub fn render_range(snap: &Snapshot, file: FileId, range: Range<usize>) -> String {
    render_ranges(snap, &[FileRange { file, range }])
}

#[test]
fn fixture_parses_files_and_cursor() {
    let f = parse(
        r#"
//- /actors.chron
actor mac$0ron "Emmanuel Macron"
//- /events.chron
2025-11-25 @macron said "Hi."
"#,
    );
    assert_eq!(f.snap.file_count(), 2);
    assert_eq!(key(&f.snap, f.file), "/actors.chron");
    let text = f.snap.file(f.file).unwrap().text().to_string();
    assert_eq!(text, "actor macron \"Emmanuel Macron\"\n");
    assert_eq!(f.offset, 9);
    assert_eq!(
        render_range(&f.snap, f.file, 6..12),
        "/actors.chron:1 actor «macron» \"Emmanuel Macron\"\n"
    );
    let events = f.snap.file_id("/events.chron").unwrap();
    assert_eq!(
        &*f.snap.file(events).unwrap().text(),
        "2025-11-25 @macron said \"Hi.\"\n"
    );

    let one = parse("actor $0a$0 \"A\"\n");
    assert_eq!(key(&one.snap, one.file), "/main.chron");
    assert_eq!(one.range, Some(6..7));
}
