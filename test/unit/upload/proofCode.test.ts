import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { computeProofCode, proofRange } from '../../../src/core/upload/proofCode';

/**
 * The documented algorithm (§6.3), written out independently of the code
 * under test: seed = hex(SHA256(Authorization)); d = SHA256(seed);
 * start = (uint64 big-endian of d[24..32) with the top bit cleared) mod size;
 * proofCode = hex(SHA256(file[start, min(start + 8, size)))).
 */
function referenceProof(authorization: string, data: Buffer): { start: number; end: number; proof: string } {
  const seed = createHash('sha256').update(authorization).digest('hex');
  const d = createHash('sha256').update(seed).digest();
  const hi = d.readUInt32BE(24) & 0x7fffffff;
  const lo = d.readUInt32BE(28);
  const start = Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(data.length));
  const end = Math.min(start + 8, data.length);
  return { start, end, proof: createHash('sha256').update(data.subarray(start, end)).digest('hex') };
}

describe('proofCode (§6.3)', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'kd-proof-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('derives the range from SHA256(hex(SHA256(Authorization))) bytes 24..32, top bit cleared, mod size', () => {
    const size = 1_000_003;
    const { start, end } = referenceProof('Bearer+abc', Buffer.alloc(size));
    assert.deepEqual(proofRange('Bearer+abc', size), { start, end });
  });

  it('is undefined for an empty file and clamps at the end of tiny files', () => {
    assert.equal(proofRange('x', 0), undefined);
    const { start, end } = referenceProof('x', Buffer.alloc(3));
    assert.deepEqual(proofRange('x', 3), { start, end });
    assert.equal(end, 3);
  });

  it('hashes the 8 bytes at the derived offset of the file, bound to the exact Authorization value', async () => {
    const file = path.join(dir, 'f.bin');
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + (i >> 8)) & 255));
    await writeFile(file, data);
    const results: string[] = [];
    for (const auth of ['Bearer+sandbox-token', 'Bearer+other', 'Bearer other']) {
      const expected = referenceProof(auth, data);
      assert.equal(expected.end - expected.start, 8, `${auth}: a full 8-byte slice`);
      const actual = await computeProofCode(file, data.length, auth);
      assert.equal(actual, expected.proof, auth);
      results.push(actual!);
    }
    assert.equal(new Set(results).size, 3, 'each Authorization value proves with its own slice');
  });

  it('proves a file shorter than 8 bytes with the bytes from start to its end', async () => {
    const file = path.join(dir, 'tiny.bin');
    const data = Buffer.from('abcde');
    await writeFile(file, data);
    assert.equal(await computeProofCode(file, data.length, 'Bearer+t'), referenceProof('Bearer+t', data).proof);
    assert.equal(await computeProofCode(file, 0, 'Bearer+t'), undefined);
  });
});
