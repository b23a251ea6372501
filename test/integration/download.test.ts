/**
 * The download engine against the sandbox over real HTTP, into real temp
 * folders: batching, folder trees, partial failures, resume, expiry,
 * verification, names, conflicts, cancellation and local I/O failures.
 * Bytes on disk are compared with the sandbox's own copy.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import type { DriveItem, SpaceRef } from '../../src/core/api/models';
import { KooDriveError } from '../../src/core/errors';
import { localTree } from './helpers';
import { createKooDrive, KooDrive } from '../../src/core/koodrive';
import type { ProgressEvent } from '../../src/core/progress';
import type { ConflictQuestion } from '../../src/core/download/downloadConflicts';
import { DownloadDeps, downloadFiles, DownloadOptions } from '../../src/core/download/downloadFiles';
import type { DownloadSummary } from '../../src/core/download/downloadTally';
import { resolveDownloadItems } from '../../src/core/download/resolveDownloadItems';
import { isPartialName, partialName } from '../../src/core/bytes/localNames';
import { downloadSelection } from '../../src/core/queue/downloadSelection';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { TestClient } from '../sandbox/testing/client';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('download (integration, sandbox over HTTP)', function () {
  this.timeout(120_000);
  let tmp: string;
  let sb: Sandbox;
  let drive: KooDrive;
  let tc: TestClient;
  let space: SpaceRef;
  let deps: DownloadDeps;
  let n = 0;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-dl-it-'));
    sb = await startSandbox({ seed: false, dataDir: path.join(tmp, 'sandbox') });
    drive = createKooDrive({
      endpoint: sb.url,
      credentials: staticCredentials({ token: sb.token, userId: sb.userId }),
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      http: { bodyTimeoutMs: 1500 },
    });
    tc = new TestClient({ url: sb.url, token: sb.token, userId: sb.userId });
    space = { containerId: sb.personalContainerId };
    deps = { client: drive.client, dispatcher: drive.dispatcher, retry: { baseDelayMs: 10, maxDelayMs: 50 } };
  });
  after(async () => {
    await drive?.close();
    await sb?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => sb.faults.reset());

  // ---- helpers -----------------------------------------------------------

  /** A fresh remote folder under the root, so tests never share names. */
  async function remoteFolder(name = `t${++n}`, parent = 'root'): Promise<string> {
    return (await drive.client.createFolder(space, parent, name)).id;
  }
  async function put(parent: string, name: string, data: Buffer): Promise<string> {
    return (await tc.upload({ containerId: space.containerId, parent, name, data, autoRename: 3 })).fileId;
  }
  async function items(...ids: string[]): Promise<DriveItem[]> {
    const r = await resolveDownloadItems(drive.client, space, ids);
    assert.deepEqual(r.failures, []);
    return r.items;
  }
  function target(): string {
    const d = path.join(tmp, `out${++n}`);
    fs.mkdirSync(d);
    return d;
  }
  function lastSeq(): number {
    return sb.requests.length ? sb.requests[sb.requests.length - 1].seq : 0;
  }
  function since(seq: number, pred: (r: Sandbox['requests'][number]) => boolean): Sandbox['requests'] {
    return sb.requests.filter((r) => r.seq > seq && pred(r));
  }
  const linkCalls = (seq: number): Sandbox['requests'] => since(seq, (r) => r.path.endsWith('/files/download'));
  const gets = (seq: number): Sandbox['requests'] => since(seq, (r) => r.target === 'download');
  const tree = localTree;
  function assertSameAsSandbox(localPath: string, fileId: string): void {
    assert.ok(fs.readFileSync(localPath).equals(sb.store.readContent(fileId)), `${localPath} differs from the sandbox's content`);
  }
  const run = (its: DriveItem[], opts: Partial<DownloadOptions> & { targetDir: string }, d: DownloadDeps = deps): Promise<DownloadSummary> =>
    downloadFiles(d, space, its, opts);
  const byId = (s: DownloadSummary, id: string) => s.files.find((f) => f.fileId === id)!;

  // ---- the basics --------------------------------------------------------

  it('downloads a single file: bytes, size and sha256 match, progress in bytes, no temp file left', async () => {
    const folder = await remoteFolder();
    const data = randomBytes(3 * MiB + 17);
    const id = await put(folder, 'single.bin', data);
    const dir = target();
    const events: ProgressEvent[] = [];
    const s = await run(await items(id), { targetDir: dir, onProgress: (e) => events.push(e) });
    assert.equal(s.downloaded, 1, JSON.stringify(s.files));
    const f = s.files[0];
    assert.equal(f.localPath, path.join(dir, 'single.bin'));
    assert.equal(f.size, data.length);
    assert.equal(f.sha256, sha256(data));
    assertSameAsSandbox(f.localPath!, id);
    assert.deepEqual(tree(dir), ['single.bin']);
    assert.ok(events.every((e) => e.phase === 'downloading' && e.bytesTotal === data.length));
    assert.equal(events[events.length - 1].bytesDone, data.length);
    assert.ok(events.length >= 3, 'progress reported along the way');
  });

  it('downloads more than 100 files in several files/download batches; a folder of them over several listing pages', async () => {
    const folderName = `many${++n}`;
    const folder = await remoteFolder(folderName);
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) ids.push(await put(folder, `f${String(i).padStart(3, '0')}.txt`, Buffer.from(`file ${i} ${'x'.repeat(i)}`)));
    const dir = target();
    let seq = lastSeq();
    const s = await run(await items(...ids), { targetDir: dir });
    assert.equal(s.downloaded, 130, JSON.stringify(s.files.filter((f) => f.status !== 'downloaded')));
    const calls = linkCalls(seq);
    assert.equal(calls.length, 2);
    assert.deepEqual(calls.map((c) => (c.bodyJson as { fileIds: string[] }).fileIds.length), [100, 30]);
    for (const [i, id] of ids.entries()) assertSameAsSandbox(path.join(dir, `f${String(i).padStart(3, '0')}.txt`), id);

    // The same files as a folder: listed over two pages (≤ 100 per page), then two batches again.
    const dir2 = target();
    seq = lastSeq();
    const s2 = await run(await items(folder), { targetDir: dir2, concurrency: 8 });
    assert.equal(s2.downloaded, 130);
    const lists = since(seq, (r) => /\/files\/0$/.test(r.path) && (r.bodyJson as { parentFileId?: string })?.parentFileId === folder);
    assert.equal(lists.length, 2);
    assert.equal(linkCalls(seq).length, 2);
    assert.equal(fs.readdirSync(path.join(dir2, folderName)).length, 130);
    assertSameAsSandbox(path.join(dir2, folderName, 'f129.txt'), ids[129]);
  });

  it('recreates a folder tree, including empty folders', async () => {
    const top = await remoteFolder('tree-top');
    const a = await remoteFolder('a', top);
    const b = await remoteFolder('b', a);
    await remoteFolder('empty', top);
    const ids = {
      root: await put(top, 'readme.md', Buffer.from('# top')),
      a1: await put(a, 'one.bin', randomBytes(200_000)),
      b1: await put(b, 'deep.txt', Buffer.from('deep')),
      b0: await put(b, 'zero.dat', Buffer.alloc(0)),
    };
    const dir = target();
    const s = await run(await items(top), { targetDir: dir });
    assert.equal(s.failed, 0, JSON.stringify(s.files));
    assert.deepEqual(tree(dir), [
      'tree-top/', 'tree-top/a/', 'tree-top/a/b/', 'tree-top/a/b/deep.txt', 'tree-top/a/b/zero.dat', 'tree-top/a/one.bin', 'tree-top/empty/', 'tree-top/readme.md',
    ]);
    assertSameAsSandbox(path.join(dir, 'tree-top/a/one.bin'), ids.a1);
    assertSameAsSandbox(path.join(dir, 'tree-top/a/b/deep.txt'), ids.b1);
    assertSameAsSandbox(path.join(dir, 'tree-top/a/b/zero.dat'), ids.b0);
    assert.equal(byId(s, ids.b1).remotePath, 'tree-top/a/b/deep.txt');
  });

  // ---- failures of single files -------------------------------------------

  it('a folder whose listing failed: the run goes on without it; a retry of that folder (transfer-queue selection) fetches its files and nothing else', async () => {
    const top = await remoteFolder('retry-top');
    const sub = await remoteFolder('sub', top);
    const topFile = await put(top, 'top.txt', Buffer.from('top level'));
    const subFiles = [await put(sub, 's1.bin', randomBytes(5000)), await put(sub, 's2.bin', randomBytes(7000))];
    const dir = target();
    // 404 is never retried: the listing of "sub" fails once, for good.
    sb.faults.add({ match: { target: 'api', path: '/files/0', fileId: sub }, action: { kind: 'status', status: 404 }, times: 1 });
    const settled = new Set<string>();
    const first = await run(await items(top), {
      targetDir: dir,
      shouldDownload: downloadSelection({ isSettled: (k) => settled.has(k) }),
      onFileDone: (r) => settled.add(r.fileId),
    });
    assert.equal(sb.faults.firings().length, 1);
    assert.equal(first.downloaded, 1, JSON.stringify(first.files));
    assert.deepEqual(first.files.filter((f) => f.status === 'failed').map((f) => f.fileId), [sub]);
    assert.deepEqual(tree(dir), ['retry-top/', 'retry-top/top.txt']);

    // The queue's Retry: only the failed keys — here the folder, whose files have no key of their own yet.
    const seq = lastSeq();
    const retry = await run(await items(top), {
      targetDir: dir,
      shouldDownload: downloadSelection({ only: new Set([sub]), isSettled: (k) => settled.has(k) }),
    });
    assert.equal(retry.failed, 0, JSON.stringify(retry.files));
    assert.equal(retry.downloaded, 2);
    assert.deepEqual(tree(dir), ['retry-top/', 'retry-top/sub/', 'retry-top/sub/s1.bin', 'retry-top/sub/s2.bin', 'retry-top/top.txt']);
    assertSameAsSandbox(path.join(dir, 'retry-top/sub/s1.bin'), subFiles[0]);
    assertSameAsSandbox(path.join(dir, 'retry-top/sub/s2.bin'), subFiles[1]);
    // Two GETs for the two files of "sub": top.txt (settled in the first run) is not fetched again.
    assert.equal(gets(seq).length, 2);
    assert.ok(!retry.files.some((f) => f.fileId === topFile));
  });

  it('a partial batch failure fails that file only; a retryable one is fetched again alone', async () => {
    const folder = await remoteFolder();
    const ids = [await put(folder, 'ok1', Buffer.from('1')), await put(folder, 'denied', Buffer.from('2')), await put(folder, 'flaky', Buffer.from('3')), await put(folder, 'ok2', Buffer.from('4'))];
    sb.faults.add({ match: { target: 'api', path: '/files/download', fileId: ids[1] }, action: { kind: 'failItem', code: '13000410' }, times: 10 });
    sb.faults.add({ match: { target: 'api', path: '/files/download', fileId: ids[2] }, action: { kind: 'failItem' } });
    const dir = target();
    const seq = lastSeq();
    const s = await run(await items(...ids), { targetDir: dir, concurrency: 1 });
    assert.deepEqual(s.files.map((f) => f.status), ['downloaded', 'failed', 'downloaded', 'downloaded']);
    const denied = byId(s, ids[1]).error!;
    assert.equal(denied.code, 'PermissionDenied');
    assert.equal(denied.apiCode, 13000410);
    assert.match(denied.message, /denied/);
    const calls = linkCalls(seq).map((c) => (c.bodyJson as { fileIds: string[] }).fileIds);
    assert.deepEqual(calls[0], ids);
    assert.ok(calls.slice(1).some((c) => c.length === 1 && c[0] === ids[2]), 'the flaky link was asked for again on its own');
    assert.deepEqual(tree(dir), ['flaky', 'ok1', 'ok2']);
    assertSameAsSandbox(path.join(dir, 'flaky'), ids[2]);
  });

  it('resumes an interrupted transfer with a Range request, and the bytes match', async () => {
    const folder = await remoteFolder();
    const data = randomBytes(6 * MiB);
    const id = await put(folder, 'reset.bin', data);
    sb.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'reset', afterBytes: 3 * MiB } });
    const dir = target();
    const seq = lastSeq();
    const s = await run(await items(id), { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    const g = gets(seq);
    assert.equal(g.length, 2);
    assert.equal(g[0].headers.range, undefined);
    const m = /^bytes=(\d+)-$/.exec(g[1].headers.range ?? '');
    assert.ok(m, `second GET has a Range header (${g[1].headers.range})`);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) <= 3 * MiB);
    assert.equal(g[1].status, 206);
    assertSameAsSandbox(path.join(dir, 'reset.bin'), id);
  });

  it('a stalled body times out and is resumed', async () => {
    const folder = await remoteFolder();
    const id = await put(folder, 'stall.bin', randomBytes(4 * MiB));
    sb.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'stall', afterBytes: 2 * MiB, ms: 5000 } });
    const dir = target();
    const seq = lastSeq();
    const s = await run(await items(id), { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.match(gets(seq)[1].headers.range ?? '', /^bytes=[1-9]\d*-$/);
    assertSameAsSandbox(path.join(dir, 'stall.bin'), id);
  });

  it('retries a storage 503 with backoff', async () => {
    const folder = await remoteFolder();
    const id = await put(folder, 'busy.bin', randomBytes(1000));
    sb.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'status', status: 503 }, times: 2 });
    const dir = target();
    const seq = lastSeq();
    const s = await run(await items(id), { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded');
    assert.deepEqual(gets(seq).map((g) => g.status), [503, 503, 200]);
  });

  it('an expired link (403) is fetched again through files/download', async () => {
    const folder = await remoteFolder();
    const data = randomBytes(100_000);
    const id = await put(folder, 'expired.bin', data);
    // Expire every URL right after the engine got its first links, before it uses them.
    let expiredOnce = false;
    const client: DownloadDeps['client'] = {
      listFiles: (...a) => drive.client.listFiles(...a),
      getDownloadLinks: async (...a) => {
        const r = await drive.client.getDownloadLinks(...a);
        if (!expiredOnce) {
          expiredOnce = true;
          sb.faults.expireUrls();
        }
        return r;
      },
    };
    const dir = target();
    const seq = lastSeq();
    const s = await run(await items(id), { targetDir: dir }, { ...deps, client });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.deepEqual(gets(seq).map((g) => g.status), [403, 200]);
    assert.equal(linkCalls(seq).length, 2);
    assertSameAsSandbox(path.join(dir, 'expired.bin'), id);
  });

  it('a checksum mismatch fails the file with IntegrityFailed naming it, and keeps nothing', async () => {
    const folder = await remoteFolder();
    const id = await put(folder, 'corrupt.bin', randomBytes(2 * MiB));
    const ok = await put(folder, 'fine.bin', randomBytes(1000));
    sb.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'corrupt' } });
    const dir = target();
    const s = await run(await items(id, ok), { targetDir: dir });
    const f = byId(s, id);
    assert.equal(f.status, 'failed');
    assert.ok(KooDriveError.is(f.error, 'IntegrityFailed'));
    assert.match(f.error.message, /corrupt\.bin/);
    assert.deepEqual(tree(dir), ['fine.bin'], 'neither the file nor its temp file is kept');
  });

  // ---- names ----------------------------------------------------------------

  it('saves names that are unsafe on some systems under safe local names (real sandbox names)', async () => {
    const folder = await remoteFolder('names');
    const long = '日'.repeat(200); // 600 bytes of UTF-8, fine for KooDrive (≤ 250 characters)
    const names = ['CON', 'nul.txt', 'Com1.log', 'trailing...', 'space ', long, 'ok.txt'];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, await put(folder, name, Buffer.from(name)));
    const dir = target();
    const s = await run(await items(folder), { targetDir: dir });
    assert.equal(s.failed, 0, JSON.stringify(s.files));
    const local = fs.readdirSync(path.join(dir, 'names')).sort();
    assert.ok(local.includes('CON_') && local.includes('nul_.txt') && local.includes('Com1_.log'));
    assert.ok(local.includes('trailing') && local.includes('space') && local.includes('ok.txt'));
    const longLocal = local.find((l) => l.startsWith('日'))!;
    assert.ok(Buffer.byteLength(longLocal) <= 255);
    for (const name of names) {
      const r = byId(s, ids.get(name)!);
      assert.equal(r.remotePath, `names/${name}`);
      assertSameAsSandbox(r.localPath!, ids.get(name)!);
    }
  });

  it('hostile names from the server never write outside the target; the unusable ones fail alone', async () => {
    // The sandbox refuses such names on create (as KooDrive does), so they are put into the listing here.
    const folder = await remoteFolder('hostile');
    const hostile = ['..', '.', '', '../../escape.txt', '/etc/passwd', 'C:\\evil.txt', 'a\\b\\c.txt', 'nul\u0000byte', 'bell\u0007.txt', '..\\..\\up.txt'];
    const renamed = new Map<string, string>();
    for (const [i, name] of hostile.entries()) renamed.set(await put(folder, `h${i}`, Buffer.from(`content ${i}`)), name);
    const sub = await remoteFolder('sub', folder);
    renamed.set(sub, '..');
    await put(sub, 'inside-dotdot-folder.txt', Buffer.from('x'));
    const client: DownloadDeps['client'] = {
      getDownloadLinks: (...a) => drive.client.getDownloadLinks(...a),
      listFiles: async (...a) => {
        const page = await drive.client.listFiles(...a);
        return { ...page, items: page.items.map((i) => (renamed.has(i.id) ? { ...i, name: renamed.get(i.id)! } : i)) };
      },
    };
    const outer = path.join(tmp, `outer${++n}`);
    const dir = path.join(outer, 'target');
    fs.mkdirSync(dir, { recursive: true });
    const s = await run(await items(folder), { targetDir: dir }, { ...deps, client });

    const status = (name: string) => s.files.find((f) => f.remotePath === `hostile/${name}`);
    for (const bad of ['..', '.', '']) {
      assert.equal(status(bad)?.status, 'failed', bad);
      assert.equal(status(bad)?.error?.code, 'InvalidInput');
    }
    assert.deepEqual(fs.readdirSync(outer), ['target'], 'nothing next to the target');
    assert.deepEqual(tree(dir), [
      'hostile/', 'hostile/.._.._escape.txt', 'hostile/.._.._up.txt', 'hostile/C__evil.txt', 'hostile/_etc_passwd', 'hostile/a_b_c.txt', 'hostile/bell_.txt', 'hostile/nul_byte',
    ]);
    for (const f of s.files.filter((x) => x.status === 'downloaded')) {
      assert.ok(f.localPath!.startsWith(dir + path.sep));
      assertSameAsSandbox(f.localPath!, f.fileId);
    }
  });

  it('does not follow a symbolic link planted in the target tree out of it', async function () {
    if (process.platform === 'win32') this.skip();
    const top = await remoteFolder('linked-top');
    const inner = await remoteFolder('docs', top);
    await put(inner, 'secret.txt', Buffer.from('s'));
    const dir = target();
    const elsewhere = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
    fs.mkdirSync(path.join(dir, 'linked-top'));
    fs.symlinkSync(elsewhere, path.join(dir, 'linked-top', 'docs'));
    const s = await run(await items(top), { targetDir: dir });
    assert.equal(s.files[0].status, 'failed');
    assert.equal(s.files[0].error?.code, 'LocalIo');
    assert.deepEqual(fs.readdirSync(elsewhere), []);
  });

  // ---- conflicts --------------------------------------------------------------

  describe('conflicts with local files', () => {
    let folder: string;
    let a: string;
    let b: string;
    before(async () => {
      folder = await remoteFolder('conflicts');
      a = await put(folder, 'a.txt', Buffer.from('remote a'));
      b = await put(folder, 'b.txt', Buffer.from('remote b'));
    });
    function withLocal(files: Record<string, string>): string {
      const dir = target();
      for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
      return dir;
    }

    it("default 'fail': the existing file is kept and that file fails with Conflict; the others download", async () => {
      const dir = withLocal({ 'a.txt': 'mine' });
      const s = await run(await items(a, b), { targetDir: dir });
      assert.equal(byId(s, a).status, 'failed');
      assert.ok(KooDriveError.is(byId(s, a).error, 'Conflict'));
      assert.match(byId(s, a).error!.message, /a\.txt already exists/);
      assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'mine');
      assert.equal(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8'), 'remote b');
      assert.deepEqual(tree(dir), ['a.txt', 'b.txt']);
    });

    it("'overwrite' replaces the existing file", async () => {
      const dir = withLocal({ 'a.txt': 'mine' });
      const s = await run(await items(a), { targetDir: dir, conflict: 'overwrite' });
      assert.equal(s.files[0].status, 'downloaded');
      assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'remote a');
    });

    it("'skip' keeps the existing file and transfers nothing", async () => {
      const dir = withLocal({ 'a.txt': 'mine' });
      const seq = lastSeq();
      const s = await run(await items(a), { targetDir: dir, conflict: 'skip' });
      assert.equal(s.files[0].status, 'skipped');
      assert.equal(s.skipped, 1);
      assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'mine');
      assert.equal(gets(seq).length, 0);
    });

    it("'rename' keeps both as \"name (1).ext\", then \"(2)\"", async () => {
      const dir = withLocal({ 'a.txt': 'mine', 'a (1).txt': 'mine too' });
      const s = await run(await items(a), { targetDir: dir, conflict: 'rename' });
      assert.equal(s.files[0].localPath, path.join(dir, 'a (2).txt'));
      assert.equal(fs.readFileSync(path.join(dir, 'a (2).txt'), 'utf8'), 'remote a');
      assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'mine');
      assert.equal(fs.readFileSync(path.join(dir, 'a (1).txt'), 'utf8'), 'mine too');
    });

    it("'ask' calls the handler one conflict at a time; 'apply to all' answers the rest", async () => {
      const c = await put(folder, 'c.txt', Buffer.from('remote c'));
      const dir = withLocal({ 'a.txt': 'mine a', 'b.txt': 'mine b', 'c.txt': 'mine c' });
      const asked: ConflictQuestion[] = [];
      const s = await run(await items(a, b, c), {
        targetDir: dir, conflict: 'ask', concurrency: 3,
        onConflict: async (q) => {
          asked.push(q);
          return asked.length === 1 ? { action: 'skip' } : { action: 'overwrite', applyToAll: true };
        },
      });
      assert.equal(asked.length, 2);
      assert.equal(asked[0].existing.size, 6);
      assert.equal(asked[0].remote.size, 8);
      const statuses = s.files.map((f) => f.status).sort();
      assert.deepEqual(statuses, ['downloaded', 'downloaded', 'skipped']);
      const contents = ['a.txt', 'b.txt', 'c.txt'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.equal(contents.filter((t) => t.startsWith('remote')).length, 2);
      assert.equal(contents.filter((t) => t.startsWith('mine')).length, 1);
    });

    it('a local folder in the way of a file is never replaced', async () => {
      const dir = target();
      fs.mkdirSync(path.join(dir, 'a.txt'));
      const s = await run(await items(a), { targetDir: dir, conflict: 'overwrite' });
      assert.equal(s.files[0].error?.code, 'Conflict');
      assert.ok(fs.statSync(path.join(dir, 'a.txt')).isDirectory());
    });
  });

  // ---- cancellation and local failures --------------------------------------

  it('streams a large tree: files download before the last folders are listed; keepResults "failed" holds only counts', async () => {
    const top = await remoteFolder();
    const folders: string[] = [];
    const files: Array<{ id: string; rel: string }> = [];
    for (let d = 0; d < 10; d++) {
      const sub = await remoteFolder(`d${d}`, top);
      folders.push(sub);
      for (let i = 0; i < 50; i++) {
        const name = `f${String(i).padStart(2, '0')}.txt`;
        files.push({ id: await put(sub, name, Buffer.from(`${d}/${i} `.repeat(i + 1))), rel: `d${d}/${name}` });
      }
    }
    const dir = target();
    const seq = lastSeq();
    const done: string[] = [];
    const s = await run(await items(top), { targetDir: dir, keepResults: 'failed', onFileDone: (r) => done.push(r.fileId) });
    assert.deepEqual({ ...s, files: s.files.length }, { files: 0, downloaded: 500, skipped: 0, failed: 0, bytes: files.reduce((n, f) => n + sb.store.getFile(f.id)!.size, 0) });
    assert.equal(done.length, 500);
    const root = path.join(dir, path.basename(sb.store.getFile(top)!.name));
    for (const f of files) assertSameAsSandbox(path.join(root, f.rel), f.id);
    // The walk lists a folder when it gets there (plus a few ahead), not the whole tree first.
    const listingOf = (folderId: string): number =>
      since(seq, (r) => r.path.endsWith('/files/0') && (r.bodyJson as { parentFileId?: string } | undefined)?.parentFileId === folderId)[0].seq;
    const firstGet = gets(seq)[0].seq;
    assert.ok(firstGet < listingOf(folders[9]), `first file GET #${firstGet} came after the last folder's listing #${listingOf(folders[9])}`);
    // Links still come in batches of up to 100 (the planner keeps enough files queued ahead).
    assert.ok(linkCalls(seq).length <= 8, `${linkCalls(seq).length} files/download calls for 500 files`);
  });

  it('cancelling mid-download leaves no file under the final name; the next run resumes from the temp file', async () => {
    const folder = await remoteFolder();
    const data = randomBytes(8 * MiB);
    const id = await put(folder, 'cancel.bin', data);
    sb.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'stall', afterBytes: 2 * MiB, ms: 10_000 } });
    const dir = target();
    const controller = new AbortController();
    const before = sb.requests.at(-1)?.seq ?? 0;
    let aborting = false;
    const p = run(await items(id), {
      targetDir: dir, signal: controller.signal,
      onProgress: (e) => {
        // Progress comes in steps; from 1 MiB on the transfer reaches the stall at 2 MiB and sits there.
        if (!aborting && e.bytesDone >= 1 * MiB) {
          aborting = true;
          setTimeout(() => controller.abort(), 500);
        }
      },
    });
    await assert.rejects(p, (e: unknown) => KooDriveError.is(e, 'Cancelled'));
    // Prompt: the cancel did not wait for the 10 s stall to end, so the sandbox never finished sending that answer.
    assert.deepEqual(sb.requests.filter((r) => r.seq > before && r.target === 'download').map((r) => r.status), [0], 'the stalled GET was abandoned unfinished');
    assert.ok(!fs.existsSync(path.join(dir, 'cancel.bin')));
    const partial = path.join(dir, partialName('cancel.bin', id));
    const kept = fs.statSync(partial).size;
    assert.ok(kept > 0 && kept < data.length, `temp file kept for resuming (${kept} bytes)`);

    sb.faults.reset();
    const seq = lastSeq();
    const s = await run(await items(id), { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.equal(s.files[0].resumedFrom, kept);
    assert.equal(gets(seq)[0].headers.range, `bytes=${kept}-`);
    assertSameAsSandbox(path.join(dir, 'cancel.bin'), id);
    assert.deepEqual(tree(dir), ['cancel.bin']);
  });

  it('a target that is not writable fails each file with LocalIo naming it, and writes nothing', async function () {
    const folder = await remoteFolder();
    const id = await put(folder, 'nowrite.txt', Buffer.from('data'));
    const dir = target();
    const lock = lockReadOnly(dir);
    if (!lock) this.skip();
    try {
      const s = await run(await items(id), { targetDir: dir });
      const f = s.files[0];
      assert.equal(f.status, 'failed');
      assert.ok(KooDriveError.is(f.error, 'LocalIo'));
      assert.ok(f.error.message.includes(path.join(dir, 'nowrite.txt')), f.error.message);
      assert.match(f.error.message, /permission denied|not permitted|read-only/i);
    } finally {
      lock();
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('a full disk fails the file with LocalIo ("the disk is full"), removes the temp file, and writes nothing under the final name', async function () {
    const mnt = path.join(tmp, `small${++n}`);
    fs.mkdirSync(mnt);
    if (!mountTinyTmpfs(mnt)) this.skip();
    try {
      const folder = await remoteFolder();
      const id = await put(folder, 'big.bin', randomBytes(3 * MiB));
      const small = await put(folder, 'small.txt', Buffer.from('fits'));
      const s = await run(await items(id, small), { targetDir: mnt, concurrency: 1 });
      const f = byId(s, id);
      assert.equal(f.status, 'failed');
      assert.ok(KooDriveError.is(f.error, 'LocalIo'));
      assert.match(f.error.message, /disk is full/);
      assert.ok(f.error.message.includes(path.join(mnt, 'big.bin')));
      assert.equal(byId(s, small).status, 'downloaded', 'the other files still download');
      assert.deepEqual(fs.readdirSync(mnt).filter((x) => !isPartialName(x)).sort(), ['small.txt']);
      assert.deepEqual(fs.readdirSync(mnt).filter(isPartialName), []);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

/** Makes `dir` unwritable even for root (chattr +i), or by mode for other users; returns the undo, or undefined if impossible here. */
function lockReadOnly(dir: string): (() => void) | undefined {
  if (process.platform === 'win32') return undefined;
  if (process.getuid?.() !== 0) {
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

/** A 1 MiB tmpfs (root with CAP_SYS_ADMIN only): the honest way to get ENOSPC. */
function mountTinyTmpfs(dir: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
