/**
 * A small pool of hash workers (worker_threads) so hashing never blocks the
 * host's event loop. One request per worker at a time; more requests queue.
 * Workers start lazily, are unref'd while idle (a CLI can exit), and a worker
 * that dies fails only its own request and is replaced on demand.
 *
 * The host injects `workerPath`: the extension and CLI pass
 * `path.join(__dirname, 'hashWorker.js')` (the esbuild entry next to their
 * bundle); tests pass `path.resolve('dist/hashWorker.js')`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { cancelledError } from '../cancellation';
import { KooDriveError } from '../errors';
import type { Logger } from '../logger';
import { validateFileHashJob } from './hashFileWithPartStates';
import { hashImplPreference, type HashImpl, type HashImplPreference } from './hashImpl';
import { deserializeError, type HashFileRequest, type HashWorkerData, type HashWorkerResponse, type ImplMessage } from './hashProtocol';

export interface HashFileOptions {
  /** Start offsets of the parts (strictly increasing multiples of 64, each ≤ length), usually beginning with 0. */
  partOffsets: number[];
  /** Expected file size; a different size, or a change while hashing, fails with 'SourceChanged'. */
  length: number;
  /** Expected fs.Stats.mtimeMs, if known (a difference is 'SourceChanged'). */
  mtimeMs?: number;
  /** Aborting rejects with KooDriveError 'Cancelled' and stops the worker's job. */
  signal?: AbortSignal;
  /**
   * Called once per entry of partOffsets, in order, as soon as the hasher has
   * absorbed `offset` bytes. `hashCtx` is `[]` for offset 0, else H0..H7.
   * A throw cancels the job and rejects hashFile with the thrown error.
   */
  onPartState?(partIndex: number, offset: number, hashCtx: number[]): void;
  /** Bytes hashed so far, at most every 8 MiB, and once at the end. */
  onProgress?(bytesHashed: number): void;
}

export interface HashFileResult {
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
  /** Lowercase hex SHA-256 of the first min(1024, length) bytes. */
  preHash: string;
  length: number;
  /** The SHA-256 implementation the worker used ('native', 'wasm' or 'js'). */
  impl: HashImpl;
}

export interface HashPoolOptions {
  /** Absolute path of the bundled worker (dist/hashWorker.js). */
  workerPath: string;
  /** Number of workers; default min(os.availableParallelism(), 4). */
  size?: number;
  /** Default: KOODRIVE_HASH_IMPL, else 'auto' (hashImpl.ts). */
  implementation?: HashImplPreference;
  /** The native addon; default dist/native/sha256-<platform>-<arch>.node next to the worker. */
  nativePath?: string;
  /** Gets one line saying which SHA-256 implementation the workers use, and why. */
  logger?: Logger;
}

/** What the first worker reported about its SHA-256 implementation. */
export interface HashImplReport {
  impl?: HashImpl;
  reason: string;
  degraded: boolean;
}

interface Job {
  readonly request: HashFileRequest;
  readonly opts: HashFileOptions;
  settled: boolean;
  resolve(result: HashFileResult): void;
  reject(err: unknown): void;
}

interface Slot {
  readonly worker: Worker;
  job?: Job;
  /** The uncaught error reported before an 'exit', if any. */
  crash?: unknown;
}

