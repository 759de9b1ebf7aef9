/*
 * External scanner for the Chronicle notation.
 *
 * The notation is line oriented, and what a line is depends on how it starts.
 * At the start of every line this scanner decides:
 *   - a whole-line comment (`//`, possibly indented) -> COMMENT (an extra,
 *     consuming its line break so that it never ends an entry);
 *   - an indented line under an entry -> INDENT (zero width, after the
 *     indentation), which opens a field;
 *   - an indented line anywhere else, or an unindented line that does not
 *     read as a heading or an entry header -> PROSE_START (zero width);
 *   - an unindented `#` … `######` followed by a blank -> HEADING_MARKER;
 *   - otherwise an entry header -> HEADER_START (zero width); the grammar's
 *     own lexer then reads the header. Entries start only with this token,
 *     so error recovery can never start an entry in the middle of a line
 *     (at an `@` of a broken field, say) and end the entry above early.
 * It also emits NEWLINE for every line break (`\n`, `\r\n`) and once,
 * with zero width, at the end of a file whose last line has no line break,
 * and LONE_AT for an `@` in free text that no ID follows (`a lone @ here`,
 * `@` at the end of a line, the first `@` of `@@`), so that it is text and
 * not a reference with a missing ID.
 *
 * Three tokens of the grammar's own, `_inline_text`, `_ref_id` (the ID after
 * `@` or `.`) and `key`, are read here first (see "ASCII fast paths"): the
 * generated lexer tests every character of them against the Unicode letter
 * and digit sets, a binary search over 771 ranges, which was an eighth of
 * the parse. The scanner reads them only where ASCII alone decides where
 * they end and declines otherwise; it leaves its state unchanged by them.
 *
 * The state is one flag that stops a second zero-width NEWLINE at EOF, and
 * the kind of the last line token emitted, so that every NEWLINE changes the
 * state: NEWLINE alternates between two kinds when lines hold no other
 * token of this scanner. Tree-sitter does not go on skipping a token that
 * changes the scanner's state once it has recovered in front of it; as every
 * line rule accepts its line break early (see grammar.js), an error is thus
 * never carried over into the next line, even when that line is broken too.
 * The state depends only on the current line and the run of token-less lines
 * before it, so incremental parsing keeps reusing the rest of the tree.
 */

#include "tree_sitter/alloc.h"
#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  NEWLINE,
  INDENT,
  PROSE_START,
  COMMENT,
  LONE_AT,
  HEADING_MARKER,
  HEADER_START,
  TEXT_RUN, /* `_inline_text` */
  ID_RUN,   /* `_ref_id` */
  KEY_RUN,  /* `key` */
  NAME_RUN, /* `identifier` (an entry's name) */
  ERROR_SENTINEL,
};

enum {
  LAST_NEWLINE_A = 100,
  LAST_NEWLINE_B = 101,
};

typedef struct {
  bool eof_newline_emitted;
  uint8_t last; /* the last token emitted: its TokenType + 1, or LAST_NEWLINE_* */
} Scanner;

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t'; }
static inline bool is_eol(int32_t c) { return c == '\n' || c == '\r'; }

/* Letters, digits, `_`, `-` and any non-ASCII code point (an approximation of
 * \p{L}\p{N} that is good enough to classify a line; the grammar decides). */
static inline bool is_id_char(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         (c > 127 && c != 0xA0 && c != 0x2028 && c != 0x2029 && c != 0xFEFF);
}

/* Reads a run of ASCII lowercase letters into buf (truncated). */
static unsigned read_word(TSLexer *lexer, char *buf, unsigned cap) {
  unsigned n = 0;
  while (lexer->lookahead >= 'a' && lexer->lookahead <= 'z') {
    if (n + 1 < cap) buf[n] = (char)lexer->lookahead;
    n++;
    advance(lexer);
  }
  buf[n < cap ? n : cap - 1] = '\0';
  return n;
}

static inline bool at_word_end(TSLexer *lexer) {
  return !is_id_char(lexer->lookahead) || lexer->eof(lexer);
}

