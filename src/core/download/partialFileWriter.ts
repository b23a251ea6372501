/**
 * The back-pressured writer of the temp file: response bytes go to disk in
 * batched writev calls, with memory bounded and (optionally) periodic
 * background fsync. It knows nothing about HTTP status codes or hashing;
 * the `accept` callback given by the caller sees every chunk first.
 */
import type * as fs from 'node:fs/promises';
import type { ResponseBody } from './rangeRequest';

/** Received data is written in batches of at least this much (unless the body ended). */
const WRITE_BATCH = 1024 * 1024;
/**
 * One writev call carries at most this much. While a write is in flight the
 * queue grows to several MiB; writing all of it in one call cost the process
 * ~2.3× the kernel CPU of the same bytes in calls of ≤ 1 MiB (a 1 GiB
 * download: 2.95–3.09 vs 1.22–1.49 sys-seconds; page cache writes, `dd bs=4M`
 * vs `bs=64K` show the same on that kernel), see docs/performance.md.
 */
const WRITEV_MAX = 1024 * 1024;
/** The socket is paused while this much received data waits to be written. */
const MAX_QUEUED = 8 * 1024 * 1024;
/** With fsync on, written data is flushed in the background every this many bytes. */
const SYNC_EVERY = 32 * 1024 * 1024;

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
export class PartialFileWriter {
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
  consume(body: ResponseBody): Promise<void> {
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
      const [batch, rest] = takeUpTo(pending, WRITEV_MAX);
      const want = batch.reduce((n, b) => n + b.length, 0);
      const { bytesWritten } = await this.fh.writev(batch, this.pos);
      this.pos += bytesWritten;
      this.unsynced += bytesWritten;
      if (bytesWritten === 0) throw Object.assign(new Error('no bytes written'), { code: 'EIO' });
      pending = bytesWritten === want ? rest : [...skipBytes(batch, bytesWritten), ...rest];
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

/** The leading buffers of `buffers` up to `max` bytes (at least one), and the rest. */
function takeUpTo(buffers: Buffer[], max: number): [Buffer[], Buffer[]] {
  let n = 0;
  let i = 0;
  while (i < buffers.length && (i === 0 || n + buffers[i].length <= max)) n += buffers[i++].length;
  return i === buffers.length ? [buffers, []] : [buffers.slice(0, i), buffers.slice(i)];
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
