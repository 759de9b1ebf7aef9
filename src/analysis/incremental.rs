//! Keeping what is known about the workspace across an edit of one file, so
//! that a keystroke costs in proportion to what it changed:
//!
//! - the file's reference diagnostics: those of elements outside the
//!   spliced region are moved, only the region's elements (and elements
//!   whose ID changed in the index) are checked again;
//! - the workspace-wide results (temporal network, claims): when every
//!   entry of the region reads exactly as before, nothing they depend on
//!   changed but positions, so the previous results are moved
//!   ([`PositionMap`]) instead of being computed again.

use std::ops::Range;
use std::sync::Arc;

use super::splice::Splice;
use super::summary::FileSummary;
use super::{Code, Diagnostic, FileId};

/// Where an offset of a file's old text is in its new text, after a splice
/// whose entries read exactly as before. Exact for every offset inside an
/// entry and outside the region; other offsets in the region are clamped.
#[derive(Clone, Debug)]
pub struct PositionMap {
    old: Range<usize>,
    new: Range<usize>,
    /// Each entry of the region: its old range and how far it moved.
    pieces: Vec<(Range<usize>, isize)>,
}

impl PositionMap {
    /// The map of a splice, if every entry of its region is unchanged.
    pub fn of_unchanged_entries(
        old: &FileSummary,
        old_text: &str,
        new: &FileSummary,
        new_text: &str,
        splice: &Splice,
    ) -> Option<PositionMap> {
        let (cut, count) = &splice.entries;
        if cut.len() != *count {
            return None;
        }
        let added = new.entries.get(cut.start..cut.start + count)?;
        let mut pieces = Vec::with_capacity(*count);
        for (a, b) in old.entries[cut.clone()].iter().zip(added) {
            if a.kind != b.kind
                || old_text.get(a.range.range())? != new_text.get(b.range.range())?
            {
                return None;
            }
            pieces.push((
                a.range.range(),
                b.range.start as isize - a.range.start as isize,
            ));
        }
        Some(PositionMap {
            old: splice.old.clone(),
            new: splice.new.clone(),
            pieces,
        })
    }

    fn delta(&self) -> isize {
        self.new.end as isize - self.old.end as isize
    }

    pub fn map(&self, x: usize) -> usize {
        if x < self.old.start {
            return x;
        }
        if x >= self.old.end {
            return (x as isize + self.delta()) as usize;
        }
        for (r, d) in &self.pieces {
            if r.start <= x && x <= r.end {
                return (x as isize + d) as usize;
            }
        }
        x.clamp(self.new.start, self.new.end)
    }

    pub fn map_range(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.map(r.start);
        start..self.map(r.end).max(start)
    }

    /// Moves every range of `file` in a diagnostic (its own range when it
    /// is in `file`, and its related information).
    pub fn move_diagnostic(&self, d: &mut Diagnostic, in_file: bool, file: FileId) {
        if in_file {
            d.range = self.map_range(&d.range);
        }
        for r in &mut d.related {
            if r.file == file {
                r.range = self.map_range(&r.range);
            }
        }
    }
}

/// The splice narrowed to the entries that changed: entries at the edges of
/// the region that read as before and sit where they sat (before the edit)
/// or moved by the edit's delta (after it) are left out, so that their
/// checks and links count as outside the region.
pub fn narrow(
    old: &FileSummary,
    old_text: &str,
    new: &FileSummary,
    new_text: &str,
    sp: &Splice,
) -> Splice {
    let (cut, count) = &sp.entries;
    let olds = &old.entries[cut.clone()];
    let news = new
        .entries
        .get(cut.start..cut.start + count)
        .unwrap_or_default();
    let same = |a: &super::summary::EntryInfo, b: &super::summary::EntryInfo, shift: isize| {
        a.kind == b.kind
            && b.range.start as isize == a.range.start as isize + shift
            && old_text.get(a.range.range()) == new_text.get(b.range.range())
    };
    let mut p = 0;
    while p < olds.len() && p < news.len() && same(&olds[p], &news[p], 0) {
        p += 1;
    }
    let delta = sp.delta();
    let mut q = 0;
    while q < olds.len() - p
        && q < news.len() - p
        && same(&olds[olds.len() - 1 - q], &news[news.len() - 1 - q], delta)
    {
        q += 1;
    }
    let old_lo = if p > 0 {
        olds[p - 1].range.end()
    } else {
        sp.old.start
    };
    let new_lo = if p > 0 {
        news[p - 1].range.end()
    } else {
        sp.new.start
    };
    let old_hi = if q > 0 {
        olds[olds.len() - q].range.start()
    } else {
        sp.old.end
    };
    let new_hi = if q > 0 {
        news[news.len() - q].range.start()
    } else {
        sp.new.end
    };
    Splice {
        old: old_lo..old_hi.max(old_lo),
        new: new_lo..new_hi.max(new_lo),
        entries: (cut.start + p..cut.end - q, count - p - q),
        references: sp.references.clone(),
        definitions: sp.definitions.clone(),
    }
}

