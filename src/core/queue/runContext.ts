/**
 * The contract between the queue and the executors that do a run's work
 * (uploadRun.ts, downloadSelection.ts, the extension's executors): the run,
 * its signal, a slot per file in flight, and the callbacks that keep the
 * run's counters, failures and settled files current.
 */
import { SettledCursor } from './settledFiles';
import type { FileSlots } from './fileSlots';
import { countMoved, RunRuntime } from './runRuntime';
import type { TransferRun } from './transferRun';

export type FileOutcome =
  | { ok: true; bytes: number; /** No bytes moved (flash upload, identical, skipped). */ noTransfer?: boolean }
  | { ok: false; path: string; code: string; message: string };

/** What an executor gets: the run, its signal, and the callbacks that keep the row current. */
export interface RunContext {
  readonly run: Readonly<TransferRun>;
  readonly signal: AbortSignal;
  /**
   * Not the run's first start (Resume, Retry, after a crash): files it
   * finished may not be recorded as settled, so the engine recognises an
   * identical file of the name at the target instead of uploading a copy.
   */
  readonly again: boolean;
  /** Retry: only these keys run; everything else is already settled. */
  readonly only?: ReadonlySet<string>;
  /** One of the queue's `maxFiles` slots; call the returned function when the file is settled. */
  acquireSlot(): Promise<() => void>;
  setTotals(totals: { files?: number; bytes?: number }): void;
  /** The settled-files cursor of a folder (created on first use, persisted with the run). */
  cursor(root: string): SettledCursor;
  /** Settled keys outside folders (loose files, downloads). */
  isSettled(key: string): boolean;
  fileStarted(key: string, path: string, size: number): void;
  fileProgress(key: string, bytes: number, phase?: string): void;
  /**
   * `remember`: the key to keep in `settledKeys` so a resumed run skips it
   * (a loose file's path, a download's fileId); folder files are remembered by their cursor instead.
   */
  fileSettled(key: string, outcome: FileOutcome, remember?: string): void;
}

export type RunExecutor = (ctx: RunContext) => Promise<void>;

/** What the queue lends a run's context. */
export interface RunContextHost {
  slots: FileSlots;
  /** The first file that gets a slot makes a queued run running. */
  markRunning(run: TransferRun): void;
  /** Counters changed: save soon, show it. */
  changed(run: TransferRun): void;
  /** Progress only: show it. */
  emit(): void;
}

export function createRunContext(run: TransferRun, rt: RunRuntime, host: RunContextHost): RunContext {
  const signal = rt.controller.signal;
  return {
    run,
    signal,
    again: (run.starts ?? 1) > 1,
    only: run.only ? new Set(run.only) : undefined,
    acquireSlot: async () => {
      const release = await host.slots.acquire(run.seq, signal);
      host.markRunning(run);
      return release;
    },
    setTotals: (totals) => {
      run.totals = { ...totals };
      host.changed(run);
    },
    cursor: (root) => {
      let c = rt.cursors.get(root);
      if (!c) {
        c = new SettledCursor(run.cursor[root]);
        rt.cursors.set(root, c);
      }
      return c;
    },
    isSettled: (key) => rt.settled.has(key),
    fileStarted: (key, path, size) => {
      rt.active.set(key, { key, path, size, bytes: 0 });
      host.changed(run);
    },
    fileProgress: (key, bytes, phase) => {
      const f = rt.active.get(key);
      if (!f) return;
      if (phase !== 'hashing' && bytes > f.bytes) countMoved(rt, bytes - f.bytes);
      if (phase !== 'hashing') f.bytes = Math.max(f.bytes, Math.min(bytes, f.size));
      f.phase = phase;
      host.emit();
    },
    fileSettled: (key, outcome, remember) => {
      const f = rt.active.get(key);
      rt.active.delete(key);
      if (outcome.ok) {
        run.done.files++;
        run.done.bytes += outcome.bytes;
        if (outcome.noTransfer) run.done.noTransfer++;
        else if (f && outcome.bytes > f.bytes) countMoved(rt, outcome.bytes - f.bytes);
      } else {
        const failedKey = remember ?? key;
        run.failed = run.failed.filter((x) => x.key !== failedKey);
        run.failed.push({ key: failedKey, path: outcome.path, code: outcome.code, message: outcome.message });
      }
      if (run.only) run.only = run.only.filter((k) => k !== (remember ?? key));
      if (remember !== undefined && !rt.settled.has(remember)) {
        rt.settled.add(remember);
        run.settledKeys.push(remember);
      }
      host.changed(run);
    },
  };
}
