// Bundles the extension into dist/extension.js (one self-contained file:
// vscode-languageclient is inlined, `vscode` is provided by the editor).
//   node esbuild.mjs               development build, with a source map
//   node esbuild.mjs --production  minified, as packaged (vscode:prepublish)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       bundle test/unit/*.test.ts into out/test/ for `node --test`

import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');

// VS Code 1.82 runs extensions on Node 18.
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' };

if (args.has('--tests')) {
  const dir = join(here, 'test', 'unit');
  rmSync(join(here, 'out'), { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints: readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)),
    outdir: join(here, 'out', 'test'),
    sourcemap: 'inline',
    // Loaded from node_modules at run time (vscode-oniguruma reads its .wasm
    // next to itself). The unit tests never load `vscode`: bundling one that
    // does fails here, since `vscode` is not installed.
    external: ['vscode-textmate', 'vscode-oniguruma'],
  });
  // The extension itself, for test/unit/activation.test.ts (which supplies a fake `vscode`).
  await esbuild.build({
    ...common,
    entryPoints: [join(here, 'src', 'extension.ts')],
    outfile: join(here, 'out', 'extension.js'),
    external: ['vscode'],
    sourcemap: 'inline',
  });
} else {
  // vscode-languageclient kills a server that outlives `stop` with this
  // script, which it looks for next to its own code (`__dirname`): dist/.
  const require = createRequire(import.meta.url);
  const terminate = join(dirname(require.resolve('vscode-languageclient/node')), 'lib', 'node', 'terminateProcess.sh');
  const options = {
    ...common,
    entryPoints: [join(here, 'src', 'extension.ts')],
    outfile: join(here, 'dist', 'extension.js'),
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    plugins: [
      {
        name: 'copy-terminate-script',
        setup(build) {
          build.onEnd(() => {
            mkdirSync(join(here, 'dist'), { recursive: true });
            copyFileSync(terminate, join(here, 'dist', 'terminateProcess.sh'));
            chmodSync(join(here, 'dist', 'terminateProcess.sh'), 0o755);
          });
        },
      },
    ],
  };
  rmSync(join(here, 'dist'), { recursive: true, force: true });
  if (args.has('--watch')) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log('watching src/ …');
  } else {
    await esbuild.build(options);
  }
}
