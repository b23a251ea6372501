/**
 * Requests to presigned object-storage URLs (part PUTs). The URL is a
 * credential: it never reaches a log unredacted. Storage errors are mapped by
 * api/errorMapping (403 → UrlExpired, 5xx → ServerError, ...).
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Dispatcher, request } from 'undici';
import { errorFromStorage, errorFromTransport, parseRetryAfter } from '../api/errorMapping';
import { KooDriveError, localIoError } from '../errors';

/** perf-notes: ≥ 1 MiB reads make undici `request` 1.5–2× faster than 64 KiB ones. */
const READ_CHUNK = 1024 * 1024;

export interface PutRangeOptions {
  dispatcher: Dispatcher;
  url: string;
  path: string;
  offset: number;
  size: number;
  signal?: AbortSignal;
  /** Called with the number of bytes just read for sending (the caller resets its count on a retry). */
  onBytes?(n: number): void;
}

/**
 * PUTs bytes [offset, offset+size) of a local file with an exact
 * Content-Length (the URL signs content-length;host). Reads the file in 1 MiB
 * chunks: memory stays flat whatever the part size.
 */
export async function putFileRange(o: PutRangeOptions): Promise<{ etag?: string }> {
  let fh;
  try {
    fh = await open(o.path, 'r');
  } catch (e) {
    throw localIoError(e, o.path, 'read');
  }
  try {
    const body = readRange(fh, o.path, o.offset, o.size, (n) => o.onBytes?.(n));
    let res: Dispatcher.ResponseData;
    try {
      res = await request(o.url, {
        method: 'PUT',
        dispatcher: o.dispatcher,
        headers: { 'content-length': String(o.size), 'content-type': 'application/octet-stream' },
        body: o.size === 0 ? '' : Readable.from(body, { objectMode: false, highWaterMark: READ_CHUNK }),
        signal: o.signal,
      });
    } catch (e) {
      throw errorFromTransport(e, { what: 'Uploading a part', signal: o.signal });
    }
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      await res.body.dump();
      const etag = res.headers.etag;
      return { etag: Array.isArray(etag) ? etag[0] : etag };
    }
    const text = await readSmall(res.body);
    throw errorFromStorage(status, text, { retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function* readRange(
  fh: import('node:fs/promises').FileHandle, path: string, offset: number, size: number, onBytes: (n: number) => void,
): AsyncGenerator<Buffer> {
  let pos = offset;
  const end = offset + size;
  while (pos < end) {
    // A fresh buffer each time: the socket may still hold the previous one.
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - pos));
    let n: number;
    try {
      ({ bytesRead: n } = await fh.read(buf, 0, buf.length, pos));
    } catch (e) {
      throw localIoError(e, path, 'read');
    }
    if (n === 0) {
      throw new KooDriveError('SourceChanged', `${path} became shorter while it was being uploaded`, { subject: path });
    }
    pos += n;
    onBytes(n);
    yield n === buf.length ? buf : buf.subarray(0, n);
  }
}

async function readSmall(body: Dispatcher.ResponseData['body'], limit = 64 * 1024): Promise<string> {
  let out = '';
  for await (const chunk of body) {
    if (out.length < limit) out += (chunk as Buffer).toString('utf8');
  }
  return out.slice(0, limit);
}
