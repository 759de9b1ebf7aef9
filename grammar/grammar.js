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
 * whether the line is prose or structure, emits the indentation token that
 * opens a field, the line ends, and whole-line comments.
 *
 * Error recovery is line local. Tree-sitter recovers from a bad token by
 * going back to an earlier state in which the token that follows is valid;
 * here that token is the line break. So every line rule accepts its line
 * break early:
 *   - a header accepts it right after its keyword or verb: the parts after
 *     it are optional in the tree. The syntax layer reports an entry without
 *     its `name` (actor, source, topic, event), a statement without its
 *     `quote` and a claim without its `assertion`, as it reports a missing
 *     colon. Junk after a header keyword becomes an ERROR inside the entry,
 *     and the entry keeps its fields;
 *   - a field accepts it right after its indentation. The scanner never
 *     emits an indentation token for a blank line, so a field without a key
 *     exists only around an ERROR (`  : value`), and the entry keeps its
 *     other fields.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Unicode letters, digits, `_` start an ID; `-` may follow.
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
    $._error_sentinel,
  ],

  extras: $ => [/[ \t]/, $.comment],

  supertypes: $ => [$._entry, $._atom],

  rules: {
    document: $ => seq(
      repeat($._item),
      repeat($.section),
    ),

    _item: $ => choice(
      $._entry,
      $.prose,
      $._newline,
    ),

    // ── Sections ────────────────────────────────────────────────────────
    // A heading opens a section that runs to the next heading. Heading
    // levels are not nested in the tree; the analysis builds the outline.
    section: $ => seq(
      field('heading', $.heading),
      repeat($._item),
    ),

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

    _title_start: _ => token(prec(-1,
      /([^@\s:]|@[^\p{L}\p{N}_@\s])([^@\r\n]|[\p{L}\p{N}_.]@|@[^\p{L}\p{N}_@\r\n])*/,
    )),

    // Any run of text. An `@` counts as text when a letter or digit is glued
    // before it (an e-mail address) or when no ID follows it. The run never
    // starts with white space, so that a reference after a blank starts at
    // its `@` and not at the blank.
    _inline_text: _ => token(prec(-1,
      /([^@\s]|@[^\p{L}\p{N}_@\s])([^@\r\n]|[\p{L}\p{N}_.]@|@[^\p{L}\p{N}_@\r\n])*/,
    )),

    // ── Entries ─────────────────────────────────────────────────────────
    _entry: $ => choice(
      $.actor,
      $.source,
      $.topic,
      $.event,
      $.statement,
      $.claim,
    ),

    actor: $ => seq(
      'actor',
      optional(field('name', $.identifier)),
      optional(field('title', $.string)),
      $._newline,
      repeat(field('field', $.field)),
    ),

    source: $ => seq(
      'source',
      optional(field('name', $.identifier)),
      optional(field('title', $.string)),
      $._newline,
      repeat(field('field', $.field)),
    ),

    topic: $ => seq(
      'topic',
      optional(field('name', $.identifier)),
      optional(field('title', $.string)),
      $._newline,
      repeat(field('field', $.field)),
    ),

    event: $ => seq(
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
      repeat(field('field', $.field)),
    ),

    statement: $ => seq(
      optional($._entry_date),
      field('speaker', $.reference),
      'said',
      optional(field('quote', $.string)),
      $._newline,
      repeat(field('field', $.field)),
    ),

    claim: $ => seq(
      optional($._entry_date),
      field('holder', $.reference),
      field('verb', $.claim_verb),
      optional(field('assertion', $.assertion)),
      $._newline,
      repeat(field('field', $.field)),
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

    _entry_weekday: _ => token(/\([^()\r\n]*\)/),

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
      field('id', alias(token.immediate(ID), $.identifier)),
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
      field('property', alias(token.immediate(ID), $.property)),
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

    _string_content: _ => token.immediate(prec(1, /[^"\\\r\n]+/)),

    escape_sequence: _ => token.immediate(/\\[^\r\n]/),

    // Words that are none of the above; a word never starts with a digit,
    // so `since 2017-05-14` is text followed by a date.
    text: _ => /[^\s0-9@",\-.\/+=<>!≠≤≥:][^\s@",]*([ \t]+[^\s0-9@",\-.\/(+=<>!≠≤≥][^\s@",]*)*/,

    identifier: _ => ID,
  },
});
