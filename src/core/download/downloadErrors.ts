/**
 * Small error helpers shared by the download modules: naming the file an
 * error is about, and telling a local disk failure from a network one.
 */
import { KooDriveError } from '../errors';

/** The same error, its message prefixed with the file it is about (unless it already names it). */
export function aboutFile(err: KooDriveError, subject: string): KooDriveError {
  if (err.message.includes(subject)) return err;
  return new KooDriveError(err.code, `${subject}: ${err.message}`, {
    cause: err.cause ?? err,
    retryable: err.retryable,
    status: err.status,
    apiCode: err.apiCode,
    traceId: err.traceId,
    retryAfterMs: err.retryAfterMs,
    subject,
  });
}

/** True for errors that come from our own disk (full, read-only, no permission), not from the network. */
export function isLocalFsError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'EIO';
}
