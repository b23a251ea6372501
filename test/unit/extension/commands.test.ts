/**
 * Command logic end to end in plain Node: the real handlers and core against
 * an in-process sandbox, with scripted prompts that fail on any question the
 * command was not expected to ask.
 */
import * as assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DriveItem, Space } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import type { CommandId } from '../../../src/extension/commands/commandIds';
import { COMMAND_HANDLERS } from '../../../src/extension/commands/registerCommands';
import type { PickItem } from '../../../src/extension/ui/prompts';
import type { FileNode, FolderNode, SpaceNode } from '../../../src/extension/views/treeNodes';
import { makeWorld, World } from './fakes';

const run = (w: World, id: CommandId, ...args: unknown[]) => COMMAND_HANDLERS[id](w.services, ...args);
const itemNamed = (name: string) => (items: readonly PickItem[]) => items.find((i) => i.label.replace(/^\$\([^)]*\)\s*/, '') === name);

async function listNames(w: World, space: Space, folderId: string): Promise<string[]> {
  const c = await w.session.connection();
  const out: string[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await c.client.listFiles(space, folderId, { cursor });
    out.push(...page.items.map((i) => i.name));
    if (!page.nextCursor) return out.sort();
    cursor = page.nextCursor;
  }
}

async function child(w: World, space: Space, folderId: string, name: string): Promise<DriveItem> {
  const c = await w.session.connection();
  for (let cursor: string | undefined; ;) {
    const page = await c.client.listFiles(space, folderId, { cursor });
    const hit = page.items.find((i) => i.name === name);
    if (hit) return hit;
    if (!page.nextCursor) throw new Error(`${name} not found`);
    cursor = page.nextCursor;
  }
}

