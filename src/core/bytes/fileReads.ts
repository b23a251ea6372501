import type { FileHandle } from 'node:fs/promises';

/**
 * Reads until `length` bytes from `position` are in `buf` or the file ends;
 * returns the count. One `read` may return fewer bytes than asked without
 * the file having ended, so callers that need every byte loop through here
 * and treat a short count as the file having shrunk.
 */
export async function readFully(fh: FileHandle, buf: Uint8Array, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
