// The extension's activation, run against a small fake of the `vscode` API:
// the output channel, the commands, the language status item, and what the
// user sees when no server is found (the message, its buttons, and what the
// buttons do). Starting a real server needs VS Code; discovery itself is
// covered by discovery.test.ts.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

interface ErrorShown {
  message: string;
  items: string[];
  click: (item: string | undefined) => void;
}

interface Recorder {
  outputName?: string;
  outputLines: string[];
  outputShown: number;
  errors: ErrorShown[];
  executed: unknown[][];
  commands: Map<string, (...args: unknown[]) => unknown>;
  config: Record<string, unknown>;
  configListeners: ((e: { affectsConfiguration: (s: string) => boolean }) => void)[];
  status: Record<string, unknown>[];
}

const rec: Recorder = {
  outputLines: [],
  outputShown: 0,
  errors: [],
  executed: [],
  commands: new Map(),
  config: {},
  configListeners: [],
  status: [],
};

const disposable = { dispose() {} };

const fake = {
  window: {
    createOutputChannel(name: string) {
      rec.outputName = name;
      return {
        appendLine: (line: string) => rec.outputLines.push(line),
        show: () => rec.outputShown++,
        dispose() {},
      };
    },
    showErrorMessage(message: string, ...items: string[]) {
      return new Promise<string | undefined>((resolve) => rec.errors.push({ message, items, click: resolve }));
    },
  },
  languages: {
    createLanguageStatusItem(id: string, selector: unknown) {
      const item: Record<string, unknown> = { id, selector, dispose() {} };
      rec.status.push(item);
      return item;
    },
  },
  LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
  commands: {
    registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
      rec.commands.set(id, fn);
      return disposable;
    },
    async executeCommand(...args: unknown[]) {
      rec.executed.push(args);
    },
  },
  workspace: {
    getConfiguration(section: string) {
      return { get: (key: string) => rec.config[`${section}.${key}`] };
    },
    onDidChangeConfiguration(fn: Recorder['configListeners'][number]) {
      rec.configListeners.push(fn);
      return disposable;
    },
    workspaceFolders: undefined,
  },
};

/** Anything the fake lacks: vscode-languageclient touches a few names when it loads. */
function stub(): any {
  const f = function () {};
  return new Proxy(f, { get: (_t, p) => (p === 'then' ? undefined : p === 'prototype' ? f.prototype : stub()) });
}
const vscode = new Proxy(fake as Record<string | symbol, unknown>, { get: (t, p) => (p in t ? t[p] : stub()) });

type Extension = { activate(ctx: unknown): void; deactivate(): unknown };

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

describe('activation without a server', () => {
  const M = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = M._load;
  const savedPath = process.env.PATH;
  let ext: Extension;
  let dir: string;
  const context = { subscriptions: [] as unknown[], extensionPath: '' };

  before(() => {
    M._load = function (this: unknown, req: string, ...rest: unknown[]) {
      return req === 'vscode' ? vscode : load.call(this, req, ...rest);
    };
    dir = mkdtempSync(join(tmpdir(), 'chronicle-activation-'));
    context.extensionPath = join(dir, 'extension');
    // Nothing on PATH: an empty folder.
    process.env.PATH = dir;
    ext = require(join(__dirname, '..', 'extension.js')) as Extension;
    ext.activate(context);
  });

  after(() => {
    M._load = load;
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    rec.errors.length = 0;
    rec.executed.length = 0;
  });

  it('creates the Chronicle output channel, the language status item and both commands', async () => {
    assert.equal(rec.outputName, 'Chronicle');
    assert.deepEqual([...rec.commands.keys()].sort(), ['chronicle.restartServer', 'chronicle.showOutput']);
    assert.equal(rec.status.length, 1);
    assert.deepEqual(rec.status[0]!.selector, { language: 'chronicle' });
    assert.ok(context.subscriptions.length >= 5, `${context.subscriptions.length} subscriptions`);
    await until('the first error', () => rec.status[0]!.severity === 2);
  });

  it('says how to install the server, and Open Settings opens chronicle.server.path', async () => {
    await rec.commands.get('chronicle.restartServer')!();
    assert.equal(rec.errors.length, 1);
    const [shown] = rec.errors;
    assert.match(shown!.message, /cargo install --path \./);
    assert.match(shown!.message, /chronicle\.server\.path/);
    assert.deepEqual(shown!.items, ['Open Settings', 'Show Output']);
    assert.equal(rec.status[0]!.text, 'Chronicle: no server');
    assert.equal(rec.status[0]!.severity, 2);
    shown!.click('Open Settings');
    await until('openSettings', () => rec.executed.length > 0);
    assert.deepEqual(rec.executed, [['workbench.action.openSettings', 'chronicle.server.path']]);
    assert.ok(rec.outputLines.some((l) => l.includes('Looked for:') && l.includes(join('extension', 'server', 'chronicle'))));
  });

  it('Show Output on the error shows the output channel', async () => {
    await rec.commands.get('chronicle.restartServer')!();
    const shown = rec.outputShown;
    rec.errors[0]!.click('Show Output');
    await until('the output', () => rec.outputShown === shown + 1);
  });

  it('names the setting when it points at a missing file, without falling back', async () => {
    rec.config['chronicle.server.path'] = join(dir, 'nowhere', 'chronicle');
    try {
      await rec.commands.get('chronicle.restartServer')!();
      assert.equal(rec.errors.length, 1);
      assert.match(rec.errors[0]!.message, /^The setting chronicle\.server\.path is ".*nowhere.*", but no file exists at .*nowhere/);
    } finally {
      delete rec.config['chronicle.server.path'];
    }
  });

  it('restarts when a chronicle.server setting changes, not for other settings', async () => {
    for (const listener of rec.configListeners) listener({ affectsConfiguration: (s) => s === 'editor.fontSize' });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(rec.errors.length, 0);
    for (const listener of rec.configListeners) listener({ affectsConfiguration: (s) => s === 'chronicle.server' });
    await until('a restart', () => rec.errors.length === 1);
  });

  it('Chronicle: Show Output shows the channel', () => {
    const shown = rec.outputShown;
    rec.commands.get('chronicle.showOutput')!();
    assert.equal(rec.outputShown, shown + 1);
  });

  it('deactivates cleanly with no server running', async () => {
    await ext.deactivate();
  });
});
