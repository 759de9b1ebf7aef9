//! Properties of the temporal network on generated timelines.
//!
//! A timeline of dated events (days, months, uncertain and approximate dates)
//! linked by `after:` in order is always consistent. Reversing one `after:`
//! (the later event becomes the one that is "after") contradicts the dates
//! exactly when the two dates cannot overlap, and then yields exactly one
//! diagnostic whose related information is the rest of the cycle: the two
//! events' dates.

use std::fmt::Write;
use std::sync::Arc;

use chronicle::analysis::{self, dates, Code, Severity};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Event {
    day: i64,
    /// 0 = day, 1 = month, 2 = day with `?`, 3 = day with `~`.
    form: u8,
}

fn date_text(e: &Event) -> String {
    let (y, m, d) = dates::civil_from_days(e.day);
    match e.form {
        1 => format!("{y:04}-{m:02}"),
        2 => format!("{y:04}-{m:02}-{d:02}?"),
        3 => format!("{y:04}-{m:02}-{d:02}~"),
        _ => format!("{y:04}-{m:02}-{d:02}"),
    }
}

fn timeline() -> impl Strategy<Value = Vec<Event>> {
    (
        prop::collection::vec((0i64..20, 0u8..4), 2..14),
        19_000i64..21_000,
    )
        .prop_map(|(steps, start)| {
            let mut day = start;
            steps
                .into_iter()
                .map(|(step, form)| {
                    day += step;
                    Event { day, form }
                })
                .collect()
        })
}

fn notes(events: &[Event], reversed: Option<usize>) -> String {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        writeln!(out, "{} event e{i}: Event {i}", date_text(e)).unwrap();
        if i > 0 && reversed != Some(i) {
            writeln!(out, "  after: @e{}", i - 1).unwrap();
        }
        if reversed == Some(i + 1) {
            writeln!(out, "  after: @e{}", i + 1).unwrap();
        }
    }
    out
}

fn diagnostics(text: &str) -> Vec<analysis::Diagnostic> {
    let ws = analysis::workspace_of(vec![analysis::prepare("t.chron".into(), Arc::from(text))]);
    let snap = ws.snapshot();
    analysis::file_diagnostics(&snap, snap.file_id("t.chron").unwrap())
}

fn span(e: &Event) -> dates::Span {
    dates::parse(&date_text(e)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_real_timeline_is_consistent(events in timeline()) {
        let text = notes(&events, None);
        let ds = diagnostics(&text);
        prop_assert!(ds.is_empty(), "{text}\n{ds:#?}");
    }

    #[test]
    fn reversing_one_after_gives_one_explained_conflict(events in timeline(), pick in 1usize..14) {
        let k = 1 + pick % (events.len() - 1);
        let text = notes(&events, Some(k));
        let ds = diagnostics(&text);
        let (earlier, later) = (span(&events[k - 1]), span(&events[k]));
        // e(k-1) is now after e(k): impossible iff e(k-1) surely ends
        // before e(k) begins.
        let impossible = earlier.latest.unwrap() < later.earliest.unwrap();
        if !impossible {
            prop_assert!(ds.is_empty(), "{text}\n{ds:#?}");
        } else {
            prop_assert_eq!(ds.len(), 1, "{}\n{:#?}", text, ds);
            let d = &ds[0];
            prop_assert_eq!(d.code, Code::TemporalConflict);
            let closing = &text[d.range.clone()];
            prop_assert_eq!(closing, format!("@e{k}"));
            let related: Vec<_> = d.related.iter().map(|r| r.message.clone()).collect();
            prop_assert_eq!(related.len(), 2, "{:?}", related);
            let earlier_date = format!("`e{}` is ", k - 1);
            let later_date = format!("`e{k}` is ");
            prop_assert!(related.iter().any(|r| r.starts_with(&earlier_date)), "{:?}", related);
            prop_assert!(related.iter().any(|r| r.starts_with(&later_date)), "{:?}", related);
            let uncertain = events[k - 1].form >= 2 || events[k].form >= 2;
            let expected = if uncertain { Severity::Warning } else { Severity::Error };
            prop_assert_eq!(d.severity, expected);
        }
    }
}
