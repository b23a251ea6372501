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
 */
import { createHash, Hash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { undici } from '../../api/undiciLazy';
import { errorFromStorage, errorFromTransport } from '../../api/errorMapping';
import { readLimited } from '../../api/httpTransport';
import type { DriveItem } from '../../api/models';
import { RetryPolicy, retryDelayMs } from '../../api/retryPolicy';
import { cancelledError, sleep, throwIfAborted } from '../../cancellation';
import { isCancellation, KooDriveError } from '../../errors';
import type { Logger } from '../../logger';
import { redactText } from '../../redact';
import type { DownloadLinkBatcher } from './downloadLinks';
import { localError, lstatOrUndefined, O_NOFOLLOW, unlinkQuietly } from './downloadPaths';

/** Socket reads are handed to the file in chunks up to this size. */
const STREAM_CHUNK = 1024 * 1024;
/** Received data is written in batches of at least this much (unless the body ended). */
const WRITE_BATCH = 1024 * 1024;
/** The socket is paused while this much received data waits to be written. */
const MAX_QUEUED = 8 * 1024 * 1024;
/** With fsync on, written data is flushed in the background every this many bytes. */
const SYNC_EVERY = 32 * 1024 * 1024;
/** Progress is reported at most every this many bytes (and at the end). */
const PROGRESS_STEP = 256 * 1024;
/** Times in a row a link may come back expired before we stop asking for new ones. */
const MAX_LINK_REFRESHES = 3;

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

interface AttemptProgress {
  /** Bytes received from the network in this attempt. */
  received: number;
  /** Bytes the temp file held when the attempt began. */
  onDisk: number;
  /** The result includes bytes from an earlier attempt (or run). */
  usedPrefix: boolean;
}

type AttemptOutcome = { kind: 'done'; result: PartialResult } | { kind: 'restart'; why: string };

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
      job.logger.info(`${job.subject}: retrying in ${delay} ms (attempt ${failures + 1}/${job.retry.maxAttempts}): ${redactText(err.message)}`);
      await sleep(delay, job.signal);
    }
  }
}

async function attempt(job: PartialDownload, progress: AttemptProgress): Promise<AttemptOutcome> {
  const expected = job.item.size;
  const onDisk = await hashPartial(job);
  progress.onDisk = onDisk.size;
  if (onDisk.size > expected) {
    await unlinkOrFail(job);
    return { kind: 'restart', why: `the temp file is larger than the file (${onDisk.size} > ${expected} bytes)` };
  }
  if (onDisk.size === expected && expected > 0) {
    job.onBytes?.(expected, expected);
    progress.usedPrefix = true;
    return { kind: 'done', result: await verified(job, onDisk.hash, expected) };
  }

  const url = await job.links.get(job.item.id);
  const from = onDisk.size;
  let res: Dispatcher.ResponseData;
  try {
    res = await undici().request(url, {
      method: 'GET',
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
      dispatcher: job.dispatcher,
      signal: job.signal,
      highWaterMark: STREAM_CHUNK,
    });
  } catch (e) {
    throw errorFromTransport(e, { what: `Downloading ${job.subject}`, signal: job.signal });
  }

  let writeFrom: number;
  if (res.statusCode === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== from || (range.total !== undefined && range.total !== expected)) {
      discard(res.body);
      await unlinkOrFail(job);
      return { kind: 'restart', why: `the server answered the range request with ${String(res.headers['content-range'])}` };
    }
    writeFrom = from;
  } else if (res.statusCode === 200) {
    if (from > 0) job.logger.info(`${job.subject}: the server ignored the Range request; downloading from the start`);
    writeFrom = 0;
  } else if (res.statusCode === 416 && from > 0) {
    discard(res.body);
    await unlinkOrFail(job);
    return { kind: 'restart', why: 'the server refused the range of the temp file' };
  } else {
    const text = await readLimited(res.body, 64 * 1024).catch(() => '');
    const err = errorFromStorage(res.statusCode, text);
    throw aboutFile(err, job.subject);
  }
  const length = Number(res.headers['content-length']);
  if (Number.isFinite(length) && res.headers['content-length'] !== undefined && writeFrom + length !== expected) {
    discard(res.body);
    throw new KooDriveError(
      'IntegrityFailed',
      `${job.subject} has changed on the server: it is ${writeFrom + length} bytes, the listing said ${expected}`,
      { subject: job.subject },
    );
  }

  const hash = writeFrom > 0 ? onDisk.hash : createHash('sha256');
  progress.usedPrefix = writeFrom > 0;
  let file: fs.FileHandle;
  try {
    file = await openForWriting(job, writeFrom);
  } catch (e) {
    discard(res.body);
    throw e;
  }
  let tooLong = false;
  let done = writeFrom;
  let reported = done;
  job.onBytes?.(done, expected);
  const sink = new FileSink(file, writeFrom, job.fsync, (chunk) => {
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
    await sink.consume(res.body);
    await sink.flush();
  } catch (e) {
    failure = e;
  } finally {
    await sink.settled();
    await file.close().catch(() => undefined);
  }
  if (failure !== undefined) {
    if (sink.writeError !== undefined || (!tooLong && isLocalFsError(failure))) {
      await unlinkQuietly(job.partialPath); // a full disk should get its space back
      throw localError(sink.writeError ?? failure, job.localPath ?? job.subject, 'write');
    }
    if (tooLong) {
      await unlinkQuietly(job.partialPath);
      throw new KooDriveError('IntegrityFailed', `${job.subject}: the server sent more than the expected ${expected} bytes`, { subject: job.subject });
    }
    throw errorFromTransport(failure, { what: `Downloading ${job.subject}`, signal: job.signal });
  }
  job.onBytes?.(done, expected);
  if (done < expected) {
    throw new KooDriveError('Network', `Downloading ${job.subject}: the connection ended after ${done} of ${expected} bytes`, {
      retryable: true,
      subject: job.subject,
    });
  }
  return { kind: 'done', result: await verified(job, hash, done) };
}