describe('commands against the sandbox', function () {
  this.timeout(60_000);
  let w: World;
  let personal: Space;
  let ws: string;

  beforeEach(async () => {
    w = await makeWorld();
    personal = await w.personal();
    ws = path.join(w.tmp, 'workspace');
    await mkdir(path.join(ws, 'project/src'), { recursive: true });
    await mkdir(path.join(ws, 'project/node_modules/dep'), { recursive: true });
    await writeFile(path.join(ws, 'notes.md'), '# Notes\n');
    await writeFile(path.join(ws, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(path.join(ws, 'project/src/main.ts'), 'export const x = 1;\n');
    await writeFile(path.join(ws, 'project/node_modules/dep/index.js'), 'module.exports = 1;\n');
    w.host.folders = [{ name: 'workspace', path: ws }];
  });
  afterEach(async () => {
    try {
      w.prompts.assertDone();
    } finally {
      await w.close();
    }
  });

  describe('upload', () => {
    it('Upload to KooDrive: drills down to a folder, uploads files and folders, links them, refreshes, summarizes', async () => {
      const docs = await child(w, personal, 'root', 'Documents');
      w.prompts
        .expectPick('browse.space', 'Personal space', (items) => assert.ok(!items.some((i) => i.id === 'last'), 'no last destination yet'))
        .expectPick('browse.folder', 'Documents', (items, o) => {
          assert.equal(items[0].id, 'accept');
          assert.equal(o.placeholder, 'Choose a folder in Personal space');
          assert.ok(!items.some((i) => i.id.startsWith('file:')), 'folders only');
        })
        .expectPick('browse.folder', 'accept', (_items, o) => assert.equal(o.placeholder, 'Choose a folder in Personal space/Documents'));
      const uri = (p: string) => ({ scheme: 'file', fsPath: p });
      await run(w, 'koodrive.uploadFiles', uri(path.join(ws, 'notes.md')), [uri(path.join(ws, 'notes.md')), uri(path.join(ws, 'project'))]);

      assert.ok((await listNames(w, personal, docs.id)).includes('notes.md'));
      const project = await child(w, personal, docs.id, 'project');
      assert.deepEqual(await listNames(w, personal, project.id), ['src'], 'node_modules/ excluded by default');
      assert.match(w.notifier.messages('info')[0], /^Uploaded 2 files to Personal space\/Documents\. \(1 excluded or skipped\)$/);
      assert.deepEqual(w.tree.refreshed, [{ containerId: personal.containerId, folderId: docs.id }]);
      assert.equal(w.services.links.get(path.join(ws, 'notes.md'))?.parentId, docs.id);
      assert.equal(w.progress.runs[0].options.title, 'Uploading to Personal space/Documents');
      assert.equal(w.progress.runs[0].options.transfer, true);
      const last = w.progress.runs[0].reports.at(-1)?.message ?? '';
      assert.match(last, /2 of 2 files/);

      // The next upload offers the last destination first.
      w.prompts.expectPick('browse.space', 'last', (items) => assert.equal(items[0].label, '$(history) Personal space/Documents'));
      await run(w, 'koodrive.uploadFiles', uri(path.join(ws, 'data.csv')), undefined);
      assert.ok((await listNames(w, personal, docs.id)).includes('data.csv'));
      assert.match(w.notifier.messages('info')[1], /^Uploaded data\.csv to Personal space\/Documents\.$/);
    });

    it('reports a flash upload (KooDrive already had the content)', async () => {
      const a = path.join(ws, 'a.txt');
      const b = path.join(ws, 'b.txt');
      await writeFile(a, 'same content\n'.repeat(100));
      await writeFile(b, 'same content\n'.repeat(100));
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      w.prompts.expectOpen('upload.files', [a]);
      await run(w, 'koodrive.uploadToFolder', space);
      w.prompts.expectOpen('upload.files', [b], (o) => assert.equal(o.title, 'Upload to Personal space'));
      await run(w, 'koodrive.uploadToFolder', space);
      assert.match(w.notifier.messages('info')[1], /by flash upload/);
    });

    it('Upload Active File saves it first; Upload Workspace Folder asks which folder when there are several', async () => {
      w.host.active = path.join(ws, 'notes.md');
      w.prompts.expectPick('browse.space', 'Personal space').expectPick('browse.folder', 'accept');
      await run(w, 'koodrive.uploadActiveFile');
      assert.deepEqual(w.host.saved, [path.join(ws, 'notes.md')]);
      assert.ok((await listNames(w, personal, 'root')).includes('notes.md'));

      w.host.folders = [{ name: 'workspace', path: ws }, { name: 'project', path: path.join(ws, 'project') }];
      w.prompts.expectPick('upload.workspaceFolder', path.join(ws, 'project')).expectPick('browse.space', 'last');
      await run(w, 'koodrive.uploadWorkspaceFolder');
      assert.ok((await listNames(w, personal, 'root')).includes('project'));
    });

    it('one failing file is thrown for the wrapper; Escape in the picker cancels', async () => {
      w.prompts.expectPick('browse.space', 'Personal space').expectPick('browse.folder', 'accept');
      await assert.rejects(run(w, 'koodrive.uploadFiles', { scheme: 'file', fsPath: path.join(ws, 'missing.txt') }, undefined), (e: unknown) => KooDriveError.is(e, 'LocalIo'));
      w.prompts.expectPick('browse.space', undefined);
      await assert.rejects(run(w, 'koodrive.uploadFiles', { scheme: 'file', fsPath: path.join(ws, 'notes.md') }, undefined), (e: unknown) => KooDriveError.is(e, 'Cancelled'));
    });

    it('a partial failure offers "Retry Failed", which uploads only what failed, without asking again', async () => {
      const ok = path.join(ws, 'notes.md');
      const bad = path.join(ws, 'gone.txt');
      w.prompts.expectPick('browse.space', 'Personal space').expectPick('browse.folder', 'accept');
      w.notifier.clicks.push('Retry Failed');
      w.host.runCommand = async (id, ...args) => {
        await writeFile(bad, 'now it exists\n');
        return run(w, id, ...args);
      };
      await run(w, 'koodrive.uploadFiles', { scheme: 'file', fsPath: ok }, [{ scheme: 'file', fsPath: ok }, { scheme: 'file', fsPath: bad }]);
      assert.match(w.notifier.messages('warn')[0], /^Uploaded 1 of 2 files to Personal space; 1 failed\.$/);
      assert.equal(w.host.executed[0].id, 'koodrive.uploadFiles');
      const names = await listNames(w, personal, 'root');
      assert.ok(names.includes('gone.txt'));
      assert.equal(names.filter((n) => n.startsWith('notes') && n.endsWith('.md')).length, 1, 'the file that worked is not uploaded twice');
    });

    it('Cancel stops the upload and says nothing', async () => {
      const big = path.join(ws, 'big.bin');
      await writeFile(big, Buffer.alloc(12 * 1024 * 1024, 7));
      w.prompts.expectPick('browse.space', 'Personal space').expectPick('browse.folder', 'accept');
      w.progress.cancelAfterReports = 2;
      await assert.rejects(run(w, 'koodrive.uploadFiles', { scheme: 'file', fsPath: big }, undefined), (e: unknown) => KooDriveError.is(e, 'Cancelled'));
      assert.deepEqual(w.notifier.shown, []);
      assert.ok(!(await listNames(w, personal, 'root')).includes('big.bin'));
    });
  });

  describe('download', () => {
    async function nodes() {
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      const docs = await child(w, personal, 'root', 'Documents');
      const docsNode: FolderNode = { kind: 'folder', key: `${personal.containerId}/${docs.id}`, space: personal, parent: space, item: docs };
      const report = await child(w, personal, docs.id, 'report.txt');
      const reportNode: FileNode = { kind: 'file', key: `${personal.containerId}/${report.id}`, space: personal, parent: docsNode, item: report };
      const budget = await child(w, personal, docs.id, 'budget.csv');
      const budgetNode: FileNode = { kind: 'file', key: `${personal.containerId}/${budget.id}`, space: personal, parent: docsNode, item: budget };
      return { space, docsNode, reportNode, budgetNode };
    }

    it('downloads the selection into a workspace folder, remembers it, links the files', async () => {
      const { reportNode, budgetNode } = await nodes();
      w.prompts.expectPick('download.folder', `workspace:${ws}`, (items) => assert.deepEqual(items.map((i) => i.id), [`workspace:${ws}`, 'browse']));
      await run(w, 'koodrive.downloadItems', reportNode, [reportNode, budgetNode]);
      assert.match(await readFile(path.join(ws, 'report.txt'), 'utf8'), /Quarterly report/);
      assert.ok((await stat(path.join(ws, 'budget.csv'))).isFile());
      assert.equal(w.notifier.messages('info')[0], `Downloaded 2 files to ${ws}.`);
      assert.equal(w.services.links.get(path.join(ws, 'report.txt'))?.fileId, reportNode.item.id);
      assert.equal(w.services.places.lastDownloadFolder(), ws);

      // Again: the conflict question, answered "Skip All".
      w.prompts
        .expectPick('download.folder', 'last', (items) => assert.equal(items[0].id, 'last'))
        .expectPick('download.conflict', 'skip-all', (items, o) => {
          assert.deepEqual(items.map((i) => i.id), ['overwrite', 'rename', 'skip', 'sep', 'overwrite-all', 'rename-all', 'skip-all']);
          assert.match(o.title, /already exists/);
        });
      await run(w, 'koodrive.downloadItems', reportNode, [reportNode, budgetNode]);
      assert.match(w.notifier.messages('info')[1], /Nothing downloaded: 2 skipped/);
    });

    it('"Keep Both" saves a second copy; a folder downloads recursively', async () => {
      const { reportNode, docsNode } = await nodes();
      w.settings.download.conflictPolicy = 'ask';
      w.prompts.expectPick('download.folder', `workspace:${ws}`);
      await run(w, 'koodrive.downloadItems', reportNode);
      w.prompts.expectPick('download.folder', 'last').expectPick('download.conflict', 'rename');
      await run(w, 'koodrive.downloadItems', reportNode);
      assert.ok((await stat(path.join(ws, 'report (1).txt'))).isFile());

      w.prompts.expectPick('download.folder', 'last');
      await run(w, 'koodrive.downloadItems', docsNode);
      assert.ok((await stat(path.join(ws, 'Documents/Archive/2023-report.txt'))).isFile());
    });

    it('asks nothing about conflicts when the policy is "overwrite"', async () => {
      const { reportNode } = await nodes();
      await writeFile(path.join(ws, 'report.txt'), 'local edits');
      w.settings.download.conflictPolicy = 'overwrite';
      w.prompts.expectPick('download.folder', `workspace:${ws}`);
      await run(w, 'koodrive.downloadItems', reportNode);
      assert.match(await readFile(path.join(ws, 'report.txt'), 'utf8'), /Quarterly report/);
    });
  });

  describe('folders and items', () => {
    it('New Folder, Rename, Copy File ID, Delete (to the recycle bin, after confirming)', async () => {
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      w.prompts.expectInput('createFolder.name', 'Reports', (o) => {
        assert.equal(o.title, 'New Folder in Personal space');
        assert.ok(o.validate?.('a/b'));
      });
      await run(w, 'koodrive.createFolder', space);
      assert.deepEqual(w.tree.refreshedNodes, [space]);
      const created = await child(w, personal, 'root', 'Reports');
      const node: FolderNode = { kind: 'folder', key: `${personal.containerId}/${created.id}`, space: personal, parent: space, item: created };

      w.prompts.expectInput('createFolder.name', 'Reports');
      await assert.rejects(run(w, 'koodrive.createFolder', space), (e: unknown) => KooDriveError.is(e, 'Conflict'));

      w.prompts.expectInput('renameItem.name', 'Reports 2024', (o) => {
        assert.equal(o.value, 'Reports');
        assert.deepEqual(o.valueSelection, [0, 7]);
      });
      await run(w, 'koodrive.renameItem', node);
      assert.ok((await listNames(w, personal, 'root')).includes('Reports 2024'));

      await run(w, 'koodrive.copyFileId', node);
      assert.deepEqual(w.host.copied, [created.id]);

      w.prompts.expectConfirm('deleteItems.confirm', false);
      await assert.rejects(run(w, 'koodrive.deleteItems', node), (e: unknown) => KooDriveError.is(e, 'Cancelled'));
      w.prompts.expectConfirm('deleteItems.confirm', true, (o) => {
        assert.equal(o.message, 'Move "Reports" to the KooDrive recycle bin?');
        assert.equal(o.detail, 'You can restore it from the recycle bin in KooDrive.', 'singular for one item');
        assert.equal(o.confirmLabel, 'Move to Recycle Bin');
      });
      await run(w, 'koodrive.deleteItems', node, [node]);
      assert.ok(!(await listNames(w, personal, 'root')).includes('Reports 2024'));
    });
  });

  describe('revisions', () => {
    it('Save as New Revision for a downloaded file, Show Versions, Keep Forever, Compare, Restore', async () => {
      const notes = await child(w, personal, 'root', 'notes.txt');
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      const node: FileNode = { kind: 'file', key: `${personal.containerId}/${notes.id}`, space: personal, parent: space, item: notes };
      w.prompts.expectPick('download.folder', `workspace:${ws}`);
      await run(w, 'koodrive.downloadItems', node);
      const local = path.join(ws, 'notes.txt');
      await writeFile(local, 'Shopping list\n- milk\n- bread\n- coffee\n- tea\n');

      // Linked by the download: no question.
      await run(w, 'koodrive.createRevision', { scheme: 'file', fsPath: local });
      assert.match(w.notifier.messages('info').at(-1) ?? '', /^Saved notes\.txt as version 3 of notes\.txt\.$/);
      assert.deepEqual(w.tree.refreshed.at(-1), { containerId: personal.containerId, folderId: 'root' });

      // Show Versions → version 1 → Keep Forever.
      w.prompts
        .expectPick('revision.pick', (items) => items.find((i) => i.label.endsWith('Version 1')), (items) => {
          assert.deepEqual(items.map((i) => i.label.replace(/^\$\([^)]*\)\s*/, '')), ['Version 3', 'Version 2', 'Version 1']);
          assert.match(items[0].description ?? '', /^latest/);
        })
        .expectPick('revision.action', 'keep', (items) => assert.deepEqual(items.map((i) => i.id), ['compare', 'restore', 'keep']));
      await run(w, 'koodrive.showRevisions', node);
      assert.match(w.notifier.messages('info').at(-1) ?? '', /Version 1 of notes\.txt will be kept forever/);

      // Compare version 1 with the local file: a read-only temp copy in a diff editor.
      w.prompts.expectPick('revision.pick', itemNamed('Version 1'), (items) => assert.match(items.at(-1)?.detail ?? '', /Kept forever/));
      await run(w, 'koodrive.compareRevision', { scheme: 'file', fsPath: local });
      const diff = w.host.diffs[0];
      assert.equal(diff.right, path.resolve(local));
      assert.equal(await readFile(diff.left, 'utf8'), 'Shopping list\n- milk\n');
      assert.match(diff.title, /notes\.txt \(KooDrive version 1\) ↔ notes\.txt \(local\)/);

      // Restore version 2 (the latest is not offered).
      w.prompts.expectPick('revision.pick', itemNamed('Version 2'), (items) => assert.ok(!items.some((i) => i.label.endsWith('Version 3'))));
      await run(w, 'koodrive.restoreRevision', node);
      assert.match(w.notifier.messages('info').at(-1) ?? '', /Restored version 2 of notes\.txt/);
      const c = await w.session.connection();
      const revs = await c.client.listRevisions(personal, notes.id);
      assert.equal(revs.items.length, 4);
    });

    it('an unlinked local file asks once which KooDrive file it is, then remembers', async () => {
      const local = path.join(ws, 'data.csv');
      const docs = await child(w, personal, 'root', 'Documents');
      w.prompts
        .expectPick('browse.space', 'Personal space')
        .expectPick('browse.folder', 'Documents', (items) => assert.ok(items.some((i) => i.id.startsWith('file:')), 'files are offered'))
        .expectPick('browse.folder', 'budget.csv');
      await run(w, 'koodrive.createRevision', { scheme: 'file', fsPath: local });
      const budget = await child(w, personal, docs.id, 'budget.csv');
      assert.equal(budget.size, 8);
      assert.equal(w.services.links.get(local)?.fileId, budget.id);
      await writeFile(local, 'a,b\n1,2\n3,4\n');
      await run(w, 'koodrive.createRevision', { scheme: 'file', fsPath: local });
      assert.match(w.notifier.messages('info').at(-1) ?? '', /version 3 of budget\.csv/);
    });

    it('Compare needs a local copy', async () => {
      const notes = await child(w, personal, 'root', 'notes.txt');
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      const node: FileNode = { kind: 'file', key: `${personal.containerId}/${notes.id}`, space: personal, parent: space, item: notes };
      await assert.rejects(run(w, 'koodrive.compareRevision', node), (e: unknown) => KooDriveError.is(e, 'InvalidInput') && /Download it first/.test(e.message));
    });
  });

  describe('session commands', () => {
    it('Sign Out forgets the session; commands then ask to sign in (AuthRequired)', async () => {
      await run(w, 'koodrive.signOut');
      assert.equal(w.session.state.signedIn, false);
      w.host.active = path.join(ws, 'notes.md');
      await assert.rejects(run(w, 'koodrive.showRevisions'), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    });
  });
});

describe('koodrive.signIn after a failed attempt', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => {
    w = await makeWorld({ signIn: false });
  });
  afterEach(async () => w.close());

  it('the next attempt pre-fills the endpoint and user id that were typed (never the token)', async () => {
    const typedUser = `${w.sandbox.userId}`;
    w.prompts
      .expectPick('signIn.endpoint', 'custom')
      .expectInput('signIn.customEndpoint', `${w.sandbox.url}/`)
      .expectInput('signIn.token', 'wrong-token')
      .expectInput('signIn.userId', typedUser);
    await assert.rejects(run(w, 'koodrive.signIn'), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    assert.equal(w.session.state.signedIn, false);

    w.prompts
      .expectPick('signIn.endpoint', 'custom', (items) => assert.equal(items.find((i) => i.id === 'custom')?.description, w.sandbox.url))
      .expectInput('signIn.customEndpoint', w.sandbox.url, (o) => assert.equal(o.value, w.sandbox.url))
      .expectInput('signIn.token', w.sandbox.token, (o) => assert.equal(o.value, undefined))
      .expectInput('signIn.userId', w.sandbox.userId, (o) => assert.equal(o.value, typedUser));
    await run(w, 'koodrive.signIn');
    w.prompts.assertDone();
    assert.equal(w.session.state.signedIn, true);
    assert.equal(w.session.state.sandbox, false);
  });
});
