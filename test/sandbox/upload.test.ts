import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { demoBytes } from '../../src/sandbox/seed';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { SHA256_IV, sha256Hex } from '../../src/sandbox/sha256';
import { TestClient } from './testing/client';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface PartOut {
  partNumber: number;
  partOffset: number;
  partSize: number;
  uploadUrl: string;
}

describe('sandbox upload', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  /** 5 MiB + 100 bytes: the smallest two-part file. */
  let two: Buffer;
  before(async () => {
    sb = await startSandbox();
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    two = randomBytes(5 * MiB + 100);
  });
  after(() => sb.close());
  afterEach(() => sb.faults.reset());

  const body = (over: Record<string, unknown> = {}) => ({
    fileName: `f-${Math.random().toString(36).slice(2)}.bin`,
    fileType: '45',
    parentFolder: ['root'],
    containerId: pc,
    length: 1000,
    uploadMode: 'multipart',
    uploadType: 1,
    autoRename: 2,
    ...over,
  });
  const visible = (fileId: string) => sb.store.listChildren(pc, 'root').some((f) => f.id === fileId);
  const putAll = async (parts: PartOut[], data: Buffer) => {
    for (const p of parts) {
      const r = await c.put(p.uploadUrl, data.subarray(p.partOffset, p.partOffset + p.partSize));
      assert.equal(r.status, 200, r.text);
      assert.match(String(r.headers.etag), /^"[0-9a-f]+"$/);
    }
  };

  it('uploads one part; the file is invisible until complete, then version 1', async () => {
    const data = randomBytes(1000);
    const cr = await c.ok('/files/create', body({ fileName: 'one.bin', length: 1000 }));
    assert.equal(cr.rapidUpload, false);
    assert.match(cr.uploadId, /^[0-9A-F]{32}$/);
    assert.deepEqual(cr.parentFolder, [sb.personalRootId]);
    assert.deepEqual(cr.multiParts, []);
    const urls = await c.ok('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 1000 }] });
    const url = new URL(urls.multiParts[0].uploadUrl);
    assert.equal(url.searchParams.get('partNumber'), '1');
    assert.equal(url.searchParams.get('uploadId'), cr.uploadId);
    assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;host');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '3600');
    assert.equal(url.searchParams.get('X-Amz-Iteration-Hash-Ctx'), null);
    assert.match(urls.multiParts[0].uploadUrl, /X-Amz-SignedHeaders=content-length%3Bhost/);
    await putAll(urls.multiParts, data);
    assert.equal(visible(cr.fileId), false);
    await c.fails(`/files/${cr.fileId}/detail`, { containerId: pc }, 13000309);
    assert.equal(sb.store.pendingUploads().find((u) => u.fileId === cr.fileId)?.storedParts.length, 1);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(data) });
    assert.equal(visible(cr.fileId), true);
    const f = sb.store.getFile(cr.fileId);
    assert.equal(f?.version, 1);
    assert.equal(f?.sha256, sha(data));
    assert.deepEqual(sb.store.readContent(cr.fileId), data);
    assert.equal(sb.store.revisions(cr.fileId).length, 1);
    await c.fails('/files/complete', { fileId: cr.fileId, sha256: sha(data) }, 13000401);
    await c.fails('/files/complete', { fileId: 'Fnope' }, 13000401);
  });

  it('uploads 5 MiB parts out of order, asking for later URLs with their hashCtx', async () => {
    const data = randomBytes(10 * MiB + 1000);
    const parts = TestClient.parts(data, 5 * MiB);
    assert.equal(parts.length, 3);
    const cr = await c.ok('/files/create', body({ fileName: 'big.bin', length: data.length, sha256: sha(data), multiParts: [parts[0]] }));
    assert.equal(cr.multiParts.length, 1);
    const later = await c.ok('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: parts.slice(1) });
    const u2 = new URL(later.multiParts[0].uploadUrl);
    const ctx = JSON.parse(Buffer.from(u2.searchParams.get('X-Amz-Iteration-Hash-Ctx') as string, 'base64').toString());
    assert.deepEqual(ctx, { md_len: 32, num: 0, h: parts[1].hashCtx, nh: 0, nl: 5 * MiB * 8, hash_type: 'sha256' });
    assert.deepEqual(later.multiParts[0].hashCtx, parts[1].hashCtx);
    await putAll([...later.multiParts].reverse(), data);
    await putAll(cr.multiParts, data);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(data) });
    assert.deepEqual(sb.store.readContent(cr.fileId), data);
  });

  it('validates every MultiPartInfo rule', async () => {
    const L = 20 * MiB;
    const ctx = [...SHA256_IV];
    const bad: [string, unknown[]][] = [
      ['partNumber 0', [{ partNumber: 0, partOffset: 0, partSize: L }]],
      ['partNumber 10001', [{ partNumber: 10001, partOffset: 0, partSize: L }]],
      ['partNumber not an integer', [{ partNumber: 1.5, partOffset: 0, partSize: L }]],
      ['part 1 not at 0', [{ partNumber: 1, partOffset: 64, partSize: 5 * MiB }]],
      ['non-last part < 5 MiB', [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB - 64 }]],
      ['non-last part not a multiple of 64', [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB + 1 }]],
      ['offset not a multiple of 64', [{ partNumber: 2, partOffset: 5 * MiB + 32, partSize: 5 * MiB, hashCtx: ctx }]],
      ['offset + size > length', [{ partNumber: 4, partOffset: 15 * MiB, partSize: 5 * MiB + 64, hashCtx: ctx }]],
      ['offset beyond length', [{ partNumber: 5, partOffset: L + 64, partSize: 0, hashCtx: ctx }]],
      ['offset impossible for the part number', [{ partNumber: 3, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: ctx }]],
      ['missing partOffset on part 2', [{ partNumber: 2, partSize: 5 * MiB, hashCtx: ctx }]],
      ['missing hashCtx on part 2', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB }]],
      ['empty hashCtx on part 2', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: [] }]],
      ['7-word hashCtx', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: ctx.slice(0, 7) }]],
      ['hashCtx word > uint32', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: [...ctx.slice(0, 7), 2 ** 32] }]],
      ['negative hashCtx word', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: [...ctx.slice(0, 7), -1] }]],
      ['string hashCtx word', [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: [...ctx.slice(0, 7), '1'] }]],
      ['hashCtx on part 1', [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB, hashCtx: ctx }]],
      ['negative size', [{ partNumber: 1, partOffset: 0, partSize: -1 }]],
      ['same part twice, different layouts', [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB }, { partNumber: 1, partOffset: 0, partSize: 10 * MiB }]],
      ['not objects', [1]],
      ['over 100 parts in one request', Array.from({ length: 101 }, () => ({ partNumber: 1, partOffset: 0, partSize: 5 * MiB }))],
    ];
    for (const [why, multiParts] of bad) await c.fails('/files/create', body({ length: L, multiParts }), 13000102).catch((e) => assert.fail(`${why}: ${e}`));
    await c.fails('/files/create', body({ length: L, multiParts: {} }), 13000102);
    // Last part up to 5 GiB (length 6 GiB, one part of 6 GiB is too big).
    await c.fails('/files/create', body({ length: 6 * GiB, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 6 * GiB }] }), 13000102);
    await c.ok('/files/create', body({ length: 5 * GiB, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 5 * GiB }] }));
    // A last part may be tiny and need not be a multiple of 64.
    await c.ok('/files/create', body({ length: 5 * MiB + 1, multiParts: [{ partNumber: 2, partOffset: 5 * MiB, partSize: 1, hashCtx: ctx }] }));

    // Re-asking: same layout = URL refresh; a different one is refused.
    const cr = await c.ok('/files/create', body({ length: L, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB }] }));
    const again = await c.ok('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB, hashCtx: [] }] });
    assert.equal(again.multiParts.length, 1);
    await c.fails('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 10 * MiB }] }, 13000102);
    await c.ok('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: ctx }] });
    await c.fails('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 2, partOffset: 5 * MiB, partSize: 5 * MiB, hashCtx: [...ctx.slice(1), 0] }] }, 13000102);
    await c.fails('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [] }, 13000102);
    await c.fails('/files/multipart/uploadUrl', { fileId: 'Fnope', multiParts: [{ partNumber: 1, partOffset: 0, partSize: 5 * MiB }] }, 13000401);
  });

  it('validates the create fields: length, uploadType, uploadMode, autoRename, fileType, names', async () => {
    await c.ok('/files/create', body({ length: 200 * GiB }));
    await c.fails('/files/create', body({ length: 200 * GiB + 1 }), 13000102);
    await c.fails('/files/create', body({ length: -1 }), 13000102);
    await c.fails('/files/create', body({ length: '10' }), 13000102);
    for (const uploadType of [0, 2, '1', undefined]) await c.fails('/files/create', body({ uploadType }), 13000102);
    await c.fails('/files/create', body({ uploadMode: 'single' }), 13000102);
    for (const autoRename of [0, 1, 5, undefined]) await c.fails('/files/create', body({ autoRename }), 13000102);
    for (const fileType of ['10', '99', undefined]) await c.fails('/files/create', body({ fileType }), 13000102);
    await c.ok('/files/create', body({ fileType: 35 })); // numbers accepted (the doc example sends 35)
    for (const fileName of ['', '.', '..', 'a/b', 'a\\b', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a>b', 'a|b', 'x'.repeat(251)]) {
      await c.fails('/files/create', body({ fileName }), 13000102);
    }
    await c.fails('/files/create', body({ parentFolder: [] }), 13000102);
    await c.fails('/files/create', body({ parentFolder: 'root' }), 13000102);
    await c.fails('/files/create', body({ containerId: undefined }), 13000102);
    await c.fails('/files/create', body({ containerId: 'nope' }), 13000301);
    await c.fails('/files/create', body({ parentFolder: ['Fnope'] }), 13000309);
    await c.fails('/files/create', body({ sha256: 'abc' }), 13000102);
  });

  it('applies autoRename 2 / 3 / 4 against completed, non-recycled files only', async () => {
    const data = Buffer.from('autorename me');
    const first = await c.upload({ containerId: pc, name: 'clash.txt', data });
    assert.equal(first.fileName, 'clash.txt');
    const refused = await c.fails('/files/create', body({ fileName: 'clash.txt', autoRename: 3 }), 13000405);
    assert.equal(refused.existFileId, first.fileId);
    const kept = await c.ok('/files/create', body({ fileName: 'clash.txt', autoRename: 2 }));
    assert.match(kept.fileName, /^clash_\d{8}_\d{6}\.txt$/);
    const same = await c.ok('/files/create', body({ fileName: 'clash.txt', autoRename: 4, length: data.length, sha256: sha(data) }));
    assert.equal(same.exist, true);
    assert.equal(same.fileId, first.fileId);
    assert.equal(same.uploadId, undefined);
    const other = await c.ok('/files/create', body({ fileName: 'clash.txt', autoRename: 4, length: 3, sha256: sha(Buffer.from('abc')) }));
    assert.equal(other.exist, false);
    assert.match(other.fileName, /^clash_\d{8}_\d{6}(_\d+)?\.txt$/);
    // Pending uploads do not hold names.
    await c.ok('/files/create', body({ fileName: 'pending.txt', autoRename: 3 }));
    const p2 = await c.ok('/files/create', body({ fileName: 'pending.txt', autoRename: 3 }));
    assert.equal(p2.fileName, 'pending.txt');
    // Two pending uploads of one name: the later complete applies its own policy.
    const one = Buffer.from('1');
    const part = [{ partNumber: 1, partOffset: 0, partSize: 1 }];
    const a = await c.ok('/files/create', body({ fileName: 'race.txt', autoRename: 3, length: 1, multiParts: part }));
    const b = await c.ok('/files/create', body({ fileName: 'race.txt', autoRename: 3, length: 1, multiParts: part }));
    const k = await c.ok('/files/create', body({ fileName: 'race.txt', autoRename: 2, length: 1, multiParts: part }));
    for (const x of [a, b, k]) await putAll(x.multiParts, one);
    await c.ok('/files/complete', { fileId: a.fileId, sha256: sha(one) });
    assert.equal((await c.fails('/files/complete', { fileId: b.fileId, sha256: sha(one) }, 13000405)).existFileId, a.fileId);
    const done = await c.ok('/files/complete', { fileId: k.fileId, sha256: sha(one) });
    assert.match(done.fileName, /^race_\d{8}_\d{6}\.txt$/);
    assert.match(String(sb.store.getFile(k.fileId)?.name), /^race_/);
  });

  it('verifies the hash chain at complete: wrong hashCtx, wrong sha256, missing part -> 13000402, nothing visible', async () => {
    const parts = TestClient.parts(two, 5 * MiB);
    // Wrong hashCtx on part 2 (the URL continues from it, so the chain breaks).
    const wrong = [parts[0], { ...parts[1], hashCtx: [...SHA256_IV] }];
    let cr = await c.ok('/files/create', body({ length: two.length, multiParts: wrong }));
    await putAll(cr.multiParts, two);
    const e = await c.fails('/files/complete', { fileId: cr.fileId, sha256: sha(two) }, 13000402);
    assert.match(e.msg, /hashCtx/);
    assert.equal(visible(cr.fileId), false);
    assert.ok(sb.store.pendingUploads().some((u) => u.fileId === cr.fileId));

    // Right chain, wrong sha256: refused, and the task stays so a correct complete still works.
    cr = await c.ok('/files/create', body({ length: two.length, multiParts: parts }));
    await putAll(cr.multiParts, two);
    await c.fails('/files/complete', { fileId: cr.fileId, sha256: sha(Buffer.from('other')) }, 13000402);
    assert.equal(visible(cr.fileId), false);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(two) });
    assert.equal(visible(cr.fileId), true);

    // Missing part 2.
    cr = await c.ok('/files/create', body({ length: two.length, multiParts: parts }));
    await putAll(cr.multiParts.slice(0, 1), two);
    assert.match((await c.fails('/files/complete', { fileId: cr.fileId, sha256: sha(two) }, 13000402)).msg, /part 2 was not uploaded/);
    // Part 2 never requested: the parts do not cover the file.
    cr = await c.ok('/files/create', body({ length: two.length, multiParts: parts.slice(0, 1) }));
    await putAll(cr.multiParts, two);
    await c.fails('/files/complete', { fileId: cr.fileId, sha256: sha(two) }, 13000402);
    // sha256 given at create must match too.
    cr = await c.ok('/files/create', body({ length: two.length, sha256: sha(Buffer.from('nope')), multiParts: parts }));
    await putAll(cr.multiParts, two);
    await c.fails('/files/complete', { fileId: cr.fileId }, 13000402);
  });

  it('enforces Content-Length, signatures and expiry on part PUTs', async () => {
    const data = randomBytes(3000);
    const cr = await c.ok('/files/create', body({ length: 3000, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 3000 }] }));
    const url: string = cr.multiParts[0].uploadUrl;
    let r = await c.put(url, data.subarray(0, 2999));
    assert.equal(r.status, 400);
    assert.match(r.text, /<Code>IncompleteBody<\/Code>/);
    r = await c.put(url, Buffer.concat([data, Buffer.from('x')]));
    assert.equal(r.status, 400);
    assert.match(r.text, /<Code>EntityTooLarge<\/Code>/);
    const chunked = await request(url, { method: 'PUT', body: Readable.from([data]) });
    assert.equal(chunked.statusCode, 411);
    assert.match(await chunked.body.text(), /MissingContentLength/);
    r = await c.put(url, data, { 'content-md5': createHash('md5').update('x').digest('base64') });
    assert.equal(r.status, 400);
    assert.match(r.text, /<Code>BadDigest<\/Code>/);
    for (const tampered of [url.replace(/X-Amz-Signature=([0-9a-f])/, (_, ch: string) => `X-Amz-Signature=${ch === 'a' ? 'b' : 'a'}`), url.replace('partNumber=1', 'partNumber=2'), url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=9999')]) {
      r = await c.put(tampered, data);
      assert.equal(r.status, 403);
      assert.match(r.text, /<Error><Code>SignatureDoesNotMatch<\/Code>/);
    }
    sb.faults.setClockOffset(3601_000);
    r = await c.put(url, data);
    assert.equal(r.status, 403);
    assert.match(r.text, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    sb.faults.setClockOffset(0);
    r = await c.put(url, data);
    assert.equal(r.status, 200);
    sb.faults.expireUrls();
    r = await c.put(url, data);
    assert.equal(r.status, 403);
    assert.match(r.text, /Request has expired/);
    // A refreshed URL works again.
    const fresh = await c.ok('/files/multipart/uploadUrl', { fileId: cr.fileId, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 3000 }] });
    assert.equal((await c.put(fresh.multiParts[0].uploadUrl, data)).status, 200);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(data) });
    r = await c.put(fresh.multiParts[0].uploadUrl, data);
    assert.equal(r.status, 404);
    assert.match(r.text, /NoSuchUpload/);
  });

  it('replaces a part on re-PUT; a body cut short stores nothing and keeps the earlier attempt', async () => {
    const data = randomBytes(4000);
    const cr = await c.ok('/files/create', body({ length: 4000, multiParts: [{ partNumber: 1, partOffset: 0, partSize: 4000 }] }));
    const url: string = cr.multiParts[0].uploadUrl;
    const stored = () => sb.store.pendingUploads().find((u) => u.fileId === cr.fileId)?.storedParts ?? [];
    const cutShort = async () => {
      const u = new URL(url);
      await new Promise<void>((resolve) => {
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'PUT', headers: { 'content-length': 4000 } });
        req.on('error', () => resolve());
        req.write(data.subarray(0, 1000), () => setTimeout(() => {
          req.destroy();
          setTimeout(resolve, 50);
        }, 50));
      });
    };
    await cutShort();
    assert.deepEqual(stored(), []);
    assert.equal((await c.put(url, randomBytes(4000))).status, 200); // wrong bytes first
    assert.equal((await c.put(url, data)).status, 200); // retry replaces
    await cutShort();
    assert.equal(stored().length, 1);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(data) });
    assert.deepEqual(sb.store.readContent(cr.fileId), data);
  });

  it('flash-uploads known content with a correct proofCode only', async () => {
    const known = demoBytes(256 * 1024); // Projects/sample-data.bin
    const digest = sha(known);
    const flash = (over: Record<string, unknown>) => body({ length: known.length, sha256: digest, ...over });
    const hit = await c.ok('/files/create', flash({ fileName: 'copy.bin', proofCode: c.proof(known) }));
    assert.equal(hit.rapidUpload, true);
    assert.equal(hit.uploadId, undefined);
    assert.equal(visible(hit.fileId), true);
    assert.deepEqual(sb.store.readContent(hit.fileId), known);
    for (const proofCode of [undefined, sha(Buffer.from('x')), proofWith(`Bearer ${sb.token}`, known)]) {
      const e = await c.fails('/files/create', flash({ proofCode }), 13000102);
      assert.match(e.msg, /proofCode/);
    }
    // The proof is bound to the exact Authorization value sent.
    c.scheme = 'Bearer ';
    try {
      const hit2 = await c.ok('/files/create', flash({ proofCode: c.proof(known) }));
      assert.equal(hit2.rapidUpload, true);
    } finally {
      c.scheme = 'Bearer+';
    }
    // Unknown content: a normal upload, whatever the proof.
    const miss = await c.ok('/files/create', body({ length: 10, sha256: sha(randomBytes(10)), proofCode: 'whatever' }));
    assert.equal(miss.rapidUpload, false);
    assert.ok(miss.uploadId);
    // Empty files need no proof.
    const empty = await c.ok('/files/create', body({ length: 0, sha256: sha(Buffer.alloc(0)) }));
    assert.equal(empty.rapidUpload, true);
    assert.equal(sb.store.getFile(empty.fileId)?.size, 0);
    await c.fails('/files/create', body({ length: 0, sha256: digest }), 13000102);
  });

  it('reports matchedPreHash and still creates the upload task', async () => {
    const known = demoBytes(256 * 1024);
    const pre = sha(known.subarray(0, 1024));
    const r = await c.ok('/files/create', body({ length: known.length, preHash: pre }));
    assert.equal(r.matchedPreHash, true);
    assert.equal(r.rapidUpload, false);
    assert.ok(r.uploadId);
    const r2 = await c.ok('/files/create', body({ length: 5, preHash: sha(Buffer.from('hello')) }));
    assert.equal(r2.matchedPreHash, false);
    await c.fails('/files/create', body({ preHash: 'xyz' }), 13000102);
  });

  it('uploads empty files (with or without a zero-size part)', async () => {
    const a = await c.upload({ containerId: pc, name: 'empty-a.txt', data: Buffer.alloc(0) });
    assert.equal(sb.store.getFile(a.fileId)?.size, 0);
    const cr = await c.ok('/files/create', body({ length: 0 }));
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha256Hex(Buffer.alloc(0)) });
    assert.equal(sb.store.getFile(cr.fileId)?.sha256, sha(Buffer.alloc(0)));
  });

  it('refuses uploads into a recycled folder (13000404)', async () => {
    const dir = await c.ok('/directory', { fileName: 'to-delete', fileType: '10', containerId: pc, parentFolder: ['root'] });
    await c.ok('/jobs', {
      taskType: 2,
      actionType: 201,
      taskInfo: { srcContainerId: pc, fileInfo: [{ fileId: dir.id, filePath: `/${sb.personalRootId}/${dir.id}` }] },
      dstContainerId: pc,
    });
    await c.fails('/files/create', body({ parentFolder: [dir.id] }), 13000404);
  });
});

