/**
 * proofCode (§6.3, "ProofCode generation steps"): proves we hold the bytes
 * when asking for a flash upload.
 *   seed  = hex(SHA256(origin)), origin = the Authorization header value we send
 *           (gap 9: "the header value" — we hash exactly the string sent, prefix included)
 *   d     = SHA256(seed as ASCII)
 *   start = (uint64 big-endian of d[24..32) with the top bit cleared) mod size
 *           (gap 9: byte order unstated; big-endian, Java-style)
 *   proof = hex(SHA256(file[start, min(start + 8, size))))
 * Not needed (undefined) for empty files.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { localIoError } from '../errors';

export function proofRange(authorization: string, size: number): { start: number; end: number } | undefined {
  if (size <= 0) return undefined;
  const seed = createHash('sha256').update(authorization, 'utf8').digest('hex');
  const d = createHash('sha256').update(seed, 'ascii').digest();
  const word = d.readBigUInt64BE(24) & 0x7fff_ffff_ffff_ffffn;
  const start = Number(word % BigInt(size));
  return { start, end: Math.min(start + 8, size) };
}

export function proofCodeFromBytes(slice: Uint8Array): string {
  return createHash('sha256').update(slice).digest('hex');
}

export async function computeProofCode(path: string, size: number, authorization: string): Promise<string | undefined> {
  const range = proofRange(authorization, size);
  if (!range) return undefined;
  const buf = Buffer.alloc(range.end - range.start);
  try {
    const fh = await open(path, 'r');
    try {
      const { bytesRead } = await fh.read(buf, 0, buf.length, range.start);
      return proofCodeFromBytes(buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw localIoError(e, path, 'read');
  }
}
