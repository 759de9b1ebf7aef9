// Writes syntaxes/chronicle.tmLanguage.json, the TextMate grammar that
// colours *.chron files before the language server starts (and wherever it
// does not run). The regular expressions are composed here from named parts
// that mirror grammar/grammar.js, so that the date, ID and text rules are
// written once. Run `npm run build:grammar` after editing; `npm test` fails
// when the committed JSON differs from what this script writes (`--check`).
//
// Scopes follow the tree-sitter captures in grammar/queries/highlights.scm:
//   heading marker/title   punctuation.definition.heading / entity.name.section
//   comment                comment.line.double-slash
//   actor source topic event said, claim verbs   keyword.other.*
//   actor/source/topic IDs entity.name.type.*;  event IDs entity.name.function.event
//   @ and the ID            punctuation.definition.reference / variable.other.constant.reference
//   field keys             support.type.property-name;  assertion property variable.other.property
//   operators              keyword.operator.*
//   strings, escapes       string.quoted.double / constant.character.escape
//   numbers, durations     constant.numeric(.duration)
//   booleans               constant.language.boolean
//   dates, times, weekdays, relative dates, open ends   constant.numeric.date/time, constant.language.*

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ── pieces (see grammar/grammar.js) ─────────────────────────────────────
const ID = String.raw`[\p{L}\p{N}_][\p{L}\p{N}_\-]*`;
const KEY = String.raw`[\p{L}_][\p{L}\p{N}_\-]*`;
const NOT_ID_BEFORE = String.raw`(?<![\p{L}\p{N}_.])`;
const NOT_ID_AFTER = String.raw`(?![\p{L}\p{N}_])`;
const DIGIT = '[0-9X]';
const TIME = String.raw`T[0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?`;
// One date: groups 1 the calendar part, 2 the time, 3 the qualifier.
const DATE_GROUPED = `(-?${DIGIT}{4}(?:-${DIGIT}{1,2}(?:-${DIGIT}{1,2})?)?)(${TIME})?([?~%])?`;
const DATE = `-?${DIGIT}{4}(?:-${DIGIT}{1,2}(?:-${DIGIT}{1,2}(?:${TIME})?)?)?[?~%]?`;
const END = String.raw`(?:${DATE}|\.\.)`;
// A date or an interval (`A/B`, `A/`, `/B`, `../B`, `A/..`).
const DATESPEC = `(?:${END}(?:/${END}?)?|/${END})`;
const WEEKDAYS = '(?:mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
// The end of a value item: a comma, a weekday, or the end of the line.
const ITEM_END = String.raw`(?=[ \t]*(?:,|\(|$))`;
const VERBS = 'claims|denies|reports';
// The rest of a word of text.
const WORD_REST = String.raw`(?:[^\s@",]|(?<=[\p{L}\p{N}_.])@)*`;
// The date part of a dated header: groups DATE, WEEKDAY.
const HEADER_DATE = String.raw`(?:(${DATESPEC})[ \t]+(?:(\([^()\r\n]*\))[ \t]*)?)?`;