describe('sandbox quota', () => {
  it('refuses a create beyond the space capacity (13000311)', async () => {
    const sb = await startSandbox({ seed: false, users: [{ userId: 'tiny', token: 'tiny-token', capacity: 1500 }] });
    try {
      const c = new TestClient(sb);
      const base = { fileType: '45', parentFolder: ['root'], containerId: sb.personalContainerId, uploadMode: 'multipart', uploadType: 1, autoRename: 2 };
      await c.upload({ containerId: sb.personalContainerId, name: 'a.bin', data: randomBytes(1000) });
      await c.fails('/files/create', { ...base, fileName: 'b.bin', length: 501 }, 13000311);
      await c.ok('/files/create', { ...base, fileName: 'b.bin', length: 500 });
    } finally {
      await sb.close();
    }
  });
});

function proofWith(authorization: string, data: Buffer): string {
  const t = new TestClient({ url: '', token: '', userId: '' });
  t.scheme = authorization;
  return t.proof(data);
}

describe('sandbox upload in sink mode', () => {
  it('discards bytes and checks only byte counts', async () => {
    const sb = await startSandbox({ sink: true, seed: false });
    try {
      const c = new TestClient(sb);
      const data = randomBytes(5 * MiB + 10);
      const parts = TestClient.parts(data, 5 * MiB);
      const cr = await c.ok('/files/create', {
        fileName: 'sink.bin', fileType: '45', parentFolder: ['root'], containerId: sb.personalContainerId,
        length: data.length, uploadMode: 'multipart', uploadType: 1, autoRename: 2,
        multiParts: [parts[0], { ...parts[1], hashCtx: [...SHA256_IV] }], // a wrong chain is not noticed
      });
      await c.fails('/files/complete', { fileId: cr.fileId }, 13000402); // missing parts still are
      for (const p of cr.multiParts) assert.equal((await c.put(p.uploadUrl, data.subarray(p.partOffset, p.partOffset + p.partSize))).status, 200);
      await c.ok('/files/complete', { fileId: cr.fileId, sha256: sha(data) });
      const f = sb.store.getFile(cr.fileId);
      assert.equal(f?.size, data.length);
      assert.throws(() => sb.store.readContent(cr.fileId), /sink/);
      const d = await c.ok('/files/download', { containerId: sb.personalContainerId, fileIds: [cr.fileId] });
      assert.equal(d.downloads[0].code, '13000407');
    } finally {
      await sb.close();
    }
  });
});
