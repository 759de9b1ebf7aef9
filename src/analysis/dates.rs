//! Dates of EDTF level 1 as closed intervals of days.
//!
//! Every date denotes an interval [earliest, latest] of calendar days:
//! `2025-11` is 1–30 November 2025, `2025-11-2X` is 20–29 November,
//! `2025-21` (spring) is 1 March–31 May, an open end (`..`) or an unknown
//! end (empty) is unbounded. `?` (uncertain), `~` (approximate) and `%`
//! (both) keep the bounds and are carried along so that a diagnostic can say
//! "possibly" rather than "certainly". Days are counted from 1970-01-01 in
//! the proleptic Gregorian calendar.

use std::fmt;

/// A calendar day, as days since 1970-01-01.
pub type Day = i64;

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day.
pub fn civil_from_days(z: Day) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(day: Day) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as u32
}

pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Reads a weekday name or its first three letters, any case.
pub fn parse_weekday(word: &str) -> Option<u32> {
    let w = word.trim().to_lowercase();
    if w.len() < 3 {
        return None;
    }
    WEEKDAY_NAMES
        .iter()
        .position(|name| {
            let name = name.to_lowercase();
            name == w || (w.len() == 3 && name.starts_with(&w))
        })
        .map(|i| i as u32)
}

/// Formats a day as `YYYY-MM-DD`.
pub fn format_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// How sure the writer is of a date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Qualifier {
    /// `?`
    pub uncertain: bool,
    /// `~`
    pub approximate: bool,
}

impl Qualifier {
    pub fn is_exact(self) -> bool {
        !self.uncertain && !self.approximate
    }

    pub fn or(self, other: Qualifier) -> Qualifier {
        Qualifier {
            uncertain: self.uncertain || other.uncertain,
            approximate: self.approximate || other.approximate,
        }
    }
}

/// A closed interval of days; `None` is unbounded on that side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub earliest: Option<Day>,
    pub latest: Option<Day>,
    pub qualifier: Qualifier,
}

impl Span {
    pub fn day(day: Day) -> Self {
        Span {
            earliest: Some(day),
            latest: Some(day),
            qualifier: Qualifier::default(),
        }
    }

    pub fn unbounded() -> Self {
        Span {
            earliest: None,
            latest: None,
            qualifier: Qualifier::default(),
        }
    }

    /// A single known day, if the span is exactly one.
    pub fn single_day(&self) -> Option<Day> {
        match (self.earliest, self.latest) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }

    /// Whether two spans share at least one day.
    pub fn overlaps(&self, other: &Span) -> bool {
        let starts_before_other_ends = match (self.earliest, other.latest) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        let other_starts_before_end = match (other.earliest, self.latest) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.earliest, self.latest) {
            (Some(a), Some(b)) if a == b => write!(f, "{}", format_day(a)),
            (Some(a), Some(b)) => write!(f, "{}/{}", format_day(a), format_day(b)),
            (Some(a), None) => write!(f, "{}/..", format_day(a)),
            (None, Some(b)) => write!(f, "../{}", format_day(b)),
            (None, None) => write!(f, "../.."),
        }
    }
}

/// Why a date is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not on the calendar or malformed; the message says which part.
    Invalid(String),
    /// `a/b` with `b` certainly before `a`.
    Reversed { start: Span, end: Span },
}

/// Parses one EDTF level-1 date or interval (the text of a `date` or
/// `interval` node).
pub fn parse(text: &str) -> Result<Span, DateError> {
    let text = text.trim();
    if let Some((a, b)) = text.split_once('/') {
        let start = parse_end(a)?;
        let end = parse_end(b)?;
        if let (Some(s), Some(e)) = (start.earliest, end.latest) {
            if s > e {
                return Err(DateError::Reversed { start, end });
            }
        }
        return Ok(Span {
            earliest: start.earliest,
            latest: end.latest,
            qualifier: start.qualifier.or(end.qualifier),
        });
    }
    parse_single(text)
}

fn parse_end(text: &str) -> Result<Span, DateError> {
    let t = text.trim();
    if t.is_empty() || t == ".." {
        Ok(Span::unbounded())
    } else {
        parse_single(t)
    }
}

fn invalid(msg: impl Into<String>) -> DateError {
    DateError::Invalid(msg.into())
}

