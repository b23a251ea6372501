/**
 * Organize in a real VS Code: drag and drop of tree items onto a folder of
 * the tree moves them (the view's own drag-and-drop controller, called as
 * VS Code calls it, with the tree's real nodes), and the recycle bin node's
 * actions (restore, delete permanently with its modal, empty the bin).
 * Files are created over the API with a session of their own; what happened
 * is checked in the sandbox.
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { sandbox } from '../env';
import { children, eventually, personalSpaceLabel, Row, row, rowAt, signInToSandbox, testHooks } from '../helpers';
import { TestUserInput } from '../testUserInput';

const API = '/koodrive/ose/v1';

/** A raw API client with a token of its own (POST /session/ with the sandbox's code). */
export class Api {
  private token = '';
  constructor(private readonly url: string, private readonly userId: string) {}

  private xDate(): string {
    return new Date(Date.now() - 2000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }

  async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    if (!this.token && path !== '/session/') {
      const s = await this.call('POST', '/session/', { code: 'sandbox' });
      this.token = String((s.data as { accessToken: string }).accessToken).replace(/^Bearer[+ ]/, '');
    }
    const res = await fetch(`${this.url}${API}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}`, 'X-User-Id': this.userId, 'X-Date': this.xDate() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (String(json.code) !== '0') throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  }

  async mkdir(containerId: string, parent: string, name: string): Promise<string> {
    const r = await this.call('POST', '/directory', { fileName: name, fileType: '10', containerId, parentFolder: [parent] });
    return String(r.id);
  }

  /** One-part upload: create, PUT the bytes, complete. */
  async upload(containerId: string, parent: string, name: string, data: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const c = await this.call('POST', '/files/create', {
      fileName: name, fileType: '26', parentFolder: [parent], containerId, length: data.length, uploadMode: 'multipart', uploadType: 1,
      autoRename: 3, multiParts: [{ partNumber: 1, partSize: data.length, partOffset: 0 }], sha256,
    });
    const url = (c.multiParts as Array<{ uploadUrl: string }>)[0].uploadUrl;
    const put = await fetch(url, { method: 'PUT', body: data, headers: { 'Content-Length': String(data.length) } });
    assert.strictEqual(put.status, 200, `part PUT: ${await put.text()}`);
    await this.call('POST', '/files/complete', { fileId: c.fileId, sha256 });
    return String(c.fileId);
  }
}

async function withUi(script: (ui: TestUserInput) => void, command: string, ...args: unknown[]): Promise<TestUserInput> {
  const ui = new TestUserInput();
  try {
    script(ui);
    await ui.run(command, ...args);
    return ui;
  } finally {
    ui.dispose();
  }
}

describe('organize: drag and drop, recycle bin', () => {
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

  const binRow = async (): Promise<Row> => rowAt(personal, 'Recycle Bin');
  const binEntries = async (): Promise<Row[]> => (await children(await binRow())).filter((r) => r.item.contextValue === 'koodrive:recycled');

  it('dropping tree items on a folder of the tree moves them (files and a folder with content)', async () => {
    const sb = sandbox();
    const src = await api.mkdir(pc, 'root', `dnd-src-${tag}`);
    const dst = await api.mkdir(pc, 'root', `dnd-dst-${tag}`);
    const a = await api.upload(pc, src, 'a.txt', randomBytes(300));
    const sub = await api.mkdir(pc, src, 'sub');
    const inner = await api.upload(pc, sub, 'inner.txt', randomBytes(100));
    await vscode.commands.executeCommand('koodrive.refreshTree');

    const srcRows = await children(await rowAt(personal, `dnd-src-${tag}`));
    const dragged = [row(srcRows, 'a.txt').node, row(srcRows, 'sub').node];
    const target = (await rowAt(personal, `dnd-dst-${tag}`)).node;
    const { dragAndDrop } = (await testHooks()) as unknown as { dragAndDrop: vscode.TreeDragAndDropController<unknown> };
    assert.ok(dragAndDrop, 'the test hooks expose the drag-and-drop controller');
    assert.ok(dragAndDrop.dragMimeTypes.includes('application/vnd.code.tree.koodrive.explorer'));

    const data = new vscode.DataTransfer();
    const token = new vscode.CancellationTokenSource().token;
    await dragAndDrop.handleDrag?.(dragged, data, token);
    assert.ok(data.get('application/vnd.code.tree.koodrive.explorer'), 'the drag put the tree items on the data transfer');
    await dragAndDrop.handleDrop?.(target, data, token);

    assert.strictEqual((await sb.admin.file(a)).file.parentId, dst);
    assert.strictEqual((await sb.admin.file(sub)).file.parentId, dst);
    assert.strictEqual((await sb.admin.file(inner)).file.parentId, sub, 'the folder moved with its content');
    const shown = await eventually('the tree shows the moved items', async () => {
      const labels = (await children(await rowAt(personal, `dnd-dst-${tag}`))).map((r) => r.label).sort();
      return labels.length === 2 ? labels : undefined;
    });
    assert.deepStrictEqual(shown, ['a.txt', 'sub'].sort());
    assert.ok(!(await children(await rowAt(personal, `dnd-src-${tag}`))).some((r) => r.label === 'a.txt'));
  });

  it('lists deleted items in the Recycle Bin with their folder and restores them', async () => {
    const sb = sandbox();
    const dir = await api.mkdir(pc, 'root', `bin-${tag}`);
    const f = await api.upload(pc, dir, `restore-me-${tag}.txt`, Buffer.from('restore me'));
    await vscode.commands.executeCommand('koodrive.refreshTree');
    const fileRow = row(await children(await rowAt(personal, `bin-${tag}`)), `restore-me-${tag}.txt`);
    await withUi((ui) => ui.answer(/recycle bin\?$/, 'Move to Recycle Bin'), 'koodrive.deleteItems', fileRow.node, [fileRow.node]);
    assert.strictEqual((await sb.admin.file(f)).file.recycled, true);

    const bin = await binRow();
    assert.strictEqual(bin.item.contextValue, 'koodrive:recycleBin');
    const entry = await eventually('the bin lists the item', async () => (await binEntries()).find((r) => r.label === `restore-me-${tag}.txt`));
    assert.match(String(entry.item.description), new RegExp(`^/bin-${tag}`), 'the original folder is shown');

    await withUi(() => undefined, 'koodrive.restoreItems', entry.node, [entry.node]);
    const after = (await sb.admin.file(f)).file;
    assert.strictEqual(after.recycled, false);
    assert.strictEqual(after.parentId, dir);
    assert.strictEqual((await sb.admin.content(f)).toString(), 'restore me');
    assert.ok(!(await binEntries()).some((r) => r.label === `restore-me-${tag}.txt`));
  });

  it('deletes permanently only after the modal confirmation naming the item', async () => {
    const sb = sandbox();
    const f = await api.upload(pc, 'root', `perm-${tag}.txt`, randomBytes(50));
    await vscode.commands.executeCommand('koodrive.refreshTree');
    const fileRow = row(await children(await rowAt(personal)), `perm-${tag}.txt`);
    await withUi((ui) => ui.answer(/recycle bin\?$/, 'Move to Recycle Bin'), 'koodrive.deleteItems', fileRow.node, [fileRow.node]);
    const entry = await eventually('the bin lists it', async () => (await binEntries()).find((r) => r.label === `perm-${tag}.txt`));

    // Dismissed: nothing happens.
    const dismissed = await withUi((ui) => ui.answer(new RegExp(`^Permanently delete "perm-${tag}\\.txt"\\?$`), undefined), 'koodrive.deletePermanently', entry.node, [entry.node]);
    const modal = dismissed.messages.find((m) => m.modal);
    assert.ok(modal, 'a modal confirmation was shown');
    assert.strictEqual((await sb.admin.file(f)).file.recycled, true, 'still in the bin');

    await withUi((ui) => ui.answer(new RegExp(`^Permanently delete "perm-${tag}\\.txt"\\?$`), 'Delete Permanently'), 'koodrive.deletePermanently', entry.node, [entry.node]);
    await assert.rejects(sb.admin.file(f), 'the file is gone for good');
  });

  it('empties the recycle bin after a modal confirmation giving the count', async () => {
    const sb = sandbox();
    const ids = [await api.upload(pc, 'root', `e1-${tag}.txt`, randomBytes(10)), await api.upload(pc, 'root', `e2-${tag}.txt`, randomBytes(10))];
    await vscode.commands.executeCommand('koodrive.refreshTree');
    const rows = await children(await rowAt(personal));
    const nodes = [row(rows, `e1-${tag}.txt`).node, row(rows, `e2-${tag}.txt`).node];
    await withUi((ui) => ui.answer(/recycle bin\?$/, 'Move to Recycle Bin'), 'koodrive.deleteItems', nodes[0], nodes);
    const count = await eventually('the bin lists both', async () => {
      const entries = await binEntries();
      return entries.some((r) => r.label === `e1-${tag}.txt`) && entries.some((r) => r.label === `e2-${tag}.txt`) ? entries.length : undefined;
    });
    const ui = await withUi((u) => u.answer(/^Permanently delete (all \d+ items|the 1 item) in the recycle bin of /, 'Empty Recycle Bin'), 'koodrive.emptyRecycleBin', (await binRow()).node);
    const modal = ui.messages.find((m) => m.modal);
    assert.ok(modal && modal.message.includes(`all ${count} items`), `the count is in the question: ${modal?.message}`);
    for (const id of ids) await assert.rejects(sb.admin.file(id));
    const left = await children(await binRow());
    assert.deepStrictEqual(left.map((r) => r.label), ['The recycle bin is empty']);
  });
});
