/**
 * One attempt at one file: look at what the temp file already holds, ask for
 * the rest (rangeRequest.ts), stream it through the hash into the temp file
 * (partialFileWriter.ts), and verify the result (partialFile.ts). Failures
 * are thrown as KooDriveErrors; deciding whether to try again is the retry
 * loop's job (downloadToPartial.ts).
 */
import { createHash, Hash } from 'node:crypto';
import type * as fs from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { errorFromTransport } from '../api/errorMapping';
import type { DriveItem } from '../api/models';
import type { RetryPolicy } from '../api/retryPolicy';
import { KooDriveError } from '../errors';
import type { Logger } from '../logger';
import { isLocalFsError } from './downloadErrors';
import type { DownloadLinkBatcher } from './downloadLinks';
import { localError, unlinkQuietly } from './downloadPaths';
import { hashPartial, openPartialForWriting, removePartial, verifyPartial } from './partialFile';
import { PartialFileWriter } from './partialFileWriter';
import { discardBody, requestRange, ResponseBody } from './rangeRequest';

/** Progress is reported at most every this many bytes (and at the end). */
const PROGRESS_STEP = 256 * 1024;

export interface PartialDownload {
  dispatcher: Dispatcher;
  links: Pick<DownloadLinkBatcher, 'get' | 'invalidate'>;
  item: Pick<DriveItem, 'id' | 'size' | 'sha256'>;
  /** The temp file next to the target. */
  partialPath: string;
  /** How the file is named in messages (its remote path). */
  subject: string;
  /** Where it goes: named in local (disk) errors (default: `subject`). */
  localPath?: string;
  retry: RetryPolicy;
  logger: Logger;
  /** Redacts the client's secrets from a message (default: redact.ts patterns only). */
  redact?(text: string): string;
  /** Flush the data to disk before returning (so a crash right after the rename cannot leave an empty file). */
  fsync: boolean;
  signal?: AbortSignal;
  onBytes?(bytesDone: number, bytesTotal: number): void;
}

export interface PartialResult {
  size: number;
  /** Lowercase hex SHA-256 of the whole content, as computed while writing it. */
  sha256: string;
  /** Bytes that were already on disk when the download (re)started. */
  resumedFrom: number;
}

/** What an attempt got done before it ended (read by the retry loop, also after a failure). */
export interface AttemptProgress {
  /** Bytes received from the network in this attempt. */
  received: number;
  /** Bytes the temp file held when the attempt began. */
  onDisk: number;
  /** The result includes bytes from an earlier attempt (or run). */
  usedPrefix: boolean;
}

export type AttemptOutcome = { kind: 'done'; result: PartialResult } | { kind: 'restart'; why: string };

export async function attempt(job: PartialDownload, progress: AttemptProgress): Promise<AttemptOutcome> {
  const expected = job.item.size;
  const onDisk = await hashPartial(job.partialPath, job.logger, job.signal);
  progress.onDisk = onDisk.size;
  if (onDisk.size > expected) {
    await removePartial(job.partialPath);
    return { kind: 'restart', why: `the temp file is larger than the file (${onDisk.size} > ${expected} bytes)` };
  }
  if (onDisk.size === expected && expected > 0) {
    job.onBytes?.(expected, expected);
    progress.usedPrefix = true;
    return { kind: 'done', result: await verified(job, onDisk.hash, expected) };
  }

  const answer = await requestRange({
    url: await job.links.get(job.item.id),
    from: onDisk.size,
    expected,
    dispatcher: job.dispatcher,
    subject: job.subject,
    logger: job.logger,
    signal: job.signal,
  });
  if (answer.kind === 'restart') {
    await removePartial(job.partialPath);
    return answer;
  }
  const hash = answer.writeFrom > 0 ? onDisk.hash : createHash('sha256');
  progress.usedPrefix = answer.writeFrom > 0;
  const done = await writeBody(job, answer.body, answer.writeFrom, hash, progress);
  if (done < expected) {
    throw new KooDriveError('Network', `Downloading ${job.subject}: the connection ended after ${done} of ${expected} bytes`, {
      retryable: true,
      subject: job.subject,
    });
  }
  return { kind: 'done', result: await verified(job, hash, done) };
}

/**
 * Streams `body` into the temp file from `writeFrom`, hashing and counting
 * in order and reporting progress. Returns the temp file's length afterwards.
 * A disk failure deletes the temp file (a full disk should get its space
 * back) and throws LocalIo; more bytes than the listing said throws
 * IntegrityFailed; a broken connection keeps the written prefix for resume.
 */
async function writeBody(job: PartialDownload, body: ResponseBody, writeFrom: number, hash: Hash, progress: AttemptProgress): Promise<number> {
  const expected = job.item.size;
  let file: fs.FileHandle;
  try {
    file = await openPartialForWriting(job.partialPath, writeFrom, job.localPath ?? job.subject);
  } catch (e) {
    discardBody(body);
    throw e;
  }
  let tooLong = false;
  let done = writeFrom;
  let reported = done;
  job.onBytes?.(done, expected);
  const writer = new PartialFileWriter(file, writeFrom, job.fsync, (chunk) => {
    done += chunk.length;
    progress.received += chunk.length;
    if (done > expected) {
      tooLong = true;
      return false;
    }
    hash.update(chunk);
    if (done - reported >= PROGRESS_STEP) {
      reported = done;
      job.onBytes?.(done, expected);
    }
    return true;
  });
  let failure: unknown;
  try {
    await writer.consume(body);
    await writer.flush();
  } catch (e) {
    failure = e;
  } finally {
    await writer.settled();
    await file.close().catch(() => undefined);
  }
  if (failure !== undefined) {
    if (writer.writeError !== undefined || (!tooLong && isLocalFsError(failure))) {
      await unlinkQuietly(job.partialPath); // a full disk should get its space back
      throw localError(writer.writeError ?? failure, job.localPath ?? job.subject, 'write');
    }
    if (tooLong) {
      await unlinkQuietly(job.partialPath);
      throw new KooDriveError('IntegrityFailed', `${job.subject}: the server sent more than the expected ${expected} bytes`, { subject: job.subject });
    }
    throw errorFromTransport(failure, { what: `Downloading ${job.subject}`, signal: job.signal });
  }
  job.onBytes?.(done, expected);
  return done;
}

async function verified(job: PartialDownload, hash: Hash, size: number): Promise<PartialResult> {
  const sha256 = await verifyPartial(job.partialPath, job.subject, hash, job.item.sha256);
  return { size, sha256, resumedFrom: 0 };
}
