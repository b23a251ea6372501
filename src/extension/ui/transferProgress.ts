/**
 * Turns the core's byte-level ProgressEvents into what the notification
 * shows: verb and current file ("Hashing…" vs "Uploading…"), bytes and
 * percentage, files done/total, speed (core/speedSampler.ts, the same as
 * the Transfers view's), flash-upload hits. Reports are
 * throttled (~250 ms): VS Code drops very frequent increments.
 * Plain TypeScript; unit-tested with a fake clock.
 */
import * as path from 'node:path';
import type { ProgressEvent } from '../../core/progress';
import { SpeedSampler } from '../../core/speedSampler';
import { l10n } from '../l10n';
import { formatBytes, formatSpeed, percent } from './format';
import type { ProgressReport } from './progress';

/** Events closer together than this add no speed sample. */
const SAMPLE_EVERY_MS = 100;

export type FileFinish = 'done' | 'flash' | 'skipped' | 'failed';

interface FileState {
  size: number;
  phase?: ProgressEvent['phase'];
  hashed: number;
  /** Bytes sent or received. */
  moved: number;
}

export interface TransferSnapshot {
  message: string;
  /** Undefined while the total is unknown. */
  percent?: number;
}

/**
 * State bounded by the files in flight: an entry per file being transferred
 * and per failed file; the settled ones are only counted (files and bytes).
 * Every event costs O(1) (a finish: O(files in flight)), so a run of 100 000
 * files neither grows this nor slows each event down.
 */
export class TransferTracker {
  /** Files in flight, in the order they started. */
  private readonly inFlight = new Map<string, FileState>();
  /** Failed files: subject → size. */
  private readonly failedFiles = new Map<string, number>();
  /** Downloads whose last byte arrived (counted done) but not yet reported settled. */
  private readonly doneEarly = new Map<string, number>();
  private readonly finished = { done: 0, flash: 0, failed: 0, skipped: 0 };
  /** Sizes of the settled files. */
  private finishedBytes = 0;
  /** Bytes the settled files moved over the network (flash and skipped moved none). */
  private finishedMoved = 0;
  /** Sum of `moved` over the files in flight. */
  private inFlightMoved = 0;
  private current?: string;
  private totalFiles?: number;
  private totalBytes?: number;
  private readonly speed: SpeedSampler;
  private lastSampleAt = -Infinity;

  constructor(
    private readonly direction: 'upload' | 'download',
    totals: { files?: number; bytes?: number } = {},
    private readonly now: () => number = Date.now,
  ) {
    this.speed = new SpeedSampler(now);
    this.totalFiles = totals.files;
    this.totalBytes = totals.bytes;
  }

  setTotals(totals: { files?: number; bytes?: number }): void {
    this.totalFiles = totals.files;
    this.totalBytes = totals.bytes;
  }

  fileStarted(subject: string, size: number): void {
    const f = this.file(subject, size);
    if (!f) return;
    f.size = size;
    this.current = subject;
  }

  onProgress(ev: ProgressEvent): void {
    const f = this.file(ev.subject, ev.bytesTotal);
    if (!f) return; // already counted done (a download verifying its last byte)
    f.size = ev.bytesTotal;
    f.phase = ev.phase;
    const before = f.moved;
    if (ev.phase === 'hashing') f.hashed = ev.bytesDone;
    else if (ev.phase === 'uploading' || ev.phase === 'downloading') f.moved = ev.bytesDone;
    else f.moved = f.size;
    this.inFlightMoved += f.moved - before;
    this.current = ev.subject;
    if (this.direction === 'download' && ev.phase === 'downloading' && ev.bytesDone >= ev.bytesTotal) {
      this.settle(ev.subject, f, 'done');
      this.doneEarly.set(ev.subject, f.size);
    }
    this.sample();
  }

  fileFinished(subject: string, how: FileFinish, size?: number): void {
    const early = this.doneEarly.get(subject);
    if (early !== undefined) {
      // Counted done when its last byte arrived: only a different outcome changes the counts.
      this.doneEarly.delete(subject);
      if (how !== 'done') {
        this.finished.done--;
        this.finishedBytes -= early;
        this.finishedMoved -= early;
        this.count(subject, how, size ?? early, how === 'failed' ? early : 0);
      }
    } else {
      const f = this.file(subject, size ?? 0);
      if (f) {
        if (size !== undefined) f.size = size;
        this.settle(subject, f, how);
      }
    }
    this.sample();
  }

  get counts(): { done: number; flash: number; failed: number; skipped: number } {
    return { ...this.finished };
  }

  /** What the tracker keeps per file: the files in flight (in start order) and the failed ones. */
  held(): { inFlight: string[]; failed: string[]; entries: number } {
    return {
      inFlight: [...this.inFlight.keys()], failed: [...this.failedFiles.keys()],
      entries: this.inFlight.size + this.failedFiles.size + this.doneEarly.size,
    };
  }

