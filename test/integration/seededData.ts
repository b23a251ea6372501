/**
 * Reproducible "random" test data: the same seed always gives the same bytes,
 * so a failing upload or download test can be re-run on identical content.
 *
 * The bytes are the AES-128-CTR keystream (encrypting zeros) under a key
 * derived from the seed: fast enough for files of tens of MiB, and without
 * repeating blocks, so a part sent twice or swapped cannot go unnoticed.
 * Seeds are unsigned 32-bit integers.
 */
import { createCipheriv, createHash } from 'node:crypto';

const ZERO_IV = Buffer.alloc(16);
const CHUNK = 1024 * 1024;

function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an unsigned 32-bit integer (got ${seed})`);
}

/** A generator of the seed's byte stream, handed out in pieces of at most `chunk` bytes (the stream is the same whatever the chunking). */
export function* seededChunks(seed: number, size: number, chunk = CHUNK): Generator<Buffer> {
  assertSeed(seed);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a byte count (got ${size})`);
  const key = createHash('sha256').update(`koodrive-test-data:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, ZERO_IV);
  const zeros = Buffer.alloc(Math.min(chunk, Math.max(size, 1)));
  for (let left = size; left > 0; left -= zeros.length) {
    const n = Math.min(left, zeros.length);
    yield cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n));
  }
}

/** `size` bytes of the seed's stream in one buffer (for data that fits in memory). */
export function seededBytes(seed: number, size: number): Buffer {
  return Buffer.concat([...seededChunks(seed, size)], size);
}
