import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { request } from 'undici';
import { demoBytes } from '../../src/sandbox/seed';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { API, TestClient } from './testing/client';

/** GET with node:http, collecting what arrives before the connection ends or breaks. */
function rawGet(url: string): Promise<{ status: number; bytes: number; error: boolean }> {
  return new Promise((resolve) => {
    let status = 0;
    let bytes = 0;
    const req = http.get(url, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status, bytes, error: false }));
      res.on('error', () => resolve({ status, bytes, error: true }));
      res.on('aborted', () => resolve({ status, bytes, error: true }));
    });
    req.on('error', () => resolve({ status, bytes, error: true }));
  });
}

/**
 * The connection died without an HTTP answer. Which error the client sees
 * depends on timing, not on the sandbox: ECONNRESET or EPIPE while it is still
 * sending the body, UND_ERR_SOCKET ("other side closed") once it waits for the
 * answer. All three mean the same observable outcome; any other error fails.
 */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
function connectionLost(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  assert.ok(typeof code === 'string' && CONNECTION_LOST.has(code), `expected a lost connection, got ${String(e)}`);
  return true;
}

describe('sandbox faults', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  let c: TestClient;
  let pc: string;
  let binId: string;
  const bin = demoBytes(256 * 1024);
  before(async () => {
    sb = await startSandbox();
    c = new TestClient(sb);
    pc = sb.personalContainerId;
    const projects = sb.store.findByName(pc, 'root', 'Projects');
    binId = sb.store.findByName(pc, projects?.id as string, 'sample-data.bin')?.id as string;
  });
  after(() => sb.close());
  afterEach(() => sb.faults.reset());

  const partUrl = async (length = 1000): Promise<{ fileId: string; url: string }> => {
    const cr = await c.ok('/files/create', {
      fileName: `p-${Math.random()}.bin`, fileType: '45', parentFolder: ['root'], containerId: pc, length,
      uploadMode: 'multipart', uploadType: 1, autoRename: 2, multiParts: [{ partNumber: 1, partOffset: 0, partSize: length }],
    });
    return { fileId: cr.fileId, url: cr.multiParts[0].uploadUrl };
  };
  const stored = (fileId: string) => sb.store.pendingUploads().find((u) => u.fileId === fileId)?.storedParts.length ?? 0;
  const link = async (): Promise<string> => (await c.ok('/files/download', { containerId: pc, fileIds: [binId] })).downloads[0].url;
  const space = () => c.get(`/space/${sb.userId}?type=1`);

  it('fails part PUTs with a status N times, then removes itself', async () => {
    const { url } = await partUrl();
    const data = Buffer.alloc(1000, 1);
    const id = sb.faults.add({ match: { target: 'part', partNumber: 1 }, action: { kind: 'status', status: 503, retryAfter: 2 }, times: 2 });
    assert.equal(sb.faults.list().length, 1);
    assert.deepEqual(sb.faults.firings(id), []);
    let r = await c.put(url, data);
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '2');
    assert.match(r.text, /<Code>ServiceUnavailable<\/Code>/);
    assert.equal((await c.put(url, data)).status, 503);
    assert.equal(sb.faults.list().length, 0);
    r = await c.put(url, data);
    assert.equal(r.status, 200);
    // Each firing is logged (and outlives the fault): tests assert that their fault really happened.
    const firings = sb.faults.firings(id);
    assert.deepEqual(firings.map((f) => [f.faultId, f.kind, f.target, f.method, f.partNumber]), [[id, 'status', 'part', 'PUT', 1], [id, 'status', 'part', 'PUT', 1]]);
    assert.ok(firings.every((f) => f.path.startsWith('/obs/')));
  });

  it('fails the Nth matching request (skip) and only matching part numbers', async () => {
    const { url } = await partUrl();
    const data = Buffer.alloc(1000, 2);
    sb.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 500 } });
    sb.faults.add({ match: { target: 'part' }, action: { kind: 'status', status: 500 }, skip: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.put(url, data)).status);
    assert.deepEqual(statuses, [200, 200, 500, 200]);
    assert.equal(sb.faults.list().length, 1); // the part-2 fault never matched
  });

  it('resets a part upload after K bytes; nothing is stored', async () => {
    const { fileId, url } = await partUrl(200_000);
    sb.faults.add({ match: { target: 'part', fileId }, action: { kind: 'reset', afterBytes: 50_000 } });
    await assert.rejects(c.put(url, Buffer.alloc(200_000, 3)), connectionLost);
    assert.equal(sb.requests.filter((q) => q.method === 'PUT').at(-1)?.status, 0, 'no HTTP answer was sent');
    assert.equal(stored(fileId), 0);
    assert.equal((await c.put(url, Buffer.alloc(200_000, 3))).status, 200);
    assert.equal(stored(fileId), 1);
  });

  it('resets a download after K bytes of body', async () => {
    sb.faults.add({ match: { target: 'download', fileId: binId }, action: { kind: 'reset', afterBytes: 100_000 } });
    const r = await rawGet(await link());
    assert.equal(r.status, 200);
    assert.equal(r.error, true);
    assert.equal(r.bytes, 100_000);
    const ok = await rawGet(await link());
    assert.deepEqual(ok, { status: 200, bytes: bin.length, error: false });
  });

  it('resets an API call without an answer (the call is not executed)', async () => {
    sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'reset' } });
    await assert.rejects(c.post('/directory', { fileName: 'never', fileType: '10', containerId: pc }), connectionLost);
    assert.equal(sb.requests.at(-1)?.status, 0, 'no HTTP answer was sent');
    assert.equal(sb.store.findByName(pc, 'root', 'never'), undefined);
  });

  it('holds an executed API answer until released: the change is made, the answer waits', async () => {
    const id = sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'hold' } });
    let answered = false;
    const pending = c.post('/directory', { fileName: 'held', fileType: '10', containerId: pc }).then((r) => {
      answered = true;
      return r;
    });
    // Wait on state: the firing is logged when the request arrives, the folder exists once it is executed.
    const deadline = Date.now() + 15_000;
    while (!(sb.faults.firings(id).length === 1 && sb.store.findByName(pc, 'root', 'held')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sb.faults.firings(id).length, 1);
    assert.ok(sb.store.findByName(pc, 'root', 'held'), 'executed before the answer');
    assert.equal(answered, false, 'the answer is held');
    assert.equal(sb.faults.release(id), true);
    assert.equal((await pending).status, 200);
    assert.equal(sb.faults.release('no-such-fault'), false);
  });

  it('delays a response', async () => {
    sb.faults.add({ match: { target: 'api', path: '/space/' }, action: { kind: 'delay', ms: 300 } });
    const t = Date.now();
    assert.equal((await space()).status, 200);
    assert.ok(Date.now() - t >= 290);
  });

  it('stalls after the headers (API), after K body bytes (download) and mid-body (part)', async () => {
    sb.faults.add({ match: { target: 'api', path: '/space/' }, action: { kind: 'stall', ms: 600 } });
    let t = Date.now();
    const res = await request(`${sb.url}${API}/space/${sb.userId}?type=1`, { headers: c.headers() });
    const headersAt = Date.now() - t;
    await res.body.text();
    const bodyAt = Date.now() - t;
    assert.ok(bodyAt - headersAt >= 300, `headers after ${headersAt} ms, body after ${bodyAt} ms`);
    assert.ok(bodyAt >= 590, `body after ${bodyAt} ms`);

    sb.faults.add({ match: { target: 'download' }, action: { kind: 'stall', ms: 400, afterBytes: 1000 } });
    t = Date.now();
    const d = await rawGet(await link());
    assert.equal(d.bytes, bin.length);
    assert.ok(Date.now() - t >= 390);

    const { url } = await partUrl(100_000);
    sb.faults.add({ match: { target: 'part' }, action: { kind: 'stall', ms: 400, afterBytes: 10 } });
    t = Date.now();
    assert.equal((await c.put(url, Buffer.alloc(100_000))).status, 200);
    assert.ok(Date.now() - t >= 390);
  });

  it('answers 429 with Retry-After on an API path N times', async () => {
    sb.faults.add({ match: { target: 'api', path: '/space/' }, action: { kind: 'status', status: 429, retryAfter: 3 }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await space();
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '3');
      assert.equal(r.body.error_code, 'APIGW.0308');
    }
    assert.equal((await space()).status, 200);
    sb.faults.add({ match: { target: 'api', path: '/space/', method: 'GET' }, action: { kind: 'status', status: 503 } });
    const r = await space();
    assert.equal(r.status, 503);
    assert.equal(r.body.code, 13000201);
  });

  it('matches API requests by query parameters (teamList of groups only)', async () => {
    sb.faults.add({ match: { target: 'api', path: '/space/teamList', query: { teamType: '2' } }, action: { kind: 'status', status: 501 }, times: 5 });
    const groups = await c.get('/space/teamList?offset=0&limit=100&teamType=2');
    assert.equal(groups.status, 501);
    const departments = await c.get('/space/teamList?offset=0&limit=100&teamType=0');
    assert.equal(departments.status, 200);
    assert.equal(sb.faults.list()[0].fired, 1, 'only the groups listing was hit');
    assert.throws(() => sb.faults.add({ match: { target: 'part', query: { a: 'b' } }, action: { kind: 'delay', ms: 1 } }), /api requests only/);
    assert.throws(() => sb.faults.add({ match: { target: 'api', query: { a: 2 } as never }, action: { kind: 'delay', ms: 1 } }), /object of strings/);
  });

  it('replies with malformed bodies: an HTML error page, truncated JSON, an empty 200', async () => {
    sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'malformed', body: 'html' } });
    let r = await c.post('/directory', { fileName: 'html', fileType: '10', containerId: pc });
    assert.equal(r.status, 502);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.match(r.text, /<html>/);
    assert.equal(sb.store.findByName(pc, 'root', 'html'), undefined); // not executed

    sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'malformed', body: 'truncated-json' } });
    r = await c.post('/directory', { fileName: 'trunc', fileType: '10', containerId: pc });
    assert.equal(r.status, 200);
    assert.equal(r.body, undefined);
    assert.throws(() => JSON.parse(r.text));
    assert.ok(r.text.startsWith('{"code":0'));
    assert.ok(sb.store.findByName(pc, 'root', 'trunc')); // executed; only the answer was lost

    sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'malformed', body: 'empty' } });
    r = await c.post('/directory', { fileName: 'empty', fileType: '10', containerId: pc });
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    assert.ok(sb.store.findByName(pc, 'root', 'empty'));
  });

  it('leaves one field out of an executed answer (omitField)', async () => {
    const id = sb.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'omitField', field: 'id' } });
    const r = await c.post('/directory', { fileName: 'no-id', fileType: '10', containerId: pc });
    assert.equal(r.status, 200);
    const body = r.body as Record<string, unknown>;
    assert.equal(body.code, 0);
    assert.ok(!('id' in body), `the field is gone: ${r.text}`);
    assert.ok(sb.store.findByName(pc, 'root', 'no-id')); // executed; only the field was dropped
    assert.equal(sb.faults.firings(id).length, 1);
    assert.throws(() => sb.faults.add({ match: { target: 'api' }, action: { kind: 'omitField', field: '' } }), /field must be/);
    assert.throws(() => sb.faults.add({ match: { target: 'download' }, action: { kind: 'omitField', field: 'x' } }), /cannot apply/);
  });

  it('corrupts download bytes (same length, different sha256)', async () => {
    sb.faults.add({ match: { target: 'download', fileId: binId }, action: { kind: 'corrupt' } });
    const r = await c.fetch(await link());
    assert.equal(r.status, 200);
    assert.equal(r.data.length, bin.length);
    assert.notDeepEqual(r.data, bin);
    let diff = 0;
    for (let i = 0; i < bin.length; i++) if (r.data[i] !== bin[i]) diff++;
    assert.equal(diff, 1);
    assert.deepEqual((await c.fetch(await link())).data, bin);
  });

  it('fails chosen fileIds in a download batch', async () => {
    const other = sb.store.findByName(pc, 'root', 'notes.txt')?.id as string;
    sb.faults.add({ match: { target: 'api', path: '/files/download', fileId: binId }, action: { kind: 'failItem' } });
    sb.faults.add({ match: { target: 'api', fileId: other }, action: { kind: 'failItem', code: '13000410' } });
    const r = await c.ok('/files/download', { containerId: pc, fileIds: [binId, other, binId] });
    assert.deepEqual(r.downloads.map((d: { code: string }) => d.code), ['13000408', '13000410', '0']);
    assert.equal(r.batchCode, 0);
    assert.equal(r.downloads[0].url, '');
  });

  it('expires all URLs and all tokens on demand', async () => {
    const u = await link();
    sb.faults.expireUrls();
    assert.equal((await c.fetch(u)).status, 403);
    sb.faults.expireTokens('some-other-token');
    assert.equal((await space()).status, 200);
    sb.faults.expireTokens();
    assert.equal((await space()).status, 401);
    const fresh = await c.ok('/session/refresh', {}, { 'x-session-id': sb.sessionId });
    c.target = { ...c.target, token: String(fresh.accessToken).slice('Bearer '.length) };
    assert.equal((await space()).status, 200);
  });

  it('refuses invalid fault specs', () => {
    assert.throws(() => sb.faults.add({ match: { target: 'part' }, action: { kind: 'malformed', body: 'html' } }), /cannot apply/);
    assert.throws(() => sb.faults.add({ match: { target: 'api' }, action: { kind: 'status', status: 200 } }), /400..599/);
    assert.throws(() => sb.faults.add({ match: { target: 'api' }, action: { kind: 'failItem' } }), /fileId/);
    assert.throws(() => sb.faults.add({ match: { target: 'api' }, action: { kind: 'delay', ms: 1 }, times: 0 }), /times/);
    const id = sb.faults.add({ match: { target: 'api' }, action: { kind: 'delay', ms: 1 } });
    assert.equal(sb.faults.remove(id), true);
    assert.equal(sb.faults.remove(id), false);
  });
});

