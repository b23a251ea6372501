/**
 * The one transfer queue of a window: runs, their states, and the limit on
 * files in flight. A state machine, free of VS Code, driven by the view's
 * commands and by the executors that do the work (which call back through a
 * RunContext). The state diagram:
 *
 *   add ─► queued ─(first slot)─► running ─┬─► done
 *            │  ▲                          ├─► failed ──retry──► queued
 *            │  └──────resume──── paused ◄─┤   (pause / a reload)
 *            └──────pause────────► paused  │
 *   cancel from queued | running | paused | failed ─► cancelled (resume state discarded)
 *
 * Pause aborts the run's signal: the engine stops its part requests and keeps
 * its resume state (upload resume store, download partial files), which stay
 * the truth for bytes already done. Resume starts the executor again; it
 * skips settled files and the engine continues the interrupted ones.
 * After a reload, runs that were queued or running come back as paused.
 */
import { randomUUID } from 'node:crypto';
import { isCancellation, KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { FileSlots } from './fileSlots';
import { SettledCursor } from './settledFiles';
import type { TransferJournal } from './transferJournal';
import { ActiveFile, FailedFile, isFinished, RunDirection, TransferRun } from './transferRun';

export type FileOutcome =
  | { ok: true; bytes: number; /** No bytes moved (flash upload, identical, skipped). */ noTransfer?: boolean }
  | { ok: false; path: string; code: string; message: string };

/** What an executor gets: the run, its signal, and the callbacks that keep the row current. */
export interface RunContext {
  readonly run: Readonly<TransferRun>;
  readonly signal: AbortSignal;
  /** Retry: only these keys run; everything else is already settled. */
  readonly only?: ReadonlySet<string>;
  /** One of the window's `maxFiles` slots; call the returned function when the file is settled. */
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

export interface TransferQueueOptions {
  maxFiles: () => number;
  /** `sync` only in hosts that sync folders (the extension). */
  executors: Record<'upload' | 'download', RunExecutor> & { sync?: RunExecutor };
  /** Cancel: forget the engine's resume state / partial files of this run. */
  discard?: (run: Readonly<TransferRun>) => Promise<void>;
  journal?: TransferJournal;
  logger?: Logger;
  now?: () => number;
}

export interface RunView extends Readonly<TransferRun> {
  active: readonly ActiveFile[];
  /** Bytes of settled files plus bytes of files in flight. */
  bytesDone: number;
  /** Bytes per second over the last few seconds (0 when idle). */
  speed: number;
  /** Seconds left at the current speed, when known. */
  etaSeconds?: number;
}

interface Runtime {
  controller: AbortController;
  active: Map<string, ActiveFile>;
  cursors: Map<string, SettledCursor>;
  settled: Set<string>;
  samples: Array<{ t: number; bytes: number }>;
  /** Network bytes moved in this session (speed). */
  moved: number;
  /** The error that failed the run as a whole, as thrown (the host shows it with its actions). */
  error?: unknown;
  finished: Promise<void>;
}

const SPEED_WINDOW_MS = 5000;
const SAVE_DELAY_MS = 1000;

export class TransferQueue {
  private readonly runs = new Map<string, TransferRun>();
  private readonly runtimes = new Map<string, Runtime>();
  private readonly listeners = new Set<() => void>();
  /** Bytes the engine already holds for a run that is not running (resume store, partial files), per run id. */
  private readonly onDisk = new Map<string, number>();
  private readonly slots: FileSlots;
  private readonly logger: Logger;
  private readonly now: () => number;
  private nextSeq = 1;
  private saveTimer?: ReturnType<typeof setTimeout>;
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly o: TransferQueueOptions) {
    this.slots = new FileSlots(o.maxFiles);
    this.logger = o.logger ?? silentLogger;
    this.now = o.now ?? Date.now;
  }

  /** Loads the journal: what was queued or running when the window closed comes back paused. */
  async restore(): Promise<number> {
    const saved = (await this.o.journal?.load()) ?? [];
    let interrupted = 0;
    for (const run of saved) {
      if (this.runs.has(run.id)) continue;
      if (run.state === 'queued' || run.state === 'running') {
        run.state = 'paused';
        interrupted++;
      }
      this.runs.set(run.id, run);
      this.nextSeq = Math.max(this.nextSeq, run.seq + 1);
    }
    if (interrupted > 0) {
      this.logger.info(`${interrupted} interrupted transfer(s) restored as paused`);
      this.scheduleSave(true);
    }
    this.emit();
    return interrupted;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get filesInFlight(): number {
    return this.slots.active;
  }

  list(): RunView[] {
    return [...this.runs.values()].sort((a, b) => a.seq - b.seq).map((r) => this.view(r));
  }

  get(id: string): RunView | undefined {
    const r = this.runs.get(id);
    return r && this.view(r);
  }

  /** Adds a run at the end of the queue and starts it (its files wait for slots). */
  add(direction: RunDirection, name: string, request: unknown): RunView {
    if (this.disposed) throw new KooDriveError('Cancelled', 'The transfer queue was closed');
    const t = this.now();
    const run: TransferRun = {
      id: randomUUID(), seq: this.nextSeq++, direction, name, request, state: 'queued', createdAt: t, updatedAt: t,
      totals: {}, done: { files: 0, bytes: 0, noTransfer: 0 }, failed: [], cursor: {}, settledKeys: [],
    };
    this.runs.set(run.id, run);
    this.launch(run);
    return this.view(run);
  }

  /** Resolves when the run leaves queued/running (done, failed, paused or cancelled). */
  async settled(id: string): Promise<RunView | undefined> {
    await this.runtimes.get(id)?.finished;
    return this.get(id);
  }

  /**
   * Records the bytes the engine keeps for a run that is not running (after a
   * reload the run's counters know only its finished files): the row then
   * shows them, until the run starts again and the engine reports them itself.
   */
  noteBytesOnDisk(id: string, bytes: number): void {
    if (!this.runs.has(id)) return;
    this.onDisk.set(id, bytes);
    this.emit();
  }

  /** The error object that failed the run as a whole in this session, if any. */
  errorOf(id: string): unknown {
    return this.runtimes.get(id)?.error;
  }

  async pause(id: string): Promise<void> {
    const run = this.require(id);
    if (run.state !== 'queued' && run.state !== 'running') return;
    this.setState(run, 'paused');
    const rt = this.runtimes.get(id);
    rt?.controller.abort(new KooDriveError('Cancelled', 'Paused'));
    await rt?.finished;
  }

  async resume(id: string): Promise<void> {
    const run = this.require(id);
    if (run.state !== 'paused') return;
    await this.runtimes.get(id)?.finished;
    if (run.state !== 'paused') return;
    this.launch(run);
  }

  /** Failed files only (or the whole run when it stopped as a whole). */
  async retry(id: string): Promise<void> {
    const run = this.require(id);
    if (run.state !== 'failed') return;
    await this.runtimes.get(id)?.finished;
    if (run.error) {
      run.error = undefined;
    } else {
      const keys = new Set([...(run.only ?? []), ...run.failed.map((f) => f.key)]);
      run.only = [...keys];
      // Failed files count as settled (a resume passes them over); a retry is for them.
      run.settledKeys = run.settledKeys.filter((k) => !keys.has(k));
      run.failed = [];
    }
    this.launch(run);
  }

  async cancel(id: string): Promise<void> {
    const run = this.require(id);
    if (isFinished(run.state)) return;
    this.setState(run, 'cancelled');
    const rt = this.runtimes.get(id);
    rt?.controller.abort(new KooDriveError('Cancelled', 'Cancelled by the user'));
    await rt?.finished;
    try {
      await this.o.discard?.(run);
    } catch (e) {
      this.logger.warn(`Could not discard the resume state of ${run.name}: ${(e as Error).message}`);
    }
    this.scheduleSave(true);
  }

  async pauseAll(): Promise<void> {
    await Promise.all(this.list().filter((r) => r.state === 'queued' || r.state === 'running').map((r) => this.pause(r.id)));
  }

  async resumeAll(): Promise<void> {
    for (const r of this.list()) if (r.state === 'paused') await this.resume(r.id);
  }

  /** Forgets done and cancelled runs. */
  clearFinished(): number {
    let n = 0;
    for (const [id, run] of this.runs) {
      if (isFinished(run.state)) {
        this.runs.delete(id);
        this.runtimes.delete(id);
        n++;
      }
    }
    if (n) {
      this.scheduleSave(true);
      this.emit();
    }
    return n;
  }

  /** Stops every run without changing its recorded state (a reload shows them paused), and saves. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const waits: Array<Promise<void>> = [];
    for (const rt of this.runtimes.values()) {
      rt.controller.abort(new KooDriveError('Cancelled', 'The window is closing'));
      waits.push(rt.finished);
    }
    await Promise.all(waits);
    await this.flush();
  }

  /** Writes the journal now. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  private require(id: string): TransferRun {
    const run = this.runs.get(id);
    if (!run) throw new KooDriveError('NotFound', `No transfer ${id}`);
    return run;
  }

  private launch(run: TransferRun): void {
    this.onDisk.delete(run.id);
    this.setState(run, 'queued');
    const rt: Runtime = {
      controller: new AbortController(), active: new Map(), cursors: new Map(), settled: new Set(run.settledKeys),
      samples: [], moved: 0, finished: Promise.resolve(),
    };
    this.runtimes.set(run.id, rt);
    rt.finished = this.execute(run, rt);
  }

  private async execute(run: TransferRun, rt: Runtime): Promise<void> {
    const ctx = this.contextFor(run, rt);
    try {
      const executor = this.o.executors[run.direction];
      if (!executor) throw new KooDriveError('InvalidInput', `This host does not run ${run.direction} transfers`);
      await executor(ctx);
      if (rt.controller.signal.aborted) throw rt.controller.signal.reason;
      if (run.state === 'queued' || run.state === 'running') {
        run.only = undefined;
        this.setState(run, run.failed.length > 0 ? 'failed' : 'done');
      }
    } catch (e) {
      if (run.state === 'paused' || run.state === 'cancelled') {
        // The user's pause or cancel: the state is already set.
      } else if (isCancellation(e)) {
        // Closed under it (window closing): it comes back paused after the reload.
        if (!this.disposed) this.setState(run, 'paused');
      } else {
        const err = KooDriveError.is(e) ? e : new KooDriveError('ApiError', String((e as Error)?.message ?? e), { cause: e });
        run.error = { code: err.code, message: err.message };
        rt.error = err;
        this.logger.error(`Transfer ${run.name} failed: ${err.code} ${err.message}`);
        this.setState(run, 'failed');
      }
    } finally {
      rt.active.clear();
      this.snapshotCursors(run, rt);
      this.scheduleSave(true);
      this.emit();
    }
  }

  private contextFor(run: TransferRun, rt: Runtime): RunContext {
    const signal = rt.controller.signal;
    const changed = (): void => {
      run.updatedAt = this.now();
      this.scheduleSave(false);
      this.emit();
    };
    return {
      run,
      signal,
      only: run.only ? new Set(run.only) : undefined,
      acquireSlot: async () => {
        const release = await this.slots.acquire(run.seq, signal);
        if (run.state === 'queued') this.setState(run, 'running');
        return release;
      },
      setTotals: (totals) => {
        run.totals = { ...totals };
        changed();
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
        changed();
      },
      fileProgress: (key, bytes, phase) => {
        const f = rt.active.get(key);
        if (!f) return;
        if (phase !== 'hashing' && bytes > f.bytes) this.sample(rt, bytes - f.bytes);
        if (phase !== 'hashing') f.bytes = Math.max(f.bytes, Math.min(bytes, f.size));
        f.phase = phase;
        this.emit();
      },
      fileSettled: (key, outcome, remember) => {
        const f = rt.active.get(key);
        rt.active.delete(key);
        if (outcome.ok) {
          run.done.files++;
          run.done.bytes += outcome.bytes;
          if (outcome.noTransfer) run.done.noTransfer++;
          else if (f && outcome.bytes > f.bytes) this.sample(rt, outcome.bytes - f.bytes);
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
        changed();
      },
    };
  }

  private sample(rt: Runtime, bytes: number): void {
    rt.moved += bytes;
    const t = this.now();
    rt.samples.push({ t, bytes: rt.moved });
    while (rt.samples.length > 2 && t - rt.samples[0].t > SPEED_WINDOW_MS) rt.samples.shift();
  }

  private view(run: TransferRun): RunView {
    const rt = this.runtimes.get(run.id);
    const live = run.state === 'running' || run.state === 'queued';
    const active = live && rt ? [...rt.active.values()].map((f) => ({ ...f })) : [];
    const bytesDone = run.done.bytes + active.reduce((n, f) => n + f.bytes, 0) + (live ? 0 : this.onDisk.get(run.id) ?? 0);
    let speed = 0;
    if (live && rt && rt.samples.length >= 2) {
      const a = rt.samples[0];
      const b = rt.samples[rt.samples.length - 1];
      const dt = Math.max(b.t, this.now()) - a.t;
      if (dt >= 500 && this.now() - b.t < SPEED_WINDOW_MS) speed = ((b.bytes - a.bytes) * 1000) / dt;
    }
    const left = run.totals.bytes !== undefined ? Math.max(0, run.totals.bytes - bytesDone) : undefined;
    const etaSeconds = speed > 0 && left !== undefined ? Math.ceil(left / speed) : undefined;
    return { ...run, failed: [...run.failed], active, bytesDone, speed, etaSeconds };
  }

  private setState(run: TransferRun, state: TransferRun['state']): void {
    if (run.state === state) return;
    run.state = state;
    run.updatedAt = this.now();
    this.scheduleSave(true);
    this.emit();
  }

  private snapshotCursors(run: TransferRun, rt: Runtime): void {
    for (const [root, c] of rt.cursors) run.cursor[root] = c.state();
  }

  private scheduleSave(soon: boolean): void {
    if (!this.o.journal) return;
    if (soon) {
      if (this.saveTimer) clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      void this.save();
      return;
    }
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  private save(): Promise<void> {
    const journal = this.o.journal;
    if (!journal) return Promise.resolve();
    this.saving = this.saving.then(async () => {
      for (const run of this.runs.values()) {
        const rt = this.runtimes.get(run.id);
        if (rt) this.snapshotCursors(run, rt);
      }
      try {
        await journal.save([...this.runs.values()]);
      } catch (e) {
        this.logger.warn(`Could not save the transfer list: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }

  private emit(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // A listener's failure must not stop a transfer.
      }
    }
  }
}

export type { FailedFile };
