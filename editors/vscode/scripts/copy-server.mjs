// Copies the release build of the server into server/ for a platform-specific
// VSIX: `npm run package:linux-x64` runs this, then `vsce package --target linux-x64`.
//   node scripts/copy-server.mjs [TARGET]
//   node scripts/copy-server.mjs --none    empty server/ (`npm run package`: the universal VSIX carries no server)
// TARGET is a vsce target (linux-x64, win32-x64, darwin-arm64, …); the binary
// is taken from ../../target/release/ (the repository's `cargo build --release`).
// Without that build, server/ is left without a binary and the VSIX falls
// back to `chronicle.server.path` and PATH, as the universal one does; the
// script says so instead of failing, so that packaging works before a build.

import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const target = process.argv[2] ?? `${process.platform}-${process.arch}`;
const exe = target.startsWith('win32-') ? 'chronicle.exe' : 'chronicle';
const from = join(root, '..', '..', 'target', 'release', exe);
const dir = join(root, 'server');

rmSync(dir, { recursive: true, force: true });
if (target === '--none') {
  process.exit(0);
}
mkdirSync(dir, { recursive: true });
if (existsSync(from)) {
  const to = join(dir, exe);
  copyFileSync(from, to);
  chmodSync(to, 0o755);
  console.log(`copied ${relative(root, from)} to ${relative(root, to)} for ${target}`);
} else {
  console.warn(
    `warning: ${relative(root, from)} does not exist; the ${target} VSIX carries no server ` +
      '(run `cargo build --release` in the repository first).',
  );
}
