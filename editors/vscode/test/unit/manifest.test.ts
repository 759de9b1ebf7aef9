// package.json, the language configuration and the snippets, checked
// without VS Code: versions, contributed files, commands, settings, the
// Enter and word rules, and that every snippet expands to what it names.

import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { hasScope, loadGrammar, readJson, readText, ROOT, type Tokenizer } from './helpers';

const pkg = readJson('package.json');

/** `^1.82.0` → [1, 82, 0]. */
function minVersion(range: string): number[] {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  assert.ok(m, `no version in ${range}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

describe('package.json', () => {
  it('targets the VS Code version of @types/vscode, which vscode-languageclient accepts', () => {
    const engine = minVersion(pkg.engines.vscode);
    const types = minVersion(readJson('node_modules', '@types', 'vscode', 'package.json').version);
    assert.equal(cmp(engine.slice(0, 2).concat(0), types.slice(0, 2).concat(0)), 0, `engines.vscode ${pkg.engines.vscode} vs @types/vscode ${types.join('.')}`);
    assert.match(pkg.devDependencies['@types/vscode'], /^~/, '@types/vscode must not float past engines.vscode');
    const client = readJson('node_modules', 'vscode-languageclient', 'package.json');
    assert.match(client.version, /^9\./);
    assert.ok(cmp(minVersion(client.engines.vscode), engine) <= 0, `vscode-languageclient needs ${client.engines.vscode}`);
  });

  it('contributes files that exist', () => {
    const c = pkg.contributes;
    const paths: string[] = [
      pkg.icon,
      ...c.languages.flatMap((l: any) => [l.configuration, l.icon.light, l.icon.dark]),
      ...c.grammars.map((g: any) => g.path),
      ...c.snippets.map((s: any) => s.path),
    ];
    for (const p of paths) assert.ok(existsSync(join(ROOT, p)), `${p} does not exist`);
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('contributes the chronicle language for *.chron with its grammar and snippets', () => {
    const [lang] = pkg.contributes.languages;
    assert.equal(lang.id, 'chronicle');
    assert.deepEqual(lang.extensions, ['.chron']);
    const grammar = pkg.contributes.grammars.find((g: any) => g.language === 'chronicle');
    assert.equal(grammar.scopeName, 'source.chronicle');
    assert.equal(pkg.contributes.snippets[0].language, 'chronicle');
    const md = pkg.contributes.grammars.find((g: any) => g.injectTo);
    assert.deepEqual(md.injectTo, ['text.html.markdown']);
    assert.equal(md.embeddedLanguages['meta.embedded.block.chronicle'], 'chronicle');
  });

  it('declares exactly the commands the extension registers', () => {
    const source = readText('src', 'extension.ts');
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    const declared = pkg.contributes.commands.map((c: any) => c.command).sort();
    assert.deepEqual(declared, ['chronicle.restartServer', 'chronicle.showOutput']);
    assert.deepEqual(registered, declared);
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Chronicle');
  });

  it('declares the settings the extension reads, with the standard trace setting', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
      'chronicle.maxFileSize',
      'chronicle.server.extraArgs',
      'chronicle.server.path',
      'chronicle.trace.server',
    ]);
    const source = readText('src', 'extension.ts');
    for (const m of source.matchAll(/config\.get<[^>]*>\('([^']+)'\)/g)) {
      assert.ok(`chronicle.${m[1]}` in props, `chronicle.${m[1]} is read but not declared`);
    }
    assert.deepEqual(props['chronicle.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.equal(props['chronicle.trace.server'].default, 'off');
    // The client id makes `chronicle.trace.server` the languageclient's trace setting.
    assert.match(source, /new LanguageClient\('chronicle',/);
    assert.equal(props['chronicle.maxFileSize'].type, 'integer');
    assert.equal(props['chronicle.maxFileSize'].default, 16 * 1024 * 1024);
    assert.equal(props['chronicle.server.extraArgs'].items.type, 'string');
    // A workspace must not be able to run a binary of its choosing before it is trusted.
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['chronicle.server.path', 'chronicle.server.extraArgs']);
  });

  it('has the npm scripts CI runs', () => {
    for (const s of ['typecheck', 'test', 'test:grammar', 'package', 'package:linux-x64', 'ci']) {
      assert.ok(pkg.scripts[s], `no script ${s}`);
    }
    assert.match(pkg.scripts.package, /vsce package --no-dependencies/);
    assert.match(pkg.scripts['package:linux-x64'], /--target linux-x64/);
  });

  it('keeps build output, dependencies, packages and the bundled server out of git', () => {
    const ignored = readText('.gitignore').split('\n');
    for (const p of ['node_modules/', 'dist/', '*.vsix', 'server/']) assert.ok(ignored.includes(p), `${p} is not in .gitignore`);
  });
});

describe('language configuration', () => {
  const conf = readJson('language-configuration.json');
  const header = new RegExp(conf.onEnterRules[0].beforeText);
  const emptyField = new RegExp(conf.onEnterRules[1].beforeText);

  it('uses // line comments and closes parentheses and quotes', () => {
    assert.equal(conf.comments.lineComment, '//');
    assert.equal(conf.comments.blockComment, undefined);
    const opens = conf.autoClosingPairs.map((p: any) => p.open);
    assert.deepEqual(opens, ['(', '"']);
    assert.deepEqual(conf.brackets, [['(', ')']]);
  });

  it('reads @id-with-dashes and Unicode words as one word', () => {
    // VS Code adds the `g` flag and keeps `u`.
    const word = new RegExp(conf.wordPattern.pattern, `${conf.wordPattern.flags}g`);
    const words = (s: string) => s.match(word);
    assert.deepEqual(words('after: @coalition-call + 2d'), ['after', '@coalition-call', '2d']);
    assert.deepEqual(words("@türkiye's Straße, g7_2025"), ['@türkiye', 's', 'Straße', 'g7_2025']);
    assert.deepEqual(words('@peace-plan.points = 19'), ['@peace-plan', 'points', '19']);
    assert.deepEqual(words('Ελλάδα 日本 Україна'), ['Ελλάδα', '日本', 'Україна']);
    assert.deepEqual(words('-dash @ alone'), ['dash', 'alone']);
  });

  it('indents after every kind of entry header', () => {
    for (const line of [
      'actor macron "Emmanuel Macron"',
      'actor',
      'source epravda "European Pravda"',
      'topic peace-plan "US peace plan"',
      'event geneva-talks: @us and @ukraine negotiate',
      '2025-11-25 event coalition-call: Online meeting',
      '2025-11-25 (Tue) event coalition-call: Online meeting',
      '2025-11-25/2025-11-27 event summit-week',
      '../2025-11-25 event earlier',
      '2025-11-2X? event late',
      '2025-11-25T14:00Z event briefing:',
      '2025-11-25 @trump said "We are very close to a deal."',
      '@trump said "Undated."',
      '2025-11-20 @reuters reports @peace-plan.points = 28',
      '2025-11-26 (Wed) @epravda claims @x.date = tomorrow',
      '@kremlin denies @peace-plan.accepted',
    ]) {
      assert.match(line, header, line);
    }
  });

  it('does not indent after prose, fields, comments or headings', () => {
    for (const line of [
      'The event was postponed.',
      'Event planning stalled over the summer.',
      'the actor spoke',
      'actors are not entries',
      '2025-11-25 @macron spoke to reporters.',
      '\\actor Tom Hanks narrates the documentary.',
      '  kind: person',
      '  event: not a header when indented',
      '// actor in a comment',
      '# actor headings',
      '',
    ]) {
      assert.doesNotMatch(line, header, line);
    }
  });

  it('outdents on Enter in an empty field line, and only there', () => {
    assert.equal(conf.onEnterRules[0].action.indent, 'indent');
    assert.equal(conf.onEnterRules[1].action.indent, 'outdent');
    for (const line of ['  ', '\t', '    ']) assert.match(line, emptyField);
    for (const line of ['', '  kind: person', '  // comment', 'prose']) assert.doesNotMatch(line, emptyField);
  });

  it('uses the same header rule for re-indentation', () => {
    assert.equal(conf.indentationRules.increaseIndentPattern, conf.onEnterRules[0].beforeText);
    const decrease = new RegExp(conf.indentationRules.decreaseIndentPattern);
    assert.match('  # Heading', decrease);
    assert.doesNotMatch('  kind: person', decrease);
  });
});

describe('snippets', () => {
  const snippets: Record<string, { prefix: string | string[]; body: string[]; description: string }> = readJson('snippets', 'chronicle.json');
  let grammar: Tokenizer;
  before(async () => {
    grammar = await loadGrammar();
  });

  /** The text a snippet inserts when every placeholder keeps its default (Wednesday 26 November 2025). */
  function expand(body: string[]): string {
    const vars: Record<string, string> = { CURRENT_YEAR: '2025', CURRENT_MONTH: '11', CURRENT_DATE: '26', CURRENT_DAY_NAME_SHORT: 'Wed' };
    let s = body.join('\n');
    for (let i = 0; i < 5; i++) {
      s = s
        .replace(/\$\{\d+\|([^,|}]*)[^}]*\|\}/g, '$1')
        .replace(/\$\{\d+:([^${}]*)\}/g, '$1')
        .replace(/\$([A-Z_]+)/g, (m, v: string) => vars[v] ?? m)
        .replace(/\$\{\d+\}|\$\d+/g, '');
    }
    assert.doesNotMatch(s, /\$/, `unexpanded: ${s}`);
    return s;
  }

  const expected: Record<string, string> = {
    Actor: 'keyword.other.entry.actor',
    Source: 'keyword.other.entry.source',
    Topic: 'keyword.other.entry.topic',
    Event: 'keyword.other.entry.event',
    'Dated event': 'keyword.other.entry.event',
    Statement: 'keyword.other.verb.said',
    Claim: 'keyword.other.verb.claims',
    'Role field': 'support.type.property-name',
    'Claims field': 'variable.other.property',
  };

  it('has a snippet for every kind of entry and for the role field', () => {
    assert.deepEqual(Object.keys(snippets).sort(), Object.keys(expected).sort());
    const prefixes = Object.values(snippets).flatMap((s) => s.prefix);
    assert.equal(new Set(prefixes).size, prefixes.length, 'duplicate prefixes');
    for (const [name, s] of Object.entries(snippets)) assert.ok(s.description, `${name} has no description`);
  });

  for (const [name, scope] of Object.entries(expected)) {
    it(`expands "${name}" to valid, coloured Chronicle`, () => {
      let text = expand(snippets[name]!.body);
      // A field snippet is typed on a field line of an entry.
      if (!/^(actor|source|topic|event|\d|@)/.test(text)) text = `actor someone "Someone"\n  ${text}`;
      const lines = grammar.tokenize(text);
      assert.ok(hasScope(lines.flat(), scope), `${name}: no ${scope} in ${text}`);
      assert.ok(!hasScope(lines.flat(), 'invalid'), `${name}: invalid token in ${text}`);
      // Every field line stays in the entry's field block.
      text.split('\n').forEach((line, i) => {
        if (/^[ \t]+\S/.test(line)) {
          assert.ok(hasScope(lines[i]!, 'meta.field'), `${name}: line ${i + 1} is not a field: ${line}`);
        }
      });
      if (name === 'Dated event' || name === 'Statement' || name === 'Claim') {
        assert.ok(hasScope(lines[0]!, 'constant.numeric.date'), `${name}: no date in ${lines[0]!.map((t) => t.text).join('')}`);
      }
    });
  }
});
