//! A deterministic, seeded generator of realistic Chronicle notes, for
//! benchmarks and load tests.
//!
//! The generator works in two steps. [`build`] makes a [`Workspace`]: plain
//! structs for the actors, sources, topics, events, statements and claims of
//! an invented story, each assigned to a file, plus the list of [`Conflict`]s
//! planted on purpose. [`render`] turns that model into `*.chron` text, adding
//! what only exists on the page: headings, prose paragraphs with `@mentions`,
//! comments and blank lines. [`generate`] does both. Everything is driven by
//! one seed through a small splitmix64 generator ([`Rng`]), so the same
//! [`Spec`] always gives byte-identical files.
//!
//! # Layout
//!
//! A workspace with more than one file has `actors/actors-NNN.chron` files
//! (actors, then sources and topics, in `##` sections) apart from note files
//! `notes/YYYY/MM/YYYY-MM-DD-<event>.chron`. Note files cover consecutive
//! stretches of the timeline (events are sorted by date and cut into files of
//! varying size), so `after:`/`before:` constraints between neighbouring
//! events cross file boundaries. With `files == 1` the single file holds
//! everything, actors first.
//!
//! # What the notes contain, and which checks they pass
//!
//! Apart from the planted conflicts, the generated notes are meant to be
//! clean for every check of the design (notation §4):
//!
//! * Events are dated with EDTF: full days (some with a time, some uncertain
//!   `?` or approximate `~`), months (`2025-11`), intervals
//!   (`2025-11-25/2025-11-27`), or undated. A weekday annotation such as
//!   `(Tue)` is always the weekday of its date.
//! * Undated events are placed only by `after:`/`before:`, chained to
//!   neighbouring events (dated or undated, often in another file); some
//!   dated events carry such constraints too, and some links have a gap
//!   (`after: @b + 2d`, `before: @b - 1w`). Every constraint `X after: @Y +
//!   Nd` satisfies `latest(Y) < earliest(X)` and `latest(Y) + N <=
//!   earliest(X)`, with each undated event at its hidden true day, so the
//!   network is consistent under any reading of `after` (strict or not).
//! * Statements `at:` an event are dated inside that event's dates; claims
//!   `about:` an event are dated on or after the event's last day; an entry
//!   citing a report (`published:`) is dated on or before the publication.
//! * Roles start (`since`) and people are born / organisations founded
//!   before the timeline begins (2024-01-01), so `as:` fields always hold.
//! * Claims follow a hidden truth: every topic property is a step function
//!   of time, and every claim (`=`, `!=`, `<`, `<=`, `>`, `>=`, `≠`, `≤`, `≥`,
//!   bare boolean assertions, `denies`) is true of it on its day, so no two
//!   claims conflict. A claim with `valid:` covers only a stretch where the
//!   value is constant. Properties of events (`participants`, `date`) are
//!   timeless and always claimed with their one value; a statement's
//!   `claims: @e.date = tomorrow` (or `today`, `yesterday`) resolves to the
//!   event's date.
//! * A holder claims a given `subject.property` at most once (no "changed
//!   position").
//! * Prose mentions actors, events, topics and sources only as `@id`; names
//!   and aliases appear in quotes, titles and definitions only.
//!
//! # Planted conflicts
//!
//! Exactly [`Spec::conflicts`] conflicts are planted, cycling through the
//! kinds of [`ConflictKind`], each on entities that nothing else touches, so
//! that each one yields exactly one conflict diagnostic group:
//!
//! * [`ConflictKind::ClaimValues`]: two holders claim the same
//!   `@topic.property` with different `=` values on the same day (often from
//!   two different files);
//! * [`ConflictKind::ClaimDenied`]: one holder claims an assertion and another
//!   denies the very same assertion on the same day;
//! * [`ConflictKind::OrderingCycle`]: either two to four fresh undated events
//!   whose `before:` constraints form a cycle, one link of which is
//!   `before: @x - 1d` (two events on one day may be before each other, so a
//!   cycle of plain links would hold), or a dated event that is `after:`
//!   another event dated later than itself.
//!
//! Checked with `chronicle check` on [`Spec::small`], [`Spec::medium`] and
//! [`Spec::large`]:
//! the only diagnostics are the planted ones, one `temporal-conflict` per
//! ordering conflict and two `conflicting-claims` (one on each claim) per
//! claim conflict.
//!
//! The conflicting entries are listed in [`Workspace::conflicts`] with a
//! description, for checkers and benchmark drivers to compare against.
//! Planted events and claims are extra: they are not counted in
//! [`Spec::events`] and [`Spec::claims`].

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

// ───────────────────────────── Spec ─────────────────────────────

/// What to generate. Sources and topics are derived from the counts (about
/// one outlet per 30 actors, one report per 40 events, one topic per 12
/// actors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Seed of the whole generation.
    pub seed: u64,
    /// Number of files (actor files plus note files).
    pub files: usize,
    /// People, states, organisations and groups.
    pub actors: usize,
    /// Events, dated or placed by constraints (not counting planted ones).
    pub events: usize,
    /// `@x said "…"` entries.
    pub statements: usize,
    /// Stand-alone claims (not counting planted ones).
    pub claims: usize,
    /// Planted conflicts (see the module documentation).
    pub conflicts: usize,
}

impl Spec {
    /// 100 files, about 240 KB.
    pub fn small() -> Spec {
        Spec {
            seed: 1,
            files: 100,
            actors: 150,
            events: 370,
            statements: 220,
            claims: 240,
            conflicts: 9,
        }
    }

    /// 2,000 files, about 4 MB.
    pub fn medium() -> Spec {
        Spec {
            seed: 2,
            files: 2_000,
            actors: 1_350,
            events: 6_400,
            statements: 3_850,
            claims: 4_100,
            conflicts: 60,
        }
    }

    /// 10,000 files, about 20 MB.
    pub fn large() -> Spec {
        Spec {
            seed: 3,
            files: 10_000,
            actors: 5_300,
            events: 32_000,
            statements: 19_200,
            claims: 20_600,
            conflicts: 300,
        }
    }

    /// The same spec with another seed.
    pub fn with_seed(mut self, seed: u64) -> Spec {
        self.seed = seed;
        self
    }

    /// A one-file spec whose rendering is roughly `units` events long.
    fn one_file(units: usize, seed: u64) -> Spec {
        let events = units.max(10);
        Spec {
            seed,
            files: 1,
            actors: (events / 8).max(20),
            events,
            statements: events * 3 / 5,
            claims: events * 13 / 20,
            conflicts: events / 400,
        }
    }
}

// ───────────────────────────── PRNG ─────────────────────────────

/// splitmix64: tiny, fast, and good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6a09_e667_f3bc_c908)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + ((self.next_u64() >> 11) % ((hi - lo + 1) as u64)) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// An independent generator derived from this one and `salt`.
    pub fn fork(&self, salt: u64) -> Rng {
        let mut r = Rng(self.0 ^ salt.wrapping_mul(0xd1b5_4a32_d192_ed03));
        r.next_u64();
        r
    }
}

// ───────────────────────────── Dates ─────────────────────────────

/// A calendar day, as days since 1970-01-01 (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

use crate::analysis::dates::{self, MONTH_NAMES};

impl Day {
    /// The day of a calendar date (no validation).
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        Day(dates::days_from_civil(y.into(), m, d) as i32)
    }

    /// Year, month (1–12), day (1–31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let (y, m, d) = dates::civil_from_days(self.0.into());
        (y as i32, m, d)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> usize {
        dates::weekday(self.0.into()) as usize
    }

    /// `Mon` … `Sun`.
    pub fn weekday_abbr(self) -> &'static str {
        &dates::WEEKDAY_NAMES[self.weekday()][..3]
    }

    /// The day `n` days later.
    pub fn plus(self, n: i32) -> Day {
        Day(self.0 + n)
    }

    /// First day of this day's month.
    pub fn month_start(self) -> Day {
        let (y, m, _) = self.ymd();
        Day::from_ymd(y, m, 1)
    }

    /// Last day of this day's month.
    pub fn month_end(self) -> Day {
        let (y, m, _) = self.ymd();
        Day::from_ymd(y, m, dates::days_in_month(y.into(), m))
    }

    /// `24 November 2025`.
    pub fn long(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", MONTH_NAMES[m as usize - 1])
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// An EDTF qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// No qualifier.
    None,
    /// `?`
    Uncertain,
    /// `~`
    Approximate,
}

impl Qualifier {
    fn suffix(self) -> &'static str {
        match self {
            Qualifier::None => "",
            Qualifier::Uncertain => "?",
            Qualifier::Approximate => "~",
        }
    }
}

/// How an event's date is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateForm {
    /// No date: placed by `after:`/`before:` only.
    Undated,
    /// `2025-11-25`, `2025-11-25T14:00Z`, `2025-11-25?`, `2025-11-25 (Tue)`.
    Day {
        /// Append the (correct) weekday.
        weekday: bool,
        /// Hour and minute, UTC.
        time: Option<(u8, u8)>,
        /// `?` or `~`.
        qualifier: Qualifier,
    },
    /// `2025-11` (the whole month).
    Month {
        /// `?` or `~`.
        qualifier: Qualifier,
    },
    /// `2025-11-25/2025-11-27`.
    Range {
        /// Last day (inclusive).
        end: Day,
    },
}

// ───────────────────────────── Model ─────────────────────────────

/// What an actor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// A person.
    Person,
    /// A state.
    State,
    /// An organisation.
    Organisation,
    /// A group of states or organisations.
    Group,
}

impl ActorKind {
    fn word(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::State => "state",
            ActorKind::Organisation => "organisation",
            ActorKind::Group => "group",
        }
    }
}

/// `role: president of @france since 2017-05-14`.
#[derive(Clone, Debug)]
pub struct Role {
    /// `president of`
    pub title: &'static str,
    /// Index of the actor the role is of.
    pub of: usize,
    /// Start of the tenure.
    pub since: Option<Day>,
}

/// An actor definition.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Workspace-unique ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Person, state, …
    pub kind: ActorKind,
    /// Aliases.
    pub aka: Vec<String>,
    /// Roles (people only).
    pub roles: Vec<Role>,
    /// Birth date (people).
    pub born: Option<Day>,
    /// Foundation date (organisations).
    pub founded: Option<Day>,
    /// Members (groups): actor indices.
    pub members: Vec<usize>,
    /// File index.
    pub file: usize,
}

/// What a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A news outlet; no publication date.
    Outlet,
    /// A report with a `published:` date.
    Report,
}

/// A source definition.
#[derive(Clone, Debug)]
pub struct Source {
    /// Workspace-unique ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Outlet or report.
    pub kind: SourceKind,
    /// Publication date (reports).
    pub published: Option<Day>,
    /// Home page (outlets).
    pub url: Option<String>,
    /// Author organisation (reports): actor index.
    pub by: Option<usize>,
    /// File index.
    pub file: usize,
}

/// A topic definition.
#[derive(Clone, Debug)]
pub struct Topic {
    /// Workspace-unique ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `agreement`, `plan`, …
    pub kind: &'static str,
    /// File index.
    pub file: usize,
}

/// An event.
#[derive(Clone, Debug)]
pub struct Event {
    /// Workspace-unique ID.
    pub id: String,
    /// The true (first) day: for undated events it is hidden and only
    /// constrains the choice of `after:`/`before:`.
    pub day: Day,
    /// How the date is written.
    pub form: DateForm,
    /// `meeting`, `negotiation`, …
    pub kind: &'static str,
    /// Title, with `@id` mentions.
    pub title: String,
    /// Participants: actor indices.
    pub who: Vec<usize>,
    /// `led-by:` actor indices.
    pub led_by: Vec<usize>,
    /// `where:` city, optionally with its state.
    pub place: Option<(&'static str, Option<usize>)>,
    /// `about:` topic index.
    pub about: Option<usize>,
    /// `after:` links.
    pub after: Vec<Link>,
    /// `before:` links.
    pub before: Vec<Link>,
    /// `source:` index.
    pub source: usize,
    /// The number of participants (a timeless property of the event).
    pub participants: i64,
    /// File index.
    pub file: usize,
    /// Part of a planted conflict.
    pub planted: bool,
}

/// One `after:`/`before:` item: `@b`, `@b + 2d` (after), `@b - 1w` (before).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Event index.
    pub event: usize,
    /// The least gap in days (0: same day allowed).
    pub days: u32,
}

impl Event {
    /// Earliest and latest day the written date allows (the true day for an
    /// undated event).
    pub fn bounds(&self) -> (Day, Day) {
        match self.form {
            DateForm::Undated | DateForm::Day { .. } => (self.day, self.day),
            DateForm::Month { .. } => (self.day.month_start(), self.day.month_end()),
            DateForm::Range { end } => (self.day, end),
        }
    }

    /// Dated with a single day and no qualifier.
    fn exact_day(&self) -> bool {
        matches!(
            self.form,
            DateForm::Day {
                qualifier: Qualifier::None,
                ..
            }
        )
    }

    fn dated(&self) -> bool {
        !matches!(self.form, DateForm::Undated)
    }
}

