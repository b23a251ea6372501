/**
 * The engines against each other (native SHA-NI addon, wasm, js): a midstate
 * taken by one at a random 64-byte offset must be the others' midstate there,
 * and any engine must finish from any other's midstate to node:crypto's
 * digest — also for a message longer than 2^32 bits (512 MiB).
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Sha256 } from '../../../src/core/hash/sha256';
import { enginesUnderTest, NATIVE_EXPECTED } from './engines';

const MiB = 1024 * 1024;
const engines = enginesUnderTest();

describe('hash/sha256 engines against each other', () => {
  it('every expected engine is available in this run', () => {
    const names = engines.map((e) => e.name);
    assert.ok(names.includes('wasm') && names.includes('js'), names.join());
    if (NATIVE_EXPECTED) assert.ok(names.includes('native'), `linux-x64 must test the native addon; got ${names.join()}`);
  });

  it('a midstate at a random offset is the same in every engine, and every engine resumes from every other', () => {
    for (let round = 0; round < 12; round++) {
      const data = randomBytes(randomInt(64, 3 * MiB));
      const want = createHash('sha256').update(data).digest('hex');
      const at = 64 * randomInt(0, Math.floor(data.length / 64) + 1);
      // Feed the prefix in random slice sizes: the tail logic must not matter.
      const states = engines.map(({ options }) => {
        const h = new Sha256(options);
        for (let off = 0; off < at; ) {
          const n = Math.min(at - off, randomInt(1, 300_000));
          h.update(data.subarray(off, off + n));
          off += n;
        }
        return h.midstate();
      });
      for (const [i, s] of states.entries()) assert.deepEqual(s, states[0], `${engines[i].name} vs ${engines[0].name} at ${at} of ${data.length}`);
      for (const from of engines) {
        for (const to of engines) {
          const h = Sha256.fromState(states[engines.indexOf(from)], at, to.options).update(data.subarray(at));
          assert.equal(h.digestHex(), want, `${from.name} → ${to.name} at ${at} of ${data.length}`);
        }
      }
    }
  });

  it('a 520 MiB message (past 2^32 bits): midstates at random offsets past 512 MiB agree, digests match node:crypto', function () {
    this.timeout(600_000);
    const total = 520 * MiB;
    const block = randomBytes(MiB);
    // Distinct 1 MiB blocks (a counter in each), generated on the fly: never 520 MiB in memory.
    const chunk = (i: number): Buffer => {
      block.writeUInt32LE(i, 0);
      return block;
    };
    const ref = createHash('sha256');
    for (let i = 0; i < total / MiB; i++) ref.update(chunk(i));
    const want = ref.digest('hex');
    const probes = [512 * MiB + 64 * randomInt(0, (8 * MiB) / 64), 519 * MiB + 64 * randomInt(0, MiB / 64)].sort((a, b) => a - b);

    const midstates = new Map<string, number[][]>();
    for (const e of engines) {
      const h = new Sha256(e.options);
      const seen: number[][] = [];
      for (let i = 0; i < total / MiB; i++) {
        const c = chunk(i);
        const start = i * MiB;
        let off = 0;
        for (const p of probes) {
          if (p >= start && p < start + MiB) {
            h.update(c.subarray(off, p - start));
            off = p - start;
            assert.equal(h.bytesHashed, p);
            seen.push(h.midstate());
          }
        }
        h.update(c.subarray(off));
      }
      assert.equal(h.bytesHashed, total);
      assert.equal(h.digestHex(), want, `${e.name}: digest of 520 MiB`);
      midstates.set(e.name, seen);
    }
    const [first, ...rest] = [...midstates.entries()];
    for (const [name, seen] of rest) assert.deepEqual(seen, first[1], `${name} vs ${first[0]} midstates at ${probes.join(', ')}`);

    // Resume each engine from the last probe's midstate to the end: the length field carries > 2^32 bits.
    const lastAt = probes[1];
    for (const e of engines) {
      const h = Sha256.fromState(first[1][1], lastAt, e.options);
      const i = Math.floor(lastAt / MiB);
      h.update(chunk(i).subarray(lastAt - i * MiB));
      for (let j = i + 1; j < total / MiB; j++) h.update(chunk(j));
      assert.equal(h.digestHex(), want, `${e.name} resumed at ${lastAt}`);
    }
  });
});