const repository = {
  comment: {
    name: 'comment.line.double-slash.chronicle',
    match: String.raw`^[ \t]*(//).*$`,
    captures: { 1: { name: 'punctuation.definition.comment.chronicle' } },
  },

  heading: {
    name: 'markup.heading.chronicle',
    match: String.raw`^(#{1,6})(?=[ \t]|$)[ \t]*(.*)$`,
    captures: {
      1: { name: 'punctuation.definition.heading.chronicle' },
      2: { name: 'entity.name.section.chronicle', patterns: [{ include: '#reference' }] },
    },
  },

  'escaped-prose': {
    name: 'meta.paragraph.chronicle',
    match: String.raw`^(\\)(.*)$`,
    captures: {
      1: { name: 'constant.character.escape.chronicle' },
      2: { patterns: [{ include: '#reference' }] },
    },
  },

  prose: {
    name: 'meta.paragraph.chronicle',
    match: '^.+$',
    captures: { 0: { patterns: [{ include: '#reference' }] } },
  },

  // ── entries: the header line, then the field block under it ──────────
  // The block ends at the first line that is neither indented text nor a
  // comment: a blank line or a line starting at column 0.
  'definition-entry': {
    name: 'meta.entry.$1.chronicle',
    begin: String.raw`^(actor|source|topic)(?=[ \t]|$)(?:[ \t]+(${ID}))?[ \t]*(.*)$`,
    beginCaptures: {
      1: { name: 'keyword.other.entry.$1.chronicle' },
      2: { name: 'entity.name.type.$1.chronicle' },
      3: { patterns: [{ include: '#string' }] },
    },
    end: '#block-end',
    patterns: [{ include: '#field-block' }],
  },

  'event-entry': {
    name: 'meta.entry.event.chronicle',
    begin: String.raw`^${HEADER_DATE}(event)(?=[ \t]|$)(?:[ \t]+(${ID}))?(?:[ \t]*(:))?[ \t]*(.*)$`,
    beginCaptures: {
      1: { patterns: [{ include: '#date-or-interval' }] },
      2: { patterns: [{ include: '#header-weekday' }] },
      3: { name: 'keyword.other.entry.event.chronicle' },
      4: { name: 'entity.name.function.event.chronicle' },
      5: { name: 'punctuation.separator.title.chronicle' },
      6: { name: 'meta.title.chronicle', patterns: [{ include: '#reference' }] },
    },
    end: '#block-end',
    patterns: [{ include: '#field-block' }],
  },

  'statement-entry': {
    name: 'meta.entry.statement.chronicle',
    begin: String.raw`^${HEADER_DATE}(${NOT_ID_BEFORE}@${ID})[ \t]+(said)(?=[ \t]|$)[ \t]*(.*)$`,
    beginCaptures: {
      1: { patterns: [{ include: '#date-or-interval' }] },
      2: { patterns: [{ include: '#header-weekday' }] },
      3: { patterns: [{ include: '#reference' }] },
      4: { name: 'keyword.other.verb.said.chronicle' },
      5: { patterns: [{ include: '#string' }] },
    },
    end: '#block-end',
    patterns: [{ include: '#field-block' }],
  },

  'claim-entry': {
    name: 'meta.entry.claim.chronicle',
    begin: String.raw`^${HEADER_DATE}(${NOT_ID_BEFORE}@${ID})[ \t]+(${VERBS})(?=[ \t]|$)[ \t]*(.*)$`,
    beginCaptures: {
      1: { patterns: [{ include: '#date-or-interval' }] },
      2: { patterns: [{ include: '#header-weekday' }] },
      3: { patterns: [{ include: '#reference' }] },
      4: { name: 'keyword.other.verb.$4.chronicle' },
      5: { patterns: [{ include: '#value' }] },
    },
    end: '#block-end',
    patterns: [{ include: '#field-block' }],
  },

  'field-block': {
    patterns: [
      { include: '#comment' },
      {
        name: 'meta.field.chronicle',
        match: String.raw`^[ \t]+(${KEY})(?:[ \t]*(:))?[ \t]*(.*)$`,
        captures: {
          1: { name: 'support.type.property-name.chronicle' },
          2: { name: 'punctuation.separator.key-value.chronicle' },
          3: { patterns: [{ include: '#value' }] },
        },
      },
      {
        // A field line without a key (`  : value`): colour what follows.
        name: 'meta.field.chronicle',
        match: String.raw`^[ \t]+(.*)$`,
        captures: { 1: { patterns: [{ include: '#value' }] } },
      },
    ],
  },

  // ── values ─────────────────────────────────────────────────────────────
  value: {
    patterns: [
      { include: '#string' },
      { include: '#weekday' },
      { include: '#offset' },
      { include: '#assertion' },
      { include: '#reference' },
      { include: '#operator' },
      { name: 'punctuation.separator.comma.chronicle', match: ',' },
      { include: '#date-or-interval' },
      { include: '#time' },
      { include: '#number' },
      { include: '#boolean' },
      { include: '#relative-date' },
      { include: '#text' },
    ],
  },

  reference: {
    name: 'variable.other.constant.reference.chronicle',
    match: `${NOT_ID_BEFORE}(@)(${ID})`,
    captures: { 1: { name: 'punctuation.definition.reference.chronicle' } },
  },

  // `@peace-plan.points`
  assertion: {
    match: `${NOT_ID_BEFORE}((@)${ID})(\\.)(${ID})`,
    captures: {
      1: { name: 'variable.other.constant.reference.chronicle' },
      2: { name: 'punctuation.definition.reference.chronicle' },
      3: { name: 'punctuation.accessor.chronicle' },
      4: { name: 'variable.other.property.chronicle' },
    },
  },

  // `@coalition-call + 2d`
  offset: {
    match: String.raw`${NOT_ID_BEFORE}((@)${ID})[ \t]*([+-])[ \t]*([0-9]+[hdwmy])${NOT_ID_AFTER}`,
    captures: {
      1: { name: 'variable.other.constant.reference.chronicle' },
      2: { name: 'punctuation.definition.reference.chronicle' },
      3: { name: 'keyword.operator.arithmetic.chronicle' },
      4: { name: 'constant.numeric.duration.chronicle' },
    },
  },

  operator: {
    name: 'keyword.operator.comparison.chronicle',
    match: '!=|<=|>=|≠|≤|≥|=|<|>',
  },

  string: {
    name: 'string.quoted.double.chronicle',
    begin: '"',
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.chronicle' } },
    // A string ends at the end of its line (a missing quote is the server's to report).
    end: '(")|$',
    endCaptures: { 1: { name: 'punctuation.definition.string.end.chronicle' } },
    patterns: [{ name: 'constant.character.escape.chronicle', match: String.raw`\\.` }],
  },

  'date-or-interval': {
    match: String.raw`(?<![\p{L}\p{N}_.\-/])(${DATESPEC})${NOT_ID_AFTER}`,
    captures: {
      1: {
        patterns: [
          {
            name: 'constant.numeric.date.chronicle',
            match: DATE_GROUPED,
            captures: {
              2: { name: 'constant.numeric.time.chronicle' },
              3: { name: 'keyword.operator.qualifier.chronicle' },
            },
          },
          { name: 'constant.language.open-end.chronicle', match: String.raw`\.\.` },
          { name: 'punctuation.separator.interval.chronicle', match: '/' },
        ],
      },
    },
  },

  time: {
    name: 'constant.numeric.time.chronicle',
    match: String.raw`${NOT_ID_BEFORE}[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?${NOT_ID_AFTER}`,
  },

  number: {
    name: 'constant.numeric.chronicle',
    match: String.raw`(?<![\p{L}\p{N}_.\-])-?[0-9]+(?:\.[0-9]+)?%?${NOT_ID_AFTER}`,
  },

  // A word that is a whole item; `no deal` is text.
  boolean: {
    name: 'constant.language.boolean.chronicle',
    match: String.raw`(?<![\p{L}\p{N}_\-])(?:yes|no|true|false)${ITEM_END}`,
  },

  'relative-date': {
    name: 'constant.language.relative-date.chronicle',
    match: String.raw`(?i)(?<![\p{L}\p{N}_\-])(?:today|tomorrow|yesterday|tonight|(?:(?:on|next|last|this)[ \t]+)?${WEEKDAYS}|(?:next|last|this)[ \t]+(?:week|month|year))${ITEM_END}`,
  },

  // `(Wed)` after a date in a value or a claim.
  weekday: {
    name: 'constant.language.weekday.chronicle',
    match: String.raw`(?i)(\()${WEEKDAYS}(\))`,
    captures: {
      1: { name: 'punctuation.definition.weekday.begin.chronicle' },
      2: { name: 'punctuation.definition.weekday.end.chronicle' },
    },
  },

  // After an entry's date any word in parentheses is read as its weekday;
  // one that names no day is marked at once.
  'header-weekday': {
    patterns: [
      { include: '#weekday' },
      { name: 'invalid.illegal.weekday.chronicle', match: String.raw`\([^()\r\n]*\)` },
    ],
  },

  // Words that are none of the above (grammar.js `text`): unquoted text. An
  // `@` glued to a letter, digit, `_` or `.` is part of the word (an e-mail
  // address, notation.md 3.2).
  text: {
    name: 'string.unquoted.chronicle',
    match: `[^\\s0-9@",\\-./+=<>!≠≤≥:]${WORD_REST}(?:[ \\t]+[^\\s0-9@",\\-./(+=<>!≠≤≥]${WORD_REST})*`,
  },
};

