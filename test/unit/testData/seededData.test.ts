/**
 * The test-data generator is really seeded: a failing transfer test can only
 * be reproduced when its "random" file is the same on every run.
 */
import * as assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { seededBytes, seededChunks } from '../../integration/seededData';
import { writeRandomFile } from '../../integration/helpers';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('seeded test data', () => {
  it('the same seed gives the same bytes; another seed gives other bytes', () => {
    assert.ok(seededBytes(42, 100_000).equals(seededBytes(42, 100_000)));
    assert.ok(!seededBytes(42, 64).equals(seededBytes(43, 64)));
  });

  it('is pinned: seed 1 starts with the same bytes on every machine and every run', () => {
    // AES-128-CTR keystream under key = sha256("koodrive-test-data:1")[0..16), IV 0: computed here independently.
    const key = createHash('sha256').update('koodrive-test-data:1').digest().subarray(0, 16);
    const expected = createCipheriv('aes-128-ecb', key, null).update(Buffer.alloc(16)); // CTR block 0 = E(key, counter 0)
    assert.equal(seededBytes(1, 16).toString('hex'), expected.toString('hex'));
  });

  it('the stream does not depend on how it is chunked, and a shorter file is a prefix of a longer one', () => {
    const whole = seededBytes(7, 3 * 1024 * 1024 + 5);
    assert.ok(Buffer.concat([...seededChunks(7, whole.length, 1000)]).equals(whole));
    assert.ok(seededBytes(7, 12_345).equals(whole.subarray(0, 12_345)));
    assert.equal(seededBytes(7, 0).length, 0);
  });

  it('has no repeated 16-byte blocks (a swapped or re-sent part changes the hash)', () => {
    const b = seededBytes(9, 1024 * 1024);
    const blocks = new Set<string>();
    for (let i = 0; i < b.length; i += 16) blocks.add(b.subarray(i, i + 16).toString('hex'));
    assert.equal(blocks.size, b.length / 16);
  });

  it('writeRandomFile writes the seed\'s bytes and returns their sha256, the same on every call', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kd-seed-'));
    try {
      const a = path.join(dir, 'a.bin');
      const b = path.join(dir, 'b.bin');
      const size = 5 * 1024 * 1024 + 3;
      const digestA = await writeRandomFile(a, size, 101);
      const digestB = await writeRandomFile(b, size, 101);
      const bytes = await readFile(a);
      assert.equal(digestA, sha(seededBytes(101, size)));
      assert.equal(digestA, sha(bytes));
      assert.equal(digestB, digestA);
      assert.ok((await readFile(b)).equals(bytes));
      assert.notEqual(await writeRandomFile(b, size, 102), digestA);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects seeds that are not unsigned 32-bit integers instead of silently reusing another', () => {
    assert.throws(() => seededBytes(-1, 1), /unsigned 32-bit/);
    assert.throws(() => seededBytes(1.5, 1), /unsigned 32-bit/);
    assert.throws(() => seededBytes(2 ** 32, 1), /unsigned 32-bit/);
  });
});
