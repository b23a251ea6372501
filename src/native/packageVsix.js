#!/usr/bin/env node
// Packages the extension as a .vsix, universal or for one platform:
//
//   node src/native/packageVsix.js -o koodrive.vsix [-- <more vsce options>]
//       universal: the .vscodeignore allowlist, no native code (WebAssembly hashing)
//   node src/native/packageVsix.js --target linux-x64 -o koodrive-linux-x64.vsix [-- ...]
//       also builds the native SHA-256 addon and carries dist/native/sha256-linux-x64.node
//   --test-hooks: bundles with the test hooks compiled in (the test suites' package only)
//
// vsce has one ignore file per run, so the platform package uses a copy of
// .vscodeignore with the one binary for that target allowed: the allowlist
// itself stays in one place.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function main() {
  const argv = process.argv.slice(2);
  const dashes = argv.indexOf('--');
  const own = dashes >= 0 ? argv.slice(0, dashes) : argv;
  const passThrough = dashes >= 0 ? argv.slice(dashes + 1) : [];
  const opt = (name) => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const target = opt('--target');
  const out = opt('-o');
  if (!out) fail('usage: packageVsix.js [--target <platform-arch>] -o <file.vsix> [-- <vsce options>]');

  run(process.execPath, ['esbuild.js', '--production', ...(own.includes('--test-hooks') ? ['--test-hooks'] : [])]);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = ['package', ...passThrough, '-o', path.resolve(out)];
  let tmp;
  if (target) {
    if (target !== 'linux-x64') fail(`no native build for ${target}: package it universal (without --target)`);
    run(process.execPath, [path.join(__dirname, 'buildNative.js')]);
    const binary = `dist/native/sha256-${target}.node`;
    if (!fs.existsSync(path.join(root, binary))) fail(`${binary} is missing after build:native`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-vsix-'));
    const ignoreFile = path.join(tmp, `.vscodeignore.${target}`);
    const base = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    fs.writeFileSync(ignoreFile, `${base.trimEnd()}\n!${binary}\n`);
    args.push('--target', target, '--ignoreFile', ignoreFile);
  }
  try {
    run(process.execPath, [vsce, ...args]);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')} failed with exit code ${r.status}`);
}

function fail(msg) {
  console.error(`[package] ${msg}`);
  process.exit(1);
}

main();
