import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256, defaultSha256Engine, type Sha256Options } from '../../../src/core/hash/sha256';
import { sleb32, uleb } from '../../../src/core/hash/wasmEmitter';
import { INITIAL_STATE, K } from '../../../src/core/hash/sha256Constants';
import { enginesUnderTest } from './engines';

const nodeSha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/**
 * Independent reference, written from FIPS 180-4 with no shared code except
 * the constant tables: continues from `state` after `before` bytes (a multiple
 * of 64), pads with the 64-bit length via BigInt.
 */
function referenceDigest(state: readonly number[], before: number, rest: Uint8Array): string {
  const total = BigInt(before + rest.length) * 8n;
  const padLen = (rest.length + 9 + 63) & ~63;
  const m = new Uint8Array(padLen);
  m.set(rest);
  m[rest.length] = 0x80;
  new DataView(m.buffer).setBigUint64(padLen - 8, total);
  const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
  const H = state.map((x) => x >>> 0);
  const w = new Array<number>(64);
  for (let off = 0; off < padLen; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = new DataView(m.buffer).getUint32(off + 4 * t);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((x, i) => (H[i] = (H[i] + x) >>> 0));
  }
  return H.map((x) => x.toString(16).padStart(8, '0')).join('');
}

/** Midstates at every 64-byte boundary of `data`, from one pass. */
function allMidstates(data: Uint8Array, options: Sha256Options): number[][] {
  const h = new Sha256(options);
  const states = [h.midstate()];
  for (let off = 0; off + 64 <= data.length; off += 64) states.push(h.update(data.subarray(off, off + 64)).midstate());
  return states;
}