/// The values a digit pattern like `2X` or `XX` can take, as a range.
fn digits_range(s: &str) -> Option<(u32, u32)> {
    if !s.chars().all(|c| c.is_ascii_digit() || c == 'X') || s.is_empty() {
        return None;
    }
    // `X` reads as 0 for the least value and 9 for the greatest; `None` when
    // a value does not fit in a `u32`.
    let value = |x: u32| {
        s.bytes().try_fold(0u32, |n, b| {
            let digit = if b == b'X' { x } else { u32::from(b - b'0') };
            n.checked_mul(10)?.checked_add(digit)
        })
    };
    Some((value(0)?, value(9)?))
}

fn parse_single(text: &str) -> Result<Span, DateError> {
    let mut t = text;
    let mut qualifier = Qualifier::default();
    if let Some(last) = t.chars().last() {
        match last {
            '?' => qualifier.uncertain = true,
            '~' => qualifier.approximate = true,
            '%' => {
                qualifier.uncertain = true;
                qualifier.approximate = true;
            }
            _ => {}
        }
        if !qualifier.is_exact() {
            t = &t[..t.len() - 1];
        }
    }
    // A time does not move the day bounds, but it must be a time.
    let t = match t.split_once('T') {
        Some((d, time)) => {
            check_time(time).map_err(|why| invalid(format!("the time of `{text}` {why}")))?;
            d
        }
        None => t,
    };
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut parts = t.split('-');
    let year = parts.next().unwrap_or("");
    let month = parts.next();
    let day = parts.next();
    if parts.next().is_some() {
        return Err(invalid(format!(
            "`{text}` has too many parts; dates are YYYY, YYYY-MM or YYYY-MM-DD"
        )));
    }
    if year.len() != 4 {
        return Err(invalid(format!(
            "the year of `{text}` must have four digits"
        )));
    }
    let Some((y_lo, y_hi)) = digits_range(year) else {
        return Err(invalid(format!("`{year}` is not a year")));
    };
    let sign = |y: u32| if negative { -(y as i64) } else { y as i64 };
    let (y_lo, y_hi) = if negative {
        (sign(y_hi), sign(y_lo))
    } else {
        (sign(y_lo), sign(y_hi))
    };
    let Some(month) = month else {
        return Ok(Span {
            earliest: Some(days_from_civil(y_lo, 1, 1)),
            latest: Some(days_from_civil(y_hi, 12, 31)),
            qualifier,
        });
    };
    if month.len() != 2 {
        return Err(invalid(format!(
            "the month of `{text}` must have two digits (`{}`)",
            pad2(month)
        )));
    }
    let Some((m_lo, m_hi)) = digits_range(month) else {
        return Err(invalid(format!("`{month}` is not a month")));
    };
    if day.is_none() && (21..=24).contains(&m_lo) && m_lo == m_hi {
        // Seasons (northern hemisphere, meteorological).
        let (start, end) = match m_lo {
            21 => (days_from_civil(y_lo, 3, 1), days_from_civil(y_hi, 5, 31)),
            22 => (days_from_civil(y_lo, 6, 1), days_from_civil(y_hi, 8, 31)),
            23 => (days_from_civil(y_lo, 9, 1), days_from_civil(y_hi, 11, 30)),
            _ => (
                days_from_civil(y_lo, 12, 1),
                days_from_civil(y_hi + 1, 3, 1) - 1,
            ),
        };
        return Ok(Span {
            earliest: Some(start),
            latest: Some(end),
            qualifier,
        });
    }
    let m_hi = m_hi.min(12);
    let m_lo = m_lo.max(1);
    if m_lo > 12 || m_lo > m_hi {
        return Err(invalid(format!(
            "`{text}` has month {month}; months run from 01 to 12 (21–24 are seasons)"
        )));
    }
    let Some(day) = day else {
        return Ok(Span {
            earliest: Some(days_from_civil(y_lo, m_lo, 1)),
            latest: Some(days_from_civil(y_hi, m_hi, days_in_month(y_hi, m_hi))),
            qualifier,
        });
    };
    if day.len() != 2 {
        return Err(invalid(format!(
            "the day of `{text}` must have two digits (`{}`)",
            pad2(day)
        )));
    }
    let Some((d_lo, d_hi)) = digits_range(day) else {
        return Err(invalid(format!("`{day}` is not a day")));
    };
    if d_hi == 0 {
        return Err(invalid(format!(
            "`{text}` has day {day}; days run from 01 to 31"
        )));
    }
    let d_lo = d_lo.max(1);
    let first_len = days_in_month(y_lo, m_lo);
    let last_len = days_in_month(y_hi, m_hi);
    let fully_known = !text.contains('X');
    if d_lo > 31 || d_lo > d_hi.max(1) {
        return Err(invalid(format!(
            "`{text}` has day {day}; days run from 01 to 31"
        )));
    }
    if fully_known && d_lo > first_len {
        return Err(invalid(format!(
            "{} has {} days; `{text}` is not on the calendar",
            month_year(y_lo, m_lo),
            first_len
        )));
    }
    if d_lo > last_len {
        return Err(invalid(format!(
            "{} has {} days; `{text}` is not on the calendar",
            month_year(y_hi, m_hi),
            last_len
        )));
    }
    let earliest = days_from_civil(y_lo, m_lo, d_lo.min(first_len));
    let latest = days_from_civil(y_hi, m_hi, d_hi.min(last_len).max(1));
    if earliest > latest {
        return Err(invalid(format!("`{text}` is not on the calendar")));
    }
    Ok(Span {
        earliest: Some(earliest),
        latest: Some(latest),
        qualifier,
    })
}

