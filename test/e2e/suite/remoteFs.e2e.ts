/**
 * End-to-end, the `koodrive:` file system as a person uses it: click a file
 * in the KooDrive tree → it opens in an editor tab (with breadcrumbs), and
 * "Add to Workspace" on a folder → the Explorer shows it. Its own harness
 * (own code-server and sandbox), so it does not depend on koodrive.e2e.ts.
 * The screenshots are staged for the README as remote-file.png and
 * remote-workspace-folder.png (`npm run screenshots`).
 */
import * as assert from 'assert';
import type { Locator } from 'playwright-core';
import { Harness, signInThroughWelcomeView, startHarness } from '../harness';
import { Workbench } from '../workbench';

describe('koodrive: files in the editor (e2e)', function () {
  let h: Harness;
  let wb: Workbench;
  let personal = '';
  let failed = false;

  before(async function () {
    this.timeout(180_000);
    h = await startHarness({ name: 'e2e-remote-fs' });
    wb = new Workbench(h.page!);
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      if (h?.page) await h.screenshot('FAILED').catch(() => undefined);
    }
  });

  const files = (): Locator => wb.viewPane('Files');
  const treeRow = (label: string | RegExp): Locator => wb.treeRow(files(), label);

  it('1. signs in to the sandbox', async () => {
    personal = await signInThroughWelcomeView(wb, h.sandbox.url);
  });

  it('2. clicking a file in the tree opens it from KooDrive in an editor tab, with breadcrumbs', async () => {
    await wb.expand(treeRow(personal));
    await wb.expand(treeRow('Documents'));
    const since = await h.sandbox.admin.lastRequestSeq();
    await treeRow('meeting-notes.md').click();
    const tab = h.page!.locator('.tabs-container .tab', { hasText: 'meeting-notes.md' });
    await tab.waitFor({ timeout: 30_000 });
    const remote = await h.sandbox.admin.getPath('Documents/meeting-notes.md');
    const firstLine = (await h.sandbox.admin.content(remote.id)).toString('utf8').split('\n')[0];
    await h.page!.locator('.editor-instance .view-lines', { hasText: firstLine }).waitFor({ timeout: 30_000 });
    const breadcrumbs = h.page!.locator('.breadcrumbs-control');
    await breadcrumbs.first().waitFor({ state: 'visible', timeout: 10_000 });
    const crumbs = (await breadcrumbs.first().innerText()).replace(/\s+/g, ' ');
    assert.ok(crumbs.includes('Documents') && crumbs.includes('meeting-notes.md'), `breadcrumbs show the path: ${crumbs}`);
    const downloads = (await h.sandbox.admin.requests({ since })).filter((r) => r.target === 'download');
    assert.ok(downloads.length >= 1, 'the content was read from the sandbox');
    const shot = await h.screenshot('remote-file-in-editor');
    h.keepForDocs(shot, 'remote-file.png');
  });

  it('3. "Add to Workspace" on a folder shows it in the Explorer', async () => {
    await wb.contextMenu(treeRow('Documents'), 'Add to Workspace');
    // The window becomes a multi-root workspace (VS Code restarts the extension host).
    const folderName = `KooDrive · ${personal}/Documents`;
    const explorerFolder = h.page!.locator('.explorer-folders-view .monaco-list-row', { hasText: folderName });
    try {
      await explorerFolder.first().waitFor({ timeout: 30_000 });
    } catch (e) {
      // In the browser (code-server) the first folder added to a single-folder
      // window turns it into an untitled workspace by reloading the page, and
      // the workspace file is written while the page unloads: code-server
      // 4.139.1 then comes back as an empty untitled workspace, on a quiet
      // machine as well ("No Folder Opened"; the web workbench logs "Long
      // running operations during shutdown are unsupported in the web"). Only
      // in that state: the window is a workspace now, so a second Add to
      // Workspace adds the folder without the transition (what a user would
      // do), and it must then show the folder. Any other state fails as before.
      const emptyWorkspace = h.page!.getByText('You have not yet added a folder to the workspace.');
      if (!(await emptyWorkspace.isVisible())) throw e;
      console.log('[e2e] the workspace came back without the folder (code-server transition); adding it again');
      await wb.openViewContainer('KooDrive');
      await treeRow(personal).waitFor({ timeout: 60_000 });
      await wb.expand(treeRow(personal));
      await wb.contextMenu(treeRow('Documents'), 'Add to Workspace');
      await explorerFolder.first().waitFor({ timeout: 60_000 });
    }
    // An expand that lands while the restarted extension host has not yet
    // registered the koodrive: provider shows nothing: collapse, refresh the
    // Explorer and expand again until the folder's files appear.
    const file = wb.explorerRow('report.txt');
    const explorer = h.page!.locator('.pane', { has: h.page!.locator('.explorer-folders-view') });
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        // The row is re-rendered while the workspace changes: every step may meet a stale row.
        await wb.expand(explorerFolder.first());
        await file.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      await wb.collapse(explorerFolder.first()).catch(() => undefined);
      await wb.clickViewAction(explorer, 'Refresh Explorer').catch(() => undefined);
    }
    const shot = await h.screenshot('koodrive-workspace-folder');
    h.keepForDocs(shot, 'remote-workspace-folder.png');
  });
});
