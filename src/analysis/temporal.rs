//! The temporal network of the workspace and the date checks.
//!
//! Every event has a start and an end point, in days. Constraints come from
//! event dates, `after:` / `before:` / `during:` (with offsets), statements
//! `at:` an event, `reports` claims, the `published:` date of a cited
//! source, actor lifetimes and role tenures, and claims about an event's
//! `date`. They are checked as a Simple Temporal Network per connected
//! component; a refused constraint gives one diagnostic on the entry that
//! closes the cycle, with every other link as related information.
//!
//! Constraints between two fixed dates (a dated statement and the lifetime
//! of its speaker, say) involve no event and are compared directly.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::dates::{self, format_day, DateError, Day, Qualifier, Span};
use super::stn::{Edge, Stn};
use super::summary::{EntryInfo, FieldInfo, RefRole, Sym, ValueItem};
use super::workspace::{FileData, Snapshot};
use super::{Code, Diagnostic, FileId, Related, Severity};
use crate::analysis::span::ByteSpan;
use crate::syntax::EntryKind;

/// What a link of the network stands for; decides the diagnostic's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// An event's own start-before-end; never shown.
    Internal,
    EventDate,
    Order,
    DateClaim {
        relative: bool,
    },
    StatementAt,
    Report,
    SourcePublished,
    Lifetime,
    Tenure,
}

/// A constraint as written. What it asserts in words is not kept (only the
/// few links of a conflict are ever shown): it is made again from the entry
/// that wrote it ([`Builder::words`]); a hash of the words stands for them
/// in the key of a component's result.
#[derive(Clone, Debug)]
pub struct Link {
    pub kind: LinkKind,
    pub qualifier: Qualifier,
    /// A date claim the writer marked `disputed: yes`.
    pub acknowledged: bool,
    pub file: FileId,
    /// The entry (index in the file's summary) whose constraints made the
    /// link, and the link's rank among them; `u32::MAX` for an event's own
    /// start-before-end, which has no words.
    entry: u32,
    rank: u32,
    span: ByteSpan,
    /// A hash of the words.
    words: u64,
}

impl Link {
    pub fn range(&self) -> Range<usize> {
        self.span.range()
    }
}

/// A hasher fed by `write!`: the hash of words never written out.
struct WordsHasher(std::collections::hash_map::DefaultHasher);

impl fmt::Write for WordsHasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// Each event's earliest start and latest end, by ID. An unbounded side is
/// kept as [`NO_DAY`] (16 bytes a window, not 32).
#[derive(Clone, Default, Debug)]
pub struct Windows(HashMap<Sym, [Day; 2], super::summary::ShortBuild>);

impl Windows {
    /// The window of event `id`: (earliest start, latest end).
    pub fn get(&self, id: &str) -> Option<(Option<Day>, Option<Day>)> {
        let day = |d: Day| (d != NO_DAY).then_some(d);
        self.0.get(id).map(|&[a, b]| (day(a), day(b)))
    }
}

/// The result of the temporal analysis of a snapshot.
#[derive(Clone, Default, Debug)]
pub struct Temporal {
    /// Diagnostics by file.
    pub diagnostics: HashMap<FileId, Arc<Vec<Diagnostic>>>,
    /// The window each event can lie in: (earliest start, latest end).
    pub windows: Arc<Windows>,
    /// Relative dates resolved: file → (range, resolved text).
    pub resolved: HashMap<FileId, Arc<Vec<Resolved>>>,
    /// How this result was made: `"full"`, or moved from the previous
    /// snapshot's (`"moved"`, `"region"`).
    pub how: &'static str,
}

/// A relative date and what it resolves to, in words.
pub type Resolved = (Range<usize>, String);

impl Temporal {
    pub fn diagnostics_of(&self, file: FileId) -> &[Diagnostic] {
        self.diagnostics
            .get(&file)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }
}

fn span_words(span: &Span) -> String {
    match (span.earliest, span.latest) {
        (Some(a), Some(b)) if a == b => format!("on {}", format_day(a)),
        (Some(a), Some(b)) => format!("between {} and {}", format_day(a), format_day(b)),
        (Some(a), None) => format!("on or after {}", format_day(a)),
        (None, Some(b)) => format!("on or before {}", format_day(b)),
        (None, None) => "at an unknown date".to_string(),
    }
}

/// The date of an entry, parsed (None when undated or invalid).
pub fn entry_span(entry: &EntryInfo) -> Option<Span> {
    entry.date.as_ref().and_then(|(_, t)| dates::parse(t).ok())
}

/// A date-valued field item as a span, resolving relative dates against the
/// entry's date.
fn item_span(item: &ValueItem, anchor: Option<&Span>) -> Option<(Span, bool)> {
    match item {
        ValueItem::Date { text, .. } => dates::parse(text).ok().map(|s| (s, false)),
        ValueItem::Relative { text, .. } => {
            let a = anchor?;
            let day = a.single_day()?;
            let r = dates::resolve_relative(text, day)?;
            Some((
                Span {
                    earliest: Some(r.earliest),
                    latest: Some(r.latest),
                    qualifier: a.qualifier,
                },
                true,
            ))
        }
        _ => None,
    }
}

struct Builder<'s> {
    snap: &'s Snapshot,
    /// Event ID → node index of its start (end is start + 1); node 0 is the
    /// zero day.
    nodes: NodeMap,
    node_names: Vec<Sym>,
    /// For the part of one file built on its own ([`file_part`]): the nodes
    /// numbered before (read only). Nodes it adds are provisional
    /// ([`PROVISIONAL`] onwards) and numbered for good when the part is
    /// merged ([`Builder::absorb`]).
    frozen: Option<&'s NodeMap>,
    /// Every actor's lifetime and source's publication date, read once
    /// for the whole network ([`Known::of`]); `None`: read at each use
    /// ([`lifetime_dates`], [`published_of`]).
    known: Option<&'s Known>,
    links: Vec<Link>,
    /// The entry whose constraints are being built, and the number of links
    /// before it ([`Builder::begin_entry`]).
    entry: u32,
    entry_links: usize,
    /// The words of every link, kept only when they are wanted
    /// ([`Builder::words`]).
    messages: Option<Vec<String>>,
    /// Edges in the order they are added: structure first, checks second.
    structural: Vec<Edge<u32>>,
    checks: Vec<Edge<u32>>,
    /// Claims about an event's date: each is checked against the network
    /// on its own and never kept, so that two claims are compared by the
    /// claim checks (which know about changed positions), not here.
    probes: Vec<Vec<Edge<u32>>>,
    out: Temporal,
}

/// What a file's part found ([`file_part`]), without the nodes it was built
/// against.
struct Part {
    node_names: Vec<Sym>,
    links: Vec<Link>,
    structural: Vec<Edge<u32>>,
    checks: Vec<Edge<u32>>,
    probes: Vec<Vec<Edge<u32>>>,
    out: Temporal,
}

/// Event ID → node number.
type NodeMap = HashMap<Sym, u32, super::summary::ShortBuild>;

const ZERO: u32 = 0;

/// Where the provisional node numbers of a file's part start.
const PROVISIONAL: u32 = u32::MAX / 4;

impl<'s> Builder<'s> {
    /// An empty builder; `how` names the result it makes.
    fn new(snap: &'s Snapshot, how: &'static str) -> Self {
        Builder {
            snap,
            nodes: NodeMap::default(),
            node_names: Vec::new(),
            frozen: None,
            known: None,
            links: Vec::new(),
            entry: u32::MAX,
            entry_links: 0,
            messages: None,
            structural: Vec::new(),
            checks: Vec::new(),
            probes: Vec::new(),
            out: Temporal {
                how,
                ..Default::default()
            },
        }
    }