/// What the previous version of a file knew of its reference diagnostics,
/// and how to bring it to the new version.
#[derive(Clone, Debug)]
pub struct ReferenceBase {
    /// The snapshot epoch `previous` was computed at.
    pub epoch: u64,
    pub previous: Arc<Vec<Diagnostic>>,
    pub splice: Splice,
    /// IDs whose references came or went with this edit (a base is made
    /// only for edits that keep every definition): their definitions
    /// outside the region are checked again, as whether they are used may
    /// have changed. References are checked against definitions only, so
    /// those outside the region keep their diagnostics.
    pub changed: Vec<Arc<str>>,
}

impl ReferenceBase {
    /// The previous diagnostics of elements outside the region, moved; or
    /// `None` when one of them points into the region (it must be checked
    /// again, and which element it belongs to is not known here).
    pub fn kept(&self, file: FileId) -> Option<Vec<Diagnostic>> {
        let s = &self.splice;
        let mut out = Vec::with_capacity(self.previous.len());
        for d in self.previous.iter() {
            if s.anchored(&d.range) {
                continue;
            }
            let mut d = d.clone();
            d.range = s.shift(&d.range)?;
            for r in &mut d.related {
                if r.file == file {
                    r.range = s.shift(&r.range)?;
                }
            }
            out.push(d);
        }
        Some(out)
    }
}

/// Codes the reference checks give for one reference or definition (the
/// ones replaced when that element is checked again).
pub fn is_element_code(code: Code) -> bool {
    matches!(
        code,
        Code::UndefinedReference | Code::WrongKind | Code::DuplicateId | Code::UnusedDefinition
    )
}

#[cfg(test)]
mod tests {
    use super::super::splice;
    use super::super::splice::tests::{floor, type_into};
    use super::super::{file_diagnostics, prepare, workspace_of, Workspace};
    use crate::syntax;
    use proptest::prelude::*;
    use std::sync::Arc;

    const A: &str = "\
actor macron \"Emmanuel Macron\"
  aka: \"Macron\"

2025-11-25 event call: Meeting with @macron
  after: @talks + 1d
Prose mentions Macron and @uk.

2025-11-27 @uk claims @plan.points = 20
# Events
2025-11-26 event talks: Talks
  before: @call
Some prose @macron here.
";
    const B: &str = "\
actor uk \"United Kingdom\"
topic plan \"Plan\"
2025-11-27 @macron claims @plan.points = 21
2025-11-20 event other: Other
  after: @call
";
    const SNIPPETS: &[&str] = &[
        "e",
        "\n",
        "@",
        "@uk",
        "Macron ",
        "2025-11-2",
        "1",
        "  after: @call\n",
        "2025-11-28 @uk claims @plan.points = 3\n",
        "actor zed \"Zed\"\n",
        "",
    ];

    /// Every diagnostic of both files, after edits applied the way the
    /// server applies them, equals what a fresh workspace of the same texts
    /// reports.
    fn check(edits: &[(usize, usize, usize)]) -> Result<(), TestCaseError> {
        check_from(A, edits)
    }

    fn check_from(start: &str, edits: &[(usize, usize, usize)]) -> Result<(), TestCaseError> {
        let mut ws: Workspace = workspace_of(vec![
            prepare("a".into(), Arc::from(start)),
            prepare("b".into(), Arc::from(B)),
        ]);
        let mut parser = syntax::parser();
        let mut text = start.to_string();
        let mut tree = syntax::parse(&text);
        for (i, &(at, len, snippet)) in edits.iter().enumerate() {
            // What the publisher computes for every version.
            let snap = ws.snapshot();
            let (a, b) = (snap.file_id("a").unwrap(), snap.file_id("b").unwrap());
            let _ = (file_diagnostics(&snap, a), file_diagnostics(&snap, b));

            let start = floor(&text, at % (text.len() + 1));
            let end = floor(&text, start + len);
            let with = SNIPPETS[snippet % SNIPPETS.len()];
            let edit = type_into(&mut parser, &mut text, &mut tree, start..end, with);
            let old_summary = snap.file(a).unwrap().summary.clone();
            let (summary, sp) = match splice::update(&old_summary, &tree, &text, edit) {
                Some((s, sp)) => (s, Some(sp)),
                None => (super::super::FileSummary::new(&tree, &text), None),
            };
            ws.set_file_edited(
                "a",
                Arc::<str>::from(text.as_str()).into(),
                Some(tree.clone()),
                Arc::new(summary),
                Some(i as i32 + 2),
                sp.as_ref(),
            );
            let snap = ws.snapshot();
            prop_assert_eq!(
                snap.file(a).unwrap().line_index(),
                &crate::syntax::lines::LineIndex::new(&text)
            );
            // Claims carried over from the previous version read as fresh.
            let f = snap.file(a).unwrap();
            if let Some(kept) = f.claims.get() {
                let fresh = super::super::claims::claims_of(&snap, f);
                prop_assert_eq!(format!("{kept:?}"), format!("{fresh:?}"));
            }
            let _ = super::super::claims::cached_claims_of(&snap, f);
            let fresh = workspace_of(vec![
                prepare("a".into(), Arc::from(text.as_str())),
                prepare("b".into(), Arc::from(B)),
            ])
            .snapshot();
            for key in ["a", "b"] {
                let got = file_diagnostics(&snap, snap.file_id(key).unwrap());
                let want = file_diagnostics(&fresh, fresh.file_id(key).unwrap());
                // Syntax messages may name what an earlier parse expected
                // (see splice tests); codes and ranges must match.
                let strip = |v: Vec<super::Diagnostic>| -> Vec<_> {
                    v.into_iter()
                        .map(|mut d| {
                            if d.code.is_syntax() {
                                d.message.clear();
                            }
                            d
                        })
                        .collect()
                };
                // Another file's related locations in the edited file are
                // refreshed when that file is checked again, not per edit.
                let strip_related = |v: Vec<super::Diagnostic>| -> Vec<_> {
                    v.into_iter()
                        .map(|mut d| {
                            if key == "b" {
                                for r in &mut d.related {
                                    r.range = 0..0;
                                }
                            }
                            d
                        })
                        .collect()
                };
                prop_assert_eq!(
                    strip_related(strip(got)),
                    strip_related(strip(want)),
                    "file {} after edit {} in:\n{}",
                    key,
                    i,
                    text
                );
            }
        }
        Ok(())
    }

