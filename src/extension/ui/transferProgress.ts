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

export type FileFinish = 'done' | 'flash' | 'skipped' | 'failed';

interface FileState {
  size: number;
  phase?: ProgressEvent['phase'];
  hashed: number;
  /** Bytes sent or received. */
  moved: number;
  finished?: FileFinish;
}

export interface TransferSnapshot {
  message: string;
  /** Undefined while the total is unknown. */
  percent?: number;
}

export class TransferTracker {
  private readonly files = new Map<string, FileState>();
  private current?: string;
  private totalFiles?: number;
  private totalBytes?: number;
  private readonly speed: SpeedSampler;

  constructor(
    private readonly direction: 'upload' | 'download',
    totals: { files?: number; bytes?: number } = {},
    now: () => number = Date.now,
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
    f.size = size;
    this.current = subject;
  }

  onProgress(ev: ProgressEvent): void {
    const f = this.file(ev.subject, ev.bytesTotal);
    f.size = ev.bytesTotal;
    f.phase = ev.phase;
    if (ev.phase === 'hashing') f.hashed = ev.bytesDone;
    else if (ev.phase === 'uploading' || ev.phase === 'downloading') f.moved = ev.bytesDone;
    else f.moved = f.size;
    if (!f.finished) this.current = ev.subject;
    if (this.direction === 'download' && ev.phase === 'downloading' && ev.bytesDone >= ev.bytesTotal && !f.finished) f.finished = 'done';
    this.sample();
  }

  fileFinished(subject: string, how: FileFinish, size?: number): void {
    const f = this.file(subject, size ?? 0);
    if (size !== undefined) f.size = size;
    f.finished = how;
    if (this.current === subject) this.current = this.latestUnfinished();
    this.sample();
  }

  get counts(): { done: number; flash: number; failed: number; skipped: number } {
    let done = 0, flash = 0, failed = 0, skipped = 0;
    for (const f of this.files.values()) {
      if (f.finished === 'done') done++;
      else if (f.finished === 'flash') flash++;
      else if (f.finished === 'failed') failed++;
      else if (f.finished === 'skipped') skipped++;
    }
    return { done, flash, failed, skipped };
  }

  snapshot(): TransferSnapshot {
    let bytesDone = 0;
    let finishedFiles = 0;
    for (const f of this.files.values()) {
      if (f.finished) {
        finishedFiles++;
        bytesDone += f.size;
      } else {
        bytesDone += f.moved;
      }
    }
    const parts: string[] = [];
    const cur = this.current ? this.files.get(this.current) : undefined;
    if (this.current && cur && !cur.finished) parts.push(this.verb(path.basename(this.current), cur));
    const pct = this.totalBytes !== undefined && this.totalBytes > 0 ? percent(bytesDone, this.totalBytes)
      : this.totalBytes === 0 && this.totalFiles !== undefined ? percent(finishedFiles, this.totalFiles) : undefined;
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      parts.push(l10n.t('{0} of {1} ({2}%)', formatBytes(Math.min(bytesDone, this.totalBytes)), formatBytes(this.totalBytes), pct ?? 0));
    } else if (bytesDone > 0) {
      parts.push(formatBytes(bytesDone));
    }
    if (this.totalFiles !== undefined && this.totalFiles > 1) parts.push(l10n.t('{0} of {1} files', finishedFiles, this.totalFiles));
    else if (this.totalFiles === undefined && finishedFiles > 0) parts.push(l10n.t('{0} files done', finishedFiles));
    const speed = this.speed.speed();
    if (speed > 0) parts.push(formatSpeed(speed));
    const { flash } = this.counts;
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

  private file(subject: string, size: number): FileState {
    let f = this.files.get(subject);
    if (!f) {
      f = { size, hashed: 0, moved: 0 };
      this.files.set(subject, f);
    }
    return f;
  }

  private latestUnfinished(): string | undefined {
    let last: string | undefined;
    for (const [k, f] of this.files) if (!f.finished) last = k;
    return last;
  }

  /** Network bytes only: flash uploads and skipped files moved nothing. */
  private movedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) {
      if (f.finished === 'flash' || f.finished === 'skipped') continue;
      n += f.finished === 'done' ? f.size : f.moved;
    }
    return n;
  }

  private sample(): void {
    this.speed.record(this.movedBytes());
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
