// Checks what a VSIX holds: everything the extension needs, nothing it does
// not (sources, tests, node_modules, source maps).
//   node scripts/check-vsix.mjs chronicle.vsix
//   node scripts/check-vsix.mjs chronicle-linux-x64.vsix --server   (also requires an executable server/chronicle)
// Reads the zip's central directory itself, so that it needs no unzip.

import { readFileSync } from 'node:fs';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/check-vsix.mjs FILE.vsix [--server]');
  process.exit(2);
}

/** The entries of a zip file: name, size, unix mode. */
function listZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const mode = buf.readUInt32LE(p + 38) >>> 16;
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, size, mode });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

const entries = listZip(readFileSync(file));
const names = new Set(entries.map((e) => e.name));
const problems = [];

const required = [
  'extension.vsixmanifest',
  '[Content_Types].xml',
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/dist/extension.js',
  'extension/dist/terminateProcess.sh',
  'extension/language-configuration.json',
  'extension/syntaxes/chronicle.tmLanguage.json',
  'extension/syntaxes/chronicle.markdown.tmLanguage.json',
  'extension/snippets/chronicle.json',
  'extension/icons/chronicle.svg',
  'extension/icons/extension.png',
];
if (flags.includes('--server')) {
  required.push('extension/server/chronicle');
} else if (entries.some((e) => e.name.startsWith('extension/server/'))) {
  problems.push('the universal VSIX carries a server (extension/server/); only platform-specific ones should');
}
for (const r of required) {
  if (!names.has(r)) problems.push(`missing ${r}`);
}

const forbidden = [/^extension\/(src|test|out|scripts|node_modules)\//, /\.map$/, /\.ts$/, /^extension\/(tsconfig\.json|esbuild\.mjs|package-lock\.json)$/, /\.vsix$/];
for (const e of entries) {
  if (forbidden.some((f) => f.test(e.name))) problems.push(`should not be packaged: ${e.name}`);
}

for (const exec of ['extension/server/chronicle', 'extension/dist/terminateProcess.sh']) {
  const e = entries.find((x) => x.name === exec);
  if (e && (e.mode & 0o111) === 0) problems.push(`${exec} is not executable (mode ${e.mode.toString(8)})`);
}

// The bundle must be self-contained: the only module it may load from outside is `vscode`.
const bundle = entries.find((e) => e.name === 'extension/dist/extension.js');
if (bundle && bundle.size > 2_000_000) problems.push(`dist/extension.js is ${bundle.size} bytes; expected a small bundle`);

for (const e of entries) {
  console.log(`${e.size.toString().padStart(9)}  ${(e.mode & 0o777).toString(8).padStart(3, '0')}  ${e.name}`);
}
if (problems.length > 0) {
  console.error(`\n${file}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`\n${file}: ${entries.length} files, all required files present`);
