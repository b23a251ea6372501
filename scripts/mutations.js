#!/usr/bin/env node
// Hand mutations of the product and the test that must kill each one
// (docs/testing.md, "Mutations the suite kills"). For every mutation: apply
// it as a text patch to the source, rebuild what the test runs, run the named
// test, put the source back. A mutation is "killed" when its test fails,
// "survived" when it passes (the test no longer guards that line).
//
//   node scripts/mutations.js            every mutation
//   node scripts/mutations.js --list     names only
//   node scripts/mutations.js LRU cursor only those whose name contains a word given
//   node scripts/mutations.js --check    also type-check each mutant (tsc, slow)
//   node scripts/mutations.js --no-exthost  leave out the extension-host ones
//
// Run `npm run build && npm run build:native && npm run compile-tests` first.
// Not part of `npm test`. The source is restored after every mutation, also on Ctrl-C;
// the script refuses to start when a patch does not match the clean source
// exactly once, so a patch that went stale is reported, never half applied.
// Extension-host mutations ('exthost') run the whole extension-host suite in
// code-server (npm run test:exthost) and take a few minutes.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * file: the product file mutated; from/to: the exact text replaced;
 * spec + grep: the mocha test that kills it (a spec under test/, compiled to out/);
 * bundle: the test runs a bundle (dist/cli.js, dist/hashWorker.js), so rebuild it too;
 * suite 'exthost': the extension-host suite in code-server.
 */
const MUTATIONS = [
  {
    name: 'copy results mapped in reverse order',
    file: 'src/core/organize/organizeItems.ts',
    from: 'newFileId: copies.shift()',
    to: 'newFileId: copies.pop()',
    spec: 'test/integration/organize.test.ts',
    grep: 'gives each item its own copy',
  },
  {
    name: 'failed job without a failed list',
    file: 'src/core/organize/organizeItems.ts',
    from: 'if (out.resultCode !== undefined && out.resultCode !== 1 && failed.size === 0) {',
    to: 'if (false) {',
    spec: 'test/integration/organize.test.ts',
    grep: 'without saying which items failed',
  },
  {
    name: 'Copy to… into the wrong folder',
    file: 'src/extension/commands/copyItems.ts',
    from: '{ space: dest.space, folderId: dest.folderId }, o);',
    to: '{ space: dest.space, folderId: dest.space.rootFolderId }, o);',
    spec: 'test/unit/extension/organizeCommands.test.ts',
    grep: 'Copy to',
  },
  {
    name: 'Move to… into the wrong folder',
    file: 'src/extension/commands/moveItems.ts',
    from: 'await moveNodes(s, items, { space: dest.space, folderId: dest.folderId }, dest.path);',
    to: 'await moveNodes(s, items, { space: dest.space, folderId: dest.space.rootFolderId }, dest.path);',
    spec: 'test/unit/extension/organizeCommands.test.ts',
    grep: 'Move to',
  },
  {
    name: 'no LRU touch',
    file: 'src/core/remoteFs/pathResolver.ts',
    from: '      this.touch(key, entry);\n      return entry.listing;',
    to: '      return entry.listing;',
    spec: 'test/unit/remoteFs/pathResolver.test.ts',
    grep: 'least recently used',
  },
  {
    name: 'in-flight invalidation ignored',
    file: 'src/core/remoteFs/pathResolver.ts',
    from: '    entry.generation++;\n    entry.listing = undefined;',
    to: '    entry.listing = undefined;',
    spec: 'test/unit/remoteFs/pathResolver.test.ts',
    grep: 'in flight',
  },
  {
    name: 'SourceChanged reported as Network',
    file: 'src/core/bytes/storageHttp.ts',
    from: 'if (stream && stream.readableEnded && stream.bytesRead < o.size) {',
    to: 'if (false) {',
    spec: 'test/unit/bytes/storageHttp.test.ts',
    grep: 'SourceChanged, on both paths',
  },
  {
    name: 'a broken binary not reported degraded',
    file: 'src/core/hash/hashImpl.ts',
    from: 'return { why, degraded: !/: not found$/.test(why) };',
    to: 'return { why, degraded: false };',
    spec: 'test/unit/hash/hashImpl.test.ts',
    grep: 'does not load',
  },
  {
    name: 'misaligned length accepted by the self-test',
    file: 'src/core/hash/hashImpl.ts',
    from: "if (!refused) throw new Error('a misaligned length was not refused');",
    to: "if (!refused && false) throw new Error('a misaligned length was not refused');",
    spec: 'test/unit/hash/hashImpl.test.ts',
    grep: 'misaligned length',
  },
  {
    name: 'size and limit swapped in the message',
    file: 'src/extension/remoteFs/remoteFilesHost.ts',
    from: 'info.stat.name, formatBytes(info.stat.size), formatBytes(info.limit)),',
    to: 'info.stat.name, formatBytes(info.limit), formatBytes(info.stat.size)),',
    suite: 'exthost',
  },
  {
    name: 'team search cursor decoded as personal',
    file: 'src/core/organize/search.ts',
    from: "return [m[1] === 'p' ? 'personal' : 'team', m[2] || undefined];",
    to: "return ['personal', m[2] || undefined];",
    spec: 'test/integration/organize.test.ts',
    grep: 'team results with the all-spaces cursor',
  },
  {
    name: 'restore check disabled',
    file: 'src/extension/commands/restoreItems.ts',
    from: 'if (chosen.some((n) => n.parent !== chosen[0].parent)) {',
    to: 'if (false) {',
    spec: 'test/unit/extension/organizeCommands.test.ts',
    grep: 'two recycle bins',
  },
  {
    name: 'cancelled lookup swallowed',
    file: 'src/core/organize/recycleBin.ts',
    from: 'if (isCancellation(e)) throw e;',
    to: 'if (isCancellation(e) && false) throw e;',
    spec: 'test/integration/organize.test.ts',
    grep: 'looks up where its items came from',
  },
];

