// Bundles the extension, the hash worker and the CLI (which also runs the
// sandbox: `koodrive sandbox`) as separate entries. `--production` minifies; `--watch` rebuilds on change.
// `--test-hooks` compiles in the extension's test hooks (src/extension/testMode.ts):
// only the extension-host/e2e suites' .vsix is built with it (test/e2e/setup.ts).
// Without it `__KOODRIVE_TEST_HOOKS__` is `false` and the hook code is removed
// from the bundle, so a shipped .vsix has no hidden command at all.
// `--outdir DIR` writes the bundles there instead of dist/ (a test reads them).
const esbuild = require('esbuild');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testHooks = process.argv.includes('--test-hooks');
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt >= 0 ? process.argv[outdirAt + 1] : 'dist';
if (!outdir) throw new Error('--outdir needs a directory');

/** One entry per runtime: the worker must be its own file next to the bundle
 *  that starts it (resolved with __dirname at run time). */
const entries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/workers/hashWorker.ts', out: 'hashWorker' },
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node', plugins: [undiciAside()] },
  // undici for the CLI, in its own file (see undiciAside).
  { in: 'node_modules/undici/index.js', out: 'undici' },
  // The extension-host integration suite with mocha bundled in (never shipped:
  // not in the .vscodeignore allowlist). Mocha's unused parallel mode warns.
  { in: 'test/extensionHost/index.ts', out: 'extensionHostTests', logOverride: { 'require-resolve-not-external': 'silent' } },
];

/**
 * The CLI requires undici from dist/undici.js instead of carrying it: undici
 * is ~1 MB of the CLI's ~1.5 MB, and V8 parses the whole bundle at every
 * start even though undici is loaded only on first use (src/core/api/undiciLazy.ts).
 * `koodrive hash` never touches the network: ~20-60 ms less start-up (wrapSafe
 * in a --cpu-prof of a 4 KiB `koodrive hash`).
 */
function undiciAside() {
  return {
    name: 'undici-aside',
    setup(build) {
      build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
    },
  };
}

async function main() {
  const contexts = await Promise.all(
    entries.map((e) =>
      esbuild.context({
        entryPoints: [e.in],
        outfile: path.join(outdir, `${e.out}.js`),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external: ['vscode'],
        define: { __KOODRIVE_TEST_HOOKS__: testHooks ? 'true' : 'false' },
        minify: production,
        sourcemap: !production,
        sourcesContent: false,
        logLevel: 'warning',
        banner: e.banner ? { js: e.banner } : undefined,
        logOverride: e.logOverride,
        plugins: e.plugins,
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
