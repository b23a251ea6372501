/**
 * The native addon's entry point with bad input: every misaligned length,
 * out-of-range offset or wrong type is refused with an exception (not a
 * crash), and nothing is written to the state. Runs where the addon is built
 * (linux-x64); the process surviving the whole file is part of the test.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { INITIAL_STATE } from '../../../src/core/hash/sha256Constants';
import { loadNativeSha256, NATIVE_SHA256_ABI } from '../../../src/core/hash/sha256Native';
import { nativeBinding, NATIVE_EXPECTED } from './engines';

describe('hash/native SHA-256 addon entry point', function () {
  before(function () {
    if (!NATIVE_EXPECTED) this.skip();
  });

  const binding = () => {
    const b = nativeBinding();
    assert.ok(b, 'the addon is built and this CPU has SHA-NI');
    return b;
  };
  const fresh = (): Int32Array => Int32Array.from(INITIAL_STATE);
  const refused = (fn: () => void, kind: typeof RangeError | typeof TypeError, message: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof kind && message.test((e as Error).message) && (e as { code?: string }).code === 'ERR_KOODRIVE_SHA256_ARG');
  };

  it('reports its interface version and SHA-NI', () => {
    assert.equal(binding().abiVersion, NATIVE_SHA256_ABI);
    assert.equal(binding().hasShaNi(), true);
  });

  it('refuses misaligned lengths and out-of-range offsets, leaving the state untouched', () => {
    const b = binding();
    const data = randomBytes(4096);
    const state = fresh();
    for (const len of [1, 63, 65, 100, 4095]) refused(() => b.compress(state, data, 0, len), RangeError, /multiple of 64/);
    refused(() => b.compress(state, data, 1, 4096), RangeError, /past the end/);
    refused(() => b.compress(state, data, 4096, 64), RangeError, /past the end/);
    refused(() => b.compress(state, data, 4032, 128), RangeError, /past the end/);
    refused(() => b.compress(state, data, 2 ** 53, 64), RangeError, /past the end/);
    refused(() => b.compress(state, data, 0, 2 ** 53 - 64 + 64), RangeError, /past the end/);
    for (const off of [-1, -64, 0.5, NaN, Infinity, 2 ** 53 + 2]) refused(() => b.compress(state, data, off, 64), RangeError, /offset/);
    for (const len of [-64, 64.5, NaN, -Infinity]) refused(() => b.compress(state, data, 0, len), RangeError, /length/);
    refused(() => b.compress(state, data, '0' as unknown as number, 64), RangeError, /offset/);
    refused(() => b.compress(state, data, 0n as unknown as number, 64), RangeError, /offset/);
    assert.deepEqual(Array.from(state), Array.from(fresh()), 'no refused call changed the state');
  });

  it('refuses wrong states and data, and wrong argument counts', () => {
    const b = binding();
    const data = new Uint8Array(64);
    refused(() => b.compress(new Int32Array(7), data, 0, 64), RangeError, /8 words/);
    refused(() => b.compress(new Int32Array(9), data, 0, 64), RangeError, /8 words/);
    refused(() => b.compress(new Float64Array(8) as unknown as Int32Array, data, 0, 64), TypeError, /state/);
    refused(() => b.compress([1, 2, 3, 4, 5, 6, 7, 8] as unknown as Int32Array, data, 0, 64), TypeError, /state/);
    refused(() => b.compress(fresh(), new Uint16Array(32) as unknown as Uint8Array, 0, 64), TypeError, /data/);
    refused(() => b.compress(fresh(), new DataView(new ArrayBuffer(64)) as unknown as Uint8Array, 0, 64), TypeError, /data/);
    refused(() => b.compress(fresh(), 'x'.repeat(64) as unknown as Uint8Array, 0, 64), TypeError, /data/);
    refused(() => (b.compress as (...a: unknown[]) => void)(fresh(), data, 0), TypeError, /4 arguments/);
  });

  it('refuses a detached buffer', () => {
    const b = binding();
    const data = new Uint8Array(128);
    structuredClone(data.buffer, { transfer: [data.buffer] }); // detaches `data`
    assert.equal(data.length, 0);
    refused(() => b.compress(fresh(), data, 0, 64), RangeError, /past the end/);
  });

  it('works in place on views with a byteOffset (zero-copy), and on Uint32Array states', () => {
    const b = binding();
    const backing = randomBytes(64 * 40 + 13);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 13, 64 * 40);
    const state = new Uint32Array(INITIAL_STATE);
    b.compress(state as unknown as Int32Array, view, 64 * 3, 64 * 30);
    // Pad the 30 blocks we absorbed as if they were a whole message and compare with node:crypto.
    const msg = view.subarray(64 * 3, 64 * 33);
    const pad = new Uint8Array(64);
    pad[0] = 0x80;
    new DataView(pad.buffer).setUint32(60, msg.length * 8);
    b.compress(state as unknown as Int32Array, pad, 0, 64);
    const hex = Array.from(state, (x) => x.toString(16).padStart(8, '0')).join('');
    assert.equal(hex, createHash('sha256').update(msg).digest('hex'));
  });

  it('a missing or foreign file is a load error that says why', () => {
    assert.throws(() => loadNativeSha256('/nonexistent/sha256-linux-x64.node'), /cannot load .*: not found/);
    assert.throws(() => loadNativeSha256(__filename), /cannot load/);
  });
});