    /// The publisher may still be reading an older snapshot when a newer
    /// one exists: what it caches there must not reach the newer one.
    #[test]
    fn a_cache_filled_from_an_older_snapshot_does_not_leak() {
        let mut ws = workspace_of(vec![prepare("b".into(), Arc::from(B))]);
        let old = ws.snapshot();
        let p = prepare("a".into(), Arc::from(A));
        ws.set_file(&p.key, p.text, p.tree, p.summary, None);
        let new = ws.snapshot();
        let b = old.file_id("b").unwrap();
        let unused = |snap: &super::super::Snapshot| {
            file_diagnostics(snap, b)
                .iter()
                .filter(|d| d.code == super::Code::UnusedDefinition)
                .count()
        };
        // `uk` is used only by a.
        assert_eq!(unused(&old), 1);
        assert_eq!(unused(&new), 0);
    }

    /// Typing in prose moves the workspace-wide results; adding a claim
    /// redoes only its region; adding an event rebuilds the network.
    #[test]
    fn edits_take_the_cheapest_correct_path() {
        let mut ws: Workspace = workspace_of(vec![
            prepare("a".into(), Arc::from(A)),
            prepare("b".into(), Arc::from(B)),
        ]);
        let mut text = A.to_string();
        let mut tree = syntax::parse(&text);
        let mut parser = syntax::parser();
        let mut type_at = |ws: &mut Workspace, at: usize, with: &str| {
            let snap = ws.snapshot();
            let a = snap.file_id("a").unwrap();
            let _ = file_diagnostics(&snap, a);
            let old = snap.file(a).unwrap().summary.clone();
            let edit = type_into(&mut parser, &mut text, &mut tree, at..at, with);
            let (summary, sp) = splice::update(&old, &tree, &text, edit).expect("spliced");
            ws.set_file_edited(
                "a",
                Arc::<str>::from(text.as_str()).into(),
                Some(tree.clone()),
                Arc::new(summary),
                None,
                Some(&sp),
            );
            ws.snapshot().temporal().how
        };
        let prose = A.find("Prose mentions").unwrap() + 5;
        assert_eq!(type_at(&mut ws, prose, "e"), "moved");
        assert_eq!(
            type_at(
                &mut ws,
                A.len() + 1,
                "2025-11-29 @uk claims @plan.points = 5\n"
            ),
            "region"
        );
        let end = ws.snapshot().file(0).unwrap().text_len();
        assert_eq!(
            type_at(&mut ws, end, "2025-11-30 event late: Late\n"),
            "full"
        );
        // A claim right under that event: the event is in the spliced
        // region but reads as before, so only the claim is checked.
        let end = ws.snapshot().file(0).unwrap().text_len();
        assert_eq!(
            type_at(&mut ws, end, "2025-11-30 @uk claims @plan.points = 6\n"),
            "region"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]
        #[test]
        fn incremental_diagnostics_equal_fresh_ones_with_crlf(
            edits in prop::collection::vec((0usize..600, 0usize..6, 0usize..100), 1..12)
        ) {
            check_from(&A.replace('\n', "\r\n"), &edits)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn incremental_diagnostics_equal_fresh_ones(
            edits in prop::collection::vec((0usize..600, 0usize..6, 0usize..100), 1..12)
        ) {
            check(&edits)?;
        }
    }
}