/// A claim or statement verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// `claims`
    Claims,
    /// `denies`
    Denies,
    /// `reports`
    Reports,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=` / `≠`
    Ne,
    /// `<`
    Lt,
    /// `<=` / `≤`
    Le,
    /// `>`
    Gt,
    /// `>=` / `≥`
    Ge,
}

/// A claim value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// `28`
    Int(i64),
    /// `4.5` (stored in tenths)
    Tenths(i64),
    /// `3.5%` (stored in tenths of a percent)
    Percent(i64),
    /// `2025-11-26`, optionally `(Wed)`
    Date(Day, bool),
    /// `yes` / `no`
    Bool(bool),
    /// `today`, `tomorrow`, `yesterday`
    Relative(&'static str),
}

/// The subject of an assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A topic (properties hold as of a date).
    Topic(usize),
    /// An event (properties are timeless).
    Event(usize),
}

/// `@peace-plan.points = 19`, `@deal.signed`.
#[derive(Clone, Debug)]
pub struct Assertion {
    /// What the assertion is about.
    pub subject: Subject,
    /// Property name.
    pub property: &'static str,
    /// Operator and value; `None` for a bare (boolean) assertion.
    pub cmp: Option<(Op, Value)>,
    /// Write `≠ ≤ ≥` instead of `!= <= >=`.
    pub unicode: bool,
}

/// Who holds a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Holder {
    /// An actor index.
    Actor(usize),
    /// A source index (outlets that `report`).
    Source(usize),
}

/// `DATE @actor said "quote"` with fields.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Date.
    pub day: Day,
    /// Written as the month only.
    pub month_only: bool,
    /// Append the weekday.
    pub weekday: bool,
    /// Speaker: actor index.
    pub speaker: usize,
    /// Verbatim words.
    pub quote: String,
    /// `at:` event index.
    pub at: Option<usize>,
    /// `source:` index.
    pub source: usize,
    /// `as:` index into the speaker's roles.
    pub role: Option<usize>,
    /// `claims:` assertion.
    pub claims: Option<Assertion>,
    /// File index.
    pub file: usize,
}

/// `DATE @holder claims|denies|reports ASSERTION` with fields.
#[derive(Clone, Debug)]
pub struct Claim {
    /// Date.
    pub day: Day,
    /// Append the weekday.
    pub weekday: bool,
    /// Holder.
    pub holder: Holder,
    /// Verb.
    pub verb: Verb,
    /// The assertion.
    pub assertion: Assertion,
    /// `source:` index.
    pub source: Option<usize>,
    /// `as:` index into the holder's roles.
    pub role: Option<usize>,
    /// `about:` event index.
    pub about: Option<usize>,
    /// `valid:` interval.
    pub valid: Option<(Day, Day)>,
    /// `id:` so that others can point at it.
    pub id: Option<String>,
    /// File index.
    pub file: usize,
    /// Part of a planted conflict.
    pub planted: bool,
}

/// The kinds of planted conflicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// Same `@topic.property`, same day, different `=` values.
    ClaimValues,
    /// `claims X` and `denies X` on the same day.
    ClaimDenied,
    /// `after:`/`before:` constraints that cannot all hold.
    OrderingCycle,
}

/// An entry taking part in a conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryRef {
    /// Index into [`Workspace::events`].
    Event(usize),
    /// Index into [`Workspace::claims`].
    Claim(usize),
}

/// A planted conflict.
#[derive(Clone, Debug)]
pub struct Conflict {
    /// Kind.
    pub kind: ConflictKind,
    /// The entries in conflict.
    pub entries: Vec<EntryRef>,
    /// A one-line description.
    pub description: String,
}

/// What a file holds.
#[derive(Clone, Debug)]
pub struct FileInfo {
    /// Relative path, `/`-separated.
    pub path: String,
    /// Holds actor, source and topic definitions.
    pub definitions: bool,
    /// Holds events, statements and claims.
    pub notes: bool,
}

/// The value of one topic property over time: a step function.
#[derive(Clone, Debug)]
pub struct Series {
    /// Topic index.
    pub topic: usize,
    /// Property name.
    pub property: &'static str,
    /// `(from, value)`, sorted; the first step has no lower bound.
    pub steps: Vec<(Day, Value)>,
}

impl Series {
    /// The value on day `d`.
    pub fn at(&self, d: Day) -> Value {
        let i = self.steps.partition_point(|(from, _)| *from <= d);
        self.steps[i.saturating_sub(1)].1
    }

    /// Whether the value does not change in `lo..=hi`.
    pub fn constant_over(&self, lo: Day, hi: Day) -> bool {
        !self.steps[1..]
            .iter()
            .any(|(from, _)| lo < *from && *from <= hi)
    }
}

/// The generated story.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// What was asked for.
    pub spec: Spec,
    /// Files.
    pub files: Vec<FileInfo>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Topics.
    pub topics: Vec<Topic>,
    /// Events, sorted by true day except the planted ones at the end.
    pub events: Vec<Event>,
    /// Statements.
    pub statements: Vec<Statement>,
    /// Claims; the planted ones at the end.
    pub claims: Vec<Claim>,
    /// The hidden truth of topic properties.
    pub series: Vec<Series>,
    /// Planted conflicts.
    pub conflicts: Vec<Conflict>,
    /// Every ID the story defines.
    pub ids: HashSet<String>,
}

// ───────────────────────────── Vocabulary ─────────────────────────────

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Oleksandr",
    "Marta",
    "Pierre",
    "Sofia",
    "Jonas",
    "Elena",
    "Tomasz",
    "Ingrid",
    "Mehmet",
    "Aylin",
    "Karim",
    "Leila",
    "Hiroshi",
    "Mei",
    "David",
    "Sarah",
    "Miguel",
    "Lucia",
    "Andrzej",
    "Katarzyna",
    "Olena",
    "Dmytro",
    "Ivan",
    "Nadia",
    "Hans",
    "Greta",
    "Lars",
    "Astrid",
    "Paolo",
    "Giulia",
    "Carlos",
    "Ana",
    "Rui",
    "Nikos",
    "Eleni",
    "Jan",
    "Petra",
    "Viktor",
    "Irina",
    "Farid",
    "Amara",
    "Kwame",
    "Chidi",
    "Rania",
    "Omar",
    "Yusuf",
    "Emma",
    "James",
    "Robert",
    "Helen",
    "Claire",
    "Thomas",
    "Julien",
    "Camille",
    "Mateo",
    "Valentina",
    "Arjun",
    "Priya",
    "Tariq",
    "Zeynep",
    "Bogdan",
    "Milena",
    "Sven",
    "Freya",
    "Liam",
    "Ewa",
    "Rasa",
    "Tiit",
    "Kadri",
    "Agnes",
    "Łukasz",
    "Søren",
    "Zoë",
    "Çağla",
    "Jürgen",
    "Émilie",
    "Ilze",
    "Mihai",
    "Dragan",
];

const LAST_NAMES: &[&str] = &[
    "Kovalenko",
    "Dubois",
    "Novak",
    "Schneider",
    "Lindqvist",
    "Yilmaz",
    "Haddad",
    "Tanaka",
    "Chen",
    "Okafor",
    "Mensah",
    "Rossi",
    "Bianchi",
    "Ferreira",
    "Papadopoulos",
    "Horvath",
    "Kowalski",
    "Nowak",
    "Petrenko",
    "Shevchenko",
    "Moreau",
    "Laurent",
    "Fischer",
    "Weber",
    "Jensen",
    "Hansen",
    "Nielsen",
    "Virtanen",
    "Korhonen",
    "Tamm",
    "Kask",
    "Ozols",
    "Kazlauskas",
    "Popescu",
    "Ionescu",
    "Dimitrov",
    "Georgiev",
    "Markovic",
    "Kovac",
    "Silva",
    "Santos",
    "Garcia",
    "Martinez",
    "Lopez",
    "Rahman",
    "Khan",
    "Hussein",
    "Mwangi",
    "Odhiambo",
    "Nakamura",
    "Sato",
    "Nguyen",
    "Tran",
    "Walsh",
    "Murphy",
    "Byrne",
    "Clarke",
    "Hughes",
    "Morgan",
    "Bennett",
    "Keller",
    "Brandt",
    "Vogel",
    "Lund",
    "Aalto",
    "Rantala",
    "Müller",
    "Sørensen",
    "Şahin",
    "Žukauskas",
    "Ødegaard",
    "Wiśniewska",
    "Dvořák",
    "Öztürk",
    "Fontaine",
    "Castellanos",
    "Abdullahi",
    "Varga",
];

/// (name, aliases)
const STATES: &[(&str, &[&str])] = &[
    ("France", &[]),
    ("Britain", &["United Kingdom", "UK"]),
    ("United States", &["United States of America", "US"]),
    ("Ukraine", &[]),
    ("Russia", &[]),
    ("Türkiye", &["Turkey"]),
    ("Germany", &[]),
    ("Poland", &[]),
    ("Italy", &[]),
    ("Spain", &[]),
    ("Portugal", &[]),
    ("Netherlands", &["Holland"]),
    ("Belgium", &[]),
    ("Norway", &[]),
    ("Sweden", &[]),
    ("Finland", &[]),
    ("Denmark", &[]),
    ("Estonia", &[]),
    ("Latvia", &[]),
    ("Lithuania", &[]),
    ("Romania", &[]),
    ("Moldova", &[]),
    ("Bulgaria", &[]),
    ("Greece", &[]),
    ("Hungary", &[]),
    ("Czechia", &["Czech Republic"]),
    ("Slovakia", &[]),
    ("Austria", &[]),
    ("Switzerland", &[]),
    ("Ireland", &[]),
    ("Canada", &[]),
    ("Japan", &[]),
    ("South Korea", &["Republic of Korea"]),
    ("China", &["People's Republic of China"]),
    ("India", &[]),
    ("Brazil", &[]),
    ("Mexico", &[]),
    ("Qatar", &[]),
    ("Saudi Arabia", &[]),
    ("United Arab Emirates", &["UAE"]),
    ("Egypt", &[]),
    ("Kenya", &[]),
    ("Nigeria", &[]),
    ("South Africa", &[]),
    ("Georgia", &[]),
    ("Armenia", &[]),
    ("Azerbaijan", &[]),
    ("Kazakhstan", &[]),
    ("Israel", &[]),
    ("Jordan", &[]),
];

/// (city, its state)
const CITIES: &[(&str, &str)] = &[
    ("Geneva", "Switzerland"),
    ("Vienna", "Austria"),
    ("Brussels", "Belgium"),
    ("Warsaw", "Poland"),
    ("Kyiv", "Ukraine"),
    ("Istanbul", "Türkiye"),
    ("Abu Dhabi", "United Arab Emirates"),
    ("Riyadh", "Saudi Arabia"),
    ("Paris", "France"),
    ("London", "Britain"),
    ("Berlin", "Germany"),
    ("Rome", "Italy"),
    ("Madrid", "Spain"),
    ("Oslo", "Norway"),
    ("Helsinki", "Finland"),
    ("Tallinn", "Estonia"),
    ("Riga", "Latvia"),
    ("Vilnius", "Lithuania"),
    ("Bucharest", "Romania"),
    ("Chișinău", "Moldova"),
    ("Ankara", "Türkiye"),
    ("Doha", "Qatar"),
    ("Cairo", "Egypt"),
    ("Nairobi", "Kenya"),
    ("Tokyo", "Japan"),
    ("Seoul", "South Korea"),
    ("Washington", "United States"),
    ("New York", "United States"),
    ("Ottawa", "Canada"),
    ("Lisbon", "Portugal"),
    ("Athens", "Greece"),
    ("Budapest", "Hungary"),
    ("Prague", "Czechia"),
    ("Bratislava", "Slovakia"),
    ("Copenhagen", "Denmark"),
    ("Stockholm", "Sweden"),
    ("The Hague", "Netherlands"),
    ("Munich", "Germany"),
    ("Jeddah", "Saudi Arabia"),
    ("Baku", "Azerbaijan"),
];

const REGIONS: &[&str] = &[
    "Nordic",
    "Baltic",
    "Atlantic",
    "Danube",
    "Black Sea",
    "Alpine",
    "Central European",
    "Mediterranean",
    "Caspian",
    "Pacific",
    "Arctic",
    "Adriatic",
];
const FIELDS: &[&str] = &[
    "Energy",
    "Grain",
    "Security",
    "Maritime",
    "Rail",
    "Health",
    "Water",
    "Trade",
    "Defence",
    "Migration",
    "Climate",
    "Cyber",
];
const BODIES: &[&str] = &[
    "Council",
    "Agency",
    "Authority",
    "Commission",
    "Forum",
    "Fund",
    "Alliance",
    "Institute",
    "Observatory",
    "Secretariat",
];

const OUTLET_WORDS: &[&str] = &[
    "Wire", "Herald", "Post", "Times", "Observer", "Monitor", "Gazette", "Review", "Courier",
    "Dispatch",
];

/// (noun phrase, kind)
const TOPIC_THINGS: &[(&str, &str)] = &[
    ("grain corridor", "agreement"),
    ("ceasefire", "agreement"),
    ("peace plan", "plan"),
    ("reconstruction fund", "fund"),
    ("energy price cap", "measure"),
    ("sanctions package", "measure"),
    ("prisoner exchange", "process"),
    ("air defence pledge", "pledge"),
    ("border agreement", "agreement"),
    ("trade deal", "agreement"),
    ("security guarantees", "plan"),
    ("monitoring mission", "mission"),
    ("loan programme", "fund"),
    ("gas transit deal", "agreement"),
    ("demining plan", "plan"),
    ("frozen assets", "figure"),
];

const TOPIC_QUALIFIERS: &[&str] = &["", "Interim ", "Revised ", "Joint ", "Extended "];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PropKind {
    Int(i64, i64),
    Tenths(i64, i64),
    Percent(i64, i64),
    Date,
    Bool,
}

const TOPIC_PROPS: &[(&str, PropKind)] = &[
    ("points", PropKind::Int(12, 40)),
    ("signatories", PropKind::Int(3, 40)),
    ("budget-bn", PropKind::Tenths(5, 900)),
    ("tranches", PropKind::Int(1, 12)),
    ("monitors", PropKind::Int(50, 900)),
    ("price-cap", PropKind::Int(30, 90)),
    ("rate", PropKind::Percent(5, 120)),
    ("deadline", PropKind::Date),
    ("signed", PropKind::Bool),
    ("in-force", PropKind::Bool),
];

const PERSON_ROLES: &[(&str, ActorKind)] = &[
    ("president of", ActorKind::State),
    ("prime minister of", ActorKind::State),
    ("foreign minister of", ActorKind::State),
    ("defence minister of", ActorKind::State),
    ("ambassador of", ActorKind::State),
    ("special envoy of", ActorKind::State),
    ("press secretary of", ActorKind::State),
    ("secretary general of", ActorKind::Organisation),
    ("chair of", ActorKind::Organisation),
    ("spokesperson of", ActorKind::Organisation),
    ("director of", ActorKind::Organisation),
];

const PERSON_TITLES: &[&str] = &["Minister", "Ambassador", "Envoy", "President", "Dr"];

const GROUP_NAMES: &[&str] = &[
    "Coalition of the resolute",
    "Contact group",
    "Friends of the process",
    "Core group",
    "Donor platform",
    "Quint",
    "Working format",
];

// ───────────────────────────── Helpers ─────────────────────────────

fn fold_ascii(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'å' | 'ă' => 'a',
        'ç' | 'č' | 'ć' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ę' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ı' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'ø' => 'o',
        'ř' => 'r',
        'ş' | 'ș' | 'š' | 'ś' => 's',
        'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ž' | 'ź' | 'ż' => 'z',
        'ğ' => 'g',
        c if c.is_ascii_alphanumeric() => c,
        _ => return None,
    })
}

/// `Türkiye` → `turkiye`, `Abu Dhabi` → `abu-dhabi`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match fold_ascii(c) {
            Some(c) => out.push(c),
            None => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    /// Next numeric suffix to try, per stem.
    next: HashMap<String, u32>,
}

impl Ids {
    /// `stem`, or `stem-2`, `stem-3`, … when taken.
    fn take(&mut self, stem: &str) -> String {
        if self.used.insert(stem.to_string()) {
            return stem.to_string();
        }
        let n = self.next.entry(stem.to_string()).or_insert(2);
        loop {
            let id = format!("{stem}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }

    /// `stem`, or `stem-mar-2024` (then numbered) when taken.
    fn take_dated(&mut self, stem: &str, day: Day) -> String {
        if self.used.insert(stem.to_string()) {
            return stem.to_string();
        }
        let (y, m, _) = day.ymd();
        let month = MONTH_NAMES[m as usize - 1][..3].to_ascii_lowercase();
        self.take(&format!("{stem}-{month}-{y}"))
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

// ───────────────────────────── Build ─────────────────────────────

struct Builder {
    rng: Rng,
    ids: Ids,
    ws: Workspace,
    persons: Vec<usize>,
    states: Vec<usize>,
    orgs: Vec<usize>,
    groups: Vec<usize>,
    outlets: Vec<usize>,
    /// Reports sorted by publication date.
    reports: Vec<usize>,
    note_files: Vec<usize>,
    /// Number of files with definitions.
    n_defs: usize,
    /// First day of each note file's stretch (parallel to `note_files`).
    note_first_day: Vec<Day>,
    start: Day,
    span: i32,
    /// (holder, subject, property) already claimed.
    held: HashSet<(Holder, Subject, &'static str)>,
    /// Events by exact day (index of first event with day >= d is found by
    /// binary search over the sorted events).
    dated_exact: Vec<usize>,
}

/// Builds the model of a workspace.
pub fn build(spec: &Spec) -> Workspace {
    build_beside(spec, &HashSet::new())
}

/// Builds a story whose IDs avoid `taken` (the IDs of another story that
/// shares the workspace).
pub fn build_beside(spec: &Spec, taken: &HashSet<String>) -> Workspace {
    let spec = Spec {
        files: spec.files.max(1),
        actors: spec.actors.max(8),
        ..spec.clone()
    };
    let span = ((spec.events / 5) as i32).clamp(60, 3 * 365);
    let mut b = Builder {
        rng: Rng::new(spec.seed),
        ids: Ids {
            used: taken.clone(),
            next: HashMap::new(),
        },
        ws: Workspace {
            spec: spec.clone(),
            files: Vec::new(),
            actors: Vec::new(),
            sources: Vec::new(),
            topics: Vec::new(),
            events: Vec::new(),
            statements: Vec::new(),
            claims: Vec::new(),
            series: Vec::new(),
            conflicts: Vec::new(),
            ids: HashSet::new(),
        },
        persons: Vec::new(),
        states: Vec::new(),
        orgs: Vec::new(),
        groups: Vec::new(),
        outlets: Vec::new(),
        reports: Vec::new(),
        note_files: Vec::new(),
        n_defs: 0,
        note_first_day: Vec::new(),
        start: Day::from_ymd(2024, 1, 1),
        span,
        held: HashSet::new(),
        dated_exact: Vec::new(),
    };
    b.files();
    b.actors();
    b.sources_and_topics();
    b.events();
    b.assign_event_files();
    b.statements();
    b.claims();
    b.cite_every_report();
    b.conflicts();
    b.name_note_files();
    b.ws.ids = b.ids.used.difference(taken).cloned().collect();
    b.ws
}

impl Builder {
    fn files(&mut self) {
        let n = self.ws.spec.files;
        let defs = if n == 1 { 0 } else { (n / 20).max(1) };
        for i in 0..defs {
            self.ws.files.push(FileInfo {
                path: format!("actors/actors-{:03}.chron", i + 1),
                definitions: true,
                notes: false,
            });
        }
        for _ in defs..n {
            self.note_files.push(self.ws.files.len());
            self.ws.files.push(FileInfo {
                path: String::new(),
                definitions: n == 1,
                notes: true,
            });
        }
        self.n_defs = defs.max(1);
    }

    /// The definitions file of the `i`-th of `total` definitions (they are
    /// the first files).
    fn def_file(&self, i: usize, total: usize) -> usize {
        i * self.n_defs / total.max(1)
    }

    fn date_between(&mut self, lo: Day, hi: Day) -> Day {
        Day(self.rng.range(lo.0 as i64, hi.0 as i64) as i32)
    }

    fn actors(&mut self) {
        let n = self.ws.spec.actors;
        let n_states = (n / 10).clamp(3, STATES.len());
        let n_groups = (n / 25).max(1);
        let n_orgs = (n * 15 / 100).max(2);
        let n_persons = n.saturating_sub(n_states + n_groups + n_orgs).max(2);
        let total = n_states + n_orgs + n_groups + n_persons;
        let mut k = 0;
        // States: a shuffled prefix of the list.
        let mut order: Vec<usize> = (0..STATES.len()).collect();
        for i in (1..order.len()).rev() {
            let j = self.rng.below(i + 1);
            order.swap(i, j);
        }
        for &s in order.iter().take(n_states) {
            let (name, aka) = STATES[s];
            // `uk`, `us`, `uae` rather than `united-kingdom`.
            let short = aka
                .iter()
                .find(|a| a.len() <= 3 && a.chars().all(|c| c.is_ascii_uppercase()));
            let id = self.ids.take(&slug(short.copied().unwrap_or(name)));
            let file = self.def_file(k, total);
            k += 1;
            self.states.push(self.ws.actors.len());
            self.ws.actors.push(Actor {
                id,
                name: name.to_string(),
                kind: ActorKind::State,
                aka: aka.iter().map(|s| s.to_string()).collect(),
                roles: Vec::new(),
                born: None,
                founded: None,
                members: Vec::new(),
                file,
            });
        }
        for _ in 0..n_orgs {
            let name = format!(
                "{} {} {}",
                self.rng.pick(REGIONS),
                self.rng.pick(FIELDS),
                self.rng.pick(BODIES)
            );
            let initials: String = name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect();
            let id = self.ids.take(&slug(&name));
            let founded =
                Some(self.date_between(Day::from_ymd(1949, 1, 1), Day::from_ymd(2019, 12, 31)));
            let aka = if self.rng.chance(0.4) {
                vec![initials]
            } else {
                Vec::new()
            };
            let file = self.def_file(k, total);
            k += 1;
            self.orgs.push(self.ws.actors.len());
            self.ws.actors.push(Actor {
                id,
                name,
                kind: ActorKind::Organisation,
                aka,
                roles: Vec::new(),
                born: None,
                founded,
                members: Vec::new(),
                file,
            });
        }
        for _ in 0..n_groups {
            let base = *self.rng.pick(GROUP_NAMES);
            let name = if base == "Coalition of the resolute" || base == "Quint" {
                base.to_string()
            } else {
                format!("{} {}", self.rng.pick(REGIONS), lower_first(base))
            };
            let id = self.ids.take(&slug(&name));
            let m = self.rng.range(2, 5) as usize;
            let mut members = Vec::new();
            for _ in 0..m {
                let pool = if self.rng.chance(0.8) || self.orgs.is_empty() {
                    &self.states
                } else {
                    &self.orgs
                };
                let a = pool[self.rng.below(pool.len())];
                if !members.contains(&a) {
                    members.push(a);
                }
            }
            let aka = if self.rng.chance(0.3) {
                vec![lower_first(&name)]
            } else {
                Vec::new()
            };
            let file = self.def_file(k, total);
            k += 1;
            self.groups.push(self.ws.actors.len());
            self.ws.actors.push(Actor {
                id,
                name,
                kind: ActorKind::Group,
                aka,
                roles: Vec::new(),
                born: None,
                founded: None,
                members,
                file,
            });
        }
        for _ in 0..n_persons {
            let first = *self.rng.pick(FIRST_NAMES);
            let last = *self.rng.pick(LAST_NAMES);
            let name = format!("{first} {last}");
            let id = if self.ids.used.contains(&slug(last)) {
                self.ids.take(&slug(&name))
            } else {
                self.ids.take(&slug(last))
            };
            let mut roles = Vec::new();
            let n_roles = if self.rng.chance(0.15) {
                0
            } else if self.rng.chance(0.12) {
                2
            } else {
                1
            };
            let mut title_word = None;
            for r in 0..n_roles {
                let (title, of_kind) = loop {
                    let role = *self.rng.pick(PERSON_ROLES);
                    if r == 0 || role.1 == ActorKind::Organisation {
                        break role;
                    }
                };
                let pool = match of_kind {
                    ActorKind::Organisation if !self.orgs.is_empty() => &self.orgs,
                    _ => &self.states,
                };
                let of = pool[self.rng.below(pool.len())];
                let since = if self.rng.chance(0.8) {
                    Some(self.date_between(Day::from_ymd(2012, 1, 1), Day::from_ymd(2023, 12, 1)))
                } else {
                    None
                };
                if title_word.is_none() {
                    title_word = Some(match title {
                        "president of" => "President",
                        "prime minister of" => "Prime Minister",
                        "foreign minister of" | "defence minister of" => "Minister",
                        "ambassador of" => "Ambassador",
                        "special envoy of" => "Envoy",
                        _ => *self.rng.pick(PERSON_TITLES),
                    });
                }
                roles.push(Role { title, of, since });
            }
            let mut aka = vec![last.to_string()];
            if let Some(t) = title_word {
                if self.rng.chance(0.5) {
                    aka.push(format!("{t} {last}"));
                }
            }
            let born = if self.rng.chance(0.6) {
                Some(self.date_between(Day::from_ymd(1945, 1, 1), Day::from_ymd(1992, 12, 31)))
            } else {
                None
            };
            let file = self.def_file(k, total);
            k += 1;
            self.persons.push(self.ws.actors.len());
            self.ws.actors.push(Actor {
                id,
                name,
                kind: ActorKind::Person,
                aka,
                roles,
                born,
                founded: None,
                members: Vec::new(),
                file,
            });
        }
    }

    fn sources_and_topics(&mut self) {
        let spec = self.ws.spec.clone();
        let n_outlets = (spec.actors / 30).clamp(3, 80);
        let n_reports = (spec.events / 40).max(2);
        let n_topics = (spec.actors / 12).max(3);
        let total = n_outlets + n_reports + n_topics;
        let mut k = 0;
        for _ in 0..n_outlets {
            let name = if self.rng.chance(0.5) {
                format!("{} {}", self.rng.pick(REGIONS), self.rng.pick(OUTLET_WORDS))
            } else {
                format!(
                    "{} {}",
                    self.rng.pick(CITIES).0,
                    self.rng.pick(OUTLET_WORDS)
                )
            };
            let id = self.ids.take(&slug(&name));
            let url = if self.rng.chance(0.6) {
                Some(format!("https://www.{id}.com/en/"))
            } else {
                None
            };
            let file = self.def_file(k, total);
            k += 1;
            self.outlets.push(self.ws.sources.len());
            self.ws.sources.push(Source {
                id,
                name,
                kind: SourceKind::Outlet,
                published: None,
                url,
                by: None,
                file,
            });
        }
        // Distinct names while they last: a shuffled list of combinations.
        let mut combos: Vec<(usize, usize, usize)> = Vec::new();
        for q in 0..TOPIC_QUALIFIERS.len() {
            for r in 0..REGIONS.len() {
                for th in 0..TOPIC_THINGS.len() {
                    combos.push((q, r, th));
                }
            }
        }
        // Unqualified names first, each part shuffled.
        let plain = REGIONS.len() * TOPIC_THINGS.len();
        for i in (1..plain).rev() {
            let j = self.rng.below(i + 1);
            combos.swap(i, j);
        }
        for i in (plain + 1..combos.len()).rev() {
            let j = plain + self.rng.below(i - plain + 1);
            combos.swap(i, j);
        }
        for t in 0..n_topics {
            let (q, r, th) = combos[t % combos.len()];
            let (thing, kind) = TOPIC_THINGS[th];
            let name = format!("{}{} {thing}", TOPIC_QUALIFIERS[q], REGIONS[r]);
            let id = self.ids.take(&slug(&name));
            let file = self.def_file(k, total);
            k += 1;
            self.ws.topics.push(Topic {
                id,
                name,
                kind,
                file,
            });
            // The hidden truth: 2–4 properties, each a step function.
            let n_props = self.rng.range(2, 4) as usize;
            let mut props: Vec<usize> = Vec::new();
            while props.len() < n_props {
                let p = self.rng.below(TOPIC_PROPS.len());
                if !props.contains(&p) {
                    props.push(p);
                }
            }
            for p in props {
                let (property, kind) = TOPIC_PROPS[p];
                let mut steps = vec![(Day(i32::MIN), self.value_of(kind, None))];
                let mut d = self.start.plus(self.rng.range(10, 90) as i32);
                while d < self.start.plus(self.span) {
                    let prev = steps.last().map(|s| s.1);
                    steps.push((d, self.value_of(kind, prev)));
                    d = d.plus(self.rng.range(15, 120) as i32);
                }
                self.ws.series.push(Series {
                    topic: t,
                    property,
                    steps,
                });
            }
        }
        let mut published: Vec<Day> = (0..n_reports)
            .map(|_| {
                self.start
                    .plus(self.rng.range(5, self.span as i64 + 20) as i32)
            })
            .collect();
        published.sort();
        for p in published {
            let by = if self.orgs.is_empty() {
                None
            } else {
                Some(*self.rng.pick(&self.orgs))
            };
            let topic = self.rng.below(self.ws.topics.len());
            let name = match by {
                Some(o) => format!(
                    "{}: report on the {}",
                    self.ws.actors[o].name, self.ws.topics[topic].name
                ),
                None => format!("Report on the {}", self.ws.topics[topic].name),
            };
            let (y, m, _) = p.ymd();
            let id = self.ids.take(&format!(
                "{}-report-{y}-{m:02}",
                slug(
                    TOPIC_THINGS
                        .iter()
                        .find(|(t, _)| self.ws.topics[topic].name.ends_with(t))
                        .map_or("topic", |(t, _)| t)
                )
            ));
            let file = self.def_file(k, total);
            k += 1;
            self.reports.push(self.ws.sources.len());
            self.ws.sources.push(Source {
                id,
                name,
                kind: SourceKind::Report,
                published: Some(p),
                url: None,
                by,
                file,
            });
        }
    }

    /// A value of a property kind, different from `prev` when given.
    fn value_of(&mut self, kind: PropKind, prev: Option<Value>) -> Value {
        for _ in 0..20 {
            let v = match kind {
                PropKind::Int(lo, hi) => Value::Int(self.rng.range(lo, hi)),
                PropKind::Tenths(lo, hi) => Value::Tenths(self.rng.range(lo, hi)),
                PropKind::Percent(lo, hi) => Value::Percent(self.rng.range(lo, hi)),
                PropKind::Date => Value::Date(
                    self.start
                        .plus(self.rng.range(30, self.span as i64 + 200) as i32),
                    false,
                ),
                PropKind::Bool => Value::Bool(match prev {
                    Some(Value::Bool(b)) => !b,
                    _ => self.rng.chance(0.5),
                }),
            };
            if Some(v) != prev {
                return v;
            }
        }
        prev.unwrap_or(Value::Int(0))
    }

    /// An outlet, or (sometimes) a report published on or after `latest`.
    fn source_for(&mut self, latest: Day) -> usize {
        if self.rng.chance(0.25) {
            let i = self
                .reports
                .partition_point(|&r| self.ws.sources[r].published.unwrap() < latest);
            if i < self.reports.len() {
                let j = i + self.rng.below((self.reports.len() - i).min(3));
                return self.reports[j];
            }
        }
        *self.rng.pick(&self.outlets)
    }

    fn some_actor(&mut self) -> usize {
        let r = self.rng.unit();
        let pool = if r < 0.55 {
            &self.persons
        } else if r < 0.8 {
            &self.states
        } else if r < 0.93 && !self.orgs.is_empty() {
            &self.orgs
        } else {
            &self.groups
        };
        pool[self.rng.below(pool.len())]
    }

    fn person(&mut self) -> usize {
        self.persons[self.rng.below(self.persons.len())]
    }

    fn topic_ref(&mut self, t: usize) -> String {
        if self.rng.chance(0.5) {
            format!("@{}", self.ws.topics[t].id)
        } else {
            format!("the {}", self.ws.topics[t].name)
        }
    }

    /// A new event (not yet constrained) on `day`.
    fn new_event(&mut self, day: Day, form: DateForm, planted: bool) -> Event {
        let n_who = self.rng.range(1, 4) as usize;
        let mut who = Vec::new();
        for _ in 0..n_who {
            let a = self.some_actor();
            if !who.contains(&a) {
                who.push(a);
            }
        }
        let topic = self.rng.below(self.ws.topics.len());
        let (city, country) = *self.rng.pick(CITIES);
        let a = format!("@{}", self.ws.actors[who[0]].id);
        let b = who.get(1).map(|&x| format!("@{}", self.ws.actors[x].id));
        let t = self.topic_ref(topic);
        let tstem = slug(
            TOPIC_THINGS
                .iter()
                .find(|(thing, _)| self.ws.topics[topic].name.ends_with(thing))
                .map_or("topic", |(thing, _)| thing),
        );
        let aid = self.ws.actors[who[0]].id.clone();
        let cs = slug(city);
        let is_group = self.ws.actors[who[0]].kind == ActorKind::Group;
        let choice = if is_group && self.rng.chance(0.6) {
            99
        } else {
            self.rng.below(12)
        };
        let (kind, title, stem) = match (choice, b) {
            (99, _) => (
                "meeting",
                format!("Online meeting of {a}"),
                format!("{aid}-call"),
            ),
            (0, Some(b)) => (
                "negotiation",
                format!("{a} and {b} negotiate {t} in {city}"),
                format!("{cs}-talks"),
            ),
            (1, Some(b)) => (
                "meeting",
                format!("{a} meets {b} in {city}"),
                format!("{aid}-{cs}-meeting"),
            ),
            (2, Some(b)) => (
                "call",
                format!("Phone call between {a} and {b}"),
                format!("{aid}-call"),
            ),
            (3, _) => (
                "visit",
                format!("{a} visits {city}"),
                format!("{aid}-{cs}-visit"),
            ),
            (4, _) => (
                "announcement",
                format!("{a} announces a new position on {t}"),
                format!("{tstem}-announcement"),
            ),
            (5, _) => (
                "vote",
                format!("Vote on {t} in {city}"),
                format!("{tstem}-vote"),
            ),
            (6, Some(b)) => (
                "signing",
                format!("{a} and {b} sign a memorandum on {t}"),
                format!("{tstem}-memorandum"),
            ),
            (7, _) => (
                "press-conference",
                format!("Press conference of {a} in {city}"),
                format!("{aid}-press-conference"),
            ),
            (8, _) => (
                "summit",
                format!("{a} hosts a summit on {t} in {city}"),
                format!("{cs}-summit"),
            ),
            (9, _) => (
                "hearing",
                format!("Hearing on {t} with {a}"),
                format!("{tstem}-hearing"),
            ),
            (10, _) => (
                "publication",
                format!("{a} publishes an assessment of {t}"),
                format!("{tstem}-assessment"),
            ),
            (_, Some(b)) => (
                "launch",
                format!("{a} and {b} launch a working group on {t}"),
                format!("{tstem}-working-group"),
            ),
            (_, None) => (
                "statement",
                format!("{a} comments on {t} in {city}"),
                format!("{aid}-{tstem}-comment"),
            ),
        };
        let id = self.ids.take_dated(&stem, day);
        let place = if kind == "call" || choice == 99 {
            None
        } else if self.rng.chance(0.25) {
            let state = self
                .states
                .iter()
                .copied()
                .find(|&s| self.ws.actors[s].name == country);
            Some((city, state))
        } else {
            Some((city, None))
        };
        let led_by = if self.rng.chance(0.05) && who.len() >= 2 {
            who[..2].to_vec()
        } else {
            Vec::new()
        };
        let about = if self.rng.chance(0.4) {
            Some(topic)
        } else {
            None
        };
        Event {
            id,
            day,
            form,
            kind,
            title,
            who,
            led_by,
            place,
            about,
            after: Vec::new(),
            before: Vec::new(),
            source: 0,
            participants: self.rng.range(2, 60),
            file: 0,
            planted,
        }
    }

    fn events(&mut self) {
        let n = self.ws.spec.events;
        let mut days: Vec<Day> = (0..n)
            .map(|_| self.start.plus(self.rng.below(self.span as usize) as i32))
            .collect();
        days.sort();
        for day in days {
            let r = self.rng.unit();
            let form = if r < 0.12 {
                DateForm::Undated
            } else if r < 0.15 {
                DateForm::Range {
                    end: day.plus(self.rng.range(1, 3) as i32),
                }
            } else if r < 0.21 {
                DateForm::Month {
                    qualifier: if self.rng.chance(0.2) {
                        Qualifier::Uncertain
                    } else {
                        Qualifier::None
                    },
                }
            } else {
                let q = self.rng.unit();
                let qualifier = if q < 0.06 {
                    Qualifier::Uncertain
                } else if q < 0.08 {
                    Qualifier::Approximate
                } else {
                    Qualifier::None
                };
                DateForm::Day {
                    weekday: qualifier == Qualifier::None && self.rng.chance(0.3),
                    time: if self.rng.chance(0.05) {
                        Some((
                            self.rng.range(7, 20) as u8,
                            *self.rng.pick(&[0u8, 15, 30, 45]),
                        ))
                    } else {
                        None
                    },
                    qualifier,
                }
            };
            let e = self.new_event(day, form, false);
            self.ws.events.push(e);
        }
        // Constraints, consistent with the hidden true days.
        for i in 0..n {
            let (lo, hi) = self.ws.events[i].bounds();
            let undated = !self.ws.events[i].dated();
            let want_after = if undated {
                self.rng.chance(0.9)
            } else {
                self.rng.chance(0.15)
            };
            let want_before = if undated {
                !want_after || self.rng.chance(0.5)
            } else {
                self.rng.chance(0.04)
            };
            if want_after && i > 0 {
                let reach = if self.rng.chance(0.1) { 400 } else { 30 };
                let from = i.saturating_sub(reach);
                let anchors = if undated && self.rng.chance(0.15) {
                    2
                } else {
                    1
                };
                for _ in 0..anchors {
                    for _ in 0..6 {
                        let j = from + self.rng.below(i - from);
                        let end = self.ws.events[j].bounds().1;
                        if end < lo && !self.ws.events[i].after.iter().any(|l| l.event == j) {
                            let days = self.link_gap((lo.0 - end.0) as u32);
                            self.ws.events[i].after.push(Link { event: j, days });
                            break;
                        }
                    }
                }
            }
            if want_before && i + 1 < n {
                let to = (i + 30).min(n - 1);
                for _ in 0..6 {
                    let k = i + 1 + self.rng.below(to - i);
                    let start = self.ws.events[k].bounds().0;
                    if start > hi {
                        let days = self.link_gap((start.0 - hi.0) as u32);
                        self.ws.events[i].before.push(Link { event: k, days });
                        break;
                    }
                }
            }
            let src = self.source_for(hi);
            self.ws.events[i].source = src;
        }
        self.dated_exact = (0..n).filter(|&i| self.ws.events[i].exact_day()).collect();
    }

    /// Mostly 0 (a plain `@b`); sometimes a gap of whole days or weeks
    /// that the true days respect (`gap` is at least 1).
    fn link_gap(&mut self, gap: u32) -> u32 {
        if !self.rng.chance(0.1) {
            0
        } else if gap >= 7 && self.rng.chance(0.3) {
            7
        } else {
            self.rng.range(1, gap.min(3) as i64) as u32
        }
    }

    fn assign_event_files(&mut self) {
        let n = self.ws.events.len();
        let m = self.note_files.len();
        let weights: Vec<f64> = (0..m).map(|_| 0.35 + self.rng.unit() * 1.3).collect();
        let sum: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let mut first = 0;
        for (f, w) in weights.iter().enumerate() {
            acc += w;
            let end = if f + 1 == m {
                n
            } else {
                ((acc / sum) * n as f64).round() as usize
            };
            let day = if first < n {
                self.ws.events[first].day
            } else {
                self.start.plus(self.span)
            };
            self.note_first_day.push(day);
            for e in first..end.max(first) {
                self.ws.events[e].file = self.note_files[f];
            }
            first = end.max(first);
        }
    }

    fn file_of_day(&self, d: Day) -> usize {
        let i = self.note_first_day.partition_point(|&f| f <= d);
        self.note_files[i.saturating_sub(1)]
    }

    fn some_note_file(&mut self) -> usize {
        self.note_files[self.rng.below(self.note_files.len())]
    }

    fn quote(&mut self, event: Option<usize>, topic: usize) -> String {
        let city = self.rng.pick(CITIES).0;
        let t = &self.ws.topics[topic].name;
        let s = match self.rng.below(16) {
            0 => format!("We decided to launch a working group on the {t}, with close participation from our partners."),
            1 => format!("Discussions in {city} showed that there should be no restrictions on the {t}."),
            2 => "We are already very close to a deal.".to_string(),
            3 => format!("Nothing is agreed until everything is agreed, and that includes the {t}."),
            4 => format!("The figures circulating in the press are not the figures on the table in {city}."),
            5 => "We will not accept any arrangement negotiated over the heads of the people concerned.".to_string(),
            6 => format!("Our delegation will stay in {city} for as long as it takes."),
            7 => format!("This is a difficult process, but I see real movement on the {t} compared with last month."),
            8 => "We expect the first results of the working group by the end of the month.".to_string(),
            9 => "I have spoken with my counterparts this morning, and our position is unchanged.".to_string(),
            10 => "significant progress".to_string(),
            11 => "No comment at this stage.".to_string(),
            12 => format!("He called the {t} \\\"a historic step\\\", and we agree with that assessment."),
            13 => format!("There will be no decision on the {t} before the experts have finished their work in {city}."),
            14 => "We need guarantees that are concrete, that can be verified, and that last longer than one electoral cycle.".to_string(),
            _ => format!("Today’s meeting was constructive; we will meet again next week to go through the {t} point by point."),
        };
        match event {
            Some(_) if self.rng.chance(0.1) => {
                format!("{s} The meeting in {city} was the right format for this.")
            }
            _ => s,
        }
    }

    fn statements(&mut self) {
        let n = self.ws.spec.statements;
        let n_events = self.ws.spec.events;
        for _ in 0..n {
            let at = if self.rng.chance(0.65) && n_events > 0 {
                // An event with dates: a statement made at it.
                let mut found = None;
                for _ in 0..5 {
                    let e = self.rng.below(n_events);
                    let ev = &self.ws.events[e];
                    if matches!(ev.form, DateForm::Day { .. } | DateForm::Range { .. }) {
                        found = Some(e);
                        break;
                    }
                }
                found
            } else {
                None
            };
            let (day, speaker, file) = match at {
                Some(e) => {
                    let (lo, hi) = self.ws.events[e].bounds();
                    let day = self.date_between(lo, hi);
                    let persons_at: Vec<usize> = self.ws.events[e]
                        .who
                        .iter()
                        .copied()
                        .filter(|&a| self.ws.actors[a].kind == ActorKind::Person)
                        .collect();
                    let speaker = if persons_at.is_empty() {
                        self.person()
                    } else {
                        *self.rng.pick(&persons_at)
                    };
                    (day, speaker, self.ws.events[e].file)
                }
                None => {
                    let day = self.start.plus(self.rng.below(self.span as usize) as i32);
                    let speaker = self.person();
                    (day, speaker, self.file_of_day(day))
                }
            };
            let month_only = at.is_none() && self.rng.chance(0.04);
            let latest = if month_only { day.month_end() } else { day };
            let source = self.source_for(latest);
            let role = if !self.ws.actors[speaker].roles.is_empty() && self.rng.chance(0.3) {
                Some(self.rng.below(self.ws.actors[speaker].roles.len()))
            } else {
                None
            };
            let topic = match at.and_then(|e| self.ws.events[e].about) {
                Some(t) => t,
                None => self.rng.below(self.ws.topics.len()),
            };
            let quote = self.quote(at, topic);
            let claims = if !month_only && self.rng.chance(0.15) {
                self.relative_date_claim(day)
                    .or_else(|| self.true_assertion(Holder::Actor(speaker), day, None))
            } else {
                None
            };
            self.ws.statements.push(Statement {
                day,
                month_only,
                weekday: !month_only && self.rng.chance(0.1),
                speaker,
                quote,
                at,
                source,
                role,
                claims,
                file,
            });
        }
    }

    /// `@e.date = tomorrow` for an exactly dated event on the next day (or
    /// today / yesterday).
    fn relative_date_claim(&mut self, day: Day) -> Option<Assertion> {
        if !self.rng.chance(0.4) {
            return None;
        }
        let (word, target) = *self
            .rng
            .pick(&[("tomorrow", 1), ("today", 0), ("yesterday", -1)]);
        let target = day.plus(target);
        let i = self
            .dated_exact
            .partition_point(|&e| self.ws.events[e].day < target);
        let e = *self.dated_exact.get(i)?;
        if self.ws.events[e].day != target {
            return None;
        }
        Some(Assertion {
            subject: Subject::Event(e),
            property: "date",
            cmp: Some((Op::Eq, Value::Relative(word))),
            unicode: false,
        })
    }

    /// A true assertion for `holder` on `day` (and `valid` stretch), on a
    /// key the holder has not claimed before.
    fn true_assertion(
        &mut self,
        holder: Holder,
        day: Day,
        valid: Option<(Day, Day)>,
    ) -> Option<Assertion> {
        for _ in 0..4 {
            if self.rng.chance(0.15) && !self.dated_exact.is_empty() {
                // A timeless property of an event that has already happened.
                let i = self
                    .dated_exact
                    .partition_point(|&e| self.ws.events[e].day <= day);
                if i == 0 {
                    continue;
                }
                let e = self.dated_exact[i - 1 - self.rng.below(i.min(20))];
                let prop = if self.rng.chance(0.6) {
                    "participants"
                } else {
                    "date"
                };
                if !self.held.insert((holder, Subject::Event(e), prop)) {
                    continue;
                }
                let ev = &self.ws.events[e];
                let value = if prop == "date" {
                    Value::Date(ev.day, self.rng.chance(0.3))
                } else {
                    Value::Int(ev.participants)
                };
                return Some(Assertion {
                    subject: Subject::Event(e),
                    property: prop,
                    cmp: Some((Op::Eq, value)),
                    unicode: false,
                });
            }
            let s = self.rng.below(self.ws.series.len());
            let series = &self.ws.series[s];
            if let Some((lo, hi)) = valid {
                if !series.constant_over(lo, hi) {
                    continue;
                }
            }
            let (topic, property) = (series.topic, series.property);
            let truth = series.at(day);
            if !self.held.insert((holder, Subject::Topic(topic), property)) {
                continue;
            }
            let cmp = self.true_comparison(truth);
            return Some(Assertion {
                subject: Subject::Topic(topic),
                property,
                cmp,
                unicode: self.rng.chance(0.1),
            });
        }
        None
    }

    /// A comparison true of `truth`.
    fn true_comparison(&mut self, truth: Value) -> Option<(Op, Value)> {
        let r = self.rng.unit();
        let delta = self.rng.range(1, 5);
        let shift = |v: Value, k: i64| match v {
            Value::Int(x) => Value::Int(x + k),
            Value::Tenths(x) => Value::Tenths((x + k * 5).max(1)),
            Value::Percent(x) => Value::Percent((x + k * 5).max(1)),
            Value::Date(d, w) => Value::Date(d.plus(k as i32 * 7), w),
            v => v,
        };
        match truth {
            Value::Bool(b) => {
                if b && r < 0.6 {
                    None
                } else {
                    Some((Op::Eq, Value::Bool(b)))
                }
            }
            Value::Date(d, _) => {
                let w = self.rng.chance(0.3);
                if r < 0.8 {
                    Some((Op::Eq, Value::Date(d, w)))
                } else {
                    Some((Op::Lt, shift(Value::Date(d, w), delta)))
                }
            }
            v => {
                if r < 0.7 {
                    Some((Op::Eq, v))
                } else if r < 0.76 {
                    Some((Op::Gt, shift(v, -delta)))
                } else if r < 0.82 {
                    Some((Op::Ge, shift(v, -delta + 1)))
                } else if r < 0.88 {
                    Some((Op::Lt, shift(v, delta)))
                } else if r < 0.94 {
                    Some((Op::Le, shift(v, delta - 1)))
                } else {
                    Some((Op::Ne, shift(v, delta)))
                }
            }
        }
    }

    fn role_of(&mut self, holder: Holder) -> Option<usize> {
        match holder {
            Holder::Actor(a) if !self.ws.actors[a].roles.is_empty() && self.rng.chance(0.35) => {
                Some(self.rng.below(self.ws.actors[a].roles.len()))
            }
            _ => None,
        }
    }

    fn claims(&mut self) {
        let n = self.ws.spec.claims;
        for _ in 0..n {
            let r = self.rng.unit();
            let verb = if r < 0.6 {
                Verb::Claims
            } else if r < 0.9 {
                Verb::Reports
            } else {
                Verb::Denies
            };
            let holder = if verb == Verb::Reports && self.rng.chance(0.6) {
                Holder::Source(*self.rng.pick(&self.outlets))
            } else {
                let a = if self.rng.chance(0.7) {
                    self.person()
                } else {
                    self.some_actor()
                };
                Holder::Actor(a)
            };
            let day = self.start.plus(self.rng.below(self.span as usize) as i32);
            let valid = if verb != Verb::Denies && self.rng.chance(0.05) {
                Some((day, day.plus(self.rng.range(3, 30) as i32)))
            } else {
                None
            };
            let assertion = if verb == Verb::Denies {
                self.false_assertion(holder, day)
            } else {
                self.true_assertion(holder, day, valid)
            };
            let Some(assertion) = assertion else { continue };
            let source = match holder {
                Holder::Source(_) => None,
                Holder::Actor(_) => Some(self.source_for(day)),
            };
            let role = self.role_of(holder);
            // `about:` an event that is over by the claim's day.
            let about = if self.rng.chance(0.3) {
                match assertion.subject {
                    Subject::Event(e) => Some(e),
                    Subject::Topic(_) => {
                        let i = self
                            .dated_exact
                            .partition_point(|&e| self.ws.events[e].day <= day);
                        (i > 0).then(|| self.dated_exact[i - 1 - self.rng.below(i.min(10))])
                    }
                }
            } else {
                None
            };
            let id = if self.rng.chance(0.05) {
                let stem = match holder {
                    Holder::Actor(a) => self.ws.actors[a].id.clone(),
                    Holder::Source(s) => self.ws.sources[s].id.clone(),
                };
                Some(self.ids.take(&format!("{stem}-{}", assertion.property)))
            } else {
                None
            };
            let file = if self.rng.chance(0.08) {
                self.some_note_file()
            } else {
                self.file_of_day(day)
            };
            self.ws.claims.push(Claim {
                day,
                weekday: self.rng.chance(0.1),
                holder,
                verb,
                assertion,
                source,
                role,
                about,
                valid,
                id,
                file,
                planted: false,
            });
        }
    }

    /// An assertion that is false on `day`, for `denies`.
    fn false_assertion(&mut self, holder: Holder, day: Day) -> Option<Assertion> {
        for _ in 0..4 {
            let s = self.rng.below(self.ws.series.len());
            let (topic, property) = (self.ws.series[s].topic, self.ws.series[s].property);
            let truth = self.ws.series[s].at(day);
            if !self.held.insert((holder, Subject::Topic(topic), property)) {
                continue;
            }
            let k = self.rng.range(1, 6);
            let cmp = match truth {
                Value::Bool(true) => Some((Op::Eq, Value::Bool(false))),
                Value::Bool(false) => None,
                Value::Int(x) => Some((Op::Eq, Value::Int(x + k))),
                Value::Tenths(x) => Some((Op::Eq, Value::Tenths(x + k * 5))),
                Value::Percent(x) => Some((Op::Eq, Value::Percent(x + k * 5))),
                Value::Date(d, _) => Some((Op::Eq, Value::Date(d.plus(k as i32), false))),
                Value::Relative(_) => continue,
            };
            return Some(Assertion {
                subject: Subject::Topic(topic),
                property,
                cmp,
                unicode: false,
            });
        }
        None
    }

    /// Makes every report cited at least once (an unused definition is a
    /// hint), by the latest event before its publication that cites an
    /// outlet.
    fn cite_every_report(&mut self) {
        let mut cited = vec![false; self.ws.sources.len()];
        for e in &self.ws.events {
            cited[e.source] = true;
        }
        for s in &self.ws.statements {
            cited[s.source] = true;
        }
        for c in &self.ws.claims {
            if let Some(s) = c.source {
                cited[s] = true;
            }
        }
        for r in self.reports.clone() {
            if cited[r] {
                continue;
            }
            let published = self.ws.sources[r].published.unwrap_or(self.start);
            let below = self
                .ws
                .events
                .partition_point(|e| e.bounds().1 <= published);
            let e = (0..below).rev().find(|&e| {
                self.ws.events[e].dated()
                    && self.ws.events[e].bounds().1 <= published
                    && self.ws.sources[self.ws.events[e].source].kind == SourceKind::Outlet
            });
            if let Some(e) = e {
                self.ws.events[e].source = r;
            }
        }
    }

    /// A topic property that no claim has touched.
    fn fresh_key(&mut self) -> (usize, &'static str, PropKind) {
        for _ in 0..100 {
            let t = self.rng.below(self.ws.topics.len());
            let (p, kind) = *self.rng.pick(TOPIC_PROPS);
            // Every claim on a topic property follows a series, so a
            // property without one is untouched.
            let used = self
                .ws
                .series
                .iter()
                .any(|s| s.topic == t && s.property == p);
            if !used {
                // Reserve it.
                self.ws.series.push(Series {
                    topic: t,
                    property: p,
                    steps: vec![(Day(i32::MIN), Value::Int(0))],
                });
                return (t, p, kind);
            }
        }
        // Every topic is saturated: add one.
        let t = self.ws.topics.len();
        let id = self.ids.take("disputed-figure");
        self.ws.topics.push(Topic {
            id,
            name: "Disputed figure".to_string(),
            kind: "figure",
            file: self
                .ws
                .files
                .iter()
                .position(|f| f.definitions)
                .unwrap_or(0),
        });
        (t, "points", PropKind::Int(12, 40))
    }

    fn planted_claim(
        &mut self,
        holder: Holder,
        verb: Verb,
        day: Day,
        assertion: Assertion,
        file: usize,
    ) -> usize {
        let source = match holder {
            Holder::Source(_) => None,
            Holder::Actor(_) => Some(*self.rng.pick(&self.outlets)),
        };
        self.ws.claims.push(Claim {
            day,
            weekday: false,
            holder,
            verb,
            assertion,
            source,
            role: None,
            about: None,
            valid: None,
            id: None,
            file,
            planted: true,
        });
        self.ws.claims.len() - 1
    }

    fn two_holders(&mut self) -> (Holder, Holder) {
        let a = Holder::Actor(self.person());
        loop {
            let b = if self.rng.chance(0.5) {
                Holder::Source(*self.rng.pick(&self.outlets))
            } else {
                Holder::Actor(self.person())
            };
            if b != a {
                return (a, b);
            }
        }
    }

    fn conflicts(&mut self) {
        let kinds = [
            ConflictKind::ClaimValues,
            ConflictKind::OrderingCycle,
            ConflictKind::ClaimDenied,
        ];
        for c in 0..self.ws.spec.conflicts {
            let kind = kinds[c % kinds.len()];
            let day = self.start.plus(self.rng.below(self.span as usize) as i32);
            let f1 = self.file_of_day(day);
            let f2 = if self.rng.chance(0.5) {
                self.some_note_file()
            } else {
                f1
            };
            match kind {
                ConflictKind::ClaimValues | ConflictKind::ClaimDenied => {
                    let (t, p, pk) = self.fresh_key();
                    let (h1, h2) = self.two_holders();
                    let v1 = self.value_of(pk, None);
                    let v2 = self.value_of(pk, Some(v1));
                    let (a1, a2, verb2) = if kind == ConflictKind::ClaimValues {
                        let a = |v| Assertion {
                            subject: Subject::Topic(t),
                            property: p,
                            cmp: Some((Op::Eq, v)),
                            unicode: false,
                        };
                        let verb2 = if matches!(h2, Holder::Source(_)) {
                            Verb::Reports
                        } else {
                            Verb::Claims
                        };
                        (a(v1), a(v2), verb2)
                    } else {
                        let cmp = match v1 {
                            Value::Bool(_) => None,
                            v => Some((Op::Eq, v)),
                        };
                        let a = Assertion {
                            subject: Subject::Topic(t),
                            property: p,
                            cmp,
                            unicode: false,
                        };
                        (a.clone(), a, Verb::Denies)
                    };
                    let c1 = self.planted_claim(h1, Verb::Claims, day, a1, f1);
                    let c2 = self.planted_claim(h2, verb2, day, a2, f2);
                    let what = if kind == ConflictKind::ClaimValues {
                        "different values for"
                    } else {
                        "claims and denies"
                    };
                    let description = format!("{what} @{}.{p} on {day}", self.ws.topics[t].id);
                    self.ws.conflicts.push(Conflict {
                        kind,
                        entries: vec![EntryRef::Claim(c1), EntryRef::Claim(c2)],
                        description,
                    });
                }
                ConflictKind::OrderingCycle => {
                    let first = self.ws.events.len();
                    if self.rng.chance(0.5) {
                        // Undated events whose `before:` go round in a circle,
                        // with one link of at least a day (two events on one
                        // day may be before each other).
                        let k = self.rng.range(2, 4) as usize;
                        for j in 0..k {
                            let mut e = self.new_event(day, DateForm::Undated, true);
                            e.before.push(Link {
                                event: first + (j + 1) % k,
                                days: u32::from(j + 1 == k),
                            });
                            e.source = *self.rng.pick(&self.outlets);
                            e.file = if j == 0 { f1 } else { f2 };
                            self.ws.events.push(e);
                        }
                    } else {
                        // A dated event after another dated later.
                        let form = DateForm::Day {
                            weekday: false,
                            time: None,
                            qualifier: Qualifier::None,
                        };
                        let mut a = self.new_event(day, form, true);
                        let later = day.plus(self.rng.range(1, 5) as i32);
                        let mut b = self.new_event(later, form, true);
                        a.after.push(Link {
                            event: first + 1,
                            days: 0,
                        });
                        a.source = *self.rng.pick(&self.outlets);
                        b.source = *self.rng.pick(&self.outlets);
                        a.file = f1;
                        b.file = f2;
                        self.ws.events.push(a);
                        self.ws.events.push(b);
                    }
                    let ids: Vec<String> = self.ws.events[first..]
                        .iter()
                        .map(|e| format!("@{}", e.id))
                        .collect();
                    let description = if self.ws.events[first].dated() {
                        format!(
                            "{} ({}) is after {} ({})",
                            ids[0],
                            self.ws.events[first].day,
                            ids[1],
                            self.ws.events[first + 1].day
                        )
                    } else {
                        format!(
                            "ordering cycle: {} before {} - 1d",
                            ids.join(" before "),
                            ids[0]
                        )
                    };
                    self.ws.conflicts.push(Conflict {
                        kind,
                        entries: (first..self.ws.events.len()).map(EntryRef::Event).collect(),
                        description,
                    });
                }
            }
        }
    }

    fn name_note_files(&mut self) {
        let mut names = Ids::default();
        let mut first_event: Vec<Option<usize>> = vec![None; self.ws.files.len()];
        for (i, e) in self.ws.events.iter().enumerate() {
            if !e.planted && first_event[e.file].is_none() {
                first_event[e.file] = Some(i);
            }
        }
        for (k, &f) in self.note_files.iter().enumerate() {
            let day = self.note_first_day[k];
            let (y, m, _) = day.ymd();
            let first_event = first_event[f].map_or("notes", |e| self.ws.events[e].id.as_str());
            let stem = format!("notes/{y}/{m:02}/{day}-{first_event}");
            self.ws.files[f].path = format!("{}.chron", names.take(&stem));
        }
        if self.ws.spec.files == 1 {
            self.ws.files[0].path = "notes.chron".to_string();
        }
        // Descriptions name the files, known only now.
        for c in &mut self.ws.conflicts {
            let mut paths: Vec<&str> = Vec::new();
            for e in &c.entries {
                let f = match *e {
                    EntryRef::Event(i) => self.ws.events[i].file,
                    EntryRef::Claim(i) => self.ws.claims[i].file,
                };
                let p = self.ws.files[f].path.as_str();
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
            let _ = write!(c.description, " (in {})", paths.join(", "));
        }
    }
}

// ───────────────────────────── Render ─────────────────────────────

/// Builds and renders a workspace: `(relative path, contents)` per file.
pub fn generate(spec: &Spec) -> Vec<(String, String)> {
    render(&build(spec))
}

/// One file of exactly `lines` lines: definitions first, then notes. The
/// story is sized to end just past `lines` (within about 2%) and cut at a
/// line boundary, so only a few references near the end point past the cut.
pub fn single_file(lines: usize, seed: u64) -> String {
    single_file_beside(lines, seed, &HashSet::new())
}

/// [`single_file`] for a workspace whose IDs are `taken`: the file defines
/// its own IDs, none of them already defined there.
pub fn single_file_beside(lines: usize, seed: u64, taken: &HashSet<String>) -> String {
    let text = fitted(lines, seed, 9, taken, |t| t.lines().count());
    let cut = text
        .match_indices('\n')
        .nth(lines.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i + 1);
    let mut text = text;
    text.truncate(cut);
    text
}

/// One file of at most `bytes` bytes and within one line of it,
/// definitions first, then notes; sized and cut like [`single_file`].
pub fn notes_of_size(bytes: usize, seed: u64) -> String {
    let mut text = fitted(bytes, seed, 330, &HashSet::new(), str::len);
    if text.len() > bytes {
        let cut = text[..bytes].rfind('\n').map_or(0, |i| i + 1);
        text.truncate(cut);
    }
    text
}

/// A one-file story whose `measure` is at least `target` and, when a few
/// attempts allow, at most 2% more; `per_unit` is a first guess of the
/// measure of one event's worth of notes.
fn fitted(
    target: usize,
    seed: u64,
    per_unit: usize,
    taken: &HashSet<String>,
    measure: impl Fn(&str) -> usize,
) -> String {
    let mut units = target / per_unit + 10;
    let mut attempt = 0;
    loop {
        let text = one_file(units, seed, taken);
        let n = measure(&text).max(1);
        if n >= target && (n <= target + target / 50 || attempt >= 4) {
            return text;
        }
        attempt += 1;
        let scale = if n < target && attempt >= 4 {
            1.1
        } else {
            1.005
        };
        units = (units as f64 * target as f64 / n as f64 * scale).ceil() as usize + 1;
    }
}

fn one_file(units: usize, seed: u64, taken: &HashSet<String>) -> String {
    render(&build_beside(&Spec::one_file(units, seed), taken))
        .pop()
        .map(|(_, text)| text)
        .unwrap_or_default()
}

/// Renders every file of a workspace, in the order of [`Workspace::files`].
pub fn render(ws: &Workspace) -> Vec<(String, String)> {
    let n = ws.files.len();
    let mut actors = vec![Vec::new(); n];
    let mut sources = vec![Vec::new(); n];
    let mut topics = vec![Vec::new(); n];
    for (i, a) in ws.actors.iter().enumerate() {
        actors[a.file].push(i);
    }
    for (i, s) in ws.sources.iter().enumerate() {
        sources[s.file].push(i);
    }
    for (i, t) in ws.topics.iter().enumerate() {
        topics[t.file].push(i);
    }
    let items = items_by_file(ws);
    let base = Rng::new(ws.spec.seed ^ RENDER_SALT);
    let mut out = Vec::with_capacity(n);
    for (f, info) in ws.files.iter().enumerate() {
        let mut r = Renderer::new(ws, base.fork(f as u64 + 1));
        if info.definitions {
            r.definitions(f, &actors[f], &sources[f], &topics[f]);
        }
        if info.notes {
            if info.definitions {
                r.out.push('\n');
            }
            r.notes(&items[f]);
        }
        out.push((info.path.clone(), r.out));
    }
    out
}

/// Mixed into the seed for the randomness of the rendering (prose,
/// headings, comments, blank lines).
const RENDER_SALT: u64 = 0x5eed_0f7e_87ab;

/// The events, statements and claims of each file, in the order they are
/// written: by day, events first, then statements, then claims.
fn items_by_file(ws: &Workspace) -> Vec<Vec<Item>> {
    let mut items: Vec<Vec<Item>> = vec![Vec::new(); ws.files.len()];
    for (i, e) in ws.events.iter().enumerate() {
        items[e.file].push(Item::Event(i));
    }
    for (i, s) in ws.statements.iter().enumerate() {
        items[s.file].push(Item::Statement(i));
    }
    for (i, c) in ws.claims.iter().enumerate() {
        items[c.file].push(Item::Claim(i));
    }
    for its in &mut items {
        its.sort_by_key(|it| (it.day(ws), it.rank(), it.index()));
    }
    items
}

/// The written date of an event (nothing for an undated one):
/// `2025-11-25T14:00Z? (Tue)`, `2025-11~`, `2025-11-25/2025-11-27`.
fn write_event_date(out: &mut String, e: &Event) {
    match e.form {
        DateForm::Undated => {}
        DateForm::Day {
            weekday,
            time,
            qualifier,
        } => {
            let _ = write!(out, "{}", e.day);
            if let Some((h, m)) = time {
                let _ = write!(out, "T{h:02}:{m:02}Z");
            }
            out.push_str(qualifier.suffix());
            if weekday {
                let _ = write!(out, " ({})", e.day.weekday_abbr());
            }
        }
        DateForm::Month { qualifier } => {
            let (y, m, _) = e.day.ymd();
            let _ = write!(out, "{y}-{m:02}{}", qualifier.suffix());
        }
        DateForm::Range { end } => {
            let _ = write!(out, "{}/{end}", e.day);
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Item {
    Event(usize),
    Statement(usize),
    Claim(usize),
}

impl Item {
    fn day(self, ws: &Workspace) -> Day {
        match self {
            Item::Event(i) => ws.events[i].day,
            Item::Statement(i) => ws.statements[i].day,
            Item::Claim(i) => ws.claims[i].day,
        }
    }
    fn rank(self) -> u8 {
        match self {
            Item::Event(_) => 0,
            Item::Statement(_) => 1,
            Item::Claim(_) => 2,
        }
    }
    fn index(self) -> usize {
        match self {
            Item::Event(i) | Item::Statement(i) | Item::Claim(i) => i,
        }
    }
}

/// IDs available for prose mentions in the current file.
#[derive(Default)]
struct Ctx {
    persons: Vec<usize>,
    others: Vec<usize>,
    events: Vec<usize>,
    topics: Vec<usize>,
    sources: Vec<usize>,
}

const PROSE: &[&str] = &[
    "{P} stressed that {T} would not be reopened before the next round in {C}.",
    "Officials in {C} described the talks as difficult but constructive; a second round is expected within days.",
    "According to {S}, the draft was circulated to delegations late on the evening before {E}.",
    "{P} added that {A} would contribute once the legal questions around {T} are settled.",
    "The figures differ between outlets, and none of them cites a primary document.",
    "It is not clear whether {P} attended {E} in person or joined by video link.",
    "The timing relative to {E} is inferred from the order of the wire reports, not stated anywhere.",
    "Several delegations, including {A} and {A}, asked for more time to study the text.",
    "{P} met {P} on the margins of {E}; no readout was published.",
    "The meeting agreed to move, in the coming days, on {T}; {P} stressed that nothing is final.",
    "Reporting on {T} remains thin, and most of it traces back to a single briefing in {C}.",
    "A joint statement was expected after {E} but had not appeared by the evening.",
    "The wording on {T} changed twice between the draft and the published text.",
    "{A} has not commented publicly; a spokesperson said only that consultations continue.",
    "Background: {T} has been on the agenda since the spring, with little visible progress.",
    "Earlier coverage by {S} put the number of participants higher, without giving a source.",
    "Local media in {C} reported protests outside the venue on the first day of {E}.",
    "Compare with the position {P} took before {E}, which was noticeably more cautious.",
    "Nobody would confirm on the record that {T} was discussed at all.",
    "Two versions of the readout circulate; the shorter one leaves out the passage on {T}.",
    "{P} is expected to brief {A} next week.",
    "Worth checking: {S} dates this a day later than everyone else.",
];

const COMMENTS: &[&str] = &[
    "Figures below are as reported, not verified.",
    "Times are UTC unless noted.",
    "See also the notes of the previous week.",
    "Unclear whether this was the same meeting as the one reported the day before.",
    "TODO: confirm the dates against the official readouts.",
    "Quotes are verbatim from the wire copy; translations are marked.",
];

const SECTION_TITLES: &[&str] = &[
    "Reactions",
    "Statements",
    "Figures",
    "Other reports",
    "Follow-up",
    "Background",
    "Open questions",
    "Elsewhere",
];

struct Renderer<'a> {
    ws: &'a Workspace,
    rng: Rng,
    out: String,
    ctx: Ctx,
}

impl<'a> Renderer<'a> {
    fn new(ws: &'a Workspace, rng: Rng) -> Renderer<'a> {
        Renderer {
            ws,
            rng,
            out: String::with_capacity(4096),
            ctx: Ctx::default(),
        }
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// Ends the output with one blank line.
    fn blank(&mut self) {
        while !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn comment(&mut self, s: &str) {
        self.out.push_str("// ");
        self.line(s);
    }

    fn definitions(&mut self, f: usize, actors: &[usize], sources: &[usize], topics: &[usize]) {
        let ws = self.ws;
        let defs = ws.files.iter().filter(|f| f.definitions).count();
        let part = ws.files[..f].iter().filter(|f| f.definitions).count() + 1;
        if defs > 1 {
            let _ = writeln!(self.out, "# Actors and sources — part {part} of {defs}");
        } else {
            self.line("# Actors and sources");
        }
        self.out.push('\n');
        self.comment("People, states, organisations and groups that appear in the notes.");
        if !ws.files[f].notes {
            self.comment("Events and statements live under notes/, one file per stretch of days.");
        }
        self.out.push('\n');
        if self.rng.chance(0.3) {
            self.line(
                "Roles are as of the start of 2024; later changes are noted where they happen.",
            );
            self.out.push('\n');
        }
        let groups: [(&str, &[ActorKind]); 3] = [
            ("People", &[ActorKind::Person]),
            (
                "States and organisations",
                &[ActorKind::State, ActorKind::Organisation],
            ),
            ("Groups", &[ActorKind::Group]),
        ];
        for (title, kinds) in groups {
            let these: Vec<usize> = actors
                .iter()
                .copied()
                .filter(|&a| kinds.contains(&ws.actors[a].kind))
                .collect();
            if these.is_empty() {
                continue;
            }
            let _ = writeln!(self.out, "## {title}\n");
            for a in these {
                self.actor(a);
                self.out.push('\n');
            }
        }
        if !sources.is_empty() || !topics.is_empty() {
            self.line("## Sources and topics\n");
            for &s in sources {
                self.source(s);
                self.out.push('\n');
            }
            for &t in topics {
                let topic = &ws.topics[t];
                let _ = writeln!(self.out, "topic {} \"{}\"", topic.id, topic.name);
                if self.rng.chance(0.7) {
                    let _ = writeln!(self.out, "  kind: {}", topic.kind);
                }
                self.out.push('\n');
            }
        }
        // No trailing blank line.
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }

    fn actor(&mut self, a: usize) {
        let ws = self.ws;
        let actor = &ws.actors[a];
        let _ = writeln!(self.out, "actor {} \"{}\"", actor.id, actor.name);
        let _ = writeln!(self.out, "  kind: {}", actor.kind.word());
        if !actor.aka.is_empty() {
            let aka: Vec<String> = actor.aka.iter().map(|s| format!("\"{s}\"")).collect();
            let _ = writeln!(self.out, "  aka: {}", aka.join(", "));
        }
        for role in &actor.roles {
            let _ = write!(
                self.out,
                "  role: {} @{}",
                role.title, ws.actors[role.of].id
            );
            if let Some(since) = role.since {
                let _ = write!(self.out, " since {since}");
            }
            self.out.push('\n');
        }
        if let Some(d) = actor.born {
            let _ = writeln!(self.out, "  born: {d}");
        }
        if let Some(d) = actor.founded {
            let _ = writeln!(self.out, "  founded: {d}");
        }
        if !actor.members.is_empty() {
            let m: Vec<String> = actor
                .members
                .iter()
                .map(|&m| format!("@{}", ws.actors[m].id))
                .collect();
            let _ = writeln!(self.out, "  members: {}", m.join(", "));
        }
    }

    fn source(&mut self, s: usize) {
        let ws = self.ws;
        let src = &ws.sources[s];
        let _ = writeln!(self.out, "source {} \"{}\"", src.id, src.name);
        let kind = match src.kind {
            SourceKind::Outlet => "outlet",
            SourceKind::Report => "report",
        };
        let _ = writeln!(self.out, "  kind: {kind}");
        if let Some(by) = src.by {
            let _ = writeln!(self.out, "  by: @{}", ws.actors[by].id);
        }
        if let Some(d) = src.published {
            let _ = writeln!(self.out, "  published: {d}");
        }
        if let Some(url) = &src.url {
            let _ = writeln!(self.out, "  url: {url}");
        }
    }

    fn collect_ctx(&mut self, items: &[Item]) {
        let ws = self.ws;
        let mut ctx = Ctx::default();
        let add_actor = |ctx: &mut Ctx, a: usize| {
            let list = if ws.actors[a].kind == ActorKind::Person {
                &mut ctx.persons
            } else {
                &mut ctx.others
            };
            if !list.contains(&a) {
                list.push(a);
            }
        };
        for &it in items {
            match it {
                Item::Event(i) => {
                    let e = &ws.events[i];
                    ctx.events.push(i);
                    for &a in &e.who {
                        add_actor(&mut ctx, a);
                    }
                    if let Some(t) = e.about {
                        ctx.topics.push(t);
                    }
                    ctx.sources.push(e.source);
                }
                Item::Statement(i) => {
                    add_actor(&mut ctx, ws.statements[i].speaker);
                    ctx.sources.push(ws.statements[i].source);
                }
                Item::Claim(i) => {
                    if let Subject::Topic(t) = ws.claims[i].assertion.subject {
                        ctx.topics.push(t);
                    }
                }
            }
        }
        self.ctx = ctx;
    }

    fn pick_id(&mut self, key: char) -> String {
        let ws = self.ws;
        let (local, global): (&[usize], usize) = match key {
            'P' => (&self.ctx.persons, ws.actors.len()),
            'A' => (&self.ctx.others, ws.actors.len()),
            'E' => (&self.ctx.events, ws.events.len()),
            'T' => (&self.ctx.topics, ws.topics.len()),
            _ => (&self.ctx.sources, ws.sources.len()),
        };
        let i = if local.is_empty() || self.rng.chance(0.1) {
            self.rng.below(global.max(1))
        } else {
            local[self.rng.below(local.len())]
        };
        let id = match key {
            'P' | 'A' => ws.actors.get(i).map(|a| a.id.as_str()),
            'E' => ws.events.get(i).map(|e| e.id.as_str()),
            'T' => ws.topics.get(i).map(|t| t.id.as_str()),
            _ => ws.sources.get(i).map(|s| s.id.as_str()),
        };
        match id {
            Some(id) => format!("@{id}"),
            None => "the other side".to_string(),
        }
    }

    fn sentence(&mut self) -> String {
        let t = *self.rng.pick(PROSE);
        let mut s = String::with_capacity(t.len() + 40);
        let mut chars = t.chars();
        while let Some(c) = chars.next() {
            if c == '{' {
                let key = chars.next().unwrap_or('S');
                chars.next(); // }
                if key == 'C' {
                    let city = self.rng.pick(CITIES).0;
                    s.push_str(city);
                } else {
                    let id = self.pick_id(key);
                    s.push_str(&id);
                }
            } else {
                s.push(c);
            }
        }
        s
    }

    /// One prose line of 60–200 characters (most of the time).
    fn prose_line(&mut self) -> String {
        let mut s = self.sentence();
        if s.chars().count() < 60 || self.rng.chance(0.15) {
            let t = self.sentence();
            if s.chars().count() + t.chars().count() < 200 {
                s.push(' ');
                s.push_str(&t);
            }
        }
        s
    }

    fn paragraph(&mut self) {
        let n = 1 + usize::from(self.rng.chance(0.35)) + usize::from(self.rng.chance(0.1));
        for _ in 0..n {
            let l = self.prose_line();
            self.line(&l);
        }
    }

    fn notes(&mut self, items: &[Item]) {
        let ws = self.ws;
        self.collect_ctx(items);
        let first = items
            .iter()
            .find(|it| matches!(it, Item::Event(_)))
            .or(items.first())
            .map(|it| it.day(ws));
        let title = items
            .iter()
            .find_map(|&it| match it {
                Item::Event(i) => ws.events[i].about,
                _ => None,
            })
            .map_or("Notes", |t| ws.topics[t].name.as_str());
        match first {
            Some(d) => {
                let monday = d.plus(-(d.weekday() as i32));
                let _ = writeln!(self.out, "# {title} — week of {}", monday.long());
            }
            None => {
                let _ = writeln!(self.out, "# {title}");
            }
        }
        self.out.push('\n');
        if self.rng.chance(0.5) {
            if let Some(&s) = self.ctx.sources.first() {
                let src = &ws.sources[s];
                let when = first.map_or(String::new(), |d| format!(", {}", d.long()));
                let _ = writeln!(self.out, "// Source: {}{when}.", src.name);
            } else {
                let c = *self.rng.pick(COMMENTS);
                self.comment(c);
            }
            self.out.push('\n');
        }
        if items.is_empty() || self.rng.chance(0.3) {
            self.paragraph();
            self.out.push('\n');
        }
        let mut until_section = 0;
        for &it in items {
            if until_section == 0 {
                self.blank();
                let t = self.section_title(it);
                let _ = writeln!(self.out, "## {t}\n");
                until_section = self.rng.range(4, 10);
            } else if self.rng.chance(0.88) {
                self.blank();
            }
            until_section -= 1;
            match it {
                Item::Event(i) => self.event(i),
                Item::Statement(i) => self.statement(i),
                Item::Claim(i) => self.claim(i),
            }
            if self.rng.chance(0.25) {
                self.blank();
                self.paragraph();
                self.blank();
            }
        }
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }

    fn section_title(&mut self, it: Item) -> String {
        let ws = self.ws;
        if let Item::Event(i) = it {
            let e = &ws.events[i];
            let r = self.rng.unit();
            if let (Some((city, _)), true) = (e.place, r < 0.4) {
                return city.to_string();
            }
            if let (Some(t), true) = (e.about, r < 0.75) {
                return ws.topics[t].name.clone();
            }
            if r < 0.85 {
                return format!("@{} and after", e.id);
            }
        }
        self.rng.pick(SECTION_TITLES).to_string()
    }

    fn fields_comment(&mut self) {
        if self.rng.chance(0.02) {
            self.line("  // the readout gives no time of day");
        }
    }

    fn event(&mut self, i: usize) {
        let ws = self.ws;
        let e = &ws.events[i];
        if e.dated() {
            write_event_date(&mut self.out, e);
            self.out.push(' ');
        }
        let _ = writeln!(self.out, "event {}: {}", e.id, e.title);
        let _ = writeln!(self.out, "  kind: {}", e.kind);
        let refs = |xs: &[usize]| -> String {
            xs.iter()
                .map(|&a| format!("@{}", ws.actors[a].id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !e.led_by.is_empty() {
            let _ = writeln!(self.out, "  led-by: {}", refs(&e.led_by));
            if e.who.len() > 2 {
                let _ = writeln!(self.out, "  who: {}", refs(&e.who[2..]));
            }
        } else {
            let _ = writeln!(self.out, "  who: {}", refs(&e.who));
        }
        match e.place {
            Some((city, Some(state))) => {
                let _ = writeln!(self.out, "  where: {city}, @{}", ws.actors[state].id);
            }
            Some((city, None)) => {
                let _ = writeln!(self.out, "  where: {city}");
            }
            None if e.kind == "meeting" || e.kind == "call" => {
                self.line("  where: online");
            }
            None => {}
        }
        self.fields_comment();
        if let Some(t) = e.about {
            let _ = writeln!(self.out, "  about: @{}", ws.topics[t].id);
        }
        let evs = |xs: &[Link], sign: char| -> String {
            xs.iter()
                .map(|l| {
                    let id = &ws.events[l.event].id;
                    match l.days {
                        0 => format!("@{id}"),
                        7 => format!("@{id} {sign} 1w"),
                        d => format!("@{id} {sign} {d}d"),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !e.after.is_empty() {
            let _ = writeln!(self.out, "  after: {}", evs(&e.after, '+'));
        }
        if !e.before.is_empty() {
            let _ = writeln!(self.out, "  before: {}", evs(&e.before, '-'));
        }
        let _ = writeln!(self.out, "  source: @{}", ws.sources[e.source].id);
    }

    fn assertion(&mut self, a: &Assertion) {
        let ws = self.ws;
        let subject = match a.subject {
            Subject::Topic(t) => &ws.topics[t].id,
            Subject::Event(e) => &ws.events[e].id,
        };
        let _ = write!(self.out, "@{subject}.{}", a.property);
        let Some((op, value)) = a.cmp else { return };
        let op = match (op, a.unicode) {
            (Op::Eq, _) => "=",
            (Op::Ne, false) => "!=",
            (Op::Ne, true) => "≠",
            (Op::Lt, _) => "<",
            (Op::Le, false) => "<=",
            (Op::Le, true) => "≤",
            (Op::Gt, _) => ">",
            (Op::Ge, false) => ">=",
            (Op::Ge, true) => "≥",
        };
        let _ = write!(self.out, " {op} ");
        let _ = match value {
            Value::Int(x) => write!(self.out, "{x}"),
            Value::Tenths(x) => write!(self.out, "{}.{}", x / 10, x % 10),
            Value::Percent(x) if x % 10 == 0 => write!(self.out, "{}%", x / 10),
            Value::Percent(x) => write!(self.out, "{}.{}%", x / 10, x % 10),
            Value::Date(d, false) => write!(self.out, "{d}"),
            Value::Date(d, true) => write!(self.out, "{d} ({})", d.weekday_abbr()),
            Value::Bool(b) => write!(self.out, "{}", if b { "yes" } else { "no" }),
            Value::Relative(w) => write!(self.out, "{w}"),
        };
    }

    fn entry_date(&mut self, day: Day, weekday: bool) {
        let _ = write!(self.out, "{day}");
        if weekday {
            let _ = write!(self.out, " ({})", day.weekday_abbr());
        }
        self.out.push(' ');
    }

    fn role(&mut self, actor: usize, role: Option<usize>) {
        if let Some(r) = role {
            let ws = self.ws;
            let role = &ws.actors[actor].roles[r];
            let _ = writeln!(self.out, "  as: {} @{}", role.title, ws.actors[role.of].id);
        }
    }

    fn statement(&mut self, i: usize) {
        let ws = self.ws;
        let s = &ws.statements[i];
        if s.month_only {
            let (y, m, _) = s.day.ymd();
            let _ = write!(self.out, "{y}-{m:02} ");
        } else {
            self.entry_date(s.day, s.weekday);
        }
        let _ = writeln!(
            self.out,
            "@{} said \"{}\"",
            ws.actors[s.speaker].id, s.quote
        );
        self.role(s.speaker, s.role);
        if let Some(e) = s.at {
            let _ = writeln!(self.out, "  at: @{}", ws.events[e].id);
        }
        let _ = writeln!(self.out, "  source: @{}", ws.sources[s.source].id);
        if let Some(a) = &s.claims {
            self.out.push_str("  claims: ");
            self.assertion(a);
            self.out.push('\n');
        }
    }

    fn claim(&mut self, i: usize) {
        let ws = self.ws;
        let c = &ws.claims[i];
        self.entry_date(c.day, c.weekday);
        let verb = match c.verb {
            Verb::Claims => "claims",
            Verb::Denies => "denies",
            Verb::Reports => "reports",
        };
        let holder = match c.holder {
            Holder::Actor(a) => &ws.actors[a].id,
            Holder::Source(s) => &ws.sources[s].id,
        };
        let _ = write!(self.out, "@{holder} {verb} ");
        self.assertion(&c.assertion);
        self.out.push('\n');
        if let Holder::Actor(a) = c.holder {
            self.role(a, c.role);
        }
        if let Some(s) = c.source {
            let _ = writeln!(self.out, "  source: @{}", ws.sources[s].id);
        }
        if let Some(e) = c.about {
            let _ = writeln!(self.out, "  about: @{}", ws.events[e].id);
        }
        if let Some((lo, hi)) = c.valid {
            let _ = writeln!(self.out, "  valid: {lo}/{hi}");
        }
        if let Some(id) = &c.id {
            let _ = writeln!(self.out, "  id: {id}");
        }
    }
}

// ───────────────────────────── Markdown vault ─────────────────────────────

/// Lines of the big note of [`render_vault`], like the `big.chron` of the
/// benchmarks.
pub const VAULT_BIG_LINES: usize = 20_000;

/// Path of the big note of [`render_vault`] (its last file).
pub const VAULT_BIG_NOTE: &str = "big.md";

/// Renders the story as an Obsidian-style Markdown vault, for comparing
/// Chronicle with Markdown note servers on the same workload: `(relative
/// path, contents)` per note, [`VAULT_BIG_NOTE`] last.
///
/// * `actors/<id>.md`, `sources/<id>.md`, `topics/<id>.md`: one note per
///   definition, titled with its name, with YAML frontmatter (`aliases:` with
///   the name and the `aka:` names, which Obsidian and markdown-oxide
///   resolve links by) and the fields as a list; roles, members and
///   authors are `[[links]]`.
/// * `events/<id>.md`: one note per event: date (`date:` in the frontmatter
///   when it has one), the title as heading, then participants, place,
///   topic, the events it is after/before (with their gaps) and its source,
///   as `[[links]]`.
/// * One story note per `*.chron` note file, at the same path with `.md`
///   (`notes/YYYY/MM/….md`): the same headings, prose paragraphs, comments
///   (as `<!-- … -->`), statements and claims as list items with their
///   fields as nested items; an event is one item linking to its note. Every
///   `@id` becomes `[[id|Name]]` (actors, sources, topics) or `[[id]]`
///   (events), so the prose volume is about that of [`render`].
/// * [`VAULT_BIG_NOTE`]: exactly [`VAULT_BIG_LINES`] lines of story notes
///   over the whole timeline (cycling through it if the workspace is small),
///   the counterpart of the benchmarks' `big.chron`.
///
/// Every `[[link]]` points at a note of the vault (notes are named by ID,
/// and IDs are unique). Deterministic, like [`render`].
pub fn render_vault(ws: &Workspace) -> Vec<(String, String)> {
    let links = Links::new(ws);
    let mut out = Vec::new();
    for a in &ws.actors {
        out.push((format!("actors/{}.md", a.id), actor_note(ws, &links, a)));
    }
    for s in &ws.sources {
        out.push((format!("sources/{}.md", s.id), source_note(ws, &links, s)));
    }
    for t in &ws.topics {
        let mut text = String::new();
        frontmatter(&mut text, &[&t.name], &[("kind", t.kind)]);
        let _ = writeln!(text, "# {}\n\n- kind: {}", t.name, t.kind);
        out.push((format!("topics/{}.md", t.id), text));
    }
    for e in &ws.events {
        out.push((format!("events/{}.md", e.id), event_note(ws, &links, e)));
    }
    let items = items_by_file(ws);
    // The same randomness as `render`: a story note is its note file's text.
    let base = Rng::new(ws.spec.seed ^ RENDER_SALT);
    for (f, info) in ws.files.iter().enumerate() {
        if !info.notes {
            continue;
        }
        let mut r = Renderer::new(ws, base.fork(f as u64 + 1));
        r.notes(&items[f]);
        let stem = info.path.strip_suffix(".chron").unwrap_or(&info.path);
        out.push((format!("{stem}.md"), links.markdown(&r.out)));
    }
    out.push((VAULT_BIG_NOTE.to_string(), big_note(ws, &links, &base)));
    out
}

/// [`VAULT_BIG_LINES`] lines of story notes: the timeline in stretches of
/// [`BIG_NOTE_STRETCH`] entries, each rendered like a note file.
fn big_note(ws: &Workspace, links: &Links, base: &Rng) -> String {
    let mut all: Vec<Item> = items_by_file(ws).into_iter().flatten().collect();
    all.sort_by_key(|it| (it.day(ws), it.rank(), it.index()));
    let mut text = String::from("# The whole story\n\n");
    let mut lines = 2;
    let mut stretch = 0u64;
    while lines < VAULT_BIG_LINES && !all.is_empty() {
        let n = all.len();
        let from = (stretch as usize * BIG_NOTE_STRETCH) % n;
        let these: Vec<Item> = (from..from + BIG_NOTE_STRETCH.min(n))
            .map(|i| all[i % n])
            .collect();
        let mut r = Renderer::new(ws, base.fork(0xb16_0000 + stretch));
        r.notes(&these);
        r.out.push('\n');
        let md = links.markdown(&r.out);
        lines += md.lines().count();
        text.push_str(&md);
        stretch += 1;
    }
    let cut = text
        .match_indices('\n')
        .nth(VAULT_BIG_LINES - 1)
        .map_or(text.len(), |(i, _)| i + 1);
    text.truncate(cut);
    text
}

/// Entries per stretch of the big note.
const BIG_NOTE_STRETCH: usize = 40;

/// YAML frontmatter: `aliases:` (double-quoted) and plain `key: value`
/// fields; nothing when both are empty.
fn frontmatter(out: &mut String, aliases: &[&str], fields: &[(&str, &str)]) {
    if aliases.is_empty() && fields.is_empty() {
        return;
    }
    out.push_str("---\n");
    if !aliases.is_empty() {
        out.push_str("aliases:\n");
        for a in aliases {
            let quoted = a.replace('\\', "\\\\").replace('"', "\\\"");
            let _ = writeln!(out, "  - \"{quoted}\"");
        }
    }
    for (k, v) in fields {
        let _ = writeln!(out, "{k}: {v}");
    }
    out.push_str("---\n");
}

fn actor_note(ws: &Workspace, links: &Links, a: &Actor) -> String {
    let mut out = String::new();
    let mut aliases = vec![a.name.as_str()];
    aliases.extend(a.aka.iter().map(String::as_str));
    frontmatter(&mut out, &aliases, &[("kind", a.kind.word())]);
    let _ = writeln!(out, "# {}\n", a.name);
    let _ = writeln!(out, "- kind: {}", a.kind.word());
    if !a.aka.is_empty() {
        let _ = writeln!(out, "- also known as: {}", a.aka.join(", "));
    }
    if let Some(d) = a.born {
        let _ = writeln!(out, "- born: {d}");
    }
    if let Some(d) = a.founded {
        let _ = writeln!(out, "- founded: {d}");
    }
    if !a.roles.is_empty() {
        out.push_str("\n## Roles\n\n");
        for role in &a.roles {
            let _ = write!(out, "- {} ", role.title);
            links.actor(&mut out, &ws.actors[role.of]);
            if let Some(since) = role.since {
                let _ = write!(out, " since {since}");
            }
            out.push('\n');
        }
    }
    if !a.members.is_empty() {
        out.push_str("\n## Members\n\n");
        for &m in &a.members {
            out.push_str("- ");
            links.actor(&mut out, &ws.actors[m]);
            out.push('\n');
        }
    }
    out
}

fn source_note(ws: &Workspace, links: &Links, s: &Source) -> String {
    let kind = match s.kind {
        SourceKind::Outlet => "outlet",
        SourceKind::Report => "report",
    };
    let mut out = String::new();
    let published = s.published.map(|d| d.to_string());
    let mut fields = vec![("kind", kind)];
    if let Some(p) = &published {
        fields.push(("published", p.as_str()));
    }
    frontmatter(&mut out, &[&s.name], &fields);
    let _ = writeln!(out, "# {}\n\n- kind: {kind}", s.name);
    if let Some(by) = s.by {
        out.push_str("- by: ");
        links.actor(&mut out, &ws.actors[by]);
        out.push('\n');
    }
    if let Some(p) = &published {
        let _ = writeln!(out, "- published: {p}");
    }
    if let Some(url) = &s.url {
        let _ = writeln!(out, "- url: <{url}>");
    }
    out
}

fn event_note(ws: &Workspace, links: &Links, e: &Event) -> String {
    let mut out = String::new();
    let date = e.dated().then(|| {
        let mut d = String::new();
        write_event_date(&mut d, e);
        d
    });
    // The frontmatter date is the first day, for tools that sort by it.
    let first = e.day.to_string();
    if date.is_some() {
        frontmatter(&mut out, &[], &[("date", first.as_str())]);
    }
    out.push_str("# ");
    links.linkify(&mut out, &e.title);
    out.push_str("\n\n");
    match &date {
        Some(d) => {
            let _ = writeln!(out, "- date: {d}");
        }
        None => out.push_str("- date: unknown (placed by the events below)\n"),
    }
    let _ = writeln!(out, "- kind: {}", e.kind);
    let list = |out: &mut String, label: &str, xs: &[usize]| {
        if xs.is_empty() {
            return;
        }
        let _ = write!(out, "- {label}: ");
        for (n, &a) in xs.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            links.actor(out, &ws.actors[a]);
        }
        out.push('\n');
    };
    if e.led_by.is_empty() {
        list(&mut out, "who", &e.who);
    } else {
        list(&mut out, "led by", &e.led_by);
        list(&mut out, "who", e.who.get(2..).unwrap_or_default());
    }
    match e.place {
        Some((city, Some(state))) => {
            let _ = write!(out, "- where: {city}, ");
            links.actor(&mut out, &ws.actors[state]);
            out.push('\n');
        }
        Some((city, None)) => {
            let _ = writeln!(out, "- where: {city}");
        }
        None if e.kind == "meeting" || e.kind == "call" => out.push_str("- where: online\n"),
        None => {}
    }
    if let Some(t) = e.about {
        out.push_str("- about: ");
        links.link(&mut out, &ws.topics[t].id);
        out.push('\n');
    }
    for (label, xs, sign) in [("after", &e.after, '+'), ("before", &e.before, '-')] {
        if xs.is_empty() {
            continue;
        }
        let _ = write!(out, "- {label}: ");
        for (n, l) in xs.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "[[{}]]", ws.events[l.event].id);
            match l.days {
                0 => {}
                7 => {
                    let _ = write!(out, " {sign} 1w");
                }
                d => {
                    let _ = write!(out, " {sign} {d}d");
                }
            }
        }
        out.push('\n');
    }
    out.push_str("- source: ");
    links.link(&mut out, &ws.sources[e.source].id);
    out.push('\n');
    out
}

