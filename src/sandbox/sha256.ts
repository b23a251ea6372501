/**
 * SHA-256 with a readable and settable chaining state.
 *
 * node:crypto cannot export or import the eight 32-bit chaining words, but the
 * KooDrive upload contract (protocol.md §6.1) is built on them: a part's `hashCtx`
 * is H0..H7 after absorbing bytes [0, partOffset), and the server continues
 * hashing from it. The sandbox uses this class to continue each part from the
 * `hashCtx` in its signed URL, and the tests use it to build valid contexts.
 *
 * Written for speed on V8: one loop over the input bytes per block, the
 * message schedule in an Int32Array, the working variables in locals.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** H0..H7 of the empty message (FIPS 180-4 §5.3.3), as unsigned 32-bit numbers. */
export const SHA256_IV: readonly number[] = Object.freeze([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The chaining state at a 64-byte boundary: the eight words and how many bytes they cover. */
export interface Sha256State {
  /** H0..H7 as unsigned 32-bit integers. */
  h: number[];
  /** Bytes absorbed so far; a multiple of 64. */
  bytes: number;
}

/**
 * Process `blocks` 64-byte blocks of `data` starting at `pos` into `h`.
 * (Ch and Maj in their 3-operation forms; ~200 MB/s on a slow 2-core VM where
 * node:crypto does ~1 GB/s.)
 */
function compress(h: Int32Array, w: Int32Array, data: Uint8Array, pos: number, blocks: number): void {
  let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5], h6 = h[6], h7 = h[7];
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < 16; t++, pos += 4) {
      w[t] = (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15];
      const y = w[t - 2];
      w[t] =
        (w[t - 16] +
          (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
          w[t - 7] +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) |
        0;
    }
    let a = h0, bb = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
    for (let t = 0; t < 64; t++) {
      const t1 =
        (hh +
          (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          (g ^ (e & (f ^ g))) +
          K[t] +
          w[t]) |
        0;
      const t2 =
        ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & bb) | (c & (a | bb)))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
}

export class Sha256 {
  private readonly h = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private readonly buf = new Uint8Array(64);
  private bufLen = 0;
  private total: number;
  private done = false;

  /** Start from the IV, or continue from `state` (a 64-byte boundary, e.g. a part's hashCtx). */
  constructor(state?: Sha256State) {
    const words = state ? state.h : SHA256_IV;
    if (words.length !== 8) throw new RangeError('SHA-256 state needs exactly 8 words');
    for (let i = 0; i < 8; i++) {
      const v = words[i];
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError('SHA-256 state words must be uint32');
      this.h[i] = v | 0;
    }
    const bytes = state ? state.bytes : 0;
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes % 64 !== 0) {
      throw new RangeError('SHA-256 state must be at a 64-byte boundary');
    }
    this.total = bytes;
  }

  /** Bytes absorbed so far (including any partial block still buffered). */
  get bytesHashed(): number {
    return this.total;
  }

  update(input: Uint8Array): this {
    if (this.done) throw new Error('SHA-256 already finalised');
    // Keep compress() monomorphic: a Buffer is a Uint8Array subclass with its
    // own hidden class, and mixing both element kinds costs ~15%.
    const data =
      Object.getPrototypeOf(input) === Uint8Array.prototype
        ? input
        : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const len = data.length;
    let pos = 0;
    this.total += len;
    if (this.bufLen > 0) {
      const take = Math.min(64 - this.bufLen, len);
      this.buf.set(data.subarray(0, take), this.bufLen);
      this.bufLen += take;
      pos = take;
      if (this.bufLen < 64) return this;
      compress(this.h, this.w, this.buf, 0, 1);
      this.bufLen = 0;
    }
    const blocks = (len - pos) >>> 6;
    if (blocks > 0) {
      compress(this.h, this.w, data, pos, blocks);
      pos += blocks * 64;
    }
    if (pos < len) {
      this.buf.set(data.subarray(pos), 0);
      this.bufLen = len - pos;
    }
    return this;
  }

  /** The chaining state; only defined at a 64-byte boundary (no partial block buffered). */
  state(): Sha256State {
    if (this.bufLen !== 0) throw new Error(`SHA-256 state is only exportable at a 64-byte boundary (at ${this.total})`);
    return { h: Array.from(this.h, (x) => x >>> 0), bytes: this.total };
  }

  /** Finish with the standard padding for the total length absorbed; the object is then spent. */
  digest(): Buffer {
    if (this.done) throw new Error('SHA-256 already finalised');
    const bits = this.total * 8;
    const pad = new Uint8Array(this.bufLen < 56 ? 64 : 128);
    pad.set(this.buf.subarray(0, this.bufLen), 0);
    pad[this.bufLen] = 0x80;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const end = pad.length;
    pad[end - 8] = hi >>> 24;
    pad[end - 7] = (hi >>> 16) & 0xff;
    pad[end - 6] = (hi >>> 8) & 0xff;
    pad[end - 5] = hi & 0xff;
    pad[end - 4] = lo >>> 24;
    pad[end - 3] = (lo >>> 16) & 0xff;
    pad[end - 2] = (lo >>> 8) & 0xff;
    pad[end - 1] = lo & 0xff;
    compress(this.h, this.w, pad, 0, end / 64);
    this.done = true;
    const out = Buffer.allocUnsafe(32);
    for (let i = 0; i < 8; i++) out.writeUInt32BE(this.h[i] >>> 0, i * 4);
    return out;
  }

  digestHex(): string {
    return this.digest().toString('hex');
  }
}

/** Hex digest of a whole buffer. */
export function sha256Hex(data: Uint8Array): string {
  return new Sha256().update(data).digestHex();
}

/** The digest obtained by finishing `state` with the padding for a message of `totalBytes` (== state.bytes). */
export function finishState(state: Sha256State): string {
  return new Sha256(state).digestHex();
}

/**
 * The `hashCtx` of every part boundary of `data` split at `offsets` (each a
 * multiple of 64): element i is the state after absorbing [0, offsets[i]).
 * Test helper, also handy for fixtures.
 */
export function hashCtxAt(data: Uint8Array, offsets: number[]): number[][] {
  const sorted = [...offsets].sort((a, b) => a - b);
  const h = new Sha256();
  let at = 0;
  const out = new Map<number, number[]>();
  for (const off of sorted) {
    h.update(data.subarray(at, off));
    at = off;
    out.set(off, h.state().h);
  }
  return offsets.map((o) => out.get(o) as number[]);
}
