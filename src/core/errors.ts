/**
 * The one error type the core throws. Callers branch on `code` (stable) and
 * `retryable`, never on messages (GitLens' `XError.is`, undici's UND_ERR_*).
 * HTTP/KooDrive/undici failures are mapped into it in exactly one place:
 * `api/errorMapping.ts`. Local failures are created where they happen.
 */
export type KooDriveErrorCode =
  /** The user (or a caller's AbortSignal) cancelled. Never shown as an error. */
  | 'Cancelled'
  /** Token missing, expired or rejected: the user must sign in again. */
  | 'AuthRequired'
  /** Signed in, but not allowed (13000410, HTTP 403 on an API call). */
  | 'PermissionDenied'
  /** Space, file, folder or upload task does not exist (13000301/302/309/401/411...). */
  | 'NotFound'
  /** Name clash when the policy says "fail" (13000405) or folder nesting conflicts. */
  | 'Conflict'
  /** Quota exceeded (13000311). */
  | 'QuotaExceeded'
  /** Our request was invalid (13000101/102, names, sizes): fix the input, do not retry. */
  | 'InvalidInput'
  /** 429 / throttling; `retryAfterMs` says when. */
  | 'RateLimited'
  /** 5xx, 13000201, 13000403: the service failed, a retry may help. */
  | 'ServerError'
  /** Connection refused/reset, DNS, TLS: a retry may help. */
  | 'Network'
  /** Connect or body stalled longer than the configured timeout. */
  | 'Timeout'
  /** The server rejected the request time (X-Date skew). Retried after re-syncing the clock. */
  | 'ClockSkew'
  /** A presigned URL expired or its signature was rejected: refresh it. */
  | 'UrlExpired'
  /** Hash chain / size / sha256 mismatch (13000402, download verification). */
  | 'IntegrityFailed'
  /** The response was not the documented JSON envelope (HTML page, truncated, empty). */
  | 'BadResponse'
  /** The local file changed while it was being transferred. */
  | 'SourceChanged'
  /** A conditional write found the remote file changed (its sha256 is not the expected one): nothing was written. */
  | 'RemoteChanged'
  /** Local filesystem error (disk full, not writable, unreadable). */
  | 'LocalIo'
  /** Anything else the service reported with a non-zero code. */
  | 'ApiError';

export interface KooDriveErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** KooDrive `code` from the envelope (e.g. 13000402), when present. */
  apiCode?: number;
  /** X-Traceid we sent (or the server's request id), for support. */
  traceId?: string;
  /** From Retry-After, when the server gave one. */
  retryAfterMs?: number;
  /** A local path or remote name the error is about, for messages. */
  subject?: string;
}

const BRAND = Symbol.for('koodrive.error');

export class KooDriveError extends Error {
  readonly code: KooDriveErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly apiCode?: number;
  readonly traceId?: string;
  readonly retryAfterMs?: number;
  readonly subject?: string;
  readonly [BRAND] = true;

  constructor(code: KooDriveErrorCode, message: string, options: KooDriveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KooDriveError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.traceId = options.traceId;
    this.retryAfterMs = options.retryAfterMs;
    this.subject = options.subject;
  }

  /** Brand check that survives bundling twice (worker + main) and realms. */
  static is(err: unknown, code?: KooDriveErrorCode): err is KooDriveError {
    return (
      typeof err === 'object' &&
      err !== null &&
      (err as Record<symbol, unknown>)[BRAND] === true &&
      (code === undefined || (err as KooDriveError).code === code)
    );
  }

  /** Plain-object form for worker messages and `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      apiCode: this.apiCode,
      traceId: this.traceId,
      subject: this.subject,
    };
  }
}

/** True for a user's cancellation, however it surfaced (our error, AbortError, DOMException). */
export function isCancellation(err: unknown): boolean {
  if (KooDriveError.is(err, 'Cancelled')) return true;
  const name = (err as { name?: string } | null)?.name;
  return name === 'AbortError';
}

/** Wraps a local filesystem error, keeping the errno code in the message. */
export function localIoError(err: unknown, subject: string, action: string): KooDriveError {
  if (KooDriveError.is(err)) return err;
  const e = err as NodeJS.ErrnoException | null;
  const errno = e?.code;
  const why =
    errno === 'ENOSPC' ? 'the disk is full'
    : errno === 'EDQUOT' ? 'the disk quota is exceeded'
    : errno === 'EFBIG' ? 'the file is larger than this file system (or the file size limit) allows'
    : errno === 'EACCES' || errno === 'EPERM' ? 'permission denied'
    : errno === 'ENOENT' ? 'it does not exist'
    : errno === 'EISDIR' ? 'it is a directory'
    : errno === 'EROFS' ? 'the file system is read-only'
    : (errno === 'EEXIST' && e?.syscall === 'mkdir') || (errno === 'ENOTDIR' && e?.syscall) ? `a file is in the way of a folder${e?.path ? ` (${e.path})` : ''}`
    : (e?.message ?? String(err));
  return new KooDriveError('LocalIo', `Cannot ${action} ${subject}: ${why}`, { cause: err, subject });
}