describe('hash/sha256', () => {
  it('uses WebAssembly on Node', () => {
    assert.equal(defaultSha256Engine(), 'wasm');
    assert.equal(new Sha256().engine, 'wasm');
  });

  // Every engine available here: native (SHA-NI addon) on linux-x64, wasm, js.
  for (const { name: engine, options } of enginesUnderTest()) {
    describe(`engine ${engine}`, () => {
      const hex = (data: Uint8Array): string => new Sha256(options).update(data).digestHex();

      it('matches the FIPS 180-2 / NIST vectors', () => {
        assert.equal(hex(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
        assert.equal(hex(ascii('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
        assert.equal(
          hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
          '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
        );
        assert.equal(
          hex(ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu')),
          'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
        );
        assert.equal(hex(new Uint8Array(1_000_000).fill(0x61)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
      });

      it('a million "a" fed in odd slices', () => {
        const h = new Sha256(options);
        const a = new Uint8Array(4099).fill(0x61);
        let left = 1_000_000;
        for (let i = 0; left > 0; i++) {
          const n = Math.min(left, [1, 63, 64, 65, 127, 4099][i % 6]);
          h.update(a.subarray(0, n));
          left -= n;
        }
        assert.equal(h.digestHex(), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
        assert.equal(h.bytesHashed, 1_000_000);
      });

      it('matches node:crypto on random data of many sizes, with odd update slices', () => {
        const slices = [1, 2, 3, 5, 7, 13, 55, 56, 61, 63, 64, 65, 127, 129, 4093, 262_143, 262_145, 300_001];
        for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537, 262_144, 262_209, 700_001]) {
          const data = randomBytes(size);
          const whole = new Sha256(options).update(data).digestHex();
          assert.equal(whole, nodeSha(data), `size ${size} in one update`);
          for (let start = 0; start < 3; start++) {
            const h = new Sha256(options);
            for (let off = 0, i = start; off < size; i++) {
              const n = Math.min(size - off, slices[i % slices.length]);
              h.update(data.subarray(off, off + n));
              off += n;
            }
            assert.equal(h.digestHex(), whole, `size ${size}, odd slices from ${start}`);
          }
        }
      });

      it('resumes from the midstate at every 64-byte boundary to the full digest', () => {
        for (const size of [64, 100, 128, 1000, 4096 + 17]) {
          const data = randomBytes(size);
          const want = nodeSha(data);
          allMidstates(data, options).forEach((state, k) => {
            const off = 64 * k;
            assert.equal(state.length, 8);
            assert.ok(state.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff));
            const resumed = Sha256.fromState(state, off, options).update(data.subarray(off));
            assert.equal(resumed.bytesHashed, size);
            assert.equal(resumed.digestHex(), want, `size ${size}, resumed at ${off}`);
          });
        }
      });

      it('resumes at sampled boundaries of larger inputs (across 256 KiB slices)', () => {
        const data = randomBytes(1_048_576 + 100);
        const want = nodeSha(data);
        const h = new Sha256(options);
        for (const off of [0, 64, 262_080, 262_144, 262_208, 524_288, 1_048_576]) {
          h.update(data.subarray(h.bytesHashed, off));
          assert.equal(h.bytesHashed, off);
          assert.equal(Sha256.fromState(h.midstate(), off, options).update(data.subarray(off)).digestHex(), want, `at ${off}`);
        }
      });

      it('hashes data placed in its own inputArea without a copy, also when refilled', () => {
        const h = new Sha256({ ...options, inputAreaBytes: 300_000 });
        const area = h.inputArea();
        assert.equal(area.length, 300_000);
        const parts = [randomBytes(300_000), randomBytes(1), randomBytes(299_999), randomBytes(64 * 4099)];
        for (const p of parts) {
          area.set(p);
          // odd split points so the tail buffer and in-place blocks mix
          const cut = Math.min(7, p.length);
          h.update(area.subarray(0, cut)).update(area.subarray(cut, p.length));
        }
        assert.equal(h.digestHex(), nodeSha(Buffer.concat(parts)));
        assert.equal(new Sha256(options).inputArea().length, 0);
      });

      it('digest() does not finalize: more data can follow', () => {
        const a = randomBytes(100);
        const b = randomBytes(3000);
        const h = new Sha256(options).update(a);
        assert.equal(h.digestHex(), nodeSha(a));
        assert.equal(h.digestHex(), nodeSha(a));
        h.update(b);
        assert.equal(h.digestHex(), nodeSha(Buffer.concat([a, b])));
        assert.deepEqual(Buffer.from(h.digest()).toString('hex'), h.digestHex());
      });

      it('encodes lengths past 2^32 bits (512 MiB) and 2^32 bytes when resumed from a state', () => {
        const state = Array.from({ length: 8 }, () => randomBytes(4).readUInt32LE(0));
        const offsets = [2 ** 29 - 64, 2 ** 29, 2 ** 29 + 64, 2 ** 32 - 64, 2 ** 32, 2 ** 32 + 2 ** 29, 200e9 - (200e9 % 64)];
        for (const before of offsets) {
          for (const restLen of [0, 1, 55, 56, 64, 1000]) {
            const rest = randomBytes(restLen);
            const got = Sha256.fromState(state, before, options).update(rest).digestHex();
            assert.equal(got, referenceDigest(state, before, rest), `${before} + ${restLen}`);
          }
        }
      });
    });
  }

  it('the reference used above agrees with node:crypto', () => {
    for (const size of [0, 3, 55, 56, 64, 1000]) {
      const data = randomBytes(size);
      assert.equal(referenceDigest(INITIAL_STATE, 0, data), nodeSha(data));
    }
  });

  it('wasm and js engines agree from arbitrary states', () => {
    for (let i = 0; i < 20; i++) {
      const state = Array.from({ length: 8 }, () => randomBytes(4).readUInt32LE(0));
      const before = 64 * randomBytes(4).readUInt32LE(0);
      const data = randomBytes(randomBytes(2).readUInt16LE(0));
      // The midstates are compared on every round, at the last block boundary of the data.
      const aligned = data.length - (data.length % 64);
      const w = Sha256.fromState(state, before, { engine: 'wasm' }).update(data.subarray(0, aligned));
      const j = Sha256.fromState(state, before, { engine: 'js' }).update(data.subarray(0, aligned));
      assert.deepEqual(w.midstate(), j.midstate(), `midstate after ${aligned} of ${data.length} bytes`);
      w.update(data.subarray(aligned));
      j.update(data.subarray(aligned));
      assert.equal(w.digestHex(), j.digestHex());
    }
  });

  it('fromState accepts signed 32-bit words and returns them unsigned', () => {
    const unsigned = [0xffffffff, 0x80000000, 0, 1, 0x7fffffff, 0x6a09e667, 0xbb67ae85, 0x12345678];
    const signed = unsigned.map((x) => x | 0);
    assert.deepEqual(Sha256.fromState(signed, 128).midstate(), unsigned);
    assert.deepEqual(Sha256.fromState(unsigned, 128).midstate(), unsigned);
  });

  it('rejects misuse', () => {
    assert.throws(() => new Sha256().update(new Uint8Array(10)).midstate(), RangeError);
    assert.throws(() => Sha256.fromState([1, 2, 3], 0), RangeError);
    assert.throws(() => Sha256.fromState(INITIAL_STATE, 65), RangeError);
    assert.throws(() => Sha256.fromState(INITIAL_STATE, -64), RangeError);
    assert.throws(() => Sha256.fromState([...INITIAL_STATE.slice(0, 7), 2 ** 32], 64), RangeError);
    assert.throws(() => Sha256.fromState([...INITIAL_STATE.slice(0, 7), 1.5], 64), RangeError);
  });

  it('reset() starts over, also after fromState', () => {
    const data = randomBytes(777);
    const h = Sha256.fromState(Array.from({ length: 8 }, (_, i) => i), 64 * 1000).update(randomBytes(100));
    assert.equal(h.reset().bytesHashed, 0);
    assert.deepEqual(h.midstate(), [...INITIAL_STATE]);
    assert.equal(h.update(data).digestHex(), nodeSha(data));
  });

  it('midstate of a fresh hasher is H(0)', () => {
    assert.deepEqual(new Sha256().midstate(), [...INITIAL_STATE]);
    assert.equal(new Sha256().bytesHashed, 0);
  });
});

describe('hash/wasmEmitter', () => {
  it('encodes LEB128', () => {
    assert.deepEqual(uleb(0), [0]);
    assert.deepEqual(uleb(127), [0x7f]);
    assert.deepEqual(uleb(128), [0x80, 0x01]);
    assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(sleb32(0), [0]);
    assert.deepEqual(sleb32(-1), [0x7f]);
    assert.deepEqual(sleb32(63), [0x3f]);
    assert.deepEqual(sleb32(64), [0xc0, 0x00]);
    assert.deepEqual(sleb32(-123456), [0xc0, 0xbb, 0x78]);
    // uint32 spellings are encoded as the same int32
    assert.deepEqual(sleb32(0xffffffff), sleb32(-1));
    assert.deepEqual(sleb32(0x80000000), [0x80, 0x80, 0x80, 0x80, 0x78]);
  });
});
