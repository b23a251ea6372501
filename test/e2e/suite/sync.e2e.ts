/**
 * End-to-end: folder sync in a real VS Code (code-server) driven through
 * Chromium. Link an Explorer folder to a new KooDrive folder (first-sync
 * preview), edit a file: it shows under To upload with a gutter marker;
 * Sync; change it on KooDrive with the CLI (`koodrive put`): it shows under
 * To download; change both sides: a conflict, resolved with Keep Both. The
 * screenshots are the README's pictures (docs/screenshots/sync-*.png).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator } from 'playwright-core';
import { Harness, signInThroughWelcomeView, startHarness } from '../harness';
import { repoRoot } from '../paths';
import { Workbench } from '../workbench';

const FOLDER = 'site';

describe('Folder sync (e2e)', function () {
  let h: Harness;
  let wb: Workbench;
  let containerId: string;

  /** `koodrive put` from a terminal: someone changing the file on KooDrive. */
  const cliPut = (remotePath: string, content: string): void => {
    execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'put', '-', `${containerId}:${remotePath}`], {
      input: content,
      env: { ...process.env, KOODRIVE_ENDPOINT: h.sandbox.url, KOODRIVE_TOKEN: 'sandbox-token', KOODRIVE_USER_ID: 'sandbox-user' },
    });
  };

  const local = (name: string): string => path.join(h.workspace, FOLDER, name);

  /** The Source Control view's row of `name` inside the group `group` (rows follow their group's header). */
  const scmRow = (name: string): Locator => wb.treeRow(wb.page.locator('.scm-view'), name);

  /** The group header above `name`'s row in the Source Control view (rows are positioned by their style's top). */
  const groupOf = async (name: string): Promise<string> => {
    const rows: Array<{ top: number; group: boolean; text: string }> = [];
    for (const r of await wb.page.locator('.scm-view .monaco-list-row').all()) {
      const top = Number(((await r.getAttribute('style')) ?? '').match(/top:\s*(-?\d+)/)?.[1] ?? 0);
      const group = (await r.locator('.resource-group').count()) > 0;
      const text = ((await r.locator(group ? '.resource-group .name' : '.label-name').first().textContent().catch(() => '')) ?? '').trim();
      rows.push({ top, group, text });
    }
    rows.sort((x, y) => x.top - y.top);
    let current = '';
    for (const r of rows) {
      if (r.group) current = r.text;
      else if (r.text === name) return current;
    }
    return '';
  };

  const waitForGroup = async (name: string, group: string): Promise<void> => {
    const deadline = Date.now() + 60_000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await groupOf(name);
      if (seen === group) return;
      await wb.page.waitForTimeout(300);
    }
    throw new Error(`${name} not under "${group}" in the Source Control view (under "${seen}")`);
  };

  before(async function () {
    this.timeout(180_000);
    h = await startHarness({
      name: 'e2e-sync',
      populateWorkspace: (ws) => {
        fs.mkdirSync(path.join(ws, FOLDER), { recursive: true });
        fs.writeFileSync(path.join(ws, FOLDER, 'index.html'), '<h1>Site</h1>\n');
        fs.writeFileSync(path.join(ws, FOLDER, 'notes.md'), '# Notes\n\n- first\n- second\n- third\n');
      },
    });
    wb = new Workbench(h.page!);
    containerId = (await h.sandbox.admin.state()).personalContainerId;
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  it('links a folder, shows local and remote changes in Source Control, syncs them, and resolves a conflict with Keep Both', async function () {
    this.timeout(600_000);
    const admin = h.sandbox.admin;
    const personal = await signInThroughWelcomeView(wb, h.sandbox.url);

    // Link: Explorer → Sync Folder with KooDrive… → a new KooDrive folder → the first sync's preview.
    await wb.openViewContainer('Explorer');
    await wb.contextMenu(wb.explorerRow(FOLDER), 'Sync Folder with KooDrive…');
    await wb.pick(personal, { title: 'Sync Folder with KooDrive' });
    await wb.pick('New Folder…');
    await wb.type(FOLDER, { prompt: /Name of the new folder/ });
    await wb.pick('Sync with This Folder');
    await wb.dialog().filter({ hasText: /First sync of site/ }).waitFor({ timeout: 60_000 });
    assert.match((await wb.dialog().textContent()) ?? '', /2 to upload, 0 to download, 0 conflicts/);
    await wb.clickDialogButton('Sync Now');
    await admin.waitFor('notes.md on KooDrive', async () => Boolean(await admin.findPath(`${FOLDER}/notes.md`)), 60_000);

    // Edit and save: To upload, with a gutter marker against the synced version.
    await wb.page.keyboard.press('Control+P');
    await wb.quickInputBox().fill('notes.md');
    await wb.quickPickRow(/notes\.md/).first().click();
    const editor = wb.page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.view-line', { hasText: '- second' }).click();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.type(' (edited in VS Code)');
    await wb.page.keyboard.press('Control+S');
    await wb.openViewContainer('Source Control');
    await scmRow('notes.md').first().waitFor({ timeout: 60_000 });
    await waitForGroup('notes.md', 'To upload');
    await editor.locator('.dirty-diff-modified').first().waitFor({ timeout: 60_000 });
    const status = wb.page.locator('.statusbar-item', { hasText: /KooDrive ↑1/ });
    await status.first().waitFor({ timeout: 30_000 });
    h.keepForDocs(await h.screenshot('sync-to-upload'), 'sync-to-upload.png');

    // Sync (the view's title action, from the palette here).
    await wb.runCommand('KooDrive: Sync');
    await admin.waitFor('the edit on KooDrive', async () => (await admin.content((await admin.getPath(`${FOLDER}/notes.md`)).id)).toString('utf8').includes('(edited in VS Code)'), 60_000);
    await wb.page.locator('.statusbar-item', { hasText: /KooDrive ✓/ }).first().waitFor({ timeout: 60_000 });

    // Someone changes it with the CLI: To download.
    cliPut(`/${FOLDER}/notes.md`, '# Notes\n\n- first\n- second (edited in VS Code)\n- third\n- fourth, from the CLI\n');
    await wb.runCommand('KooDrive: Refresh Sync Status');
    await waitForGroup('notes.md', 'To download');
    h.keepForDocs(await h.screenshot('sync-to-download'), 'sync-to-download.png');
    await wb.runCommand('KooDrive: Sync');
    await admin.waitFor('the CLI edit here', async () => fs.readFileSync(local('notes.md'), 'utf8').includes('fourth, from the CLI'), 60_000);

    // Both sides change index.html: a conflict; Keep Both.
    fs.writeFileSync(local('index.html'), '<h1>Site (mine)</h1>\n');
    cliPut(`/${FOLDER}/index.html`, '<h1>Site (theirs)</h1>\n');
    await wb.runCommand('KooDrive: Refresh Sync Status');
    await waitForGroup('index.html', 'Conflicts');
    h.keepForDocs(await h.screenshot('sync-conflict'), 'sync-conflict.png');
    await wb.contextMenu(scmRow('index.html').first(), 'Keep Both');
    await admin.waitFor('the conflict resolved', async () => fs.readdirSync(path.join(h.workspace, FOLDER)).some((n) => /^index \(conflict .*\)\.html$/.test(n)), 60_000);
    const aside = fs.readdirSync(path.join(h.workspace, FOLDER)).find((n) => /^index \(conflict .*\)\.html$/.test(n))!;
    assert.strictEqual(fs.readFileSync(local(aside), 'utf8'), '<h1>Site (mine)</h1>\n');
    // Keep Both renames the local copy first, then pulls KooDrive's version to the original name: wait for that file.
    await admin.waitFor('the KooDrive version under the original name', async () => fs.existsSync(local('index.html')), 60_000);
    assert.strictEqual(fs.readFileSync(local('index.html'), 'utf8'), '<h1>Site (theirs)</h1>\n');
    await admin.waitFor('the local copy on KooDrive', async () => Boolean(await admin.findPath(`${FOLDER}/${aside}`)), 60_000);
    await wb.page.locator('.statusbar-item', { hasText: /KooDrive ✓/ }).first().waitFor({ timeout: 60_000 });
    h.keepForDocs(await h.screenshot('sync-kept-both'), 'sync-kept-both.png');
  });
});
