/**
 * @file Chronicle notation: structured notes about events, actors, statements and claims.
 * @license MIT
 *
 * The notation is line oriented. Every line is one of:
 *   - a heading            `# Title`
 *   - a comment            `// …` (whole line, may be indented)
 *   - a blank line
 *   - an entry header      `actor …`, `source …`, `topic …`, `[DATE] event …`,
 *                          `[DATE] @holder said|claims|denies|reports …`
 *   - a field              an indented `key: value` line directly under an entry
 *   - prose                any other line; `@id` mentions inside it are references
 *
 * The external scanner (src/scanner.c) decides, at the start of each line,
 * what the line is: it emits the heading marker, the zero-width token that
 * opens an entry header, the one that opens a prose line, the indentation
 * token that opens a field, and whole-line comments; and the line ends.
 *
 * A second reader of the notation, src/analysis/quick.rs, summarises plain
 * files without a tree; it must read every line as this grammar and the
 * scanner do (a differential test checks it), so a change here needs the
 * same change there, or that reader must decline the new form.
 *
 * Error recovery is line local: a bad line is one ERROR inside that line's
 * node, and every other line keeps its place in the tree.
 *   - Tree-sitter recovers from a bad token by going back to an earlier state
 *     in which a later token is valid; here that token is the line break, so
 *     every line rule accepts its line break early. A header accepts it right
 *     after its keyword or verb: the parts after it are optional in the tree.
 *     The syntax layer reports an entry without its `name` (actor, source,
 *     topic, event), a statement without its `quote` and a claim without its
 *     `assertion`, as it reports a missing colon. A field accepts its line
 *     break right after its indentation; since the scanner never emits an
 *     indentation token for a blank line, a field without a key exists only
 *     around an ERROR (`  : value`).
 *   - Recovery never goes back into an earlier line: each header line is a
 *     hidden rule reduced at its line break (fields already are), and
 *     entries start only with the scanner's zero-width header token, which
 *     exists only at the start of a line (so an `@` in a broken field cannot
 *     open a statement and end the entry above).
 *   - Recovery never skips a line break once it has recovered in front of
 *     it: every line break changes the scanner's state (see scanner.c), and
 *     tree-sitter does not skip such a token after a successful recovery. So
 *     two broken lines in a row stay two ERRORs.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Unicode letters, digits, `_` start an ID; `-` may follow. The scanner
// reads all-ASCII IDs, keys and inline text runs itself (scanner.c, "ASCII
// fast paths"): a change to ID, `key` or `_inline_text` needs the same change
// there.
const ID = /[\p{L}\p{N}_][\p{L}\p{N}_\-]*/;

// One calendar date of EDTF level 1: year, year-month (or season 21–24),
// year-month-day; `X` for an unspecified digit; optional time; a trailing
// `?` (uncertain), `~` (approximate) or `%` (both). Months and days of one
// digit are accepted here so that a slip like `2025-11-3` is one date the
// analysis can name precisely, not an ERROR that swallows the line.
const DIGIT = '[0-9X]';
const TIME = 'T[0-9]{2}(:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?';
const DATE = new RegExp(
  `-?${DIGIT}{4}(-${DIGIT}{1,2}(-${DIGIT}{1,2}(${TIME})?)?)?[?~%]?`,
);

// Control characters other than tab and the line breaks are never text:
// each one is a (line-local) ERROR the syntax layer reports. A carriage
// return that is not followed by a line feed is one of them, since
// tree-sitter, like the scanner, breaks lines only at `\n` (the language
// server hands the parser a lone `\r` as `\n`: src/syntax/lines.rs).
const CTRL = '\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f';

const WEEKDAYS = '(mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)';

