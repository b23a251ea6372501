import { KooDriveError } from './errors';

/** Throws our `Cancelled` error if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(signal);
}

export function cancelledError(signal?: AbortSignal): KooDriveError {
  const reason = signal?.reason;
  if (KooDriveError.is(reason)) return reason;
  return new KooDriveError('Cancelled', 'Cancelled', { cause: reason });
}

/** Sleeps, but wakes early (rejecting with `Cancelled`) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A child controller that aborts when the parent does. Used to fail fast:
 * aborting the child (e.g. one file's parts) never aborts the parent.
 */
export function linkedAbortController(parent?: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  if (!parent) return { controller, dispose: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}
