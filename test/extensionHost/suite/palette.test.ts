/**
 * The palette's KooDrive commands in a real VS Code: "Open Remote File…"
 * browses spaces and folders in a quick pick and opens the file as a
 * `koodrive:` document; "Move to…" / "Copy to…" without arguments act on the
 * row selected in the KooDrive tree (selected through the real TreeView, as a
 * click does). What happened is checked in the sandbox (admin API) and in
 * what VS Code shows (the active editor).
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { extension, sandbox } from '../env';
import { children, eventually, personalSpaceLabel, row, rowAt, signInToSandbox } from '../helpers';
import { TestUserInput } from '../testUserInput';
import { Api } from './organize.test';

const sha256 = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function explorerView(): Promise<vscode.TreeView<unknown>> {
  await extension().activate();
  const h = (await vscode.commands.executeCommand('koodrive.test.hooks')) as { explorer?: vscode.TreeView<unknown> } | undefined;
  assert.ok(h?.explorer, 'test mode must expose the KooDrive tree view (explorer)');
  return h.explorer;
}

describe('palette commands', function () {
  this.timeout(120_000);
  let api: Api;
  let pc: string;
  let personal: string;
  const tag = Date.now().toString(36);

  before(async () => {
    const sb = sandbox();
    if ((await children()).length === 0) await signInToSandbox();
    api = new Api(sb.url, sb.userId);
    pc = (await sb.admin.state()).personalContainerId;
    personal = await personalSpaceLabel();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Open Remote File… browses a space and its folders to a file and opens it as a koodrive: document', async () => {
    const folder = `open-${tag}`;
    const sub = await api.mkdir(pc, await api.mkdir(pc, 'root', folder), 'inner');
    const text = `palette ${tag}\n${randomBytes(20).toString('hex')}\n`;
    const fileId = await api.upload(pc, sub, 'picked.txt', Buffer.from(text));
    const since = await sandbox().admin.lastRequestSeq();

    const ui = new TestUserInput();
    try {
      ui.pick(personal, /Open Remote File/).pick(folder, /Open Remote File/).pick('inner').pick('picked.txt');
      await ui.run('koodrive.openRemoteFile');
    } finally {
      ui.dispose();
    }
    const editor = await eventually('the file open in the editor', async () => vscode.window.activeTextEditor);
    const uri = editor.document.uri;
    assert.equal(uri.scheme, 'koodrive');
    assert.equal(uri.authority, pc);
    assert.equal(uri.path, `/${folder}/inner/picked.txt`);
    assert.equal(editor.document.getText(), text);
    const reads = (await sandbox().admin.requests({ since })).filter((r) => r.target === 'download');
    assert.ok(reads.length >= 1, 'the content was read from the sandbox');
    assert.equal((await sandbox().admin.file(fileId)).file.name, 'picked.txt');
  });

  it('Move to… from the palette moves the row selected in the tree', async () => {
    const sb = sandbox();
    const src = await api.mkdir(pc, 'root', `pal-src-${tag}`);
    const dst = await api.mkdir(pc, 'root', `pal-dst-${tag}`);
    const moved = await api.upload(pc, src, 'move-me.txt', randomBytes(200));
    const stays = await api.upload(pc, src, 'stay.txt', randomBytes(100));
    await vscode.commands.executeCommand('koodrive.refreshTree');
    const target = row(await children(await rowAt(personal, `pal-src-${tag}`)), 'move-me.txt');
    await (await explorerView()).reveal(target.node, { select: true, focus: true });
    await eventually('the row is selected', async () => (await explorerView()).selection.includes(target.node));

    const ui = new TestUserInput();
    try {
      ui.pick(personal, /Move "move-me\.txt" to/).pick(`pal-dst-${tag}`).pick(/Move Here/);
      await ui.run('koodrive.moveItems');
    } finally {
      ui.dispose();
    }
    assert.equal((await sb.admin.file(moved)).file.parentId, dst);
    assert.equal((await sb.admin.file(stays)).file.parentId, src, 'only the selected row moved');
  });

  it('Copy to… from the palette copies the row selected in the tree (the original stays)', async () => {
    const sb = sandbox();
    const src = await api.mkdir(pc, 'root', `pal-csrc-${tag}`);
    const dst = await api.mkdir(pc, 'root', `pal-cdst-${tag}`);
    const data = randomBytes(300);
    const original = await api.upload(pc, src, 'copy-me.txt', data);
    await vscode.commands.executeCommand('koodrive.refreshTree');
    const target = row(await children(await rowAt(personal, `pal-csrc-${tag}`)), 'copy-me.txt');
    await (await explorerView()).reveal(target.node, { select: true, focus: true });
    await eventually('the row is selected', async () => (await explorerView()).selection.includes(target.node));

    const ui = new TestUserInput();
    try {
      ui.pick(personal, /Copy "copy-me\.txt" to/).pick(`pal-cdst-${tag}`).pick(/Copy Here/);
      await ui.run('koodrive.copyItems');
    } finally {
      ui.dispose();
    }
    const copy = await sb.admin.find(pc, dst, 'copy-me.txt');
    assert.ok(copy, 'the copy is in the destination folder');
    assert.notEqual(copy.id, original);
    assert.equal(await sb.admin.contentSha256(copy.id), sha256(data));
    assert.equal((await sb.admin.file(original)).file.parentId, src, 'the original stays where it was');
  });
});
