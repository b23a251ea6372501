import * as assert from 'node:assert/strict';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import type { Store } from '../../src/sandbox/store';
import { TestClient } from './testing/client';

/** What the sandbox keeps indexed instead of scanning (listing order across pages, names per folder, used bytes). */
describe('sandbox indexes: paged listings, name clashes, used bytes', () => {
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  before(async () => {
    sb = await startSandbox({ seed: false });
    c = new TestClient(sb);
    pc = sb.personalContainerId;
  });
  after(() => sb.close());

  const folder = async (name: string, parent = 'root'): Promise<string> =>
    (await c.ok('/directory', { fileName: name, fileType: '10', containerId: pc, parentFolder: [parent] })).id as string;
  const file = async (name: string, parent: string, data = Buffer.from(name)): Promise<string> =>
    (await c.upload({ containerId: pc, parent, name, data })).fileId;
  const page = async (parent: string, pageSize: number, pageCursor?: string): Promise<{ names: string[]; next?: string }> => {
    const r = await c.ok('/files/0', { containerId: pc, parentFileId: parent, pageInfo: { pageSize, ...(pageCursor ? { pageCursor } : {}) } });
    return { names: (r.files as Array<{ fileName: string }>).map((f) => f.fileName), next: r.nextCursor as string | undefined };
  };

  it('pages a folder in order, every child once; a change between pages shows on the next page', async () => {
    const dir = await folder('paged');
    for (const n of ['c.txt', 'e.txt', 'g.txt', 'i.txt', 'k.txt']) await file(n, dir);
    await folder('z-sub', dir);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await page(dir, 2, cursor);
      all.push(...p.names);
      cursor = p.next;
    } while (cursor);
    assert.deepEqual(all, ['z-sub', 'c.txt', 'e.txt', 'g.txt', 'i.txt', 'k.txt'], 'folders first, then by name');

    const first = await page(dir, 2);
    assert.deepEqual(first.names, ['z-sub', 'c.txt']);
    // Two new names sort before the cursor's position: the next page is taken from the new order, not a stale one.
    await file('a.txt', dir);
    await file('b.txt', dir);
    const second = await page(dir, 2, first.next);
    assert.deepEqual(second.names, ['b.txt', 'c.txt']);
    // A rename between pages re-sorts as well.
    const kId = sb.store.findByName(pc, dir, 'k.txt')!.id;
    await c.ok(`/files/rename/${kId}`, { containerId: pc, name: 'aa.txt' });
    const third = await page(dir, 3, second.next);
    assert.deepEqual(third.names, ['c.txt', 'e.txt', 'g.txt']);
  });

  it('name clashes follow renames, moves and deletes', async () => {
    const a = await folder('names-a');
    const b = await folder('names-b');
    const id = await file('report.txt', a);
    await c.fails('/directory', { fileName: 'report.txt', fileType: '10', containerId: pc, parentFolder: [a] }, 13000405);
    await c.ok(`/files/rename/${id}`, { containerId: pc, name: 'renamed.txt' });
    // The old name is free, the new one is taken.
    await folder('report.txt', a);
    await c.fails(`/files/rename/${id}`, { containerId: pc, name: 'report.txt' }, 13000405);
    const clash = await c.fails('/directory', { fileName: 'renamed.txt', fileType: '10', containerId: pc, parentFolder: [a] }, 13000405);
    assert.equal(clash.existFileId, id);
    // Moved to b: its name is free in a and taken in b.
    const moved = (await c.ok('/jobs', { taskType: 3, actionType: 301, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: id }], newFilePath: b }, dstContainerId: pc })).jobId as string;
    assert.equal((await c.get(`/${moved}`)).body.status, 2);
    await folder('renamed.txt', a);
    await c.fails('/directory', { fileName: 'renamed.txt', fileType: '10', containerId: pc, parentFolder: [b] }, 13000405);
    // Deleted to the bin: the name is free again.
    const bin = (await c.ok('/jobs', { taskType: 2, actionType: 201, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: id, filePath: `/${sb.store.rootId(pc)}/${b}/${id}` }] }, dstContainerId: pc })).jobId as string;
    assert.equal((await c.get(`/${bin}`)).body.status, 2);
    assert.equal(sb.store.getFile(id)?.recycled, true);
    await folder('renamed.txt', b);
  });

  it("a space's used bytes follow uploads, revisions and deletes for good", async () => {
    const store = sb.store as unknown as Store;
    const before = store.spaceUsed(pc);
    const dir = await folder('used');
    const id = await file('u.bin', dir, Buffer.alloc(1000, 1));
    assert.equal(store.spaceUsed(pc), before + 1000);
    await file('v.bin', dir, Buffer.alloc(234, 2));
    assert.equal(store.spaceUsed(pc), before + 1234);
    const del = (await c.ok('/jobs', { taskType: 2, actionType: 202, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: id }] }, dstContainerId: pc })).jobId as string;
    assert.equal((await c.get(`/${del}`)).body.status, 2);
    assert.equal(store.spaceUsed(pc), before + 234);
  });
});
