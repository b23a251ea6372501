/**
 * The engine against an in-process fake: a tiny HTTP server that serves
 * objects with Range support, and a fake client for listing and links. The
 * full contract against the sandbox is in test/integration/download*.test.ts.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import type { DownloadLinks } from '../../../src/core/api/koodriveClient';
import type { DriveItem, Page } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import { ConflictDecider, ConflictQuestion } from '../../../src/core/download/downloadConflicts';
import { downloadFiles, DownloadDeps } from '../../../src/core/download/downloadFiles';
import { placeExclusive, SafeDirs } from '../../../src/core/download/downloadPaths';
import { parseContentRange } from '../../../src/core/download/rangeRequest';
import { partialName } from '../../../src/core/bytes/localNames';

interface FakeFile {
  item: DriveItem;
  data?: Buffer;
  children?: string[];
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function file(id: string, name: string, data: Buffer, opts: { sha?: string | null } = {}): FakeFile {
  return { item: { id, name, isFolder: false, fileType: '26', size: data.length, sha256: opts.sha === null ? undefined : opts.sha ?? sha(data) }, data };
}
function folder(id: string, name: string, children: string[]): FakeFile {
  return { item: { id, name, isFolder: true, fileType: '10', size: 0 }, children };
}

class Fake {
  readonly files = new Map<string, FakeFile>();
  readonly gets: Array<{ id: string; range?: string }> = [];
  linkCalls = 0;
  /** Answer every GET with 200 and the whole body, Range or not. */
  ignoreRange = false;
  /** id → bytes after which the next GET's connection is destroyed. */
  readonly resetAfter = new Map<string, number>();
  server!: http.Server;
  base = '';

  add(...fs: FakeFile[]): this {
    for (const f of fs) this.files.set(f.item.id, f);
    return this;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const id = decodeURIComponent(req.url!.slice(1).split('?')[0]);
      const f = this.files.get(id);
      this.gets.push({ id, range: req.headers.range });
      if (!f?.data) {
        res.writeHead(404).end();
        return;
      }
      let body = f.data;
      const m = this.ignoreRange ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m) {
        const start = Number(m[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start });
        body = body.subarray(start);
      } else {
        res.writeHead(200, { 'content-length': body.length });
      }
      const cut = this.resetAfter.get(id);
      if (cut !== undefined) {
        this.resetAfter.delete(id);
        res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  client(): DownloadDeps['client'] {
    return {
      listFiles: async (_space, folderId, o): Promise<Page<DriveItem>> => {
        const kids = (this.files.get(folderId)?.children ?? []).map((c) => this.files.get(c)!.item);
        // Short pages: one item per page.
        const at = o?.cursor ? Number(o.cursor) : 0;
        return { items: kids.slice(at, at + 1), nextCursor: at + 1 < kids.length ? String(at + 1) : undefined };
      },
      getDownloadLinks: async (_space, ids): Promise<DownloadLinks> => {
        this.linkCalls++;
        return { batchCode: 1, links: ids.map((id) => ({ fileId: id, url: `${this.base}/${encodeURIComponent(id)}?X-Amz-Signature=secret`, code: 0 })) };
      },
    };
  }
}

