/**
 * Runs one batch job (§2.12: copy, delete, move, restore, empty bin) to its
 * end: submit, poll with growing pauses, report progress, and return what
 * happened to every item. A partly failed job (taskResultCode 2) is not an
 * exception here: the caller gets the per-item failures and decides how to
 * present them. A transient failure while polling (503, reset) is retried by
 * the transport, since polling is idempotent.
 *
 * There is no documented way to cancel a job on the server: the caller's
 * AbortSignal stops the waiting (Cancelled), and the job may still finish
 * there. Callers say so to the user.
 */
import type { Call, JobState, KooDriveClient } from '../api/koodriveClient';
import type { CreateJobRequest } from '../api/types';
import { sleep } from '../cancellation';
import { KooDriveError } from '../errors';

export interface JobProgress {
  jobId: string;
  /** 0 pending, 1 running. */
  status: number;
  /** Percent, when the service reports it. */
  percent?: number;
}

export interface BatchJobOptions extends Call {
  shareFolderId?: string;
  onProgress?: (p: JobProgress) => void;
  /** First pause between polls; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up waiting after this long (the job itself goes on). Default 10 min. */
  timeoutMs?: number;
}

export interface BatchJobOutcome extends JobState {
  jobId: string;
}

export async function runBatchJob(client: KooDriveClient, req: CreateJobRequest, o: BatchJobOptions = {}): Promise<BatchJobOutcome> {
  const jobId = await client.createJob(req, { signal: o.signal, shareFolderId: o.shareFolderId });
  return { jobId, ...(await pollJob(client, jobId, o)) };
}

/** Polls until the job is done or cancelled on the server. */
export async function pollJob(client: KooDriveClient, jobId: string, o: BatchJobOptions = {}): Promise<JobState> {
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  let delay = o.pollMs ?? 200;
  for (;;) {
    const s = await client.getJob(jobId, o);
    if (s.done) {
      if (s.status === 3) throw new KooDriveError('ApiError', `KooDrive job ${jobId} was cancelled on the server`);
      return s;
    }
    o.onProgress?.({ jobId, status: s.status, percent: s.progress });
    if (Date.now() > deadline) {
      throw new KooDriveError('Timeout', `KooDrive job ${jobId} is still running; it may finish later`, { retryable: true });
    }
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, o.maxPollMs ?? 2000);
  }
}
