/**
 * Messages between the HashPool (main thread) and a hash worker. Every
 * message carries the request `id`; the worker reads the file itself, so no
 * file bytes cross the thread boundary.
 *
 * Once, when it starts, the worker sends `impl` (id 0): the SHA-256
 * implementation it selected and why (hashImpl.ts), or the error that will
 * fail every request when a forced implementation cannot run.
 *
 * For one `hashFile` request the worker sends, in this order:
 *   - `partState` once per entry of `partOffsets`, in order, as soon as the
 *     hasher has absorbed exactly `offset` bytes. Offset 0 IS emitted, with
 *     `hashCtx: []` (KooDrive's value for part 1), so every part gets exactly
 *     one event and an uploader can start part 1 at once;
 *   - `progress` interleaved, at most every PROGRESS_INTERVAL_BYTES, plus one
 *     with the full length just before `done`;
 *   - then exactly one of `done` or `error` (also after a `cancel`: an `error`
 *     with code 'Cancelled', or `done` if it had already finished).
 */
import { KooDriveError, type KooDriveErrorCode } from '../errors';
import type { HashImpl, HashImplPreference } from './hashImpl';

/** The worker's `workerData`. */
export interface HashWorkerData {
  implementation?: HashImplPreference;
  /** The native addon; default dist/native/sha256-<platform>-<arch>.node next to the worker bundle. */
  nativePath?: string;
}

export interface HashFileRequest {
  type: 'hashFile';
  id: number;
  path: string;
  /** Expected size; the file being shorter or longer is 'SourceChanged'. */
  length: number;
  /** Expected modification time (fs.Stats.mtimeMs); a difference is 'SourceChanged'. */
  mtimeMs?: number;
  /** Start offsets of the parts: strictly increasing multiples of 64, each ≤ length. */
  partOffsets: number[];
}

export interface CancelRequest {
  type: 'cancel';
  id: number;
}

export type HashWorkerRequest = HashFileRequest | CancelRequest;

export interface PartStateMessage {
  type: 'partState';
  id: number;
  /** Index into the request's `partOffsets`. */
  partIndex: number;
  offset: number;
  /** H0..H7 after `offset` bytes (unsigned 32-bit); `[]` for offset 0. */
  hashCtx: number[];
}

export interface ProgressMessage {
  type: 'progress';
  id: number;
  bytesHashed: number;
}

export interface ImplMessage {
  type: 'impl';
  id: 0;
  impl?: HashImpl;
  reason: string;
  /** Native should have worked here and did not (worth a warning). */
  degraded: boolean;
  /** Set when the requested implementation cannot run: every request will fail with it. */
  error?: SerializedError;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  /** The implementation that computed the digests. */
  impl: HashImpl;
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  /** Lowercase hex SHA-256 of the first min(1024, length) bytes (koodrive-api.md §6.2). */
  preHash: string;
  length: number;
}

export interface SerializedError {
  name: string;
  code: KooDriveErrorCode;
  message: string;
  retryable?: boolean;
  subject?: string;
}

export interface ErrorMessage {
  type: 'error';
  id: number;
  error: SerializedError;
}

export type HashWorkerResponse = ImplMessage | PartStateMessage | ProgressMessage | DoneMessage | ErrorMessage;

/** Throttle for `progress` messages. */
export const PROGRESS_INTERVAL_BYTES = 8 * 1024 * 1024;

/** Errors cross the thread boundary as plain `{name, code, message}` objects. */
export function serializeError(err: unknown): SerializedError {
  if (KooDriveError.is(err)) {
    return { name: err.name, code: err.code, message: err.message, retryable: err.retryable, subject: err.subject };
  }
  const e = err as { name?: unknown; message?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: 'LocalIo',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

export function deserializeError(e: SerializedError): KooDriveError {
  return new KooDriveError(e.code, e.message, { retryable: e.retryable, subject: e.subject });
}
