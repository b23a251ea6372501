/**
 * The SHA-256 compression function (FIPS 180-4 §6.2.2) as WebAssembly that is
 * generated here, at run time, from this file: no binary blob is committed.
 *
 * Exported function `compress(ptr, blocks)`: absorbs `blocks` 64-byte blocks
 * starting at byte `ptr` into the chaining state H0..H7 kept at address
 * STATE_PTR (8 native little-endian i32). Memory is imported as `env.memory`.
 *
 * Shape (the fastest of the variants measured with V8 11.3 / Node 20 on a
 * 2-vCPU Xeon, 64 MiB in 256 KiB slices, best of 6, relative to hash-wasm 4.13
 * at ~403 MB/s in the same run):
 *   - all 64 rounds and the message schedule fully unrolled, working variables
 *     and the 16-word schedule window in locals (SSA values for TurboFan); the
 *     roles a..h are renamed between rounds instead of moved;
 *   - Σ/σ in the nested form OpenSSL uses, e.g. Σ1(e) = ror(ror(ror(e,14)^e,5)^e,6):
 *     fewer instructions (x64 has no 3-operand rotate in V8's output) — ~455 MB/s
 *     vs ~422 with the textbook three-rotate form;
 *   - Maj = ((a^b) & (b^c)) ^ b with this round's a^b reused as the next
 *     round's b^c (−3 % if replaced by (a & (b|c)) | (b&c));
 *   - big-endian loads as i32.load + two rotates (a SIMD i8x16.swizzle byte
 *     swap measured the same, so the module stays scalar-only);
 *   - the schedule computed just in time in each round (computing all 64 words
 *     first measured the same; keeping W in linear memory was −25 %; reloading
 *     H0..H7 from memory per block instead of keeping them in locals −4 %).
 */
import { Code, emitModule } from './wasmEmitter';
import { K } from './sha256Constants';

/** Byte address of the chaining state (8 × i32) in the module's memory. */
export const STATE_PTR = 0;

export function generateSha256Wasm(minPages: number): Uint8Array {
  // Locals: 0 = ptr, 1 = blocks (params); then H0..H7, a..h, W[16], a^b ×2, two temps.
  const P = 0;
  const N = 1;
  const H = [2, 3, 4, 5, 6, 7, 8, 9];
  const V = [10, 11, 12, 13, 14, 15, 16, 17];
  const W0 = 18;
  const AB = [34, 35];
  const T = 36;
  const X = 37;
  const extraLocals = X + 1 - 2;
  const w = (t: number): number => W0 + (t & 15);

  const c = new Code();
  for (let i = 0; i < 8; i++) c.const(STATE_PTR).load(4 * i).set(H[i]);
  c.block().loop();
  c.get(N).eqz().brIf(1);
  for (let i = 0; i < 8; i++) c.get(H[i]).set(V[i]);

  /** W[t] = big-endian word t of the block: bswap(x) = (rotl(x,8) & 0x00ff00ff) | (rotr(x,8) & 0xff00ff00). */
  const loadW = (t: number): void => {
    c.get(P).load(4 * t).tee(T);
    c.const(8).rotl().const(0x00ff00ff).and();
    c.get(T).const(8).rotr().const(0xff00ff00 | 0).and();
    c.or().set(w(t));
  };
  /** W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] (window of 16 locals). */
  const expandW = (t: number): void => {
    c.get(w(t - 16)).get(w(t - 7)).add();
    // σ0(x) = ror(x,7) ^ ror(x,18) ^ (x >>> 3) = ror(ror(x,11) ^ x, 7) ^ (x >>> 3)
    c.get(w(t - 15)).tee(X).const(11).rotr().get(X).xor().const(7).rotr().get(X).const(3).shrU().xor().add();
    // σ1(x) = ror(x,17) ^ ror(x,19) ^ (x >>> 10) = ror(ror(x,2) ^ x, 17) ^ (x >>> 10)
    c.get(w(t - 2)).tee(X).const(2).rotr().get(X).xor().const(17).rotr().get(X).const(10).shrU().xor().add();
    c.set(w(t));
  };

  let [a, b, cc, d, e, f, g, h] = V;
  for (let t = 0; t < 64; t++) {
    (t < 16 ? loadW : expandW)(t);
    // T1 = Σ1(e) + Ch(e,f,g) + h + K[t] + W[t], kept in h's local.
    // Σ1(e) = ror(e,6) ^ ror(e,11) ^ ror(e,25) = ror(ror(ror(e,14) ^ e, 5) ^ e, 6)
    c.get(e).const(14).rotr().get(e).xor().const(5).rotr().get(e).xor().const(6).rotr();
    // Ch(e,f,g) = g ^ (e & (f ^ g))
    c.get(g).get(e).get(f).get(g).xor().and().xor();
    c.add();
    c.get(h).const(K[t]).add().get(w(t)).add();
    c.add().set(h);
    // d += T1
    c.get(d).get(h).add().set(d);
    // h = T1 + Σ0(a) + Maj(a,b,c)
    // Σ0(a) = ror(a,2) ^ ror(a,13) ^ ror(a,22) = ror(ror(ror(a,9) ^ a, 11) ^ a, 2)
    c.get(h);
    c.get(a).const(9).rotr().get(a).xor().const(11).rotr().get(a).xor().const(2).rotr();
    // Maj(a,b,c) = ((a^b) & (b^c)) ^ b; this round's a^b is the next round's b^c.
    c.get(a).get(b).xor().tee(AB[t & 1]);
    if (t === 0) c.get(b).get(cc).xor();
    else c.get(AB[(t + 1) & 1]);
    c.and().get(b).xor();
    c.add().add().set(h);
    [a, b, cc, d, e, f, g, h] = [h, a, b, cc, d, e, f, g];
  }
  // After 64 renamings every role is back in its own local.
  for (let i = 0; i < 8; i++) c.get(H[i]).get(V[i]).add().set(H[i]);
  c.get(P).const(64).add().set(P);
  c.get(N).const(1).sub().set(N);
  c.br(0).end().end();
  for (let i = 0; i < 8; i++) c.const(STATE_PTR).get(H[i]).store(4 * i);

  return emitModule([{ name: 'compress', params: 2, locals: extraLocals, code: c }], minPages);
}
