//! The well-known fields of each entry kind and the well-known values of
//! `kind:` (docs/notation.md §5.3): what completion offers and what hover
//! explains.

use crate::analysis::references::expected_kinds;
use crate::analysis::summary::RefRole;
use crate::syntax::EntryKind;

/// What a field's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueShape {
    /// Free text (`where: Geneva`).
    Text,
    /// A word naming the entry's kind (`kind: person`).
    Kind,
    /// A list of strings (`aka:`).
    Strings,
    /// A role phrase: `TITLE of @actor since DATE until DATE`.
    Role,
    /// A date or an interval.
    Date,
    /// A date, an interval or an offset from an event (`at:` of an event).
    DateOrOffset,
    /// References to these kinds of entity.
    Refs(&'static [EntryKind]),
    /// `yes` or `no`.
    Boolean,
    /// Assertions `@subject.property OP value`.
    Assertions,
    /// A new ID, without `@`.
    NewId,
}

/// One well-known field.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub key: &'static str,
    /// Whether the field makes sense once per entry (completion leaves it
    /// out when present).
    pub once: bool,
    pub shape: ValueShape,
    /// What the value is, in words.
    pub value: &'static str,
    /// What the analysis does with it.
    pub doc: &'static str,
}

use EntryKind::*;

const fn f(
    key: &'static str,
    once: bool,
    shape: ValueShape,
    value: &'static str,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        once,
        shape,
        value,
        doc,
    }
}

const ACTOR: &[FieldSpec] = &[
    f(
        "kind",
        true,
        ValueShape::Kind,
        "`person`, `state`, `organisation`, `group`, …",
        "Shown in hover; groups completion.",
    ),
    f(
        "aka",
        true,
        ValueShape::Strings,
        "list of strings",
        "Other names: unlinked mentions, \"did you mean\", completion, hover.",
    ),
    f(
        "role",
        false,
        ValueShape::Role,
        "`TITLE of @actor since DATE until DATE`; repeatable",
        "A role and its tenure, checked against `as:` of statements and claims.",
    ),
    f(
        "members",
        true,
        ValueShape::Refs(&[Actor]),
        "list of actors",
        "The members of a group; shown in hover.",
    ),
    f(
        "born",
        true,
        ValueShape::Date,
        "date",
        "Start of a person's lifetime.",
    ),
    f(
        "died",
        true,
        ValueShape::Date,
        "date",
        "End of a person's lifetime.",
    ),
    f(
        "founded",
        true,
        ValueShape::Date,
        "date",
        "Start of a state's, organisation's or group's lifetime.",
    ),
    f(
        "dissolved",
        true,
        ValueShape::Date,
        "date",
        "End of a state's, organisation's or group's lifetime.",
    ),
];

const SOURCE: &[FieldSpec] = &[
    f(
        "kind",
        true,
        ValueShape::Kind,
        "`outlet`, `agency`, `document`, `report`, `interview`, …",
        "Shown in hover.",
    ),
    f(
        "published",
        true,
        ValueShape::Date,
        "date",
        "Entries citing the source must not be dated after it.",
    ),
    f(
        "url",
        true,
        ValueShape::Text,
        "text or string",
        "Shown in hover and exported.",
    ),
    f(
        "author",
        true,
        ValueShape::Refs(&[Actor]),
        "list of actors, text or strings",
        "Shown in hover.",
    ),
];

const TOPIC: &[FieldSpec] = &[f(
    "kind",
    true,
    ValueShape::Kind,
    "`agreement`, `law`, `figure`, …",
    "Shown in hover.",
)];

const EVENT: &[FieldSpec] = &[
    f(
        "kind",
        true,
        ValueShape::Kind,
        "`meeting`, `launch`, `negotiation`, …",
        "Shown in hover and exported.",
    ),
    f(
        "who",
        true,
        ValueShape::Refs(&[Actor]),
        "list of actors",
        "The participants; checked against their lifetimes.",
    ),
    f(
        "where",
        true,
        ValueShape::Text,
        "list of text, strings or actors",
        "Shown in hover and exported.",
    ),
    f(
        "led-by",
        true,
        ValueShape::Refs(&[Actor]),
        "list of actors",
        "The leaders; checked against their lifetimes.",
    ),
    f(
        "before",
        false,
        ValueShape::Refs(&[Event]),
        "list of events or offsets",
        "The event ends on or before the day each of them starts.",
    ),
    f(
        "after",
        false,
        ValueShape::Refs(&[Event]),
        "list of events or offsets",
        "The event starts on or after the day each of them ends.",
    ),
    f(
        "during",
        true,
        ValueShape::Refs(&[Event]),
        "list of events or offsets",
        "The event lies within each of them.",
    ),
    f(
        "at",
        true,
        ValueShape::DateOrOffset,
        "a date, an interval, or an offset `@event + 1d`",
        "The event's date when the header has none.",
    ),
    f(
        "source",
        true,
        ValueShape::Refs(&[Source]),
        "list of sources",
        "Checked against each source's `published:` date.",
    ),
    f(
        "about",
        true,
        ValueShape::Refs(&[Topic, Actor, Event]),
        "list of topics, actors or events",
        "Found by find references; shown in hover.",
    ),
];

const STATEMENT: &[FieldSpec] = &[
    f(
        "at",
        true,
        ValueShape::Refs(&[Event]),
        "event",
        "Where the words were said; the statement's date must fall within the event's.",
    ),
    f(
        "source",
        true,
        ValueShape::Refs(&[Source]),
        "list of sources",
        "Checked against each source's `published:` date.",
    ),
    f(
        "as",
        true,
        ValueShape::Role,
        "role phrase `TITLE of @actor`",
        "The role the speaker spoke in; checked against the speaker's `role:` tenure.",
    ),
    f(
        "claims",
        false,
        ValueShape::Assertions,
        "list of assertions `@subject.property = value`",
        "Claims of the speaker, dated with the statement.",
    ),
    f(
        "denies",
        false,
        ValueShape::Assertions,
        "list of assertions",
        "Denials of the speaker, dated with the statement.",
    ),
    f(
        "id",
        true,
        ValueShape::NewId,
        "a new ID, without `@`",
        "Lets `contradicts:` and other entries point at the statement.",
    ),
];

