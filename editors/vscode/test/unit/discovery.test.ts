// Server discovery: every step of the order, every fallback and error, and
// Windows naming. Runs under `node --test` (no VS Code).

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  binaryName,
  bundledPath,
  discoverServer,
  expandSetting,
  initializationOptions,
  pathCandidates,
  pathEntries,
  serverArgs,
  type DiscoveryInput,
} from '../../src/discovery';

/** A file system holding exactly `files`; records what was asked. */
function fs(...files: string[]): { exists: (p: string) => boolean; asked: string[] } {
  const set = new Set(files);
  const asked: string[] = [];
  return {
    asked,
    exists: (p) => {
      asked.push(p);
      return set.has(p);
    },
  };
}

const EXT = '/home/u/.vscode/extensions/chronicle.chronicle-0.1.0';
const BUNDLED = `${EXT}/server/chronicle`;
const PATH = '/usr/local/bin:/usr/bin:/home/u/.cargo/bin';

function linux(over: Partial<DiscoveryInput> & { files?: string[] } = {}) {
  const f = fs(...(over.files ?? []));
  const input: DiscoveryInput = {
    extensionPath: EXT,
    envPath: PATH,
    platform: 'linux',
    fileExists: f.exists,
    homeDir: '/home/u',
    workspaceFolder: '/work/notes',
    ...over,
  };
  return { result: discoverServer(input), asked: f.asked };
}

const WEXT = 'C:\\Users\\u\\.vscode\\extensions\\chronicle.chronicle-0.1.0';
const WPATH = 'C:\\Windows\\system32;"C:\\Program Files\\Chronicle";;C:\\Users\\u\\.cargo\\bin';

function windows(over: Partial<DiscoveryInput> & { files?: string[] } = {}) {
  const f = fs(...(over.files ?? []));
  const input: DiscoveryInput = {
    extensionPath: WEXT,
    envPath: WPATH,
    platform: 'win32',
    fileExists: f.exists,
    homeDir: 'C:\\Users\\u',
    workspaceFolder: 'C:\\notes',
    ...over,
  };
  return { result: discoverServer(input), asked: f.asked };
}

describe('discovery order', () => {
  it('uses the setting first, even when a bundled binary and PATH have one', () => {
    const { result, asked } = linux({
      configuredPath: '/opt/chronicle/bin/chronicle',
      files: ['/opt/chronicle/bin/chronicle', BUNDLED, '/usr/bin/chronicle'],
    });
    assert.deepEqual(result, {
      kind: 'found',
      path: '/opt/chronicle/bin/chronicle',
      source: 'setting',
      tried: ['/opt/chronicle/bin/chronicle'],
    });
    assert.deepEqual(asked, ['/opt/chronicle/bin/chronicle']);
  });

  it('uses the bundled binary when the setting is unset, before PATH', () => {
    const { result } = linux({ files: [BUNDLED, '/usr/bin/chronicle'] });
    assert.equal(result.kind, 'found');
    assert.equal(result.kind === 'found' && result.source, 'bundled');
    assert.equal(result.kind === 'found' && result.path, BUNDLED);
    assert.deepEqual(result.tried, [BUNDLED]);
  });

  it('falls back to PATH when there is no bundled binary, taking the first entry that has one', () => {
    const { result } = linux({ files: ['/usr/bin/chronicle', '/home/u/.cargo/bin/chronicle'] });
    assert.deepEqual(result, {
      kind: 'found',
      path: '/usr/bin/chronicle',
      source: 'path',
      tried: [BUNDLED, '/usr/local/bin/chronicle', '/usr/bin/chronicle'],
    });
  });

  it('finds a binary in the last PATH entry (cargo install)', () => {
    const { result } = linux({ files: ['/home/u/.cargo/bin/chronicle'] });
    assert.equal(result.kind === 'found' && result.path, '/home/u/.cargo/bin/chronicle');
  });

  for (const unset of [undefined, null, '', '   ']) {
    it(`treats the setting ${JSON.stringify(unset)} as unset`, () => {
      const { result } = linux({ configuredPath: unset, files: [BUNDLED] });
      assert.equal(result.kind === 'found' && result.source, 'bundled');
    });
  }
});

