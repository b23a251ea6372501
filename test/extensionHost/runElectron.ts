/**
 * Runs the extension-host suite in a desktop VS Code via @vscode/test-electron:
 * the usual way on a developer laptop with internet (it downloads VS Code).
 * On machines without internet use runCodeServer.ts (`npm run test:exthost`).
 *
 *   node esbuild.js --test-hooks && npm run compile-tests && node out/test/extensionHost/runElectron.js
 *
 * The repository itself is the extension under development (dist/extension.js,
 * built with its test hooks: a plain `npm run build` compiles them out), and
 * the suite is the bundle dist/extensionHostTests.js, inside it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { startSandbox } from '../../src/sandbox/server';
import { SANDBOX_URL_ENV, SCRATCH_ENV, TEST_MODE_ENV } from './results';

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const suite = path.join(repoRoot, 'dist', 'extensionHostTests.js');
  if (!fs.existsSync(suite)) throw new Error(`${suite} is missing: run node esbuild.js --test-hooks`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-electron-'));
  const workspace = path.join(root, 'workspace');
  const scratch = path.join(root, 'scratch');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(scratch, { recursive: true });
  const sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox-data'), tokenTtlMs: 0 });
  try {
    await runTests({
      version: process.env.KOODRIVE_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      extensionTestsEnv: { [SANDBOX_URL_ENV]: sandbox.url, [SCRATCH_ENV]: scratch, [TEST_MODE_ENV]: '1' },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(root, 'user-data')],
    });
  } finally {
    await sandbox.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
