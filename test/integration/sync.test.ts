/**
 * Folder sync against the sandbox over real HTTP, real files and the real
 * hash pool: both sides changed between runs, moves, deletions (recycle bin /
 * local trash), conflicts with each resolution, and changes made between the
 * scan and the apply (conflicts, never overwrites).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPlan } from '../../src/core/sync/applyPlan';
import { folderTrash } from '../../src/core/sync/localTrash';
import { linkFolder, syncStatus } from '../../src/core/sync/syncRun';
import { SyncStateStore } from '../../src/core/sync/syncState';
import type { SyncEvent, SyncLink } from '../../src/core/sync/syncTypes';
import { recycleItems } from '../../src/core/organize/organizeItems';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { startWorld, World } from './helpers';
import { localContents, remoteContents, runSync, sorted, syncContext, writeFiles } from './syncSupport';

describe('folder sync (core, against the sandbox)', function () {
  this.timeout(60_000);
  let w: World;
  let n = 0;
  let local: string;
  let stateDir: string;
  let folderId: string;
  let link: SyncLink;

  before(async () => {
    w = await startWorld({ seed: false });
  });
  after(() => w?.close());
  beforeEach(async () => {
    n++;
    local = path.join(w.tmp, `local${n}`);
    stateDir = path.join(w.tmp, `state${n}`);
    fs.mkdirSync(local, { recursive: true });
    folderId = (await w.drive.client.createFolder(w.personal, w.personal.rootFolderId, `synced${n}`)).id;
  });

  const doLink = async (): Promise<SyncLink> => (link = await linkFolder(syncContext(w, stateDir), local, { space: w.personal, folderId, remotePath: `/synced${n}` }));
  const remote = (): Record<string, string> => sorted(remoteContents(w.sandbox, w.personal.containerId, folderId));
  const here = (): Record<string, string> => sorted(localContents(local));
  const remoteId = (p: string): string => {
    let parent = folderId;
    const names = p.split('/');
    for (const [i, name] of names.entries()) {
      const f = w.sandbox.store.findByName(w.personal.containerId, parent, name);
      if (!f) throw new Error(`no remote ${p}`);
      if (i === names.length - 1) return f.id;
      parent = f.id;
    }
    throw new Error('unreachable');
  };
  const putRemote = async (p: string, text: string): Promise<void> => {
    const tmp = path.join(w.tmp, `up-${Date.now()}-${Math.random()}`);
    fs.writeFileSync(tmp, text);
    let target;
    try {
      target = { kind: 'revision' as const, space: w.personal, fileId: remoteId(p) };
    } catch {
      const slash = p.lastIndexOf('/');
      const parent = slash < 0 ? folderId : remoteId(p.slice(0, slash));
      target = { kind: 'file' as const, space: w.personal, parentFolderId: parent, fileName: p.slice(slash + 1), conflict: 'fail' as const };
    }
    await uploadFile(w.deps({ resume: false }), tmp, target);
  };

  it('first sync: uploads what is only local, downloads what is only remote, records what is equal', async () => {
    writeFiles(local, { 'a.txt': 'A', 'sub/b.txt': 'B', 'same.txt': 'S' });
    await putRemote('r.txt', 'R');
    await putRemote('same.txt', 'S');
    await doLink();
    const before = w.sandbox.requests.filter((r) => r.path.endsWith('/files/create')).length;
    const r = await runSync(w, stateDir, local);
    assert.equal(r.stopped, false);
    assert.deepEqual(r.applied!.failed, []);
    assert.deepEqual(here(), { 'a.txt': 'A', 'r.txt': 'R', 'same.txt': 'S', 'sub/b.txt': 'B' });
    assert.deepEqual(remote(), here());
    // same.txt was equal on both sides: recorded, not uploaded again (2 creates: a.txt, sub/b.txt).
    assert.equal(w.sandbox.requests.filter((q) => q.path.endsWith('/files/create')).length - before, 2);
    const st = await new SyncStateStore(stateDir).load(link.id);
    assert.deepEqual([...st!.base.keys()].sort(), ['a.txt', 'r.txt', 'same.txt', 'sub/b.txt']);
    assert.equal(st!.base.get('r.txt')!.fileId, remoteId('r.txt'));
  });

  it('both sides changed between runs: edits, additions, deletions and a move reach the other side; nothing is lost', async () => {
    writeFiles(local, { 'a.txt': 'A', 'sub/b.txt': 'B', 'c.txt': 'C', 'd.txt': 'D', 'e.txt': 'E' });
    await doLink();
    await runSync(w, stateDir, local);
    const eId = remoteId('e.txt');
    const cId = remoteId('c.txt');
    // Local: edit a, delete c, add n, move e into sub/ under a new name.
    writeFiles(local, { 'a.txt': 'A2', 'n.txt': 'N' });
    fs.rmSync(path.join(local, 'c.txt'));
    fs.renameSync(path.join(local, 'e.txt'), path.join(local, 'sub/e2.txt'));
    // KooDrive: edit sub/b, delete d, add r.
    await putRemote('sub/b.txt', 'B2');
    await recycleItems(w.drive.client, w.personal, [{ fileId: remoteId('d.txt') }]);
    await putRemote('r.txt', 'R');

    const status = await syncStatus(syncContext(w, stateDir), local);
    assert.deepEqual(status.plan.changes.map((c) => [c.path, c.state]), [
      ['a.txt', 'localModified'], ['c.txt', 'localDeleted'], ['d.txt', 'remoteDeleted'], ['n.txt', 'localAdded'],
      ['r.txt', 'remoteAdded'], ['sub/b.txt', 'remoteModified'], ['sub/e2.txt', 'localAdded'],
    ]);
    const r = await runSync(w, stateDir, local);
    assert.deepEqual(r.applied!.failed, []);
    assert.deepEqual(r.applied!.conflicts, []);
    const expected = { 'a.txt': 'A2', 'n.txt': 'N', 'r.txt': 'R', 'sub/b.txt': 'B2', 'sub/e2.txt': 'E' };
    assert.deepEqual(here(), expected);
    assert.deepEqual(remote(), expected);
    // The move kept the KooDrive file (same id), the local delete went to the recycle bin, the remote delete to the local trash.
    assert.equal(remoteId('sub/e2.txt'), eId);
    assert.equal(w.sandbox.store.getFile(cId)!.inRecycleBin, true);
    assert.equal(r.applied!.trashed.length, 1);
    assert.equal(fs.readFileSync(r.applied!.trashed[0].where, 'utf8'), 'D');
    assert.ok(r.applied!.trashed[0].where.startsWith(path.join(stateDir, 'sync', 'trash', link.id)));
    // A new version, not a new file: the old content stays in KooDrive's history.
    assert.deepEqual(w.sandbox.store.revisions(remoteId('a.txt')).map((v) => v.sha256 !== undefined).length, 2);

    const again = await syncStatus(syncContext(w, stateDir), local);
    assert.deepEqual(again.plan.changes, []);
    assert.deepEqual(again.plan.summary, { toUpload: 0, toDownload: 0, conflicts: 0, unchanged: 5 });
  });

  it('an edit beats a delete, on either side', async () => {
    writeFiles(local, { 'x.txt': 'X', 'y.txt': 'Y', 'keep.txt': 'K' });
    await doLink();
    await runSync(w, stateDir, local);
    fs.rmSync(path.join(local, 'x.txt'));
    await putRemote('x.txt', 'X-edited-remotely');
    writeFiles(local, { 'y.txt': 'Y-edited-locally' });
    await recycleItems(w.drive.client, w.personal, [{ fileId: remoteId('y.txt') }]);
    const r = await runSync(w, stateDir, local);
    assert.deepEqual(r.applied!.failed, []);
    const expected = { 'keep.txt': 'K', 'x.txt': 'X-edited-remotely', 'y.txt': 'Y-edited-locally' };
    assert.deepEqual(here(), expected);
    assert.deepEqual(remote(), expected);
  });

  it('conflicts: skip leaves both; keep-both ends with both on both sides; local makes a revision; remote trashes the local copy', async () => {
    writeFiles(local, { 'k.txt': 'base', 'l.txt': 'base', 'r.txt': 'base' });
    await doLink();
    await runSync(w, stateDir, local);
    for (const p of ['k.txt', 'l.txt', 'r.txt']) {
      writeFiles(local, { [p]: `local ${p}` });
      await putRemote(p, `remote ${p}`);
    }
    const skipped = await runSync(w, stateDir, local);
    assert.equal(skipped.plan.summary.conflicts, 3);
    assert.deepEqual(skipped.plan.actions.filter((a) => a.kind !== 'record'), []);
    assert.equal(fs.readFileSync(path.join(local, 'k.txt'), 'utf8'), 'local k.txt');

    const when = new Date(2026, 0, 2, 3, 4, 5);
    const events: SyncEvent[] = [];
    const r = await runSync(w, stateDir, local, { resolutions: new Map([['k.txt', 'keep-both'], ['l.txt', 'local'], ['r.txt', 'remote']]), onEvent: (e) => events.push(e) });
    void when;
    assert.deepEqual(r.applied!.failed, []);
    assert.deepEqual(r.applied!.conflicts, []);
    const mine = here();
    const aside = Object.keys(mine).find((p) => p.startsWith('k (conflict '));
    assert.ok(aside && /^k \(conflict \d{4}-\d\d-\d\d \d{6}\)\.txt$/.test(aside), aside);
    assert.deepEqual(mine, { [aside!]: 'local k.txt', 'k.txt': 'remote k.txt', 'l.txt': 'local l.txt', 'r.txt': 'remote r.txt' });
    assert.deepEqual(remote(), mine);
    // 'local': the remote version stays in the history; 'remote': the local version is in the trash.
    const lRevs = w.sandbox.store.revisions(remoteId('l.txt'));
    assert.ok(lRevs.length >= 3, `l.txt has ${lRevs.length} versions`);
    assert.equal(r.applied!.trashed.length, 1);
    assert.equal(fs.readFileSync(r.applied!.trashed[0].where, 'utf8'), 'local r.txt');
    assert.ok(events.some((e) => e.kind === 'trashed' && e.path === 'r.txt'));
  });

  it('a change made between the scan and the apply becomes a conflict, never an overwrite', async () => {
    writeFiles(local, { 'up.txt': 'base', 'down.txt': 'base', 'del.txt': 'base' });
    await doLink();
    await runSync(w, stateDir, local);
    writeFiles(local, { 'up.txt': 'local edit' });
    await putRemote('down.txt', 'remote edit');
    await recycleItems(w.drive.client, w.personal, [{ fileId: remoteId('del.txt') }]);
    const { plan } = await syncStatus(syncContext(w, stateDir), local);
    assert.deepEqual(plan.actions.map((a) => `${a.kind}:${a.path}`), ['download:down.txt', 'uploadRevision:up.txt', 'trashLocal:del.txt']);
    // Meanwhile: KooDrive's up.txt changes, and down.txt and del.txt are edited locally.
    await putRemote('up.txt', 'remote edit meanwhile');
    await new Promise((r) => setTimeout(r, 20));
    writeFiles(local, { 'down.txt': 'local edit meanwhile', 'del.txt': 'local edit meanwhile' });
    const state = (await new SyncStateStore(stateDir).load(link.id))!;
    const journal = await new SyncStateStore(stateDir).openJournal(link.id);
    const result = await applyPlan({ client: w.drive.client, dispatcher: w.drive.dispatcher, hasher: w.hasher, trash: folderTrash(stateDir, link.id) }, plan, { base: state.base, journal });
    await journal.close();
    assert.deepEqual(result.conflicts.sort(), ['del.txt', 'down.txt', 'up.txt']);
    assert.deepEqual(result.failed, []);
    assert.equal(remoteContents(w.sandbox, w.personal.containerId, folderId)['up.txt'], 'remote edit meanwhile');
    assert.deepEqual(here(), { 'del.txt': 'local edit meanwhile', 'down.txt': 'local edit meanwhile', 'up.txt': 'local edit' });
  });

  it('stops before changing anything when a listing fails part-way', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `content ${i}`;
    writeFiles(local, files);
    await doLink();
    await runSync(w, stateDir, local, { concurrency: 8 });
    fs.rmSync(path.join(local, 'f000.txt'));
    writeFiles(local, { 'new.txt': 'N' });
    const seq = w.sandbox.requests.at(-1)?.seq ?? 0;
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/0', fileId: folderId }, action: { kind: 'status', status: 500 }, skip: 1, times: 50 });
    try {
      const r = await runSync(w, stateDir, local);
      assert.equal(r.stopped, true);
      assert.deepEqual(r.plan.stops.map((s) => s.rule), ['listingIncomplete']);
      assert.ok(w.sandbox.faults.firings().length > 0, 'the fault fired');
      assert.deepEqual(w.sandbox.requests.filter((q) => q.seq > seq && (q.method === 'PUT' || /create|complete|jobs|rename|directory/.test(q.path))), []);
    } finally {
      w.sandbox.faults.reset();
    }
    assert.equal(Object.keys(remote()).length, 150);
  });
});
