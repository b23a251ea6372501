/**
 * The path-addressed file system against the sandbox over real HTTP, with
 * the real hash worker: every assertion reads what the sandbox stored.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import type { Space } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import { recycleItems } from '../../../src/core/organize/organizeItems';
import { sha256Tag } from '../../../src/core/remoteFs/contentTag';
import { DriveChange, DriveChanges } from '../../../src/core/remoteFs/driveChanges';
import { PathResolver } from '../../../src/core/remoteFs/pathResolver';
import { RemoteFileSystem } from '../../../src/core/remoteFs/remoteFileSystem';
import { RemoteFsError } from '../../../src/core/remoteFs/remoteFsErrors';
import { RemotePath } from '../../../src/core/remoteFs/remotePath';
import { describeFsError } from '../../../src/extension/remoteFs/fsErrorMapping';
import { sha256, startWorld, World } from '../../integration/helpers';

describe('remoteFs RemoteFileSystem (sandbox)', function () {
  this.timeout(60_000);
  let w: World;
  let fs: RemoteFileSystem;
  let changes: DriveChanges;
  const events: DriveChange[] = [];
  const at = (...names: string[]): RemotePath => ({ containerId: w.personal.containerId, names });

  before(async () => {
    w = await startWorld({ seed: true });
    changes = new DriveChanges();
    changes.onDidChange((c) => events.push(c));
    fs = new RemoteFileSystem({
      client: w.drive.client,
      dispatcher: w.drive.dispatcher,
      hasher: w.hasher,
      tempDir: await mkdtemp(path.join(w.tmp, 'fs-')),
      changes,
      // A long TTL: anything seen fresh below was made fresh by our own invalidation.
      resolver: new PathResolver(w.drive.client, { ttlMs: 600_000 }),
      spaceOf: async (key): Promise<Space> => {
        if (key !== w.personal.containerId) throw new KooDriveError('NotFound', `no space ${key}`);
        return w.personal;
      },
    });
  });
  after(async () => w?.close());

  const stored = (id: string): Buffer => w.sandbox.store.readContent(id);
  const revisions = (id: string): number => w.sandbox.store.revisions(id).length;
  const downloads = (): number => w.sandbox.requests.filter((r) => r.target === 'download').length;

  it('stats the top level, a folder and a file (size, sha256, edit time from KooDrive)', async () => {
    const root = await fs.stat(at());
    assert.equal(root.kind, 'folder');
    assert.equal(root.id, w.personal.rootFolderId);
    const docs = await fs.stat(at('Documents'));
    assert.equal(docs.kind, 'folder');
    const report = await fs.stat(at('Documents', 'report.txt'));
    assert.equal(report.kind, 'file');
    const content = stored(report.id);
    assert.equal(report.size, content.length);
    assert.equal(report.sha256, sha256(content));
    assert.equal(report.mtimeMs, w.sandbox.store.getFile(report.id)!.editedAt);
  });

  it('reads a file, verified, and refuses one above the limit without downloading it', async () => {
    const { content, stat } = await fs.readFile(at('Projects', 'sample-data.bin'));
    assert.ok(content.equals(stored(stat.id)));
    const before = downloads();
    await assert.rejects(fs.readFile(at('Projects', 'sample-data.bin'), { maxSize: 1024 }), (e) => RemoteFsError.reasonOf(e) === 'tooLarge');
    assert.equal(downloads(), before, 'no download request for a file above the limit');
    await assert.rejects(fs.readFile(at('Documents')), (e) => RemoteFsError.reasonOf(e) === 'isFolder');
  });

  it('creates a file, then saves new content as a revision, and identical content as nothing', async () => {
    events.length = 0;
    const p = at('Documents', 'draft.md');
    const created = await fs.writeFile(p, { bytes: Buffer.from('one\n') }, { create: true, overwrite: false });
    assert.equal(created.outcome, 'created');
    assert.equal(stored(created.fileId).toString(), 'one\n');
    // Visible at once through the long-TTL cache: our write invalidated the folder.
    assert.equal((await fs.stat(p)).id, created.fileId);
    assert.ok(events.some((e) => e.folderIds?.length), 'the change was published');

    const revised = await fs.writeFile(p, { bytes: Buffer.from('two\n') }, { create: false, overwrite: true });
    assert.equal(revised.outcome, 'revised');
    assert.equal(revised.fileId, created.fileId);
    assert.equal(stored(created.fileId).toString(), 'two\n');
    assert.equal(revisions(created.fileId), 2);

    const same = await fs.writeFile(p, { bytes: Buffer.from('two\n') }, { create: false, overwrite: true });
    assert.equal(same.outcome, 'unchanged');
    assert.equal(revisions(created.fileId), 2, 'identical content creates no revision');
  });

  it('honours create/overwrite flags (FileExists / FileNotFound semantics)', async () => {
    await assert.rejects(fs.writeFile(at('Documents', 'report.txt'), { bytes: Buffer.from('x') }, { create: true, overwrite: false }), (e) => KooDriveError.is(e, 'Conflict'));
    await assert.rejects(fs.writeFile(at('Documents', 'nope.txt'), { bytes: Buffer.from('x') }, { create: false, overwrite: true }), (e) => KooDriveError.is(e, 'NotFound'));
    await assert.rejects(fs.writeFile(at('Nope', 'x.txt'), { bytes: Buffer.from('x') }, { create: true, overwrite: true }), (e) => KooDriveError.is(e, 'NotFound'));
    await assert.rejects(fs.writeFile(at('Documents'), { bytes: Buffer.from('x') }, { create: true, overwrite: true }), (e) => RemoteFsError.reasonOf(e) === 'isFolder');
    await assert.rejects(fs.writeFile(at('Documents', 'bad:name'), { bytes: Buffer.from('x') }, { create: true, overwrite: true }), (e) => KooDriveError.is(e, 'InvalidInput'));
  });

  it('a conditional write refuses when the remote sha256 changed and leaves the file untouched', async () => {
    const p = at('Documents', 'guarded.txt');
    const first = await fs.writeFile(p, { bytes: Buffer.from('mine\n') }, { create: true, overwrite: true });
    // Someone else saves a version.
    await fs.writeFile(p, { bytes: Buffer.from('theirs\n') }, { create: false, overwrite: true });
    await assert.rejects(
      fs.writeFile(p, { bytes: Buffer.from('mine, edited\n') }, { create: false, overwrite: true, expected: [sha256Tag(first.sha256)] }),
      (e) => KooDriveError.is(e, 'RemoteChanged'),
    );
    assert.equal(stored(first.fileId).toString(), 'theirs\n');
    assert.equal(revisions(first.fileId), 2);
    const ok = await fs.writeFile(p, { bytes: Buffer.from('mine, edited\n') }, { create: false, overwrite: true, expected: [sha256Tag(sha256(Buffer.from('theirs\n')))] });
    assert.equal(ok.outcome, 'revised');
    assert.equal(revisions(first.fileId), 3);
    // A precondition on a file that is gone: refused, unless missing is fine.
    await assert.rejects(fs.writeFile(at('Documents', 'gone.txt'), { bytes: Buffer.from('x') }, { create: true, overwrite: true, expected: [sha256Tag(first.sha256)] }), (e) => KooDriveError.is(e, 'RemoteChanged'));
    const recreated = await fs.writeFile(at('Documents', 'gone.txt'), { bytes: Buffer.from('x') }, { create: true, overwrite: true, expected: [sha256Tag(first.sha256)], missingOk: true });
    assert.equal(recreated.outcome, 'created');
  });

  it('a file listed without a SHA-256: the condition compares size, edit time and revision, never "always equal"', async () => {
    const p = at('Documents', 'no-sha.txt');
    await fs.writeFile(p, { bytes: Buffer.from('mine 1\n') }, { create: true, overwrite: true });
    w.sandbox.setOmitFileSha256(true);
    try {
      const opened = await fs.stat(p);
      assert.equal(opened.sha256, undefined, 'the sandbox sends no sha256 now');
      // Someone else saves content of the same size.
      const theirs = await fs.writeFile(p, { bytes: Buffer.from('their 2\n') }, { create: false, overwrite: true });
      await assert.rejects(
        fs.writeFile(p, { bytes: Buffer.from('mine 3\n') }, { create: false, overwrite: true, expected: [opened.contentTag] }),
        (e) => KooDriveError.is(e, 'RemoteChanged'),
      );
      assert.equal(stored(theirs.fileId).toString(), 'their 2\n', 'their version is untouched');
      // Against what is there now, the save goes through.
      const now = await fs.stat(p);
      const ok = await fs.writeFile(p, { bytes: Buffer.from('mine 3\n') }, { create: false, overwrite: true, expected: [now.contentTag] });
      assert.equal(ok.outcome, 'revised');
      assert.equal(stored(theirs.fileId).toString(), 'mine 3\n');
    } finally {
      w.sandbox.setOmitFileSha256(false);
    }
  });

  it('a file put in the recycle bin elsewhere is absent although the listing is cached: stat says NotFound, a save creates it again', async () => {
    const gone = await fs.writeFile(at('Documents', 'binned-elsewhere.txt'), { bytes: Buffer.from('old\n') }, { create: true, overwrite: true });
    const opened = await fs.stat(at('Documents', 'binned-elsewhere.txt')); // Documents listed and cached (long TTL)
    const out = await recycleItems(w.drive.client, w.personal, [{ fileId: gone.fileId }]); // someone else, not through fs
    assert.equal(out.resultCode, 1);
    await assert.rejects(fs.stat(at('Documents', 'binned-elsewhere.txt')), (e) => KooDriveError.is(e, 'NotFound'));

    const saved = await fs.writeFile(at('Documents', 'binned-too.txt'), { bytes: Buffer.from('old\n') }, { create: true, overwrite: true });
    const seen = await fs.stat(at('Documents', 'binned-too.txt')); // cached again
    await recycleItems(w.drive.client, w.personal, [{ fileId: saved.fileId }]);
    // The editor's save of a file whose tab is still open: create allowed, missing is fine.
    const again = await fs.writeFile(at('Documents', 'binned-too.txt'), { bytes: Buffer.from('mine\n') }, {
      create: true, overwrite: true, expected: [seen.contentTag, opened.contentTag], missingOk: true,
    });
    assert.equal(again.outcome, 'created');
    assert.notEqual(again.fileId, saved.fileId);
    assert.equal(stored(again.fileId).toString(), 'mine\n');
    assert.equal(w.sandbox.store.getFile(saved.fileId)!.recycled, true, 'the recycled one stays restorable');
  });

  it('creates parent folders on request, and directories with createDirectory', async () => {
    const r = await fs.writeFile(at('New', 'deep', 'er', 'f.txt'), { bytes: Buffer.from('f') }, { create: true, overwrite: true, createParents: true });
    assert.equal(stored(r.fileId).toString(), 'f');
    const dir = await fs.createDirectory(at('Documents', 'Sub'));
    assert.equal(w.sandbox.store.getFile(dir.id)!.kind, 'folder');
    await assert.rejects(fs.createDirectory(at('Documents', 'Sub')), (e) => KooDriveError.is(e, 'Conflict'));
    const entries = await fs.readDirectory(at('Documents'));
    assert.ok(entries.some((e) => e.name === 'Sub' && e.kind === 'folder'));
  });

  it('renames in place, moves across folders (move job), and replaces only with overwrite (old one to the bin)', async () => {
    const a = await fs.writeFile(at('Documents', 'move-me.txt'), { bytes: Buffer.from('m') }, { create: true, overwrite: true });
    await fs.rename(at('Documents', 'move-me.txt'), at('Documents', 'moved.txt'));
    assert.equal(w.sandbox.store.getFile(a.fileId)!.name, 'moved.txt');
    const sub = await fs.stat(at('Documents', 'Sub'));
    await fs.rename(at('Documents', 'moved.txt'), at('Documents', 'Sub', 'renamed-too.txt'));
    const node = w.sandbox.store.getFile(a.fileId)!;
    assert.equal(node.parentId, sub.id);
    assert.equal(node.name, 'renamed-too.txt');
    assert.ok(w.sandbox.requests.some((r) => r.path.endsWith('/jobs') && r.method === 'POST'), 'a move job was used');

    const b = await fs.writeFile(at('Documents', 'Sub', 'other.txt'), { bytes: Buffer.from('o') }, { create: true, overwrite: true });
    await assert.rejects(fs.rename(at('Documents', 'Sub', 'other.txt'), at('Documents', 'Sub', 'renamed-too.txt')), (e) => KooDriveError.is(e, 'Conflict'));
    await fs.rename(at('Documents', 'Sub', 'other.txt'), at('Documents', 'Sub', 'renamed-too.txt'), { overwrite: true });
    assert.equal(w.sandbox.store.getFile(b.fileId)!.name, 'renamed-too.txt');
    assert.equal(w.sandbox.store.getFile(a.fileId)!.recycled, true, 'the replaced file is in the recycle bin');
    await assert.rejects(fs.rename(at('Documents'), at('Documents', 'Sub', 'Documents')), (e) => KooDriveError.is(e, 'InvalidInput'));
  });

  it('a move KooDrive refuses for the item keeps its reason: name taken → FileExists, no permission → NoPermissions, nothing moved', async () => {
    const f = await fs.writeFile(at('Documents', 'refused-move.txt'), { bytes: Buffer.from('r') }, { create: true, overwrite: true });
    const target = await fs.createDirectory(at('Documents', 'Refusing target'));
    const cases = [
      { apiCode: '13000405', code: 'Conflict', kind: 'FileExists' },
      { apiCode: '13000410', code: 'PermissionDenied', kind: 'NoPermissions' },
    ] as const;
    for (const c of cases) {
      const [fault] = [w.sandbox.faults.add({ match: { target: 'api', path: '/jobs', fileId: f.fileId }, action: { kind: 'failItem', code: c.apiCode } })];
      const err = await fs.rename(at('Documents', 'refused-move.txt'), at('Documents', 'Refusing target', 'refused-move.txt')).then(() => undefined, (e: unknown) => e);
      assert.equal(w.sandbox.faults.firings(fault).length, 1, 'the move job met the fault');
      assert.ok(KooDriveError.is(err, c.code), `${c.apiCode}: ${String(err)}`);
      assert.equal(describeFsError(err).kind, c.kind, `${c.apiCode} reaches the Explorer as ${c.kind}`);
      assert.notEqual(w.sandbox.store.getFile(f.fileId)!.parentId, target.id, 'not moved');
    }
  });

  it("a move refused by KooDrive fails with that item's own error, not a generic job failure", async () => {
    await fs.createDirectory(at('Documents', 'Elsewhere'));
    const f = await fs.writeFile(at('Documents', 'binned-meanwhile.txt'), { bytes: Buffer.from('s') }, { create: true, overwrite: true });
    // Our (long-TTL) cache still lists the file; someone else then moves it to the bin.
    await fs.readDirectory(at('Documents', 'Elsewhere'));
    await recycleItems(w.drive.client, w.personal, [{ fileId: f.fileId }]);
    await assert.rejects(fs.rename(at('Documents', 'binned-meanwhile.txt'), at('Documents', 'Elsewhere', 'binned-meanwhile.txt')), (e) =>
      KooDriveError.is(e, 'NotFound') && e.apiCode === 13000306 && /recycle bin/.test(e.message));
    assert.equal(w.sandbox.store.getFile(f.fileId)!.parentId, (await fs.stat(at('Documents'))).id, 'the file did not move');
  });

  it('deletes to the recycle bin; a non-recursive delete of a non-empty folder is refused', async () => {
    const f = await fs.writeFile(at('Documents', 'Sub', 'bin-me.txt'), { bytes: Buffer.from('b') }, { create: true, overwrite: true });
    await assert.rejects(fs.delete(at('Documents', 'Sub'), { recursive: false }), (e) => KooDriveError.is(e, 'InvalidInput'));
    await fs.delete(at('Documents', 'Sub', 'bin-me.txt'));
    assert.equal(w.sandbox.store.getFile(f.fileId)!.recycled, true);
    await assert.rejects(fs.stat(at('Documents', 'Sub', 'bin-me.txt')), (e) => KooDriveError.is(e, 'NotFound'));
    await assert.rejects(fs.delete(at()), (e) => KooDriveError.is(e, 'PermissionDenied'));
  });

  it('stat sees a rename made elsewhere although the listing is cached', async () => {
    const f = await fs.writeFile(at('Documents', 'elsewhere.txt'), { bytes: Buffer.from('e') }, { create: true, overwrite: true });
    await fs.stat(at('Documents', 'elsewhere.txt')); // cached now
    await w.drive.client.renameFile(w.personal, f.fileId, 'elsewhere-2.txt');
    await assert.rejects(fs.stat(at('Documents', 'elsewhere.txt')), (e) => KooDriveError.is(e, 'NotFound'));
    assert.equal((await fs.stat(at('Documents', 'elsewhere-2.txt'))).id, f.fileId);
  });

  it('round-trips names with spaces, unicode, # % & + \' [ ] { } ~, leading dots and 250 characters', async () => {
    const names = ['with space.txt', 'ünïcødé 文件 ✓.md', "a#b%c&d+e'f[g]h{i}j~k.txt", '.hidden', '..leading-dots', 'x'.repeat(246) + '.txt'];
    for (const name of names) {
      const data = randomBytes(100);
      const r = await fs.writeFile(at('Documents', name), { bytes: data }, { create: true, overwrite: true });
      assert.equal(w.sandbox.store.getFile(r.fileId)!.name, name);
      assert.ok((await fs.readFile(at('Documents', name))).content.equals(data), name);
    }
    const listed = (await fs.readDirectory(at('Documents'))).map((e) => e.name);
    for (const name of names) assert.ok(listed.includes(name), name);
  });

  it('publishes changes made by others into its cache (tree commands share the event source)', async () => {
    const docs = await fs.stat(at('Documents'));
    await fs.stat(at('Documents', 'report.txt')); // Documents listing cached
    const item = await w.drive.client.createFolder(w.personal, docs.id, 'from-tree');
    await assert.rejects(fs.stat(at('Documents', 'from-tree')), (e) => KooDriveError.is(e, 'NotFound'));
    changes.publish({ space: w.personal, folderIds: [docs.id], origin: 'tree' });
    assert.equal((await fs.stat(at('Documents', 'from-tree'))).id, item.id);
  });
});
