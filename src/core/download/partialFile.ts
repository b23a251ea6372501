/**
 * The temp file (`<name>.partial`) on its own: measuring and re-hashing what
 * an earlier attempt left (resume), opening it for writing without ever
 * following a planted link, deleting it, and checking the finished content
 * against the listing's SHA-256.
 */
import { createHash, Hash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import type { Logger } from '../logger';
import { localError, lstatOrUndefined, O_NOFOLLOW } from './downloadPaths';

/** The temp file is re-hashed in reads of this size (page-cache speed; memory stays small). */
const READ_CHUNK = 1024 * 1024;

/** What an earlier attempt left: its length and the SHA-256 state after hashing it (ready to continue). */
export interface PartialPrefix {
  size: number;
  hash: Hash;
}

/** Hashes the bytes already in the temp file (none if it does not exist). Never follows a symbolic link. */
export async function hashPartial(partialPath: string, logger: Logger, signal?: AbortSignal): Promise<PartialPrefix> {
  const hash = createHash('sha256');
  const st = await lstatOrUndefined(partialPath).catch((e: unknown) => {
    throw localError(e, partialPath, 'read');
  });
  if (!st) return { size: 0, hash };
  if (!st.isFile() || st.nlink !== 1) {
    // Not something we wrote: a link planted under our temp name (or a folder). Unlinking never follows it.
    logger.warn(`${partialPath} is not a plain file; removing it`);
    await removePartial(partialPath);
    return { size: 0, hash };
  }
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(partialPath, fsConstants.O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { size: 0, hash };
    throw localError(e, partialPath, 'read');
  }
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      throwIfAborted(signal);
      const { bytesRead } = await fh.read(buf, 0, buf.length, size);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } catch (e) {
    if (isCancellation(e)) throw e;
    throw localError(e, partialPath, 'read');
  } finally {
    await fh.close().catch(() => undefined);
  }
  return { size, hash };
}

/**
 * Opens the temp file: a fresh one is created exclusively (after removing
 * any leftover, so a planted hard or symbolic link is never written
 * through); a resumed one is opened without following links.
 * Errors name `nameInErrors` (the file the user asked for).
 */
export async function openPartialForWriting(partialPath: string, from: number, nameInErrors: string): Promise<fs.FileHandle> {
  const { O_WRONLY, O_CREAT, O_EXCL } = fsConstants;
  try {
    if (from === 0) {
      await removePartial(partialPath);
      return await fs.open(partialPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    }
    const fh = await fs.open(partialPath, O_WRONLY | O_NOFOLLOW);
    const st = await fh.stat();
    if (!st.isFile() || st.nlink !== 1 || st.size !== from) {
      await fh.close();
      throw new KooDriveError('LocalIo', `${partialPath} changed while it was being resumed`, { subject: partialPath, retryable: true });
    }
    await fh.truncate(from);
    return fh;
  } catch (e) {
    throw localError(e, nameInErrors, 'write');
  }
}

/** Deletes the temp file (gone already is fine). */
export async function removePartial(partialPath: string): Promise<void> {
  try {
    await fs.unlink(partialPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw localError(e, partialPath, 'remove');
  }
}

/**
 * Finishes the hash and checks it against the listing's SHA-256 (when it has
 * one); a mismatch deletes the temp file. Returns the lowercase hex digest.
 */
export async function verifyPartial(partialPath: string, subject: string, hash: Hash, wantSha256: string | undefined): Promise<string> {
  const sha256 = hash.digest('hex');
  const want = wantSha256?.toLowerCase();
  if (want && want !== sha256) {
    await removePartial(partialPath);
    throw new KooDriveError('IntegrityFailed', `${subject} failed verification: its SHA-256 is ${sha256}, expected ${want}; the download was discarded`, {
      subject,
    });
  }
  return sha256;
}
