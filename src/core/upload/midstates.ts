/**
 * Starting SHA-256 midstates of the parts of one upload, as the hash worker
 * passes each part boundary. A part may be sent only once its midstate is
 * known: `wait` is what the uploader awaits.
 */
import { cancelledError } from '../cancellation';

interface Waiter {
  resolve(ctx: number[]): void;
  reject(err: unknown): void;
}

export class Midstates {
  private readonly known = new Map<number, number[]>();
  private readonly waiters = new Map<number, Waiter[]>();
  private failure: unknown;

  constructor() {
    this.known.set(1, []); // part 1 starts from the initial state: hashCtx is empty
  }

  get(partNumber: number): number[] | undefined {
    return this.known.get(partNumber);
  }

  has(partNumber: number): boolean {
    return this.known.has(partNumber);
  }

  set(partNumber: number, hashCtx: number[]): void {
    this.known.set(partNumber, hashCtx);
    for (const w of this.waiters.get(partNumber) ?? []) w.resolve(hashCtx);
    this.waiters.delete(partNumber);
  }

  /** Hashing failed: every waiting and future `wait` rejects with `err`. */
  fail(err: unknown): void {
    this.failure = err;
    for (const list of this.waiters.values()) for (const w of list) w.reject(err);
    this.waiters.clear();
  }

  wait(partNumber: number, signal?: AbortSignal): Promise<number[]> {
    const ctx = this.known.get(partNumber);
    if (ctx) return Promise.resolve(ctx);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(cancelledError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(cancelledError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const list = this.waiters.get(partNumber) ?? [];
      list.push({
        resolve: (c) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(c);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.waiters.set(partNumber, list);
    });
  }
}
