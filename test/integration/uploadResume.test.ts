import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HashImpl } from '../../src/core/hash/hashImpl';
import { HashPool } from '../../src/core/hash/hashPool';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { MiB, partPuts, requestsTo, sha256, startWorld, World, WORKER_PATH, writeRandomFile } from './helpers';
import { spawnCli } from './faults/support';

describe('upload: resume after a killed process', function () {
  this.timeout(300_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  it('koodrive upload killed mid-upload resumes when run again, and the final sha256 is right', async () => {
    const local = path.join(w.tmp, 'killed.bin');
    const digest = await writeRandomFile(local, 40 * MiB + 123, 51);
    // Slow every part down so the kill lands mid-upload.
    w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'delay', ms: 250 }, times: 1000 });
    const args = ['upload', local, '--container', w.personal.containerId, '--part-size', String(5 * MiB), '--concurrency', '2', '--json'];
    const first = spawnCli(w, args);
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (partPuts(w.sandbox).filter((q) => q.status === 200).length >= 3) {
          clearInterval(t);
          resolve();
        }
      }, 20);
      first.done.then(() => reject(new Error('the CLI finished before it could be killed')));
    });
    first.child.kill('SIGKILL');
    await first.done;
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 0);
    w.sandbox.faults.clear();
    const putsBefore = partPuts(w.sandbox).filter((q) => q.status === 200).length;

    const second = await spawnCli(w, args).done;
    assert.equal(second.code, 0, second.stderr);
    const [entry] = JSON.parse(second.stdout) as Array<{ fileId: string; sha256: string; resumed: boolean; size: number }>;
    assert.equal(entry.resumed, true);
    assert.equal(entry.sha256, digest);
    assert.equal(entry.size, 40 * MiB + 123);
    const putsSecond = partPuts(w.sandbox).filter((q) => q.status === 200).length - putsBefore;
    assert.ok(putsSecond < 9, `only the missing parts were sent (${putsSecond} of 9)`);
    assert.equal(sha256(w.sandbox.store.readContent(entry.fileId)), digest);
    assert.equal(requestsTo(w.sandbox, '/files/create').length, 1, 'the first task was continued');
  });
});

describe('upload past 512 MiB with every SHA-256 implementation, verified by the sandbox hash chain', function () {
  this.timeout(600_000);
  let w: World;
  let dir: string;
  let local: string;
  let digest: string;
  const size = 512 * MiB + 48 * MiB + 1000;
  // One file for all; a fresh sandbox each time, or the second upload would be a flash-upload hit.
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kd-large-'));
    local = path.join(dir, 'large.bin');
    digest = await writeRandomFile(local, size, 52);
  });
  after(async () => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  const impls: HashImpl[] = [...(nativeExpected() ? (['native'] as const) : []), 'wasm', 'js'];
  for (const impl of impls) {
    it(`${impl}: uploads a file larger than 512 MiB (SHA-256 bit length passes 2^32) and the chain verifies`, async () => {
      const hasher = new HashPool({ workerPath: WORKER_PATH, size: 1, implementation: impl });
      try {
        const putsBefore = partPuts(w.sandbox).length;
        const r = await uploadFile({ ...w.deps({ resume: false }), hasher }, local, { kind: 'file', space: w.personal, parentFolderId: 'root', conflict: 'rename' });
        assert.equal(hasher.implementation?.impl, impl, 'the worker ran the requested implementation');
        assert.equal(r.sha256, digest);
        assert.equal(r.rapidUpload, false);
        // The sandbox completed the file only because every part's hashCtx chained to the next.
        const stored = w.sandbox.store.getFile(r.fileId)!;
        assert.equal(stored.sha256, digest);
        assert.equal(stored.size, size);
        // The sandbox keeps the bytes it received: compare them, not just metadata.
        const h = createHash('sha256');
        for await (const chunk of createReadStream(w.sandbox.store.contentPath(r.fileId)!)) h.update(chunk as Buffer);
        assert.equal(h.digest('hex'), digest);
        // Parts past 512 MiB were announced with nh = 1 in X-Amz-Iteration-Hash-Ctx.
        const late = partPuts(w.sandbox).slice(putsBefore).map((q) => q.query?.['X-Amz-Iteration-Hash-Ctx']).filter(Boolean)
          .map((v) => JSON.parse(Buffer.from(String(v), 'base64').toString()) as { nh: number; nl: number });
        assert.ok(late.some((c) => c.nh === 1), 'some part starts past 512 MiB');
      } finally {
        await hasher.close();
      }
    });
  }
});

/** linux-x64 builds the native addon (npm run build:native): there it must be tested. */
function nativeExpected(): boolean {
  return process.platform === 'linux' && process.arch === 'x64';
}
