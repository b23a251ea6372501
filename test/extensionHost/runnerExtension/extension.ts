/**
 * A test-only extension for code-server runs: code-server's web workbench
 * ignores --extensionTestsPath, so this extension (installed next to KooDrive
 * by the harness, never shipped) loads the suite bundle named by
 * $KOODRIVE_TEST_SUITE once the workbench has started, and runs it. The suite
 * writes its results to $KOODRIVE_TEST_RESULTS itself; this only reports what
 * happens before the suite can (a missing or broken bundle).
 *
 * Plain Node, no `vscode` import: it must not pin the suite to its own API object.
 */
import * as fs from 'fs';

export function activate(): void {
  const suite = process.env.KOODRIVE_TEST_SUITE;
  if (!suite) return;
  // After activate() returns, so the extension host finishes starting first.
  setTimeout(() => void runSuite(suite), 0);
}

async function runSuite(suite: string): Promise<void> {
  try {
    // A path known only at run time: a plain Node require, not bundled.
    const mod = require(suite) as { run(): Promise<void> };
    await mod.run();
  } catch (err) {
    const resultsFile = process.env.KOODRIVE_TEST_RESULTS;
    console.error('[koodrive test runner]', err);
    if (resultsFile && !fs.existsSync(resultsFile)) {
      const fatal = (err as Error)?.stack ?? String(err);
      fs.writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, pending: 0, durationMs: 0, tests: [], fatal }));
    }
  }
}

export function deactivate(): void {
  // nothing to release
}