describe('discovery errors', () => {
  it('reports nothing found, with the fix, after trying bundled and every PATH entry', () => {
    const { result } = linux();
    assert.equal(result.kind, 'notFound');
    if (result.kind !== 'notFound') return;
    assert.equal(result.reason, 'nowhere');
    assert.deepEqual(result.tried, [
      BUNDLED,
      '/usr/local/bin/chronicle',
      '/usr/bin/chronicle',
      '/home/u/.cargo/bin/chronicle',
    ]);
    assert.match(result.message, /cargo install --path \./);
    assert.match(result.message, /chronicle\.server\.path/);
    assert.match(result.message, /`chronicle` is not on PATH/);
  });

  it('reports nothing found when PATH is unset or empty', () => {
    for (const envPath of [undefined, '', ':::']) {
      const { result } = linux({ envPath });
      assert.equal(result.kind, 'notFound');
      assert.deepEqual(result.tried, [BUNDLED]);
    }
  });

  it('does not fall back when the setting names a missing file', () => {
    const { result, asked } = linux({
      configuredPath: '/opt/missing/chronicle',
      files: [BUNDLED, '/usr/bin/chronicle'],
    });
    assert.equal(result.kind, 'notFound');
    if (result.kind !== 'notFound') return;
    assert.equal(result.reason, 'setting');
    assert.deepEqual(asked, ['/opt/missing/chronicle']);
    assert.match(result.message, /chronicle\.server\.path is "\/opt\/missing\/chronicle"/);
    assert.match(result.message, /no file exists at \/opt\/missing\/chronicle/);
    assert.match(result.message, /clear it/);
  });

  it('reports a bare name in the setting that is not on PATH', () => {
    const { result } = linux({ configuredPath: 'chronicle-dev', files: [BUNDLED] });
    assert.equal(result.kind, 'notFound');
    if (result.kind !== 'notFound') return;
    assert.equal(result.reason, 'setting');
    assert.match(result.message, /"chronicle-dev" is not on PATH/);
    assert.deepEqual(result.tried, PATH.split(':').map((d) => `${d}/chronicle-dev`));
  });
});

describe('the setting', () => {
  it('looks a bare name up on PATH', () => {
    const { result } = linux({ configuredPath: 'chronicle-dev', files: ['/usr/bin/chronicle-dev'] });
    assert.equal(result.kind === 'found' && result.path, '/usr/bin/chronicle-dev');
    assert.equal(result.kind === 'found' && result.source, 'setting');
  });

  it('expands ~ to the home folder', () => {
    const { result } = linux({ configuredPath: '~/bin/chronicle', files: ['/home/u/bin/chronicle'] });
    assert.equal(result.kind === 'found' && result.path, '/home/u/bin/chronicle');
  });

  it('expands ${workspaceFolder} and reads a relative path from the workspace folder', () => {
    const target = '/work/notes/target/release/chronicle';
    for (const configuredPath of ['${workspaceFolder}/target/release/chronicle', './target/release/chronicle', 'target/release/chronicle']) {
      const { result } = linux({ configuredPath, files: [target] });
      assert.equal(result.kind === 'found' && result.path, target, configuredPath);
    }
  });

  it('trims blanks around the setting', () => {
    const { result } = linux({ configuredPath: '  /opt/chronicle  ', files: ['/opt/chronicle'] });
    assert.equal(result.kind === 'found' && result.path, '/opt/chronicle');
  });

  it('keeps a relative path as is without a workspace folder', () => {
    assert.equal(expandSetting('bin/chronicle', 'linux', '/home/u', undefined), 'bin/chronicle');
    assert.equal(expandSetting('~', 'linux', '/home/u'), '/home/u');
    assert.equal(expandSetting('~user/x', 'linux', '/home/u'), '~user/x');
  });
});

