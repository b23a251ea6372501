/**
 * Hashing one file on the calling thread, with the same implementation
 * choice (native / wasm / js, hashImpl.ts) and the same log line as the
 * worker pool. For a process that does nothing but hash one file (the CLI's
 * `koodrive hash`): starting a worker thread costs ~40–70 ms of bootstrap
 * (measured with `node --cpu-prof`, a profile per thread) that a
 * one-file command pays for nothing, and blocking the main thread is
 * harmless there. Anything that must stay responsive while hashing (the
 * extension host, an upload that sends while it hashes) uses HashPool.
 */
import type { Logger } from '../logger';
import { cancelledHashError, hashFileWithPartStates, type FileHashHooks, type FileHashJob, type FileHashResult } from './hashFileWithPartStates';
import { hashImplPreference, selectHashImpl, type HashImplPreference } from './hashImpl';

export interface InProcessHashOptions extends Pick<FileHashHooks, 'onPartState' | 'onProgress'> {
  /** Where the native addon is (defaultNativeBinaryPath of the bundle's directory). */
  nativePath: string;
  /** Default: KOODRIVE_HASH_IMPL, else 'auto'. */
  implementation?: HashImplPreference;
  logger?: Logger;
  signal?: AbortSignal;
}

export async function hashFileInProcess(job: FileHashJob, o: InProcessHashOptions): Promise<FileHashResult> {
  if (o.signal?.aborted) throw cancelledHashError(job.path);
  let choice: ReturnType<typeof selectHashImpl>;
  try {
    choice = selectHashImpl(o.implementation ?? hashImplPreference(process.env), o.nativePath);
  } catch (err) {
    // Same wording as the pool: a forced implementation that cannot run is a warning, then the error.
    o.logger?.warn(`SHA-256: ${(err as Error).message}`);
    throw err;
  }
  if (choice.degraded) o.logger?.warn(`SHA-256: ${choice.impl} (${choice.reason})`);
  else o.logger?.info(`SHA-256: ${choice.impl} (${choice.reason})`);
  return hashFileWithPartStates(
    job,
    { isCancelled: () => o.signal?.aborted === true, onPartState: o.onPartState, onProgress: o.onProgress },
    { engine: { engine: choice.impl, native: choice.native } },
  );
}
