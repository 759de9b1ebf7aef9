// The Chronicle extension: starts `chronicle lsp` as a language server for
// `*.chron` files. Colouring (TextMate grammar), snippets, the language
// configuration and the file icon are declarative (package.json); this file
// finds the server, runs it, and offers restart and output commands.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { discoverServer, initializationOptions, serverArgs, SETTING, type Found } from './discovery';

const LANGUAGE_ID = 'chronicle';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.LanguageStatusItem;
/** Serialises start/stop/restart so that overlapping requests do not race. */
let queue: Promise<void> = Promise.resolve();

function enqueue(job: () => Promise<void>): Promise<void> {
  queue = queue.then(job, job);
  return queue;
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel('Chronicle');
  status = vscode.languages.createLanguageStatusItem('chronicle.server', { language: LANGUAGE_ID });
  status.name = 'Chronicle Language Server';
  status.command = { title: 'Show Output', command: 'chronicle.showOutput' };
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('chronicle.restartServer', () =>
      enqueue(async () => {
        await stop();
        await start(context);
      }),
    ),
    vscode.commands.registerCommand('chronicle.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration('chronicle.server') ||
        e.affectsConfiguration('chronicle.maxFileSize')
      ) {
        log('Settings changed: restarting the server.');
        void enqueue(async () => {
          await stop();
          await start(context);
        });
      }
    }),
  );

  void enqueue(() => start(context));
}

export function deactivate(): Thenable<void> | undefined {
  return enqueue(stop);
}

function log(message: string): void {
  output.appendLine(`[${new Date().toISOString()}] ${message}`);
}

function setStatus(text: string, severity: vscode.LanguageStatusSeverity, busy = false, detail?: string): void {
  status.text = text;
  status.severity = severity;
  status.busy = busy;
  status.detail = detail;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A VSIX may lose the executable bit of the bundled binary; give it back. */
function ensureExecutable(found: Found): void {
  if (process.platform === 'win32' || found.source !== 'bundled') {
    return;
  }
  try {
    const mode = fs.statSync(found.path).mode;
    if ((mode & 0o111) !== 0o111) {
      fs.chmodSync(found.path, mode | 0o755);
    }
  } catch (err) {
    log(`Could not make ${found.path} executable: ${String(err)}`);
  }
}

function findServer(context: vscode.ExtensionContext): ReturnType<typeof discoverServer> {
  const config = vscode.workspace.getConfiguration('chronicle');
  return discoverServer({
    configuredPath: config.get<string | null>('server.path'),
    extensionPath: context.extensionPath,
    envPath: process.env.PATH ?? process.env.Path,
    platform: process.platform,
    fileExists: isFile,
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer(context);
  if (found.kind === 'notFound') {
    log(found.message);
    log(`Looked for: ${found.tried.join(', ') || '(nothing)'}`);
    setStatus('Chronicle: no server', vscode.LanguageStatusSeverity.Error, false, found.message);
    void vscode.window.showErrorMessage(found.message, 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', SETTING);
      } else if (choice === 'Show Output') {
        output.show(true);
      }
    });
    return;
  }
  ensureExecutable(found);

  const config = vscode.workspace.getConfiguration('chronicle');
  const args = serverArgs(config.get<unknown[]>('server.extraArgs'));
  const run = {
    command: found.path,
    args,
    transport: TransportKind.stdio,
    options: { env: { ...process.env } },
  } as const;
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    initializationOptions: initializationOptions(config.get<number>('maxFileSize')),
    outputChannel: output,
    // The server registers its own file watchers (workspace/didChangeWatchedFiles).
  };

  log(`Starting ${found.path} ${args.join(' ')} (found via ${describe(found.source)})`);
  setStatus('Chronicle: starting', vscode.LanguageStatusSeverity.Information, true, found.path);

  // The client id `chronicle` makes `chronicle.trace.server` the trace setting.
  const c = new LanguageClient('chronicle', 'Chronicle', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('Chronicle', vscode.LanguageStatusSeverity.Information, false, found.path);
    } else if (e.newState === State.Stopped && client === c) {
      setStatus('Chronicle: stopped', vscode.LanguageStatusSeverity.Warning, false, 'Run "Chronicle: Restart Server"');
    }
  });
  client = c;
  try {
    await c.start();
    const version = c.initializeResult?.serverInfo?.version;
    log(`Server running${version ? ` (version ${version})` : ''}.`);
  } catch (err) {
    const message = `The Chronicle language server (${found.path}) failed to start: ${err instanceof Error ? err.message : String(err)}`;
    log(message);
    setStatus('Chronicle: failed', vscode.LanguageStatusSeverity.Error, false, message);
    void vscode.window.showErrorMessage(message, 'Show Output', 'Open Settings').then((choice) => {
      if (choice === 'Show Output') {
        output.show(true);
      } else if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', SETTING);
      }
    });
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) {
    return;
  }
  try {
    // Stops the server (shutdown, exit; killed after 2 s) and frees the client.
    await c.dispose();
  } catch (err) {
    log(`Stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function describe(source: Found['source']): string {
  switch (source) {
    case 'setting':
      return SETTING;
    case 'bundled':
      return 'the binary bundled with the extension';
    case 'path':
      return 'PATH';
  }
}
