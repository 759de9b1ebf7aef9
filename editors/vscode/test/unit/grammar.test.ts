// The TextMate grammar against the repository's own notes: every line of
// examples/**/*.chron and of the ```chron blocks in docs/notation.md gets the
// colour of what the notation says the line is (docs/notation.md 2.1).
// test/grammar/*.chron (npm run test:grammar) checks each construct in detail.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';

import { hasScope, loadGrammar, REPO, ROOT, scopesAt, walk, type Token, type Tokenizer } from './helpers';

// The line rules of notation.md 2.1, written independently of the grammar.
const DATE = String.raw`(?:-?[0-9X]{4}(?:-[0-9X]{1,2}(?:-[0-9X]{1,2}(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?)?)?[?~%]?|\.\.)?(?:/(?:-?[0-9X]{4}[-0-9X:.TZ+]*[?~%]?|\.\.)?)?`;
const ID = String.raw`[\p{L}\p{N}_][\p{L}\p{N}_\-]*`;
const HEADING = /^#{1,6}(?:[ \t]|$)/u;
const DEFINITION = /^(actor|source|topic)(?:[ \t]|$)/u;
const EVENT = new RegExp(String.raw`^(?:${DATE}[ \t]+(?:\([^()]*\)[ \t]*)?)?event(?:[ \t]|$)`, 'u');
const SAYING = new RegExp(String.raw`^(?:${DATE}[ \t]+(?:\([^()]*\)[ \t]*)?)?@${ID}[ \t]+(said|claims|denies|reports)(?:[ \t]|$)`, 'u');

type Kind = 'blank' | 'comment' | 'field' | 'prose' | 'escaped' | 'heading' | 'definition' | 'event' | 'saying';

