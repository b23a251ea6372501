import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { SHA256_IV } from '../../src/sandbox/sha256';
import { TestClient } from './testing/client';

const MiB = 1024 * 1024;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('sandbox revisions', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  let fileId: string;
  const v1 = Buffer.from('version one\n');
  before(async () => {
    sb = await startSandbox({ seed: false });
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    fileId = (await c.upload({ containerId: pc, name: 'doc.txt', data: v1 })).fileId;
  });
  after(() => sb.close());

  const create = (data: Buffer, over: Record<string, unknown> = {}) =>
    c.post('/revision/createRevision', {
      fileId,
      containerId: pc,
      length: data.length,
      uploadMode: 'multipart',
      uploadType: 1,
      multiParts: TestClient.parts(data, 5 * MiB),
      ...over,
    });
  const putAll = async (parts: { partOffset: number; partSize: number; uploadUrl: string }[], data: Buffer) => {
    for (const p of parts) assert.equal((await c.put(p.uploadUrl, data.subarray(p.partOffset, p.partOffset + p.partSize))).status, 200);
  };
  const list = async () => (await c.ok('/revision/listRevision', { containerId: pc, fileId })).revisionList as Record<string, unknown>[];

  it('uploads a new version through multipart (5 MiB parts) and completeRevision', async () => {
    const v2 = randomBytes(5 * MiB + 300);
    const r = await create(v2, { keepPolicy: 1 });
    assert.equal(r.body.code, 0, r.text);
    assert.equal(r.body.id, fileId);
    assert.equal(r.body.version, '2');
    assert.equal(r.body.keepPolicy, '1');
    assert.equal(r.body.rapidUpload, false);
    assert.ok(r.body.uploadId && r.body.versionId);
    assert.equal(r.body.multiParts.length, 2);
    // Still version 1 until complete; files/complete does not complete a revision.
    assert.equal(sb.store.getFile(fileId)?.version, 1);
    await putAll(r.body.multiParts, v2);
    await c.fails('/files/complete', { fileId, sha256: sha(v2) }, 13000401);
    await c.ok('/revision/completeRevision', { fileId, sha256: sha(v2) });
    const f = sb.store.getFile(fileId);
    assert.equal(f?.version, 2);
    assert.equal(f?.size, v2.length);
    assert.equal(f?.sha256, sha(v2));
    assert.deepEqual(sb.store.readContent(fileId), v2);
    assert.deepEqual(sb.store.readContent(fileId, 1), v1);
    const detail = await c.ok(`/files/${fileId}/detail`, { containerId: pc });
    assert.equal(detail.sha256, sha(v2));
    await c.fails('/revision/completeRevision', { fileId, sha256: sha(v2) }, 13000401);
  });

  it('verifies the chain of a revision too', async () => {
    const bad = randomBytes(5 * MiB + 64);
    const parts = TestClient.parts(bad, 5 * MiB);
    const r = await create(bad, { multiParts: [parts[0], { ...parts[1], hashCtx: [...SHA256_IV] }] });
    await putAll(r.body.multiParts, bad);
    await c.fails('/revision/completeRevision', { fileId, sha256: sha(bad) }, 13000402);
    assert.equal(sb.store.getFile(fileId)?.version, 2);
  });

  it('validates createRevision', async () => {
    const d = Buffer.from('x');
    assert.equal((await create(d, { uploadType: 0 })).body.code, 13000102);
    assert.equal((await create(d, { uploadMode: 'x' })).body.code, 13000102);
    assert.equal((await create(d, { keepPolicy: 3 })).body.code, 13000102);
    assert.equal((await create(d, { containerId: undefined })).body.code, 13000102);
    assert.equal((await create(d, { length: 200 * 1024 ** 3 + 1, multiParts: [] })).body.code, 13000102);
    assert.equal((await create(d, { fileId: 'Fnope' })).body.code, 13000309);
    // proofCode is mandatory when sha256 is given.
    assert.equal((await create(d, { sha256: sha(d) })).body.code, 13000102);
    const dir = await c.ok('/directory', { fileName: 'folder', fileType: '10', containerId: pc });
    assert.equal((await create(d, { fileId: dir.id })).body.code, 13000406);
  });

  it('flash-uploads a revision whose content is stored', async () => {
    const r = await create(v1, { sha256: sha(v1), proofCode: c.proof(v1), multiParts: [] });
    assert.equal(r.body.rapidUpload, true, r.text);
    assert.equal(r.body.version, '3');
    assert.equal(sb.store.getFile(fileId)?.version, 3);
    assert.deepEqual(sb.store.readContent(fileId), v1);
    assert.equal((await create(v1, { sha256: sha(v1), proofCode: sha(Buffer.from('no')), multiParts: [] })).body.code, 13000102);
    const pre = await create(v1, { preHash: sha(v1), multiParts: [] });
    assert.equal(pre.body.matchedPreHash, true);
    assert.ok(pre.body.uploadId);
  });

  it('lists newest first, paged, with revision fields', async () => {
    const all = await list();
    assert.deepEqual(all.map((r) => r.revisionVersion), [3, 2, 1]);
    assert.deepEqual(all.map((r) => r.latestVersion), [true, false, false]);
    assert.equal(all[0].revisionId, `${fileId}.${all[0].versionId as string}`);
    assert.equal(all[1].keepForever, true);
    assert.equal(all[0].createReason, 1);
    assert.equal(typeof all[0].createdAt, 'number');
    assert.equal(all[0].createdBy, sb.userId);
    assert.equal(all[0].downloadUrl, undefined);
    const p1 = await c.ok('/revision/listRevision', { containerId: pc, fileId, pageInfo: { pageSize: 2 } });
    assert.equal(p1.revisionList.length, 2);
    const p2 = await c.ok('/revision/listRevision', { containerId: pc, fileId, pageInfo: { pageSize: 2, pageCursor: p1.nextPageCursor } });
    assert.deepEqual(p2.revisionList.map((r: { revisionVersion: number }) => r.revisionVersion), [1]);
    assert.equal(p2.nextPageCursor, undefined);
    await c.fails('/revision/listRevision', { containerId: pc, fileId, pageInfo: { pageSize: 101 } }, 13000102);
  });

  it('gets a revision with a download URL, updates, deletes and restores', async () => {
    const [latest, middle, oldest] = await list();
    const got = await c.ok('/revision/getRevision', { containerId: pc, fileId, revisionId: oldest.revisionId });
    assert.equal(got.revisionVersion, 1);
    assert.equal((await c.fetch(got.downloadUrl)).data.toString(), v1.toString());
    await c.fails('/revision/getRevision', { containerId: pc, fileId, revisionId: `${fileId}.nope` }, 13000309);
    await c.fails('/revision/getRevision', { containerId: pc, fileId, revisionId: 'garbage' }, 13000102);

    await c.ok('/revision/updateRevision', { containerId: pc, fileId, revisionId: oldest.revisionId, keepForever: true });
    assert.equal((await list())[2].keepForever, true);
    await c.fails('/revision/updateRevision', { containerId: pc, fileId, revisionId: oldest.revisionId }, 13000102);

    await c.fails('/revision/deleteRevision', { containerId: pc, fileId, revisionId: latest.revisionId }, 13000102);
    await c.ok('/revision/deleteRevision', { containerId: pc, fileId, revisionId: middle.revisionId });
    assert.deepEqual((await list()).map((r) => r.revisionVersion), [3, 1]);

    const restored = await c.ok('/revision/restoreRevision', { containerId: pc, fileId, revisionId: oldest.revisionId });
    assert.equal(restored.version, '4');
    const after = await list();
    assert.deepEqual(after.map((r) => r.revisionVersion), [4, 3, 1]);
    assert.equal(after[0].createReason, 2);
    assert.equal(after[0].latestVersion, true);
    assert.deepEqual(sb.store.readContent(fileId), v1);
  });
});