module.exports = grammar({
  name: 'chronicle',

  externals: $ => [
    $._newline,
    $._indent,
    $._prose_start,
    $.comment,
    $._lone_at,
    $.heading_marker,
    $._header_start,
    // Tokens of the grammar that the scanner reads first, in the common
    // case, without the generated lexer's Unicode set lookup per character
    // (see scanner.c); when it declines, the generated lexer reads them.
    $._inline_text,
    $._ref_id,
    $.key,
    $.identifier,
    $._error_sentinel,
  ],

  // Blanks, and a byte order mark (see scanner.c), separate tokens.
  extras: $ => [/[ \t\uFEFF]/, $.comment],

  supertypes: $ => [$._entry, $._atom],

  // Wrapper rules that only choose: inlining them saves the parser a
  // reduction per value (about 6% of parse time).
  inline: $ => [$._value, $._item_value],

  rules: {
    // Items before the first heading belong to the document, later ones to
    // the section of the heading above them. Written as one repetition (a
    // section prefers to take the items that follow it) so that, after a
    // section, the parser is in a state with the same lookaheads as inside
    // one: on an incremental reparse tree-sitter can then reuse whole
    // sections instead of walking every line of the file.
    document: $ => repeat(choice($._item, $.section)),

    _item: $ => choice(
      $._entry,
      $.prose,
      $._newline,
    ),

    // ── Sections ────────────────────────────────────────────────────────
    // A heading opens a section that runs to the next heading. Heading
    // levels are not nested in the tree; the analysis builds the outline.
    section: $ => prec.right(seq(
      field('heading', $.heading),
      repeat($._item),
    )),

    heading: $ => seq(
      field('marker', $.heading_marker),
      optional(field('title', $.inline)),
      $._newline,
    ),

    // `heading_marker` (`#` to `######`) is read by the scanner, only at
    // the start of a line.

    // ── Prose ───────────────────────────────────────────────────────────
    prose: $ => seq(
      $._prose_start,
      optional(field('content', $.inline)),
      $._newline,
    ),

    // Free text with `@id` mentions as real references. An `@` that no ID
    // follows is text (the scanner's `_lone_at`).
    inline: $ => repeat1(choice($._inline_text, $.reference, $._lone_at)),

    // An event's title: like inline text, but never starting with the colon
    // that may separate it from the event's ID.
    title: $ => seq(
      choice($._title_start, $.reference, $._lone_at),
      repeat(choice($._inline_text, $.reference, $._lone_at)),
    ),

    _title_start: _ => token(prec(-1, new RegExp(
      `([^@\\s:${CTRL}]|@[^\\p{L}\\p{N}_@\\s${CTRL}])` +
      `([^@\\r\\n${CTRL}]|[\\p{L}\\p{N}_.]@|@[^\\p{L}\\p{N}_@\\r\\n${CTRL}])*`,
    ))),

    // Any run of text. An `@` counts as text when a letter or digit is glued
    // before it (an e-mail address) or when no ID follows it. The run never
    // starts with white space, so that a reference after a blank starts at
    // its `@` and not at the blank.
    _inline_text: _ => token(prec(-1, new RegExp(
      `([^@\\s${CTRL}]|@[^\\p{L}\\p{N}_@\\s${CTRL}])` +
      `([^@\\r\\n${CTRL}]|[\\p{L}\\p{N}_.]@|@[^\\p{L}\\p{N}_@\\r\\n${CTRL}])*`,
    ))),

    // ── Entries ─────────────────────────────────────────────────────────
    _entry: $ => choice(
      $.actor,
      $.source,
      $.topic,
      $.event,
      $.statement,
      $.claim,
    ),

    // Every entry is its header line (a hidden rule, so that its parts are
    // fields of the entry) and the field lines under it. The header line is
    // reduced as soon as it ends, which leaves no state of it on the parse
    // stack: error recovery in a later line can then not reach back into
    // the header (say, to read a broken field as more of the event's title).
    actor: $ => seq($._actor_header, repeat(field('field', $.field))),
    source: $ => seq($._source_header, repeat(field('field', $.field))),
    topic: $ => seq($._topic_header, repeat(field('field', $.field))),
    event: $ => seq($._event_header, repeat(field('field', $.field))),
    statement: $ => seq($._statement_header, repeat(field('field', $.field))),
    claim: $ => seq($._claim_header, repeat(field('field', $.field))),

    _actor_header: $ => seq($._header_start, 'actor', $._definition_rest),
    _source_header: $ => seq($._header_start, 'source', $._definition_rest),
    _topic_header: $ => seq($._header_start, 'topic', $._definition_rest),

    _definition_rest: $ => seq(
      optional(field('name', $.identifier)),
      optional(field('title', $.string)),
      $._newline,
    ),

    _event_header: $ => seq(
      $._header_start,
      choice(
        seq(
          optional($._entry_date),
          'event',
          optional(field('name', $.identifier)),
          // A missing colon is reported by the syntax layer, not by an ERROR
          // that would also cut the fields below away from the entry.
          optional(field('colon', ':')),
          optional(field('title', $.title)),
        ),
        // A date alone is never an entry line (the scanner makes it prose);
        // this path only serves error recovery, when junk glued to the date
        // (`2025-1x-03 event y:`) hides the rest of the header in an ERROR.
        $._entry_date,
      ),
      $._newline,
    ),

    _statement_header: $ => seq(
      $._header_start,
      optional($._entry_date),
      field('speaker', $.reference),
      'said',
      optional(field('quote', $.string)),
      $._newline,
    ),

    _claim_header: $ => seq(
      $._header_start,
      optional($._entry_date),
      field('holder', $.reference),
      field('verb', $.claim_verb),
      optional(field('assertion', $.assertion)),
      $._newline,
    ),

    claim_verb: _ => choice('claims', 'denies', 'reports'),

    // The weekday of an entry's date is any word in parentheses, so that a
    // slip such as `(Wendesday)` is one node the analysis names precisely
    // rather than an ERROR that swallows the header. (In field values and
    // after a claim's value only real weekday names form a weekday.)
    _entry_date: $ => seq(
      field('date', $._date),
      optional(field('weekday', alias($._entry_weekday, $.weekday))),
    ),

    _entry_weekday: _ => token(new RegExp(`\\([^()\\r\\n${CTRL}]*\\)`)),

    // ── Fields ──────────────────────────────────────────────────────────
    field: $ => seq(
      $._indent,
      optional(seq(
        field('key', $.key),
        optional(field('colon', ':')),
        optional(field('value', $._value)),
      )),
      $._newline,
    ),

    key: _ => /[\p{L}_][\p{L}\p{N}_\-]*/,

    // ── Values ──────────────────────────────────────────────────────────
    _value: $ => choice($.list, $._item_value),

    list: $ => seq(
      field('item', $._item_value),
      repeat1(seq(',', field('item', $._item_value))),
    ),

    _item_value: $ => choice($._atom, $.phrase),

    // Several values side by side: `president of @france since 2017-05-14`.
    phrase: $ => seq($._atom, repeat1($._atom)),

    _atom: $ => choice(
      $.reference,
      $.offset,
      $.assertion,
      $.date,
      $.interval,
      $.weekday,
      $.time,
      $.relative_date,
      $.number,
      $.string,
      $.boolean,
      $.text,
    ),

    // `@coalition-call`
    reference: $ => seq(
      '@',
      field('id', alias($._ref_id, $.identifier)),
    ),

    // `@coalition-call + 2d`, `@talks - 1w`
    offset: $ => seq(
      field('anchor', $.reference),
      field('sign', choice('+', '-')),
      field('amount', $.duration),
    ),

    duration: _ => /[0-9]+[hdwmy]/,

    // `@peace-plan.points = 19`, `@deal.signed`
    assertion: $ => prec.right(seq(
      field('subject', $.reference),
      token.immediate('.'),
      field('property', alias($._ref_id, $.property)),
      optional(seq(
        field('operator', $.operator),
        field('value', $._atom),
        optional(field('weekday', $.weekday)),
      )),
    )),

    operator: _ => choice('=', '!=', '<', '<=', '>', '>=', '≠', '≤', '≥'),

    // ── Dates ───────────────────────────────────────────────────────────
    _date: $ => choice($.date, $.interval),

    date: _ => DATE,

    // `2025-11-25/2025-11-27`, `2025-11-25/..`, `../2025`, `2025-11/`
    // (unknown end), `/2025-11` (unknown start); a `/` alone is no interval.
    interval: $ => prec.right(1, choice(
      seq(
        field('start', choice($.date, $.open_end)),
        '/',
        optional(field('end', choice($.date, $.open_end))),
      ),
      seq('/', field('end', choice($.date, $.open_end))),
    )),

    open_end: _ => '..',

    // `(Wed)`, `(Wednesday)`
    weekday: _ => token(new RegExp(`\\(${WEEKDAYS}\\)`, 'i')),

    time: _ => /[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?/,

    // `tomorrow`, `on Thursday`, `next week`, `last Friday`
    relative_date: _ => token(new RegExp(
      `(today|tomorrow|yesterday|tonight|((on|next|last|this)[ \\t]+)?${WEEKDAYS}|(next|last|this)[ \\t]+(week|month|year))`,
      'i',
    )),

    number: _ => /-?[0-9]+(\.[0-9]+)?%?/,

    boolean: _ => choice('yes', 'no', 'true', 'false'),

    string: $ => seq(
      '"',
      repeat(choice($._string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    _string_content: _ => token.immediate(prec(1,
      new RegExp(`[^"\\\\\\r\\n${CTRL}]+`),
    )),

    escape_sequence: _ => token.immediate(new RegExp(`\\\\[^\\r\\n${CTRL}]`)),

    // Words that are none of the above; a word never starts with a digit,
    // so `since 2017-05-14` is text followed by a date.
    text: _ => new RegExp(
      `[^\\s0-9@",\\-.\\/+=<>!≠≤≥:${CTRL}][^\\s@",${CTRL}]*` +
      `([ \\t]+[^\\s0-9@",\\-.\\/(+=<>!≠≤≥${CTRL}][^\\s@",${CTRL}]*)*`,
    ),

    identifier: _ => ID,

    // An ID glued to the `@` or `.` before it.
    _ref_id: _ => token.immediate(ID),
  },
});
