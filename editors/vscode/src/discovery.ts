// Finding the `chronicle` binary that serves `chronicle lsp`.
//
// Pure functions with no `vscode` import, so that every case runs under
// `node --test` (test/unit/discovery.test.ts). The extension hands in the
// settings, the extension's own folder, PATH, the platform and a
// file-exists function.
//
// Order:
//   1. the `chronicle.server.path` setting, when it is set;
//   2. the binary bundled in the extension: `server/chronicle`
//      (`server/chronicle.exe` on Windows), present in platform-specific VSIXs;
//   3. `chronicle` (`chronicle.exe`) on PATH.
//
// A setting that names a missing file is an error of its own: it is not
// passed over for the bundled binary or PATH, since the user asked for that
// file and a silent fallback would hide the mistake.

import * as path from 'node:path';

export type Platform = NodeJS.Platform;

export interface DiscoveryInput {
  /** The `chronicle.server.path` setting (undefined, null or blank when unset). */
  readonly configuredPath?: string | null;
  /** The extension's install folder (`context.extensionPath`). */
  readonly extensionPath: string;
  /** The PATH environment variable (`Path` on Windows is passed in here too). */
  readonly envPath?: string;
  readonly platform: Platform;
  /** True when `p` is an existing regular file. */
  readonly fileExists: (p: string) => boolean;
  /** For `~` in the setting. */
  readonly homeDir?: string;
  /** For `${workspaceFolder}` and relative paths in the setting. */
  readonly workspaceFolder?: string;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface Found {
  readonly kind: 'found';
  readonly path: string;
  readonly source: ServerSource;
  /** Every candidate looked at, in order, up to and including the one found. */
  readonly tried: readonly string[];
}

export interface NotFound {
  readonly kind: 'notFound';
  /** `setting`: the setting names a file that does not exist; `nowhere`: nothing is set and nothing was found. */
  readonly reason: 'setting' | 'nowhere';
  /** A message for the user, with the fix. */
  readonly message: string;
  readonly tried: readonly string[];
}

export type Discovery = Found | NotFound;

export const SETTING = 'chronicle.server.path';

/** The binary's file name on a platform. */
export function binaryName(platform: Platform): string {
  return platform === 'win32' ? 'chronicle.exe' : 'chronicle';
}

function pathApi(platform: Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** The binary a platform-specific VSIX carries. */
export function bundledPath(extensionPath: string, platform: Platform): string {
  return pathApi(platform).join(extensionPath, 'server', binaryName(platform));
}

/** The PATH entries, in order, without blanks (and without the quotes Windows allows around an entry). */
export function pathEntries(envPath: string | undefined, platform: Platform): string[] {
  if (!envPath) {
    return [];
  }
  const sep = platform === 'win32' ? ';' : ':';
  return envPath
    .split(sep)
    .map((e) => (platform === 'win32' ? e.trim().replace(/^"(.*)"$/, '$1') : e))
    .filter((e) => e.trim() !== '');
}

/** Candidates for a command name on PATH: `NAME` in each entry (`NAME.exe` on Windows unless it has an extension). */
export function pathCandidates(name: string, envPath: string | undefined, platform: Platform): string[] {
  const p = pathApi(platform);
  const file = platform === 'win32' && p.extname(name) === '' ? `${name}.exe` : name;
  return pathEntries(envPath, platform).map((dir) => p.join(dir, file));
}

function hasSeparator(s: string, platform: Platform): boolean {
  return s.includes('/') || (platform === 'win32' && s.includes('\\'));
}

/**
 * The setting as a path: `~` and `${workspaceFolder}` expanded, a relative
 * path taken from the workspace folder. A bare name (no separator, such as
 * `chronicle-dev`) is returned as is: it is looked up on PATH.
 */
export function expandSetting(
  value: string,
  platform: Platform,
  homeDir?: string,
  workspaceFolder?: string,
): string {
  const p = pathApi(platform);
  let s = value.trim();
  if (workspaceFolder !== undefined) {
    s = s.split('${workspaceFolder}').join(workspaceFolder);
  }
  if (homeDir !== undefined && (s === '~' || s.startsWith('~/') || (platform === 'win32' && s.startsWith('~\\')))) {
    s = p.join(homeDir, s.slice(1));
  }
  if (!hasSeparator(s, platform)) {
    return s;
  }
  if (!p.isAbsolute(s) && workspaceFolder !== undefined) {
    s = p.join(workspaceFolder, s);
  }
  return p.normalize(s);
}

/** Find the server binary. */
export function discoverServer(input: DiscoveryInput): Discovery {
  const { platform, fileExists } = input;
  const tried: string[] = [];
  const check = (candidate: string): boolean => {
    tried.push(candidate);
    return fileExists(candidate);
  };

  // 1. The setting.
  const configured = (input.configuredPath ?? '').trim();
  if (configured !== '') {
    const expanded = expandSetting(configured, platform, input.homeDir, input.workspaceFolder);
    const candidates = hasSeparator(expanded, platform)
      ? [expanded]
      : pathCandidates(expanded, input.envPath, platform);
    // On Windows, `C:\tools\chronicle` may mean `C:\tools\chronicle.exe`.
    if (hasSeparator(expanded, platform) && platform === 'win32' && path.win32.extname(expanded) === '') {
      candidates.push(`${expanded}.exe`);
    }
    for (const c of candidates) {
      if (check(c)) {
        return { kind: 'found', path: c, source: 'setting', tried };
      }
    }
    const where = hasSeparator(expanded, platform) ? `no file exists at ${expanded}` : `"${expanded}" is not on PATH`;
    return {
      kind: 'notFound',
      reason: 'setting',
      tried,
      message:
        `The setting ${SETTING} is "${configured}", but ${where}. ` +
        `Set ${SETTING} to the chronicle binary (for example the target/release/chronicle ` +
        `that \`cargo build --release\` makes), or clear it to use the bundled binary or \`chronicle\` on PATH.`,
    };
  }

  // 2. The bundled binary.
  const bundled = bundledPath(input.extensionPath, platform);
  if (check(bundled)) {
    return { kind: 'found', path: bundled, source: 'bundled', tried };
  }

  // 3. PATH.
  for (const c of pathCandidates('chronicle', input.envPath, platform)) {
    if (check(c)) {
      return { kind: 'found', path: c, source: 'path', tried };
    }
  }

  return {
    kind: 'notFound',
    reason: 'nowhere',
    tried,
    message:
      `The Chronicle language server was not found: ${SETTING} is not set, this extension ` +
      `bundles no server, and \`${binaryName(platform)}\` is not on PATH. Install it from the ` +
      `Chronicle repository with \`cargo install --path .\` (then restart VS Code so that PATH is ` +
      `read again), or set ${SETTING} to the chronicle binary.`,
  };
}

/** The command line of the server: `chronicle lsp EXTRA…`. */
export function serverArgs(extraArgs: readonly unknown[] | undefined | null): string[] {
  const extra = Array.isArray(extraArgs) ? extraArgs.filter((a): a is string => typeof a === 'string') : [];
  return ['lsp', ...extra];
}

/** `initializationOptions` for the server; `maxFileSize` is left out unless it is a positive integer. */
export function initializationOptions(maxFileSize: unknown): { maxFileSize?: number } {
  if (typeof maxFileSize === 'number' && Number.isSafeInteger(maxFileSize) && maxFileSize > 0) {
    return { maxFileSize };
  }
  return {};
}
