/**
 * The transfer queue of an extension host (a VS Code window): runs, their
 * states, and the limit on files in flight. Its list is persisted through
 * the journal the host passes in (the extension's is in its global storage,
 * shared by every window: see docs/transfers.md). A state machine, free of VS Code, driven by the view's
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
import { JournalSaver } from './journalSaver';
import { createRunContext, RunExecutor } from './runContext';
import { newRuntime, RunRuntime, snapshotCursors } from './runRuntime';
import { RunView, viewOf } from './runView';
import type { TransferJournal } from './transferJournal';
import { isFinished, RunDirection, TransferRun } from './transferRun';

export interface TransferQueueOptions {
  maxFiles: () => number;
  executors: Record<RunDirection, RunExecutor>;
  /** Cancel: forget the engine's resume state / partial files of this run. */
  discard?: (run: Readonly<TransferRun>) => Promise<void>;
  journal?: TransferJournal;
  logger?: Logger;
  now?: () => number;
}

export class TransferQueue {
  private readonly runs = new Map<string, TransferRun>();
  private readonly runtimes = new Map<string, RunRuntime>();
  private readonly listeners = new Set<() => void>();
  /** Bytes the engine already holds for a run that is not running (resume store, partial files), per run id. */
  private readonly onDisk = new Map<string, number>();
  private readonly slots: FileSlots;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly saver: JournalSaver;
  private nextSeq = 1;
  private disposed = false;

  constructor(private readonly o: TransferQueueOptions) {
    this.slots = new FileSlots(o.maxFiles);
    this.logger = o.logger ?? silentLogger;
    this.now = o.now ?? Date.now;
    this.saver = new JournalSaver(o.journal, () => this.runsToSave(), this.logger);
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
  flush(): Promise<void> {
    return this.saver.flush();
  }

  private require(id: string): TransferRun {
    const run = this.runs.get(id);
    if (!run) throw new KooDriveError('NotFound', `No transfer ${id}`);
    return run;
  }

  private launch(run: TransferRun): void {
    this.onDisk.delete(run.id);
    this.setState(run, 'queued');
    const rt = newRuntime(run, this.now);
    this.runtimes.set(run.id, rt);
    rt.finished = this.execute(run, rt);
  }

  private async execute(run: TransferRun, rt: RunRuntime): Promise<void> {
    const ctx = createRunContext(run, rt, {
      slots: this.slots,
      markRunning: (r) => {
        if (r.state === 'queued') this.setState(r, 'running');
      },
      changed: (r) => {
        r.updatedAt = this.now();
        this.scheduleSave(false);
        this.emit();
      },
      emit: () => this.emit(),
    });
    try {
      await this.o.executors[run.direction](ctx);
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
      snapshotCursors(run, rt);
      this.scheduleSave(true);
      this.emit();
    }
  }

  private view(run: TransferRun): RunView {
    return viewOf(run, this.runtimes.get(run.id), this.onDisk.get(run.id));
  }

  private setState(run: TransferRun, state: TransferRun['state']): void {
    if (run.state === state) return;
    run.state = state;
    run.updatedAt = this.now();
    this.scheduleSave(true);
    this.emit();
  }

  private scheduleSave(soon: boolean): void {
    this.saver.schedule(soon);
  }

  /** Every run, with the cursors of the running ones brought up to date. */
  private runsToSave(): TransferRun[] {
    for (const run of this.runs.values()) {
      const rt = this.runtimes.get(run.id);
      if (rt) snapshotCursors(run, rt);
    }
    return [...this.runs.values()];
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

