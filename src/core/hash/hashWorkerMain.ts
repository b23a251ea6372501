/**
 * The body of a hash worker: serves HashWorkerRequests arriving on `port`
 * (the worker's parentPort) with hashFileWithPartStates. Kept out of
 * src/workers so the entry point stays a two-line shim.
 */
import { hashFileWithPartStates, type FileHasherOptions } from './hashFileWithPartStates';
import { selectHashImpl, type HashImplPreference } from './hashImpl';
import { serializeError, type HashWorkerRequest, type HashWorkerResponse, type SerializedError } from './hashProtocol';

/** The part of worker_threads' MessagePort used here. */
export interface HashWorkerPort {
  on(event: 'message', listener: (message: HashWorkerRequest) => void): unknown;
  postMessage(message: HashWorkerResponse): void;
}

export interface ServeOptions {
  implementation: HashImplPreference;
  nativePath: string;
}

export function serveHashRequests(port: HashWorkerPort, options: ServeOptions): void {
  /** Running jobs by id; the value is set to true on cancel. */
  const cancelled = new Map<number, boolean>();

  // Chosen once per worker: loading the addon and its self-test cost a few ms.
  let engine: FileHasherOptions['engine'];
  let selectionError: SerializedError | undefined;
  try {
    const choice = selectHashImpl(options.implementation, options.nativePath);
    engine = { engine: choice.impl, native: choice.native };
    port.postMessage({ type: 'impl', id: 0, impl: choice.impl, reason: choice.reason, degraded: choice.degraded });
  } catch (err) {
    selectionError = serializeError(err);
    port.postMessage({ type: 'impl', id: 0, reason: selectionError.message, degraded: true, error: selectionError });
  }

  port.on('message', (msg) => {
    if (msg.type === 'cancel') {
      if (cancelled.has(msg.id)) cancelled.set(msg.id, true);
      return;
    }
    if (msg.type !== 'hashFile') return;
    const { id } = msg;
    if (selectionError) {
      port.postMessage({ type: 'error', id, error: selectionError });
      return;
    }
    cancelled.set(id, false);
    hashFileWithPartStates(msg, {
      isCancelled: () => cancelled.get(id) === true,
      onPartState: (partIndex, offset, hashCtx) => port.postMessage({ type: 'partState', id, partIndex, offset, hashCtx }),
      onProgress: (bytesHashed) => port.postMessage({ type: 'progress', id, bytesHashed }),
    }, { engine }).then(
      (r) => port.postMessage({ type: 'done', id, sha256: r.sha256, preHash: r.preHash, length: r.length, impl: r.impl }),
      (err: unknown) => port.postMessage({ type: 'error', id, error: serializeError(err) }),
    )
      .catch(() => undefined) // the port is gone: nobody is left to tell
      .finally(() => cancelled.delete(id));
  });
}
