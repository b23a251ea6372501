/**
 * The `koodrive:` file system in a real VS Code: opening from the tree,
 * saving as revisions, the save-conflict flow, a `koodrive:` workspace
 * folder, the size limit and images. Every assertion reads what the sandbox
 * stored (admin API) or what VS Code shows (documents, tabs, messages).
 * "Someone else" changing a file is a second client over its own connection.
 *
 * Not here: adding a `koodrive:` workspace folder. Turning this single-folder
 * window into a multi-root workspace restarts the extension host (and this
 * suite with it); the e2e run covers "Add to Workspace" in the real window.
 * The operations the Explorer performs in such a folder are the provider
 * calls below (workspace.fs goes through the same provider).
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { staticCredentials } from '../../../src/core/api/credentials';
import { HashPool } from '../../../src/core/hash/hashPool';
import { createKooDrive } from '../../../src/core/koodrive';
import type { Space } from '../../../src/core/api/models';
import { silentLogger } from '../../../src/core/logger';
import { DriveChanges } from '../../../src/core/remoteFs/driveChanges';
import { RemoteFileSystem } from '../../../src/core/remoteFs/remoteFileSystem';
import { KooDriveFileSystemProvider, ProviderDeps } from '../../../src/extension/remoteFs/koodriveFileSystemProvider';
import { memoryStore } from '../../../src/extension/stores/keyValueStore';
import { extension, sandbox, scratchDir } from '../env';
import { children, click, eventually, personalSpaceLabel, row, rowAt } from '../helpers';
import { TestUserInput } from '../testUserInput';

const sha256 = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Another person saving a version: a second, independent client (its own
 * connection and hash worker) writing through the core engine, not through
 * this window's file system.
 */
async function saveAsSomeoneElse(names: string[], content: string): Promise<void> {
  await withOwnConnection(async (other, personal) => {
    await other.writeFile({ containerId: personal.containerId, names }, { bytes: Buffer.from(content) }, { create: true, overwrite: true });
  });
}

