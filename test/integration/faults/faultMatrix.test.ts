/**
 * The fault matrix: every row of "what can go wrong during a transfer" made
 * to happen against the sandbox, for uploads (single part, multi-part,
 * folder) and downloads, through the library and the CLI. Each test checks
 * the end state on BOTH sides: what the drive holds (bytes and sha256, or
 * nothing visible) and what is on the local disk (the right bytes under the
 * final name, or nothing there; resume state kept or cleaned up).
 *
 * One describe per row; rows that an older test already covers say so in
 * the test title and add what that test does not (another transfer kind,
 * the CLI, the end state on both sides).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { appendFile, mkdir, open, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ApiTransport } from '../../../src/core/api/httpTransport';
import { KooDriveClient } from '../../../src/core/api/koodriveClient';
import { staticCredentials } from '../../../src/core/api/credentials';
import { KooDriveError } from '../../../src/core/errors';
import { DownloadDeps, downloadFiles } from '../../../src/core/download/downloadFiles';
import type { DownloadSummary } from '../../../src/core/download/downloadTally';
import { partialName } from '../../../src/core/bytes/localNames';
import { MIN_PART_SIZE } from '../../../src/core/upload/partPlan';
import { uploadFile } from '../../../src/core/upload/uploadFile';
import type { UploadTarget } from '../../../src/core/upload/uploadTarget';
import { uploadFolder } from '../../../src/core/upload/uploadFolder';
import { MiB, partPuts, requestsTo, startWorld, waitFor, World, writeRandomFile } from '../helpers';
import {
  assertFired, assertNotOnDrive, assertStoredAs, canSwitchUser, cli, depsFor, driveWithToken, errorLines, itemsOf, localTree, mark,
  itemsVia, mountTinyTmpfs, newSessionToken, NOBODY, partialsIn, putRemote, remoteAt, remoteNames, sha256File, shareWith, since,
  spawnCli, stateFiles, statuses,
} from './support';

const P = MIN_PART_SIZE;
const is = (code: KooDriveError['code'], re?: RegExp) => (e: unknown): boolean => {
  if (!KooDriveError.is(e, code)) throw e;
  if (re && !re.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${re}`);
  return true;
};

describe('fault matrix: every failure ends in a correct result or a clear error', function () {
  this.timeout(60_000);
  let w: World;
  let n = 0;
  /** A fresh local path under the world's temp dir. */
  const local = (name: string): string => path.join(w.tmp, name);
  const toRoot = (conflict: 'rename' | 'fail' | 'skip-same' = 'fail'): UploadTarget => ({ kind: 'file', space: w.personal, parentFolderId: 'root', conflict });
  const engineState = (): string[] => stateFiles(path.join(w.tmp, 'state'));
  const cliState = (): string[] => stateFiles(path.join(w.tmp, 'cli-state', 'uploads'));
  const dlDeps = (retry: DownloadDeps['retry'] = {}): DownloadDeps => ({
    client: w.drive.client, dispatcher: w.drive.dispatcher, retry: { baseDelayMs: 10, maxDelayMs: 50, ...retry },
  });
  const target = (): string => {
    const d = local(`out${++n}`);
    fs.mkdirSync(d);
    return d;
  };
  const remoteFolder = async (name: string): Promise<string> => (await w.drive.client.createFolder(w.personal, 'root', name)).id;
  const randomData = (size: number, seed: number): Buffer => {
    const out = Buffer.alloc(size);
    for (let off = 0, i = 0; off < size; off += 32, i++) createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
    return out;
  };
  const byName = (s: DownloadSummary, name: string) => s.files.find((f) => f.remotePath.endsWith(name))!;

  /** Each row gets its own sandbox: row 4 kills every token, others shift the clock. */
  const ownWorld = (): void => {
    before(async () => {
      w = await startWorld();
    });
    after(async () => w?.close());
    afterEach(() => w.sandbox.faults.reset());
  };
  /*
   * Where a test must act while an upload is in flight (expire tokens, shift
   * the clock), a part is held on the server for 1-1.5 s: a window the test
   * reaches by polling the request log, wide enough for a loaded machine.
   */
  /** Part PUTs since `seq` (the request log spans the whole row). */
  const putsSince = (seq: number): ReturnType<typeof partPuts> => partPuts(w.sandbox).filter((q) => q.seq > seq);
  const partArrived = (seq: number, partNumber: number) => (): boolean => putsSince(seq).some((q) => q.query?.partNumber === String(partNumber));

  // ---------------------------------------------------------------------------
  describe('1. connection reset in the middle of a part body', () => {
    ownWorld();
    it('single-part upload: the broken PUT is sent again; the drive holds the exact bytes', async () => {
      const f = local('r1-single.bin');
      await writeRandomFile(f, 3 * MiB, 101);
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'reset', afterBytes: MiB } });
      await uploadFile(w.deps(), f, toRoot(), { partSize: P });
      assertStoredAs(w, f, 'r1-single.bin');
      assert.deepEqual(statuses(w.sandbox, seq, '/obs/'), [0, 200], 'one PUT cut off, one answered');
      assert.deepEqual(engineState(), [], 'no resume state left behind');
    });

    it('multi-part upload: two parts cut mid-body are re-sent; the hash chain verifies', async () => {
      const f = local('r1-multi.bin');
      await writeRandomFile(f, 3 * P + 100, 102);
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'reset', afterBytes: 2 * MiB } });
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 4 }, action: { kind: 'reset', afterBytes: 1 } });
      const r = await uploadFile(w.deps(), f, toRoot(), { partSize: P, concurrency: 2 });
      assert.equal(r.partsUploaded, 4);
      assertStoredAs(w, f, 'r1-multi.bin');
      const puts = statuses(w.sandbox, seq, '/obs/');
      assert.equal(puts.filter((s) => s === 200).length, 4);
      assert.equal(puts.filter((s) => s === 0).length, 2);
    });

    it('folder upload: resets on several files; every file arrives whole, in the right folder', async () => {
      const root = local('r1-folder');
      await mkdir(path.join(root, 'sub'), { recursive: true });
      await writeRandomFile(path.join(root, 'a.bin'), P + 1, 103);
      await writeFile(path.join(root, 'b.txt'), 'hello');
      await writeRandomFile(path.join(root, 'sub', 'c.bin'), MiB, 104);
      const seq = mark(w.sandbox);
      const reset = w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'reset', afterBytes: 256 * 1024 }, times: 3 });
      const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail', partSize: P });
      assertFired(w.sandbox, reset, 3);
      assert.equal(statuses(w.sandbox, seq, '/obs/').filter((x) => x === 0).length, 3, 'three part PUTs were cut off and sent again');
      assert.deepEqual(s.files.map((x) => `${x.status}:${x.relPath}`), ['uploaded:a.bin', 'uploaded:b.txt', 'uploaded:sub/c.bin']);
      assertStoredAs(w, path.join(root, 'a.bin'), 'r1-folder', 'a.bin');
      assertStoredAs(w, path.join(root, 'b.txt'), 'r1-folder', 'b.txt');
      assertStoredAs(w, path.join(root, 'sub', 'c.bin'), 'r1-folder', 'sub', 'c.bin');
    });

    it('download: bodies cut mid-transfer resume with Range; bytes on disk equal the drive', async () => {
      const folder = await remoteFolder('r1-dl');
      const a = await putRemote(w, 'a.bin', randomData(3 * MiB, 1), folder);
      const b = await putRemote(w, 'b.bin', randomData(2 * MiB + 7, 2), folder);
      w.sandbox.faults.add({ match: { target: 'download' }, action: { kind: 'reset', afterBytes: MiB }, times: 2 });
      const dir = target();
      const seq = mark(w.sandbox);
      const s = await downloadFiles(dlDeps(), w.personal, await itemsOf(w, folder), { targetDir: dir, concurrency: 1 });
      assert.equal(s.downloaded, 2, JSON.stringify(s.files.map((x) => x.error?.message)));
      assert.ok(fs.readFileSync(path.join(dir, 'r1-dl', 'a.bin')).equals(w.sandbox.store.readContent(a)));
      assert.ok(fs.readFileSync(path.join(dir, 'r1-dl', 'b.bin')).equals(w.sandbox.store.readContent(b)));
      const ranges = since(w.sandbox, seq).filter((r) => r.target === 'download').map((r) => r.headers.range ?? '');
      assert.equal(ranges.filter((r) => /^bytes=[1-9]\d*-$/.test(r)).length, 2, `resumed with Range: ${ranges.join(' | ')}`);
      assert.deepEqual(partialsIn(dir), []);
    });
  });

  // ---------------------------------------------------------------------------
  describe('2. HTTP 500 / 503 on a part PUT; 429 with Retry-After on an API call', () => {
    ownWorld();
    it('multi-part upload: 500 twice and 503 with Retry-After are retried (after the server\'s delay); the file completes', async () => {
      const f = local('r2-multi.bin');
      await writeRandomFile(f, 2 * P + 5, 201);
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 1 }, action: { kind: 'status', status: 500 }, times: 2 });
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 3 }, action: { kind: 'status', status: 503, retryAfter: 1 } });
      const t0 = Date.now();
      await uploadFile(w.deps(), f, toRoot(), { partSize: P });
      assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After');
      assertStoredAs(w, f, 'r2-multi.bin');
      assert.deepEqual(statuses(w.sandbox, seq, '/obs/').sort(), [200, 200, 200, 500, 500, 503]);
    });

    it('429 with Retry-After on files/create (not idempotent): sent again after the delay, exactly one file is created', async () => {
      const f = local('r2-throttled.txt');
      await writeFile(f, 'throttled once');
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/create' }, action: { kind: 'status', status: 429, retryAfter: 1 } });
      const t0 = Date.now();
      await uploadFile(w.deps(), f, toRoot());
      assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After');
      assert.deepEqual(statuses(w.sandbox, seq, '/files/create'), [429, 200]);
      assertStoredAs(w, f, 'r2-throttled.txt');
      assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r2-throttled')), ['r2-throttled.txt'], 'no duplicate');
    });

    it('folder upload: 429 on the folder create and 503 on a part; one folder, every file whole', async () => {
      const root = local('r2-folder');
      await mkdir(root);
      await writeRandomFile(path.join(root, 'x.bin'), 300_000, 202);
      await writeFile(path.join(root, 'y.txt'), 'y');
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'api', path: '/directory' }, action: { kind: 'status', status: 429, retryAfter: 0 } });
      w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'status', status: 503 } });
      const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail' });
      assert.ok(s.files.every((x) => x.status === 'uploaded'));
      assert.deepEqual(statuses(w.sandbox, seq, '/directory'), [429, 200]);
      assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r2-folder')), ['r2-folder']);
      assertStoredAs(w, path.join(root, 'x.bin'), 'r2-folder', 'x.bin');
      assertStoredAs(w, path.join(root, 'y.txt'), 'r2-folder', 'y.txt');
    });

    it('download: 429 + Retry-After on files/download and storage 503s are retried; the file verifies', async () => {
      const id = await putRemote(w, 'r2-dl.bin', randomData(500_000, 3));
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/download' }, action: { kind: 'status', status: 429, retryAfter: 1 } });
      w.sandbox.faults.add({ match: { target: 'download' }, action: { kind: 'status', status: 503 }, times: 2 });
      const dir = target();
      const seq = mark(w.sandbox);
      const s = await downloadFiles(dlDeps(), w.personal, await itemsOf(w, id), { targetDir: dir });
      assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
      assert.deepEqual(statuses(w.sandbox, seq, '/files/download'), [429, 200]);
      assert.ok(fs.readFileSync(path.join(dir, 'r2-dl.bin')).equals(w.sandbox.store.readContent(id)));
    });

    it('a part that keeps failing: clear ServerError, nothing visible, state kept; the next run resumes and completes', async () => {
      const f = local('r2-doomed.bin');
      await writeRandomFile(f, 2 * P + 9, 203);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 3 }, action: { kind: 'status', status: 500 }, times: 100 });
      await assert.rejects(uploadFile(w.deps(), f, toRoot(), { partSize: P, concurrency: 1, maxPartAttempts: 2 }), is('ServerError', /HTTP 500/));
      assertNotOnDrive(w, 'r2-doomed.bin');
      assert.equal(engineState().length, 1, 'resume state kept');
      w.sandbox.faults.reset();
      const r = await uploadFile(w.deps(), f, toRoot(), { partSize: P });
      assert.equal(r.resumed, true);
      assert.equal(r.partsUploaded, 1, 'only the missing part is sent');
      assertStoredAs(w, f, 'r2-doomed.bin');
      assert.deepEqual(engineState(), []);
    });
  });

  // ---------------------------------------------------------------------------
  describe('3. a part or download URL that expired or is rejected (403) is refreshed', () => {
    ownWorld();
    it('multi-part upload: a 403 on part 2 asks files/multipart/uploadUrl again; the file completes (expiry of all URLs: upload.test.ts)', async () => {
      const f = local('r3-multi.bin');
      await writeRandomFile(f, 2 * P + 3, 301);
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 403 } });
      await uploadFile(w.deps(), f, toRoot(), { partSize: P, concurrency: 1 });
      assertStoredAs(w, f, 'r3-multi.bin');
      const asked = since(w.sandbox, seq).filter((r) => r.path.endsWith('/files/multipart/uploadUrl'))
        .flatMap((r) => (r.bodyJson as { multiParts: Array<{ partNumber: number }> }).multiParts.map((p) => p.partNumber));
      assert.ok(asked.includes(2), `part 2 got a fresh URL (${asked.join(',')})`);
    });

    it('upload: a URL rejected every time fails the file with UrlExpired; nothing visible', async () => {
      const f = local('r3-rejected.bin');
      await writeRandomFile(f, P + 3, 302);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 403 }, times: 100 });
      await assert.rejects(uploadFile(w.deps(), f, toRoot(), { partSize: P, maxPartAttempts: 3 }), is('UrlExpired', /expired or was rejected/));
      assertNotOnDrive(w, 'r3-rejected.bin');
    });

    it('download: a 403 on the GET fetches a new link for that file alone; expired for good → clear error, nothing on disk', async () => {
      const ok = await putRemote(w, 'r3-dl-ok.bin', randomData(200_000, 4));
      const bad = await putRemote(w, 'r3-dl-bad.bin', randomData(1000, 5));
      w.sandbox.faults.add({ match: { target: 'download', fileId: ok }, action: { kind: 'status', status: 403 } });
      w.sandbox.faults.add({ match: { target: 'download', fileId: bad }, action: { kind: 'status', status: 403 }, times: 100 });
      const dir = target();
      const seq = mark(w.sandbox);
      const s = await downloadFiles(dlDeps(), w.personal, await itemsOf(w, ok, bad), { targetDir: dir, concurrency: 1 });
      assert.equal(byName(s, 'r3-dl-ok.bin').status, 'downloaded');
      const failed = byName(s, 'r3-dl-bad.bin');
      assert.equal(failed.error?.code, 'UrlExpired');
      assert.match(failed.error!.message, /r3-dl-bad\.bin/);
      const linkCalls = since(w.sandbox, seq).filter((r) => r.path.endsWith('/files/download')).map((r) => (r.bodyJson as { fileIds: string[] }).fileIds);
      assert.deepEqual(linkCalls[0], [ok, bad]);
      assert.ok(linkCalls.slice(1).every((ids) => ids.length === 1), 'refreshed one file at a time');
      assert.deepEqual(localTree(dir), ['r3-dl-ok.bin']);
    });
  });

  // ---------------------------------------------------------------------------
  describe('4. token expired mid-transfer → one "sign in again" error (AuthRequired), state kept, a re-run resumes', () => {
    ownWorld();
    it('multi-part upload: AuthRequired when the next URL is needed; nothing visible; a new token resumes the same task', async () => {
      const f = local('r4-multi.bin');
      const digest = await writeRandomFile(f, 4 * P + 11, 401);
      const first = await newSessionToken(w);
      const drive = driveWithToken(w, first.token);
      try {
        w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: 1500 } });
        const creates = requestsTo(w.sandbox, '/files/create').length;
        const seq = mark(w.sandbox);
        const run = uploadFile(depsFor(w, drive), f, toRoot(), { partSize: P, concurrency: 1 });
        await waitFor(partArrived(seq, 2));
        // Long transfers meet both at once: URLs live 1 h, an idle token 20 min.
        w.sandbox.faults.expireUrls();
        w.sandbox.faults.expireTokens();
        await assert.rejects(run, is('AuthRequired', /sign in again/));
        assertNotOnDrive(w, 'r4-multi.bin');
        assert.equal(engineState().length, 1, 'resume state kept');
        assert.equal(requestsTo(w.sandbox, '/files/create').length, creates + 1);
      } finally {
        await drive.close();
      }
      const second = await newSessionToken(w);
      const again = driveWithToken(w, second.token);
      try {
        const r = await uploadFile(depsFor(w, again), f, toRoot(), { partSize: P });
        assert.equal(r.resumed, true);
        assert.equal(r.sha256, digest);
        assert.equal(r.partsUploaded, 3, 'parts 3-5 only');
        assertStoredAs(w, f, 'r4-multi.bin');
        assert.deepEqual(engineState(), []);
      } finally {
        await again.close();
      }
    });

    it('CLI folder upload: exactly one "sign in again" error, not one per file; a re-run with a new token resumes and finishes', async () => {
      const root = local('r4-folder');
      await mkdir(root);
      for (let i = 1; i <= 6; i++) await writeRandomFile(path.join(root, `f${i}.bin`), 200_000 + i, 410 + i);
      const first = await newSessionToken(w);
      w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'delay', ms: 1000 }, times: 100 });
      const args = ['upload', root, '--container', w.personal.containerId, '--conflict', 'skip-same', '--json'];
      const seq = mark(w.sandbox);
      const run = spawnCli(w, args, { token: first.token });
      await waitFor(() => putsSince(seq).length >= 1, 20_000);
      w.sandbox.faults.expireTokens();
      const r1 = await run.done;
      assert.equal(r1.code, 1, r1.stderr);
      const lines = errorLines(r1.stderr);
      assert.equal(lines.length, 1, `one error line, got:\n${r1.stderr}`);
      assert.match(lines[0], /sign in again.*\[AuthRequired\]/);
      assert.ok(cliState().length >= 1, 'resume state kept for the files in flight');
      const done = remoteNames(w, 'r4-folder').length;
      assert.ok(done < 6, `the expiry came mid-transfer (${done} of 6 already there)`);

      w.sandbox.faults.reset();
      const second = await newSessionToken(w);
      const r2 = await cli(w, args, { token: second.token });
      assert.equal(r2.code, 0, r2.stderr);
      const entries = JSON.parse(r2.stdout) as Array<{ status: string; resumed?: boolean }>;
      assert.ok(entries.some((e) => e.resumed), 'at least one file continued its earlier task');
      assert.deepEqual(remoteNames(w, 'r4-folder'), ['f1.bin', 'f2.bin', 'f3.bin', 'f4.bin', 'f5.bin', 'f6.bin'], 'each file once');
      for (let i = 1; i <= 6; i++) assertStoredAs(w, path.join(root, `f${i}.bin`), 'r4-folder', `f${i}.bin`);
      assert.deepEqual(cliState(), []);
    });

    it('download: AuthRequired stops the run (not one error per file); the temp file is kept and a new token resumes it', async () => {
      // The tests above expired every token issued so far, the demo token too: set up with a new session.
      const setup = await newSessionToken(w);
      const big = await putRemote(w, 'r4-dl.bin', randomData(4 * MiB, 6), 'root', setup.token);
      const other = await putRemote(w, 'r4-dl-2.bin', randomData(1000, 7), 'root', setup.token);
      const setupDrive = driveWithToken(w, setup.token);
      const items = await itemsVia(setupDrive, w, big, other).finally(() => setupDrive.close());
      const first = await newSessionToken(w);
      const drive = driveWithToken(w, first.token, { bodyTimeoutMs: 500 });
      const dir = target();
      try {
        w.sandbox.faults.add({ match: { target: 'download', fileId: big }, action: { kind: 'stall', afterBytes: 2 * MiB, ms: 3000 } });
        const seq = mark(w.sandbox);
        const run = downloadFiles({ client: drive.client, dispatcher: drive.dispatcher, retry: { baseDelayMs: 10 } }, w.personal, items, { targetDir: dir, concurrency: 1 });
        await waitFor(() => since(w.sandbox, seq).some((r) => r.target === 'download'));
        w.sandbox.faults.expireUrls();
        w.sandbox.faults.expireTokens();
        await assert.rejects(run, is('AuthRequired', /sign in again/));
      } finally {
        await drive.close();
      }
      assert.deepEqual(localTree(dir), [partialName('r4-dl.bin', big)], 'only the resumable temp file');
      const kept = fs.statSync(path.join(dir, partialName('r4-dl.bin', big))).size;
      assert.ok(kept > 0, 'bytes kept for resuming');

      const second = await newSessionToken(w);
      const again = driveWithToken(w, second.token);
      try {
        const s = await downloadFiles({ client: again.client, dispatcher: again.dispatcher }, w.personal, items, { targetDir: dir });
        assert.equal(s.downloaded, 2, JSON.stringify(s.files.map((x) => x.error?.message)));
        assert.equal(byName(s, 'r4-dl.bin').resumedFrom, kept);
      } finally {
        await again.close();
      }
      assert.ok(fs.readFileSync(path.join(dir, 'r4-dl.bin')).equals(w.sandbox.store.readContent(big)));
      assert.deepEqual(localTree(dir), ['r4-dl-2.bin', 'r4-dl.bin']);
    });

    it('when the host can refresh the session (onAuthExpired), the upload goes on without the user noticing', async () => {
      const f = local('r4-refresh.bin');
      await writeRandomFile(f, 2 * P + 1, 402);
      const login = await w.drive.client.createSession('sandbox');
      const creds = staticCredentials({ token: login.accessToken, userId: w.sandbox.userId, sessionId: login.sessionId });
      let refreshes = 0;
      const transport: ApiTransport = new ApiTransport({
        endpoint: w.sandbox.url, credentials: creds, dispatcher: w.drive.dispatcher,
        onAuthExpired: async () => {
          refreshes++;
          const c = await creds.get();
          await creds.update!({ ...c, token: await new KooDriveClient(transport).refreshSession(c.sessionId!) });
          return true;
        },
      });
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: 1500 } });
      const seq = mark(w.sandbox);
      const run = uploadFile({ ...w.deps(), client: new KooDriveClient(transport) }, f, toRoot(), { partSize: P, concurrency: 1, flashThreshold: 0 });
      await waitFor(partArrived(seq, 2));
      w.sandbox.faults.expireUrls();
      w.sandbox.faults.expireTokens();
      await run;
      assert.equal(refreshes, 1);
      assertStoredAs(w, f, 'r4-refresh.bin');
    });
  });

  // ---------------------------------------------------------------------------
  describe('5. X-Date rejected for clock skew → the client re-learns the offset from Date and retries', () => {
    ownWorld();
    it('multi-part upload: the server clock jumps 20 min ahead mid-upload; complete is re-sent once and succeeds', async () => {
      const f = local('r5-multi.bin');
      await writeRandomFile(f, 2 * P + 1, 501);
      const drive = driveWithToken(w, w.sandbox.token);
      try {
        w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: 1500 } });
        const seq = mark(w.sandbox);
        const run = uploadFile(depsFor(w, drive), f, toRoot(), { partSize: P, concurrency: 1 });
        await waitFor(partArrived(seq, 2));
        w.sandbox.faults.setClockOffset(20 * 60 * 1000);
        await run;
        assert.deepEqual(statuses(w.sandbox, seq, '/files/complete'), [401, 200]);
        assertStoredAs(w, f, 'r5-multi.bin');
      } finally {
        await drive.close();
      }
    });

    it('folder upload with the server 20 min behind: each create is rejected once at most, never duplicated', async () => {
      const root = local('r5-folder');
      await mkdir(root);
      await writeFile(path.join(root, 'one.txt'), '1');
      await writeFile(path.join(root, 'two.txt'), '2');
      const drive = driveWithToken(w, w.sandbox.token);
      try {
        w.sandbox.faults.setClockOffset(-20 * 60 * 1000);
        const seq = mark(w.sandbox);
        const s = await uploadFolder(depsFor(w, drive), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail', fileConcurrency: 1 });
        assert.ok(s.files.every((x) => x.status === 'uploaded'));
        assert.deepEqual(statuses(w.sandbox, seq, '/directory'), [401, 200], 'the first call re-learns the skew');
        assert.deepEqual(statuses(w.sandbox, seq, '/files/create'), [200, 200], 'later calls are right first time');
        assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r5-folder')), ['r5-folder']);
        assertStoredAs(w, path.join(root, 'one.txt'), 'r5-folder', 'one.txt');
        assertStoredAs(w, path.join(root, 'two.txt'), 'r5-folder', 'two.txt');
      } finally {
        await drive.close();
      }
    });

    it('download with the server 20 min ahead: files/download is re-sent once; presigned URLs from the skewed clock still work', async () => {
      const id = await putRemote(w, 'r5-dl.bin', randomData(100_000, 8));
      const items = await itemsOf(w, id);
      const drive = driveWithToken(w, w.sandbox.token);
      try {
        w.sandbox.faults.setClockOffset(20 * 60 * 1000);
        const dir = target();
        const seq = mark(w.sandbox);
        const s = await downloadFiles({ client: drive.client, dispatcher: drive.dispatcher }, w.personal, items, { targetDir: dir });
        assert.equal(s.downloaded, 1, s.files[0].error?.message);
        assert.deepEqual(statuses(w.sandbox, seq, '/files/download'), [401, 200]);
        assert.ok(fs.readFileSync(path.join(dir, 'r5-dl.bin')).equals(w.sandbox.store.readContent(id)));
      } finally {
        await drive.close();
      }
    });
  });

  // ---------------------------------------------------------------------------
  describe('6. the process is killed mid-upload → the re-run resumes; sha256 right (single file: uploadResume.test.ts)', () => {
    ownWorld();
    it('CLI folder upload killed with SIGKILL: the re-run continues the started tasks and every file verifies', async () => {
      const root = local('r6-folder');
      await mkdir(root);
      const digests = new Map<string, string>();
      digests.set('a.bin', await writeRandomFile(path.join(root, 'a.bin'), 3 * P + 17, 601));
      digests.set('b.bin', await writeRandomFile(path.join(root, 'b.bin'), 2 * P + 3, 602));
      digests.set('c.txt', await writeRandomFile(path.join(root, 'c.txt'), 1000, 603));
      w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'delay', ms: 200 }, times: 1000 });
      const args = ['upload', root, '--container', w.personal.containerId, '--part-size', String(P), '--concurrency', '1', '--conflict', 'skip-same', '--json'];
      const seq = mark(w.sandbox);
      const first = spawnCli(w, args);
      const ok = (): number => putsSince(seq).filter((q) => q.status === 200).length;
      // Progress is recorded at most 250 ms after a part succeeds: kill once some is on disk.
      const recorded = (): number => cliState().reduce((sum, f) => {
        try {
          return sum + (JSON.parse(fs.readFileSync(path.join(w.tmp, 'cli-state', 'uploads', f), 'utf8')) as { partsDone: number[] }).partsDone.length;
        } catch {
          return sum; // being replaced right now
        }
      }, 0);
      await waitFor(() => recorded() >= 2, 30_000);
      first.child.kill('SIGKILL');
      const r1 = await first.done;
      assert.equal(r1.signal, 'SIGKILL');
      assert.ok(remoteNames(w, 'r6-folder').length < 3, 'killed before the end');
      const tasks = requestsTo(w.sandbox, '/files/create').length;
      const sentBefore = ok();
      w.sandbox.faults.reset();

      const before = ok();
      const r2 = await cli(w, args);
      assert.equal(r2.code, 0, r2.stderr);
      const entries = JSON.parse(r2.stdout) as Array<{ localPath: string; sha256: string; resumed?: boolean; status: string }>;
      assert.ok(entries.some((e) => e.resumed), 'a started file was continued');
      for (const e of entries) assert.equal(e.sha256, digests.get(path.basename(e.localPath)));
      assert.deepEqual(remoteNames(w, 'r6-folder'), ['a.bin', 'b.bin', 'c.txt']);
      for (const name of digests.keys()) assertStoredAs(w, path.join(root, name), 'r6-folder', name);
      assert.ok(ok() - before <= 8 - 2, `parts recorded before the kill were not sent again (${ok() - before} of 8 in the re-run, ${sentBefore} before)`);
      assert.ok(requestsTo(w.sandbox, '/files/create').length - tasks <= 3, 'started tasks were continued, not recreated');
      assert.deepEqual(cliState(), []);
    });
  });

  // ---------------------------------------------------------------------------
  describe('7. download interrupted → resumed with Range, verified (reset/stall/cancel: download.test.ts)', () => {
    ownWorld();
    it('CLI download killed mid-file: nothing under the final name; the re-run continues with Range and verifies', async () => {
      const data = randomData(8 * MiB, 9);
      const id = await putRemote(w, 'r7-killed.bin', data);
      const dir = target();
      w.sandbox.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'stall', afterBytes: 3 * MiB, ms: 30_000 } });
      const args = ['download', id, '--container', w.personal.containerId, '--to', dir, '--json'];
      const first = spawnCli(w, args);
      const partial = path.join(dir, partialName('r7-killed.bin', id));
      // The body stalls after 3 MiB; the engine writes in ~1 MiB batches, so at least 2 MiB reach the disk.
      await waitFor(() => fs.existsSync(partial) && fs.statSync(partial).size >= 2 * MiB, 20_000);
      first.child.kill('SIGKILL');
      await first.done;
      assert.deepEqual(localTree(dir), [partialName('r7-killed.bin', id)], 'no file under the final name');
      const kept = fs.statSync(partial).size;
      w.sandbox.faults.reset();
      const seq = mark(w.sandbox);
      const r2 = await cli(w, args);
      assert.equal(r2.code, 0, r2.stderr);
      const [entry] = JSON.parse(r2.stdout) as Array<{ status: string; resumedFrom?: number; sha256: string }>;
      assert.equal(entry.status, 'downloaded');
      assert.equal(entry.resumedFrom, kept);
      assert.equal(since(w.sandbox, seq).find((r) => r.target === 'download')?.headers.range, `bytes=${kept}-`);
      assert.equal(entry.sha256, createHash('sha256').update(data).digest('hex'));
      assert.equal(sha256File(path.join(dir, 'r7-killed.bin')), entry.sha256);
      assert.deepEqual(localTree(dir), ['r7-killed.bin']);
    });
  });

  // ---------------------------------------------------------------------------
  describe('8. download checksum mismatch → file not kept, the error names it', () => {
    ownWorld();
    it('CLI: exit 1, the failure names the remote file, [IntegrityFailed]; neither the file nor a temp file is left; the other file is fine', async () => {
      const folder = await remoteFolder('r8');
      const bad = await putRemote(w, 'flipped.bin', randomData(MiB, 10), folder);
      await putRemote(w, 'fine.txt', Buffer.from('fine'), folder);
      w.sandbox.faults.add({ match: { target: 'download', fileId: bad }, action: { kind: 'corrupt' }, times: 10 });
      const dir = target();
      const r = await cli(w, ['download', folder, '--container', w.personal.containerId, '--to', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /✗ .*r8\/flipped\.bin.*failed verification.*discarded \[IntegrityFailed\]/);
      assert.deepEqual(localTree(dir), ['r8/', 'r8/fine.txt']);
      assert.ok(w.sandbox.store.getFile(bad), 'the drive copy is untouched');
    });
  });

  // ---------------------------------------------------------------------------
  describe('9. partial batch download (batchCode 0) → successes kept, failures listed', () => {
    ownWorld();
    it('CLI: the files/download answer has batchCode 0; good files are saved and verified, the failed one is listed with its reason', async () => {
      const ids = [await putRemote(w, 'r9-a.txt', Buffer.from('a')), await putRemote(w, 'r9-denied.txt', Buffer.from('b')), await putRemote(w, 'r9-c.txt', Buffer.from('c'))];
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/download', fileId: ids[1] }, action: { kind: 'failItem', code: '13000410' }, times: 100 });
      const answer = await w.drive.client.getDownloadLinks(w.personal, ids);
      assert.equal(answer.batchCode, 0, 'the sandbox reports a partial batch');
      const dir = target();
      const r = await cli(w, ['download', ...ids, '--container', w.personal.containerId, '--to', dir, '--json']);
      assert.equal(r.code, 1);
      const entries = JSON.parse(r.stdout) as Array<{ remotePath: string; status: string; error?: { code: string; message: string } }>;
      // --json entries come in the order files settle (docs/cli.md), not the order given.
      assert.deepEqual(entries.map((e) => `${e.remotePath}:${e.status}`).sort(), ['r9-a.txt:downloaded', 'r9-c.txt:downloaded', 'r9-denied.txt:failed']);
      const denied = entries.find((e) => e.remotePath === 'r9-denied.txt')!;
      assert.equal(denied.error?.code, 'PermissionDenied');
      assert.match(denied.error!.message, /r9-denied\.txt.*no permission/);
      assert.match(r.stderr, /1 of 3 file\(s\) could not be downloaded/);
      assert.deepEqual(localTree(dir), ['r9-a.txt', 'r9-c.txt']);
      assert.equal(fs.readFileSync(path.join(dir, 'r9-c.txt'), 'utf8'), 'c');
    });
  });

  // ---------------------------------------------------------------------------
  describe('10. malformed or truncated JSON, an HTML error page, an empty 200 body → a clear error, no crash', () => {
    ownWorld();
    it('the answer to files/complete is cut off (the file WAS completed): the engine checks the file and reports success, no duplicate', async () => {
      const f = local('r10-complete.bin');
      await writeRandomFile(f, P + 7, 1001);
      const cut = w.sandbox.faults.add({ match: { target: 'api', path: '/files/complete' }, action: { kind: 'malformed', body: 'truncated-json' } });
      const r = await uploadFile(w.deps(), f, toRoot('rename'), { partSize: P });
      assertFired(w.sandbox, cut, 1);
      assert.equal(r.fileName, 'r10-complete.bin');
      assertStoredAs(w, f, 'r10-complete.bin');
      assert.deepEqual(engineState(), [], 'no resume state that would upload it a second time');
      const again = await uploadFile(w.deps(), f, toRoot('skip-same'), { partSize: P });
      assert.equal(again.skipped, true);
      assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r10-complete')), ['r10-complete.bin']);
    });

    it('an empty 200 body from files/complete: same — verified by file detail, reported once', async () => {
      const f = local('r10-empty.txt');
      await writeFile(f, 'empty answer');
      const empty = w.sandbox.faults.add({ match: { target: 'api', path: '/files/complete' }, action: { kind: 'malformed', body: 'empty' } });
      await uploadFile(w.deps(), f, toRoot('rename'), { flashThreshold: 0 });
      assertFired(w.sandbox, empty, 1);
      assertStoredAs(w, f, 'r10-empty.txt');
      assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r10-empty')), ['r10-empty.txt']);
    });

    it('an HTML gateway page for files/create: a clear ServerError naming the HTML page; nothing sent, nothing visible', async () => {
      const f = local('r10-html.txt');
      await writeFile(f, 'html');
      const seq = mark(w.sandbox);
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/create' }, action: { kind: 'malformed', body: 'html' } });
      await assert.rejects(uploadFile(w.deps(), f, toRoot()), is('ServerError', /HTTP 502.*HTML page instead of JSON/));
      assertNotOnDrive(w, 'r10-html.txt');
      assert.deepEqual(statuses(w.sandbox, seq, '/obs/'), [], 'no part sent');
    });

    it('truncated JSON from files/create: BadResponse "malformed or truncated"; the half-made task stays invisible', async () => {
      const f = local('r10-trunc.txt');
      await writeFile(f, 'trunc');
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/create' }, action: { kind: 'malformed', body: 'truncated-json' } });
      await assert.rejects(uploadFile(w.deps(), f, toRoot()), is('BadResponse', /files\/create.*malformed or truncated/));
      assertNotOnDrive(w, 'r10-trunc.txt');
    });

    it('an empty body from files/multipart/uploadUrl (a read) is simply asked again; the upload completes', async () => {
      const f = local('r10-url.bin');
      await writeRandomFile(f, P + 1, 1002);
      const seq = mark(w.sandbox);
      const empty = w.sandbox.faults.add({ match: { target: 'api', path: '/files/multipart/uploadUrl' }, action: { kind: 'malformed', body: 'empty' } });
      await uploadFile(w.deps(), f, toRoot(), { partSize: P, flashThreshold: 0 });
      assertFired(w.sandbox, empty, 1);
      assert.equal(statuses(w.sandbox, seq, '/files/multipart/uploadUrl').length, 2, 'asked once more after the empty answer');
      assertStoredAs(w, f, 'r10-url.bin');
    });

    it('download: HTML pages for files/download fail the file clearly (nothing on disk); an empty listing answer is asked again', async () => {
      const folder = await remoteFolder('r10-dl');
      await putRemote(w, 'x.txt', Buffer.from('x'), folder);
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/0' }, action: { kind: 'malformed', body: 'empty' } });
      w.sandbox.faults.add({ match: { target: 'api', path: '/files/download' }, action: { kind: 'malformed', body: 'html' }, times: 1000 });
      const dir = target();
      const s = await downloadFiles(dlDeps({ maxAttempts: 2 }), w.personal, await itemsOf(w, folder), { targetDir: dir });
      assert.equal(s.failed, 1);
      assert.match(s.files[0].error!.message, /r10-dl\/x\.txt: .*HTML page instead of JSON/);
      assert.deepEqual(localTree(dir), ['r10-dl/']);
      w.sandbox.faults.reset();
      const again = await downloadFiles(dlDeps(), w.personal, await itemsOf(w, folder), { targetDir: dir });
      assert.equal(again.downloaded, 1);
      assert.equal(fs.readFileSync(path.join(dir, 'r10-dl', 'x.txt'), 'utf8'), 'x');
    });
  });

  // ---------------------------------------------------------------------------
  describe('11. the server stalls → timeout, retry, then a clear error (stalled API read: client.test.ts)', () => {
    ownWorld();
    const fast = { headersTimeoutMs: 1000, bodyTimeoutMs: 1000 };

    it('upload: a part the server stops reading times out and is re-sent; the file completes', async () => {
      const f = local('r11-part.bin');
      await writeRandomFile(f, P + 5, 1101);
      const drive = driveWithToken(w, w.sandbox.token, fast);
      try {
        const seq = mark(w.sandbox);
        const stall = w.sandbox.faults.add({ match: { target: 'part', partNumber: 1 }, action: { kind: 'stall', afterBytes: MiB, ms: 5000 } });
        await uploadFile(depsFor(w, drive), f, toRoot(), { partSize: P });
        assertFired(w.sandbox, stall, 1);
        const part1 = putsSince(seq).filter((q) => q.query?.partNumber === '1');
        // Had the client waited for the stall to end, the first PUT would have been answered 200 and sent once.
        assert.deepEqual(part1.map((q) => q.status), [0, 200], 'the stalled PUT was given up (no answer) and part 1 sent again');
        assertStoredAs(w, f, 'r11-part.bin');
      } finally {
        await drive.close();
      }
    });

    it('upload: a part that stalls every time → Timeout after the allowed attempts; nothing visible', async () => {
      const f = local('r11-dead.bin');
      await writeRandomFile(f, 2 * MiB, 1102);
      const drive = driveWithToken(w, w.sandbox.token, fast);
      try {
        w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'stall', afterBytes: 0, ms: 5000 }, times: 100 });
        await assert.rejects(uploadFile(depsFor(w, drive), f, toRoot(), { maxPartAttempts: 2 }), is('Timeout', /timed out/));
        assertNotOnDrive(w, 'r11-dead.bin');
      } finally {
        await drive.close();
      }
    });

    it('upload: the answer to files/complete stalls after the file was completed → the engine checks the file; one file, success', async () => {
      const f = local('r11-complete.txt');
      await writeFile(f, 'complete, then silence');
      const drive = driveWithToken(w, w.sandbox.token, fast);
      try {
        const stall = w.sandbox.faults.add({ match: { target: 'api', path: '/files/complete' }, action: { kind: 'stall', ms: 3000 } });
        await uploadFile(depsFor(w, drive), f, toRoot('rename'));
        assertFired(w.sandbox, stall, 1);
        assertStoredAs(w, f, 'r11-complete.txt');
        assert.deepEqual(remoteNames(w).filter((x) => x.startsWith('r11-complete')), ['r11-complete.txt']);
      } finally {
        await drive.close();
      }
    });

    it('download: a body that never starts → Timeout after the retries; the error names the file; nothing under the final name', async () => {
      const id = await putRemote(w, 'r11-dl.bin', randomData(300_000, 11));
      const items = await itemsOf(w, id);
      const drive = driveWithToken(w, w.sandbox.token, fast);
      const dir = target();
      try {
        // undici's timers tick coarsely: stall well past the 1 s timeout. The sandbox cannot cut a sleeping answer short, so wait for it below.
        w.sandbox.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'stall', afterBytes: 0, ms: 2500 }, times: 100 });
        const s = await downloadFiles({ client: drive.client, dispatcher: drive.dispatcher, retry: { maxAttempts: 2, baseDelayMs: 10 } }, w.personal, items, { targetDir: dir });
        assert.equal(s.files[0].error?.code, 'Timeout');
        assert.match(s.files[0].error!.message, /r11-dl\.bin.*timed out/);
        assert.ok(!fs.existsSync(path.join(dir, 'r11-dl.bin')));
        await new Promise((r) => setTimeout(r, 1500)); // let the last stalled answer wake up before this sandbox closes
      } finally {
        await drive.close();
      }
    });
  });

  // ---------------------------------------------------------------------------
  describe('12. local disk full / target not writable during download (library level: download.test.ts)', () => {
    ownWorld();
    it('CLI as an unprivileged user into a folder it may not write: LocalIo "permission denied" naming the file; nothing written', async function () {
      if (!canSwitchUser()) this.skip(); // chmod does not stop root: the CLI runs as nobody
      const id = await putRemote(w, 'r12-denied.txt', Buffer.from('no place for me'));
      const dir = target(); // owned by root, 0755: nobody may not create files in it
      fs.chmodSync(w.tmp, 0o755);
      shareWith(path.join(w.tmp, 'cli-state'));
      const r = await cli(w, ['download', id, '--container', w.personal.containerId, '--to', dir], { user: NOBODY });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`Cannot write ${path.join(dir, 'r12-denied.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied \\[LocalIo\\]`));
      assert.deepEqual(fs.readdirSync(dir), []);
    });

    it('CLI --to names an existing file (a file where the folder must go): a clear LocalIo error; the file is untouched', async () => {
      const id = await putRemote(w, 'r12-notdir.txt', Buffer.from('x'));
      const blocker = local('r12-blocker');
      await writeFile(blocker, 'keep me');
      const r = await cli(w, ['download', id, '--container', w.personal.containerId, '--to', blocker]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Cannot write .*r12-notdir\.txt: a file is in the way of a folder \(.*r12-blocker\) \[LocalIo\]/);
      assert.equal(fs.readFileSync(blocker, 'utf8'), 'keep me');
    });

    it('CLI with a full disk: "the disk is full", no temp file left, nothing under the final name; the file that fits is saved', async function () {
      const big = await putRemote(w, 'r12-big.bin', randomData(3 * MiB, 12));
      const small = await putRemote(w, 'r12-small.txt', Buffer.from('fits'));
      const dir = target();
      const unmount = mountTinyTmpfs(dir);
      // Without mount privileges: a 1 MiB file-size limit (RLIMIT_FSIZE) gives EFBIG on the same write path.
      const shellPrefix = unmount ? undefined : 'ulimit -f 1024';
      try {
        const r = await cli(w, ['download', big, small, '--container', w.personal.containerId, '--to', dir, '--concurrency', '1'], { shellPrefix });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, unmount ? /r12-big\.bin: the disk is full \[LocalIo\]/ : /r12-big\.bin: the file is larger than this file system \(or the file size limit\) allows \[LocalIo\]/);
        assert.deepEqual(localTree(dir), ['r12-small.txt']);
        assert.equal(fs.readFileSync(path.join(dir, 'r12-small.txt'), 'utf8'), 'fits');
      } finally {
        unmount?.();
      }
    });
  });

  // ---------------------------------------------------------------------------
  describe('13. the local file changes during upload → aborted with a clear message, never completed with mixed content', () => {
    ownWorld();
    /** Part 2 is held this long on the server: ample time for the test to change the file (checked below). */
    const HOLD_MS = 1500;
    /**
     * Starts an upload whose part 2 is held on the server, runs `change`
     * meanwhile (before part 3 is read), and expects exactly `code` with a
     * message matching `re`. `prepare` runs before the upload starts.
     */
    async function changeDuringUpload(name: string, change: (f: string) => Promise<void>, code: KooDriveError['code'], re: RegExp, prepare?: (f: string) => Promise<void>): Promise<void> {
      const f = local(name);
      await writeRandomFile(f, 3 * P + 100, name.length);
      await prepare?.(f);
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: HOLD_MS } });
      const seq = mark(w.sandbox);
      const run = uploadFile(w.deps(), f, toRoot(), { partSize: P, concurrency: 1 });
      await waitFor(partArrived(seq, 2));
      await change(f);
      assert.ok(!partArrived(seq, 3)(), 'the file was changed while part 2 was held, before part 3 was read');
      await assert.rejects(run, is(code, re));
      assertNotOnDrive(w, name);
      assert.deepEqual(engineState(), [], 'no resume state: the old parts must not be reused');
    }

    /** Overwrites 4 KiB inside part 3 (not yet sent), keeping the size. */
    async function rewriteInPart3(f: string): Promise<void> {
      const fh = await open(f, 'r+');
      try {
        await fh.write(Buffer.alloc(4096, 0x5a), 0, 4096, 2 * P + 10);
      } finally {
        await fh.close();
      }
    }

    it('the file grows: SourceChanged "was modified during the upload; nothing was saved"; complete is never called', async () => {
      const completes = requestsTo(w.sandbox, '/files/complete').length;
      await changeDuringUpload('r13-grow.bin', (f) => appendFile(f, 'more bytes'), 'SourceChanged', /r13-grow\.bin was modified during the upload; nothing was saved/);
      assert.equal(requestsTo(w.sandbox, '/files/complete').length, completes);
    });

    it('the file shrinks: SourceChanged "became shorter"', async () => {
      await changeDuringUpload('r13-shrink.bin', (f) => truncate(f, P + MiB), 'SourceChanged', /r13-shrink\.bin became shorter while it was being uploaded/);
    });

    it('same size, content rewritten, modification time left as the writer set it: the local check refuses it (SourceChanged) before complete', async () => {
      const completes = requestsTo(w.sandbox, '/files/complete').length;
      await changeDuringUpload('r13-touched.bin', rewriteInPart3, 'SourceChanged', /r13-touched\.bin was modified during the upload; nothing was saved/);
      assert.equal(requestsTo(w.sandbox, '/files/complete').length, completes, 'the drive was never asked to complete');
    });

    it('same size, content rewritten and the exact modification time put back: the drive\'s hash chain refuses it (IntegrityFailed), nothing saved', async () => {
      // Node's utimes() keeps microseconds at most, so a freshly written file's
      // nanosecond mtime can never be put back exactly (and a Date loses even the
      // sub-millisecond part). So the file gets a time Node can set exactly
      // (a binary fraction of a second) before the upload, and the same time again
      // after the rewrite: the local size+mtime check cannot see the change.
      const T = 1_700_000_000.25;
      let before: bigint | undefined;
      const seq = mark(w.sandbox);
      await changeDuringUpload('r13-rewrite.bin', async (f) => {
        await rewriteInPart3(f);
        await utimes(f, T, T);
        const after = (await stat(f, { bigint: true })).mtimeNs;
        assert.equal(after, before, 'the modification time was restored to the nanosecond');
      }, 'IntegrityFailed', /KooDrive's integrity check failed for .*r13-rewrite\.bin/, async (f) => {
        await utimes(f, T, T);
        before = (await stat(f, { bigint: true })).mtimeNs;
        assert.equal(before, 1_700_000_000_250_000_000n);
      });
      const completes = since(w.sandbox, seq).filter((r) => r.path.endsWith('/files/complete'));
      assert.ok(completes.length >= 1 && completes.every((r) => r.status !== 200), `the drive was asked to complete, and refused (${completes.map((r) => r.status).join(', ')})`);
    });

    it('folder upload: the file that changed fails alone; the others are uploaded', async () => {
      const root = local('r13-folder');
      await mkdir(root);
      await writeRandomFile(path.join(root, 'a-moving.bin'), 2 * P, 1301);
      await writeFile(path.join(root, 'b-still.txt'), 'still');
      w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'delay', ms: HOLD_MS } });
      const seq = mark(w.sandbox);
      const run = uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail', partSize: P, concurrency: 1 });
      await waitFor(partArrived(seq, 2));
      await appendFile(path.join(root, 'a-moving.bin'), 'x');
      assert.equal(remoteAt(w, 'r13-folder', 'a-moving.bin'), undefined, 'changed before a-moving.bin could be completed');
      const s = await run;
      assert.deepEqual(s.files.map((x) => `${x.status}:${x.relPath}`), ['failed:a-moving.bin', 'uploaded:b-still.txt']);
      const failed = s.files[0];
      assert.ok(failed.status === 'failed' && failed.error.code === 'SourceChanged');
      assert.deepEqual(remoteNames(w, 'r13-folder'), ['b-still.txt']);
      assertStoredAs(w, path.join(root, 'b-still.txt'), 'r13-folder', 'b-still.txt');
    });
  });
});
