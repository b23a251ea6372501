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
//
// Not part of `npm test`: each mutation recompiles the tests (about a minute
// on two cores). The source is restored after every mutation, also on Ctrl-C;
// the script refuses to start when a patch does not match the clean source
// exactly once, so a patch that went stale is reported, never half applied.
// Extension-host mutations ('exthost') run the whole extension-host suite in
// code-server (npm run test:exthost) and take a few minutes.
'use strict';
const { spawnSync } = require('node:child_process');
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

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function compile(m) {
  const tsc = run(npx, ['tsc', '-p', 'tsconfig.json']);
  if (tsc.status !== 0) return tsc;
  if (m.bundle || m.suite === 'exthost') return run(process.execPath, ['esbuild.js']);
  return tsc;
}

function runTest(m) {
  if (m.suite === 'exthost') return run(npm, ['run', 'test:exthost']);
  const spec = path.join('out', m.spec.replace(/\.ts$/, '.js'));
  return run(npx, ['mocha', '--no-config', '--timeout', '60000', '--grep', m.grep, spec]);
}

/** Mocha's own count: a grep that matched nothing must not look like a survivor's pass. */
function passingCount(output) {
  const m = /(\d+) passing/.exec(output);
  return m ? Number(m[1]) : 0;
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const m of MUTATIONS) console.log(`${m.name}  (${m.file}; ${m.suite === 'exthost' ? 'extension host' : `${m.spec} --grep "${m.grep}"`})`);
    return;
  }
  const chosen = args.length ? MUTATIONS.filter((m) => args.some((a) => m.name.toLowerCase().includes(a.toLowerCase()))) : MUTATIONS;
  if (chosen.length === 0) fail(`no mutation matches ${args.join(' ')}`);
  for (const m of chosen) {
    const text = fs.readFileSync(path.join(ROOT, m.file), 'utf8');
    const count = text.split(m.from).length - 1;
    if (count !== 1) fail(`"${m.name}": the patch matches ${count} times in ${m.file} (expected once); update scripts/mutations.js`);
  }

  let restore;
  const onSignal = () => {
    restore?.();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results = [];
  for (const m of chosen) {
    const file = path.join(ROOT, m.file);
    const clean = fs.readFileSync(file, 'utf8');
    restore = () => fs.writeFileSync(file, clean);
    process.stdout.write(`${m.name} … `);
    let verdict;
    try {
      fs.writeFileSync(file, clean.replace(m.from, m.to));
      const built = compile(m);
      if (built.status !== 0) {
        verdict = 'error (the mutant does not build)';
        console.error(built.output.slice(-2000));
      } else {
        const t = runTest(m);
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
  // Leave out/ (and dist/) built from the clean source.
  const rebuilt = compile({ bundle: chosen.some((m) => m.bundle || m.suite === 'exthost') });
  if (rebuilt.status !== 0) console.error('rebuilding the clean tree failed:\n' + rebuilt.output.slice(-2000));

  const killed = results.filter((r) => r.verdict === 'killed').length;
  console.log(`\n${killed} of ${results.length} mutations killed`);
  if (killed !== results.length) process.exitCode = 1;
}

function fail(msg) {
  console.error(`[mutations] ${msg}`);
  process.exit(2);
}

main();