/** A RemoteFileSystem over a connection of its own (not this window's), for the duration of `fn`. */
async function withOwnConnection(fn: (fs: RemoteFileSystem, personal: Space) => Promise<void>): Promise<void> {
  const sb = sandbox();
  const drive = createKooDrive({ endpoint: sb.url, credentials: staticCredentials({ token: sb.token, userId: sb.userId }) });
  const hasher = new HashPool({ workerPath: path.join(extension().extensionPath, 'dist', 'hashWorker.js'), size: 1 });
  try {
    const personal = await drive.client.getPersonalSpace(sb.userId);
    await fn(new RemoteFileSystem({
      client: drive.client, dispatcher: drive.dispatcher, hasher, tempDir: scratchDir('own-connection'), spaceOf: async () => personal,
    }), personal);
  } finally {
    await hasher.close();
    await drive.close();
  }
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('koodrive').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('koodrive: file system', () => {
  let personal: string;
  let cid: string;
  const uriOf = (rel: string): vscode.Uri => vscode.Uri.from({ scheme: 'koodrive', authority: cid, path: `/${rel}` });

  before(async () => {
    personal = await personalSpaceLabel();
    cid = (await sandbox().admin.state()).personalContainerId;
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('clicking a file in the tree opens its KooDrive content in an editor tab', async () => {
    const sb = sandbox();
    const report = row(await children(await rowAt(personal, 'Documents')), 'report.txt');
    await click(report);
    const editor = await eventually('a koodrive: editor', async () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'koodrive' ? e : undefined;
    });
    // VS Code lower-cases URI authorities; the provider matches the space without case.
    assert.strictEqual(editor.document.uri.authority.toLowerCase(), cid.toLowerCase());
    assert.strictEqual(editor.document.uri.path, '/Documents/report.txt');
    const remote = await sb.admin.getPath('Documents/report.txt');
    assert.strictEqual(editor.document.getText(), (await sb.admin.content(remote.id)).toString('utf8'));
  });

  it('edit + save → a new revision with exactly those bytes; saving identical content → no revision', async () => {
    const sb = sandbox();
    const remote = await sb.admin.getPath('Documents/meeting-notes.md');
    const before = (await sb.admin.file(remote.id)).revisions.length;
    const doc = await vscode.workspace.openTextDocument(uriOf('Documents/meeting-notes.md'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(doc.lineAt(doc.lineCount - 1).range.end, '\n- Edited in a koodrive: tab ✓\n'));
    assert.ok(doc.isDirty, 'the document is dirty');
    await doc.save();
    await eventually('the document is saved', async () => !doc.isDirty);
    const after = await sb.admin.file(remote.id);
    assert.strictEqual(after.revisions.length, before + 1, 'one new revision');
    assert.ok((await sb.admin.content(remote.id)).equals(Buffer.from(doc.getText(), 'utf8')), 'the sandbox holds exactly the saved bytes');

    // Dirty, but with the same content as on KooDrive.
    const since = await sb.admin.lastRequestSeq();
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x'));
    await editor.edit((e) => e.delete(new vscode.Range(0, 0, 0, 1)));
    assert.ok(doc.isDirty, 'the document is dirty');
    await doc.save();
    await eventually('the document is saved', async () => !doc.isDirty);
    assert.strictEqual((await sb.admin.file(remote.id)).revisions.length, before + 1, 'no revision for identical content');
    const uploads = (await sb.admin.requests({ since })).filter((r) => /createRevision|files\/create/.test(r.path));
    assert.deepStrictEqual(uploads.map((r) => r.path), [], 'no upload was started');
  });

  it('a remote change after opening: the save is refused; Overwrite saves a new revision and both versions stay', async () => {
    const sb = sandbox();
    const remote = await sb.admin.getPath('Documents/report.txt');
    const before = (await sb.admin.file(remote.id)).revisions.length;
    const doc = await vscode.workspace.openTextDocument(uriOf('Documents/report.txt'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'MINE: '));

    const theirs = 'Their version, saved from somewhere else.\n';
    await saveAsSomeoneElse(['Documents', 'report.txt'], theirs);
    assert.strictEqual((await sb.admin.file(remote.id)).revisions.length, before + 1);

    const saved = await doc.save();
    assert.strictEqual(saved, false, 'VS Code refused the save (the file is newer on KooDrive)');
    assert.strictEqual((await sb.admin.content(remote.id)).toString(), theirs, 'their version is untouched');
    assert.strictEqual((await sb.admin.file(remote.id)).revisions.length, before + 1, 'no revision from the refused save');
    assert.ok(doc.isDirty, 'my edit is still there');

    // "Overwrite" in VS Code's conflict flow (the command behind it in the compare view).
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.files.action.acceptLocalChanges', doc.uri);
    const mine = Buffer.from(doc.getText(), 'utf8');
    await eventually('my version on KooDrive', async () => (await sb.admin.content(remote.id)).equals(mine));
    const after = await sb.admin.file(remote.id);
    assert.strictEqual(after.revisions.length, before + 2, 'their revision and mine');
    const shas = after.revisions.map((r) => r.sha256);
    assert.ok(shas.includes(sha256(Buffer.from(theirs))), 'their version is listed');
    assert.ok(shas.includes(sha256(mine)), 'my version is listed');

    // "Show Versions" on the open koodrive: file lists both; keep mine forever.
    const latest = after.revisions.find((r) => r.latest)!;
    const theirsRev = after.revisions.find((r) => r.sha256 === sha256(Buffer.from(theirs)))!;
    const ui = new TestUserInput();
    try {
      ui.pick(`Version ${latest.version}`, /Versions of report\.txt/).pick('Keep Forever').answer(/./, undefined);
      await ui.run('koodrive.showRevisions', doc.uri);
      const listed = ui.prompts.find((p) => /Versions of report\.txt/.test(p.text))?.items ?? [];
      assert.ok(listed.includes(`Version ${latest.version}`) && listed.includes(`Version ${theirsRev.version}`), `both versions listed: ${JSON.stringify(listed)}`);
    } finally {
      ui.dispose();
    }
    const kept = (await sb.admin.file(remote.id)).revisions.find((r) => r.revisionId === latest.revisionId);
    assert.strictEqual(kept?.keepForever, true, 'the action applied to the KooDrive file of the open tab');
  });

  it('a change that lands between VS Code\'s stat and the provider\'s write is refused by the provider: nothing is overwritten', async () => {
    const sb = sandbox();
    const uri = uriOf('Documents/race.txt');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('as opened\n'));
    const remote = await sb.admin.getPath('Documents/race.txt');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'MINE: '));

    // VS Code's check before the write stats the file (a file detail); that answer is held, computed
    // from the state before their save, while they save. VS Code's own check then passes.
    const [hold] = await sb.admin.addFaults({ match: { target: 'api', path: `/files/${remote.id}/detail` }, action: { kind: 'hold' } });
    const since = await sb.admin.lastRequestSeq();
    const saving = Promise.resolve(doc.save());
    await eventually('VS Code\'s stat reached the sandbox', async () => (await sb.admin.firings(hold)).length === 1);
    const theirs = 'Their version, saved while VS Code was checking.\n';
    await saveAsSomeoneElse(['Documents', 'race.txt'], theirs);
    await sb.admin.releaseFault(hold);

    assert.strictEqual(await saving, false, 'the save failed');
    assert.strictEqual((await sb.admin.content(remote.id)).toString(), theirs, 'their version is untouched');
    const revisions = (await sb.admin.file(remote.id)).revisions;
    assert.strictEqual(revisions.length, 2, 'mine was never uploaded: the first version and theirs');
    assert.ok(doc.isDirty, 'my edit is still in the editor');
    const myUploads = (await sb.admin.requests({ since })).filter((r) => /createRevision/.test(r.path));
    assert.strictEqual(myUploads.length, 1, `only their save uploaded: ${JSON.stringify(myUploads.map((r) => r.path))}`);
    // Drop my edit, so closing the editor asks nothing.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await eventually('the edit is reverted', async () => !doc.isDirty);
  });

  it('after a window reload (a new provider, the workspace state kept) a save still carries the precondition', async () => {
    const sb = sandbox();
    const uri = uriOf('Documents/reloaded.txt');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('as opened before the reload\n'));
    const remote = await sb.admin.getPath('Documents/reloaded.txt');
    const workspaceState = memoryStore();
    await withOwnConnection(async (fs) => {
      const deps: ProviderDeps = {
        fs: async () => fs, changes: new DriveChanges(), maxFileSize: () => 1024 * 1024,
        uploadOptions: () => ({ partSize: 5 * 1024 * 1024, concurrency: 1 }), reportAuthRequired: () => undefined,
        offerDownload: () => undefined, baselineStore: workspaceState, logger: silentLogger,
      };
      const beforeReload = new KooDriveFileSystemProvider(deps);
      await beforeReload.readFile(uri);
      beforeReload.dispose();
      const theirs = 'Their version, saved while the window reloaded.\n';
      await saveAsSomeoneElse(['Documents', 'reloaded.txt'], theirs);

      const afterReload = new KooDriveFileSystemProvider(deps);
      try {
        await assert.rejects(
          Promise.resolve(afterReload.writeFile(uri, Buffer.from('my edit, restored by hot exit\n'), { create: true, overwrite: true })),
          (e: unknown) => e instanceof vscode.FileSystemError && /changed on KooDrive/.test(e.message),
        );
      } finally {
        afterReload.dispose();
      }
      assert.strictEqual((await sb.admin.content(remote.id)).toString(), theirs, 'their version is untouched');
      assert.strictEqual((await sb.admin.file(remote.id)).revisions.length, 2);
    });
  });

  it('"Show Versions…" from the palette (no argument) works on the active koodrive: editor', async () => {
    const sb = sandbox();
    const remote = await sb.admin.getPath('notes.txt');
    const first = (await sb.admin.file(remote.id)).revisions.find((r) => r.version === 1)!;
    const doc = await vscode.workspace.openTextDocument(uriOf('notes.txt'));
    await vscode.window.showTextDocument(doc);
    const ui = new TestUserInput();
    try {
      ui.pick('Version 1', /Versions of notes\.txt/).pick(/Keep(ing)? Forever/).answer(/./, undefined);
      await ui.run('koodrive.showRevisions');
    } finally {
      ui.dispose();
    }
    const kept = (await sb.admin.file(remote.id)).revisions.find((r) => r.revisionId === first.revisionId);
    assert.strictEqual(kept?.keepForever, !first.keepForever, 'the version of the file in the active editor changed');
  });

  it('a clean open document reloads when the file changes elsewhere (re-check on the poll)', async () => {
    await setSetting('editor.pollInterval', 1);
    try {
      const doc = await vscode.workspace.openTextDocument(uriOf('Welcome.md'));
      await vscode.window.showTextDocument(doc);
      const theirs = '# Welcome\n\nRewritten elsewhere.\n';
      await saveAsSomeoneElse(['Welcome.md'], theirs);
      await eventually('the document shows the new content', async () => doc.getText() === theirs, 30_000);
    } finally {
      await setSetting('editor.pollInterval', undefined);
    }
  });

  it('Explorer operations on a koodrive: folder (create, rename, move, delete) act on KooDrive, and the tree follows', async () => {
    const sb = sandbox();
    const folder = uriOf('Documents');
    const listed = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
    const documentsId = (await sb.admin.getPath('Documents')).id;
    assert.deepStrictEqual(listed, (await sb.admin.children(cid, documentsId)).map((f) => f.name).sort());
    await children(await rowAt(personal, 'Documents')); // the tree has listed Documents

    const sub = vscode.Uri.joinPath(folder, 'From Explorer');
    await vscode.workspace.fs.createDirectory(sub);
    const subRemote = await sb.admin.getPath('Documents/From Explorer');
    assert.strictEqual(subRemote.kind, 'folder');
    await eventually('the tree shows the new folder', async () => (await children(await rowAt(personal, 'Documents'))).some((r) => r.label === 'From Explorer'));

    const name = "new #1 & [draft] {v2} ~ü.txt";
    const file = vscode.Uri.joinPath(sub, name);
    await vscode.workspace.fs.writeFile(file, Buffer.from('created in the Explorer\n'));
    const created = await sb.admin.getPath(`Documents/From Explorer/${name}`);
    assert.strictEqual((await sb.admin.content(created.id)).toString(), 'created in the Explorer\n');

    await vscode.workspace.fs.rename(file, vscode.Uri.joinPath(sub, 'renamed.txt'));
    assert.strictEqual((await sb.admin.file(created.id)).file.name, 'renamed.txt');

    // Drag to another folder = a move (a move job on KooDrive).
    await vscode.workspace.fs.rename(vscode.Uri.joinPath(sub, 'renamed.txt'), vscode.Uri.joinPath(folder, 'moved.txt'));
    const moved = (await sb.admin.file(created.id)).file;
    assert.strictEqual(moved.parentId, documentsId);
    assert.strictEqual(moved.name, 'moved.txt');

    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'moved.txt'), { recursive: true, useTrash: false });
    assert.strictEqual((await sb.admin.file(created.id)).file.recycled, true, 'in the recycle bin, restorable');
    await vscode.workspace.fs.delete(sub, { recursive: true, useTrash: false });
    assert.strictEqual((await sb.admin.file(subRemote.id)).file.recycled, true);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(sub)), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound');

    // One source of change events: the tree shows the same state.
    await eventually('the tree forgot the deleted folder', async () => !(await children(await rowAt(personal, 'Documents'))).some((r) => r.label === 'From Explorer'));
  });

  it('a file above koodrive.editor.maxFileSize: a message offering Download…, and nothing is downloaded', async () => {
    const sb = sandbox();
    const big = uriOf('Documents/big-data.bin');
    await vscode.workspace.fs.writeFile(big, randomBytes(1536 * 1024));
    await setSetting('editor.maxFileSize', 1);
    const ui = new TestUserInput();
    try {
      const since = await sb.admin.lastRequestSeq();
      ui.answer(/^big-data\.bin is 1\.5 MiB, larger than the 1\.0 MiB limit for opening KooDrive files in the editor/, undefined);
      await Promise.resolve(vscode.commands.executeCommand('vscode.open', big)).catch(() => undefined);
      const shown = await ui.waitForMessage(/big-data\.bin/);
      assert.deepStrictEqual(shown.buttons, ['Download…']);
      ui.assertDone(); // the message said the file's size, then the limit
      const downloads = (await sb.admin.requests({ since })).filter((r) => r.target === 'download' || /files\/download/.test(r.path));
      assert.deepStrictEqual(downloads.map((r) => r.path), [], 'no download');
    } finally {
      ui.dispose();
      await setSetting('editor.maxFileSize', undefined);
    }
  });

  it('an image opens in VS Code\'s image preview', async () => {
    const sb = sandbox();
    const png = fs.readFileSync(path.join(extension().extensionPath, 'media', 'icon.png'));
    const uri = uriOf('Documents/icon.png');
    await vscode.workspace.fs.writeFile(uri, png);
    const since = await sb.admin.lastRequestSeq();
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await eventually('the image preview tab', async () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom && t.input.uri.path === uri.path ? t : undefined;
    });
    assert.strictEqual((tab.input as vscode.TabInputCustom).viewType, 'imagePreview.previewEditor');
    await eventually('the preview read the image from KooDrive', async () => (await sb.admin.requests({ since })).some((r) => r.target === 'download'));
  });
});