/**
 * Writes a response body to the temp file. Each chunk is first shown to
 * `accept` (which hashes and counts it, in order, and may refuse it); chunks
 * are collected while a write is in flight and go out together in one writev
 * of ~1 MiB or more, and the socket is paused while more than MAX_QUEUED
 * bytes wait (backpressure: memory stays bounded whatever the file size).
 * A plain 'data' loop rather than pipeline() into a Writable: on a 2-core
 * machine the stream machinery was a measurable share of the CPU per GiB.
 * With `durable`, the data is flushed to disk every SYNC_EVERY bytes in the
 * background, so the final fsync has little left to wait for. The caller
 * owns (and closes) the file handle.
 */
class FileSink {
  writeError: unknown;
  private syncError: unknown;
  private pos: number;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly fh: fs.FileHandle,
    position: number,
    private readonly durable: boolean,
    private readonly accept: (chunk: Buffer) => boolean,
  ) {
    this.pos = position;
  }

  /** Resolves when the whole body is written; rejects with the body's, the write's or `accept`'s error. */
  consume(body: Dispatcher.ResponseData['body']): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue: Buffer[] = [];
      let queued = 0;
      let writing = false;
      let ended = false;
      let failed = false;
      /** The body broke: what arrived before is still a valid prefix, written before we give up (resume starts there). */
      let broken: { error: unknown } | undefined;
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        body.off('data', onData);
        body.on('error', () => undefined);
        body.destroy();
        reject(e);
      };
      const kick = (): void => {
        if (writing || failed) return;
        if (queued === 0) {
          if (broken) fail(broken.error);
          else if (ended) resolve();
          return;
        }
        if (!ended && !broken && queued < WRITE_BATCH) return;
        const buffers = queue;
        queue = [];
        queued = 0;
        writing = true;
        this.writeAll(buffers).then(
          () => {
            writing = false;
            this.maybeSync();
            if (body.isPaused() && !ended && !broken) body.resume();
            kick();
          },
          (e: unknown) => {
            this.writeError ??= e;
            fail(e);
          },
        );
      };
      const onData = (chunk: Buffer): void => {
        if (!this.accept(chunk)) return fail(new Error('the server sent more than expected'));
        queue.push(chunk);
        queued += chunk.length;
        if (queued >= MAX_QUEUED) body.pause();
        kick();
      };
      body.on('data', onData);
      body.once('end', () => {
        ended = true;
        kick();
      });
      body.once('error', (e: unknown) => {
        broken = { error: e };
        kick();
      });
    });
  }

  /** Waits for the data to be on disk (when durable). */
  async flush(): Promise<void> {
    await this.settled();
    if (this.syncError !== undefined) throw this.writeFailed(this.syncError);
    if (this.durable) await this.fh.datasync().catch((e: unknown) => Promise.reject(this.writeFailed(e)));
  }

  /** Waits for a background sync still running (before the handle is closed). */
  async settled(): Promise<void> {
    await this.syncing;
  }

  private writeFailed(e: unknown): unknown {
    this.writeError ??= e;
    return e;
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      const want = pending.reduce((n, b) => n + b.length, 0);
      const { bytesWritten } = await this.fh.writev(pending, this.pos);
      this.pos += bytesWritten;
      this.unsynced += bytesWritten;
      if (bytesWritten === want) return;
      if (bytesWritten === 0) throw Object.assign(new Error('no bytes written'), { code: 'EIO' });
      pending = skipBytes(pending, bytesWritten);
    }
  }

  private maybeSync(): void {
    if (!this.durable || this.syncing || this.unsynced < SYNC_EVERY) return;
    this.unsynced = 0;
    this.syncing = this.fh.datasync().then(
      () => {
        this.syncing = undefined;
      },
      (e: unknown) => {
        this.syncing = undefined;
        this.syncError ??= e;
      },
    );
  }
}

