import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import { HashPool, defaultHashPoolSize } from '../../../src/core/hash/hashPool';
import { Sha256 } from '../../../src/core/hash/sha256';
import { nativeBinding } from './engines';

const MiB = 1024 * 1024;
const WORKER = path.resolve('dist/hashWorker.js');
const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const offsetsEvery = (length: number, step: number): number[] => {
  const out: number[] = [];
  for (let o = 0; o < Math.max(length, 1); o += step) out.push(o);
  return out;
};
const isCode = (code: KooDriveError['code']) => (err: unknown): boolean => KooDriveError.is(err, code);

describe('hash/hashPool (worker threads)', () => {
  let dir: string;
  let pool: HashPool;
  before(() => {
    assert.ok(fs.existsSync(WORKER), `${WORKER} missing: run \`npm run build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-hashpool-'));
    pool = new HashPool({ workerPath: WORKER, size: 2 });
  });
  after(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, data: Uint8Array): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  }

  it('sizes itself to the machine by default', () => {
    const size = defaultHashPoolSize();
    assert.ok(size >= 1 && size <= 4);
    assert.equal(new HashPool({ workerPath: WORKER }).size, size);
    assert.throws(() => new HashPool({ workerPath: WORKER, size: 0 }), RangeError);
  });

  it('hashes a file and reports each part state in order, before done', async () => {
    const data = randomBytes(40 * MiB + 1000);
    const file = write('parts.bin', data);
    const partOffsets = offsetsEvery(data.length, 8 * MiB);
    const states: Array<{ i: number; off: number; ctx: number[] }> = [];
    const progress: number[] = [];
    const r = await pool.hashFile(file, {
      length: data.length,
      partOffsets,
      onPartState: (i, off, ctx) => states.push({ i, off, ctx }),
      onProgress: (b) => progress.push(b),
    });
    // The default ('auto') picks the native addon where it is built (linux-x64 with SHA-NI).
    assert.deepEqual(r, { sha256: sha(data), preHash: sha(data.subarray(0, 1024)), length: data.length, impl: nativeBinding() ? 'native' : 'wasm' });
    assert.deepEqual(states.map((s) => [s.i, s.off]), partOffsets.map((off, i) => [i, off]));
    assert.deepEqual(states[0].ctx, []);
    const local = new Sha256();
    for (const { off, ctx } of states.slice(1)) {
      local.update(data.subarray(local.bytesHashed, off));
      assert.deepEqual(ctx, local.midstate(), `hashCtx at ${off}`);
      assert.equal(Sha256.fromState(ctx, off).update(data.subarray(off)).digestHex(), r.sha256);
    }
    assert.ok(progress.length >= 5, `progress events: ${progress.length}`);
    assert.ok(progress.every((b, i) => i === 0 || b > progress[i - 1]), 'progress increases');
    assert.equal(progress[progress.length - 1], data.length);
  });

  it('hashes several files concurrently (more files than workers)', async () => {
    const sizes = [0, 1, 1024, 1025, 5 * MiB + 64, 9 * MiB + 7, 12 * MiB];
    const files = sizes.map((n, i) => {
      const data = randomBytes(n);
      return { data, file: write(`many-${i}.bin`, data) };
    });
    const results = await Promise.all(
      files.map(({ data, file }) => pool.hashFile(file, { length: data.length, partOffsets: offsetsEvery(data.length, 4 * MiB) })),
    );
    results.forEach((r, i) => {
      assert.equal(r.sha256, sha(files[i].data), `file ${i}`);
      assert.equal(r.preHash, sha(files[i].data.subarray(0, 1024)));
      assert.equal(r.length, sizes[i]);
    });
  });

  it('cancels mid-file promptly with Cancelled, and the pool keeps working', async () => {
    const data = randomBytes(96 * MiB);
    const file = write('cancel.bin', data);
    const ac = new AbortController();
    let lastProgress = 0;
    await assert.rejects(
      pool.hashFile(file, {
        length: data.length,
        partOffsets: [0],
        signal: ac.signal,
        onProgress: (b) => {
          lastProgress = b;
          ac.abort();
        },
      }),
      isCode('Cancelled'),
    );
    assert.ok(lastProgress < data.length, 'rejected before the end');
    // Already aborted, and aborted while queued.
    await assert.rejects(pool.hashFile(file, { length: data.length, partOffsets: [0], signal: ac.signal }), isCode('Cancelled'));
    const small = randomBytes(1000);
    const smallFile = write('after-cancel.bin', small);
    const busy = [0, 1].map(() => pool.hashFile(file, { length: data.length, partOffsets: [0] }));
    const queued = new AbortController();
    const q = pool.hashFile(smallFile, { length: 1000, partOffsets: [0], signal: queued.signal });
    queued.abort();
    await assert.rejects(q, isCode('Cancelled'));
    await Promise.all(busy);
    assert.equal((await pool.hashFile(smallFile, { length: 1000, partOffsets: [0] })).sha256, sha(small));
  });

  it('a throwing onPartState cancels the job and rejects with that error', async () => {
    const data = randomBytes(20 * MiB);
    const boom = new Error('uploader failed');
    await assert.rejects(
      pool.hashFile(write('hook.bin', data), {
        length: data.length,
        partOffsets: offsetsEvery(data.length, 4 * MiB),
        onPartState: (i) => {
          if (i === 1) throw boom;
        },
      }),
      (err) => err === boom,
    );
  });

  it('fails with SourceChanged when the file shrinks while it is hashed', async () => {
    const data = randomBytes(64 * MiB);
    const file = write('shrink.bin', data);
    await assert.rejects(
      pool.hashFile(file, {
        length: data.length,
        partOffsets: offsetsEvery(data.length, 16 * MiB),
        onProgress: () => fs.truncateSync(file, MiB),
      }),
      isCode('SourceChanged'),
    );
  });

  it('fails with SourceChanged for a wrong expected length or mtime, InvalidInput for bad offsets', async () => {
    const data = randomBytes(5000);
    const file = write('wrong.bin', data);
    await assert.rejects(pool.hashFile(file, { length: 4999, partOffsets: [0] }), isCode('SourceChanged'));
    const { mtimeMs } = fs.statSync(file);
    assert.equal((await pool.hashFile(file, { length: 5000, mtimeMs, partOffsets: [0] })).sha256, sha(data));
    await assert.rejects(pool.hashFile(file, { length: 5000, mtimeMs: mtimeMs + 1000, partOffsets: [0] }), isCode('SourceChanged'));
    await assert.rejects(pool.hashFile(file, { length: 5000, partOffsets: [0, 100] }), isCode('InvalidInput'));
    await assert.rejects(pool.hashFile(path.join(dir, 'missing.bin'), { length: 1, partOffsets: [0] }), isCode('LocalIo'));
  });

  it('a worker that dies mid-request fails only that request and is replaced', async () => {
    // A wrapper around the real worker that dies 30 ms into requests for *.exit / *.throw files.
    const wrapper = path.join(dir, 'dyingWorker.js');
    fs.writeFileSync(
      wrapper,
      `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type !== 'hashFile') return;
  if (m.path.endsWith('.exit')) setTimeout(() => process.exit(7), 30);
  if (m.path.endsWith('.throw')) setTimeout(() => { throw new Error('boom in worker'); }, 30);
});
require(${JSON.stringify(WORKER)});
`,
    );
    const dying = new HashPool({ workerPath: wrapper, size: 2 });
    try {
      const data = randomBytes(64 * MiB);
      const good = write('good.bin', data);
      const opts = { length: data.length, partOffsets: offsetsEvery(data.length, 16 * MiB) };
      const exitFile = write('victim.exit', data);
      const throwFile = write('victim.throw', data);
      const [exited, healthy, thrown, queued] = await Promise.allSettled([
        dying.hashFile(exitFile, opts),
        dying.hashFile(good, opts),
        dying.hashFile(throwFile, opts),
        dying.hashFile(good, opts),
      ]);
      assert.equal(exited.status, 'rejected');
      const e1 = (exited as PromiseRejectedResult).reason as KooDriveError;
      assert.ok(KooDriveError.is(e1, 'LocalIo') && e1.retryable, String(e1));
      assert.match(e1.message, /stopped unexpectedly \(exit code 7\)/);
      assert.equal(thrown.status, 'rejected');
      assert.match(((thrown as PromiseRejectedResult).reason as Error).message, /boom in worker/);
      assert.equal(healthy.status, 'fulfilled');
      assert.equal(queued.status, 'fulfilled');
      const want = sha(data);
      assert.equal((healthy as PromiseFulfilledResult<{ sha256: string }>).value.sha256, want);
      assert.equal((queued as PromiseFulfilledResult<{ sha256: string }>).value.sha256, want);
      // And it still works afterwards.
      assert.equal((await dying.hashFile(good, opts)).sha256, want);
    } finally {
      await dying.close();
    }
  });

  it('close() rejects pending work with Cancelled and later calls too', async () => {
    const p = new HashPool({ workerPath: WORKER, size: 1 });
    const data = randomBytes(32 * MiB);
    const file = write('close.bin', data);
    let hashing!: () => void;
    const firstProgress = new Promise<void>((r) => (hashing = r));
    const running = assert.rejects(p.hashFile(file, { length: data.length, partOffsets: [0], onProgress: () => hashing() }), isCode('Cancelled'));
    const queued = assert.rejects(p.hashFile(file, { length: data.length, partOffsets: [0] }), isCode('Cancelled'));
    await firstProgress; // the first job is running in the worker, the second waits in the queue
    await p.close();
    await running;
    await queued;
    await assert.rejects(p.hashFile(file, { length: data.length, partOffsets: [0] }), isCode('Cancelled'));
  });

  it('SLOW (~5 s): hashes a file just over 512 MiB, where the bit length passes 2^32', async function () {
    this.timeout(120_000);
    const length = 512 * MiB + 4160;
    const file = path.join(dir, 'big.bin');
    const want = createHash('sha256');
    const block = randomBytes(MiB);
    const fd = fs.openSync(file, 'w');
    try {
      for (let off = 0; off < length; off += block.length) {
        block.writeUInt32LE(off / MiB, 0); // no two MiB identical
        const chunk = block.subarray(0, Math.min(block.length, length - off));
        fs.writeSync(fd, chunk);
        want.update(chunk);
      }
    } finally {
      fs.closeSync(fd);
    }
    const tail = Buffer.alloc(length - 512 * MiB);
    const rfd = fs.openSync(file, 'r');
    try {
      assert.equal(fs.readSync(rfd, tail, 0, tail.length, 512 * MiB), tail.length);
    } finally {
      fs.closeSync(rfd);
    }
    const states = new Map<number, number[]>();
    try {
      const r = await pool.hashFile(file, {
        length,
        partOffsets: [0, 256 * MiB, 512 * MiB, 512 * MiB + 4096],
        onPartState: (_i, off, ctx) => states.set(off, ctx),
      });
      assert.equal(r.sha256, want.digest('hex'));
      assert.deepEqual([...states.keys()], [0, 256 * MiB, 512 * MiB, 512 * MiB + 4096]);
      // Resuming at and after 512 MiB exercises the high length word in the padding.
      assert.equal(Sha256.fromState(states.get(512 * MiB)!, 512 * MiB).update(tail).digestHex(), r.sha256);
      assert.equal(Sha256.fromState(states.get(512 * MiB + 4096)!, 512 * MiB + 4096).update(tail.subarray(4096)).digestHex(), r.sha256);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
