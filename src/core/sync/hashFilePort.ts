/**
 * The scan's SHA-256 of a changed file: small files are read once and hashed
 * on this thread (node:crypto, SHA-NI where the CPU has it; a round trip to
 * a worker costs more than hashing a few KB), larger ones go to the hash
 * pool (native where available) so the host's event loop stays free. The
 * size and mtime are checked: a file being written is "changed while
 * hashing", never a wrong hash.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { KooDriveError } from '../errors';
import type { FileHasher } from '../upload/fileHasher';
import type { HashFilePort } from './localScan';

export const IN_THREAD_MAX = 1024 * 1024;
/**
 * Files up to this size are read with synchronous calls: for a 1 KB file the
 * thread-pool round trips of open/read/stat/close cost more than the work
 * (measured in syncBench: about half of the first link's hashing time), and
 * 64 KiB is read and hashed in a few tens of microseconds.
 */
export const SYNC_READ_MAX = 64 * 1024;
const small = Buffer.allocUnsafe(SYNC_READ_MAX + 1);

function hashSmallFile(absPath: string, size: number, mtimeMs: number): string {
  const fd = openSync(absPath, 'r');
  try {
    const n = readSync(fd, small, 0, small.length, 0);
    const st = fstatSync(fd);
    if (n !== size || st.size !== size || st.mtimeMs !== mtimeMs) {
      throw new KooDriveError('SourceChanged', `${absPath} changed while it was being hashed`, { subject: absPath });
    }
    return createHash('sha256').update(small.subarray(0, n)).digest('hex');
  } finally {
    closeSync(fd);
  }
}

export function makeHashFile(pool: FileHasher | undefined): HashFilePort {
  return async (absPath, size, mtimeMs, signal) => {
    if (size > IN_THREAD_MAX && pool) {
      return (await pool.hashFile(absPath, { partOffsets: [0], length: size, mtimeMs, signal })).sha256;
    }
    if (size <= SYNC_READ_MAX) return hashSmallFile(absPath, size, mtimeMs);
    const fh = await open(absPath, 'r');
    try {
      const hash = createHash('sha256');
      const buf = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 4 * 1024 * 1024));
      let total = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, total);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        total += bytesRead;
      }
      const st = await fh.stat();
      if (total !== size || st.size !== size || st.mtimeMs !== mtimeMs) {
        throw new KooDriveError('SourceChanged', `${absPath} changed while it was being hashed`, { subject: absPath });
      }
      return hash.digest('hex');
    } finally {
      await fh.close();
    }
  };
}