/// `HH`, `HH:MM`, `HH:MM:SS(.fff)` with an optional `Z` or `±HH(:MM)`.
fn check_time(time: &str) -> Result<(), &'static str> {
    let end = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(end);
    let parts: Vec<&str> = clock.split(':').collect();
    let num = |s: &str| -> Option<u32> {
        let int = s.split('.').next()?;
        (int.len() == 2 && int.chars().all(|c| c.is_ascii_digit())).then(|| int.parse().ok())?
    };
    let limits = [23, 59, 60];
    if parts.is_empty() || parts.len() > 3 {
        return Err("is not HH:MM or HH:MM:SS");
    }
    for (part, limit) in parts.iter().zip(limits) {
        match num(part) {
            Some(v) if v <= limit => {}
            Some(_) => return Err("is out of range (hours 00–23, minutes 00–59)"),
            None => return Err("is not HH:MM or HH:MM:SS"),
        }
    }
    if !(zone.is_empty() || zone == "Z") {
        let z = zone[1..].replace(':', "");
        let ok = (z.len() == 2 || z.len() == 4)
            && z.chars().all(|c| c.is_ascii_digit())
            && z[..2].parse::<u32>().is_ok_and(|h| h <= 14);
        if !ok {
            return Err("has an invalid time zone");
        }
    }
    Ok(())
}

fn pad2(s: &str) -> String {
    format!("{s:0>2}")
}

fn month_year(y: i64, m: u32) -> String {
    format!("{} {y}", MONTH_NAMES[(m - 1) as usize])
}

/// A relative date resolved against the date of its entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub earliest: Day,
    pub latest: Day,
}

/// Resolves `today`, `tomorrow`, `yesterday`, `tonight`, weekday names
/// (`Thursday`, `on Thursday`, `this Thursday`: the first on or after the
/// anchor; `next Thursday`: the one in the following Monday-to-Sunday week;
/// `last Thursday`: the latest strictly before the anchor) and
/// `next|last|this week|month|year` against an anchor day.
pub fn resolve_relative(text: &str, anchor: Day) -> Option<Resolved> {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let one = |d: Day| Resolved {
        earliest: d,
        latest: d,
    };
    match words.as_slice() {
        ["today"] | ["tonight"] => Some(one(anchor)),
        ["tomorrow"] => Some(one(anchor + 1)),
        ["yesterday"] => Some(one(anchor - 1)),
        [modifier, unit @ ("week" | "month" | "year")] => {
            let step: i64 = match *modifier {
                "next" => 1,
                "last" => -1,
                "this" => 0,
                _ => return None,
            };
            Some(match *unit {
                "week" => {
                    let monday = anchor - weekday(anchor) as i64 + 7 * step;
                    Resolved {
                        earliest: monday,
                        latest: monday + 6,
                    }
                }
                "month" => {
                    let (y, m, _) = civil_from_days(anchor);
                    let index = y * 12 + (m as i64 - 1) + step;
                    let (y, m) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
                    Resolved {
                        earliest: days_from_civil(y, m, 1),
                        latest: days_from_civil(y, m, days_in_month(y, m)),
                    }
                }
                _ => {
                    let (y, _, _) = civil_from_days(anchor);
                    let y = y + step;
                    Resolved {
                        earliest: days_from_civil(y, 1, 1),
                        latest: days_from_civil(y, 12, 31),
                    }
                }
            })
        }
        [name] | ["on" | "this", name] => {
            let wd = parse_weekday(name)? as i64;
            let delta = (wd - weekday(anchor) as i64).rem_euclid(7);
            Some(one(anchor + delta))
        }
        ["next", name] => {
            let wd = parse_weekday(name)? as i64;
            let next_monday = anchor - weekday(anchor) as i64 + 7;
            Some(one(next_monday + wd))
        }
        ["last", name] => {
            let wd = parse_weekday(name)? as i64;
            let mut delta = (weekday(anchor) as i64 - wd).rem_euclid(7);
            if delta == 0 {
                delta = 7;
            }
            Some(one(anchor - delta))
        }
        _ => None,
    }
}

