/**
 * Runs the extension-host suite inside a real VS Code here, without a desktop
 * build: code-server with the packaged extension, the test-runner extension
 * (runnerExtension/) and the suite bundle placed in the extension's folder.
 * code-server is started with $KOODRIVE_TEST_SUITE / $KOODRIVE_TEST_RESULTS;
 * Chromium opens the workbench so that the extension host starts; the runner
 * extension runs mocha in it and writes the results file this waits for.
 *
 *   npm run test:exthost          (builds, sets up, then: node out/test/extensionHost/runCodeServer.js)
 *
 * Exit code 0 when every test passed. Artifacts: test/e2e/artifacts/exthost/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { installedExtensionDir } from '../e2e/codeServer';
import { startHarness } from '../e2e/harness';
import { extensionHostTestsBundle, runnerVsixPath } from '../e2e/paths';
import { RESULTS_ENV, SANDBOX_URL_ENV, SCRATCH_ENV, SUITE_ENV, type SuiteResults, TEST_MODE_ENV } from './results';

const EXTENSION_ID = 'koodrive-dev.koodrive';
const TIMEOUT_MS = Number(process.env.KOODRIVE_EXTHOST_TIMEOUT_MS ?? 15 * 60_000);

async function main(): Promise<number> {
  const started = Date.now();
  for (const f of [extensionHostTestsBundle, runnerVsixPath]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run npm run build and the e2e setup first`);
  }
  let suiteInExtension = '';
  let resultsFile = '';
  const h = await startHarness({
    name: 'exthost',
    testHooks: true,
    extraVsix: [runnerVsixPath],
    afterInstall: ({ extensionsDir }) => {
      // Inside the extension's folder, so the suite's require('vscode') is the
      // extension's own API object (the one whose prompts the suite fakes).
      suiteInExtension = path.join(installedExtensionDir(extensionsDir, EXTENSION_ID), 'dist', 'extensionHostTests.js');
      fs.copyFileSync(extensionHostTestsBundle, suiteInExtension);
    },
    env: ({ sandbox, root, scratch }) => {
      resultsFile = path.join(root, 'exthost-results.json');
      return {
        [SUITE_ENV]: suiteInExtension,
        [RESULTS_ENV]: resultsFile,
        [SANDBOX_URL_ENV]: sandbox.url,
        [SCRATCH_ENV]: scratch,
        [TEST_MODE_ENV]: '1',
      };
    },
  });
  let results: SuiteResults | undefined;
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no results after ${TIMEOUT_MS / 1000} s (see ${h.artifacts})`);
      if (h.codeServer.process.exitCode !== null) throw new Error(`code-server exited (see ${h.artifacts}/code-server.log)`);
      await new Promise((r) => setTimeout(r, 500));
    }
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    fs.copyFileSync(resultsFile, path.join(h.artifacts, 'results.json'));
    await h.screenshot('workbench-after-suite').catch(() => undefined);
  } finally {
    await h.dispose();
  }
  report(results, Date.now() - started);
  // The suite must get the extension's own `vscode` object (see index.ts); the
  // extension host logs this warning when a require('vscode') is not inside an extension.
  const strays = grepLogs(path.join(h.artifacts, 'vscode-logs'), /Could not identify extension for 'vscode' require call from \S*extensionHostTests/);
  if (strays.length > 0) {
    console.log(`\nThe suite did not get the extension's vscode API object:\n${strays.join('\n')}`);
    return 1;
  }
  if (!hashImplementationOk(path.join(h.artifacts, 'vscode-logs'))) return 1;
  return results.failed === 0 && results.passed > 0 ? 0 : 1;
}

/**
 * The extension logs which SHA-256 implementation its hash workers chose. The
 * linux-x64 package carries the native addon, and code-server's Node loads
 * it: there the suite must have run the native path.
 */
function hashImplementationOk(logs: string): boolean {
  const lines = grepLogs(logs, /SHA-256: /);
  console.log(`hash implementation in the extension host: ${lines[0]?.trim() ?? 'no log line (nothing was hashed?)'}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') return true;
  if (lines.length > 0 && lines.every((l) => /SHA-256: native/.test(l))) return true;
  console.log('expected the native SHA-256 (the linux-x64 package carries it)');
  return false;
}

function grepLogs(dir: string, re: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
    const file = path.join(entry.parentPath, entry.name);
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (re.test(line)) hits.push(line);
  }
  return hits;
}

function report(r: SuiteResults, totalMs: number): void {
  console.log('\nExtension-host suite (inside code-server):');
  for (const t of r.tests) {
    const mark = t.state === 'passed' ? '  ✔' : t.state === 'failed' ? '  ✘' : '  -';
    console.log(`${mark} ${t.title}${t.state === 'passed' ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(t.error.replace(/^/gm, '      '));
  }
  if (r.fatal) console.log(`\nThe suite could not run:\n${r.fatal}`);
  console.log(`\nsuite ${(r.durationMs / 1000).toFixed(1)} s, with start-up ${(totalMs / 1000).toFixed(1)} s`);
  console.log(`exthost: ${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} skipped` : ''}`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[exthost] ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
