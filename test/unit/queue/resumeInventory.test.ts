import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResumeState, ResumeStore } from '../../../src/core/upload/resumeStore';
import { discardUploadState, uploadStateBytes } from '../../../src/core/queue/discardState';
import { pruneExpiredUploads, UPLOAD_LIFETIME_MS } from '../../../src/core/queue/resumeInventory';

const DAY = 24 * 3600 * 1000;

describe('resume state: pruning and discarding', () => {
  let dir: string;
  let store: ResumeStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kd-inv-'));
    store = new ResumeStore(path.join(dir, 'uploads'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const state = (localPath: string, createdAt: number, partsDone: number[] = [1]): ResumeState => ({
    version: 1, localPath, containerId: 'C1', target: 'root/x', kind: 'file', fileName: path.basename(localPath), size: 12 * 1024 * 1024 + 3,
    mtimeMs: 1, preHash: 'p', partSize: 5 * 1024 * 1024, fileId: 'F', uploadId: 'U', partsDone, midstates: {}, createdAt,
  });

  it('prunes only state older than the upload lifetime, with a log line naming the file', async () => {
    const now = Date.UTC(2026, 11, 2);
    await store.save(state('/w/old.bin', now - UPLOAD_LIFETIME_MS - DAY));
    await store.save(state('/w/new.bin', now - DAY));
    const lines: string[] = [];
    const n = await pruneExpiredUploads(store, { now, logger: { trace() {}, debug() {}, warn() {}, error() {}, info: (m) => lines.push(m) } });
    assert.equal(n, 1);
    assert.deepEqual((await store.list()).map((e) => e.state?.localPath), ['/w/new.bin']);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /Pruned the resume state of \/w\/old\.bin \(started 8 day\(s\) ago, older than the upload lifetime of 168 h\)/);
  });

  it('discards the state of files inside a cancelled folder upload only, and counts the bytes sent', async () => {
    await store.save(state('/w/docs/a.bin', Date.now(), [1, 3]));
    await store.save(state('/w/docs/sub/b.bin', Date.now(), [2]));
    await store.save(state('/w/docs-other/c.bin', Date.now(), [1]));
    assert.equal(await uploadStateBytes(store, ['/w/docs'], 'C1'), 5 * 1024 * 1024 + (2 * 1024 * 1024 + 3) + 5 * 1024 * 1024);
    assert.equal(await discardUploadState(store, ['/w/docs'], 'C2'), 0, 'another space: not ours');
    assert.equal(await discardUploadState(store, ['/w/docs'], 'C1'), 2);
    assert.deepEqual((await store.list()).map((e) => e.state?.localPath), ['/w/docs-other/c.bin']);
  });

  it('Cancel forgets only the state of its own upload: the same files uploaded to another folder keep theirs', async () => {
    await store.save({ ...state('/w/docs/a.bin', Date.now(), [1]), target: 'SUB1/a.bin', destination: 'F1' });
    await store.save({ ...state('/w/docs/a.bin', Date.now(), [1, 2]), target: 'SUB2/a.bin', destination: 'F2' });
    await store.save({ ...state('/w/docs/b.bin', Date.now(), [1]), target: 'F2/b.bin' }); // written before the destination was recorded
    assert.equal(await uploadStateBytes(store, ['/w/docs'], 'C1', 'F1'), 5 * 1024 * 1024);
    assert.equal(await discardUploadState(store, ['/w/docs'], 'C1', 'F1'), 1);
    assert.deepEqual((await store.list()).map((e) => e.state?.target).sort(), ['F2/b.bin', 'SUB2/a.bin']);
    assert.equal(await discardUploadState(store, ['/w/docs'], 'C1', 'F2'), 2);
    assert.deepEqual(await store.list(), []);
  });

  it('lists an unreadable state file (so it can be cleared) and refuses to remove files outside its folder', async () => {
    await store.save(state('/w/a.bin', Date.now()));
    await writeFile(path.join(store.dir, 'garbage.json'), '{not json');
    const entries = await store.list();
    assert.equal(entries.length, 2);
    assert.equal(entries.filter((e) => e.state === undefined).length, 1);
    await assert.rejects(store.removeFile(path.join(dir, 'elsewhere.json')), /is not in/);
    assert.equal((await readdir(store.dir)).length, 2);
  });
});