describe('Windows', () => {
  const WBUNDLED = `${WEXT}\\server\\chronicle.exe`;

  it('names the binary chronicle.exe', () => {
    assert.equal(binaryName('win32'), 'chronicle.exe');
    assert.equal(binaryName('linux'), 'chronicle');
    assert.equal(binaryName('darwin'), 'chronicle');
    assert.equal(bundledPath(WEXT, 'win32'), WBUNDLED);
    assert.equal(bundledPath(EXT, 'darwin'), BUNDLED);
  });

  it('uses the bundled chronicle.exe', () => {
    const { result } = windows({ files: [WBUNDLED] });
    assert.deepEqual(result, { kind: 'found', path: WBUNDLED, source: 'bundled', tried: [WBUNDLED] });
  });

  it('ignores a bundled binary without .exe', () => {
    const { result } = windows({ files: [`${WEXT}\\server\\chronicle`] });
    assert.equal(result.kind, 'notFound');
  });

  it('splits PATH on ";", unquotes entries, skips empty ones and looks for chronicle.exe', () => {
    assert.deepEqual(pathEntries(WPATH, 'win32'), [
      'C:\\Windows\\system32',
      'C:\\Program Files\\Chronicle',
      'C:\\Users\\u\\.cargo\\bin',
    ]);
    const { result } = windows({ files: ['C:\\Program Files\\Chronicle\\chronicle.exe'] });
    assert.deepEqual(result, {
      kind: 'found',
      path: 'C:\\Program Files\\Chronicle\\chronicle.exe',
      source: 'path',
      tried: [WBUNDLED, 'C:\\Windows\\system32\\chronicle.exe', 'C:\\Program Files\\Chronicle\\chronicle.exe'],
    });
  });

  it('does not split a Windows PATH on ":"', () => {
    assert.deepEqual(pathCandidates('chronicle', 'C:\\bin', 'win32'), ['C:\\bin\\chronicle.exe']);
    assert.deepEqual(pathCandidates('chronicle', '/a:/b', 'linux'), ['/a/chronicle', '/b/chronicle']);
  });

  it('accepts a setting without .exe by trying name.exe after it', () => {
    const { result } = windows({ configuredPath: 'C:\\tools\\chronicle', files: ['C:\\tools\\chronicle.exe'] });
    assert.deepEqual(result, {
      kind: 'found',
      path: 'C:\\tools\\chronicle.exe',
      source: 'setting',
      tried: ['C:\\tools\\chronicle', 'C:\\tools\\chronicle.exe'],
    });
  });

  it('accepts a setting with forward slashes and ~\\', () => {
    const a = windows({ configuredPath: 'C:/tools/chronicle.exe', files: ['C:\\tools\\chronicle.exe'] });
    assert.equal(a.result.kind === 'found' && a.result.path, 'C:\\tools\\chronicle.exe');
    const b = windows({ configuredPath: '~\\bin\\chronicle.exe', files: ['C:\\Users\\u\\bin\\chronicle.exe'] });
    assert.equal(b.result.kind === 'found' && b.result.path, 'C:\\Users\\u\\bin\\chronicle.exe');
  });

  it('reads a relative setting from the workspace folder', () => {
    const { result } = windows({ configuredPath: 'target\\release\\chronicle.exe', files: ['C:\\notes\\target\\release\\chronicle.exe'] });
    assert.equal(result.kind === 'found' && result.path, 'C:\\notes\\target\\release\\chronicle.exe');
  });

  it('looks a bare name in the setting up on PATH as name.exe', () => {
    const { result } = windows({ configuredPath: 'chronicle-dev', files: ['C:\\Users\\u\\.cargo\\bin\\chronicle-dev.exe'] });
    assert.equal(result.kind === 'found' && result.path, 'C:\\Users\\u\\.cargo\\bin\\chronicle-dev.exe');
  });

  it('names chronicle.exe in the error', () => {
    const { result } = windows();
    assert.equal(result.kind, 'notFound');
    assert.match(result.kind === 'notFound' ? result.message : '', /`chronicle\.exe` is not on PATH/);
    assert.equal(result.tried.length, 4);
  });

  it('reports a missing setting without falling back', () => {
    const { result } = windows({ configuredPath: 'D:\\nowhere\\chronicle.exe', files: [WBUNDLED] });
    assert.equal(result.kind === 'notFound' && result.reason, 'setting');
    assert.deepEqual(result.tried, ['D:\\nowhere\\chronicle.exe']);
  });
});

describe('server command line and options', () => {
  it('runs `chronicle lsp` followed by the extra arguments', () => {
    assert.deepEqual(serverArgs(undefined), ['lsp']);
    assert.deepEqual(serverArgs(null), ['lsp']);
    assert.deepEqual(serverArgs([]), ['lsp']);
    assert.deepEqual(serverArgs(['--log', 'debug']), ['lsp', '--log', 'debug']);
    assert.deepEqual(serverArgs(['--x', 3, null, '--y']), ['lsp', '--x', '--y']);
  });

  it('passes maxFileSize only when it is a positive integer', () => {
    assert.deepEqual(initializationOptions(16777216), { maxFileSize: 16777216 });
    assert.deepEqual(initializationOptions(1), { maxFileSize: 1 });
    for (const bad of [undefined, null, 0, -5, 1.5, '100', Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.deepEqual(initializationOptions(bad), {}, String(bad));
    }
  });
});

describe('the discovery module', () => {
  it('does not import vscode (so that it runs under node --test)', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'discovery.ts'), 'utf8');
    assert.doesNotMatch(source, /from ['"]vscode['"]|require\(['"]vscode['"]\)/);
  });
});
