import * as assert from 'node:assert/strict';
import type { Sandbox, SandboxTeam } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { TestClient } from './testing/client';

describe('sandbox jobs', () => {
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

  const mkdir = async (fileName: string, parent = 'root'): Promise<string> =>
    (await c.ok('/directory', { fileName, fileType: '10', containerId: pc, parentFolder: [parent] })).id;
  const file = async (name: string, parent = 'root'): Promise<string> =>
    (await c.upload({ containerId: pc, parent, name, data: Buffer.from(name) })).fileId;
  const job = (taskType: number, actionType: number | undefined, fileInfo: { fileId: string; filePath?: string }[], extra: Record<string, unknown> = {}) =>
    c.post('/jobs', { taskType, actionType, taskInfo: { srcContainerId: pc, fileInfo, ...extra }, dstContainerId: pc });
  const poll = async (jobId: string) => (await c.get(`/${jobId}`)).body;
  const names = (parent = 'root') => sb.store.listChildren(pc, parent).map((f) => f.name);

  it('deletes to the bin (filePath required), lists the bin, restores', async () => {
    const a = await file('a.txt');
    await c.fails('/jobs', { taskType: 2, actionType: 201, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: a }] }, dstContainerId: pc }, 13000102);
    const r = await job(2, 201, [{ fileId: a, filePath: `/${root}/${a}` }]);
    assert.equal(r.body.code, 0, r.text);
    const j = await poll(r.body.jobId);
    assert.equal(j.status, 2);
    assert.equal(j.taskResultCode, 1);
    assert.ok(!names().includes('a.txt'));
    const bin = await c.ok('/files/1', { containerId: pc, parentFileId: 'root', sortInfo: { sortType: 5, sortDirection: 2 } });
    assert.deepEqual(bin.files.map((f: { fileName: string }) => f.fileName), ['a.txt']);
    assert.equal(bin.files[0].recycled, true);
    // Deleting it again fails per item.
    const again = await job(2, 201, [{ fileId: a, filePath: `/${root}/${a}` }]);
    const ja = await poll(again.body.jobId);
    assert.equal(ja.taskResultCode, 3);
    assert.deepEqual(ja.failedList.map((f: { code: string }) => f.code), ['13000306']);
    // A name taken meanwhile: restore keeps both.
    await file('a.txt');
    const res = await job(4, undefined, [{ fileId: a }]);
    assert.equal((await poll(res.body.jobId)).taskResultCode, 1);
    assert.equal(names().filter((n) => n.startsWith('a')).length, 2);
    const notInBin = await poll((await job(4, undefined, [{ fileId: a }])).body.jobId);
    assert.equal(notInBin.failedList[0].code, '13000303');
  });

  it('hides the content of a recycled folder and refuses to work in it', async () => {
    const dir = await mkdir('d1');
    const inner = await file('inner.txt', dir);
    await job(2, 201, [{ fileId: dir, filePath: `/${root}/${dir}` }]);
    await c.fails('/files/0', { containerId: pc, parentFileId: dir }, 13000306);
    const binDir = await c.ok('/files/1', { containerId: pc, parentFileId: dir });
    assert.deepEqual(binDir.files.map((f: { id: string }) => f.id), [inner]);
    const d = await c.ok(`/files/${inner}/detail`, { containerId: pc });
    assert.equal(d.recycled, true);
    await c.fails('/directory', { fileName: 'x', fileType: '10', containerId: pc, parentFolder: [dir] }, 13000305);
    const s = await c.ok('/files/search', { searchType: 'personal', filter: { keyWord: 'inner' } });
    assert.equal(s.total, 0);
    const sr = await c.ok('/files/search', { searchType: 'personal', filter: { keyWord: 'inner' }, recycled: true });
    assert.equal(sr.total, 1);
  });

  it('deletes permanently and empties the bin', async () => {
    const p = await file('perm.txt');
    await job(2, 202, [{ fileId: p }]);
    assert.equal(sb.store.getFile(p), undefined);
    const q = await file('q.txt');
    await job(2, 201, [{ fileId: q, filePath: `/${root}/${q}` }]);
    const e = await c.ok('/jobs', { taskType: 7, actionType: 701, taskInfo: { srcContainerId: pc }, dstContainerId: pc });
    assert.equal((await poll(e.jobId)).status, 2);
    assert.equal(sb.store.getFile(q), undefined);
    const bin = await c.ok('/files/1', { containerId: pc, parentFileId: 'root' });
    assert.equal(bin.files.length, 0);
  });

  it('moves and copies, with the folder rules', async () => {
    const src = await mkdir('src');
    const dst = await mkdir('dst');
    const sub = await mkdir('sub', src);
    const f = await file('m.txt', src);
    await file('deep.txt', sub);
    let r = await job(3, 301, [{ fileId: f }], { newFilePath: `/${root}/${dst}` });
    assert.equal((await poll(r.body.jobId)).taskResultCode, 1);
    assert.deepEqual(names(dst), ['m.txt']);
    r = await job(3, 301, [{ fileId: f }], { newFilePath: dst });
    assert.equal((await poll(r.body.jobId)).failedList[0].code, '13000312');
    r = await job(3, 301, [{ fileId: src }], { newFilePath: sub });
    assert.equal((await poll(r.body.jobId)).failedList[0].code, '13000307');
    r = await job(3, 301, [{ fileId: src }], { newFilePath: f });
    assert.equal(r.body.code, 13000304);
    r = await job(1, 101, [{ fileId: src }], { newFilePath: dst });
    const copied = await poll(r.body.jobId);
    assert.equal(copied.taskResultCode, 1);
    const copyId = copied.newFileIds[0];
    assert.notEqual(copyId, src);
    const copySub = sb.store.findByName(pc, copyId, 'sub');
    assert.ok(copySub);
    assert.deepEqual(sb.store.readContent(sb.store.findByName(pc, copySub.id, 'deep.txt')?.id as string).toString(), 'deep.txt');
    // Copy next to itself keeps both.
    r = await job(1, 101, [{ fileId: f }], { newFilePath: dst });
    assert.equal(names(dst).length, 3);
    // Mixed results -> partial.
    r = await job(3, 301, [{ fileId: f }, { fileId: 'Fnope' }], { newFilePath: root });
    const mixed = await poll(r.body.jobId);
    assert.equal(mixed.taskResultCode, 2);
    assert.equal(mixed.failedList[0].code, '13000309');
  });

  it('copies and moves across spaces', async () => {
    const s2 = await startSandbox();
    try {
      const c2 = new TestClient(s2);
      const eng = s2.teams.find((t) => t.name === 'Engineering') as SandboxTeam;
      const p2 = s2.personalContainerId;
      const welcome = s2.store.findByName(p2, 'root', 'Welcome.md')?.id as string;
      const r = await c2.ok('/jobs', {
        taskType: 1,
        actionType: 101,
        taskInfo: { srcContainerId: p2, fileInfo: [{ fileId: welcome }], newFilePath: eng.rootId },
        dstContainerId: eng.containerId,
      });
      const j = (await c2.get(`/${r.jobId}`)).body;
      const copy = s2.store.getFile(j.newFileIds[0]);
      assert.equal(copy?.containerId, eng.containerId);
      assert.equal(copy?.sha256, s2.store.getFile(welcome)?.sha256);
      const m = await c2.ok('/jobs', {
        taskType: 3,
        actionType: 301,
        taskInfo: { srcContainerId: p2, fileInfo: [{ fileId: welcome }], newFilePath: 'root' },
        dstContainerId: eng.containerId,
      });
      assert.equal((await c2.get(`/${m.jobId}`)).body.taskResultCode, 1);
      assert.equal(s2.store.getFile(welcome)?.containerId, eng.containerId);
      assert.match(String(s2.store.getFile(welcome)?.name), /^Welcome_\d{8}_\d{6}\.md$/); // the copy holds the name
      const bad = await c2.post('/jobs', {
        taskType: 1,
        actionType: 101,
        taskInfo: { srcContainerId: p2, fileInfo: [{ fileId: welcome }], newFilePath: 'root' },
        dstContainerId: 'nope',
      });
      assert.equal(bad.body.code, 13000301);
    } finally {
      await s2.close();
    }
  });

  it('validates job requests and lists jobs', async () => {
    const f = await file('v.txt');
    await c.fails('/jobs', { taskType: 9, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: f }] }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 2, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: f }] }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 3, actionType: 201, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: f }], newFilePath: 'root' }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 2, actionType: 202, taskInfo: { srcContainerId: pc, fileInfo: [] }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 2, actionType: 202, taskInfo: { srcContainerId: pc, fileInfo: Array(101).fill({ fileId: f }) }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 2, actionType: 202, taskInfo: { fileInfo: [{ fileId: f }] }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 3, actionType: 301, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: f }] }, dstContainerId: pc }, 13000102);
    await c.fails('/jobs', { taskType: 5, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: f }] }, dstContainerId: pc }, 13000102);
    const jobs = await c.get('/jobs?offset=0&limit=5');
    assert.ok(jobs.body.total > 5);
    assert.equal(jobs.body.jobs.length, 5);
    assert.equal((await c.get('/jobs?type=7')).body.jobs.every((j: { taskType: number }) => j.taskType === 7), true);
    assert.equal((await c.get('/unknownjob')).body.code, 13000309);
  });
});