// The end of a field block: a line that is neither indented text nor a comment.
const BLOCK_END = String.raw`^(?![ \t]+\S|[ \t]*//)`;
for (const rule of Object.values(repository)) {
  if (rule.end === '#block-end') {
    rule.end = BLOCK_END;
  }
}

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Chronicle',
  scopeName: 'source.chronicle',
  fileTypes: ['chron'],
  comment: 'Generated by scripts/build-grammar.mjs; edit that file, then run `npm run build:grammar`.',
  patterns: [
    { include: '#comment' },
    { include: '#escaped-prose' },
    { include: '#heading' },
    { include: '#definition-entry' },
    { include: '#event-entry' },
    { include: '#statement-entry' },
    { include: '#claim-entry' },
    { include: '#prose' },
  ],
  repository,
};

export const grammarJson = `${JSON.stringify(grammar, null, 2)}\n`;

const here = dirname(fileURLToPath(import.meta.url));
export const grammarPath = join(here, '..', 'syntaxes', 'chronicle.tmLanguage.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const committed = existsSync(grammarPath) ? readFileSync(grammarPath, 'utf8') : '';
    if (committed !== grammarJson) {
      console.error(`${grammarPath} is not what scripts/build-grammar.mjs writes: run \`npm run build:grammar\``);
      process.exit(1);
    }
    console.log(`${grammarPath} is up to date`);
  } else {
    writeFileSync(grammarPath, grammarJson);
    console.log(`wrote ${grammarPath}`);
  }
}