/// How mentions become links: `[[id]]` where the ID reads as the name (it
/// is the name's slug, and for events), `[[id|Name]]` otherwise.
struct Links<'a> {
    /// The link text of every ID: `Some(name)` for `[[id|name]]`, `None`
    /// for a bare `[[id]]`.
    names: HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Links<'a> {
    fn new(ws: &'a Workspace) -> Links<'a> {
        let mut names = HashMap::new();
        let named = ws
            .actors
            .iter()
            .map(|a| (&a.id, &a.name))
            .chain(ws.sources.iter().map(|s| (&s.id, &s.name)))
            .chain(ws.topics.iter().map(|t| (&t.id, &t.name)));
        for (id, name) in named {
            let text = (slug(name) != *id).then_some(name.as_str());
            names.insert(id.as_str(), text);
        }
        for e in &ws.events {
            names.insert(e.id.as_str(), None);
        }
        Links { names }
    }

    fn link(&self, out: &mut String, id: &str) {
        match self.names.get(id) {
            Some(Some(name)) => {
                let _ = write!(out, "[[{id}|{name}]]");
            }
            _ => {
                let _ = write!(out, "[[{id}]]");
            }
        }
    }

    fn actor(&self, out: &mut String, a: &Actor) {
        self.link(out, &a.id);
    }

    /// Copies `text`, turning each `@id` of a known ID into a link.
    fn linkify(&self, out: &mut String, text: &str) {
        let mut rest = text;
        while let Some(at) = rest.find('@') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(after.len());
            let id = &after[..len];
            if self.names.contains_key(id) {
                self.link(out, id);
            } else {
                out.push('@');
                out.push_str(id);
            }
            rest = &after[len..];
        }
        out.push_str(rest);
    }

    /// The Markdown of notes rendered by [`Renderer::notes`]: headings,
    /// prose and blank lines as they are (with links), `//` comments as
    /// HTML comments, entries as list items with their fields nested, and
    /// events as one item linking to their note (their fields are there).
    fn markdown(&self, chron: &str) -> String {
        let mut out = String::with_capacity(chron.len() + chron.len() / 4);
        let mut in_event = false;
        for line in chron.lines() {
            if let Some(field) = line.strip_prefix("  ") {
                if in_event {
                    continue;
                }
                match field.strip_prefix("// ") {
                    Some(c) => {
                        let _ = writeln!(out, "  <!-- {c} -->");
                    }
                    None => {
                        out.push_str("  - ");
                        self.linkify(&mut out, field);
                        out.push('\n');
                    }
                }
                continue;
            }
            in_event = false;
            if let Some(c) = line.strip_prefix("// ") {
                let _ = writeln!(out, "<!-- {c} -->");
                continue;
            }
            let entry =
                line.starts_with(|c: char| c.is_ascii_digit()) || line.starts_with("event ");
            if entry {
                out.push_str("- ");
                // `[DATE ]event ID: TITLE` (no `@` before `event`).
                let event = line
                    .find("event ")
                    .filter(|&i| !line[..i].contains(['@', '"']));
                if let Some((i, (id, title))) =
                    event.and_then(|i| Some((i, line[i + 6..].split_once(": ")?)))
                {
                    in_event = true;
                    let _ = write!(out, "{}[[{id}]]: ", &line[..i]);
                    self.linkify(&mut out, title);
                } else {
                    self.linkify(&mut out, line);
                }
            } else {
                self.linkify(&mut out, line);
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&crate::syntax::language())
            .expect("language");
        parser.parse(text, None).expect("parse")
    }

    /// The first ERROR or MISSING node, as `line:column kind` with the line.
    fn first_error(text: &str, tree: &tree_sitter::Tree) -> Option<String> {
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            if node.is_error() || node.is_missing() {
                let p = node.start_position();
                let line = text.lines().nth(p.row).unwrap_or("");
                return Some(format!(
                    "{}:{} {} in {line:?}",
                    p.row + 1,
                    p.column,
                    node.kind()
                ));
            }
            if node.has_error() && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return None;
                }
            }
        }
    }

    fn assert_parses(name: &str, text: &str) {
        let tree = parse(text);
        if tree.root_node().has_error() {
            panic!(
                "{name}: {}",
                first_error(text, &tree).unwrap_or_else(|| "has_error".into())
            );
        }
    }

    #[test]
    fn weekdays_and_calendar() {
        let d = Day::from_ymd(2025, 11, 25);
        assert_eq!(d.weekday_abbr(), "Tue");
        assert_eq!(d.ymd(), (2025, 11, 25));
        assert_eq!(d.to_string(), "2025-11-25");
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        assert_eq!(
            Day::from_ymd(2024, 2, 10).month_end().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Day::from_ymd(2025, 12, 10).month_end().to_string(),
            "2025-12-31"
        );
        for n in -1000..30_000 {
            let (y, m, dd) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, dd), Day(n));
        }
    }

    #[test]
    fn small_workspace_parses_without_errors() {
        let files = generate(&Spec::small());
        assert_eq!(files.len(), Spec::small().files);
        for (path, text) in &files {
            assert!(path.ends_with(".chron"), "{path}");
            assert_parses(path, text);
        }
    }

    #[test]
    fn single_files_parse_without_errors() {
        let text = single_file(2000, 7);
        assert_eq!(text.lines().count(), 2000);
        assert_parses("single_file(2000)", &text);
        let text = notes_of_size(200_000, 7);
        assert!(
            text.len() <= 200_000 && text.len() > 199_000,
            "{}",
            text.len()
        );
        assert_parses("notes_of_size(200_000)", &text);
    }

    #[test]
    fn same_seed_same_output_other_seed_differs() {
        let a = generate(&Spec::small());
        let b = generate(&Spec::small());
        assert_eq!(a, b);
        let c = generate(&Spec::small().with_seed(99));
        assert_ne!(a, c);
        assert_eq!(single_file(500, 1), single_file(500, 1));
        assert_ne!(single_file(500, 1), single_file(500, 2));
    }

    #[test]
    fn planted_conflicts_and_consistency() {
        let spec = Spec::small();
        let ws = build(&spec);
        assert_eq!(ws.conflicts.len(), spec.conflicts);
        for kind in [
            ConflictKind::ClaimValues,
            ConflictKind::ClaimDenied,
            ConflictKind::OrderingCycle,
        ] {
            assert!(ws.conflicts.iter().any(|c| c.kind == kind), "{kind:?}");
        }
        // Unplanted constraints respect the bounds.
        for e in ws.events.iter().filter(|e| !e.planted) {
            let (lo, hi) = e.bounds();
            for l in &e.after {
                let end = ws.events[l.event].bounds().1;
                assert!(end < lo && end.plus(l.days as i32) <= lo, "{} after", e.id);
                assert!(!ws.events[l.event].planted);
            }
            for l in &e.before {
                let start = ws.events[l.event].bounds().0;
                assert!(
                    start > hi && hi.plus(l.days as i32) <= start,
                    "{} before",
                    e.id
                );
                assert!(!ws.events[l.event].planted);
            }
            if let DateForm::Day { weekday: true, .. } = e.form {
                assert!(e.exact_day());
            }
        }
        // Statements at an event fall inside its dates; cited reports are
        // published on or after the entry.
        for s in &ws.statements {
            if let Some(e) = s.at {
                let (lo, hi) = ws.events[e].bounds();
                assert!(lo <= s.day && s.day <= hi);
            }
            if let Some(p) = ws.sources[s.source].published {
                let latest = if s.month_only {
                    s.day.month_end()
                } else {
                    s.day
                };
                assert!(latest <= p);
            }
        }
        // Unplanted claims are true of the hidden series.
        for c in ws.claims.iter().filter(|c| !c.planted) {
            if let (Subject::Topic(t), Some((Op::Eq, v))) = (c.assertion.subject, c.assertion.cmp) {
                let s = ws
                    .series
                    .iter()
                    .find(|s| s.topic == t && s.property == c.assertion.property)
                    .unwrap();
                let truth = s.at(c.day);
                let same = match (truth, v) {
                    (Value::Date(a, _), Value::Date(b, _)) => a == b,
                    (a, b) => a == b,
                };
                assert_eq!(same, c.verb != Verb::Denies, "{c:?}");
            }
            if let Some(e) = c.about {
                assert!(ws.events[e].bounds().1 <= c.day);
            }
        }
    }

    #[test]
    fn ids_are_unique() {
        let ws = build(&Spec::small());
        let mut seen = HashSet::new();
        let ids = ws
            .actors
            .iter()
            .map(|a| &a.id)
            .chain(ws.sources.iter().map(|s| &s.id))
            .chain(ws.topics.iter().map(|t| &t.id))
            .chain(ws.events.iter().map(|e| &e.id))
            .chain(ws.claims.iter().filter_map(|c| c.id.as_ref()));
        for id in ids {
            assert!(seen.insert(id.clone()), "duplicate {id}");
        }
        let mut paths = HashSet::new();
        for f in &ws.files {
            assert!(paths.insert(f.path.clone()), "duplicate {}", f.path);
        }
    }

    /// The targets of the `[[target]]` / `[[target|text]]` links of a note.
    fn link_targets(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("[[") {
            let after = &rest[i + 2..];
            let end = after.find("]]").expect("unclosed [[");
            let inner = &after[..end];
            assert!(!inner.contains('['), "nested link in {inner:?}");
            out.push(inner.split('|').next().unwrap_or(inner));
            rest = &after[end + 2..];
        }
        out
    }

    #[test]
    fn vault_is_deterministic_and_every_link_resolves() {
        let ws = build(&Spec::small());
        let vault = render_vault(&ws);
        assert_eq!(vault, render_vault(&build(&Spec::small())));
        assert_ne!(vault, render_vault(&build(&Spec::small().with_seed(99))));

        // Notes are named by unique stems, as Obsidian-style links need.
        let mut stems = HashSet::new();
        for (path, _) in &vault {
            assert!(path.ends_with(".md"), "{path}");
            let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
            assert!(stems.insert(stem), "two notes named {stem}");
        }
        let notes_in = |dir: &str| vault.iter().filter(|(p, _)| p.starts_with(dir)).count();
        assert_eq!(notes_in("actors/"), ws.actors.len());
        assert_eq!(notes_in("events/"), ws.events.len());
        assert_eq!(notes_in("sources/"), ws.sources.len());
        assert_eq!(notes_in("topics/"), ws.topics.len());
        assert_eq!(
            notes_in("notes/"),
            ws.files.iter().filter(|f| f.notes).count()
        );
        let (big_path, big) = vault.last().unwrap();
        assert_eq!(big_path, VAULT_BIG_NOTE);
        assert_eq!(big.lines().count(), VAULT_BIG_LINES);

        let mut links = 0;
        for (path, text) in &vault {
            for target in link_targets(text) {
                assert!(stems.contains(target), "{path}: [[{target}]] has no note");
                links += 1;
            }
            // Every mention became a link.
            assert!(!text.contains('@'), "{path}: a mention was left as @id");
        }
        assert!(links > 5 * vault.len(), "only {links} links");

        // Actor notes carry their names and aliases as frontmatter aliases.
        let a = ws.actors.iter().find(|a| !a.aka.is_empty()).unwrap();
        let (_, note) = vault
            .iter()
            .find(|(p, _)| *p == format!("actors/{}.md", a.id))
            .unwrap();
        assert!(note.starts_with("---\naliases:\n"), "{note}");
        assert!(note.contains(&format!("  - \"{}\"\n", a.aka[0])), "{note}");
    }

    #[test]
    fn vault_is_about_the_size_of_the_chron_rendering() {
        for spec in [Spec::small(), Spec::medium()] {
            let ws = build(&spec);
            let chron: usize = render(&ws).iter().map(|(_, t)| t.len()).sum();
            let big_chron = single_file(VAULT_BIG_LINES, spec.seed).len();
            let vault = render_vault(&ws);
            let (_, big) = vault.last().unwrap();
            let notes = vault.iter().map(|(_, t)| t.len()).sum::<usize>() - big.len();
            println!(
                "seed {}: .chron {} files, {chron} bytes, + big.chron {big_chron} bytes; \
                 vault {} notes, {notes} bytes, + {VAULT_BIG_NOTE} {} bytes",
                spec.seed,
                ws.files.len(),
                vault.len() - 1,
                big.len()
            );
            let ratio = notes as f64 / chron as f64;
            assert!((0.7..1.6).contains(&ratio), "vault / .chron = {ratio:.2}");
            let ratio = big.len() as f64 / big_chron as f64;
            assert!(
                (0.7..1.6).contains(&ratio),
                "big.md / big.chron = {ratio:.2}"
            );
        }
    }
}
