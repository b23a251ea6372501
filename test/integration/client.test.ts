import * as assert from 'node:assert/strict';
import { ApiTransport } from '../../src/core/api/httpTransport';
import { KooDriveClient } from '../../src/core/api/koodriveClient';
import { staticCredentials } from '../../src/core/api/credentials';
import { KooDriveError } from '../../src/core/errors';
import { recycleItems, throwIfAnyFailed } from '../../src/core/organize/organizeItems';
import { listSpaces } from '../../src/core/spaces';
import { requestsTo, startWorld, World } from './helpers';

describe('API client against the sandbox (real HTTP)', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  const is = (code: KooDriveError['code']) => (e: unknown): boolean => KooDriveError.is(e, code);

  it('sends the documented headers on every call', async () => {
    await w.drive.client.checkSession();
    const r = requestsTo(w.sandbox, '/session/auth').at(-1)!;
    // The documented "Bearer+<token>" form; the sandbox accepted it (200) and logs it with the token redacted.
    assert.equal(r.status, 200);
    assert.equal(r.headers['authorization'], 'Bearer+<redacted>');
    assert.equal(r.headers['x-user-id'], w.sandbox.userId);
    assert.match(String(r.headers['x-date']), /^\d{8}T\d{6}Z$/);
    assert.match(String(r.headers['x-traceid']), /^[A-Za-z0-9_]{58}$/);
    assert.equal(r.headers['language'], 'en-US');
  });

  it('lists the personal, department, group and shared spaces', async () => {
    const spaces = await listSpaces(w.drive.client, w.sandbox.userId);
    assert.deepEqual(spaces.map((s) => s.kind), ['personal', 'department', 'group', 'shared']);
    assert.ok(spaces.find((s) => s.kind === 'department')?.team?.groupId);
    const shared = spaces.find((s) => s.kind === 'shared')!;
    const page = await w.drive.client.listFiles(shared, shared.rootFolderId);
    assert.ok(page.items.length > 0, 'the shared folder has content');
    assert.equal(requestsTo(w.sandbox, '/files/0').at(-1)!.headers['x-hw-share-folder-id'], shared.shareFolderId);
  });

  it('pages through a folder of 150 entries with pageSize 100, folders first', async () => {
    const root = await w.drive.client.listFiles(w.personal, 'root');
    const folderNames = root.items.filter((i) => i.isFolder).map((i) => i.name);
    assert.ok(folderNames.includes('Many files'));
    const firstFile = root.items.findIndex((i) => !i.isFolder);
    assert.ok(root.items.slice(firstFile).every((i) => !i.isFolder), 'folders before files');
    const many = root.items.find((i) => i.name === 'Many files')!;
    const p1 = await w.drive.client.listFiles(w.personal, many.id);
    assert.equal(p1.items.length, 100);
    assert.ok(p1.nextCursor);
    const p2 = await w.drive.client.listFiles(w.personal, many.id, { cursor: p1.nextCursor });
    assert.equal(p2.items.length, 50);
    assert.equal(p2.nextCursor, undefined);
    await assert.rejects(w.drive.client.listFiles(w.personal, many.id, { pageSize: 101 }), is('InvalidInput'));
  });

  it('lists a team space through /files/{groupId}/0', async () => {
    const spaces = await listSpaces(w.drive.client, w.sandbox.userId);
    const dept = spaces.find((s) => s.kind === 'department')!;
    const page = await w.drive.client.listFiles(dept, 'root');
    assert.ok(page.items.length > 0);
    assert.ok(requestsTo(w.sandbox, `/files/${dept.team!.groupId}/0`).length >= 1);
  });

  it('creates, renames and deletes (to the recycle bin) a folder', async () => {
    const f = await w.drive.client.createFolder(w.personal, 'root', 'Made by test');
    assert.equal(w.sandbox.store.getFile(f.id)?.kind, 'folder');
    await assert.rejects(w.drive.client.createFolder(w.personal, 'root', 'Made by test'), is('Conflict'));
    await w.drive.client.renameFile(w.personal, f.id, 'Renamed');
    assert.equal(w.sandbox.store.getFile(f.id)?.name, 'Renamed');
    throwIfAnyFailed(await recycleItems(w.drive.client, w.personal, [{ fileId: f.id }]), 'moved to the recycle bin');
    assert.equal(w.sandbox.store.getFile(f.id)?.recycled, true);
    const bin = await w.drive.client.listFiles(w.personal, 'root', { recycleBin: true });
    assert.ok(bin.items.some((i) => i.id === f.id));
  });

  it('maps invalid names to InvalidInput with the KooDrive code', async () => {
    for (const bad of ['a<b', 'a:b', 'a|b', 'a"b', 'a*b', 'a?b', 'a/b', '.', '..', '', 'x'.repeat(251)]) {
      await assert.rejects(w.drive.client.createFolder(w.personal, 'root', bad), (e: unknown) => KooDriveError.is(e, 'InvalidInput') && e.apiCode === 13000102, JSON.stringify(bad));
    }
  });

  it('gets file detail and download links in batches of at most 100 ids', async () => {
    const root = await w.drive.client.listFiles(w.personal, 'root');
    const fileItem = root.items.find((i) => !i.isFolder)!;
    const detail = await w.drive.client.getFileDetail(w.personal, fileItem.id);
    assert.equal(detail.sha256, fileItem.sha256);
    const links = await w.drive.client.getDownloadLinks(w.personal, [fileItem.id]);
    assert.equal(links.batchCode, 1);
    assert.ok(links.links[0].url?.includes('X-Amz-Signature'));
    await assert.rejects(w.drive.client.getDownloadLinks(w.personal, Array.from({ length: 101 }, (_, i) => `id${i}`)), is('InvalidInput'));
    assert.equal(requestsTo(w.sandbox, '/files/download').length, 1, 'the 101-id batch never left the client');
  });

  it('a rejected token is AuthRequired; onAuthExpired refreshes the session and retries once', async () => {
    const bad = new KooDriveClient(new ApiTransport({ endpoint: w.sandbox.url, credentials: staticCredentials({ token: 'nope', userId: w.sandbox.userId }), dispatcher: w.drive.dispatcher }));
    await assert.rejects(bad.checkSession(), is('AuthRequired'));

    const login = await w.drive.client.createSession('sandbox');
    const creds = staticCredentials({ token: login.accessToken, userId: login.userId ?? w.sandbox.userId, sessionId: login.sessionId });
    let refreshes = 0;
    const transport: ApiTransport = new ApiTransport({
      endpoint: w.sandbox.url, credentials: creds, dispatcher: w.drive.dispatcher,
      onAuthExpired: async () => {
        refreshes++;
        const c = await creds.get();
        const token = await new KooDriveClient(transport).refreshSession(c.sessionId!);
        await creds.update!({ ...c, token });
        return true;
      },
    });
    const client = new KooDriveClient(transport);
    await client.checkSession();
    w.sandbox.faults.expireTokens();
    await client.checkSession();
    assert.equal(refreshes, 1);
  });

  it('a failing session refresh ends in one AuthRequired, without asking for a refresh again', async () => {
    let hookCalls = 0;
    const transport: ApiTransport = new ApiTransport({
      endpoint: w.sandbox.url, credentials: staticCredentials({ token: 'expired-token', userId: w.sandbox.userId, sessionId: 'no-such-session' }),
      dispatcher: w.drive.dispatcher,
      onAuthExpired: async () => {
        hookCalls++;
        await new KooDriveClient(transport).refreshSession('no-such-session');
        return true;
      },
    });
    await assert.rejects(new KooDriveClient(transport).checkSession(), is('AuthRequired'));
    assert.equal(hookCalls, 1);
  });

  it('corrects X-Date from the server Date header when the clocks differ, in one retry', async () => {
    w.sandbox.faults.setClockOffset(-20 * 60 * 1000); // the server is 20 minutes behind us
    const before = w.sandbox.requests.length;
    await w.drive.client.checkSession();
    const calls = w.sandbox.requests.slice(before).filter((r) => r.path.includes('/session/auth'));
    assert.deepEqual(calls.map((c) => c.status), [401, 200]);
    await w.drive.client.checkSession();
    assert.equal(w.sandbox.requests.slice(before).filter((r) => r.path.includes('/session/auth')).length, 3, 'later calls go right first time');
  });

  it('honours 429 Retry-After and retries 5xx on reads, but never repeats a create after a 500', async () => {
    w.sandbox.faults.add({ match: { target: 'api', path: '/session/auth' }, action: { kind: 'status', status: 429, retryAfter: 1 } });
    const t0 = Date.now();
    await w.drive.client.checkSession();
    assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/0' }, action: { kind: 'status', status: 503 }, times: 2 });
    await w.drive.client.listFiles(w.personal, 'root');
    w.sandbox.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'status', status: 500 } });
    await assert.rejects(w.drive.client.createFolder(w.personal, 'root', 'once'), is('ServerError'));
    assert.equal(requestsTo(w.sandbox, '/directory').length, 1);
  });

  it('turns HTML pages, truncated JSON and empty bodies into clear errors', async () => {
    w.sandbox.faults.add({ match: { target: 'api', path: '/session/auth' }, action: { kind: 'malformed', body: 'html' }, times: 10 });
    await assert.rejects(w.drive.client.checkSession(), (e: unknown) => KooDriveError.is(e, 'ServerError') && /HTTP 502.*HTML page instead of JSON/.test(e.message));
    w.sandbox.faults.clear();
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/0' }, action: { kind: 'malformed', body: 'truncated-json' }, times: 10 });
    await assert.rejects(w.drive.client.listFiles(w.personal, 'root'), (e: unknown) => KooDriveError.is(e, 'BadResponse') && /malformed or truncated/.test(e.message));
    w.sandbox.faults.clear();
    w.sandbox.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'malformed', body: 'empty' } });
    await assert.rejects(w.drive.client.createFolder(w.personal, 'root', 'x'), (e: unknown) => KooDriveError.is(e, 'BadResponse') && /empty/.test(e.message));
  });

  it('times out a stalled answer and reports Timeout after retries', async () => {
    const { createKooDrive } = await import('../../src/core/koodrive');
    const slow = createKooDrive({
      endpoint: w.sandbox.url, credentials: staticCredentials({ token: w.sandbox.token, userId: w.sandbox.userId }),
      http: { headersTimeoutMs: 300, bodyTimeoutMs: 300 }, retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
    try {
      w.sandbox.faults.add({ match: { target: 'api', path: '/session/auth' }, action: { kind: 'delay', ms: 1500 }, times: 2 });
      await assert.rejects(slow.client.checkSession(), is('Timeout'));
      assert.equal(requestsTo(w.sandbox, '/session/auth').length >= 1, true);
    } finally {
      await slow.close();
    }
  });
});
