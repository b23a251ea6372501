/**
 * The first look at a file to upload: its size and mtime, its part plan,
 * its preHash (SHA-256 of the first KiB), and, for a small one-part file,
 * all of its bytes (read once, then hashed and sent from that buffer).
 */
import { constants as fsConstants } from 'node:fs';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { readFully } from '../bytes/fileReads';
import { KooDriveError, localIoError } from '../errors';
import { PartPlan, planParts } from './partPlan';

const PREHASH_BYTES = 1024;
/**
 * A one-part file up to this size is read once, into memory, and that one
 * buffer serves the preHash, the whole-file SHA-256 (on this thread: for a few
 * KB a round trip to the hash worker costs more than the hashing), the
 * proofCode and the part body. Profiled on a folder of 2 000 small files,
 * the separate opens/reads, the worker job and the state writes were most of
 * the client's CPU per file (docs/performance.md). Small enough that the files in flight hold little memory and that
 * hashing one never stalls the event loop noticeably (~1 ms per MiB).
 */
export const IN_MEMORY_MAX = 1024 * 1024;

export interface InspectedFile {
  size: number;
  mtimeMs: number;
  plan: PartPlan;
  preHash: string;
  /** The whole file, when it is small enough to be sent from memory (IN_MEMORY_MAX). */
  bytes?: Buffer;
}

/**
 * One open serves the size and mtime (fstat: they describe the bytes read
 * through this same handle) and either the whole small file or its first
 * KiB (preHash). O_NONBLOCK: opening a FIFO must not hang waiting for a
 * writer (it is then refused as not a regular file); it changes nothing for
 * regular files.
 */
export async function inspectLocalFile(localPath: string, partSize: number | undefined): Promise<InspectedFile> {
  let fh;
  try {
    fh = await open(localPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw localIoError(e, localPath, 'read');
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new KooDriveError('InvalidInput', `${localPath} is not a regular file`, { subject: localPath });
    const plan = planParts(st.size, partSize, localPath);
    if (st.size > 0 && st.size <= IN_MEMORY_MAX && plan.parts.length === 1) {
      const bytes = await readStart(fh, st.size, localPath);
      return { size: st.size, mtimeMs: st.mtimeMs, plan, bytes, preHash: sha256Hex(bytes.subarray(0, PREHASH_BYTES)) };
    }
    const preHash = sha256Hex(await readStart(fh, Math.min(PREHASH_BYTES, st.size), localPath));
    return { size: st.size, mtimeMs: st.mtimeMs, plan, preHash };
  } catch (e) {
    throw KooDriveError.is(e) ? e : localIoError(e, localPath, 'read');
  } finally {
    await fh.close().catch(() => undefined);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `size` bytes from the start of an open file; fewer means the file shrank under us. */
async function readStart(fh: FileHandle, size: number, localPath: string): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  if ((await readFully(fh, buf, size, 0)) < size) throw new KooDriveError('SourceChanged', `${localPath} became shorter while it was being read; upload it again when it is no longer changing.`, { subject: localPath });
  return buf;
}