static void skip_blanks(TSLexer *lexer) {
  while (is_blank(lexer->lookahead)) advance(lexer);
}

/* At an `@`: `@ID`, blanks, then a statement or claim verb? */
static bool reads_as_statement_or_claim(TSLexer *lexer) {
  advance(lexer); /* @ */
  if (!is_id_char(lexer->lookahead)) return false;
  while (is_id_char(lexer->lookahead)) advance(lexer);
  if (!is_blank(lexer->lookahead)) return false;
  skip_blanks(lexer);
  char word[16];
  read_word(lexer, word, sizeof word);
  if (!at_word_end(lexer)) return false;
  return strcmp(word, "said") == 0 || strcmp(word, "claims") == 0 ||
         strcmp(word, "denies") == 0 || strcmp(word, "reports") == 0;
}

/* Skips the rest of a word: a run of characters that are not blanks. */
static void skip_word(TSLexer *lexer) {
  while (!is_blank(lexer->lookahead) && !is_eol(lexer->lookahead) &&
         !lexer->eof(lexer)) {
    advance(lexer);
  }
}

/* A line that starts like a date reads as a dated entry when the first word
 * starts with four digits or `X` (after an optional `-` of a negative year,
 * `../` of an open start or `/` of an unknown start), and the word is followed
 * by blanks, an optional `(weekday)`, and then `event` or `@ID verb`.
 * The rest of the first word is not checked: a slip such as `2025-1x-03` keeps
 * the line an entry (with a local error in its date) instead of turning it and
 * its fields into prose. `slash_consumed`: the caller has already advanced
 * past a leading `/`. */
static bool reads_as_dated_entry(TSLexer *lexer, bool slash_consumed) {
  if (!slash_consumed) {
    int32_t c = lexer->lookahead;
    if (c == '-') {
      advance(lexer);
    } else if (c == '/') {
      advance(lexer);
    } else if (c == '.') {
      advance(lexer);
      if (lexer->lookahead != '.') return false;
      advance(lexer);
      if (lexer->lookahead != '/') return false;
      advance(lexer);
    }
  }
  for (unsigned n = 0; n < 4; n++) {
    int32_t c = lexer->lookahead;
    if (!((c >= '0' && c <= '9') || c == 'X')) return false;
    advance(lexer);
  }
  skip_word(lexer);
  if (!is_blank(lexer->lookahead)) return false;
  skip_blanks(lexer);
  if (lexer->lookahead == '(') {
    while (!is_eol(lexer->lookahead) && !lexer->eof(lexer) &&
           lexer->lookahead != ')') {
      advance(lexer);
    }
    if (lexer->lookahead != ')') return false;
    advance(lexer);
    skip_blanks(lexer);
  }
  if (lexer->lookahead == '@') return reads_as_statement_or_claim(lexer);
  char word[8];
  read_word(lexer, word, sizeof word);
  return strcmp(word, "event") == 0 && at_word_end(lexer);
}

/* Decides whether an unindented line is prose. Advances the lexer freely:
 * the caller has already marked the end of the (zero-width) token. */
static bool line_is_prose(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  if (c == '\\') return true;
  if (c == '@') return !reads_as_statement_or_claim(lexer);
  if ((c >= '0' && c <= '9') || c == 'X' || c == '-' || c == '.') {
    return !reads_as_dated_entry(lexer, false);
  }
  if (c >= 'a' && c <= 'z') {
    char word[8];
    read_word(lexer, word, sizeof word);
    bool keyword = strcmp(word, "actor") == 0 || strcmp(word, "source") == 0 ||
                   strcmp(word, "topic") == 0 || strcmp(word, "event") == 0;
    bool ends = is_blank(lexer->lookahead) || is_eol(lexer->lookahead) ||
                lexer->eof(lexer);
    return !(keyword && ends);
  }
  return true;
}

/* A carriage return alone is no line break: tree-sitter counts rows at `\n`
 * only, so the text after it would not start a line. The grammar's text
 * tokens exclude it, and it becomes a one-character ERROR. */
