/**
 * End-to-end: both packages a user can install — the universal .vsix
 * (`npm run package:vsix`, WebAssembly hashing) and the linux-x64 one
 * (`npm run package:vsix:linux-x64`, with the native SHA-256 addon) — install
 * into a fresh code-server and activate there (the KooDrive log says so and
 * the welcome view appears). With the universal package, the Get Started
 * walkthrough opens from the palette, its first step's "Try the local
 * sandbox" signs in to the embedded sandbox, the step shows as done and the
 * tree shows the sandbox's spaces. The walkthrough screenshot is staged for
 * the README as walkthrough.png (`npm run screenshots`).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { installedExtensionDir } from '../codeServer';
import { Harness, startHarness } from '../harness';
import { platformPackage, universalVsixPath, vsixPath } from '../paths';
import { Workbench } from '../workbench';

const EXTENSION_ID = 'koodrive-dev.koodrive';
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string };
const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.nls.json'), 'utf8')) as Record<string, string>;

/** Every file under `dir` whose name matches. */
function findFiles(dir: string, name: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, name));
    else if (name.test(e.name)) out.push(p);
  }
  return out;
}

/** Waits for the extension's own log (the KooDrive output channel, written by VS Code under user-data/logs) to say it activated. */
async function waitForActivationLog(h: Harness, timeoutMs = 90_000): Promise<string> {
  const logs = path.join(h.userDataDir, 'logs');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of findFiles(logs, /KooDrive\.log$/)) {
      const line = fs.readFileSync(f, 'utf8').split('\n').find((l) => l.includes('KooDrive activated'));
      if (line) return line;
    }
    if (Date.now() > deadline) throw new Error(`no "KooDrive activated" in a KooDrive log under ${logs} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The installed extension's files and the target platform VS Code recorded for it. */
function installed(h: Harness): { dir: string; nativeAddons: string[]; targetPlatform?: string } {
  const dir = installedExtensionDir(h.extensionsDir, EXTENSION_ID);
  const nativeAddons = findFiles(path.join(dir, 'dist'), /\.node$/).map((f) => path.relative(dir, f));
  const registry = path.join(h.extensionsDir, 'extensions.json');
  const entries = fs.existsSync(registry) ? (JSON.parse(fs.readFileSync(registry, 'utf8')) as Array<{ identifier: { id: string }; metadata?: { targetPlatform?: string } }>) : [];
  const targetPlatform = entries.find((e) => e.identifier.id.toLowerCase() === EXTENSION_ID)?.metadata?.targetPlatform;
  return { dir, nativeAddons, targetPlatform };
}

async function showsWelcomeView(wb: Workbench): Promise<void> {
  await wb.openViewContainer('KooDrive');
  const welcome = wb.viewPane('Files').locator('.welcome-view-content');
  await welcome.waitFor({ state: 'visible', timeout: 60_000 });
  await welcome.getByRole('button', { name: 'Try the local sandbox' }).waitFor({ timeout: 10_000 });
}

describe('the packages in code-server (e2e)', function () {
  describe('universal .vsix', function () {
    let h: Harness;
    let wb: Workbench;

    before(async function () {
      this.timeout(180_000);
      h = await startHarness({ name: 'e2e-universal', vsix: universalVsixPath });
      wb = new Workbench(h.page!);
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && h?.page) await h.screenshot('FAILED').catch(() => undefined);
    });

    after(async function () {
      this.timeout(60_000);
      await h?.dispose();
    });

    it('installs without native code and activates', async function () {
      this.timeout(120_000);
      const got = installed(h);
      assert.deepStrictEqual(got.nativeAddons, [], 'the universal package carries no native addon');
      assert.ok(!got.targetPlatform || got.targetPlatform === 'universal' || got.targetPlatform === 'undefined', `target platform ${got.targetPlatform}`);
      assert.ok(got.dir.endsWith(manifest.version), got.dir);
      // Activation is lazy (onView): opening the KooDrive view activates it.
      await showsWelcomeView(wb);
      assert.match(await waitForActivationLog(h), /KooDrive activated \(signed out\)/);
    });

    it('opens the Get Started walkthrough from the palette; its "Try the local sandbox" signs in and completes the step', async function () {
      this.timeout(180_000);
      await wb.runCommand('Welcome: Open Walkthrough');
      await wb.pick(nls['walkthrough.title']);
      const page = h.page!;
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.waitFor({ state: 'visible', timeout: 30_000 });
      const stepIds = ['signIn', 'browse', 'upload', 'openRemoteFile', 'syncFolder'];
      for (const id of stepIds) {
        await walkthrough.locator('.step-title', { hasText: nls[`walkthrough.${id}.title`] }).first().waitFor({ state: 'visible', timeout: 30_000 });
      }
      const signIn = walkthrough.locator('button.getting-started-step[data-step-id$="signIn"]').first();
      await signIn.waitFor({ state: 'visible' });
      // The first step is open: its buttons and its picture.
      await walkthrough.getByRole('button', { name: 'Try the local sandbox', exact: true }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.getting-started-media').first().waitFor({ state: 'visible', timeout: 30_000 });
      h.keepForDocs(await h.screenshot('walkthrough'), 'walkthrough.png');
      assert.equal(await signIn.getAttribute('aria-checked'), 'false', 'not signed in yet: the step is not ticked');

      await walkthrough.getByRole('button', { name: 'Try the local sandbox', exact: true }).first().click();
      // Completion event onContext:koodrive.signedIn.
      await walkthrough.locator('button.getting-started-step[data-step-id$="signIn"][aria-checked="true"]').first().waitFor({ state: 'attached', timeout: 90_000 });
      await h.screenshot('walkthrough-signed-in');
      await wb.openViewContainer('KooDrive');
      await wb.treeRow(wb.viewPane('Files'), 'Engineering').waitFor({ timeout: 60_000 });
    });
  });

  describe('linux-x64 .vsix', function () {
    let h: Harness | undefined;
    let wb: Workbench;

    before(async function () {
      this.timeout(180_000);
      if (platformPackage !== 'linux-x64') this.skip();
      h = await startHarness({ name: 'e2e-linux-x64', vsix: vsixPath });
      wb = new Workbench(h.page!);
    });

    after(async function () {
      this.timeout(60_000);
      await h?.dispose();
    });

    it('installs with the native SHA-256 addon for linux-x64 and activates', async function () {
      this.timeout(120_000);
      const got = installed(h!);
      assert.deepStrictEqual(got.nativeAddons, [path.join('dist', 'native', 'sha256-linux-x64.node')]);
      if (got.targetPlatform !== undefined) assert.equal(got.targetPlatform, 'linux-x64');
      await showsWelcomeView(wb);
      assert.match(await waitForActivationLog(h!), /KooDrive activated \(signed out\)/);
    });
  });
});
