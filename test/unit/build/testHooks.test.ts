/**
 * Test hooks never ship: the production bundle (what `npm run package:vsix`
 * packages) must not contain the hidden test command or its environment
 * switch, while the --test-hooks build the suites install must (the control
 * that shows this check can find them at all).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../../..');
/** What the hook code consists of: the command id it registers and the variable that switches it on. */
const HOOK_MARKERS = ['koodrive.test.hooks', 'KOODRIVE_TEST_MODE'];

function buildExtension(flags: string[]): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'kd-bundle-'));
  try {
    const r = spawnSync(process.execPath, ['esbuild.js', ...flags, '--outdir', outdir], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, `esbuild.js ${flags.join(' ')} failed: ${r.stderr}`);
    return readFileSync(path.join(outdir, 'extension.js'), 'utf8');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('build: test hooks are compiled out of shipped bundles', function () {
  this.timeout(120_000);

  it('the production bundle has no test hook', () => {
    const bundle = buildExtension(['--production']);
    assert.ok(bundle.includes('koodrive.signIn'), 'this is the extension bundle');
    for (const marker of HOOK_MARKERS) assert.ok(!bundle.includes(marker), `${marker} is in the production bundle`);
  });

  it('the development bundle (npm run build) has none either', () => {
    const bundle = buildExtension([]);
    for (const marker of HOOK_MARKERS) assert.ok(!bundle.includes(marker), `${marker} is in the development bundle`);
  });

  it('the --test-hooks bundle (for the extension-host and e2e suites) has them', () => {
    const bundle = buildExtension(['--production', '--test-hooks']);
    for (const marker of HOOK_MARKERS) assert.ok(bundle.includes(marker), `${marker} is missing from the test-hooks bundle`);
  });

  it('npm run package:vsix builds without --test-hooks', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts['package:vsix'], /esbuild\.js --production/);
    assert.doesNotMatch(pkg.scripts['package:vsix'], /test-hooks/);
  });
});
