import * as assert from 'node:assert/strict';
import { demoBytes } from '../../src/sandbox/seed';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { TestClient } from './testing/client';

describe('sandbox download', () => {
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  let binId: string;
  let folderId: string;
  const bin = demoBytes(256 * 1024); // Projects/sample-data.bin
  before(async () => {
    sb = await startSandbox();
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    const projects = sb.store.findByName(pc, 'root', 'Projects');
    folderId = projects?.id as string;
    binId = sb.store.findByName(pc, folderId, 'sample-data.bin')?.id as string;
  });
  after(() => sb.close());
  afterEach(() => sb.faults.reset());

  const link = async (fileId = binId): Promise<string> => {
    const r = await c.ok('/files/download', { containerId: pc, fileIds: [fileId] });
    return r.downloads[0].url;
  };

  it('hands out links with per-item codes and a batchCode', async () => {
    const all = await c.ok('/files/download', { containerId: pc, fileIds: [binId] });
    assert.equal(all.batchCode, 1);
    assert.deepEqual(Object.keys(all.downloads[0]).sort(), ['code', 'fileId', 'fileName', 'msg', 'url']);
    assert.equal(all.downloads[0].code, '0');
    assert.equal(all.downloads[0].fileName, 'sample-data.bin');
    const u = new URL(all.downloads[0].url);
    assert.equal(u.searchParams.get('response-content-disposition'), 'attachment; filename="sample-data.bin"');
    assert.equal(u.searchParams.get('X-Amz-SignedHeaders'), 'host');
    assert.match(all.downloads[0].url, /response-content-disposition=attachment%3B%20filename%3D%22sample-data\.bin%22/);
    const some = await c.ok('/files/download', { containerId: pc, fileIds: [binId, folderId, 'Fmissing'] });
    assert.equal(some.batchCode, 0);
    assert.deepEqual(some.downloads.map((d: { code: string }) => d.code), ['0', '13000406', '13000309']);
    const none = await c.ok('/files/download', { containerId: pc, fileIds: [folderId] });
    assert.equal(none.batchCode, 2);
  });

  it('accepts 1..100 ids', async () => {
    await c.fails('/files/download', { containerId: pc, fileIds: [] }, 13000102);
    await c.fails('/files/download', { containerId: pc, fileIds: Array(101).fill(binId) }, 13000102);
    await c.fails('/files/download', { containerId: pc, fileIds: binId }, 13000102);
    await c.fails('/files/download', { fileIds: [binId] }, 13000102);
    const r = await c.ok('/files/download', { containerId: pc, fileIds: Array(100).fill(binId) });
    assert.equal(r.downloads.length, 100);
  });

  it('serves the bytes with length, ETag, disposition; encodes non-ASCII names', async () => {
    const r = await c.fetch(await link());
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, bin);
    assert.equal(r.headers['content-length'], String(bin.length));
    assert.match(String(r.headers.etag), /^"[0-9a-f]{64}"$/);
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.equal(r.headers['content-disposition'], 'attachment; filename="sample-data.bin"');
    const head = await c.fetch(await link(), {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(bin.length));
    const up = await c.upload({ containerId: pc, name: '发票 1.pdf', data: Buffer.from('pdf') });
    const u = await link(up.fileId);
    assert.match(u, /filename%3D%22%25E5%258F%2591%25E7%25A5%25A8%25201\.pdf%22/);
    const got = await c.fetch(u);
    assert.equal(got.data.toString(), 'pdf');
    assert.equal(got.headers['content-disposition'], 'attachment; filename="%E5%8F%91%E7%A5%A8%201.pdf"');
  });

  it('answers single ranges with 206 and unsatisfiable ones with 416', async () => {
    const u = await link();
    const size = bin.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-${size + 100}`, size - 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await c.fetch(u, { range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end}/${size}`);
      assert.deepEqual(r.data, bin.subarray(start, end + 1));
    }
    for (const range of [`bytes=${size}-`, 'bytes=-0', `bytes=${size + 5}-${size + 10}`]) {
      const r = await c.fetch(u, { range });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers['content-range'], `bytes */${size}`);
      assert.match(r.data.toString(), /<Code>InvalidRange<\/Code>/);
    }
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-1']) {
      const r = await c.fetch(u, { range });
      assert.equal(r.status, 200, range);
      assert.equal(r.data.length, size);
    }
  });

  it('checks signatures and expiry of download URLs', async () => {
    const u = await link();
    for (const bad of [
      u.replace(/X-Amz-Signature=([0-9a-f])/, (_, ch: string) => `X-Amz-Signature=${ch === '0' ? '1' : '0'}`),
      u.replace('sample-data.bin', 'other.bin'),
      u.replace(/X-Amz-Date=\d{8}/, 'X-Amz-Date=20990101'),
    ]) {
      const r = await c.fetch(bad);
      assert.equal(r.status, 403);
      assert.match(r.data.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
    }
    const noSig = await c.fetch(u.replace(/&X-Amz-Signature=[0-9a-f]+/, ''));
    assert.equal(noSig.status, 403);
    sb.faults.setClockOffset(3601_000);
    const late = await c.fetch(u);
    assert.equal(late.status, 403);
    assert.match(late.data.toString(), /<Message>Request has expired<\/Message>/);
    sb.faults.setClockOffset(0);
    assert.equal((await c.fetch(u)).status, 200);
    sb.faults.expireUrls();
    assert.equal((await c.fetch(u)).status, 403);
    assert.equal((await c.fetch(await link())).status, 200);
  });

  it('honours a short URL lifetime', async () => {
    const short = await startSandbox({ urlTtlSeconds: 1 });
    try {
      const sc = new TestClient(short);
      const projects = short.store.findByName(short.personalContainerId, 'root', 'Projects');
      const id = short.store.findByName(short.personalContainerId, projects?.id as string, 'sample-data.bin')?.id as string;
      const r = await sc.ok('/files/download', { containerId: short.personalContainerId, fileIds: [id] });
      assert.match(r.downloads[0].url, /X-Amz-Expires=1&/);
      await new Promise((res) => setTimeout(res, 2100));
      assert.equal((await sc.fetch(r.downloads[0].url)).status, 403);
    } finally {
      await short.close();
    }
  });

  it('answers 404 NoSuchKey once the file is gone for good', async () => {
    const up = await c.upload({ containerId: pc, name: 'gone.txt', data: Buffer.from('bye') });
    const u = await link(up.fileId);
    await c.ok('/jobs', { taskType: 2, actionType: 202, taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: up.fileId }] }, dstContainerId: pc });
    const r = await c.fetch(u);
    assert.equal(r.status, 404);
    assert.match(r.data.toString(), /NoSuchKey/);
  });
});