export function defaultHashPoolSize(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export class HashPool {
  readonly size: number;
  private readonly workerPath: string;
  private readonly workerData: HashWorkerData;
  private readonly logger?: Logger;
  private implReport?: HashImplReport;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: HashPoolOptions) {
    this.workerPath = opts.workerPath;
    this.workerData = {
      implementation: opts.implementation ?? hashImplPreference(process.env),
      ...(opts.nativePath === undefined ? {} : { nativePath: opts.nativePath }),
    };
    this.logger = opts.logger;
    const size = opts.size ?? defaultHashPoolSize();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`HashPool size must be a positive integer, got ${size}`);
    this.size = size;
  }

  hashFile(path: string, opts: HashFileOptions): Promise<HashFileResult> {
    const { signal } = opts;
    const request: HashFileRequest = {
      type: 'hashFile',
      id: this.nextId++,
      path,
      length: opts.length,
      partOffsets: opts.partOffsets,
      ...(opts.mtimeMs === undefined ? {} : { mtimeMs: opts.mtimeMs }),
    };
    try {
      if (this.closed) throw poolClosedError();
      if (signal?.aborted) throw cancelledError(signal);
      validateFileHashJob(request);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<HashFileResult>((resolve, reject) => {
      const onAbort = (): void => this.abort(job);
      const detach = (): void => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        request,
        opts,
        settled: false,
        resolve: (r) => {
          detach();
          resolve(r);
        },
        reject: (e) => {
          detach();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** What the first started worker said about its SHA-256 implementation (undefined before any worker ran). */
  get implementation(): HashImplReport | undefined {
    return this.implReport;
  }

  /** Terminates all workers; queued and running requests reject with 'Cancelled'. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) settle(job, poolClosedError());
    const slots = [...this.slots];
    for (const slot of slots) if (slot.job) settle(slot.job, poolClosedError());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private abort(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    else this.cancelRunning(job);
    settle(job, cancelledError(job.opts.signal));
  }

  /** Asks the worker to stop; its slot stays busy until the worker answers. */
  private cancelRunning(job: Job): void {
    for (const slot of this.slots) {
      if (slot.job === job) slot.worker.postMessage({ type: 'cancel', id: job.request.id });
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot: Slot | undefined;
      for (const s of this.slots) {
        if (!s.job) {
          slot = s;
          break;
        }
      }
      if (!slot && this.slots.size < this.size) {
        try {
          slot = this.spawn();
        } catch (err) {
          const job = this.queue.shift();
          if (job) settle(job, workerError(`Cannot start the hash worker ${this.workerPath}`, err, job.request.path));
          continue;
        }
      }
      if (!slot) return;
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerPath, { workerData: this.workerData });
    const slot: Slot = { worker };
    worker.on('message', (msg: HashWorkerResponse) => this.onMessage(slot, msg));
    worker.on('error', (err) => {
      slot.crash = err;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    worker.unref();
    this.slots.add(slot);
    return slot;
  }

  private onMessage(slot: Slot, msg: HashWorkerResponse): void {
    if (msg.type === 'impl') return this.onImpl(msg);
    const job = slot.job;
    if (!job || msg.id !== job.request.id) return;
    switch (msg.type) {
      case 'partState':
        this.callHook(slot, job, () => job.opts.onPartState?.(msg.partIndex, msg.offset, msg.hashCtx));
        return;
      case 'progress':
        this.callHook(slot, job, () => job.opts.onProgress?.(msg.bytesHashed));
        return;
      case 'done':
      case 'error':
        slot.job = undefined;
        slot.worker.unref();
        if (msg.type === 'done') settle(job, undefined, { sha256: msg.sha256, preHash: msg.preHash, length: msg.length, impl: msg.impl });
        else settle(job, deserializeError(msg.error));
        this.pump();
        return;
    }
  }

  /** Every worker makes the same choice: the first one's is logged, once per pool. */
  private onImpl(msg: ImplMessage): void {
    if (this.implReport) return;
    this.implReport = { impl: msg.impl, reason: msg.reason, degraded: msg.degraded };
    if (msg.error) this.logger?.warn(`SHA-256: ${msg.reason}`);
    else if (msg.degraded) this.logger?.warn(`SHA-256: ${msg.impl} (${msg.reason})`);
    else this.logger?.info(`SHA-256: ${msg.impl} (${msg.reason})`);
  }

  /** Runs a caller's callback; a throw cancels the job and becomes its rejection. */
  private callHook(slot: Slot, job: Job, hook: () => void): void {
    if (job.settled) return;
    try {
      hook();
    } catch (err) {
      slot.worker.postMessage({ type: 'cancel', id: job.request.id });
      settle(job, err);
    }
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      settle(
        job,
        this.closed
          ? poolClosedError()
          : workerError(`The hash worker stopped unexpectedly (exit code ${code}) while hashing ${job.request.path}`, slot.crash, job.request.path),
      );
    }
    this.pump();
  }
}

function settle(job: Job, err: unknown, result?: HashFileResult): void {
  if (job.settled) return;
  job.settled = true;
  if (result) job.resolve(result);
  else job.reject(err);
}

function poolClosedError(): KooDriveError {
  return new KooDriveError('Cancelled', 'The hash pool was closed');
}

/** A worker that could not start or died: the file is fine, so a retry may help. */
function workerError(message: string, cause: unknown, subject: string): KooDriveError {
  const why = (cause as Error | undefined)?.message;
  return new KooDriveError('LocalIo', why ? `${message}: ${why}` : message, { cause, retryable: true, subject });
}
