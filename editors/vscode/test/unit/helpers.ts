// Shared by the unit tests: paths, JSON files, and the TextMate grammar
// loaded into vscode-textmate (the engine VS Code uses), without VS Code.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/** editors/vscode/ (the tests run from out/test/). */
export const ROOT = join(__dirname, '..', '..');
/** The repository root. */
export const REPO = join(ROOT, '..', '..');

export function readJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(ROOT, ...parts), 'utf8')) as T;
}

export function readText(...parts: string[]): string {
  return readFileSync(join(ROOT, ...parts), 'utf8');
}

/** Every file under `dir` whose name ends with `ext`. */
export function walk(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly scopes: readonly string[];
}

export interface Tokenizer {
  /** Tokens of each line of `text`, the state carried from line to line as in the editor. */
  tokenize(text: string): Token[][];
}

let tokenizer: Promise<Tokenizer> | undefined;

export function loadGrammar(): Promise<Tokenizer> {
  tokenizer ??= (async () => {
    const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName !== 'source.chronicle') return null;
        const path = join(ROOT, 'syntaxes', 'chronicle.tmLanguage.json');
        return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
      },
    });
    const grammar = await registry.loadGrammar('source.chronicle');
    if (!grammar) throw new Error('source.chronicle did not load');
    return {
      tokenize(text: string): Token[][] {
        let state = vsctm.INITIAL;
        return text.split(/\r\n|\n|\r/).map((line) => {
          const r = grammar.tokenizeLine(line, state);
          state = r.ruleStack;
          return r.tokens.map((t) => ({
            text: line.slice(t.startIndex, t.endIndex),
            start: t.startIndex,
            scopes: t.scopes,
          }));
        });
      },
    };
  })();
  return tokenizer;
}

/** True when some token of the line has a scope that starts with `prefix`. */
export function hasScope(tokens: readonly Token[], prefix: string): boolean {
  return tokens.some((t) => t.scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`)));
}

/** The scopes of the token at column `col`. */
export function scopesAt(tokens: readonly Token[], col: number): readonly string[] {
  const t = tokens.find((x) => x.start <= col && col < x.start + x.text.length);
  return t ? t.scopes : [];
}
