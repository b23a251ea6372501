/**
 * The extension-host integration suite's entry: runs mocha INSIDE the
 * extension host, where `require('vscode')` is the real API.
 *
 * Bundled (mocha included) by esbuild.js to dist/extensionHostTests.js, and
 * loaded two ways:
 *  - by @vscode/test-electron as `extensionTestsPath` (runElectron.ts), which
 *    calls `run()` and takes a rejection as failure;
 *  - in code-server by the test-runner extension (runnerExtension/), which
 *    calls `run()` too; the results then go to $KOODRIVE_TEST_RESULTS as JSON
 *    for the harness (runCodeServer.ts) that waits for that file.
 *
 * The bundle must live inside the KooDrive extension's folder: the extension
 * host gives each extension its own `vscode` object, chosen by the path of the
 * requiring file, and the suite fakes prompts on the object the extension uses.
 */
import * as fs from 'fs';
import Mocha from 'mocha';
import { RESULTS_ENV, type SuiteResults, type TestResult } from './results';

/** The suites, in the order they run (each registers describe/it when required). */
function loadSuites(): void {
  require('./suite/activation.test');
  require('./suite/session.test');
  require('./suite/tree.test');
  require('./suite/transfers.test');
  require('./suite/remoteFs.test');
  require('./suite/organize.test');
  require('./suite/transfersView.test');
  require('./suite/sync.test');
  require('./suite/expiry.test');
  require('./suite/palette.test');
}

export async function run(): Promise<void> {
  const resultsFile = process.env[RESULTS_ENV];
  const started = Date.now();
  const tests: TestResult[] = [];
  let failures = 0;
  let fatal: string | undefined;
  try {
    // KOODRIVE_EXTHOST_GREP or KOODRIVE_TEST_GREP (given to the harness, it reaches the extension host):
    // only the tests whose full title matches (a quick loop on one suite).
    const grep = process.env.KOODRIVE_EXTHOST_GREP || process.env.KOODRIVE_TEST_GREP;
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
    // Bundled: there are no spec files to load, the suites register themselves
    // against the globals this sets up.
    mocha.suite.emit('pre-require', globalThis, 'extensionHostTests', mocha);
    loadSuites();
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('fail', (t, err: Error) =>
        tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: err?.stack ?? String(err) }),
      );
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    });
  } catch (err) {
    fatal = (err as Error)?.stack ?? String(err);
    failures++;
  } finally {
    if (resultsFile) {
      const results: SuiteResults = {
        passed: tests.filter((t) => t.state === 'passed').length,
        failed: Math.max(failures, tests.filter((t) => t.state === 'failed').length),
        pending: tests.filter((t) => t.state === 'pending').length,
        durationMs: Date.now() - started,
        tests,
        fatal,
      };
      // Write then rename: the harness polls for the file and must never read half of it.
      fs.writeFileSync(`${resultsFile}.tmp`, JSON.stringify(results, null, 2));
      fs.renameSync(`${resultsFile}.tmp`, resultsFile);
    }
  }
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed${fatal ? `: ${fatal}` : ''}`);
}
