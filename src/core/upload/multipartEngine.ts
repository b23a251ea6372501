/**
 * A generic concurrent multipart engine (rclone lib/multipart, aws-sdk
 * lib-storage): N loops pull parts from one ordered source, wait until a part
 * may be written (for KooDrive: until its starting SHA-256 midstate is known),
 * write it with retries, and fail fast — the first part that cannot be written
 * aborts all others and the whole run. It knows nothing about KooDrive.
 */
import { cancelledError, linkedAbortController, sleep } from '../cancellation';
import { KooDriveError } from '../errors';

export interface PartWriter<P> {
  /** Resolves when `part` may be written. Default: at once. */
  ready?(part: P, signal: AbortSignal): Promise<void>;
  /** Sends one part; throws on failure. `attempt` counts from 1. */
  write(part: P, attempt: number, signal: AbortSignal): Promise<void>;
  /**
   * After a failed attempt: recover if possible (e.g. refresh an expired URL)
   * and return the delay before the next attempt, or undefined to give up.
   */
  retryDelay(part: P, err: KooDriveError, attempt: number, signal: AbortSignal): Promise<number | undefined>;
}

export interface MultipartRunOptions<P> {
  parts: readonly P[];
  writer: PartWriter<P>;
  concurrency: number;
  signal?: AbortSignal;
  onPartDone?(part: P): void;
}

export async function runMultipart<P>(o: MultipartRunOptions<P>): Promise<void> {
  const { controller, dispose } = linkedAbortController(o.signal);
  const signal = controller.signal;
  let next = 0;
  let firstError: unknown;

  const fail = (err: unknown): void => {
    if (firstError === undefined) firstError = err;
    if (!signal.aborted) controller.abort(err);
  };

  const loop = async (): Promise<void> => {
    while (!signal.aborted && next < o.parts.length) {
      const part = o.parts[next++];
      try {
        if (o.writer.ready) await o.writer.ready(part, signal);
        await writeWithRetries(o.writer, part, signal);
        o.onPartDone?.(part);
      } catch (e) {
        fail(e);
        return;
      }
    }
  };

  try {
    const n = Math.max(1, Math.min(o.concurrency, o.parts.length));
    await Promise.all(Array.from({ length: n }, loop));
    if (firstError !== undefined) throw firstError;
    if (o.signal?.aborted) throw cancelledError(o.signal);
  } finally {
    dispose();
  }
}

async function writeWithRetries<P>(writer: PartWriter<P>, part: P, signal: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await writer.write(part, attempt, signal);
      return;
    } catch (e) {
      if (signal.aborted) throw KooDriveError.is(signal.reason) ? signal.reason : cancelledError(signal);
      const err = KooDriveError.is(e) ? e : new KooDriveError('Network', String((e as Error)?.message ?? e), { cause: e, retryable: true });
      if (!err.retryable) throw err;
      const delay = await writer.retryDelay(part, err, attempt, signal);
      if (delay === undefined) throw err;
      await sleep(delay, signal);
    }
  }
}