    fn node(&mut self, id: &str) -> u32 {
        self.node_with(id, || super::summary::sym(id))
    }

    /// [`Builder::node`] of an ID already shared (a definition's): a new
    /// node shares it too.
    fn node_of(&mut self, id: &Sym) -> u32 {
        let id = *id;
        if self.frozen.is_some() {
            return self.node_with(&id, || id);
        }
        // One hash of the ID, new or not (every event is numbered here).
        let next = 1 + 2 * self.node_names.len() as u32;
        match self.nodes.entry(id) {
            std::collections::hash_map::Entry::Occupied(o) => *o.get(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(next);
                self.node_names.push(id);
                next
            }
        }
    }

    fn node_with(&mut self, id: &str, shared: impl FnOnce() -> Sym) -> u32 {
        if let Some(&n) = self.frozen.and_then(|f| f.get(id)) {
            return n;
        }
        if let Some(&n) = self.nodes.get(id) {
            return n;
        }
        let base = if self.frozen.is_some() {
            PROVISIONAL
        } else {
            0
        };
        let n = base + 1 + 2 * self.node_names.len() as u32;
        let id = shared();
        self.nodes.insert(id, n);
        self.node_names.push(id);
        n
    }

    /// The links made from now on are those of entry `index`.
    fn begin_entry(&mut self, index: u32) {
        self.entry = index;
        self.entry_links = self.links.len();
    }

    fn link(
        &mut self,
        kind: LinkKind,
        file: FileId,
        range: Range<usize>,
        message: fmt::Arguments<'_>,
        q: Qualifier,
    ) -> u32 {
        let mut h = WordsHasher(Default::default());
        let _ = fmt::Write::write_fmt(&mut h, message);
        if let Some(messages) = &mut self.messages {
            messages.push(message.to_string());
        }
        self.links.push(Link {
            kind,
            qualifier: q,
            acknowledged: false,
            file,
            entry: self.entry,
            rank: (self.links.len() - self.entry_links) as u32,
            span: ByteSpan::new(range),
            words: h.0.finish(),
        });
        (self.links.len() - 1) as u32
    }

    /// A link's words, made again from the entry that wrote it: its
    /// constraints are built once more, with their words kept.
    fn words(&self, link: &Link) -> String {
        if link.kind == LinkKind::Internal {
            return String::new();
        }
        let Some(f) = self.snap.file(link.file) else {
            return String::new();
        };
        let Some(e) = f.summary.entries.get(link.entry as usize) else {
            return String::new();
        };
        let mut again = Builder::new(self.snap, "");
        again.messages = Some(Vec::new());
        again.begin_entry(link.entry);
        entry_constraints(&mut again, f, link.entry as usize, e);
        let mut messages = again.messages.unwrap_or_default();
        if (link.rank as usize) < messages.len() {
            messages.swap_remove(link.rank as usize)
        } else {
            String::new()
        }
    }

    fn edge(&mut self, structural: bool, from: u32, to: u32, weight: i64, tag: u32) {
        let e = Edge {
            from,
            to,
            weight,
            tag,
        };
        if structural {
            self.structural.push(e);
        } else {
            self.checks.push(e);
        }
    }

    /// `start >= span.earliest`, `end <= span.latest` for an event.
    fn within(&mut self, structural: bool, event: u32, span: &Span, tag: u32) {
        if let Some(a) = span.earliest {
            self.edge(structural, event, ZERO, -a, tag);
        }
        if let Some(b) = span.latest {
            self.edge(structural, ZERO, event + 1, b, tag);
        }
    }

    fn is_event(&self, id: &str) -> bool {
        self.snap.kind_of(id) == Some(EntryKind::Event)
    }

    fn diag(&mut self, file: FileId, d: Diagnostic) {
        Arc::make_mut(self.out.diagnostics.entry(file).or_default()).push(d);
    }

    /// Appends what a file's part found, as if it had been built here: its
    /// new nodes are numbered in the order the part met them, its links
    /// follow this builder's.
    fn absorb(&mut self, part: Part) {
        let nodes: Vec<u32> = part.node_names.iter().map(|id| self.node_of(id)).collect();
        let node = |x: u32| match x.checked_sub(PROVISIONAL + 1) {
            Some(k) => nodes[k as usize / 2] + k % 2,
            None => x,
        };
        let offset = self.links.len() as u32;
        let edge = |e: Edge<u32>| Edge {
            from: node(e.from),
            to: node(e.to),
            weight: e.weight,
            tag: e.tag + offset,
        };
        self.links.extend(part.links);
        self.structural
            .extend(part.structural.into_iter().map(edge));
        self.checks.extend(part.checks.into_iter().map(edge));
        self.probes.extend(
            part.probes
                .into_iter()
                .map(|p| p.into_iter().map(edge).collect()),
        );
        super::append_by_file(&mut self.out.diagnostics, part.out.diagnostics);
        super::append_by_file(&mut self.out.resolved, part.out.resolved);
    }
}

/// A file's written dates and constraints, built on its own against the
/// event nodes numbered so far (`nodes`); merged in file order with
/// [`Builder::absorb`].
fn file_part(snap: &Snapshot, nodes: &NodeMap, known: &Known, f: &FileData) -> Part {
    let mut b = Builder::new(snap, "");
    b.frozen = Some(nodes);
    b.known = Some(known);
    check_written_dates(&mut b, f, None);
    for (i, e) in f.summary.entries.iter().enumerate() {
        b.begin_entry(i as u32);
        entry_constraints(&mut b, f, i, e);
    }
    Part {
        node_names: b.node_names,
        links: b.links,
        structural: b.structural,
        checks: b.checks,
        probes: b.probes,
        out: b.out,
    }
}

/// What the entries of one region of a file contribute: whether they put
/// anything in the temporal network, and their own checks (written dates,
/// lifetimes, tenures, cited sources) and resolved relative dates.
pub struct RegionPart {
    pub network: bool,
    pub diagnostics: Vec<Diagnostic>,
    pub resolved: Vec<(Range<usize>, String)>,
}

/// The contribution of entries `entries` (and the dates in `region`) of a
/// file, checked against `snap`.
pub fn region_part(
    snap: &Snapshot,
    f: &FileData,
    entries: Range<usize>,
    region: &Range<usize>,
) -> RegionPart {
    let mut b = Builder::new(snap, "");
    check_written_dates(&mut b, f, Some(region));
    let mut network = false;
    for i in entries {
        let Some(e) = f.summary.entries.get(i) else {
            continue;
        };
        network |= e.kind == EntryKind::Event && e.def.get().is_some();
        b.begin_entry(i as u32);
        entry_constraints(&mut b, f, i, e);
    }
    network |= !b.links.is_empty() || !b.probes.is_empty();
    let mut diagnostics = b
        .out
        .diagnostics
        .remove(&f.id)
        .map(Arc::unwrap_or_clone)
        .unwrap_or_default();
    // Checks only ever report on the file of the entry.
    network |= !b.out.diagnostics.is_empty();
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    RegionPart {
        network,
        diagnostics,
        resolved: b
            .out
            .resolved
            .remove(&f.id)
            .map(Arc::unwrap_or_clone)
            .unwrap_or_default(),
    }
}

/// How many files' parts [`analyse`] builds before absorbing them.
const PART_CHUNK: usize = 256;