  snapshot(): TransferSnapshot {
    const bytesDone = this.finishedBytes + this.inFlightMoved;
    const { done, flash, failed, skipped } = this.finished;
    const finishedFiles = done + flash + failed + skipped;
    const parts: string[] = [];
    const cur = this.current ? this.inFlight.get(this.current) : undefined;
    if (this.current && cur) parts.push(this.verb(path.basename(this.current), cur));
    const pct = this.totalBytes !== undefined && this.totalBytes > 0 ? percent(bytesDone, this.totalBytes)
      : this.totalBytes === 0 && this.totalFiles !== undefined ? percent(finishedFiles, this.totalFiles) : undefined;
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      parts.push(l10n.t('{0} of {1} ({2}%)', formatBytes(Math.min(bytesDone, this.totalBytes)), formatBytes(this.totalBytes), pct ?? 0));
    } else if (bytesDone > 0) {
      parts.push(formatBytes(bytesDone));
    }
    if (this.totalFiles !== undefined && this.totalFiles > 1) parts.push(l10n.t('{0} of {1} files', finishedFiles, this.totalFiles));
    else if (this.totalFiles === undefined && finishedFiles > 0) parts.push(l10n.t('{0} files done', finishedFiles));
    this.sample(true);
    const speed = this.speed.speed();
    if (speed > 0) parts.push(formatSpeed(speed));
    if (flash > 0) parts.push(l10n.t('{0} by flash upload', flash));
    return { message: parts.join(' · '), percent: pct };
  }

  private verb(name: string, f: FileState): string {
    if (f.phase === 'hashing' && f.moved === 0) {
      return f.size > 0 ? l10n.t('Hashing {0} ({1}%)', name, percent(f.hashed, f.size)) : l10n.t('Hashing {0}', name);
    }
    if (f.phase === 'completing' || f.phase === 'verifying') return l10n.t('Finishing {0}', name);
    return this.direction === 'upload' ? l10n.t('Uploading {0}', name) : l10n.t('Downloading {0}', name);
  }

  /** The in-flight entry (a failed file started again leaves the failed ones); undefined for a download already counted done. */
  private file(subject: string, size: number): FileState | undefined {
    let f = this.inFlight.get(subject);
    if (f) return f;
    if (this.doneEarly.has(subject)) return undefined;
    const failedSize = this.failedFiles.get(subject);
    if (failedSize !== undefined) {
      this.failedFiles.delete(subject);
      this.finished.failed--;
      this.finishedBytes -= failedSize;
    }
    f = { size, hashed: 0, moved: 0 };
    this.inFlight.set(subject, f);
    return f;
  }

  /** Out of flight, into the counts. */
  private settle(subject: string, f: FileState, how: FileFinish): void {
    this.inFlight.delete(subject);
    this.inFlightMoved -= f.moved;
    this.count(subject, how, f.size, how === 'done' ? f.size : how === 'failed' ? f.moved : 0);
    if (this.current === subject) this.current = this.latestUnfinished();
  }

  private count(subject: string, how: FileFinish, size: number, moved: number): void {
    this.finished[how]++;
    this.finishedBytes += size;
    this.finishedMoved += moved;
    if (how === 'failed') this.failedFiles.set(subject, size);
  }

  /** The file in flight that started last. */
  private latestUnfinished(): string | undefined {
    let last: string | undefined;
    for (const k of this.inFlight.keys()) last = k;
    return last;
  }

  /**
   * Network bytes only: flash uploads and skipped files moved nothing. At most
   * one sample per SAMPLE_EVERY_MS from events (thousands of small files a
   * second would fill the sampler's window), and one whenever a snapshot is taken.
   */
  private sample(force = false): void {
    const t = this.now();
    if (!force && t - this.lastSampleAt < SAMPLE_EVERY_MS) return;
    this.lastSampleAt = t;
    this.speed.record(this.finishedMoved + this.inFlightMoved);
  }
}

/**
 * Reports the tracker's snapshot at most every `intervalMs`, converting the
 * percentage into VS Code's increments; `flush()` delivers the last state.
 */
export class ThrottledProgress {
  private last = -Infinity;
  private reported = 0;
  private dirty = false;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly tracker: TransferTracker,
    private readonly report: (r: ProgressReport) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a core progress event, then reports (throttled): pass it as a transfer's `onProgress`. */
  readonly onProgress = (ev: Parameters<TransferTracker['onProgress']>[0]): void => {
    this.tracker.onProgress(ev);
    this.update();
  };

  update(): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs) {
      this.emit(t);
      return;
    }
    this.dirty = true;
    // Trailing report, so the last state shows even when events stop.
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, Math.max(0, this.intervalMs - (t - this.last)));
      this.timer.unref?.();
    }
  }

  /** Reports the pending state now, and stops the trailing timer. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.emit(this.now());
  }

  private emit(t: number): void {
    this.last = t;
    this.dirty = false;
    const s = this.tracker.snapshot();
    const r: ProgressReport = { message: s.message };
    if (s.percent !== undefined && s.percent > this.reported) {
      r.increment = s.percent - this.reported;
      this.reported = s.percent;
    }
    this.report(r);
  }
}
