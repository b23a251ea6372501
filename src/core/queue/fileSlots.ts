/**
 * The one limit on files in flight for a whole window (or CLI process):
 * `koodrive.transfers.maxFiles`. Waiters are served by run order first, then
 * by arrival, so a run that started later queues behind the ones already
 * running instead of competing with them for every freed slot.
 */
import { cancelledError } from '../cancellation';

interface Waiter {
  runSeq: number;
  arrival: number;
  grant(release: () => void): void;
}

export class FileSlots {
  private inUse = 0;
  private arrivals = 0;
  private readonly waiters: Waiter[] = [];

  /** `limit` is read on every grant, so a changed setting applies at once. */
  constructor(private readonly limit: () => number) {}

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free for `runSeq`; rejects with `Cancelled` if `signal` fires first. */
  acquire(runSeq: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        runSeq,
        arrival: this.arrivals++,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(cancelledError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(waiter);
      this.pump();
    });
  }

  private insert(w: Waiter): void {
    let i = this.waiters.length;
    while (i > 0 && this.waiters[i - 1].runSeq > w.runSeq) i--;
    this.waiters.splice(i, 0, w);
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.inUse < Math.max(1, this.limit())) {
      const w = this.waiters.shift()!;
      this.inUse++;
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        this.inUse--;
        this.pump();
      });
    }
  }
}