describe('downloadFiles (engine, fake server)', () => {
  let fake: Fake;
  let dispatcher: Agent;
  let dir: string;
  /** Holds the target and anything "outside" it; removed after each test. */
  let scratch: string;
  let deps: DownloadDeps;
  const space = { containerId: 'C' };

  beforeEach(async () => {
    fake = new Fake();
    await fake.start();
    dispatcher = new Agent();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-dl-unit-'));
    dir = path.join(scratch, 'target');
    fs.mkdirSync(dir);
    deps = { client: fake.client(), dispatcher, retry: { baseDelayMs: 5, maxDelayMs: 20 } };
  });
  afterEach(async () => {
    await dispatcher.close();
    await new Promise((r) => fake.server.close(r));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('downloads a folder tree with short listing pages, and the bytes match', async () => {
    const a = randomBytes(70_000);
    const b = randomBytes(10);
    fake.add(folder('D', 'docs', ['A', 'S']), folder('S', 'sub', ['B', 'E']), folder('E', 'empty', []), file('A', 'a.bin', a), file('B', 'b.txt', b));
    const s = await downloadFiles(deps, space, [fake.files.get('D')!.item], { targetDir: dir });
    assert.equal(s.downloaded, 2, JSON.stringify(s.files));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'docs', 'a.bin')), a);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'docs', 'sub', 'b.txt')), b);
    assert.ok(fs.statSync(path.join(dir, 'docs', 'sub', 'empty')).isDirectory());
    assert.deepEqual(s.files.map((f) => f.remotePath), ['docs/a.bin', 'docs/sub/b.txt']);
    assert.equal(s.files[0].sha256, sha(a));
    assert.equal(fake.linkCalls, 1);
  });

  it('resumes from the temp file with a Range request after a reset', async () => {
    const a = randomBytes(300_000);
    fake.add(file('A', 'a.bin', a));
    fake.resetAfter.set('A', 100_000);
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.downloaded, 1, s.files[0].error?.message);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'a.bin')), a);
    assert.equal(fake.gets.length, 2);
    assert.match(fake.gets[1].range ?? '', /^bytes=\d+-$/);
    assert.ok(!fs.existsSync(path.join(dir, partialName('a.bin', 'A'))));
  });

  it('a server that ignores Range (200) gets the file written from the start', async () => {
    const a = randomBytes(300_000);
    fake.add(file('A', 'a.bin', a));
    fake.ignoreRange = true;
    fake.resetAfter.set('A', 100_000);
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.downloaded, 1, s.files[0].error?.message);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'a.bin')), a);
    assert.match(fake.gets[1].range ?? '', /^bytes=\d+-$/);
  });

  it('without a sha256 in the listing, size is still verified and the computed hash reported', async () => {
    const a = randomBytes(1000);
    fake.add(file('A', 'a.bin', a, { sha: null }));
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.files[0].sha256, sha(a));
    const wrongSize = { ...fake.files.get('A')!.item, size: 999 };
    const s2 = await downloadFiles(deps, space, [wrongSize], { targetDir: dir, conflict: 'overwrite' });
    assert.equal(s2.files[0].error?.code, 'IntegrityFailed');
  });

  it('a complete temp file from an earlier run is verified without transferring again', async () => {
    const a = randomBytes(5000);
    fake.add(file('A', 'a.bin', a));
    fs.writeFileSync(path.join(dir, partialName('a.bin', 'A')), a);
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded');
    assert.equal(s.files[0].resumedFrom, 5000);
    assert.equal(fake.gets.length, 0);
  });

  it('a stale temp file that does not verify is replaced by a fresh download', async () => {
    const a = randomBytes(5000);
    fake.add(file('A', 'a.bin', a));
    fs.writeFileSync(path.join(dir, partialName('a.bin', 'A')), randomBytes(3000));
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'a.bin')), a);
    assert.deepEqual(fake.gets.map((g) => g.range), ['bytes=3000-', undefined]);
  });

  it('never follows a symbolic link planted under the temp name', async function () {
    if (process.platform === 'win32') this.skip();
    const a = randomBytes(1000);
    fake.add(file('A', 'a.bin', a));
    const outside = path.join(fs.mkdtempSync(path.join(scratch, 'outside-')), 'victim');
    fs.writeFileSync(outside, 'precious');
    fs.symlinkSync(outside, path.join(dir, partialName('a.bin', 'A')));
    const s = await downloadFiles(deps, space, [fake.files.get('A')!.item], { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'precious');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'a.bin')), a);
  });

  it('refuses a planted symbolic link folder that leads out of the target, and writes nothing there', async function () {
    if (process.platform === 'win32') this.skip();
    fake.add(folder('D', 'docs', ['A']), file('A', 'a.txt', Buffer.from('x')));
    const outside = fs.mkdtempSync(path.join(scratch, 'outside-'));
    fs.symlinkSync(outside, path.join(dir, 'docs'));
    const s = await downloadFiles(deps, space, [fake.files.get('D')!.item], { targetDir: dir });
    assert.equal(s.files[0].status, 'failed');
    assert.equal(s.files[0].error?.code, 'LocalIo');
    assert.match(s.files[0].error!.message, /symbolic link/);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('accepts a symbolic link folder that stays inside the target', async function () {
    if (process.platform === 'win32') this.skip();
    fake.add(folder('D', 'docs', ['A']), file('A', 'a.txt', Buffer.from('x')));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'docs'));
    const s = await downloadFiles(deps, space, [fake.files.get('D')!.item], { targetDir: dir });
    assert.equal(s.files[0].status, 'downloaded', s.files[0].error?.message);
    assert.equal(fs.readFileSync(path.join(dir, 'real', 'a.txt'), 'utf8'), 'x');
  });

  it('two remote names that map to one local name: the second fails with Conflict', async () => {
    fake.add(folder('D', 'd', ['A', 'B']), file('A', 'a:b', Buffer.from('1')), file('B', 'a_b', Buffer.from('2')));
    const s = await downloadFiles(deps, space, [fake.files.get('D')!.item], { targetDir: dir });
    assert.deepEqual(s.files.map((f) => f.status), ['downloaded', 'failed']);
    assert.equal(s.files[1].error?.code, 'Conflict');
    assert.equal(fs.readFileSync(path.join(dir, 'd', 'a_b'), 'utf8'), '1');
  });

  it('an unsafe name fails that item only', async () => {
    fake.add(folder('D', 'd', ['A', 'B']), file('A', '..', Buffer.from('1')), file('B', 'ok', Buffer.from('2')));
    const s = await downloadFiles(deps, space, [fake.files.get('D')!.item], { targetDir: dir });
    const byId = new Map(s.files.map((f) => [f.fileId, f]));
    assert.equal(byId.get('A')?.error?.code, 'InvalidInput');
    assert.equal(byId.get('B')?.status, 'downloaded');
    assert.deepEqual(fs.readdirSync(dir), ['d']);
  });

  it('validates options', async () => {
    await assert.rejects(downloadFiles(deps, space, [], { targetDir: dir, conflict: 'ask' }), (e: unknown) => KooDriveError.is(e, 'InvalidInput'));
    await assert.rejects(downloadFiles(deps, space, [], { targetDir: dir, concurrency: 0 }), (e: unknown) => KooDriveError.is(e, 'InvalidInput'));
  });

  it('a conflict handler that throws a cancellation cancels the download', async () => {
    fake.add(file('A', 'a', Buffer.from('1')), file('B', 'b', Buffer.from('2')));
    fs.writeFileSync(path.join(dir, 'a'), 'mine');
    await assert.rejects(
      downloadFiles(deps, space, [fake.files.get('A')!.item, fake.files.get('B')!.item], {
        targetDir: dir, conflict: 'ask', concurrency: 1, onConflict: async () => {
          throw new KooDriveError('Cancelled', 'dismissed');
        },
      }),
      (e: unknown) => KooDriveError.is(e, 'Cancelled'),
    );
    assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'mine');
    assert.ok(!fs.existsSync(path.join(dir, 'b')));
  });
});