/// Runs every date check of the snapshot.
pub fn analyse(snap: &Snapshot) -> Temporal {
    let mut b = Builder::new(snap, "full");
    let mut files: Vec<&Arc<FileData>> = snap.files().collect();
    files.sort_by(|a, b| a.key.cmp(&b.key));

    // Every entry's actors, events and sources are looked up: the table
    // of definitions is built (on another thread if one is free) while the
    // events are numbered, which needs none.
    rayon::join(
        || snap.index_definitions(),
        || {
            // Events first, so that node numbers follow reading order. No
            // more events than definitions: the table never grows (growing
            // hashed every ID again).
            let defs = files.iter().map(|f| f.summary.definitions.len()).sum();
            b.nodes.reserve(defs);
            b.node_names.reserve(defs);
            for f in &files {
                for e in &f.summary.entries {
                    if e.kind == EntryKind::Event {
                        if let Some(def) = e
                            .def
                            .get()
                            .and_then(|d| f.summary.definitions.get(d as usize))
                        {
                            let n = b.node_of(&def.id);
                            b.begin_entry(u32::MAX);
                            let tag = b.link(
                                LinkKind::Internal,
                                f.id,
                                def.range.clone(),
                                format_args!(""),
                                Qualifier::default(),
                            );
                            b.edge(true, n + 1, n, 0, tag);
                        }
                    }
                }
            }
        },
    );
    // Every written date (valid, in order, on the weekday it names) and
    // every constraint, file by file in parallel, merged in file order: the
    // same network, links and diagnostics as one pass over the files.
    // A chunk of files at a time, absorbed before the next is built: every
    // part of the workspace alive at once, and the builder's lists reserved
    // beside them, made the load's peak (large preset: 20 MB more in use,
    // and 10 MB of holes left where the parts had been). A chunk's parts
    // are built against the nodes numbered so far, those of the chunks
    // before included: a node a part finds there has the number absorbing
    // it would have given, so the network is the same.
    let known = Known::of(snap, &files);
    for chunk in files.chunks(PART_CHUNK) {
        let parts: Vec<Part> = chunk
            .par_iter()
            .map(|f| file_part(snap, &b.nodes, &known, f))
            .collect();
        for part in parts {
            b.absorb(part);
        }
    }
    solve(&mut b);
    b.out
}

fn check_written_dates(b: &mut Builder<'_>, f: &FileData, region: Option<&Range<usize>>) {
    for d in &f.summary.dates {
        if region.is_some_and(|r| !(r.start <= d.range.start() && d.range.start() < r.end)) {
            continue;
        }
        match dates::parse(&d.text) {
            Err(DateError::Invalid(msg)) => {
                b.diag(
                    f.id,
                    Diagnostic::new(Code::InvalidDate, d.range.range(), msg),
                );
            }
            Err(DateError::Reversed { start, end }) => {
                b.diag(
                    f.id,
                    Diagnostic::new(
                        Code::ReversedInterval,
                        d.range.range(),
                        format!(
                            "this interval ends ({}) before it starts ({})",
                            end.latest.map(format_day).unwrap_or_default(),
                            start.earliest.map(format_day).unwrap_or_default()
                        ),
                    ),
                );
            }
            Ok(span) => {
                let Some((wrange, wtext)) = &d.weekday else {
                    continue;
                };
                let name = wtext.trim_matches(|c| c == '(' || c == ')');
                let (Some(day), Some(wanted)) = (span.single_day(), dates::parse_weekday(name))
                else {
                    continue;
                };
                let actual = dates::weekday(day);
                if actual != wanted {
                    b.diag(
                        f.id,
                        Diagnostic::new(
                            Code::WeekdayMismatch,
                            wrange.range(),
                            format!(
                                "{} is a {}, not a {}",
                                format_day(day),
                                dates::WEEKDAY_NAMES[actual as usize],
                                dates::WEEKDAY_NAMES[wanted as usize]
                            ),
                        )
                        .with_related(vec![Related {
                            file: f.id,
                            range: d.range.range(),
                            message: format!("the date is {}", format_day(day)),
                        }]),
                    );
                }
            }
        }
    }
}

fn field<'f>(f: &'f FileData, e: &EntryInfo, key: &str) -> Option<&'f FieldInfo> {
    f.summary.field(e, key)
}

fn ref_id(f: &FileData, index: u32) -> Option<&'static str> {
    f.summary
        .references
        .get(index as usize)
        .map(|r| r.id.as_str())
}

/// How messages name an entry (`` `id` ``, "the statement by `@who`",
/// "this topic"), written only into the messages that use it: most
/// entries make none.
struct EntryName<'a> {
    id: Option<&'a str>,
    author: Option<&'static str>,
    kind: EntryKind,
}

impl fmt::Display for EntryName<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(id) = self.id {
            return write!(out, "`{id}`");
        }
        let author = self.author.unwrap_or_default();
        match self.kind {
            EntryKind::Statement => write!(out, "the statement by `@{author}`"),
            EntryKind::Claim => write!(out, "the claim by `@{author}`"),
            k => write!(out, "this {}", k.as_str()),
        }
    }
}

fn entry_name<'f>(f: &'f FileData, e: &EntryInfo) -> EntryName<'f> {
    EntryName {
        id: e
            .def
            .get()
            .and_then(|d| f.summary.definitions.get(d as usize))
            .map(|d| &*d.id),
        author: e.author.get().and_then(|a| ref_id(f, a)),
        kind: e.kind,
    }
}

