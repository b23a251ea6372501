/**
 * When a batch job's work happens. The real service runs copy/move/restore
 * jobs in the background and clients poll `GET /v1/{job_id}` (digest §2.12:
 * status 0 pending, 1 running, 2 done). With `runMs` = 0 (the default) the
 * sandbox does the work inside the POST, so the first poll sees the result;
 * with `runMs` > 0 a job stays "running" (status 1, progress growing with
 * the elapsed time) for that long and only then does its work, so a client's
 * polling loop, its progress display and its cancellation are exercised for
 * real. The work is checked against the tree as it is when the job ends
 * (another request may have changed it meanwhile), as a background job would.
 *
 * Jobs still running when the sandbox stops are finished in `finishAll()`
 * (called by close()), so a restarted data dir never holds a job that stays
 * "running" forever.
 */
import type { JobRecord } from './store';

export class JobRunner {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; work: () => void }>();

  /** How long a job stays "running" before it does its work (ms). */
  constructor(public runMs: number, private readonly now: () => number) {}

  /** Runs `work` now (runMs 0) or after runMs; `work` fills in the job's result. */
  schedule(job: JobRecord, work: () => void): void {
    if (this.runMs <= 0) {
      work();
      return;
    }
    job.status = 1;
    job.runUntil = this.now() + this.runMs;
    const run = (): void => {
      this.pending.delete(job.jobId);
      work();
    };
    const timer = setTimeout(run, this.runMs);
    timer.unref();
    this.pending.set(job.jobId, { timer, work: run });
  }

  /** Percent done as reported while polling. */
  progress(job: JobRecord): number {
    if (job.status !== 1 || job.runUntil === undefined) return job.status === 2 ? 100 : 0;
    const left = job.runUntil - this.now();
    return Math.max(0, Math.min(99, Math.floor(100 - (100 * left) / Math.max(1, this.runMs))));
  }

  get running(): number {
    return this.pending.size;
  }

  finishAll(): void {
    for (const { timer, work } of [...this.pending.values()]) {
      clearTimeout(timer);
      work();
    }
  }
}