describe('sandbox admin endpoints', () => {
  let sb: Sandbox;
  let c: TestClient;
  before(async () => {
    sb = await startSandbox();
    c = new TestClient(sb);
  });
  after(() => sb.close());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${sb.url}/__sandbox${path}`, {
      method: method as 'GET',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, body: text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : undefined };
  };

  it('drives faults, clock and expiry over HTTP', async () => {
    let r = await admin('POST', '/faults', [
      { match: { target: 'api', path: '/space/' }, action: { kind: 'status', status: 500 } },
      { match: { target: 'part', partNumber: 3 }, action: { kind: 'reset', afterBytes: 10 }, times: 2 },
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.ids.length, 2);
    assert.equal((await admin('GET', '/faults')).body.faults.length, 2);
    assert.equal((await c.get(`/space/${sb.userId}?type=1`)).status, 500);
    assert.equal((await admin('GET', '/faults')).body.faults.length, 1);
    const fired = (await admin('GET', `/faults/fired?id=${r.body.ids[0]}`)).body.firings as Array<{ faultId: string; kind: string; path: string }>;
    assert.deepEqual(fired.map((f) => [f.faultId, f.kind, f.path]), [[r.body.ids[0], 'status', `/koodrive/ose/v1/space/${sb.userId}`]]);
    assert.deepEqual((await admin('GET', `/faults/fired?id=${r.body.ids[1]}`)).body.firings, [], 'the part fault has not fired');
    assert.equal((await admin('DELETE', `/faults/${r.body.ids[1]}`)).status, 200);
    assert.equal((await admin('POST', '/faults', { match: { target: 'nope' }, action: {} })).status, 400);
    await admin('POST', '/faults', { match: { target: 'api' }, action: { kind: 'delay', ms: 1 }, times: 100 });
    assert.equal((await admin('DELETE', '/faults')).status, 200);
    assert.equal((await admin('GET', '/faults')).body.faults.length, 0);

    r = await admin('POST', '/clock', { offsetMs: -3_600_000 });
    assert.equal(r.body.offsetMs, -3_600_000);
    assert.equal((await c.get(`/space/${sb.userId}?type=1`)).status, 401);
    await admin('POST', '/reset');
    assert.equal((await admin('GET', '/clock')).body.offsetMs, 0);

    await admin('POST', '/expire-tokens');
    assert.equal((await c.get(`/space/${sb.userId}?type=1`)).status, 401);
    const fresh = await c.ok('/session/refresh', {}, { 'x-session-id': sb.sessionId });
    c.target = { ...c.target, token: String(fresh.accessToken).slice('Bearer '.length) };
    const projects = sb.store.findByName(sb.personalContainerId, 'root', 'Projects')?.id as string;
    const binId = sb.store.findByName(sb.personalContainerId, projects, 'sample-data.bin')?.id as string;
    const u = (await c.ok('/files/download', { containerId: sb.personalContainerId, fileIds: [binId] })).downloads[0].url;
    await admin('POST', '/expire-urls');
    assert.equal((await c.fetch(u)).status, 403);
  });

  it('exposes the request log (token redacted), state, files, content, children, find and uploads', async () => {
    await admin('DELETE', '/requests');
    await c.post('/files/0', { containerId: sb.personalContainerId, parentFileId: 'root' });
    let r = await admin('GET', '/requests?path=/files/0');
    assert.equal(r.body.requests.length, 1);
    const entry = r.body.requests[0];
    assert.equal(entry.method, 'POST');
    assert.equal(entry.status, 200);
    assert.equal(entry.target, 'api');
    assert.equal(entry.headers.authorization, 'Bearer+<redacted>');
    assert.deepEqual(entry.bodyJson, { containerId: sb.personalContainerId, parentFileId: 'root' });
    assert.equal((await admin('GET', `/requests?since=${entry.seq}`)).body.requests.length, 0);
    assert.equal(sb.requests[sb.requests.length - 1].seq, entry.seq); // admin calls are not recorded

    const state = (await admin('GET', '/state')).body;
    assert.equal(state.personalContainerId, sb.personalContainerId);
    assert.equal(state.teams.length, 2);
    assert.ok(state.counts.files >= 160);
    const notes = sb.store.findByName(sb.personalContainerId, 'root', 'notes.txt');
    r = await admin('GET', `/files/${notes?.id}`);
    assert.equal(r.body.file.name, 'notes.txt');
    assert.equal(r.body.revisions.length, 2);
    r = await admin('GET', `/files/${notes?.id}/content?version=1`);
    assert.equal(r.text, 'Shopping list\n- milk\n');
    assert.equal((await admin('GET', '/files/Fnope')).status, 404);
    r = await admin('GET', `/children?containerId=${sb.personalContainerId}&folderId=root`);
    assert.ok(r.body.files.some((f: { name: string }) => f.name === 'Documents'));
    r = await admin('GET', `/find?containerId=${sb.personalContainerId}&parentId=root&name=Welcome.md`);
    assert.equal(r.body.file.name, 'Welcome.md');
    await c.ok('/files/create', {
      fileName: 'pending.bin', fileType: '45', parentFolder: ['root'], containerId: sb.personalContainerId, length: 5,
      uploadMode: 'multipart', uploadType: 1, autoRename: 2,
    });
    r = await admin('GET', '/uploads');
    assert.deepEqual(r.body.uploads.map((u: { fileName: string }) => u.fileName), ['pending.bin']);
  });
});