function skipBytes(buffers: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}

/** Checks the SHA-256 (when the listing has one); a mismatch deletes the temp file. */
async function verified(job: PartialDownload, hash: Hash, size: number): Promise<PartialResult> {
  const sha256 = hash.digest('hex');
  const want = job.item.sha256?.toLowerCase();
  if (want && want !== sha256) {
    await unlinkOrFail(job);
    throw new KooDriveError('IntegrityFailed', `${job.subject} failed verification: its SHA-256 is ${sha256}, expected ${want}; the download was discarded`, {
      subject: job.subject,
    });
  }
  return { size, sha256, resumedFrom: 0 };
}

/** Hashes the bytes already in the temp file (none if it does not exist). Never follows a symbolic link. */
async function hashPartial(job: PartialDownload): Promise<{ size: number; hash: Hash }> {
  const hash = createHash('sha256');
  const st = await lstatOrUndefined(job.partialPath).catch((e: unknown) => {
    throw localError(e, job.partialPath, 'read');
  });
  if (!st) return { size: 0, hash };
  if (!st.isFile() || st.nlink !== 1) {
    // Not something we wrote: a link planted under our temp name (or a folder). Unlinking never follows it.
    job.logger.warn(`${job.partialPath} is not a plain file; removing it`);
    await unlinkOrFail(job);
    return { size: 0, hash };
  }
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(job.partialPath, fsConstants.O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { size: 0, hash };
    throw localError(e, job.partialPath, 'read');
  }
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(STREAM_CHUNK);
    for (;;) {
      throwIfAborted(job.signal);
      const { bytesRead } = await fh.read(buf, 0, buf.length, size);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } catch (e) {
    if (isCancellation(e)) throw e;
    throw localError(e, job.partialPath, 'read');
  } finally {
    await fh.close().catch(() => undefined);
  }
  return { size, hash };
}

/**
 * Opens the temp file: a fresh one is created exclusively (after removing
 * any leftover, so a planted hard or symbolic link is never written
 * through); a resumed one is opened without following links.
 */
async function openForWriting(job: PartialDownload, from: number): Promise<fs.FileHandle> {
  const { O_WRONLY, O_CREAT, O_EXCL } = fsConstants;
  try {
    if (from === 0) {
      await unlinkOrFail(job);
      return await fs.open(job.partialPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    }
    const fh = await fs.open(job.partialPath, O_WRONLY | O_NOFOLLOW);
    const st = await fh.stat();
    if (!st.isFile() || st.nlink !== 1 || st.size !== from) {
      await fh.close();
      throw new KooDriveError('LocalIo', `${job.partialPath} changed while it was being resumed`, { subject: job.partialPath, retryable: true });
    }
    await fh.truncate(from);
    return fh;
  } catch (e) {
    throw localError(e, job.localPath ?? job.subject, 'write');
  }
}

async function unlinkOrFail(job: PartialDownload): Promise<void> {
  try {
    await fs.unlink(job.partialPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw localError(e, job.partialPath, 'remove');
  }
}

function isLocalFsError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'EIO';
}

/** `bytes 100-199/1000` → {start: 100, end: 199, total: 1000}; total undefined for `*`. */
export function parseContentRange(value: string | string[] | undefined): { start: number; end: number; total?: number } | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const m = v ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** The same error, its message prefixed with the file it is about (unless it already names it). */
export function aboutFile(err: KooDriveError, subject: string): KooDriveError {
  if (err.message.includes(subject)) return err;
  return new KooDriveError(err.code, `${subject}: ${err.message}`, {
    cause: err.cause ?? err,
    retryable: err.retryable,
    status: err.status,
    apiCode: err.apiCode,
    traceId: err.traceId,
    retryAfterMs: err.retryAfterMs,
    subject,
  });
}

/** Drops a response body we do not want (destroying it without a listener would raise an unhandled AbortError). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