function classify(lines: readonly string[]): Kind[] {
  const kinds: Kind[] = [];
  let inBlock = false;
  for (const line of lines) {
    let kind: Kind;
    if (/^[ \t]*$/.test(line)) kind = 'blank';
    else if (/^[ \t]*\/\//.test(line)) kind = 'comment';
    else if (/^[ \t]/.test(line)) kind = inBlock ? 'field' : 'prose';
    else if (line.startsWith('\\')) kind = 'escaped';
    else if (HEADING.test(line)) kind = 'heading';
    else if (DEFINITION.test(line)) kind = 'definition';
    else if (EVENT.test(line)) kind = 'event';
    else if (SAYING.test(line)) kind = 'saying';
    else kind = 'prose';
    if (kind === 'definition' || kind === 'event' || kind === 'saying') inBlock = true;
    else if (kind !== 'comment' && kind !== 'field') inBlock = false;
    kinds.push(kind);
  }
  return kinds;
}

function firstNonBlank(line: string): number {
  return line.search(/\S/);
}

function checkLine(line: string, kind: Kind, tokens: readonly Token[]): string | undefined {
  const at = (col: number) => scopesAt(tokens, col).join(' ');
  const expect = (ok: boolean, what: string) => (ok ? undefined : `${kind}: expected ${what}, got ${JSON.stringify(tokens.map((t) => [t.text, t.scopes.slice(1).join(' ')]))}`);
  switch (kind) {
    case 'blank':
      return undefined;
    case 'comment':
      return expect(/comment\.line\.double-slash/.test(at(firstNonBlank(line))), 'a comment');
    case 'heading':
      return expect(/markup\.heading/.test(at(0)), 'a heading');
    case 'definition': {
      const word = /^\w+/.exec(line)![0];
      return expect(at(0).includes(`keyword.other.entry.${word}.chronicle`), `the ${word} keyword`);
    }
    case 'event':
      return expect(hasScope(tokens, 'keyword.other.entry.event') && /meta\.entry\.event/.test(at(0)), 'an event header');
    case 'saying':
      return expect(hasScope(tokens, 'keyword.other.verb') && /meta\.entry\.(statement|claim)/.test(at(0)), 'a statement or claim header');
    case 'field': {
      const key = /^[ \t]+[\p{L}_]/u.test(line);
      return expect(
        /meta\.field/.test(at(firstNonBlank(line))) && (!key || /support\.type\.property-name/.test(at(firstNonBlank(line)))),
        'a field',
      );
    }
    case 'prose':
    case 'escaped': {
      const mentions = [...line.matchAll(/(?<![\p{L}\p{N}_.])@[\p{L}\p{N}_]/gu)].map((m) => m.index!);
      const bad = mentions.find((col) => !/variable\.other\.constant\.reference/.test(at(col)));
      return (
        expect(/meta\.paragraph/.test(at(firstNonBlank(line))), 'prose') ??
        expect(bad === undefined, `a reference at column ${bad}`) ??
        expect(kind === 'prose' || /constant\.character\.escape/.test(at(0)), 'the escape')
      );
    }
  }
}

function checkText(grammar: Tokenizer, text: string, where: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  const kinds = classify(lines);
  const tokens = grammar.tokenize(text);
  const problems: string[] = [];
  lines.forEach((line, i) => {
    const problem = checkLine(line, kinds[i]!, tokens[i]!);
    if (problem) problems.push(`${where}:${i + 1}: ${line}\n    ${problem}`);
    const invalid = tokens[i]!.find((t) => t.scopes.some((s) => s.startsWith('invalid.')));
    if (invalid) {
      problems.push(`${where}:${i + 1}: unexpected invalid token ${JSON.stringify(invalid.text)}`);
    }
  });
  return problems;
}

describe('TextMate grammar', () => {
  let grammar: Tokenizer;
  before(async () => {
    grammar = await loadGrammar();
  });

  it('is what scripts/build-grammar.mjs writes', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-grammar.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('has scope source.chronicle and only known rule references', () => {
    const g = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'chronicle.tmLanguage.json'), 'utf8'));
    assert.equal(g.scopeName, 'source.chronicle');
    for (const m of JSON.stringify(g).matchAll(/"include":"#([^"]+)"/g)) {
      assert.ok(m[1]! in g.repository, `#${m[1]} is not in the repository`);
    }
  });

  it('colours every line of examples/**/*.chron as the notation reads it', () => {
    const files = walk(join(REPO, 'examples'), '.chron');
    assert.ok(files.length >= 4, `found ${files.length} example files`);
    const problems = files.flatMap((f) => checkText(grammar, readFileSync(f, 'utf8'), relative(REPO, f)));
    assert.deepEqual(problems, []);
  });

  it('colours every ```chron block of docs/notation.md as the notation reads it', (t) => {
    const doc = join(REPO, 'docs', 'notation.md');
    if (!existsSync(doc)) {
      t.skip('docs/notation.md not found');
      return;
    }
    const blocks = [...readFileSync(doc, 'utf8').matchAll(/^```chron\n([\s\S]*?)^```/gm)];
    assert.ok(blocks.length >= 10, `found ${blocks.length} blocks`);
    const problems = blocks.flatMap((b, n) => checkText(grammar, b[1]!, `notation.md block ${n + 1}`));
    assert.deepEqual(problems, []);
  });

  it('marks a misspelt weekday after an entry date, and only there', () => {
    const [header, field] = grammar.tokenize('2025-11-26 (Wendesday) event x:\n  at: 2025-11-26 (Wendesday)');
    assert.ok(hasScope(header!, 'invalid.illegal.weekday'));
    assert.ok(!hasScope(field!, 'invalid'));
  });

  it('tokenises a long line quickly (no runaway backtracking)', () => {
    const long = `2025-11-25 @macron said "${'a \\" b '.repeat(2000)}"\n  where: ${'word '.repeat(3000)}\n${'@x '.repeat(3000)}\n  role: ${'of @y since 2025-11-25 '.repeat(500)}`;
    const start = Date.now();
    grammar.tokenize(long);
    assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
  });
});
