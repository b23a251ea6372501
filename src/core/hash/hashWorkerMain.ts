/**
 * The body of a hash worker: serves HashWorkerRequests arriving on `port`
 * (the worker's parentPort) with hashFileWithPartStates. Kept out of
 * src/workers so the entry point stays a two-line shim.
 */
import { hashFileWithPartStates } from './fileHasher';
import { serializeError, type HashWorkerRequest, type HashWorkerResponse } from './hashProtocol';

/** The part of worker_threads' MessagePort used here. */
export interface HashWorkerPort {
  on(event: 'message', listener: (message: HashWorkerRequest) => void): unknown;
  postMessage(message: HashWorkerResponse): void;
}

export function serveHashRequests(port: HashWorkerPort): void {
  /** Running jobs by id; the value is set to true on cancel. */
  const cancelled = new Map<number, boolean>();

  port.on('message', (msg) => {
    if (msg.type === 'cancel') {
      if (cancelled.has(msg.id)) cancelled.set(msg.id, true);
      return;
    }
    if (msg.type !== 'hashFile') return;
    const { id } = msg;
    cancelled.set(id, false);
    hashFileWithPartStates(msg, {
      isCancelled: () => cancelled.get(id) === true,
      onPartState: (partIndex, offset, hashCtx) => port.postMessage({ type: 'partState', id, partIndex, offset, hashCtx }),
      onProgress: (bytesHashed) => port.postMessage({ type: 'progress', id, bytesHashed }),
    }).then(
      (r) => port.postMessage({ type: 'done', id, sha256: r.sha256, preHash: r.preHash, length: r.length }),
      (err: unknown) => port.postMessage({ type: 'error', id, error: serializeError(err) }),
    )
      .catch(() => undefined) // the port is gone: nobody is left to tell
      .finally(() => cancelled.delete(id));
  });
}
