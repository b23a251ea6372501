/**
 * End-to-end: the packaged extension (.vsix) in a real VS Code (code-server),
 * driven through Chromium as a person would, against the local sandbox.
 * Each step checks what the UI shows AND what the sandbox holds, and saves
 * screenshots under test/e2e/artifacts/e2e/.
 *
 * The steps share one session and run in order: each builds on the state the
 * previous ones left (signed in, files uploaded, a file downloaded...).
 * Labels are the extension's own (package.nls.json and the l10n strings).
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator } from 'playwright-core';
import { Harness, startHarness } from '../harness';
import { SANDBOX_TOKEN, SANDBOX_USER_ID } from '../sandboxAdmin';
import { Workbench } from '../workbench';

const BIG_FILE = 'big-video.mp4';
const BIG_SIZE = 200 * 1024 * 1024;

describe('KooDrive in VS Code (e2e)', function () {
  let h: Harness;
  let wb: Workbench;
  /** The personal space's name in the tree (the first space). */
  let personal = '';
  let failed = false;

  before(async function () {
    this.timeout(180_000);
    h = await startHarness({ name: 'e2e', populateWorkspace, testHooks: true });
    wb = new Workbench(h.page!);
  });

  after(async function () {
    this.timeout(60_000);
    await h?.dispose();
  });

  beforeEach(function () {
    // The steps build on each other: after a failure the rest would only fail for the same reason.
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      if (h?.page) await h.screenshot(`FAILED-${slug(this.currentTest.title)}`).catch(() => undefined);
    }
  });

  const files = (): Locator => wb.viewPane('Files');
  const treeRow = (label: string | RegExp): Locator => wb.treeRow(files(), label);

  it('1. signs in to the sandbox through the welcome view', async () => {
    await wb.openViewContainer('KooDrive');
    const welcome = files().locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await welcome.getByRole('button', { name: 'Try the local sandbox' }).isVisible(), 'the welcome view offers the sandbox');
    h.keepForDocs(await h.screenshot('welcome-view'), 'welcome.png');

    const since = await h.sandbox.admin.lastRequestSeq();
    await welcome.getByRole('button', { name: 'Sign in' }).click();
    await wb.pick('Custom endpoint…', { title: 'Sign in to KooDrive' });
    await h.screenshot('sign-in-endpoint');
    await wb.type(h.sandbox.url, { prompt: /endpoint URL/ });
    await wb.type(SANDBOX_TOKEN, { prompt: /Access token/ });
    await wb.type(SANDBOX_USER_ID, { prompt: /user ID/ });

    await wb.notification(/Signed in to KooDrive as/).waitFor({ timeout: 30_000 });
    await treeRow('Engineering').waitFor();
    personal = (await wb.treeLabels(files()))[0];
    assert.deepStrictEqual((await wb.treeLabels(files())).slice(1, 3), ['Engineering', 'Design Team']);
    await h.screenshot('signed-in');

    const auth = await h.sandbox.admin.requests({ since, path: '/session/auth' });
    assert.ok(auth.some((r) => r.status === 200 && r.headers['x-user-id'] === SANDBOX_USER_ID), 'the token was checked with the sandbox');
    await wb.clearNotifications();
  });

  it('2. browses spaces and folders, and pages a folder of 150 files with "Load more…"', async () => {
    await wb.expand(treeRow(personal));
    await wb.expand(treeRow('Documents'));
    await treeRow('report.txt').waitFor();
    const documents = await h.sandbox.admin.children((await h.sandbox.admin.state()).personalContainerId, (await h.sandbox.admin.getPath('Documents')).id);
    for (const f of documents) await treeRow(f.name).waitFor({ timeout: 5000 });
    await h.screenshot('tree-documents');
    await wb.expand(treeRow('Engineering'));
    await treeRow('Architecture.md').waitFor();
    await wb.collapse(treeRow('Engineering'));
    await wb.collapse(treeRow('Documents'));

    const since = await h.sandbox.admin.lastRequestSeq();
    await wb.expand(treeRow('Many files'));
    await treeRow('file-001.txt').waitFor();
    // The list is virtualised: scroll down to the end of the first page.
    const more = await wb.scrollTreeTo(files(), 'Load more…');
    await h.screenshot('tree-load-more');
    assert.strictEqual(await treeRow('file-150.txt').count(), 0, 'the second page is not listed yet');
    await more.click();
    await more.waitFor({ state: 'detached' });
    await wb.scrollTreeTo(files(), 'file-150.txt');
    await h.screenshot('tree-all-150');
    const lists = (await h.sandbox.admin.requests({ since, path: '/files/' })).filter((r) => r.method === 'POST' && /\/files\/0$/.test(r.path));
    assert.ok(lists.length >= 2, `two pages were requested (${lists.length})`);
    await wb.collapse(treeRow('Many files'));
  });

  it('3. uploads a workspace file from the Explorer context menu into a chosen folder', async () => {
    await wb.openViewContainer('Explorer');
    await wb.contextMenu(wb.explorerRow('notes.md'), 'Upload to KooDrive');
    await wb.pick(personal, { title: 'Upload to KooDrive' });
    await wb.pick('Documents');
    h.keepForDocs(await h.screenshot('upload-destination'), 'upload-destination.png');
    await wb.pick('Upload Here');
    await wb.notification(`Uploaded notes.md to ${personal}/Documents.`).waitFor({ timeout: 60_000 });
    await h.screenshot('uploaded-file');

    const remote = await h.sandbox.admin.getPath('Documents/notes.md');
    assert.ok((await h.sandbox.admin.content(remote.id)).equals(fs.readFileSync(path.join(h.workspace, 'notes.md'))), 'identical bytes');
    await wb.openViewContainer('KooDrive');
    await wb.expand(treeRow('Documents'));
    await treeRow('notes.md').waitFor();
    h.keepForDocs(await h.screenshot('tree-shows-upload'), 'tree.png');
    await wb.collapse(treeRow('Documents'));
    await wb.clearNotifications();
  });

  it('4. uploads a workspace folder with nested folders', async () => {
    await wb.openViewContainer('Explorer');
    await wb.contextMenu(wb.explorerRow('project'), 'Upload to KooDrive');
    await wb.pick(personal, { title: 'Upload to KooDrive' });
    await wb.pick('Projects');
    await wb.pick('Upload Here');
    await wb.notification(/^Uploaded 4 files to/).waitFor({ timeout: 60_000 });
    for (const rel of ['src/main.ts', 'src/util/strings.ts', 'docs/guide.md', 'assets/logo.bin']) {
      const remote = await h.sandbox.admin.getPath(`Projects/project/${rel}`);
      assert.ok((await h.sandbox.admin.content(remote.id)).equals(fs.readFileSync(path.join(h.workspace, 'project', rel))), `${rel} has identical bytes`);
    }
    await wb.openViewContainer('KooDrive');
    await wb.expand(treeRow('Projects'));
    await wb.expand(treeRow('project'));
    await wb.expand(treeRow('src'));
    await treeRow('util').waitFor();
    await h.screenshot('uploaded-folder');
    await wb.collapse(treeRow('Projects'));
    await wb.clearNotifications();
  });

  it('5. cancels a 200 MiB upload from its progress notification, then uploads it again', async function () {
    this.timeout(300_000);
    const admin = h.sandbox.admin;
    // A slow network: every part PUT waits 3 s, so there is time to press Cancel.
    await admin.addFaults({ match: { target: 'part' }, action: { kind: 'delay', ms: 3000 }, times: 1000 });
    await wb.openViewContainer('Explorer');
    await wb.contextMenu(wb.explorerRow(BIG_FILE), 'Upload to KooDrive');
    await wb.pick(personal, { title: 'Upload to KooDrive' });
    await wb.pick('Documents');
    await wb.pick('Upload Here');
    const progress = wb.notification(/Uploading to/);
    await progress.waitFor({ timeout: 30_000 });
    await admin.waitFor('the first part upload', async () => (await admin.requests({ path: '' })).some((r) => r.target === 'part'), 60_000);
    // Hashed, parts on their way: the notification shows the bytes sent.
    await wb.notification(/Uploading to .* of 200 MiB \(\d+%\)|Uploading to .*%/).waitFor({ timeout: 30_000 });
    h.keepForDocs(await h.screenshot('large-upload-progress'), 'upload-progress.png');
    await wb.clickNotificationButton(/Uploading to/, 'Cancel');
    await progress.waitFor({ state: 'detached', timeout: 30_000 });
    await admin.clearFaults();
    await new Promise((r) => setTimeout(r, 1000));
    await h.screenshot('large-upload-cancelled');
    assert.strictEqual(await admin.findPath(`Documents/${BIG_FILE}`), undefined, 'no finished file is left behind');
    assert.deepStrictEqual(await wb.notificationMessages().then((m) => m.filter((x) => /error|failed/i.test(x))), [], 'a cancel is not reported as an error');

    await wb.contextMenu(wb.explorerRow(BIG_FILE), 'Upload to KooDrive');
    // The last destination is offered first.
    await wb.pick(/Last used|Documents/, { title: 'Upload to KooDrive' });
    await wb.notification(new RegExp(`^Uploaded ${BIG_FILE.replace('.', '\\.')}`)).waitFor({ timeout: 240_000 });
    await h.screenshot('large-upload-done');
    const remote = await admin.getPath(`Documents/${BIG_FILE}`);
    assert.strictEqual(remote.size, BIG_SIZE);
    assert.strictEqual(await admin.contentSha256(remote.id), sha256File(path.join(h.workspace, BIG_FILE)), 'identical bytes');
    const siblings = await admin.children(remote.containerId, remote.parentId!);
    assert.strictEqual(siblings.filter((f) => f.name.startsWith('big-video')).length, 1, 'exactly one copy');
    const pending = (await admin.pendingUploads()).filter((u) => u.fileName === BIG_FILE);
    assert.deepStrictEqual(pending, [], 'no unfinished upload session is left in the sandbox');
    await wb.clearNotifications();
  });

  it('6. downloads a file and a folder into the workspace; a second download asks about the conflict', async () => {
    const admin = h.sandbox.admin;
    await wb.openViewContainer('KooDrive');
    await wb.expand(treeRow('Documents'));
    await wb.contextMenu(treeRow('report.txt'), 'Download…');
    await wb.pick(/workspace/, { title: 'Download from KooDrive' });
    const local = path.join(h.workspace, 'report.txt');
    await waitForFile(local);
    const remote = await admin.getPath('Documents/report.txt');
    assert.ok(fs.readFileSync(local).equals(await admin.content(remote.id)), 'the file has the same bytes');

    await wb.contextMenu(treeRow('Archive'), 'Download…');
    await wb.pick(/workspace/, { title: 'Download from KooDrive' });
    const archived = path.join(h.workspace, 'Archive', '2023-report.txt');
    await waitForFile(archived);
    assert.ok(fs.readFileSync(archived).equals(await admin.content((await admin.getPath('Documents/Archive/2023-report.txt')).id)));
    await wb.openViewContainer('Explorer');
    await wb.explorerRow('Archive').waitFor();
    await h.screenshot('downloaded');

    await wb.openViewContainer('KooDrive');
    await wb.contextMenu(treeRow('report.txt'), 'Download…');
    await wb.pick(/workspace/, { title: 'Download from KooDrive' });
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: '"report.txt" already exists' }).waitFor();
    h.keepForDocs(await h.screenshot('download-conflict'), 'download-conflict.png');
    await wb.pick('Keep Both');
    await waitForFile(path.join(h.workspace, 'report (1).txt'));
    assert.ok(fs.readFileSync(path.join(h.workspace, 'report (1).txt')).equals(fs.readFileSync(local)));
    await wb.collapse(treeRow('Documents'));
    await wb.clearNotifications();
  });

  it('7. saves an edit as a new revision, shows the versions and restores the old one', async () => {
    const admin = h.sandbox.admin;
    const local = path.join(h.workspace, 'report.txt');
    const original = fs.readFileSync(local);
    const remote = await admin.getPath('Documents/report.txt');

    await wb.openViewContainer('Explorer');
    await wb.explorerRow('report.txt').dblclick();
    const editor = wb.page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('Edited in VS Code.\n');
    await wb.page.keyboard.press('Control+S');
    await waitFor('the edit is saved', () => fs.readFileSync(local, 'utf8').includes('Edited in VS Code.'));

    await wb.contextMenu(wb.explorerRow('report.txt'), 'Save as New Revision');
    await wb.notification(/^Saved report\.txt as version 2/).waitFor({ timeout: 60_000 });
    await h.screenshot('new-revision');
    const saved = await admin.file(remote.id);
    assert.strictEqual(saved.revisions.length, 2, 'two versions');
    assert.ok((await admin.content(remote.id)).equals(fs.readFileSync(local)), 'the latest version is the edit');

    await wb.contextMenu(wb.explorerRow('report.txt'), 'Show Versions…');
    await wb.quickPickRow('Version 1').first().waitFor();
    h.keepForDocs(await h.screenshot('show-versions'), 'versions.png');
    await wb.pick('Version 1', { title: 'Versions of report.txt' });
    await wb.pick('Restore This Version');
    await wb.notification(/^Restored version 1 of report\.txt/).waitFor({ timeout: 30_000 });
    await h.screenshot('restored');
    assert.ok((await admin.content(remote.id)).equals(original), 'the old content is the latest again');
    await wb.clearNotifications();
    await wb.runCommand('View: Close All Editors');
  });

  it('8. an expired token gives one "Sign in" prompt, and signing in again brings the tree back', async () => {
    const admin = h.sandbox.admin;
    await wb.openViewContainer('KooDrive');
    await wb.expand(treeRow('Documents'));
    await wb.expand(treeRow('Projects'));
    // Auth errors stay quiet for 3 s after an auth prompt (errorHandler.ts); none is open now.
    await admin.expireTokens();
    await wb.clickViewAction(files(), 'Refresh');
    const prompt = wb.page.locator('.notification-toast').filter({ has: wb.page.locator('.monaco-button', { hasText: /^Sign in$/ }) });
    await prompt.first().waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 3000));
    assert.strictEqual(await prompt.count(), 1, `one "Sign in" prompt: ${JSON.stringify(await wb.notificationMessages())}`);
    await h.screenshot('expired-sign-in-again');

    await prompt.locator('.monaco-button', { hasText: /^Sign in$/ }).click();
    await wb.pick('Custom endpoint…', { title: 'Sign in to KooDrive' });
    await wb.type(h.sandbox.url, { prompt: /endpoint URL/ });
    await wb.type(await admin.refreshToken(), { prompt: /Access token/ });
    await wb.type(SANDBOX_USER_ID, { prompt: /user ID/ });
    await wb.notification(/Signed in to KooDrive as/).waitFor({ timeout: 30_000 });
    await treeRow('Engineering').waitFor();
    await h.screenshot('signed-in-again');
  });
});

/** The workspace a person would have open: a few files, a nested folder, a large file. */
function populateWorkspace(ws: string): void {
  const write = (rel: string, data: string | Buffer): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), data);
  };
  write('notes.md', '# Notes\n\nUploaded from VS Code by the e2e suite.\n');
  write('project/src/main.ts', 'export const answer = 42;\n');
  write('project/src/util/strings.ts', 'export const hello = (n: string) => `hello ${n}`;\n');
  write('project/docs/guide.md', '# Guide\n');
  write('project/assets/logo.bin', Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff)));
  writeBigFile(path.join(ws, BIG_FILE), BIG_SIZE);
}

/** Deterministic, incompressible-looking content, written 8 MiB at a time. */
function writeBigFile(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    let seed = 0x12345678;
    for (let written = 0; written < size; ) {
      for (let i = 0; i < chunk.length; i += 4) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        chunk.writeInt32LE(seed | 0, i);
      }
      const n = Math.min(chunk.length, size - written);
      fs.writeSync(fd, chunk, 0, n);
      written += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8 * 1024 * 1024);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function waitForFile(file: string): Promise<void> {
  return waitFor(`${file} to exist`, () => fs.existsSync(file));
}

function slug(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 60);
}