fn entry_constraints(b: &mut Builder<'_>, f: &FileData, _index: usize, e: &EntryInfo) {
    let span = entry_span(e);
    let date_range = e.date.as_ref().map(|(r, _)| *r).unwrap_or(e.header);
    let name = entry_name(f, e);
    let event_id = (e.kind == EntryKind::Event)
        .then(|| {
            e.def
                .get()
                .and_then(|d| f.summary.definitions.get(d as usize))
                .map(|d| d.id)
        })
        .flatten();
    let event_node = event_id.as_ref().map(|id| b.node_of(id));

    // The event's own date.
    if let (Some(n), Some(span)) = (event_node, &span) {
        let tag = b.link(
            LinkKind::EventDate,
            f.id,
            date_range.range(),
            format_args!("{name} is {}", span_words(span)),
            span.qualifier,
        );
        b.within(true, n, span, tag);
    }

    // Ordering constraints of an event.
    if let Some(n) = event_node {
        for fi in f.summary.fields(e) {
            let key = fi.key;
            if !matches!(key.as_str(), "after" | "before" | "during") {
                continue;
            }
            for item in f.summary.items(fi) {
                match item {
                    ValueItem::Ref(r) => {
                        let Some(id) = ref_id(f, *r) else {
                            continue;
                        };
                        if !b.is_event(id) {
                            continue;
                        }
                        let m = b.node(id);
                        let range = f.summary.references[*r as usize].full_range();
                        // `key` is "after", "before" or "during".
                        let tag = b.link(
                            LinkKind::Order,
                            f.id,
                            range,
                            format_args!("{name} is {key} `{id}`"),
                            Qualifier::default(),
                        );
                        match key.as_str() {
                            "after" => b.edge(true, n, m + 1, 0, tag),
                            "before" => b.edge(true, m, n + 1, 0, tag),
                            _ => {
                                b.edge(true, n, m, 0, tag);
                                b.edge(true, m + 1, n + 1, 0, tag);
                            }
                        }
                    }
                    ValueItem::Offset {
                        anchor,
                        negative,
                        range,
                    } => {
                        let text = f.text();
                        let amount = super::summary::offset_amount(&text, *range);
                        let Some(id) = ref_id(f, *anchor) else {
                            continue;
                        };
                        let Some((lo, hi)) = dates::duration_days(amount) else {
                            continue;
                        };
                        if !b.is_event(id) {
                            continue;
                        }
                        let m = b.node(id);
                        let (lo, hi) = if *negative { (-hi, -lo) } else { (lo, hi) };
                        let sign = if *negative { "-" } else { "+" };
                        let tag = b.link(
                            LinkKind::Order,
                            f.id,
                            range.range(),
                            format_args!("{name} is {key} `{id}` {sign} {amount}"),
                            Qualifier::default(),
                        );
                        match key.as_str() {
                            // start(n) >= start(m) + lo
                            "after" => b.edge(true, n, m, -lo, tag),
                            // end(n) <= start(m) + hi
                            "before" => b.edge(true, m, n + 1, hi, tag),
                            _ => {
                                b.edge(true, n, m, -lo, tag);
                                b.edge(true, m, n + 1, hi, tag);
                            }
                        }
                    }
                    ValueItem::Date { text, range } => {
                        let Ok(s) = dates::parse(text) else { continue };
                        let tag = b.link(
                            LinkKind::Order,
                            f.id,
                            range.range(),
                            format_args!("{name} is {key} {text}"),
                            s.qualifier,
                        );
                        match key.as_str() {
                            "after" => {
                                if let Some(l) = s.latest {
                                    b.edge(true, n, ZERO, -l, tag);
                                }
                            }
                            "before" => {
                                if let Some(a) = s.earliest {
                                    b.edge(true, ZERO, n + 1, a, tag);
                                }
                            }
                            _ => b.within(true, n, &s, tag),
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    // Statements and claims `at:` an event.
    if matches!(e.kind, EntryKind::Statement | EntryKind::Claim) {
        if let (Some(fi), Some(span)) = (field(f, e, "at"), &span) {
            for item in f.summary.items(fi) {
                let ValueItem::Ref(r) = item else { continue };
                let Some(id) = ref_id(f, *r) else {
                    continue;
                };
                if !b.is_event(id) {
                    continue;
                }
                let m = b.node(id);
                let range = f.summary.references[*r as usize].full_range();
                let tag = b.link(
                    LinkKind::StatementAt,
                    f.id,
                    range,
                    format_args!("{name}, made {}, is at `{id}`", span_words(span)),
                    span.qualifier,
                );
                // The event overlaps the statement's date.
                if let Some(l) = span.latest {
                    b.edge(false, ZERO, m, l, tag);
                }
                if let Some(a) = span.earliest {
                    b.edge(false, m + 1, ZERO, -a, tag);
                }
            }
        }
    }

    // A report cannot precede what it reports.
    if e.kind == EntryKind::Claim && e.verb.as_deref() == Some("reports") {
        if let (Some(a), Some(span)) = (&e.assertion, &span) {
            if let Some(id) = a.subject().and_then(|s| ref_id(f, s)) {
                if b.is_event(id) {
                    let m = b.node(id);
                    let tag = b.link(
                        LinkKind::Report,
                        f.id,
                        e.header.range(),
                        format_args!("{name} reports on `{id}` {}", span_words(span)),
                        span.qualifier,
                    );
                    if let Some(l) = span.latest {
                        b.edge(false, ZERO, m, l, tag);
                    }
                }
            }
        }
    }

    // Claims about an event's date.
    claim_dates(b, f, e, span.as_ref(), &name);

    // The source an entry cites was published no earlier than the entry.
    if let Some(fi) = field(f, e, "source") {
        for item in f.summary.items(fi) {
            let ValueItem::Ref(r) = item else { continue };
            let Some(id) = ref_id(f, *r) else {
                continue;
            };
            let published = match b.known {
                Some(known) => known.published.get(id).copied(),
                None => published_of(b.snap, id),
            };
            let Some(published) = published else {
                continue;
            };
            let Some(p_latest) = published.latest else {
                continue;
            };
            let range = f.summary.references[*r as usize].full_range();
            if let Some(n) = event_node {
                let tag = b.link(
                    LinkKind::SourcePublished,
                    f.id,
                    range,
                    format_args!("{name} cites `{id}`, published {}", span_words(&published)),
                    published.qualifier,
                );
                b.edge(false, ZERO, n, p_latest, tag);
            } else if let Some(span) = &span {
                if let Some(e_earliest) = span.earliest {
                    if e_earliest > p_latest {
                        let d = Diagnostic::new(
                            Code::SourcePublishedBefore,
                            range,
                            format!(
                                "{name} is dated {} but cites `{id}`, published {}: a source cannot report what had not happened yet",
                                format_day(e_earliest),
                                span_words(&published)
                            ),
                        );
                        let d = possibly(d, span.qualifier.or(published.qualifier));
                        let related = source_related(b.snap, id);
                        b.diag(f.id, d.with_related(related));
                    }
                }
            }
        }
    }

    // Lifetimes and tenures of the actors involved.
    actor_checks(b, f, e, span.as_ref(), event_node, &name);
}

fn claim_dates(
    b: &mut Builder<'_>,
    f: &FileData,
    e: &EntryInfo,
    span: Option<&Span>,
    name: &EntryName<'_>,
) {
    let mut assertions = Vec::new();
    if let Some(a) = &e.assertion {
        if e.verb.as_deref() != Some("denies") {
            assertions.push(&**a);
        }
    }
    assertions.extend(
        f.summary
            .field_claims(e)
            .iter()
            .filter(|(denies, _)| !denies)
            .map(|(_, a)| a),
    );
    for a in assertions {
        let Some(prop) = a.property() else { continue };
        if &*prop.1 != "date" || a.operator.as_deref().is_some_and(|o| o != "=") {
            continue;
        }
        let Some(id) = a.subject().and_then(|s| ref_id(f, s)) else {
            continue;
        };
        if !b.is_event(id) {
            continue;
        }
        let text = f.text();
        let (Some(vrange), Some(vtext)) = (a.value(), a.value_text(&text)) else {
            continue;
        };
        let item = match a.value_kind {
            Some("relative_date") => ValueItem::Relative {
                text: crate::analysis::summary::sym(vtext),
                range: ByteSpan::new(vrange.clone()),
            },
            Some("date" | "interval") => ValueItem::Date {
                text: crate::analysis::summary::sym(vtext),
                range: ByteSpan::new(vrange.clone()),
            },
            _ => continue,
        };
        let Some((claimed, relative)) = item_span(&item, span) else {
            continue;
        };
        if relative {
            Arc::make_mut(b.out.resolved.entry(f.id).or_default())
                .push((vrange.clone(), span_words(&claimed)));
        }
        let m = b.node(id);
        let how = if relative {
            format!("`{}` ({})", vtext.trim(), span_words(&claimed))
        } else {
            span_words(&claimed)
        };
        let tag = b.link(
            LinkKind::DateClaim { relative },
            f.id,
            vrange.clone(),
            format_args!("{name} says `{id}` is {how}"),
            claimed.qualifier,
        );
        b.links[tag as usize].acknowledged =
            field(f, e, "disputed").is_some_and(|fi| matches!(fi.value(&text), "yes" | "true"));
        let mut probe = Vec::new();
        if let Some(a) = claimed.earliest {
            probe.push(Edge {
                from: m,
                to: ZERO,
                weight: -a,
                tag,
            });
        }
        if let Some(z) = claimed.latest {
            probe.push(Edge {
                from: ZERO,
                to: m + 1,
                weight: z,
                tag,
            });
        }
        b.probes.push(probe);
    }
}

fn published_of(snap: &Snapshot, id: &str) -> Option<Span> {
    let loc = snap.first_definition(id)?;
    let (file, def) = snap.definition(loc)?;
    if def.kind != EntryKind::Source {
        return None;
    }
    let entry = file.summary.entries.get(def.entry as usize)?;
    let fi = field(file, entry, "published")?;
    file.summary
        .items(fi)
        .iter()
        .find_map(|i| item_span(i, None))
        .map(|(s, _)| s)
}

fn source_related(snap: &Snapshot, id: &str) -> Vec<Related> {
    snap.first_definition(id)
        .and_then(|l| snap.definition(l))
        .and_then(|(file, def)| {
            let entry = file.summary.entries.get(def.entry as usize)?;
            let fi = field(file, entry, "published")?;
            Some(Related {
                file: file.id,
                range: fi.range.range(),
                message: format!("`{id}` was published {}", fi.value(&file.text())),
            })
        })
        .into_iter()
        .collect()
}

fn possibly(mut d: Diagnostic, q: Qualifier) -> Diagnostic {
    if !q.is_exact() {
        d.severity = Severity::Warning;
        d.message = format!(
            "possibly: {} (a date involved is uncertain or approximate)",
            d.message
        );
    }
    d
}

/// A lifetime or tenure: start, end, how sure, and where it is written.
type Life = (Option<Day>, Option<Day>, Qualifier, Vec<Related>);

/// A lifetime without where it is written: start, end, how sure.
type Dates = (Option<Day>, Option<Day>, Qualifier);

/// The lifetime of every actor and the publication date of every source of
/// a workspace, by ID: an actor takes part in many entries, a source is
/// cited by many, and reading their dates again for each (the field
/// lookups, the date parses) was a third of the network's construction.
#[derive(Default)]
struct Known {
    lifetimes: HashMap<Sym, Dates, super::summary::ShortBuild>,
    published: HashMap<Sym, Span, super::summary::ShortBuild>,
    /// The roles of actors that have any: each `as:` looks its author's up,
    /// and reading them takes the actor's file's text (perhaps packed).
    roles: HashMap<Sym, Vec<HeldRole>, super::summary::ShortBuild>,
}

impl Known {
    /// The lifetimes and publication dates of the IDs whose first
    /// definition is in `files` (those that have one), read in parallel.
    fn of(snap: &Snapshot, files: &[&Arc<FileData>]) -> Known {
        type Found = (
            Vec<(Sym, Dates)>,
            Vec<(Sym, Span)>,
            Vec<(Sym, Vec<HeldRole>)>,
        );
        let parts: Vec<Found> = files
            .par_iter()
            .map(|f| {
                let mut found = Found::default();
                for (i, d) in f.summary.definitions.iter().enumerate() {
                    let dated = matches!(d.kind, EntryKind::Actor | EntryKind::Source);
                    let has_roles = f
                        .summary
                        .entries
                        .get(d.entry as usize)
                        .is_some_and(|e| field(f, e, "role").is_some());
                    if !dated && !has_roles {
                        continue;
                    }
                    let here = super::workspace::DefLoc {
                        file: f.id,
                        index: i as u32,
                    };
                    if snap.first_definition(&d.id) != Some(here) {
                        continue;
                    }
                    if has_roles {
                        found.2.push((d.id, held_roles(f, d)));
                    }
                    if !dated {
                        continue;
                    }
                    if let Some(dates) = lifetime_dates(snap, &d.id, |_, _, _| {}) {
                        found.0.push((d.id, dates));
                    }
                    if let Some(span) = published_of(snap, &d.id) {
                        found.1.push((d.id, span));
                    }
                }
                found
            })
            .collect();
        let mut known = Known::default();
        known
            .lifetimes
            .reserve(parts.iter().map(|p| p.0.len()).sum());
        known
            .published
            .reserve(parts.iter().map(|p| p.1.len()).sum());
        for (lifetimes, published, roles) in parts {
            known.lifetimes.extend(lifetimes);
            known.published.extend(published);
            known.roles.extend(roles);
        }
        known
    }
}

/// The lifetime of an actor: (start, end, words, field range).
fn lifetime(snap: &Snapshot, id: &str) -> Option<Life> {
    let mut related = Vec::new();
    let (start, end, q) = lifetime_dates(snap, id, |file, fi, words| {
        related.push(Related {
            file: file.id,
            range: fi.range.range(),
            message: words(),
        })
    })?;
    Some((start, end, q, related))
}

/// The dates of an actor's lifetime; `written` is told of each field that
/// gives one (with the words that say so, made on demand).
fn lifetime_dates(
    snap: &Snapshot,
    id: &str,
    mut written: impl FnMut(&FileData, &FieldInfo, &dyn Fn() -> String),
) -> Option<Dates> {
    let loc = snap.first_definition(id)?;
    let (file, def) = snap.definition(loc)?;
    if def.kind != EntryKind::Actor {
        return None;
    }
    let entry = file.summary.entries.get(def.entry as usize)?;
    let mut start = None;
    let mut end = None;
    let mut q = Qualifier::default();
    for (key, is_start) in [
        ("born", true),
        ("founded", true),
        ("died", false),
        ("dissolved", false),
    ] {
        let Some(fi) = field(file, entry, key) else {
            continue;
        };
        let Some((s, _)) = file
            .summary
            .items(fi)
            .iter()
            .find_map(|i| item_span(i, None))
        else {
            continue;
        };
        q = q.or(s.qualifier);
        if is_start {
            start = s.earliest;
        } else {
            end = s.latest;
        }
        written(file, fi, &|| format!("`{id}` {key} {}", span_words(&s)));
    }
    (start.is_some() || end.is_some()).then_some((start, end, q))
}

/// One `role:` of an actor, read.
struct HeldRole {
    role: RoleText,
    file: super::FileId,
    range: Range<usize>,
    value: String,
}

/// The `role:` fields of a definition's entry, read.
fn held_roles(file: &FileData, def: &super::summary::Definition) -> Vec<HeldRole> {
    let Some(entry) = file.summary.entries.get(def.entry as usize) else {
        return Vec::new();
    };
    let mut text = None;
    file.summary
        .fields(entry)
        .iter()
        .filter(|fi| fi.key == "role")
        .map(|fi| {
            let src = text.get_or_insert_with(|| file.text());
            HeldRole {
                role: read_role_in(file, src, fi),
                file: file.id,
                range: fi.range.range(),
                value: fi.value(src).to_string(),
            }
        })
        .collect()
}

/// The tenure of the role an entry names with `as: TITLE of @org`.
fn tenure(
    b: &Builder<'_>,
    actor: &str,
    title: &str,
    org: Option<&str>,
) -> Option<(Option<Day>, Option<Day>, Qualifier, Related)> {
    let read;
    let roles: &[HeldRole] = match b.known {
        Some(known) => known.roles.get(actor).map_or(&[], Vec::as_slice),
        None => {
            let (file, def) = b.snap.definition(b.snap.first_definition(actor)?)?;
            read = held_roles(file, def);
            &read
        }
    };
    for held in roles {
        let role = &held.role;
        if !role.title.eq_ignore_ascii_case(title) || (org.is_some() && role.org.as_deref() != org)
        {
            continue;
        }
        let since = role.since.as_ref().and_then(|t| dates::parse(t).ok());
        let until = role.until.as_ref().and_then(|t| dates::parse(t).ok());
        let q = since
            .map(|s| s.qualifier)
            .unwrap_or_default()
            .or(until.map(|s| s.qualifier).unwrap_or_default());
        return Some((
            since.and_then(|s| s.earliest),
            until.and_then(|s| s.latest),
            q,
            Related {
                file: held.file,
                range: held.range.clone(),
                message: format!("`{actor}` holds the role: {}", held.value),
            },
        ));
    }
    None
}

/// A role as written: `president of @france since 2017-05-14 until 2030`.
pub struct RoleText {
    pub title: String,
    pub org: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Reads a `role:` or `as:` value from its text: the words before
/// ` of @org`, and the dates after `since` and `until`.
pub fn read_role(file: &FileData, fi: &FieldInfo) -> RoleText {
    read_role_in(file, &file.text(), fi)
}

/// [`read_role`] with the file's text at hand.
fn read_role_in(file: &FileData, src: &str, fi: &FieldInfo) -> RoleText {
    let text = fi.value(src);
    let org = file
        .summary
        .references
        .iter()
        .find(|r| {
            r.role() == RefRole::RoleOrganisation
                && fi.range.start() <= r.at()
                && r.at() < fi.range.end()
        })
        .map(|r| r.id.to_string());
    let mut title_end = text.len();
    for marker in [" of @", " since ", " until "] {
        if let Some(i) = text.find(marker) {
            title_end = title_end.min(i);
        }
    }
    let after = |word: &str| {
        let i = text.find(word)?;
        text[i + word.len()..]
            .split_whitespace()
            .next()
            .map(str::to_string)
    };
    RoleText {
        title: text[..title_end].trim().to_string(),
        org,
        since: after(" since "),
        until: after(" until "),
    }
}

fn actor_checks(
    b: &mut Builder<'_>,
    f: &FileData,
    e: &EntryInfo,
    span: Option<&Span>,
    event_node: Option<u32>,
    name: &EntryName<'_>,
) {
    // Actors taking part: the author, and `who:` / `led-by:` of events.
    let mut actors: Vec<(&str, Range<usize>)> = Vec::new();
    if let Some(a) = e.author.get() {
        let r = &f.summary.references[a as usize];
        actors.push((&r.id, r.full_range()));
    }
    for fi in f
        .summary
        .fields(e)
        .iter()
        .filter(|fi| matches!(fi.key.as_str(), "who" | "led-by"))
    {
        for item in f.summary.items(fi) {
            if let ValueItem::Ref(r) = item {
                let r = &f.summary.references[*r as usize];
                actors.push((&r.id, r.full_range()));
            }
        }
    }
    for (actor, range) in actors {
        let dates = match b.known {
            Some(known) => known.lifetimes.get(actor).copied(),
            None => lifetime_dates(b.snap, actor, |_, _, _| {}),
        };
        let Some((start, end, q)) = dates else {
            continue;
        };
        if let Some(n) = event_node {
            let tag = b.link(
                LinkKind::Lifetime,
                f.id,
                range.clone(),
                format_args!(
                    "`{actor}`, who takes part in {name}, lived {}",
                    life_words(start, end)
                ),
                q,
            );
            if let Some(s) = start {
                b.edge(false, n + 1, ZERO, -s, tag);
            }
            if let Some(t) = end {
                b.edge(false, ZERO, n, t, tag);
            }
        } else if let Some(span) = span {
            let before = matches!((span.latest, start), (Some(l), Some(s)) if l < s);
            let after = matches!((span.earliest, end), (Some(a), Some(t)) if a > t);
            if before || after {
                let d = Diagnostic::new(
                    Code::OutsideLifetime,
                    range,
                    format!(
                        "{name} is dated {}, outside the lifetime of `{actor}` ({})",
                        span_words(span).trim_start_matches("on "),
                        life_words(start, end)
                    ),
                );
                let d = possibly(d, span.qualifier.or(q));
                let related = lifetime(b.snap, actor).map(|l| l.3).unwrap_or_default();
                b.diag(f.id, d.with_related(related));
            }
        }
    }

    // `as: president of @us`: the role's tenure.
    let (Some(fi), Some(span)) = (field(f, e, "as"), span) else {
        return;
    };
    let Some(author) = e.author.get().and_then(|a| ref_id(f, a)) else {
        return;
    };
    let role = read_role(f, fi);
    let Some((since, until, q, related)) = tenure(b, author, &role.title, role.org.as_deref())
    else {
        // Acting in a role the actor never held is outside any tenure.
        let Some((def_file, def)) = b
            .snap
            .first_definition(author)
            .and_then(|l| b.snap.definition(l))
        else {
            return;
        };
        if def.kind != EntryKind::Actor {
            return;
        }
        let d = Diagnostic::new(
            Code::OutsideTenure,
            fi.value_range().unwrap_or(fi.range).range(),
            format!(
                "{name} is made as {}, but `{author}` has no such `role:`",
                fi.value(&f.text())
            ),
        )
        .with_related(vec![Related {
            file: def_file.id,
            range: def.range.clone(),
            message: format!("`{author}` is defined here; its roles are its `role:` fields"),
        }]);
        b.diag(f.id, d);
        return;
    };
    let before = matches!((span.latest, since), (Some(l), Some(s)) if l < s);
    let after = matches!((span.earliest, until), (Some(a), Some(t)) if a > t);
    if before || after {
        let d = Diagnostic::new(
            Code::OutsideTenure,
            fi.value_range().unwrap_or(fi.range).range(),
            format!(
                "{name} is dated {}, but `{author}` is {} only {}",
                span_words(span).trim_start_matches("on "),
                role.title,
                life_words(since, until)
            ),
        );
        let d = possibly(d, span.qualifier.or(q));
        b.diag(f.id, d.with_related(vec![related]));
    }
}

fn life_words(start: Option<Day>, end: Option<Day>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("from {} to {}", format_day(s), format_day(e)),
        (Some(s), None) => format!("from {}", format_day(s)),
        (None, Some(e)) => format!("until {}", format_day(e)),
        (None, None) => "at an unknown time".to_string(),
    }
}

/// Splits the network into connected components (the zero day does not
/// connect them), checks each, and records diagnostics and windows.
fn solve(b: &mut Builder<'_>) {
    let n = 1 + 2 * b.node_names.len();
    // Union-find over event nodes joined by edges between two events.
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], x: u32) -> u32 {
        let mut r = x;
        while p[r as usize] != r {
            r = p[r as usize];
        }
        let mut x = x;
        while p[x as usize] != r {
            let next = p[x as usize];
            p[x as usize] = r;
            x = next;
        }
        r
    }
    for i in 0..b.node_names.len() as u32 {
        let s = 1 + 2 * i;
        let (a, c) = (find(&mut parent, s), find(&mut parent, s + 1));
        parent[a as usize] = c;
    }
    for e in b
        .structural
        .iter()
        .chain(&b.checks)
        .chain(b.probes.iter().flatten())
    {
        if e.from != ZERO && e.to != ZERO {
            let (a, c) = (find(&mut parent, e.from), find(&mut parent, e.to));
            parent[a as usize] = c;
        }
    }
    // Every node's root, then components in the order of their roots, each
    // with local node numbers (0 = zero day) in node order.
    for x in 1..n as u32 {
        parent[x as usize] = find(&mut parent, x);
    }
    let root = parent;
    let mut index = vec![u32::MAX; n];
    let mut sizes: Vec<u32> = Vec::new();
    for x in 1..n {
        if root[x] as usize == x {
            index[x] = sizes.len() as u32;
            sizes.push(0);
        }
    }
    let mut local = vec![0u32; n];
    for x in 1..n {
        let c = index[root[x] as usize] as usize;
        sizes[c] += 1;
        local[x] = sizes[c];
    }
    let comps = sizes.len();
    // The component of an edge (`None`: between zero and itself).
    let component = |e: &Edge<u32>| {
        let global = if e.from != ZERO { e.from } else { e.to };
        Some(index[root[global as usize] as usize] as usize).filter(|&c| c < comps)
    };
    let to_local = |e: &Edge<u32>| Edge {
        from: local[e.from as usize],
        to: local[e.to as usize],
        weight: e.weight,
        tag: e.tag,
    };
    // Dates are facts and go in first, then ordering, then the checks: a
    // cycle is closed by (and so reported on) the ordering constraint or the
    // check that contradicts the dates, not by a date. The edges of every
    // component in that order, one component after the other, in one
    // vector (counted first, so that it has no slack).
    let structural = std::mem::take(&mut b.structural);
    let checks = std::mem::take(&mut b.checks);
    let links = &b.links;
    // Each edge's link read once (they are scattered in memory): whether a
    // structural edge is a date, one byte each, rather than the edges
    // copied into two lists beside the others.
    let is_date: Vec<bool> = structural
        .iter()
        .map(|e| {
            matches!(
                links[e.tag as usize].kind,
                LinkKind::Internal | LinkKind::EventDate
            )
        })
        .collect();
    let ordered = || {
        let dates = structural.iter().zip(&is_date).filter(|(_, d)| **d);
        let ordering = structural.iter().zip(&is_date).filter(|(_, d)| !**d);
        dates.chain(ordering).map(|(e, _)| e).chain(&checks)
    };
    let mut starts = vec![0usize; comps + 1];
    for c in ordered().filter_map(component) {
        starts[c + 1] += 1;
    }
    for c in 0..comps {
        starts[c + 1] += starts[c];
    }
    let mut edges: Vec<Edge<u32>> = vec![
        Edge {
            from: 0,
            to: 0,
            weight: 0,
            tag: 0
        };
        starts[comps]
    ];
    let mut fill = starts.clone();
    for e in ordered() {
        if let Some(c) = component(e) {
            edges[fill[c]] = to_local(e);
            fill[c] += 1;
        }
    }
    drop(fill);
    drop(is_date);
    drop(structural);
    drop(checks);
    // The probes, by component (a stable sort keeps their order).
    let mut probes: Vec<(usize, Vec<Edge<u32>>)> = std::mem::take(&mut b.probes)
        .into_iter()
        .filter_map(|p| {
            let c = component(p.first()?)?;
            Some((c, p.iter().map(to_local).collect()))
        })
        .collect();
    probes.sort_by_key(|(c, _)| *c);
    let cache = b.snap.temporal_cache();
    // Each component on its own, in parallel; the results are read in
    // component order.
    let solved: Vec<(Vec<u32>, u64, Arc<ComponentResult>)> = (0..comps)
        .into_par_iter()
        .map(|c| {
            let first = probes.partition_point(|(pc, _)| *pc < c);
            let last = probes.partition_point(|(pc, _)| *pc <= c);
            let mut w = ComponentWork {
                edges: edges[starts[c]..starts[c + 1]].to_vec(),
                probes: probes[first..last].iter().map(|(_, p)| p.clone()).collect(),
            };
            // Tags as the component's own numbers, in order of appearance,
            // so that the same constraints give the same key in any
            // workspace.
            let mut tags: Vec<u32> = Vec::new();
            let mut local_tag = HashMap::new();
            for e in w.edges.iter_mut().chain(w.probes.iter_mut().flatten()) {
                let t = *local_tag.entry(e.tag).or_insert_with(|| {
                    tags.push(e.tag);
                    (tags.len() - 1) as u32
                });
                e.tag = t;
            }
            let nodes = sizes[c] as usize + 1;
            let key = component_key(nodes, &w, &tags, links);
            let result = cache.get_or_solve(key, || solve_component(nodes, &w));
            if result.cycles.is_empty() {
                tags = Vec::new();
            }
            (tags, key, result)
        })
        .collect();
    drop(edges);
    drop(probes);
    let mut used = Vec::with_capacity(solved.len());
    for (tags, key, result) in &solved {
        used.push(*key);
        for cycle in &result.cycles {
            let global: Vec<u32> = cycle.iter().map(|t| tags[*t as usize]).collect();
            report_cycle(b, &global);
        }
    }
    let windows = &mut Arc::make_mut(&mut b.out.windows).0;
    windows.reserve(b.node_names.len());
    for (i, id) in b.node_names.iter().enumerate() {
        let x = 1 + 2 * i;
        let c = index[root[x] as usize] as usize;
        let window = solved[c].2.windows[(local[x] as usize - 1) / 2];
        windows.insert(*id, window);
    }
    cache.keep_only(&used);
}

/// The constraints of one connected component, in the order they are added,
/// with component-local node numbers and tags.
#[derive(Default)]
struct ComponentWork {
    edges: Vec<Edge<u32>>,
    probes: Vec<Vec<Edge<u32>>>,
}

/// No bound, in [`ComponentResult::windows`] and [`Windows`].
const NO_DAY: Day = Day::MIN;

/// What checking a component found: its refused constraints (as cycles of
/// component-local tags, the closing one first) and, for every event, its
/// window.
#[derive(Debug)]
pub struct ComponentResult {
    cycles: Vec<Vec<u32>>,
    /// By local event (local nodes 2k + 1 and 2k + 2): the earliest start
    /// and the latest end, [`NO_DAY`] when unbounded.
    windows: Box<[[Day; 2]]>,
}

fn component_key(nodes: usize, w: &ComponentWork, tags: &[u32], links: &[Link]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    nodes.hash(&mut h);
    for e in &w.edges {
        (e.from, e.to, e.weight, e.tag).hash(&mut h);
    }
    for p in &w.probes {
        p.len().hash(&mut h);
        for e in p {
            (e.from, e.to, e.weight, e.tag).hash(&mut h);
        }
    }
    // The links' words (a hash of them) and places are part of the result
    // (messages, related information), so they are part of the key.
    for t in tags {
        let l = &links[*t as usize];
        (l.kind, l.file, l.span, l.words).hash(&mut h);
        (
            l.qualifier.uncertain,
            l.qualifier.approximate,
            l.acknowledged,
        )
            .hash(&mut h);
    }
    h.finish()
}

fn solve_component(nodes: usize, w: &ComponentWork) -> ComponentResult {
    let mut stn: Stn<u32> = Stn::new(nodes);
    let mut cycles = Vec::new();
    let tags_of = |cycle: &[Edge<u32>]| {
        let mut tags: Vec<u32> = Vec::new();
        for e in cycle {
            if !tags.contains(&e.tag) {
                tags.push(e.tag);
            }
        }
        tags
    };
    for e in &w.edges {
        if let Err(cycle) = stn.add(*e) {
            cycles.push(tags_of(&cycle));
        }
    }
    for p in &w.probes {
        if let Err(cycle) = stn.probe(p) {
            cycles.push(tags_of(&cycle));
        }
    }
    let from_zero = stn.distances_from(0);
    let to_zero = stn.distances_to(0);
    // Local nodes come in (start, end) pairs: 1-2, 3-4 …
    let windows = (1..nodes)
        .step_by(2)
        .map(|x| {
            [
                to_zero[x].map(|d| -d).unwrap_or(NO_DAY),
                from_zero.get(x + 1).copied().flatten().unwrap_or(NO_DAY),
            ]
        })
        .collect();
    ComponentResult { cycles, windows }
}

/// Results of components, by a hash of their constraints, shared by the
/// snapshots of one workspace: an edit re-solves only the components whose
/// constraints it changed.
#[derive(Default)]
pub struct TemporalCache {
    results: std::sync::Mutex<HashMap<u64, Arc<ComponentResult>>>,
    solved: std::sync::atomic::AtomicUsize,
}

impl TemporalCache {
    fn get_or_solve(
        &self,
        key: u64,
        solve: impl FnOnce() -> ComponentResult,
    ) -> Arc<ComponentResult> {
        if let Some(r) = self
            .results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return r.clone();
        }
        let r = Arc::new(solve());
        self.solved
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, r.clone());
        r
    }

    /// Forgets every result not used by the latest analysis.
    fn keep_only(&self, keys: &[u64]) {
        let keep: std::collections::HashSet<u64> = keys.iter().copied().collect();
        self.results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k, _| keep.contains(k));
    }

    /// How many components were solved (not found in the cache) so far.
    pub fn solved(&self) -> usize {
        self.solved.load(std::sync::atomic::Ordering::Relaxed)
    }
}

fn report_cycle(b: &mut Builder<'_>, tags: &[u32]) {
    let links: Vec<Link> = tags.iter().map(|t| b.links[*t as usize].clone()).collect();
    let closing = &links[0];
    let kinds: Vec<LinkKind> = links.iter().map(|l| l.kind).collect();
    let has = |k: LinkKind| kinds.contains(&k);
    let code = if has(LinkKind::StatementAt) {
        Code::StatementOutsideEvent
    } else if has(LinkKind::Report) {
        Code::ReportBeforeEvent
    } else if has(LinkKind::SourcePublished) {
        Code::SourcePublishedBefore
    } else if has(LinkKind::Lifetime) {
        Code::OutsideLifetime
    } else if has(LinkKind::Tenure) {
        Code::OutsideTenure
    } else if has(LinkKind::DateClaim { relative: true }) {
        Code::RelativeDateMismatch
    } else if !has(LinkKind::Order) {
        Code::ConflictingEventDate
    } else {
        Code::TemporalConflict
    };
    let others: Vec<&Link> = links[1..]
        .iter()
        .filter(|l| l.kind != LinkKind::Internal)
        .collect();
    let closing_words = b.words(closing);
    let words: Vec<String> = others.iter().map(|l| b.words(l)).collect();
    let reasons: Vec<&str> = words.iter().map(String::as_str).collect();
    let message = match reasons.as_slice() {
        [] => format!("{closing_words}, which cannot be"),
        [one] => format!("{closing_words}, but {one}"),
        [init @ .., last] => format!("{closing_words}, but {} and {last}", init.join(", ")),
    };
    let q = links
        .iter()
        .fold(Qualifier::default(), |q, l| q.or(l.qualifier));
    let d = Diagnostic::new(code, closing.range(), message).with_related(
        others
            .iter()
            .zip(words)
            .map(|(l, message)| Related {
                file: l.file,
                range: l.range(),
                message,
            })
            .collect(),
    );
    let mut d = possibly(d, q);
    if closing.acknowledged {
        d.code = Code::AcknowledgedConflict;
        d.severity = Code::AcknowledgedConflict.severity();
        d.message = format!("acknowledged as disputed: {}", d.message);
    }
    let file = closing.file;
    b.diag(file, d);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{prepare, workspace_of};

    fn run(files: &[(&str, &str)]) -> (Snapshot, Temporal) {
        let ws = workspace_of(
            files
                .iter()
                .map(|(k, t)| prepare(k.to_string(), Arc::from(*t)))
                .collect(),
        );
        let snap = ws.snapshot();
        let t = analyse(&snap);
        (snap, t)
    }

    fn codes(snap: &Snapshot, t: &Temporal) -> Vec<(String, &'static str, String)> {
        let mut out = Vec::new();
        for f in snap.files() {
            for d in t.diagnostics_of(f.id) {
                out.push((
                    f.key.to_string(),
                    d.code.as_str(),
                    f.text()[d.range.clone()].to_string(),
                ));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn reversed_after_closes_a_cycle_with_every_link_related() {
        let (snap, t) = run(&[(
            "a.chron",
            "2025-11-25 event call: Call\n2025-11-24 event wg: Working group\n  after: @call\n",
        )]);
        let c = codes(&snap, &t);
        assert_eq!(c, [("a.chron".into(), "temporal-conflict", "@call".into())]);
        let d = &t.diagnostics_of(0)[0];
        assert_eq!(d.related.len(), 2, "{d:?}");
        assert!(d.message.contains("`wg` is after `call`"), "{}", d.message);
        let related: Vec<_> = d.related.iter().map(|r| r.message.as_str()).collect();
        assert!(related.contains(&"`call` is on 2025-11-25"), "{related:?}");
        assert!(related.contains(&"`wg` is on 2025-11-24"), "{related:?}");
    }

    #[test]
    fn an_edit_re_solves_only_its_own_component() {
        let a = "2025-11-25 event call: Call\n2025-11-24 event wg: WG\n  after: @call\n";
        let b = "2025-11-01 event x: X\nevent y: Y\n  after: @x\n";
        let mut ws = workspace_of(vec![
            prepare("a.chron".into(), Arc::from(a)),
            prepare("b.chron".into(), Arc::from(b)),
        ]);
        let first = ws.snapshot().temporal();
        let solved = ws.snapshot().temporal_cache().solved();
        assert_eq!(solved, 2);
        assert_eq!(first.diagnostics_of(0).len(), 1);

        // Edit b.chron: only its component is solved again; a.chron's
        // conflict comes from the cache, unchanged.
        let b2 = b.replace("2025-11-01", "2025-11-02");
        let p = prepare("b.chron".into(), Arc::from(b2.as_str()));
        ws.set_file("b.chron", p.text, p.tree, p.summary, None);
        let second = ws.snapshot().temporal();
        assert_eq!(ws.snapshot().temporal_cache().solved(), solved + 1);
        assert_eq!(second.diagnostics_of(0), first.diagnostics_of(0));
        let (earliest, _) = second.windows.get("y").unwrap();
        assert_eq!(earliest.map(format_day).as_deref(), Some("2025-11-02"));
    }

    #[test]
    fn consistent_partial_dates_and_windows() {
        let (snap, t) = run(&[(
            "a.chron",
            "2025-11 event talks: Talks\n  before: @call\n2025-11-25 event call: Call\nevent wg: WG\n  after: @call\n  before: @end\n2025-11-28 event end: End\n",
        )]);
        assert!(codes(&snap, &t).is_empty(), "{:?}", codes(&snap, &t));
        let (a, b) = t.windows.get("wg").unwrap();
        assert_eq!(a.map(format_day).as_deref(), Some("2025-11-25"));
        assert_eq!(b.map(format_day).as_deref(), Some("2025-11-28"));
        let (a, b) = t.windows.get("talks").unwrap();
        assert_eq!(a.map(format_day).as_deref(), Some("2025-11-01"));
        assert_eq!(b.map(format_day).as_deref(), Some("2025-11-25"));
    }

    #[test]
    fn relative_date_claim_mismatch_and_match() {
        let ok = "2025-11-25 @m said \"tomorrow\"\n  claims: @wg.date = tomorrow\n2025-11-26 event wg: WG\nactor m \"M\"\n";
        let (snap, t) = run(&[("a.chron", ok)]);
        assert!(codes(&snap, &t).is_empty(), "{:?}", codes(&snap, &t));
        assert_eq!(t.resolved[&0][0].1, "on 2025-11-26");
        let bad = ok.replace("2025-11-26 event", "2025-11-27 event");
        let (snap, t) = run(&[("a.chron", &bad)]);
        assert_eq!(codes(&snap, &t)[0].1, "relative-date-mismatch");
    }

    #[test]
    fn written_dates_are_checked() {
        let (snap, t) = run(&[(
            "a.chron",
            "2025-02-30 event a: A\n2025-11-26 (Thu) event b: B\n2025-11-27/2025-11-25 event c: C\n2025-11-26 (Wed) event d: D\n",
        )]);
        let c: Vec<_> = codes(&snap, &t).into_iter().map(|c| (c.1, c.2)).collect();
        assert_eq!(
            c,
            [
                ("invalid-date", "2025-02-30".to_string()),
                ("reversed-interval", "2025-11-27/2025-11-25".to_string()),
                ("weekday-mismatch", "(Thu)".to_string()),
            ]
        );
    }
}
