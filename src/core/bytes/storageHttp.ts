/**
 * Requests to presigned object-storage URLs (part PUTs). The URL is a
 * credential: it never reaches a log unredacted. Storage errors are mapped by
 * api/errorMapping (403 → UrlExpired, 5xx → ServerError, ...).
 */
import { createReadStream, ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { undici } from '../api/undiciLazy';
import { errorFromStorage, errorFromTransport, parseRetryAfter } from '../api/errorMapping';
import { KooDriveError, localIoError } from '../errors';
import { readFully } from './fileReads';

/** perf-notes: ≥ 1 MiB reads make undici `request` 1.5–2× faster than 64 KiB ones. */
const READ_CHUNK = 1024 * 1024;

export interface PutRangeOptions {
  dispatcher: Dispatcher;
  url: string;
  path: string;
  offset: number;
  size: number;
  signal?: AbortSignal;
  /** Called with the number of bytes just handed to the socket (the caller resets its count on a retry). */
  onBytes?(n: number): void;
}

/**
 * PUTs bytes [offset, offset+size) of a local file with an exact
 * Content-Length (the URL signs content-length;host).
 *
 * Parts up to WHOLE_PART_MAX (the default part size) are read with one
 * positioned read into a reused buffer and handed to the socket in a few
 * large views of it: no allocation, no timer and no stream machinery per
 * chunk. Profiled on a 1 GiB upload, the 1 MiB ReadStream chunks this
 * replaces cost the main thread ~3× the user CPU (a fresh 1 MiB buffer per
 * chunk, then garbage collection of them). The buffer is reused only after
 * the server has answered, i.e. after the socket has taken every byte of it.
 * Larger parts, or more parts in flight than the budget allows, stream from
 * disk in 1 MiB reads: memory stays bounded whatever the part size.
 *
 * The hash worker read the same bytes moments earlier: this second read is
 * served by the page cache (a memcpy), cheaper than sharing buffers across
 * threads and keeping every part in memory until it is sent.
 */
export async function putFileRange(o: PutRangeOptions): Promise<{ etag?: string }> {
  const buffer = o.size > 0 ? sendBuffers.take(o.size) : undefined;
  let reusable = false;
  try {
    const sent = buffer ? await readWholePart(o, buffer) : undefined;
    const etag = sent ? await put(o, sent.body, undefined) : await putStreamed(o);
    reusable = true;
    return etag;
  } finally {
    // After a failure the socket may still reference the buffer: drop it rather than reuse it.
    if (buffer) sendBuffers.give(buffer, reusable);
  }
}

export interface PutBytesOptions {
  dispatcher: Dispatcher;
  url: string;
  /** The local file the bytes came from (for error messages). */
  path: string;
  bytes: Uint8Array;
  signal?: AbortSignal;
  onBytes?(n: number): void;
}

/**
 * PUTs bytes already in memory (a small file read once by the uploader):
 * one socket write, no file access, no buffer from the pool.
 */
export async function putBytes(o: PutBytesOptions): Promise<{ etag?: string }> {
  const etag = await put({ ...o, offset: 0, size: o.bytes.length }, o.bytes, undefined);
  o.onBytes?.(o.bytes.length);
  return etag;
}

/** Bytes of one view handed to the socket at a time: large writes, yet progress within a part. */
const SEND_VIEW_BYTES = 4 * 1024 * 1024;

async function readWholePart(o: PutRangeOptions, buffer: Buffer): Promise<{ body: Iterable<Uint8Array> }> {
  let fh: FileHandle;
  try {
    fh = await open(o.path, 'r');
  } catch (e) {
    throw localIoError(e, o.path, 'read');
  }
  let got: number;
  try {
    got = await readFully(fh, buffer, o.size, o.offset);
  } catch (e) {
    throw localIoError(e, o.path, 'read');
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (got < o.size) throw new KooDriveError('SourceChanged', `${o.path} became shorter while it was being uploaded`, { subject: o.path });
  const part = buffer.subarray(0, o.size);
  const onBytes = o.onBytes;
  // undici asks for the next view only once the socket accepted the previous one: that is the progress.
  function* views(): Generator<Uint8Array> {
    for (let at = 0; at < part.length; at += SEND_VIEW_BYTES) {
      const view = part.subarray(at, Math.min(part.length, at + SEND_VIEW_BYTES));
      yield view;
      onBytes?.(view.length);
    }
  }
  return { body: views() };
}

/** The streaming path: parts larger than a send buffer, or no buffer free. */
async function putStreamed(o: PutRangeOptions): Promise<{ etag?: string }> {
  const stream = o.size === 0 ? undefined : createReadStream(o.path, { start: o.offset, end: o.offset + o.size - 1, highWaterMark: READ_CHUNK });
  // Progress from the stream's own counter: no extra stage in the data path.
  let reported = 0;
  const report = (): void => {
    const n = (stream?.bytesRead ?? 0) - reported;
    if (n > 0) {
      reported += n;
      o.onBytes?.(n);
    }
  };
  const timer = stream ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
  try {
    return await put(o, stream ?? '', stream);
  } finally {
    if (timer) clearInterval(timer);
    report();
    stream?.destroy();
  }
}

async function put(o: PutRangeOptions, body: Iterable<Uint8Array> | Uint8Array | ReadStream | string, stream: ReadStream | undefined): Promise<{ etag?: string }> {
  let res: Dispatcher.ResponseData;
  try {
    res = await undici().request(o.url, {
      method: 'PUT',
      dispatcher: o.dispatcher,
      headers: { 'content-length': String(o.size), 'content-type': 'application/octet-stream' },
      // undici sends any (async) iterable of chunks; its typings list only streams and buffers.
      body: body as Exclude<typeof body, Iterable<Uint8Array>> | Readable,
      signal: o.signal,
    });
  } catch (e) {
    throw explainSendFailure(e, o, stream);
  }
  const status = res.statusCode;
  if (status >= 200 && status < 300) {
    await res.body.dump();
    const etag = res.headers.etag;
    return { etag: Array.isArray(etag) ? etag[0] : etag };
  }
  const text = await readSmall(res.body);
  throw errorFromStorage(status, text, { retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
}

/** Largest part sent from a whole-part buffer: the default part size. */
export const WHOLE_PART_MAX = 16 * 1024 * 1024;
/** At most this much memory in send buffers per process (4 parts in flight at the default size). */
const SEND_BUFFER_BUDGET = 4 * WHOLE_PART_MAX;
/** Spare buffers are let go this long after the last part finished (an idle extension host keeps none). */
const SPARE_BUFFER_LINGER_MS = 5000;

/**
 * Whole-part send buffers shared by every upload in the process, within a
 * fixed memory budget; beyond it a part streams instead of waiting.
 */
class SendBufferPool {
  private readonly spare: Buffer[] = [];
  private lent = 0;
  private release?: NodeJS.Timeout;

  take(size: number): Buffer | undefined {
    if (size > WHOLE_PART_MAX || (this.lent + 1) * WHOLE_PART_MAX > SEND_BUFFER_BUDGET) return undefined;
    this.lent++;
    if (this.release) {
      clearTimeout(this.release);
      this.release = undefined;
    }
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(WHOLE_PART_MAX);
  }

  give(buffer: Buffer, reusable: boolean): void {
    this.lent--;
    if (reusable) this.spare.push(buffer);
    if (this.lent === 0 && this.spare.length > 0) {
      this.release = setTimeout(() => {
        this.spare.length = 0;
        this.release = undefined;
      }, SPARE_BUFFER_LINGER_MS);
      this.release.unref();
    }
  }
}

const sendBuffers = new SendBufferPool();

const PROGRESS_INTERVAL_MS = 100;
const FS_ERRNOS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EIO', 'EMFILE', 'ENFILE']);

/** A failed PUT may be our side's fault: the file shrank, or could not be read. */
function explainSendFailure(e: unknown, o: PutRangeOptions, stream: ReadStream | undefined): KooDriveError {
  if (o.signal?.aborted) return errorFromTransport(e, { what: 'Uploading a part', signal: o.signal });
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code && FS_ERRNOS.has(code)) return localIoError(e, o.path, 'read');
  if (stream && stream.readableEnded && stream.bytesRead < o.size) {
    return new KooDriveError('SourceChanged', `${o.path} became shorter while it was being uploaded`, { subject: o.path, cause: e });
  }
  return errorFromTransport(e, { what: 'Uploading a part', signal: o.signal });
}

async function readSmall(body: Dispatcher.ResponseData['body'], limit = 64 * 1024): Promise<string> {
  let out = '';
  for await (const chunk of body) {
    if (out.length < limit) out += (chunk as Buffer).toString('utf8');
  }
  return out.slice(0, limit);
}