const CLAIM: &[FieldSpec] = &[
    f(
        "source",
        true,
        ValueShape::Refs(&[Source]),
        "list of sources",
        "Checked against each source's `published:` date.",
    ),
    f(
        "as",
        true,
        ValueShape::Role,
        "role phrase `TITLE of @actor`",
        "The role the holder spoke in; checked against the holder's `role:` tenure.",
    ),
    f(
        "valid",
        true,
        ValueShape::Date,
        "date or interval",
        "When the claimed value holds (otherwise: as of the claim's date).",
    ),
    f(
        "id",
        true,
        ValueShape::NewId,
        "a new ID, without `@`",
        "Lets other claims point at this one.",
    ),
    f(
        "contradicts",
        true,
        ValueShape::Refs(&[Claim, Statement]),
        "list of claims or statements (their `id:`)",
        "Acknowledges the conflict with them.",
    ),
    f(
        "disputed",
        true,
        ValueShape::Boolean,
        "`yes` or `no`",
        "`yes` acknowledges every conflict of this claim.",
    ),
    f(
        "at",
        true,
        ValueShape::Refs(&[Event]),
        "event",
        "The event where the claim was made; checked like a statement's `at:`.",
    ),
    f(
        "about",
        true,
        ValueShape::Refs(&[Topic, Actor, Event]),
        "list of topics, actors or events",
        "The events a `reports` claim reports on; found by find references.",
    ),
];

/// The well-known fields of an entry kind, in the order completion offers them.
pub fn fields_of(kind: EntryKind) -> &'static [FieldSpec] {
    match kind {
        Actor => ACTOR,
        Source => SOURCE,
        Topic => TOPIC,
        Event => EVENT,
        Statement => STATEMENT,
        Claim => CLAIM,
    }
}

/// A well-known field of an entry kind.
pub fn field_spec(kind: EntryKind, key: &str) -> Option<&'static FieldSpec> {
    fields_of(kind).iter().find(|f| f.key == key)
}

/// The well-known values of `kind:` for an entry kind.
pub fn kind_values(kind: EntryKind) -> &'static [&'static str] {
    match kind {
        Actor => &[
            "person",
            "state",
            "organisation",
            "group",
            "party",
            "company",
            "media",
        ],
        Source => &[
            "outlet",
            "document",
            "report",
            "agency",
            "social-media",
            "interview",
        ],
        Topic => &["agreement", "plan", "law", "figure", "policy"],
        Event => &[
            "meeting",
            "call",
            "summit",
            "negotiation",
            "launch",
            "announcement",
            "statement",
            "attack",
            "vote",
            "election",
            "publication",
        ],
        Statement | Claim => &[],
    }
}

/// The kinds of entity a reference in the value of field `key` of an entry
/// of kind `entry` should name: what the diagnostics expect, and for fields
/// they leave open, what the notation suggests (`about:` → topics, actors,
/// events). `None` when any kind will do.
pub fn reference_kinds(key: &str, entry: Option<EntryKind>) -> Option<&'static [EntryKind]> {
    if let Some(kinds) = expected_kinds(&RefRole::Field(crate::analysis::summary::sym(key)), entry)
    {
        return Some(kinds);
    }
    match entry.and_then(|e| field_spec(e, key)).map(|f| f.shape) {
        Some(ValueShape::Refs(kinds)) => Some(kinds),
        _ => match key {
            "about" => Some(&[Topic, Actor, Event]),
            "author" => Some(&[Actor]),
            _ => None,
        },
    }
}

/// Whether a field's value is a date (completion offers the dates of known
/// events).
pub fn is_date_field(key: &str, entry: Option<EntryKind>) -> bool {
    match entry.and_then(|e| field_spec(e, key)).map(|f| f.shape) {
        Some(ValueShape::Date | ValueShape::DateOrOffset) => true,
        Some(_) => false,
        None => matches!(
            key,
            "published"
                | "valid"
                | "born"
                | "died"
                | "founded"
                | "dissolved"
                | "date"
                | "since"
                | "until"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_fields_once() {
        for kind in [Actor, Source, Topic, Event, Statement, Claim] {
            let keys: Vec<_> = fields_of(kind).iter().map(|f| f.key).collect();
            let mut dedup = keys.clone();
            dedup.sort();
            dedup.dedup();
            assert_eq!(keys.len(), dedup.len(), "{kind:?}");
        }
        assert_eq!(
            fields_of(Actor).iter().map(|f| f.key).collect::<Vec<_>>(),
            [
                "kind",
                "aka",
                "role",
                "members",
                "born",
                "died",
                "founded",
                "dissolved"
            ]
        );
    }

    #[test]
    fn reference_kinds_follow_the_diagnostics_then_the_docs() {
        assert_eq!(reference_kinds("after", Some(Event)), Some(&[Event][..]));
        assert_eq!(reference_kinds("source", Some(Claim)), Some(&[Source][..]));
        assert_eq!(
            reference_kinds("about", Some(Claim)),
            Some(&[Topic, Actor, Event][..])
        );
        assert_eq!(reference_kinds("where", Some(Event)), None);
        assert!(is_date_field("published", Some(Source)));
        assert!(is_date_field("at", Some(Event)));
        assert!(!is_date_field("at", Some(Statement)));
    }
}