/// `2d`, `1w`, `3m`, `1y`, `12h` as (at least, at most) days.
pub fn duration_days(text: &str) -> Option<(i64, i64)> {
    let t = text.trim();
    let unit = t.chars().last()?;
    let n: i64 = t[..t.len() - 1].parse().ok()?;
    Some(match unit {
        'h' => (n.div_euclid(24), (n + 23).div_euclid(24)),
        'd' => (n, n),
        'w' => (7 * n, 7 * n),
        'm' => (28 * n, 31 * n),
        'y' => (365 * n, 366 * n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        let (y, rest) = s.split_at(4);
        let m: u32 = rest[1..3].parse().unwrap();
        let dd: u32 = rest[4..6].parse().unwrap();
        days_from_civil(y.parse().unwrap(), m, dd)
    }

    fn span(s: &str) -> (String, String) {
        let sp = parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        (
            sp.earliest.map(format_day).unwrap_or("..".into()),
            sp.latest.map(format_day).unwrap_or("..".into()),
        )
    }

    #[test]
    fn digit_patterns_read_as_ranges() {
        assert_eq!(digits_range("2025"), Some((2025, 2025)));
        assert_eq!(digits_range("19XX"), Some((1900, 1999)));
        assert_eq!(digits_range("0X"), Some((0, 9)));
        assert_eq!(digits_range("4294967295"), Some((u32::MAX, u32::MAX)));
        assert_eq!(digits_range("4294967296"), None);
        assert_eq!(digits_range("XXXXXXXXXX"), None);
        assert_eq!(digits_range(""), None);
        assert_eq!(digits_range("2x"), None);
        assert_eq!(digits_range("+1"), None);
    }

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(format_day(d("2025-11-25")), "2025-11-25");
        assert_eq!(WEEKDAY_NAMES[weekday(d("2025-11-25")) as usize], "Tuesday");
        assert_eq!(WEEKDAY_NAMES[weekday(d("2000-02-29")) as usize], "Tuesday");
        for day in -800_000..800_000i64 {
            if day % 997 == 0 {
                let (y, m, dd) = civil_from_days(day);
                assert_eq!(days_from_civil(y, m, dd), day);
            }
        }
    }

    #[test]
    fn every_form_denotes_an_interval_of_days() {
        let cases = [
            ("2025", ("2025-01-01", "2025-12-31")),
            ("2025-11", ("2025-11-01", "2025-11-30")),
            ("2025-02", ("2025-02-01", "2025-02-28")),
            ("2024-02", ("2024-02-01", "2024-02-29")),
            ("2025-11-25", ("2025-11-25", "2025-11-25")),
            ("2025-11-2X", ("2025-11-20", "2025-11-29")),
            ("2025-11-3X", ("2025-11-30", "2025-11-30")),
            ("2025-02-XX", ("2025-02-01", "2025-02-28")),
            ("2025-XX", ("2025-01-01", "2025-12-31")),
            ("2025-1X", ("2025-10-01", "2025-12-31")),
            ("202X", ("2020-01-01", "2029-12-31")),
            ("2025-21", ("2025-03-01", "2025-05-31")),
            ("2025-24", ("2025-12-01", "2026-02-28")),
            ("2023-24", ("2023-12-01", "2024-02-29")),
            ("2025-11-25T14:00Z", ("2025-11-25", "2025-11-25")),
            ("2025-11-25?", ("2025-11-25", "2025-11-25")),
            ("2025-11-25/2025-11-27", ("2025-11-25", "2025-11-27")),
            ("2025-11/..", ("2025-11-01", "..")),
            ("../2025", ("..", "2025-12-31")),
            ("2025-11-25/", ("2025-11-25", "..")),
        ];
        for (text, (a, b)) in cases {
            assert_eq!(span(text), (a.to_string(), b.to_string()), "{text}");
        }
        let q = parse("2025-11-25%").unwrap().qualifier;
        assert!(q.uncertain && q.approximate);
        assert!(parse("2025-11~").unwrap().qualifier.approximate);
    }

    #[test]
    fn impossible_dates_are_errors_with_reasons() {
        for (text, needle) in [
            ("2025-02-29", "February 2025 has 28 days"),
            ("2024-02-30", "February 2024 has 29 days"),
            ("2025-11-31", "November 2025 has 30 days"),
            ("2025-13", "months run from 01 to 12"),
            ("2025-00-10", "months run from 01 to 12"),
            ("2025-11-3", "must have two digits (`03`)"),
            ("2025-1-03", "must have two digits (`01`)"),
            ("2025-11-32", "days run from 01 to 31"),
            ("2025-11-00", "days run from 01 to 31"),
            ("2025-02-3X", "February 2025 has 28 days"),
            ("2025-11-25T24:30", "out of range"),
            ("2025-11-25T14:61Z", "out of range"),
            ("2025-11-25T14:00+25:00", "time zone"),
        ] {
            match parse(text) {
                Err(DateError::Invalid(msg)) => assert!(msg.contains(needle), "{text}: {msg}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(parse("2024-02-29").is_ok());
        assert!(parse("2000-02-29").is_ok());
        assert!(parse("1900-02-29").is_err());
        assert!(matches!(
            parse("2025-11-27/2025-11-25"),
            Err(DateError::Reversed { .. })
        ));
        // Overlapping partial ends are not reversed.
        assert!(parse("2025-11/2025-11-05").is_ok());
    }

    #[test]
    fn partial_dates_overlap_their_days() {
        let month = parse("2025-11").unwrap();
        assert!(month.overlaps(&parse("2025-11-26").unwrap()));
        assert!(!month.overlaps(&parse("2025-12-01").unwrap()));
        assert!(parse("2025-11-2X")
            .unwrap()
            .overlaps(&parse("2025-11-29").unwrap()));
    }

    #[test]
    fn relative_dates_resolve_against_the_anchor() {
        let tue = d("2025-11-25");
        let r = |s: &str| {
            let r = resolve_relative(s, tue).unwrap();
            (format_day(r.earliest), format_day(r.latest))
        };
        let one = |s: &str| (s.to_string(), s.to_string());
        assert_eq!(r("tomorrow"), one("2025-11-26"));
        assert_eq!(r("yesterday"), one("2025-11-24"));
        assert_eq!(r("Today"), one("2025-11-25"));
        assert_eq!(r("on Thursday"), one("2025-11-27"));
        assert_eq!(r("tuesday"), one("2025-11-25"));
        assert_eq!(r("next Thursday"), one("2025-12-04"));
        assert_eq!(r("last Tuesday"), one("2025-11-18"));
        assert_eq!(r("last Friday"), one("2025-11-21"));
        assert_eq!(r("next week"), ("2025-12-01".into(), "2025-12-07".into()));
        assert_eq!(r("this week"), ("2025-11-24".into(), "2025-11-30".into()));
        assert_eq!(r("next month"), ("2025-12-01".into(), "2025-12-31".into()));
        assert_eq!(r("last year"), ("2024-01-01".into(), "2024-12-31".into()));
        assert_eq!(resolve_relative("someday", tue), None);
        assert_eq!(duration_days("2d"), Some((2, 2)));
        assert_eq!(duration_days("1w"), Some((7, 7)));
        assert_eq!(duration_days("1m"), Some((28, 31)));
    }

    #[test]
    fn weekday_names() {
        assert_eq!(parse_weekday("Wed"), Some(2));
        assert_eq!(parse_weekday("wednesday"), Some(2));
        assert_eq!(parse_weekday("We"), None);
        assert_eq!(parse_weekday("Wedn"), None);
    }
}
