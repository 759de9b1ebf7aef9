//! Diagnostics as plain data: a stable code, a severity, a message a person
//! understands, a byte range, and related information pointing at the other
//! side of a conflict. No LSP types here; the server and the CLI convert.

use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "info",
            Self::Hint => "hint",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// Every diagnostic code. The string form is stable: editors, CI
        /// configurations and docs/diagnostics.md refer to it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// A problem of the syntax itself.
            pub fn is_syntax(self) -> bool {
                matches!(
                    self,
                    Code::SyntaxError | Code::MissingToken | Code::MissingColon | Code::StrayField
                )
            }

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The severity a diagnostic of this code has unless the check
            /// decides otherwise (e.g. an acknowledged conflict).
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            pub fn parse(code: &str) -> Option<Code> {
                match code { $( $code => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    // Syntax
    SyntaxError = "syntax-error", Error, "text that does not fit the notation";
    MissingToken = "missing-token", Error, "a required token is missing, e.g. a closing quote";
    MissingColon = "missing-colon", Error, "a field or event header without its `:`";
    StrayField = "stray-field", Warning, "an indented field that is not under an entry";
    InvalidEncoding = "invalid-encoding", Error, "the file is not UTF-8 text";
    FileTooLarge = "file-too-large", Warning, "the file is larger than the configured limit and was skipped";
    // Dates
    InvalidDate = "invalid-date", Error, "a date that is not on the calendar";
    ReversedInterval = "reversed-interval", Error, "an interval that ends before it starts";
    WeekdayMismatch = "weekday-mismatch", Error, "a weekday annotation that does not match its date";
    // References
    UndefinedReference = "undefined-reference", Error, "a reference to an ID that is not defined";
    WrongKind = "wrong-kind", Error, "a reference to the wrong kind of entity";
    DuplicateId = "duplicate-id", Error, "an ID defined more than once";
    UnusedDefinition = "unused-definition", Hint, "a definition that nothing refers to";
    UnlinkedMention = "unlinked-mention", Hint, "an actor's name in prose without `@`";
    // Temporal network
    TemporalConflict = "temporal-conflict", Error, "ordering constraints that cannot all hold";
    ReportBeforeEvent = "report-before-event", Error, "a report dated before the event it reports";
    StatementOutsideEvent = "statement-outside-event", Error, "a statement at an event, dated outside it";
    SourcePublishedBefore = "source-published-before", Error, "an entry later than the source it cites";
    OutsideLifetime = "outside-lifetime", Error, "an actor acting outside their lifetime";
    OutsideTenure = "outside-tenure", Error, "an actor acting in a role outside its tenure";
    RelativeDateMismatch = "relative-date-mismatch", Error, "a relative date that does not match its event";
    ConflictingEventDate = "conflicting-event-date", Error, "one event given two different dates";
    // Claims
    ConflictingClaims = "conflicting-claims", Warning, "claims whose values cannot all be true";
    ChangedPosition = "changed-position", Information, "a holder contradicting their own earlier claim";
    AcknowledgedConflict = "acknowledged-conflict", Hint, "a conflict the writer has acknowledged";
}

/// Which file a range belongs to, as an index into the snapshot's file list.
pub type FileId = u32;

/// A place on the other side of a conflict, with what it asserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub range: Range<usize>,
    pub message: String,
}

/// One diagnostic in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no related info.
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            range,
            message: message.into(),
            related: Vec::new(),
        }
    }

    pub fn with_related(mut self, related: Vec<Related>) -> Self {
        self.related = related;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }
}
