//! Find references: every `@id` of an ID across the workspace — in entry
//! headers, field values, event titles, headings and prose — and,
//! optionally, its definitions.

use std::ops::Range;

use super::index::FileIndex;
use super::{id_at, FileRange};
use crate::analysis::summary::{RefRole, Sym};
use std::sync::Arc;

use crate::analysis::{FileData, FileId, Snapshot};

/// One place where an ID occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub file: FileId,
    /// The ID only, without the `@`.
    pub range: Range<usize>,
    /// A definition (true) or a reference (false).
    pub is_definition: bool,
    /// A reference in a prose line or a heading, rather than in an entry.
    pub in_prose: bool,
}

/// The references of the ID under the cursor (on a reference or on a
/// definition), with the definitions when `include_declaration` is set;
/// sorted by file and position. Empty when the cursor is on no ID.
pub fn find_references(
    snap: &Snapshot,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<FileRange> {
    references_by_file(snap, file, offset, include_declaration)
        .into_iter()
        .flat_map(|(data, found)| {
            found.into_iter().map(|o| FileRange {
                file: data.id,
                range: o.range,
            })
        })
        .collect()
}

/// [`find_references`] grouped by file: each file with its occurrences, in
/// the order of [`occurrences_by_file`].
pub fn references_by_file(
    snap: &Snapshot,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<(&Arc<FileData>, Vec<Occurrence>)> {
    references_by_file_then(snap, file, offset, include_declaration, |found| found)
        .into_iter()
        .flatten()
        .collect()
}

/// [`references_by_file`], with `then` run on each part of the files as
/// soon as that part is read, on the thread that read it
/// ([`occurrences_by_file_then`]). The parts come in file order.
pub fn references_by_file_then<'s, R: Send>(
    snap: &'s Snapshot,
    file: FileId,
    offset: usize,
    include_declaration: bool,
    then: impl Fn(Vec<(&'s Arc<FileData>, Vec<Occurrence>)>) -> R + Sync,
) -> Vec<R> {
    let Some(data) = snap.file(file) else {
        return Vec::new();
    };
    let Some(target) = id_at(data, offset) else {
        return Vec::new();
    };
    occurrences_by_file_then(snap, &target.id, include_declaration, then)
}

/// Every occurrence of an ID, sorted by file and position.
pub fn occurrences(snap: &Snapshot, id: &str, include_declaration: bool) -> Vec<Occurrence> {
    occurrences_by_file(snap, id, include_declaration)
        .into_iter()
        .flat_map(|(_, found)| found)
        .collect()
}

/// Every occurrence of an ID, by file: files in [`FileId`] order, each
/// file's occurrences by position.
pub fn occurrences_by_file<'s>(
    snap: &'s Snapshot,
    id: &str,
    include_declaration: bool,
) -> Vec<(&'s Arc<FileData>, Vec<Occurrence>)> {
    occurrences_by_file_then(snap, id, include_declaration, |found| found)
        .into_iter()
        .flatten()
        .collect()
}

/// What a file costs a request beyond its occurrences, in occurrences:
/// reaching its data means following a dozen pointers to as many pages
/// (≈2–3 µs with writing its locations) where one more occurrence costs
/// ≈50–70 ns. Weighing files
/// by their occurrences alone split the large preset's busiest actor into
/// 62 files (10,068 occurrences) and 904 files (1,232): the second half
/// took four times as long as the first.
const FILE_WEIGHT: usize = 40;

/// [`occurrences_by_file`] in parts, with `then` run on each part on the
/// thread that read it ([`halves`]), so that a request's later work on a
/// file (writing its locations) finds its data still in that core's cache.
/// Only the files the workspace index lists as referring to the ID (or
/// defining it) are read, each once, and in each only the references to
/// the ID ([`FileIndex::references_to`]).
pub fn occurrences_by_file_then<'s, R: Send>(
    snap: &'s Snapshot,
    id: &str,
    include_declaration: bool,
    then: impl Fn(Vec<(&'s Arc<FileData>, Vec<Occurrence>)>) -> R + Sync,
) -> Vec<R> {
    // `referring_files` is sorted by file. A string never interned is
    // referred to by nothing; its definitions are still looked for.
    let handle = Sym::find(id);
    let mut files = match handle {
        Some(_) => snap.referring_files(id),
        None => Vec::new(),
    };
    // The definitions, by file and position; their files join the list
    // (with no references of their own to read when they refer to nothing).
    let mut defs: Vec<Occurrence> = Vec::new();
    if include_declaration {
        for loc in snap.definitions(id) {
            if let Some((data, d)) = snap.definition(loc) {
                defs.push(Occurrence {
                    file: data.id,
                    range: d.range.clone(),
                    is_definition: true,
                    in_prose: false,
                });
            }
        }
        defs.sort_by_key(|o| (o.file, o.range.start));
        for o in &defs {
            if let Err(at) = files.binary_search_by_key(&o.file, |&(f, _)| f) {
                files.insert(at, (o.file, 0));
            }
        }
    }
    let find = |files: &[(FileId, u32)]| -> R {
        // In passes, each over every file: the loads of one pass do not
        // wait on each other, so the memory system overlaps them (a file
        // at a time chained a dozen cache misses per file).
        let datas: Vec<&Arc<FileData>> = files
            .iter()
            .filter_map(|&(file, _)| snap.file(file))
            .collect();
        let runs: Vec<&[u32]> = datas
            .iter()
            .map(|data| handle.map_or(&[][..], |h| FileIndex::references_to_sym(data, h)))
            .collect();
        let mut out = Vec::with_capacity(files.len());
        for (data, run) in datas.into_iter().zip(runs) {
            let file = data.id;
            let refs = &data.summary.references;
            let mut found: Vec<Occurrence> = run
                .iter()
                .map(|&i| &refs[i as usize])
                .map(|r| Occurrence {
                    file,
                    range: r.range(),
                    is_definition: false,
                    in_prose: matches!(r.role(), RefRole::Prose | RefRole::Heading),
                })
                .collect();
            let first = defs.partition_point(|o| o.file < file);
            for d in defs[first..].iter().take_while(|o| o.file == file) {
                let at = found.partition_point(|o| o.range.start < d.range.start);
                found.insert(at, d.clone());
            }
            out.push((data, found));
        }
        then(out)
    };
    halves(
        &files,
        |&(_, count)| count as usize + FILE_WEIGHT,
        |part| vec![find(part)],
    )
}

/// Runs `work` on the two halves of `items` by `weight` (for files, what
/// reading one costs: [`FILE_WEIGHT`] plus its occurrences), the second on
/// a thread of its own when there are many items, and joins the results in
/// order.
/// Reading a thousand files' data is a matter of memory latency, which two
/// cores overlap. A scoped thread rather than the rayon pool: a request
/// must not wait behind the pool's work (tried: 4-18 ms instead of
/// 3.3-5.5); a pool of its own kept between requests measured the same as
/// the spawned thread.
pub fn halves<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    work: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    const MANY: usize = 128;
    if items.len() < MANY {
        return work(items);
    }
    let total: usize = items.iter().map(&weight).sum();
    let mut seen = 0;
    let at = items
        .iter()
        .position(|item| {
            seen += weight(item);
            seen * 2 >= total
        })
        .map_or(items.len(), |i| i + 1);
    let (a, b) = items.split_at(at);
    let (mut first, second) = std::thread::scope(|s| {
        let second = s.spawn(|| work(b));
        let first = work(a);
        (first, second.join())
    });
    match second {
        Ok(second) => {
            first.extend(second);
            first
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{parse, render_ranges};
    use super::*;

    #[track_caller]
    fn check_references(fixture: &str, include_declaration: bool, expect: &str) {
        let f = parse(fixture);
        let found = find_references(&f.snap, f.file, f.offset, include_declaration);
        assert_eq!(render_ranges(&f.snap, &found), expect);
    }

    const WS: &str = r#"
//- /actors.chron
# Cast with @macron
actor mac$0ron "Emmanuel Macron"
  role: president of @france
actor france "France"
  members: @macron
//- /events.chron
2025-11-25 event call: Call with @macron
  who: @macron, @france
2025-11-25 @macron said "Hello."
2025-11-25 @macron claims @macron.mood = good
Prose: @macron's aides and @macron.
//- /other.chron
actor us "United States"
"#;

    #[test]
    fn from_a_definition_with_and_without_declaration() {
        check_references(
            WS,
            true,
            "\
/actors.chron:1 # Cast with @«macron»
/actors.chron:2 actor «macron» \"Emmanuel Macron\"
/actors.chron:5   members: @«macron»
/events.chron:1 2025-11-25 event call: Call with @«macron»
/events.chron:2   who: @«macron», @france
/events.chron:3 2025-11-25 @«macron» said \"Hello.\"
/events.chron:4 2025-11-25 @«macron» claims @«macron».mood = good
/events.chron:5 Prose: @«macron»'s aides and @«macron».
",
        );
        let without = "\
/actors.chron:1 # Cast with @«macron»
/actors.chron:5   members: @«macron»
/events.chron:1 2025-11-25 event call: Call with @«macron»
/events.chron:2   who: @«macron», @france
/events.chron:3 2025-11-25 @«macron» said \"Hello.\"
/events.chron:4 2025-11-25 @«macron» claims @«macron».mood = good
/events.chron:5 Prose: @«macron»'s aides and @«macron».
";
        check_references(WS, false, without);
        // The same from a reference in prose, at the end of the ID.
        let from_prose = WS
            .replace("mac$0ron", "macron")
            .replace("aides and @macron.", "aides and @macron$0.");
        check_references(&from_prose, false, without);
    }

    #[test]
    fn only_referring_files_are_read() {
        let f = parse(WS);
        let occ = occurrences(&f.snap, "macron", true);
        assert_eq!(occ.iter().filter(|o| o.is_definition).count(), 1);
        assert_eq!(occ.iter().filter(|o| o.in_prose).count(), 3);
        let other = f.snap.file_id("/other.chron").unwrap();
        assert!(occ.iter().all(|o| o.file != other));
    }

    #[test]
    fn undefined_reference_finds_its_siblings() {
        check_references(
            "2025-11-01 @ghost said \"Boo.\"\nProse about @gho$0st.\n",
            true,
            "/main.chron:1 2025-11-01 @«ghost» said \"Boo.\"\n/main.chron:2 Prose about @«ghost».\n",
        );
    }

    #[test]
    fn duplicate_definitions_are_all_declarations() {
        check_references(
            "topic t \"T\"\ntopic t$0 \"T again\"\nProse @t.\n",
            true,
            "/main.chron:1 topic «t» \"T\"\n/main.chron:2 topic «t» \"T again\"\n/main.chron:3 Prose @«t».\n",
        );
    }

    #[test]
    fn non_ascii_and_nothing() {
        check_references(
            "actor türkiye \"Türkiye\"\nProse @tür$0kiye, @türkiye-x.\n",
            true,
            "/main.chron:1 actor «türkiye» \"Türkiye\"\n/main.chron:2 Prose @«türkiye», @türkiye-x.\n",
        );
        check_references("actor a \"A\"\nJust prose$0.\n", true, "");
        check_references("$0", true, "");
    }

    #[test]
    fn halves_keep_every_item_in_order() {
        for n in [0, 1, 127, 128, 129, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let out = halves(&items, |_| 1, |part| part.iter().map(|i| i * 2).collect());
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>(), "{n}");
            // One heavy item: the halves are uneven, the result the same.
            let out = halves(
                &items,
                |&i| if i == 3 { 1000 } else { 1 },
                |part| part.iter().map(|i| i * 2).collect(),
            );
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>(), "{n}");
        }
    }

    /// With more referring files than [`halves`] reads on one thread, the
    /// occurrences are those of each file read alone, in file order.
    #[test]
    fn many_referring_files_are_read_in_two_halves_and_in_order() {
        let mut files = vec![("/cast.chron".to_string(), Arc::from("actor x \"X\"\n"))];
        for i in 0..300 {
            files.push((
                format!("/notes-{i:03}.chron"),
                Arc::from(format!("Prose about @x.\n{}@x again.\n", " ".repeat(i % 7)).as_str()),
            ));
        }
        let ws = crate::analysis::workspace_of(crate::analysis::prepare_all(files));
        let snap = ws.snapshot();
        let found = occurrences_by_file(&snap, "x", true);
        assert_eq!(found.len(), 301);
        let ids: Vec<FileId> = found.iter().map(|(d, _)| d.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        for (data, group) in &found {
            let expect: Vec<Range<usize>> = if &*data.key == "/cast.chron" {
                std::iter::once(6..7).collect()
            } else {
                data.summary.references.iter().map(|r| r.range()).collect()
            };
            assert_eq!(
                group.iter().map(|o| o.range.clone()).collect::<Vec<_>>(),
                expect
            );
        }
    }
}
