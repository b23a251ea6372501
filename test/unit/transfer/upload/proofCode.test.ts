import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { computeProofCode, proofRange } from '../../../../src/core/transfer/upload/proofCode';

describe('proofCode (§6.3)', () => {
  it('derives the range from SHA256(hex(SHA256(Authorization))) bytes 24..32, top bit cleared, mod size', () => {
    const auth = 'Bearer+abc';
    const seed = createHash('sha256').update(auth).digest('hex');
    const d = createHash('sha256').update(seed).digest();
    const hi = d.readUInt32BE(24) & 0x7fffffff;
    const lo = d.readUInt32BE(28);
    const size = 1_000_003;
    const expected = Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(size));
    assert.deepEqual(proofRange(auth, size), { start: expected, end: Math.min(expected + 8, size) });
  });

  it('is undefined for an empty file and clamps at the end of tiny files', () => {
    assert.equal(proofRange('x', 0), undefined);
    const r = proofRange('x', 3)!;
    assert.ok(r.start < 3 && r.end === 3);
  });

  it('hashes the 8 bytes at the derived offset', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kd-proof-'));
    const file = path.join(dir, 'f.bin');
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 255));
    await writeFile(file, data);
    const auth = 'Bearer+sandbox-token';
    const { start, end } = proofRange(auth, data.length)!;
    const expected = createHash('sha256').update(data.subarray(start, end)).digest('hex');
    assert.equal(await computeProofCode(file, data.length, auth), expected);
    assert.notEqual(await computeProofCode(file, data.length, 'Bearer+other'), undefined);
  });
});