static bool scan_newline(Scanner *scanner, TSLexer *lexer) {
  while (is_blank(lexer->lookahead)) skip(lexer);
  if (lexer->lookahead == '\r') {
    advance(lexer);
    if (lexer->lookahead != '\n') return false;
    advance(lexer);
  } else if (lexer->lookahead == '\n') {
    advance(lexer);
  } else if (lexer->eof(lexer)) {
    if (scanner->eof_newline_emitted) return false;
    lexer->mark_end(lexer);
    lexer->result_symbol = NEWLINE;
    scanner->eof_newline_emitted = true;
    return true;
  } else {
    return false;
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = NEWLINE;
  scanner->eof_newline_emitted = false;
  return true;
}

/* An `@` that no ID follows: followed by a blank, a line break, the end of
 * the file, or another `@`. */
static bool scan_lone_at(TSLexer *lexer) {
  advance(lexer);
  int32_t c = lexer->lookahead;
  if (is_blank(c) || is_eol(c) || c == '@' || lexer->eof(lexer)) {
    lexer->mark_end(lexer);
    lexer->result_symbol = LONE_AT;
    return true;
  }
  return false;
}

static void skip_blanks_as_extra(TSLexer *lexer) {
  while (is_blank(lexer->lookahead)) skip(lexer);
}

/* The zero-width token that opens an entry header (the end of the token is
 * already marked at the start of the line). */
static bool header_start(TSLexer *lexer, const bool *valid) {
  if (!valid[HEADER_START]) return false;
  lexer->result_symbol = HEADER_START;
  return true;
}

/* ── ASCII fast paths ──────────────────────────────────────────────────
 * TEXT_RUN, ID_RUN and KEY_RUN are the grammar's `_inline_text`, ID and
 * `key` tokens, read here when only ASCII characters decide where they end.
 * Whenever a Unicode class (`\p{L}\p{N}`, `\s`) would have to be consulted,
 * these functions return false and the generated lexer reads the token
 * instead, so both read exactly the same text. They are never emitted in
 * error recovery, which keeps using the generated lexer's tokens. */

static inline bool is_ascii_alnum(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

/* The grammar's CTRL: control characters other than tab and line breaks. */
static inline bool is_ctrl(int32_t c) {
  return (c >= 0 && c <= 0x08) || c == 0x0b || c == 0x0c ||
         (c >= 0x0e && c <= 0x1f) || c == 0x7f;
}

/* `[\p{L}\p{N}_][\p{L}\p{N}_\-]*` (ID, name) or `[\p{L}_][\p{L}\p{N}_\-]*`
 * (key), immediately at the lexer's position. */
static bool scan_id_run(TSLexer *lexer, enum TokenType token) {
  int32_t c = lexer->lookahead;
  bool first = token == KEY_RUN ? ((c >= 'a' && c <= 'z') ||
                                   (c >= 'A' && c <= 'Z') || c == '_')
                                : (is_ascii_alnum(c) || c == '_');
  if (!first) return false;
  do {
    advance(lexer);
    c = lexer->lookahead;
  } while (is_ascii_alnum(c) || c == '_' || c == '-');
  if (c >= 0x80) return false; /* perhaps a letter: the generated lexer */
  lexer->mark_end(lexer);
  lexer->result_symbol = token;
  return true;
}

/* The rest of an `_inline_text` run:
 *   ([^@\r\n CTRL] | [\p{L}\p{N}_.]@ | @[^\p{L}\p{N}_@\r\n CTRL])*
 * `prev` is the last character read and `single` whether it may pair with an
 * `@` after it: it was read on its own, and not as the first character of
 * the run or the second of an `@X` pair. Taking `X@` whenever it is possible leaves the most
 * choices for the rest, so this greedy reading is the longest match. */
static bool scan_text_rest(TSLexer *lexer, int32_t prev, bool single) {
  for (;;) {
    int32_t c = lexer->lookahead;
    if (c == '@') {
      lexer->mark_end(lexer);
      if (single && prev >= 0x80) return false; /* a letter or not */
      if (single && (is_ascii_alnum(prev) || prev == '_' || prev == '.')) {
        advance(lexer);
        prev = '@';
        single = false;
        continue;
      }
      advance(lexer);
      int32_t d = lexer->lookahead;
      if (d >= 0x80) return false; /* a letter or not */
      if (is_ascii_alnum(d) || d == '_' || d == '@' || d == '\r' ||
          d == '\n' || is_ctrl(d) || lexer->eof(lexer)) {
        /* The run ends before this `@` (a reference or a lone `@`). */
        lexer->result_symbol = TEXT_RUN;
        return true;
      }
      advance(lexer);
      prev = d;
      single = false;
      continue;
    }
    if (c == '\n' || c == '\r' || is_ctrl(c) || lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      lexer->result_symbol = TEXT_RUN;
      return true;
    }
    advance(lexer);
    prev = c;
    single = true;
  }
}

/* After blanks, not at an `@`: a text run. The grammar lets a run start
 * with `@X` too (`@[^\p{L}\p{N}_@\s CTRL]`), but the generated lexer never
 * reads one: it has already accepted the `@` token there, which has the
 * higher precedence, so `@.` is an `@` and an error. The scanner leaves
 * every `@` at the start of a run to it. */
static bool scan_text(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  if (c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
      is_ctrl(c) || lexer->eof(lexer)) {
    return false;
  }
  advance(lexer);
  /* The first character is read on its own but never pairs with an `@`
   * after it: `[\p{L}\p{N}_.]@` belongs to the rest of the run only, so `a@b`
   * at the start of a run is `a` and a reference. */
  return scan_text_rest(lexer, c, false);
}

static bool scan(Scanner *scanner, TSLexer *lexer, const bool *valid) {
  bool recovering = valid[ERROR_SENTINEL];

  /* Only a line start can open a line token; mid-line, none of them is
   * valid, and asking for the column would make tree-sitter rescan the line
   * from its start (the column is recomputed after every lexer reset). */
  bool line_start = recovering || valid[INDENT] || valid[PROSE_START] ||
                    valid[HEADER_START] || valid[HEADING_MARKER];
  if (line_start && lexer->get_column(lexer) == 0 && !lexer->eof(lexer)) {
    /* A byte order mark (at the start of a file saved as "UTF-8 with BOM")
     * is skipped like a blank; the line is read as if it were not there. */
    if (lexer->lookahead == 0xFEFF) skip(lexer);
    unsigned indent = 0;
    while (is_blank(lexer->lookahead)) {
      skip(lexer);
      indent++;
    }
    int32_t c = lexer->lookahead;
    if (is_eol(c) || lexer->eof(lexer)) {
      /* A blank line: only its line break is a token. */
      if (valid[NEWLINE]) return scan_newline(scanner, lexer);
      return false;
    }
    lexer->mark_end(lexer);
    if (c == '/') {
      advance(lexer);
      if (lexer->lookahead == '/') {
        /* The comment runs to and includes its line break (none at EOF):
         * a whole-line comment never ends an entry. */
        while (lexer->lookahead != '\n' && !lexer->eof(lexer)) {
          advance(lexer);
        }
        if (lexer->lookahead == '\n') advance(lexer);
        lexer->mark_end(lexer);
        lexer->result_symbol = COMMENT;
        return true;
      }
      /* `/` starting a line: an entry dated with an unknown start
       * (`/2025-11-27 event x`), else prose (or, indented, a field). */
      if (indent > 0 && valid[INDENT]) {
        lexer->result_symbol = INDENT;
        return true;
      }
      if (indent == 0 && reads_as_dated_entry(lexer, true)) {
        return header_start(lexer, valid);
      }
      if (valid[PROSE_START] && !recovering) {
        lexer->result_symbol = PROSE_START;
        return true;
      }
      return false;
    }
    if (indent > 0) {
      if (valid[INDENT]) {
        lexer->result_symbol = INDENT;
        return true;
      }
      if (valid[PROSE_START]) {
        lexer->result_symbol = PROSE_START;
        return true;
      }
      return false;
    }
    if (c == '#') {
      /* `#` to `######` and a blank or the line end: a heading marker, only
       * ever at column 0, so that an indented `# …` line under an entry is
       * a broken field and not a heading that would end the entry. */
      unsigned n = 0;
      while (lexer->lookahead == '#') {
        n++;
        advance(lexer);
      }
      bool heading = n <= 6 && (is_blank(lexer->lookahead) ||
                                is_eol(lexer->lookahead) || lexer->eof(lexer));
      if (heading && valid[HEADING_MARKER]) {
        lexer->mark_end(lexer);
        lexer->result_symbol = HEADING_MARKER;
        return true;
      }
      if (!heading && valid[PROSE_START]) {
        lexer->result_symbol = PROSE_START;
        return true;
      }
      return false;
    }
    if (valid[PROSE_START] || valid[HEADER_START]) {
      if (line_is_prose(lexer)) {
        if (!valid[PROSE_START]) return false;
        lexer->result_symbol = PROSE_START;
        return true;
      }
      return header_start(lexer, valid);
    }
    /* Inside a prose line that starts at column 0 (after its PROSE_START). */
    if (c == '@' && valid[LONE_AT]) return scan_lone_at(lexer);
    return false;
  }

  if (!recovering && valid[ID_RUN]) return scan_id_run(lexer, ID_RUN);
  if (valid[NEWLINE]) {
    skip_blanks_as_extra(lexer);
    bool cr = lexer->lookahead == '\r';
    if (scan_newline(scanner, lexer)) return true;
    if (cr) return false; /* a lone `\r`, already read past */
  }
  if (!recovering && valid[KEY_RUN]) {
    skip_blanks_as_extra(lexer);
    return scan_id_run(lexer, KEY_RUN);
  }
  bool text = !recovering && valid[TEXT_RUN];
  bool name = !recovering && valid[NAME_RUN];
  if (!valid[LONE_AT] && !text && !name) return false;
  skip_blanks_as_extra(lexer);
  if (lexer->lookahead == '@') return valid[LONE_AT] && scan_lone_at(lexer);
  if (text) return scan_text(lexer);
  /* An entry's name (never valid where text is). Where a title may follow
   * instead, the generated lexer prefers the name, whose precedence is
   * higher, over the same characters. */
  if (name) return scan_id_run(lexer, NAME_RUN);
  return false;
}

void *tree_sitter_chronicle_external_scanner_create(void) {
  Scanner *scanner = (Scanner *)ts_calloc(1, sizeof(Scanner));
  return scanner;
}

void tree_sitter_chronicle_external_scanner_destroy(void *payload) {
  ts_free(payload);
}

unsigned tree_sitter_chronicle_external_scanner_serialize(void *payload,
                                                          char *buffer) {
  Scanner *scanner = (Scanner *)payload;
  buffer[0] = (char)scanner->eof_newline_emitted;
  buffer[1] = (char)scanner->last;
  return 2;
}

void tree_sitter_chronicle_external_scanner_deserialize(void *payload,
                                                        const char *buffer,
                                                        unsigned length) {
  Scanner *scanner = (Scanner *)payload;
  scanner->eof_newline_emitted = length > 0 && buffer[0] != 0;
  scanner->last = length > 1 ? (uint8_t)buffer[1] : 0;
}

bool tree_sitter_chronicle_external_scanner_scan(void *payload, TSLexer *lexer,
                                                 const bool *valid_symbols) {
  Scanner *scanner = (Scanner *)payload;
  if (!scan(scanner, lexer, valid_symbols)) return false;
  if (lexer->result_symbol == TEXT_RUN || lexer->result_symbol == ID_RUN ||
      lexer->result_symbol == KEY_RUN || lexer->result_symbol == NAME_RUN) {
    /* The generated lexer's tokens, read here: they leave the state as it
     * was, as when the generated lexer reads them (error recovery ignores a
     * zero-width token, such as HEADER_START, that does not change it). */
    return true;
  }
  if (lexer->result_symbol == NEWLINE) {
    scanner->last =
        scanner->last == LAST_NEWLINE_A ? LAST_NEWLINE_B : LAST_NEWLINE_A;
  } else {
    scanner->last = (uint8_t)(lexer->result_symbol + 1);
  }
  return true;
}
