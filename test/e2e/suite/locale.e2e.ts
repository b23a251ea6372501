/**
 * The Simplified Chinese translation in a real VS Code: code-server started
 * with `--locale zh-cn` shows the extension's manifest strings from
 * package.nls.zh-cn.json (view title, welcome view) and its vscode.l10n.t
 * strings from l10n/bundle.l10n.zh-cn.json (the sign-in prompts). VS Code
 * switches to a locale only when a language pack provides it: a stub pack
 * declares zh-cn (languagePackStub.ts), so VS Code's own labels stay English
 * and every Chinese label on screen is the extension's.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Harness, startHarness } from '../harness';
import { packageStubLanguagePack, registerStubLanguagePack } from '../languagePackStub';
import { Workbench } from '../workbench';

/** Read from the shipped files, so the test follows the translation instead of copying it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zhNls = require('../../../../package.nls.zh-cn.json') as Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zhBundle = require('../../../../l10n/bundle.l10n.zh-cn.json') as Record<string, string>;

describe('KooDrive in VS Code with the zh-cn display language (e2e)', function () {
  let h: Harness;
  let wb: Workbench;

  before(async function () {
    this.timeout(180_000);
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-langpack-'));
    try {
      h = await startHarness({ name: 'e2e-zh-cn', locale: 'zh-cn', extraVsix: [packageStubLanguagePack(stage)], afterInstall: registerStubLanguagePack });
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
    wb = new Workbench(h.page!);
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  it('shows the view, the welcome view and the sign-in prompts in Chinese', async () => {
    assert.strictEqual(zhNls['views.explorer'], '文件');
    await wb.openViewContainer('KooDrive');
    const files = wb.viewPane(zhNls['views.explorer']);
    const welcome = files.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 60_000 });
    const welcomeText = (await welcome.innerText()).replace(/\s+/g, ' ');
    assert.match(welcomeText, /浏览您的 KooDrive 空间/, `welcome view: ${welcomeText}`);
    assert.ok(await welcome.getByRole('button', { name: '试用本地沙箱' }).isVisible(), 'the sandbox button is translated');
    await h.screenshot('zh-cn-welcome-view');

    // A vscode.l10n.t string (not a manifest string): the sign-in quick pick.
    await welcome.getByRole('button', { name: '登录' }).click();
    await wb.quickInput().waitFor({ state: 'visible' });
    const prompt = await wb.quickInputText();
    await h.screenshot('zh-cn-sign-in');
    assert.strictEqual(zhBundle['Sign in to KooDrive'], '登录 KooDrive');
    assert.match(prompt, /登录 KooDrive/, `sign-in title: ${prompt}`);
    assert.match(prompt, new RegExp(zhBundle['Choose your KooDrive endpoint']), `sign-in placeholder: ${prompt}`);
    await wb.quickPickRow(zhBundle['Custom endpoint…']).first().waitFor({ state: 'visible' });
    await wb.closeQuickInput();
  });
});
