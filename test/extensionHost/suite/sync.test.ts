/**
 * Folder sync in a real VS Code (docs/sync.md "In VS Code"): link a folder
 * inside the workspace to a KooDrive folder through the real command and
 * prompts, then read what the Source Control view holds (its groups and
 * resource states, through the test hooks), the files on disk and what the
 * sandbox stores. "Someone else" changing KooDrive is a second client with
 * its own connection.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { staticCredentials } from '../../../src/core/api/credentials';
import { HashPool } from '../../../src/core/hash/hashPool';
import { createKooDrive } from '../../../src/core/koodrive';
import { RemoteFileSystem } from '../../../src/core/remoteFs/remoteFileSystem';
import type { SyncController } from '../../../src/extension/sync/syncController';
import { extension, sandbox, scratchDir } from '../env';
import { eventually, personalSpaceLabel, signInToSandbox, testHooks } from '../helpers';
import { TestUserInput } from '../testUserInput';

/** Another person's writes and deletes on KooDrive: a second, independent client. */
async function asSomeoneElse(fn: (fs: RemoteFileSystem, containerId: string) => Promise<void>): Promise<void> {
  const sb = sandbox();
  const drive = createKooDrive({ endpoint: sb.url, credentials: staticCredentials({ token: sb.token, userId: sb.userId }) });
  const hasher = new HashPool({ workerPath: path.join(extension().extensionPath, 'dist', 'hashWorker.js'), size: 1 });
  try {
    const personal = await drive.client.getPersonalSpace(sb.userId);
    const other = new RemoteFileSystem({ client: drive.client, dispatcher: drive.dispatcher, hasher, tempDir: scratchDir('someone-else'), spaceOf: async () => personal });
    await fn(other, personal.containerId);
  } finally {
    await hasher.close();
    await drive.close();
  }
}

const writeRemote = (names: string[], content: string) =>
  asSomeoneElse((other, containerId) => other.writeFile({ containerId, names }, { bytes: Buffer.from(content) }, { create: true, overwrite: true }).then(() => undefined));

/** Runs a command with no prompt expected; fails on any error message it shows. */
async function runCommand(command: string, ...args: unknown[]): Promise<void> {
  const ui = new TestUserInput();
  try {
    await ui.run(command, ...args);
    const errors = ui.messages.filter((m) => m.severity !== 'info');
    assert.deepStrictEqual(errors.map((m) => m.message), [], `${command} showed no warning or error`);
  } finally {
    ui.dispose();
  }
}

async function syncHooks(): Promise<SyncController> {
  const hooks = (await testHooks()) as unknown as { sync?: SyncController };
  assert.ok(hooks.sync, 'the test hooks expose the sync controller (activate() passes it to registerTestMode)');
  return hooks.sync;
}

type Rows = Record<'conflicts' | 'upload' | 'download', string[]>;

/** The view's groups of the link at `root`: "M notes.md" per row (the letter from the tooltip, "~" for strike-through). */
async function rows(root: string): Promise<Rows> {
  const sync = await syncHooks();
  const real = fs.realpathSync(root);
  const view = sync.linkViews().find((v) => v.link.localRoot === real);
  assert.ok(view, `no Source Control entry for ${real}; links: ${JSON.stringify(sync.linkViews().map((v) => v.link.localRoot))}`);
  const of = (g: vscode.SourceControlResourceGroup): string[] =>
    g.resourceStates.map((r) => {
      // The letter VS Code shows: the file decoration's badge (and the tooltip starts with it).
      const letter = sync.decorationOf(r.resourceUri)?.badge ?? '?';
      assert.ok(String(r.decorations?.tooltip ?? '').startsWith(`${letter} · `), `tooltip of ${r.resourceUri.fsPath}`);
      return `${letter} ${path.relative(real, r.resourceUri.fsPath).split(path.sep).join('/')}${r.decorations?.strikeThrough ? ' ~' : ''}`;
    });
  return { conflicts: of(view.groups.conflicts), upload: of(view.groups.upload), download: of(view.groups.download) };
}

