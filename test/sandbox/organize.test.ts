/**
 * The sandbox's side of "organize": jobs that stay running for a while,
 * restore when the original folder is gone, clash renames reported by the
 * job, and search (paging, folder filters, recursion, limits, team spaces).
 */
import * as assert from 'node:assert/strict';
import type { Sandbox, SandboxTeam } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { TestClient } from './testing/client';

describe('sandbox organize: running jobs, restore, search', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  let root: string;
  before(async () => {
    sb = await startSandbox({ seed: false });
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    root = sb.personalRootId;
  });
  after(() => sb.close());
  afterEach(() => sb.setJobRunMs(0));

  const mkdir = async (fileName: string, parent = 'root'): Promise<string> =>
    (await c.ok('/directory', { fileName, fileType: '10', containerId: pc, parentFolder: [parent] })).id;
  const file = async (name: string, parent = 'root', data = Buffer.from(name)): Promise<string> =>
    (await c.upload({ containerId: pc, parent, name, data })).fileId;
  const job = async (taskType: number, actionType: number | undefined, fileInfo: { fileId: string; filePath?: string }[], extra: Record<string, unknown> = {}) =>
    (await c.ok('/jobs', { taskType, actionType, taskInfo: { srcContainerId: pc, fileInfo, ...extra }, dstContainerId: pc })).jobId as string;
  const poll = async (jobId: string) => (await c.get(`/${jobId}`)).body;
  const recycle = (id: string, parents: string[] = []) => job(2, 201, [{ fileId: id, filePath: `/${[root, ...parents, id].join('/')}` }]);

  it('keeps a job running for the configured time, then does the work', async () => {
    const dir = await mkdir('slow-dst');
    const f = await file('slow.txt');
    sb.setJobRunMs(600);
    const jobId = await job(3, 301, [{ fileId: f }], { newFilePath: dir });
    const first = await poll(jobId);
    assert.equal(first.status, 1, 'still running right after the POST');
    assert.equal(first.taskResultCode, undefined);
    assert.ok(first.progress >= 0 && first.progress < 100);
    // Nothing has moved yet.
    assert.equal(sb.store.getFile(f)?.parentId, root);
    let last = first;
    while (last.status === 1) {
      await new Promise((r) => setTimeout(r, 50));
      last = await poll(jobId);
    }
    assert.equal(last.status, 2);
    assert.equal(last.taskResultCode, 1);
    assert.equal(last.progress, 100);
    assert.equal(sb.store.getFile(f)?.parentId, dir);
  });

  it('the admin API changes the running time', async () => {
    const set = await fetch(`${sb.url}/__sandbox/jobs`, { method: 'POST', body: JSON.stringify({ runMs: 5000 }) });
    assert.equal(((await set.json()) as { runMs: number }).runMs, 5000);
    const bad = await fetch(`${sb.url}/__sandbox/jobs`, { method: 'POST', body: JSON.stringify({ runMs: -1 }) });
    assert.equal(bad.status, 400);
    const f = await file('admin-slow.txt');
    const jobId = await recycle(f);
    assert.equal((await poll(jobId)).status, 1);
    const state = (await (await fetch(`${sb.url}/__sandbox/jobs`)).json()) as { running: number };
    assert.equal(state.running, 1);
  });

  it('restores into the original folder, or to the root (reported) when that folder is in the bin', async () => {
    const dir = await mkdir('orig');
    const a = await file('a.txt', dir);
    const b = await file('b.txt', dir);
    await recycle(a, [dir]);
    let j = await poll(await job(4, undefined, [{ fileId: a }]));
    assert.equal(j.taskResultCode, 1);
    assert.deepEqual(j.restoredToRoot, []);
    assert.equal(sb.store.getFile(a)?.parentId, dir);

    await recycle(b, [dir]);
    await recycle(dir);
    j = await poll(await job(4, undefined, [{ fileId: b }]));
    assert.equal(j.taskResultCode, 1);
    assert.deepEqual(j.restoredToRoot, [b]);
    assert.equal(sb.store.getFile(b)?.parentId, root);
    assert.equal(sb.store.getFile(b)?.inRecycleBin, false);
  });

  it('reports clash renames of copy, move and restore instead of overwriting', async () => {
    const dst = await mkdir('clash-dst');
    const original = await file('same.txt', dst, Buffer.from('original'));
    const incoming = await file('same.txt', 'root', Buffer.from('incoming'));
    const j = await poll(await job(3, 301, [{ fileId: incoming }], { newFilePath: dst }));
    assert.equal(j.taskResultCode, 1);
    assert.equal(j.renamedList.length, 1);
    assert.equal(j.renamedList[0].fileId, incoming);
    assert.equal(j.renamedList[0].name, 'same.txt');
    assert.match(j.renamedList[0].newName, /^same_\d{8}_\d{6}\.txt$/);
    assert.equal(sb.store.readContent(original).toString(), 'original');
    assert.equal(sb.store.readContent(incoming).toString(), 'incoming');
  });

  describe('search', () => {
    let docs: string;
    before(async () => {
      docs = await mkdir('searchdocs');
      const sub = await mkdir('nested', docs);
      for (let i = 0; i < 7; i++) await file(`needle-${i}.txt`, docs);
      await file('needle-deep.txt', sub);
      await file('other.bin');
    });
    const search = (body: Record<string, unknown>) => c.ok('/files/search', { searchType: 'personal', ...body });

    it('matches names case-insensitively and pages with nextPageCursor', async () => {
      const seen: string[] = [];
      let cursor = '';
      let pages = 0;
      for (;;) {
        const r = await search({ filter: { keyWord: 'NEEDLE' }, pageInfo: { pageSize: 3, pageCursor: cursor } });
        assert.equal(r.total, 8);
        seen.push(...r.files.map((f: { fileName: string }) => f.fileName));
        pages++;
        if (!r.nextPageCursor) break;
        cursor = r.nextPageCursor;
      }
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 8);
      const deep = (await search({ filter: { keyWord: 'needle-deep' } })).files[0];
      assert.equal(deep.namePath, `/root${pc}/searchdocs/nested/needle-deep.txt`);
      assert.equal(deep.containerId, pc);
    });

    it('filters by folder, recursively only with recursived', async () => {
      const flat = await search({ filter: { keyWord: 'needle', containerId: pc, parentFolder: docs } });
      assert.equal(flat.total, 7);
      const deep = await search({ filter: { keyWord: 'needle', containerId: pc, parentFolder: docs }, recursived: true });
      assert.equal(deep.total, 8);
      await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'needle', parentFolder: docs } }, 13000102);
    });

    it('enforces the keyword rules and the search type', async () => {
      await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'two words' } }, 13000102);
      await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'x'.repeat(81) } }, 13000102);
      await c.fails('/files/search', { filter: { keyWord: 'needle' } }, 13000414);
      await c.fails('/files/search', { searchType: 'everything', filter: { keyWord: 'needle' } }, 13000413);
      await c.fails('/files/search', { searchType: 'personal', filter: { keyWord: 'needle' }, pageInfo: { pageSize: 101 } }, 13000102);
    });
  });

  it('searches team spaces with searchType team', async () => {
    const s2 = await startSandbox();
    try {
      const c2 = new TestClient(s2);
      const eng = s2.teams.find((t) => t.name === 'Engineering') as SandboxTeam;
      await c2.upload({ containerId: eng.containerId, parent: 'root', name: 'team-only-findme.txt', data: Buffer.from('t') });
      const team = await c2.ok('/files/search', { searchType: 'team', filter: { keyWord: 'findme' } });
      assert.equal(team.total, 1);
      assert.equal(team.files[0].containerId, eng.containerId);
      assert.equal(team.files[0].teamName, 'Engineering');
      const personal = await c2.ok('/files/search', { searchType: 'personal', filter: { keyWord: 'findme' } });
      assert.equal(personal.total, 0);
    } finally {
      await s2.close();
    }
  });
});