/** Runs a command to its end, collecting its output; asynchronous, so Ctrl-C can put the source back meanwhile. */
let running;
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => resolve({ status: 1, output: `${output}${e.message}` }));
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Rebuilds what the test of `m` runs. Mocha tests load the compiled product
 * from out/: only the mutated file is transpiled again (with the project's
 * compiler options), which takes a second where a full `tsc` takes a minute
 * on a busy machine (`--check` type-checks each mutant first). Bundles
 * (dist/) are rebuilt whole with esbuild.
 */
async function compile(m) {
  // npm run test:exthost packages the extension from the source itself.
  if (m.suite === 'exthost') return { status: 0, output: '' };
  if (m.bundle) return run(process.execPath, ['esbuild.js']);
  return transpile(m);
}

/** out/<file>.js from the source as it is now (synchronous: also used on Ctrl-C). */
function transpile(m) {
  const ts = require('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const source = fs.readFileSync(path.join(ROOT, m.file), 'utf8');
  const out = ts.transpileModule(source, { compilerOptions: config.options, fileName: path.join(ROOT, m.file) });
  const target = path.join(path.resolve(ROOT, config.options.outDir ?? 'out'), m.file.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(target)) return { status: 1, output: `${target} is missing: run npm run compile-tests first` };
  fs.writeFileSync(target, out.outputText);
  return { status: 0, output: '' };
}

/** Type-checks the whole project with the mutant in place (tsc --noEmit). */
function typecheck() {
  return run(npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
}

async function runTest(m) {
  if (m.suite === 'exthost') return run(npm, ['run', 'test:exthost']);
  const spec = path.join('out', m.spec.replace(/\.ts$/, '.js'));
  return run(npx, ['mocha', '--no-config', '--timeout', '60000', '--grep', m.grep, spec]);
}

/** Mocha's own count: a grep that matched nothing must not look like a survivor's pass. */
function passingCount(output) {
  const m = /(\d+) passing/.exec(output);
  return m ? Number(m[1]) : 0;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const m of MUTATIONS) console.log(`${m.name}  (${m.file}; ${m.suite === 'exthost' ? 'extension host' : `${m.spec} --grep "${m.grep}"`})`);
    return;
  }
  const check = args.includes('--check');
  const words = args.filter((a) => !a.startsWith('--'));
  const chosen = (words.length ? MUTATIONS.filter((m) => words.some((a) => m.name.toLowerCase().includes(a.toLowerCase()))) : MUTATIONS)
    .filter((m) => !args.includes('--no-exthost') || m.suite !== 'exthost');
  if (chosen.length === 0) fail(`no mutation matches ${words.join(' ')}`);
  for (const m of chosen) {
    const text = fs.readFileSync(path.join(ROOT, m.file), 'utf8');
    const count = text.split(m.from).length - 1;
    if (count !== 1) fail(`"${m.name}": the patch matches ${count} times in ${m.file} (expected once); update scripts/mutations.js`);
  }

  let restore;
  const onSignal = () => {
    running?.kill();
    restore?.();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results = [];
  for (const m of chosen) {
    const file = path.join(ROOT, m.file);
    const clean = fs.readFileSync(file, 'utf8');
    restore = () => {
      fs.writeFileSync(file, clean);
      if (!m.bundle && m.suite !== 'exthost') transpile(m);
    };
    process.stdout.write(`${m.name} … `);
    let verdict;
    try {
      fs.writeFileSync(file, clean.replace(m.from, m.to));
      const built = check ? await typecheck() : { status: 0 };
      if (built.status === 0) Object.assign(built, await compile(m));
      if (built.status !== 0) {
        verdict = 'error (the mutant does not build)';
        console.error(built.output.slice(-2000));
      } else {
        const t = await runTest(m);
        if (t.status !== 0) verdict = 'killed';
        else if (m.suite !== 'exthost' && passingCount(t.output) === 0) verdict = `error (no test matches "${m.grep}")`;
        else verdict = 'SURVIVED';
      }
    } finally {
      restore();
      restore = undefined;
    }
    console.log(verdict);
    results.push({ m, verdict });
  }
  // Leave dist/ built from the clean source (out/ was put back with each source file).
  if (chosen.some((m) => m.bundle)) {
    const rebuilt = await run(process.execPath, ['esbuild.js']);
    if (rebuilt.status !== 0) console.error('rebuilding the clean bundles failed:\n' + rebuilt.output.slice(-2000));
  }

  const killed = results.filter((r) => r.verdict === 'killed').length;
  console.log(`\n${killed} of ${results.length} mutations killed`);
  if (killed !== results.length) process.exitCode = 1;
}

function fail(msg) {
  console.error(`[mutations] ${msg}`);
  process.exit(2);
}

main().catch((e) => fail(e.stack ?? String(e)));
