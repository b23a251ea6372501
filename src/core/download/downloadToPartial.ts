/**
 * One file's bytes: from a presigned URL into its resumable temp file,
 * hashed while streaming, verified (size, and SHA-256 when the listing has
 * one), with retries. Putting the verified file in place is the caller's job
 * (downloadFiles.ts).
 *
 * Resume: the temp file holds a prefix of the content. Each attempt first
 * re-hashes what is on disk (cheap: page cache), then asks for the rest with
 * `Range: bytes=<have>-`. A 206 starting where we asked continues the file;
 * a 200 means the server ignored the range, and the file is written from the
 * start. If a resumed file then fails verification the stale prefix may be
 * from an older version of the file, so it is deleted and the file is
 * downloaded once more from scratch before giving up.
 *
 * This module is the retry loop; one attempt is downloadAttempt.ts, which
 * uses rangeRequest.ts (the HTTP side), partialFileWriter.ts (the
 * back-pressured writer) and partialFile.ts (resume, open, verify).
 */
import { errorFromTransport } from '../api/errorMapping';
import { retryDelayMs } from '../api/retryPolicy';
import { cancelledError, sleep, throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { redactText } from '../redact';
import { attempt, AttemptProgress, PartialDownload, PartialResult } from './downloadAttempt';

export type { PartialDownload, PartialResult } from './downloadAttempt';

/** Times in a row a link may come back expired before we stop asking for new ones. */
const MAX_LINK_REFRESHES = 3;

/** Downloads into `partialPath` until it holds the whole verified file. Throws a KooDriveError naming the file otherwise. */
export async function downloadToPartial(job: PartialDownload): Promise<PartialResult> {
  let failures = 0;
  let refreshes = 0;
  let restarts = 0;
  let freshAfterMismatch = false;
  let resumedFrom: number | undefined;
  for (;;) {
    throwIfAborted(job.signal);
    const progress: AttemptProgress = { received: 0, onDisk: 0, usedPrefix: false };
    try {
      const outcome = await attempt(job, progress);
      resumedFrom ??= progress.onDisk;
      if (outcome.kind === 'done') return { ...outcome.result, resumedFrom };
      if (++restarts > 3) throw new KooDriveError('BadResponse', `Downloading ${job.subject} keeps restarting: ${outcome.why}`, { subject: job.subject });
      job.logger.info(`${job.subject}: ${outcome.why}; starting over`);
      continue;
    } catch (e) {
      resumedFrom ??= progress.onDisk;
      if (isCancellation(e) || job.signal?.aborted) throw job.signal?.aborted ? cancelledError(job.signal) : e;
      const err = KooDriveError.is(e) ? e : errorFromTransport(e, { what: `Downloading ${job.subject}`, signal: job.signal });
      if (progress.received > 0) {
        failures = 0; // the connection works, it just broke: keep going as long as we make progress
        refreshes = 0;
      }
      if (err.code === 'IntegrityFailed' && progress.usedPrefix && !freshAfterMismatch) {
        freshAfterMismatch = true; // the kept prefix may be from an older version
        job.logger.info(`${job.subject}: the resumed download did not verify; downloading it again from the start`);
        continue;
      }
      if (err.code === 'UrlExpired') {
        job.links.invalidate(job.item.id);
        if (++refreshes <= MAX_LINK_REFRESHES) {
          job.logger.info(`${job.subject}: the download link expired; asking for a new one`);
          continue;
        }
      }
      failures++;
      const delay = err.retryable && failures < job.retry.maxAttempts ? retryDelayMs(err, failures, job.retry) : undefined;
      if (delay === undefined) throw err;
      job.logger.info(`${job.subject}: retrying in ${delay} ms (attempt ${failures + 1}/${job.retry.maxAttempts}): ${(job.redact ?? redactText)(err.message)}`);
      await sleep(delay, job.signal);
    }
  }
}
