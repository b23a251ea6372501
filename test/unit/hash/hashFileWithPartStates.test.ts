import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import { hashFileWithPartStates } from '../../../src/core/hash/hashFileWithPartStates';
import { Sha256 } from '../../../src/core/hash/sha256';
import { enginesUnderTest } from './engines';

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('hash/hashFileWithPartStates (in process)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-filehasher-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, data: Uint8Array): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  }

  for (const engine of enginesUnderTest()) {
    it(`reports part states at boundaries that do not line up with reads or slices (${engine.name})`, async () => {
      const data = randomBytes(3 * 65_536 + 333);
      const file = write('odd.bin', data);
      // 64 KiB reads; boundaries inside reads, at a read edge, and at the very end.
      const partOffsets = [0, 64, 640, 65_536, 65_600, 131_008, 196_608, data.length - (data.length % 64)];
      const seen: Array<[number, number, number[]]> = [];
      const r = await hashFileWithPartStates(
        { path: file, length: data.length, partOffsets },
        { onPartState: (i, off, ctx) => seen.push([i, off, ctx]) },
        { readSize: 65_536, engine: engine.options },
      );
      assert.equal(r.sha256, sha(data));
      assert.equal(r.impl, engine.name);
      assert.equal(r.preHash, sha(data.subarray(0, 1024)));
      assert.deepEqual(seen.map(([i, off]) => [i, off]), partOffsets.map((off, i) => [i, off]));
      assert.deepEqual(seen[0][2], []);
      for (const [, off, ctx] of seen.slice(1)) {
        assert.equal(Sha256.fromState(ctx, off).update(data.subarray(off)).digestHex(), r.sha256, `resume at ${off}`);
      }
    });
  }

  it('includes a boundary equal to the length, and handles an empty file', async () => {
    const data = randomBytes(4096);
    const states: number[] = [];
    const r = await hashFileWithPartStates(
      { path: write('exact.bin', data), length: 4096, partOffsets: [0, 4096] },
      { onPartState: (_i, off) => states.push(off) },
    );
    assert.deepEqual(states, [0, 4096]);
    assert.equal(r.sha256, sha(data));

    const empty = await hashFileWithPartStates({ path: write('empty.bin', new Uint8Array(0)), length: 0, partOffsets: [0] });
    assert.deepEqual(empty, { sha256: sha(new Uint8Array(0)), preHash: sha(new Uint8Array(0)), length: 0, impl: 'wasm' });
  });

  it('stops with Cancelled when isCancelled turns true between reads', async () => {
    const data = randomBytes(1 << 20);
    let reads = 0;
    await assert.rejects(
      hashFileWithPartStates(
        { path: write('cancel.bin', data), length: data.length, partOffsets: [0] },
        { isCancelled: () => ++reads > 3 },
        { readSize: 65_536 },
      ),
      (err) => KooDriveError.is(err, 'Cancelled'),
    );
    assert.equal(reads, 4);
  });

  for (const engine of enginesUnderTest()) {
    it(`a cancel that arrives through the event loop stops a long file mid-way (${engine.name})`, async () => {
      // Native reads synchronously: unless the hasher yields to the event
      // loop now and then, this flag (set by a macrotask, like a worker's
      // 'cancel' message) would only be seen after the whole file.
      const data = randomBytes(64 << 20);
      let cancelled = false;
      let hashed = 0;
      const onProgress = (bytes: number): void => {
        // The first progress comes from inside the hashing loop: cancel from a macrotask from then on.
        if (hashed === 0) setImmediate(() => (cancelled = true));
        hashed = bytes;
      };
      await assert.rejects(
        hashFileWithPartStates(
          { path: write(`cancel-loop-${engine.name}.bin`, data), length: data.length, partOffsets: [0] },
          { isCancelled: () => cancelled, onProgress },
          { engine: engine.options },
        ),
        (err) => KooDriveError.is(err, 'Cancelled'),
      );
      assert.ok(hashed < data.length, `stopped after ${hashed} of ${data.length} bytes`);
    });
  }

  it('rejects bad part offsets as InvalidInput', async () => {
    const file = write('small.bin', randomBytes(1000));
    for (const partOffsets of [[0, 63], [0, 128, 64], [0, 0], [0, 1024], [-64]]) {
      await assert.rejects(hashFileWithPartStates({ path: file, length: 1000, partOffsets }), (err) =>
        KooDriveError.is(err, 'InvalidInput'),
      );
    }
  });

  it('SourceChanged for a wrong length or mtime; LocalIo for a missing file', async () => {
    const file = write('len.bin', randomBytes(1000));
    await assert.rejects(hashFileWithPartStates({ path: file, length: 999, partOffsets: [] }), (err) =>
      KooDriveError.is(err, 'SourceChanged'),
    );
    await assert.rejects(hashFileWithPartStates({ path: file, length: 1001, partOffsets: [] }), (err) =>
      KooDriveError.is(err, 'SourceChanged'),
    );
    const mtimeMs = fs.statSync(file).mtimeMs;
    await hashFileWithPartStates({ path: file, length: 1000, mtimeMs, partOffsets: [] });
    await assert.rejects(hashFileWithPartStates({ path: file, length: 1000, mtimeMs: mtimeMs - 5000, partOffsets: [] }), (err) =>
      KooDriveError.is(err, 'SourceChanged'),
    );
    await assert.rejects(hashFileWithPartStates({ path: path.join(dir, 'nope.bin'), length: 1, partOffsets: [] }), (err) =>
      KooDriveError.is(err, 'LocalIo'),
    );
  });

  it('SourceChanged when the file shrinks or grows while it is read', async () => {
    const data = randomBytes(1 << 20);
    const shrink = write('shrink.bin', data);
    await assert.rejects(
      hashFileWithPartStates(
        { path: shrink, length: data.length, partOffsets: [0] },
        { onProgress: () => undefined, isCancelled: () => (fs.truncateSync(shrink, 100_000), false) },
        { readSize: 65_536 },
      ),
      (err) => KooDriveError.is(err, 'SourceChanged'),
    );
    const grow = write('grow.bin', data);
    let appended = false;
    await assert.rejects(
      hashFileWithPartStates(
        { path: grow, length: data.length, partOffsets: [0] },
        { isCancelled: () => (appended || fs.appendFileSync(grow, 'x'), (appended = true), false) },
        { readSize: 65_536 },
      ),
      (err) => KooDriveError.is(err, 'SourceChanged'),
    );
  });
});
