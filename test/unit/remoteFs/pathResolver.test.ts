/**
 * Path resolution and its listing cache against the sandbox over real HTTP:
 * the requests the sandbox recorded show what was (and was not) listed.
 */
import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import { PathResolver } from '../../../src/core/remoteFs/pathResolver';
import { RemoteFsError } from '../../../src/core/remoteFs/remoteFsErrors';
import { startWorld, World } from '../../integration/helpers';

function listCalls(w: World, since: number): number {
  return w.sandbox.requests.filter((r) => r.seq > since && r.method === 'POST' && /\/files\/0$/.test(r.path)).length;
}

function lastSeq(w: World): number {
  return w.sandbox.requests.length ? w.sandbox.requests[w.sandbox.requests.length - 1].seq : 0;
}

describe('remoteFs PathResolver (sandbox)', function () {
  this.timeout(60_000);
  let w: World;
  let clock = 0;

  before(async () => {
    w = await startWorld({ seed: true });
    const tc = w.drive.client;
    const root = w.personal.rootFolderId;
    // Same-prefix siblings: a lookup must take the exact name only.
    for (const name of ['report', 'report.txt.bak', 'Report.txt', 'report.txt ']) {
      await tc.createFolder(w.personal, root, name);
    }
    // A deep chain: a/b/c/d/e/f/g/h.
    let parent = root;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) parent = (await tc.createFolder(w.personal, parent, name)).id;
  });
  after(async () => w?.close());

  const resolver = (ttlMs = 60_000, maxFolders?: number): PathResolver =>
    new PathResolver(w.drive.client, { ttlMs, maxFolders, now: () => clock });

  it('takes the exact name among same-prefix siblings (no prefix, case or trailing-space match)', async () => {
    const r = resolver();
    const all = await r.list(w.personal, w.personal.rootFolderId);
    for (const name of ['report', 'report.txt.bak', 'Report.txt', 'report.txt ']) {
      const got = await r.resolve(w.personal, [name]);
      assert.equal(got.kind, 'item');
      assert.equal(got.kind === 'item' && got.item.name, name);
      assert.equal(got.kind === 'item' && got.item.id, all.byName.get(name)!.id);
    }
    await assert.rejects(r.resolve(w.personal, ['report.txt']), (e) => KooDriveError.is(e, 'NotFound') && /"report\.txt" does not exist on KooDrive: there is no "report\.txt" at the top of the space/.test(e.message));
    await assert.rejects(r.resolve(w.personal, ['REPORT']), (e) => KooDriveError.is(e, 'NotFound'));
  });

  it('reads every page of a folder with more than 100 children', async () => {
    const r = resolver();
    const since = lastSeq(w);
    const last = await r.resolve(w.personal, ['Many files', 'file-150.txt']);
    assert.equal(last.kind === 'item' && last.item.name, 'file-150.txt');
    const listing = await r.list(w.personal, last.kind === 'item' ? last.parentFolderId : '');
    assert.equal(listing.items.length, 150);
    assert.equal(new Set(listing.items.map((i) => i.name)).size, 150);
    // root (1 page) + "Many files" (2 pages of 100); the second list() above came from the cache.
    assert.equal(listCalls(w, since), 3);
  });

  it('resolves deep paths one folder at a time, and names the first missing segment', async () => {
    const r = resolver();
    const h = await r.resolve(w.personal, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    assert.equal(h.kind === 'item' && h.item.isFolder, true);
    const folderId = await r.resolveFolder(w.personal, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    assert.equal(folderId, h.kind === 'item' ? h.item.id : '');
    await assert.rejects(r.resolve(w.personal, ['a', 'b', 'x', 'd']), (e) => KooDriveError.is(e, 'NotFound') && e.subject === 'a/b/x');
    // A file in the middle of a path is not a folder.
    await assert.rejects(r.resolve(w.personal, ['Welcome.md', 'x']), (e) => RemoteFsError.reasonOf(e) === 'notFolder');
    assert.deepEqual(await r.resolve(w.personal, []), { kind: 'root', folderId: w.personal.rootFolderId });
  });

  it('serves repeated lookups from the cache until the TTL, then lists again', async () => {
    clock = 1_000;
    const r = resolver(5_000);
    const since = lastSeq(w);
    await r.resolve(w.personal, ['Documents', 'report.txt']);
    const first = listCalls(w, since);
    assert.equal(first, 2);
    await r.resolve(w.personal, ['Documents', 'report.txt']);
    await r.resolve(w.personal, ['Documents', 'meeting-notes.md']);
    assert.equal(listCalls(w, since), first, 'fresh listings are not fetched again');
    clock += 5_001;
    await r.resolve(w.personal, ['Documents', 'report.txt']);
    assert.equal(listCalls(w, since), first + 2, 'expired listings are fetched again');
  });

  it('sees our own change at once after invalidateFolder (no waiting for the TTL)', async () => {
    clock = 50_000;
    const r = resolver(600_000);
    await assert.rejects(r.resolve(w.personal, ['Documents', 'fresh']), (e) => KooDriveError.is(e, 'NotFound'));
    const documents = await r.resolveFolder(w.personal, ['Documents']);
    await w.drive.client.createFolder(w.personal, documents, 'fresh');
    // Still cached: the change is invisible...
    await assert.rejects(r.resolve(w.personal, ['Documents', 'fresh']), (e) => KooDriveError.is(e, 'NotFound'));
    // ...until the writer invalidates the folder it changed.
    r.invalidateFolder(w.personal, documents);
    const got = await r.resolve(w.personal, ['Documents', 'fresh']);
    assert.equal(got.kind === 'item' && got.item.name, 'fresh');
  });

  it('keeps at most maxFolders listings, dropping the least recently used', async () => {
    const r = resolver(600_000, 2);
    const root = w.personal.rootFolderId;
    const a = await r.resolveFolder(w.personal, ['a']); // lists root
    const b = await r.resolveFolder(w.personal, ['a', 'b']); // lists a
    assert.equal(r.cachedFolders, 2);
    // Root is the older entry; reading it makes it the most recently used...
    let since = lastSeq(w);
    await r.list(w.personal, root);
    assert.equal(listCalls(w, since), 0, 'root came from the cache');
    // ...so listing a third folder drops "a", not root (first in, first out would drop root).
    await r.list(w.personal, b);
    assert.equal(r.cachedFolders, 2);
    since = lastSeq(w);
    await r.list(w.personal, root);
    assert.equal(listCalls(w, since), 0, 'root, used recently, was kept');
    await r.list(w.personal, a);
    assert.equal(listCalls(w, since), 1, '"a", the least recently used, was dropped and is listed again');
    assert.equal(r.cachedFolders, 2);
  });

  it('an invalidation while a listing is in flight: the older answer is not cached', async () => {
    // The listing is real; the test holds its answer back until the folder has
    // changed and been invalidated, as happens when our own write finishes
    // while a stat of the same folder is still waiting for its listing.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered!: () => void;
    const fetched = new Promise<void>((resolve) => (answered = resolve));
    let holdNext = false;
    const client = {
      listFiles: async (...args: Parameters<typeof w.drive.client.listFiles>) => {
        const page = await w.drive.client.listFiles(...args);
        if (holdNext) {
          holdNext = false;
          answered();
          await held;
        }
        return page;
      },
    };
    const r = new PathResolver(client, { ttlMs: 600_000, now: () => clock });
    const documents = await r.resolveFolder(w.personal, ['Documents']); // root is cached now
    holdNext = true;
    const stale = r.list(w.personal, documents);
    await fetched; // the service has answered, without the folder created below
    await w.drive.client.createFolder(w.personal, documents, 'made-while-listing');
    r.invalidateFolder(w.personal, documents);
    release();
    assert.ok(!(await stale).byName.has('made-while-listing'), 'the held answer predates the change');
    const since = lastSeq(w);
    const got = await r.resolve(w.personal, ['Documents', 'made-while-listing']);
    assert.equal(got.kind === 'item' && got.item.name, 'made-while-listing');
    assert.equal(listCalls(w, since), 1, 'the folder was listed again after the invalidation');
  });

  it('shares one listing request between concurrent lookups', async () => {
    const r = resolver();
    const since = lastSeq(w);
    await Promise.all([r.resolve(w.personal, ['Projects']), r.resolve(w.personal, ['Documents']), r.resolve(w.personal, ['Welcome.md'])]);
    assert.equal(listCalls(w, since), 1);
  });
});
