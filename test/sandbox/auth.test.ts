import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { formatCompactDate } from '../../src/sandbox/clock';
import type { Sandbox } from '../../src/sandbox/server';
import { startSandbox } from '../../src/sandbox/server';
import { API, TestClient } from './testing/client';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('sandbox auth', () => {
  let sb: Sandbox;
  let c: TestClient;
  before(async () => {
    sb = await startSandbox({ seed: false });
    c = new TestClient(sb);
  });
  after(() => sb.close());
  afterEach(() => sb.faults.reset());

  const space = (extra: Record<string, string | undefined> = {}) => c.get(`/space/${sb.userId}?type=1`, extra);

  it('accepts Bearer+<token> and Bearer <token>', async () => {
    assert.equal((await space()).status, 200);
    assert.equal((await space({ authorization: `Bearer ${sb.token}` })).status, 200);
    const r = await space();
    assert.equal(r.body.code, 0);
    assert.equal(r.body.data.containerId, sb.personalContainerId);
    assert.equal(r.body.data.bizRootFileId, sb.personalRootId);
  });

  it('answers 401 APIGW.0301 for a missing, malformed or unknown token', async () => {
    for (const authorization of [undefined, sb.token, `Basic ${sb.token}`, 'Bearer+nope', 'Bearer+', `Bearer+${sb.token} x`]) {
      const r = await space({ authorization });
      assert.equal(r.status, 401, String(authorization));
      assert.deepEqual(r.body, {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect authentication information: token missing, expired or invalid',
      });
    }
  });

  it('requires X-User-Id to match the token (401 APIGW.0303)', async () => {
    for (const userId of [undefined, 'someone-else']) {
      const r = await space({ 'x-user-id': userId });
      assert.equal(r.status, 401);
      assert.equal(r.body.error_code, 'APIGW.0303');
    }
  });

  it('checks X-Date: required, formatted, at most 15 min old, not in the future', async () => {
    const at = (ms: number) => formatCompactDate(Date.now() + ms);
    const bad = [undefined, '2025-11-03T07:01:40Z', '20251103T070140', '20251340T070140Z', at(-16 * 60_000), at(5_000), at(60_000)];
    for (const xDate of bad) {
      const r = await space({ 'x-date': xDate });
      assert.equal(r.status, 401, String(xDate));
      assert.equal(r.body.error_code, 'APIGW.0303');
      assert.match(r.body.error_msg, /^Incorrect authentication information: X-Date/);
    }
    for (const xDate of [at(0), at(-14 * 60_000), at(900)]) assert.equal((await space({ 'x-date': xDate })).status, 200, xDate);
  });

  it('puts the sandbox clock in a Date header on every response and checks X-Date against it', async () => {
    let r = await space();
    const date = Date.parse(String(r.headers.date));
    assert.ok(Math.abs(date - Date.now()) < 2000);
    sb.faults.setClockOffset(-10 * 60_000); // server 10 min behind: our X-Date is "in the future"
    r = await space();
    assert.equal(r.status, 401);
    assert.ok(Math.abs(Date.parse(String(r.headers.date)) - (Date.now() - 10 * 60_000)) < 2000);
    r = await space({ 'x-date': formatCompactDate(Date.now() - 10 * 60_000) });
    assert.equal(r.status, 200);
    sb.faults.setClockOffset(20 * 60_000); // server 20 min ahead: our X-Date is too old
    assert.equal((await space()).status, 401);
    // Even 404s and admin answers carry it.
    const raw = await request(`${sb.url}/nowhere`);
    await raw.body.text();
    assert.ok(raw.headers.date);
  });

  it('checks X-Traceid when sent: 58 letters, digits or underscores', async () => {
    const good = 'a'.repeat(29) + '_'.repeat(9) + '0'.repeat(20);
    const r = await space({ 'x-traceid': good });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-traceid'], good);
    for (const bad of ['short', good + 'x', good.slice(1) + '-']) assert.equal((await space({ 'x-traceid': bad })).body.code, 13000102, bad);
  });

  it('answers 404 APIGW.0101 for an unknown API', async () => {
    const r = await c.post('/no/such/api', {});
    assert.equal(r.status, 404);
    assert.equal(r.body.error_code, 'APIGW.0101');
  });

  it('rejects a body that is not a JSON object with 13000101', async () => {
    const res = await request(`${sb.url}${API}/files/search`, { method: 'POST', headers: c.headers(), body: '{nope' });
    const body = (await res.body.json()) as { code: number };
    assert.equal(res.statusCode, 400);
    assert.equal(body.code, 13000101);
  });

  it('serves authCodeURL without auth and creates a session from the code "sandbox"', async () => {
    const u = await c.get('/session/authCodeURL?domain=example.com', { authorization: undefined, 'x-user-id': undefined, 'x-date': undefined });
    assert.equal(u.status, 200);
    assert.match(u.body.uri, /sandbox-login\?response_type=code/);
    const page = await request(u.body.uri);
    assert.match(await page.body.text(), /sandbox/);

    await c.fails('/session/', { code: 'wrong' }, 13000102);
    const s = await c.ok('/session/', { code: 'sandbox', domain: 'example.com' }, { authorization: undefined });
    assert.match(s.data.accessToken, /^Bearer [0-9a-f]+$/);
    assert.equal(s.data.userId, sb.userId);
    assert.equal(s.data.userInfo.userId, sb.userId);
    assert.ok(s.data.sessionId);
    // The returned value works verbatim as the Authorization header.
    const r = await space({ authorization: s.data.accessToken });
    assert.equal(r.status, 200);
    // /session/auth works without X-User-Id and X-Date (it is how a client learns its user id).
    const who = await c.get('/session/auth', { authorization: s.data.accessToken, 'x-user-id': undefined, 'x-date': undefined });
    assert.equal(who.status, 200);
    assert.equal(who.body.data.userId, sb.userId);
  });

  it('refreshes an expired token with its session id; the old token is revoked', async () => {
    const s = await c.ok('/session/', { code: 'sandbox' }, { authorization: undefined });
    const old = s.data.accessToken as string;
    sb.faults.expireTokens();
    assert.equal((await space({ authorization: old })).status, 401);
    assert.equal((await c.post('/session/refresh', {}, { authorization: old, 'x-session-id': 'wrong' })).status, 401);
    assert.equal((await c.post('/session/refresh', {}, { authorization: old })).status, 401);
    const r = await c.ok('/session/refresh', {}, { authorization: old, 'x-session-id': s.data.sessionId });
    assert.match(r.accessToken, /^Bearer /);
    assert.equal((await space({ authorization: r.accessToken })).status, 200);
    assert.equal((await c.post('/session/refresh', {}, { authorization: old, 'x-session-id': s.data.sessionId })).status, 401);
    // Logoff kills the token and the session.
    assert.equal((await c.get('/session/logoff', { authorization: r.accessToken })).status, 200);
    assert.equal((await space({ authorization: r.accessToken })).status, 401);
    assert.equal((await c.post('/session/refresh', {}, { authorization: r.accessToken, 'x-session-id': s.data.sessionId })).status, 401);
  });
});

describe('sandbox token lifetime', () => {
  it('is sliding: each authorised call restarts the idle window', async () => {
    const sb = await startSandbox({ seed: false, tokenTtlMs: 600 });
    try {
      const c = new TestClient(sb);
      for (let i = 0; i < 3; i++) {
        await sleep(250); // 750 ms in all: more than the lifetime, but never idle that long
        assert.equal((await c.get(`/space/${sb.userId}?type=1`)).status, 200);
      }
      await sleep(800);
      assert.equal((await c.get(`/space/${sb.userId}?type=1`)).status, 401);
      const r = await c.ok('/session/refresh', {}, { 'x-session-id': sb.sessionId });
      assert.equal((await c.get(`/space/${sb.userId}?type=1`, { authorization: r.accessToken })).status, 200);
    } finally {
      await sb.close();
    }
  });
});
