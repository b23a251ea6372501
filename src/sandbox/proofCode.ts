/**
 * proofCode (protocol.md §6.3): proves the uploader holds the bytes it claims to
 * have when asking for a flash upload.
 *
 *   seed  = hex(SHA256(origin))       origin = the exact Authorization header value sent
 *   d     = SHA256(seed as ASCII)
 *   start = (big-endian uint64 of d[24..32) with the top bit cleared) mod length
 *   end   = min(start + 8, length)
 *   proofCode = hex(SHA256(file[start, end)))
 *
 * Not defined for length 0.
 */
import { createHash } from 'node:crypto';

/** Where the proof slice lies for this Authorization value and file length. */
export function proofRange(authorization: string, length: number): { start: number; end: number } {
  if (!Number.isSafeInteger(length) || length <= 0) throw new RangeError('proofCode needs a non-empty file');
  const seed = createHash('sha256').update(authorization, 'utf8').digest('hex');
  const d = createHash('sha256').update(seed, 'ascii').digest();
  const n = d.readBigUInt64BE(24) & 0x7fffffffffffffffn;
  const start = Number(n % BigInt(length));
  return { start, end: Math.min(start + 8, length) };
}

/** The proofCode for `slice` = the bytes file[start, end) of proofRange(). */
export function proofCodeOfSlice(slice: Uint8Array): string {
  return createHash('sha256').update(slice).digest('hex');
}

/** Convenience for whole buffers (tests, seeding). */
export function proofCode(authorization: string, content: Uint8Array): string {
  const { start, end } = proofRange(authorization, content.length);
  return proofCodeOfSlice(content.subarray(start, end));
}