describe('ConflictDecider', () => {
  const q = (n: number): ConflictQuestion => ({ fileId: `F${n}`, remotePath: `f${n}`, localPath: `/t/f${n}`, remote: { size: 1 }, existing: { size: 1, modifiedMs: 0, isFolder: false } });

  it('returns fixed policies without asking', async () => {
    assert.equal(await new ConflictDecider('skip').decide(q(1)), 'skip');
    assert.equal(await new ConflictDecider('fail').decide(q(1)), 'fail');
  });

  it('asks one question at a time and honours "apply to all"', async () => {
    let active = 0;
    let maxActive = 0;
    const asked: string[] = [];
    const d = new ConflictDecider('ask', async (question) => {
      active++;
      maxActive = Math.max(maxActive, active);
      asked.push(question.fileId);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return question.fileId === 'F2' ? { action: 'rename', applyToAll: true } : { action: 'skip' };
    });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => d.decide(q(n))));
    assert.deepEqual(answers, ['skip', 'rename', 'rename', 'rename']);
    assert.deepEqual(asked, ['F1', 'F2']);
    assert.equal(maxActive, 1);
  });

  it('rejects an unknown answer', async () => {
    const d = new ConflictDecider('ask', async () => ({ action: 'explode' as never }));
    await assert.rejects(d.decide(q(1)), (e: unknown) => KooDriveError.is(e, 'InvalidInput'));
  });
});

describe('download helpers', () => {
  it('parseContentRange', () => {
    assert.deepEqual(parseContentRange('bytes 100-199/1000'), { start: 100, end: 199, total: 1000 });
    assert.deepEqual(parseContentRange('bytes 0-0/*'), { start: 0, end: 0, total: undefined });
    assert.equal(parseContentRange('bytes */1000'), undefined);
    assert.equal(parseContentRange(undefined), undefined);
  });

  it('placeExclusive never replaces an existing file', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-place-'));
    try {
      fs.writeFileSync(path.join(d, 'tmp'), 'new');
      fs.writeFileSync(path.join(d, 'final'), 'old');
      assert.equal(await placeExclusive(path.join(d, 'tmp'), path.join(d, 'final')), false);
      assert.equal(fs.readFileSync(path.join(d, 'final'), 'utf8'), 'old');
      assert.equal(await placeExclusive(path.join(d, 'tmp'), path.join(d, 'other')), true);
      assert.equal(fs.readFileSync(path.join(d, 'other'), 'utf8'), 'new');
      assert.ok(!fs.existsSync(path.join(d, 'tmp')));
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('SafeDirs refuses a path component that is a file', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-dirs-'));
    try {
      fs.writeFileSync(path.join(d, 'x'), '');
      await assert.rejects(new SafeDirs(d).ensure(['x', 'y']), /not a folder/);
      assert.equal(await new SafeDirs(d).ensure(['a', 'b']), path.join(d, 'a', 'b'));
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
