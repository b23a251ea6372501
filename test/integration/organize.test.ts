/**
 * Search, move, copy and the recycle bin through core, against the sandbox
 * over real HTTP: paging, cancelling a stale search, folders with content
 * (bytes checked after a copy), partial job failure, clash reports, restore,
 * emptying the bin, and a job polled through a transient 503.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Space } from '../../src/core/api/models';
import { KooDriveError } from '../../src/core/errors';
import {
  copyItems, deletePermanently, emptyRecycleBin, moveItems, recycleItems, restoreItems,
} from '../../src/core/organize/organizeItems';
import { listRecycleBin } from '../../src/core/organize/recycleBin';
import { searchDrive } from '../../src/core/organize/search';
import { listSpaces } from '../../src/core/spaces';
import { TestClient } from '../sandbox/testing/client';
import { requestsTo, startWorld, World } from './helpers';

describe('organize through core (search, move, copy, recycle bin)', function () {
  this.timeout(60_000);
  let w: World;
  let tc: TestClient;
  let pc: string;
  let spaces: Space[];

  before(async () => {
    w = await startWorld({ seed: true });
    tc = new TestClient(w.sandbox);
    pc = w.sandbox.personalContainerId;
    spaces = await listSpaces(w.drive.client, w.sandbox.userId);
  });
  after(() => w?.close());
  afterEach(() => {
    w.sandbox.faults.clear();
    w.sandbox.setJobRunMs(0);
  });

  const mkdir = async (name: string, parent = 'root', containerId = pc): Promise<string> =>
    (await tc.ok('/directory', { fileName: name, fileType: '10', containerId, parentFolder: [parent] })).id;
  const upload = async (name: string, parent = 'root', data: Buffer = randomBytes(2000), containerId = pc): Promise<string> =>
    (await tc.upload({ containerId, parent, name, data })).fileId;
  const childNames = (folderId: string, containerId = pc): string[] => w.sandbox.store.listChildren(containerId, folderId).map((f) => f.name);

  describe('search', () => {
    let folder: string;
    before(async () => {
      folder = await mkdir('zebra-folder');
      for (let i = 0; i < 12; i++) await upload(`zebra-${String(i).padStart(2, '0')}.txt`, folder, Buffer.from(`z${i}`));
      const eng = w.sandbox.teams.find((t) => t.name === 'Engineering');
      assert.ok(eng);
      await upload('zebra-team.txt', 'root', Buffer.from('team'), eng.containerId);
    });

    it('pages one space with the cursor and gives folder paths without the root segment', async () => {
      const personal = spaces.find((s) => s.kind === 'personal') as Space;
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await searchDrive(w.drive.client, { keyword: 'zebra-', scope: { space: personal }, cursor, pageSize: 5 });
        for (const r of page.results) {
          names.push(r.item.name);
          assert.equal(r.containerId, pc);
          if (!r.item.isFolder) {
            assert.equal(r.folderPath, 'zebra-folder');
            assert.deepEqual(r.folderIds, [folder]);
          }
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3); // 13 hits (folder + 12 files), 5 a page
      assert.equal(new Set(names).size, 13);
      assert.ok(!names.includes('zebra-team.txt'));
    });

    it('searches all spaces: personal results first, then the team spaces', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchDrive(w.drive.client, { keyword: 'zebra', scope: { all: spaces }, cursor, pageSize: 100 });
        seen.push(...page.results.map((r) => `${r.space?.kind}:${r.item.name}`));
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(seen.length, 14);
      assert.equal(seen[seen.length - 1], 'department:zebra-team.txt');
    });

    it('pages past the first page of team results with the all-spaces cursor', async () => {
      // The opaque cursor says which phase (personal, then team) it continues: a team
      // cursor read back as a personal one would repeat or lose results.
      const eng = w.sandbox.teams.find((t) => t.name === 'Engineering');
      assert.ok(eng);
      const teamNames = Array.from({ length: 7 }, (_, i) => `quagga-team-${i}.txt`);
      for (const n of teamNames) await upload(n, 'root', Buffer.from(n), eng.containerId);
      for (const n of ['quagga-mine-0.txt', 'quagga-mine-1.txt']) await upload(n, 'root', Buffer.from(n));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await searchDrive(w.drive.client, { keyword: 'quagga-', scope: { all: spaces }, cursor, pageSize: 3 });
        seen.push(...page.results.map((r) => `${r.containerId === pc ? 'personal' : 'team'}:${r.item.name}`));
        cursor = page.nextCursor;
        assert.ok(++pages < 10, 'the cursor ends');
      } while (cursor);
      assert.deepEqual(seen.slice(0, 2).sort(), ['personal:quagga-mine-0.txt', 'personal:quagga-mine-1.txt']);
      assert.deepEqual(seen.slice(2).sort(), teamNames.map((n) => `team:${n}`).sort(), 'every team hit once, after the personal ones');
      const teamSearches = w.sandbox.requests.filter((r) => r.path.endsWith('/files/search') && (r.bodyJson as { searchType?: string })?.searchType === 'team');
      assert.ok(teamSearches.some((r) => (r.bodyJson as { pageInfo?: { pageCursor?: string } }).pageInfo?.pageCursor), 'a team page was asked for with a cursor');
    });

    it('checks the keyword before sending anything', async () => {
      const before = requestsTo(w.sandbox, '/files/search').length;
      for (const bad of ['two words', 'x'.repeat(81), '']) {
        await assert.rejects(searchDrive(w.drive.client, { keyword: bad, scope: { all: spaces } }), (e: unknown) => KooDriveError.is(e, 'InvalidInput'));
      }
      assert.equal(requestsTo(w.sandbox, '/files/search').length, before);
    });

    it('a newer search cancels the stale one in flight', async () => {
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/search' }, action: { kind: 'delay', ms: 3000 }, times: 1 });
      const stale = new AbortController();
      const started = Date.now();
      const first = searchDrive(w.drive.client, { keyword: 'zeb', scope: { all: spaces }, signal: stale.signal });
      await new Promise((r) => setTimeout(r, 100));
      stale.abort();
      await assert.rejects(first, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
      assert.ok(Date.now() - started < 2500, 'the stale request did not wait for the slow answer');
      const fresh = await searchDrive(w.drive.client, { keyword: 'zebra-0', scope: { all: spaces } });
      assert.equal(fresh.results.length, 10);
    });
  });

  it('moves a folder with its content and copies one deeply, bytes and all, into another space', async () => {
    const src = await mkdir('move-src');
    const sub = await mkdir('inner', src);
    const data1 = randomBytes(70_000);
    const data2 = randomBytes(5_000);
    const f1 = await upload('one.bin', src, data1);
    const f2 = await upload('two.bin', sub, data2);
    const dst = await mkdir('move-dst');
    const personal = spaces.find((s) => s.kind === 'personal') as Space;

    const moved = await moveItems(w.drive.client, personal, [{ fileId: src, name: 'move-src' }], { space: personal, folderId: dst });
    assert.equal(moved.resultCode, 1);
    assert.deepEqual(childNames(dst), ['move-src']);
    assert.equal(w.sandbox.store.getFile(f2)?.parentId, sub);

    const team = spaces.find((s) => s.kind === 'group') as Space;
    const copied = await copyItems(w.drive.client, personal, [{ fileId: src }], { space: team, folderId: team.rootFolderId });
    assert.equal(copied.resultCode, 1);
    const copyId = copied.items[0].newFileId as string;
    assert.ok(copyId && copyId !== src);
    const copy = w.sandbox.store.getFile(copyId);
    assert.equal(copy?.containerId, team.containerId);
    const copyOne = w.sandbox.store.findByName(team.containerId, copyId, 'one.bin');
    const copyInner = w.sandbox.store.findByName(team.containerId, copyId, 'inner');
    const copyTwo = w.sandbox.store.findByName(team.containerId, copyInner?.id as string, 'two.bin');
    assert.ok(copyOne && copyTwo);
    assert.notEqual(copyOne.id, f1);
    assert.ok(w.sandbox.store.readContent(copyOne.id).equals(data1));
    assert.ok(w.sandbox.store.readContent(copyTwo.id).equals(data2));
    // The original is untouched.
    assert.ok(w.sandbox.store.readContent(f1).equals(data1));
  });

  it('reports a partly failed job item by item and a clash rename, never silently', async () => {
    const dst = await mkdir('partial-dst');
    const taken = await upload('taken.txt', dst, Buffer.from('already there'));
    const incoming = await upload('taken.txt', 'root', Buffer.from('incoming'));
    const fine = await upload('fine.txt');
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const out = await moveItems(w.drive.client, personal, [
      { fileId: fine, name: 'fine.txt' }, { fileId: 'Fdoesnotexist', name: 'ghost' }, { fileId: incoming, name: 'taken.txt' },
    ], { space: personal, folderId: dst });
    assert.equal(out.resultCode, 2);
    assert.equal(out.items[0].ok, true);
    assert.equal(out.items[1].ok, false);
    assert.equal(out.items[1].errorCode, 'NotFound');
    assert.equal(out.items[1].apiCode, '13000309');
    assert.match(out.items[1].reason ?? '', /not found/);
    assert.equal(out.items[2].ok, true);
    assert.match(out.items[2].renamedTo ?? '', /^taken_\d{8}_\d{6}\.txt$/);
    assert.equal(w.sandbox.store.readContent(taken).toString(), 'already there');
    assert.equal(w.sandbox.store.getFile(incoming)?.name, out.items[2].renamedTo);
  });

  it('a copy job of several items gives each item its own copy, past a failed item in the middle', async () => {
    // newFileIds holds the copies of the items that succeeded, in request order: each must land on its own item.
    const src = await mkdir('multi-copy-src');
    const dst = await mkdir('multi-copy-dst');
    const names = ['first.txt', 'second.txt', 'third.txt'];
    const ids: string[] = [];
    for (const n of names) ids.push(await upload(n, src, Buffer.from(`content of ${n}`)));
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const out = await copyItems(w.drive.client, personal, [
      { fileId: ids[0], name: names[0] }, { fileId: 'Fdoesnotexist', name: 'ghost' }, { fileId: ids[1], name: names[1] }, { fileId: ids[2], name: names[2] },
    ], { space: personal, folderId: dst });
    assert.equal(out.resultCode, 2);
    assert.deepEqual(out.items.map((x) => [x.name, x.ok]), [[names[0], true], ['ghost', false], [names[1], true], [names[2], true]]);
    assert.equal(out.items[1].newFileId, undefined, 'a failed item has no copy');
    for (const x of out.items.filter((i) => i.ok)) {
      const copy = w.sandbox.store.getFile(x.newFileId as string);
      assert.equal(copy?.name, x.name, `${x.name} is mapped to its own copy`);
      assert.equal(copy?.parentId, dst);
      assert.equal(w.sandbox.store.readContent(copy.id).toString(), `content of ${x.name}`);
    }
    assert.deepEqual(childNames(dst).sort(), [...names].sort());
  });

  it('a job that ends failed without saying which items failed marks every item of it failed', async () => {
    // The service's job answer is not documented in detail: a failed job without a failedList
    // (left out here by the sandbox) must not be read as "every item went through".
    const dst = await mkdir('unlisted-dst');
    const fine = await upload('unlisted-fine.txt');
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const fault = w.sandbox.faults.add({ match: { target: 'api', method: 'GET', path: '/koodrive/ose/v1/' }, action: { kind: 'omitField', field: 'failedList' } });
    const out = await moveItems(w.drive.client, personal, [
      { fileId: fine, name: 'unlisted-fine.txt' }, { fileId: 'Fdoesnotexist', name: 'ghost' },
    ], { space: personal, folderId: dst });
    assert.equal(w.sandbox.faults.firings(fault).length, 1, 'the job answer came without its failedList');
    assert.equal(out.resultCode, 3);
    for (const x of out.items) {
      assert.equal(x.ok, false, `${x.name} is not reported done`);
      assert.equal(x.errorCode, 'ApiError');
      assert.match(x.reason ?? '', /taskResultCode 2/);
    }
  });

  it('recycles, lists the bin with the original folder, restores (clash reported), deletes for good and empties', async () => {
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const docs = await mkdir('bin-docs');
    const a = await upload('a.txt', docs, Buffer.from('old a'));
    const b = await upload('b.txt', docs, Buffer.from('b'));
    const c = await upload('c.txt', 'root', Buffer.from('c'));
    assert.equal((await recycleItems(w.drive.client, personal, [{ fileId: a }, { fileId: b }, { fileId: c }])).resultCode, 1);

    const bin = await listRecycleBin(w.drive.client, personal, { rootFolderId: personal.rootFolderId });
    const entry = bin.items.find((x) => x.item.id === a);
    assert.equal(entry?.originalFolder, 'bin-docs');
    assert.ok(entry?.deletedTime);
    assert.equal(bin.items.find((x) => x.item.id === c)?.originalFolder, '');

    // A new a.txt took the name meanwhile: the restore keeps both and says so.
    const newA = await upload('a.txt', docs, Buffer.from('new a'));
    const restored = await restoreItems(w.drive.client, personal, [{ fileId: a, name: 'a.txt' }]);
    assert.equal(restored.resultCode, 1);
    assert.match(restored.items[0].renamedTo ?? '', /^a_\d{8}_\d{6}\.txt$/);
    assert.equal(w.sandbox.store.readContent(newA).toString(), 'new a');
    assert.equal(w.sandbox.store.readContent(a).toString(), 'old a');
    assert.equal(w.sandbox.store.getFile(a)?.parentId, docs);

    const gone = await deletePermanently(w.drive.client, personal, [{ fileId: b }]);
    assert.equal(gone.resultCode, 1);
    assert.equal(w.sandbox.store.getFile(b), undefined);

    assert.equal((await emptyRecycleBin(w.drive.client, personal)).resultCode, 1);
    assert.equal(w.sandbox.store.getFile(c), undefined);
    assert.equal((await listRecycleBin(w.drive.client, personal)).items.length, 0);
  });

  it('cancelling while the bin looks up where its items came from cancels the listing', async () => {
    // A failed lookup shows the folder as unknown; a cancelled one must not pass for that.
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const dir = await mkdir('lookup-cancelled');
    const f = await upload('lookup.txt', dir);
    await recycleItems(w.drive.client, personal, [{ fileId: f }]);
    const fault = w.sandbox.faults.add({ match: { target: 'api', method: 'GET', path: '/files/path' }, action: { kind: 'delay', ms: 3000 }, times: 100 });
    const ctl = new AbortController();
    const listing = listRecycleBin(w.drive.client, personal, { rootFolderId: personal.rootFolderId, signal: ctl.signal });
    for (const deadline = Date.now() + 30_000; w.sandbox.faults.firings(fault).length === 0;) {
      assert.ok(Date.now() < deadline, 'the folder lookup was sent');
      await new Promise((r) => setTimeout(r, 10));
    }
    ctl.abort();
    await assert.rejects(listing, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
  });

  it('restores to the top of the space when the original folder is in the bin, and says so', async () => {
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const dir = await mkdir('vanishing');
    const f = await upload('orphan.txt', dir, Buffer.from('orphan'));
    await recycleItems(w.drive.client, personal, [{ fileId: f }]);
    await recycleItems(w.drive.client, personal, [{ fileId: dir }]);
    const out = await restoreItems(w.drive.client, personal, [{ fileId: f }]);
    assert.equal(out.items[0].ok, true);
    assert.equal(out.items[0].restoredToRoot, true);
    assert.ok(childNames('root').includes('orphan.txt'));
  });

  it('polls a running job to the end through a transient 503, reporting progress', async () => {
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const f = await upload('slow-move.txt');
    const dst = await mkdir('slow-dst');
    w.sandbox.setJobRunMs(800);
    w.sandbox.faults.add({ match: { target: 'api', method: 'GET', path: '/koodrive/ose/v1/' }, action: { kind: 'status', status: 503 }, times: 1 });
    const seen: number[] = [];
    const out = await moveItems(w.drive.client, personal, [{ fileId: f }], { space: personal, folderId: dst }, {
      pollMs: 50, onProgress: (p) => seen.push(p.status),
    });
    assert.equal(out.resultCode, 1);
    assert.equal(w.sandbox.store.getFile(f)?.parentId, dst);
    assert.ok(seen.length >= 1 && seen.every((s) => s === 1), `saw running states: ${seen.join(',')}`);
    const jobPolls = w.sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/koodrive/ose/v1/${out.jobIds[0]}`);
    assert.ok(jobPolls.some((r) => r.status === 503), 'the 503 was served');
    assert.equal(jobPolls[jobPolls.length - 1].status, 200);
  });

  it('stops waiting for a running job when cancelled', async () => {
    const personal = spaces.find((s) => s.kind === 'personal') as Space;
    const f = await upload('cancel-me.txt');
    w.sandbox.setJobRunMs(10_000);
    const ctl = new AbortController();
    const out = moveItems(w.drive.client, personal, [{ fileId: f }], { space: personal, folderId: await mkdir('never') }, {
      pollMs: 50, signal: ctl.signal, onProgress: () => ctl.abort(),
    });
    await assert.rejects(out, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
  });
});
