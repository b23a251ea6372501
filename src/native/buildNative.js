#!/usr/bin/env node
// Builds the native SHA-256 accelerator (src/native/sha256_ni.c) with the
// system C compiler and the Node-API headers from the node-api-headers
// package: no node-gyp, no header download. Node-API symbols are resolved
// from the host process when the module loads, so nothing is linked.
//
//   npm run build:native                      -> dist/native/sha256-linux-x64.node
//   node src/native/buildNative.js --broken-for-tests <out.node>
//        a variant whose results are deliberately wrong (the self-test's test)
//   node src/native/buildNative.js --lenient-for-tests <out.node>
//        a variant that hashes right but accepts a length that is not a
//        multiple of 64 (the self-test must refuse it too)
//
// Only linux-x64 is built: the SHA-NI code is x86-64, and an ARMv8 variant
// could not be run in our tests. Elsewhere this prints why and exits 0; the
// hash worker then uses WebAssembly. CC overrides the compiler (default gcc).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const source = path.join(__dirname, 'sha256_ni.c');
const target = `${process.platform}-${process.arch}`;

function main() {
  const args = process.argv.slice(2);
  const variant = ['--broken-for-tests', '--lenient-for-tests'].find((v) => args.includes(v));
  const variantOut = variant ? args[args.indexOf(variant) + 1] : undefined;
  if (variant && !variantOut) fail(`usage: buildNative.js ${variant} <out.node>`);
  const out = variantOut ? path.resolve(variantOut) : path.join(root, 'dist', 'native', `sha256-${target}.node`);

  if (target !== 'linux-x64') {
    console.log(`[build:native] skipped: the native SHA-256 is built for linux-x64 only (this is ${target}); WebAssembly is used here`);
    return;
  }
  const include = path.dirname(require.resolve('node-api-headers/include/node_api.h', { paths: [root] }));
  const cc = process.env.CC || 'gcc';
  const flags = [
    '-O2', '-std=c11', '-shared', '-fPIC', '-fvisibility=hidden', '-Wall', '-Wextra',
    // No lazy binding surprises at call time: every symbol resolves when the module loads.
    '-Wl,-z,now', '-s',
    '-I', include,
    ...(variant === '--broken-for-tests' ? ['-DKOODRIVE_SHA256_BROKEN_FOR_TESTS'] : []),
    ...(variant === '--lenient-for-tests' ? ['-DKOODRIVE_SHA256_LENIENT_FOR_TESTS'] : []),
    source, '-o', `${out}.tmp`,
  ];
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync(cc, flags, { stdio: 'inherit' });
  if (r.error) fail(`cannot run the C compiler '${cc}': ${r.error.message} (install gcc and libc6-dev, or set CC)`);
  if (r.status !== 0) fail(`${cc} failed with exit code ${r.status}`);
  // Rename into place: a worker loading the old file never sees a half-written one.
  fs.renameSync(`${out}.tmp`, out);
  console.log(`[build:native] ${path.relative(root, out)}`);
}

function fail(msg) {
  console.error(`[build:native] ${msg}`);
  process.exit(1);
}

main();