async function waitForRows(root: string, want: Partial<Rows>, what: string): Promise<Rows> {
  let last: Rows | undefined;
  try {
    return await eventually(what, async () => {
      last = await rows(root);
      for (const k of Object.keys(want) as Array<keyof Rows>) if (JSON.stringify(last[k]) !== JSON.stringify(want[k])) return undefined;
      return last;
    }, 30_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; the view shows ${JSON.stringify(last)}`);
  }
}

async function resourceState(root: string, group: 'conflicts' | 'upload' | 'download', rel: string): Promise<vscode.SourceControlResourceState> {
  const sync = await syncHooks();
  const view = sync.linkViews().find((v) => v.link.localRoot === fs.realpathSync(root));
  const r = view?.groups[group].resourceStates.find((s) => s.resourceUri.fsPath === path.join(fs.realpathSync(root), rel));
  assert.ok(r, `${rel} is not under ${group}`);
  return r;
}

async function scmOf(root: string): Promise<vscode.SourceControl> {
  const view = (await syncHooks()).linkViews().find((v) => v.link.localRoot === fs.realpathSync(root));
  assert.ok(view);
  return view.scm;
}

describe('folder sync (Source Control view)', () => {
  const remoteName = `sync-${Date.now().toString(36)}`;
  let root: string;
  let personal: string;

  before(async () => {
    // Signed in by the session suite; signs in itself when run alone (KOODRIVE_EXTHOST_GREP).
    if (await personalSpaceLabel().then(() => false, () => true)) await signInToSandbox();
    personal = await personalSpaceLabel();
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(ws, 'the harness opens a workspace folder');
    root = path.join(ws, remoteName);
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'notes.md'), '# Notes\n\nfirst line\n');
    await asSomeoneElse(async (other, containerId) => {
      await other.createDirectory({ containerId, names: [remoteName] });
      await other.writeFile({ containerId, names: [remoteName, 'hello.txt'] }, { bytes: Buffer.from('hello from KooDrive\n') }, { create: true, overwrite: false });
    });
  });

  it('links a folder, previews the first sync, and after Sync both sides hold both files', async () => {
    const sb = sandbox();
    const ui = new TestUserInput();
    try {
      ui.pick(personal).pick(remoteName).pick('Sync with This Folder')
        .answer(/^First sync of/, 'Sync Now');
      await ui.run('koodrive.syncFolder', vscode.Uri.file(root));
      const preview = ui.messages.find((m) => /^First sync of/.test(m.message));
      assert.ok(preview, 'the first sync asked first');
    } finally {
      ui.dispose();
    }
    assert.strictEqual(fs.readFileSync(path.join(root, 'hello.txt'), 'utf8'), 'hello from KooDrive\n', 'the remote file came down');
    const notes = await sb.admin.getPath(`${remoteName}/notes.md`);
    assert.strictEqual((await sb.admin.content(notes.id)).toString('utf8'), '# Notes\n\nfirst line\n', 'the local file went up');
    await waitForRows(root, { conflicts: [], upload: [], download: [] }, 'an empty view after the first sync');
    // The state is the CLI's: under KOODRIVE_STATE_DIR/sync/links.
    const stateDir = process.env.KOODRIVE_STATE_DIR;
    assert.ok(stateDir, 'the harness gives the extension host its own KOODRIVE_STATE_DIR');
    assert.ok(fs.readdirSync(path.join(stateDir, 'sync', 'links')).some((n) => n.endsWith('.json')), 'the link is in the shared state directory');
    // One 'sync' run in the Transfers view.
    const hooks = (await testHooks()) as unknown as { transfers: vscode.TreeDataProvider<unknown> };
    const runs = await Promise.all(((await hooks.transfers.getChildren()) ?? []).map((n) => hooks.transfers.getTreeItem(n)));
    assert.ok(runs.some((r) => String(typeof r.label === 'string' ? r.label : r.label?.label).startsWith(`⇅ ${remoteName}`)), `a ⇅ run in the Transfers view: ${JSON.stringify(runs.map((r) => r.label))}`);
  });

  it('local edits and additions show under To upload, a remote edit under To download; the quick diff original is the synced version; Sync applies them', async () => {
    const sb = sandbox();
    fs.writeFileSync(path.join(root, 'notes.md'), '# Notes\n\nfirst line, edited here\n');
    fs.writeFileSync(path.join(root, 'added.txt'), 'new here\n');
    // The file system watcher finds the local changes (no refresh command).
    await waitForRows(root, { upload: ['A added.txt', 'M notes.md'], download: [], conflicts: [] }, 'local changes under To upload');
    const sync = await syncHooks();
    assert.match(sync.statusBarText() ?? '', /KooDrive ↑2/);

    // The gutter's original: the version of the last sync, read through the koodrive: file system, read-only.
    const scm = await scmOf(root);
    const original = await scm.quickDiffProvider?.provideOriginalResource?.(vscode.Uri.file(path.join(root, 'notes.md')), new vscode.CancellationTokenSource().token);
    assert.ok(original, 'a quick diff original for a synced file');
    assert.strictEqual(original.scheme, 'koodrive');
    assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(original)).toString('utf8'), '# Notes\n\nfirst line\n');
    assert.ok(((await vscode.workspace.fs.stat(original)).permissions ?? 0) & vscode.FilePermission.Readonly, 'read-only');

    await writeRemote([remoteName, 'hello.txt'], 'hello, edited on KooDrive\n');
    await vscode.commands.executeCommand('koodrive.syncRefresh', scm);
    await waitForRows(root, { upload: ['A added.txt', 'M notes.md'], download: ['M hello.txt'], conflicts: [] }, 'the remote edit under To download');

    await runCommand('koodrive.syncNow', scm);
    await waitForRows(root, { upload: [], download: [], conflicts: [] }, 'an empty view after Sync');
    assert.strictEqual(fs.readFileSync(path.join(root, 'hello.txt'), 'utf8'), 'hello, edited on KooDrive\n');
    const notes = await sb.admin.getPath(`${remoteName}/notes.md`);
    assert.strictEqual((await sb.admin.content(notes.id)).toString('utf8'), '# Notes\n\nfirst line, edited here\n');
    assert.strictEqual((await sb.admin.file(notes.id)).revisions.length, 2, 'the edit is a new version of the same file');
    assert.strictEqual((await sb.admin.content((await sb.admin.getPath(`${remoteName}/added.txt`)).id)).toString('utf8'), 'new here\n');
  });

  it('a file changed on both sides is a conflict; Keep Both keeps the local one under a conflict name and takes the remote one', async () => {
    const sb = sandbox();
    fs.writeFileSync(path.join(root, 'hello.txt'), 'hello, mine\n');
    await writeRemote([remoteName, 'hello.txt'], 'hello, theirs\n');
    await vscode.commands.executeCommand('koodrive.syncRefresh', await scmOf(root));
    await waitForRows(root, { conflicts: ['C hello.txt'], upload: [], download: [] }, 'the conflict');

    await runCommand('koodrive.syncKeepBoth', await resourceState(root, 'conflicts', 'hello.txt'));
    await waitForRows(root, { conflicts: [], upload: [], download: [] }, 'no conflict after Keep Both');
    assert.strictEqual(fs.readFileSync(path.join(root, 'hello.txt'), 'utf8'), 'hello, theirs\n', 'the remote version has the name');
    const aside = fs.readdirSync(root).filter((n) => /^hello \(conflict .*\)\.txt$/.test(n));
    assert.strictEqual(aside.length, 1, `one conflict copy: ${fs.readdirSync(root).join(', ')}`);
    assert.strictEqual(fs.readFileSync(path.join(root, aside[0]), 'utf8'), 'hello, mine\n', 'the local version is kept under the conflict name');
    const up = await sb.admin.getPath(`${remoteName}/${aside[0]}`);
    assert.strictEqual((await sb.admin.content(up.id)).toString('utf8'), 'hello, mine\n', 'and uploaded');
    assert.strictEqual((await sb.admin.content((await sb.admin.getPath(`${remoteName}/hello.txt`)).id)).toString('utf8'), 'hello, theirs\n');
  });

  it('Keep Local and Keep Remote resolve a conflict one way each', async () => {
    const sb = sandbox();
    fs.writeFileSync(path.join(root, 'notes.md'), 'notes: mine\n');
    fs.writeFileSync(path.join(root, 'added.txt'), 'added: mine\n');
    await writeRemote([remoteName, 'notes.md'], 'notes: theirs\n');
    await writeRemote([remoteName, 'added.txt'], 'added: theirs\n');
    await vscode.commands.executeCommand('koodrive.syncRefresh', await scmOf(root));
    await waitForRows(root, { conflicts: ['C added.txt', 'C notes.md'], upload: [], download: [] }, 'two conflicts');

    await runCommand('koodrive.syncKeepLocal', await resourceState(root, 'conflicts', 'notes.md'));
    await runCommand('koodrive.syncKeepRemote', await resourceState(root, 'conflicts', 'added.txt'));
    await waitForRows(root, { conflicts: [], upload: [], download: [] }, 'no conflicts left');
    assert.strictEqual((await sb.admin.content((await sb.admin.getPath(`${remoteName}/notes.md`)).id)).toString('utf8'), 'notes: mine\n');
    assert.strictEqual(fs.readFileSync(path.join(root, 'notes.md'), 'utf8'), 'notes: mine\n');
    assert.strictEqual(fs.readFileSync(path.join(root, 'added.txt'), 'utf8'), 'added: theirs\n');
  });

  it('a remote delete shows struck through under To download; Download removes the local file', async () => {
    await asSomeoneElse((other, containerId) => other.delete({ containerId, names: [remoteName, 'added.txt'] }));
    await vscode.commands.executeCommand('koodrive.syncRefresh', await scmOf(root));
    await waitForRows(root, { download: ['D added.txt ~'], upload: [], conflicts: [] }, 'the remote delete');
    await runCommand('koodrive.syncDownload', await resourceState(root, 'download', 'added.txt'));
    await waitForRows(root, { download: [], upload: [], conflicts: [] }, 'nothing left after Download');
    assert.strictEqual(fs.existsSync(path.join(root, 'added.txt')), false, 'the local file is gone (to the trash)');
  });

  it('koodrive.sync.uploadOnSave: a save goes up at once; when KooDrive changed the file since the last sync, it becomes a conflict instead', async () => {
    const sb = sandbox();
    const config = vscode.workspace.getConfiguration('koodrive');
    await config.update('sync.uploadOnSave', true, vscode.ConfigurationTarget.Global);
    const remoteText = async (): Promise<string> => (await sb.admin.content((await sb.admin.getPath(`${remoteName}/notes.md`)).id)).toString('utf8');
    try {
      const doc = await vscode.workspace.openTextDocument(path.join(root, 'notes.md'));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'saved: '));
      await doc.save();
      await eventually('the save on KooDrive', async () => (await remoteText()) === 'saved: notes: mine\n');
      await waitForRows(root, { conflicts: [], upload: [], download: [] }, 'nothing left after the upload on save');

      await writeRemote([remoteName, 'notes.md'], 'notes: theirs again\n');
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'again '));
      await doc.save();
      await waitForRows(root, { conflicts: ['C notes.md'], upload: [], download: [] }, 'the save is a conflict');
      assert.strictEqual(await remoteText(), 'notes: theirs again\n', 'KooDrive keeps the other change');
      assert.strictEqual(fs.readFileSync(path.join(root, 'notes.md'), 'utf8'), 'again saved: notes: mine\n', 'and the saved file is as saved');
    } finally {
      await config.update('sync.uploadOnSave', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('Unlink keeps both sides as they are and removes the Source Control entry', async () => {
    const sb = sandbox();
    const before = fs.readdirSync(root).sort();
    const ui = new TestUserInput();
    try {
      ui.answer(/^Unlink /, 'Unlink');
      await ui.run('koodrive.unlinkFolder', await scmOf(root));
    } finally {
      ui.dispose();
    }
    const sync = await syncHooks();
    await eventually('the entry is gone', async () => !sync.linkViews().some((v) => v.link.localRoot === fs.realpathSync(root)));
    assert.deepStrictEqual(fs.readdirSync(root).sort(), before, 'local files untouched');
    assert.ok(await sb.admin.getPath(`${remoteName}/notes.md`), 'remote files untouched');
  });
});
