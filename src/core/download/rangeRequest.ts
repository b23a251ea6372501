/**
 * The network side of one download attempt: asks the presigned URL for the
 * bytes from `from` on (`Range: bytes=<from>-` when resuming) and decides what
 * the answer means for the temp file:
 * - 206 starting where we asked: continue the file;
 * - 200: the server ignored the range, write from the start;
 * - 206 elsewhere, or 416 for a resume: the temp file is useless, start over;
 * - anything else: a storage error (mapped in errorMapping.ts).
 * A Content-Length that does not add up to the listed size means the file
 * changed on the server (IntegrityFailed) before a byte is written.
 */
import type { Dispatcher } from 'undici';
import { undici } from '../api/undiciLazy';
import { errorFromStorage, errorFromTransport } from '../api/errorMapping';
import { readLimited } from '../api/httpTransport';
import { KooDriveError } from '../errors';
import type { Logger } from '../logger';
import { aboutFile } from './downloadErrors';

/** Socket reads are handed to the file in chunks up to this size. */
const STREAM_CHUNK = 1024 * 1024;

export type ResponseBody = Dispatcher.ResponseData['body'];

export interface RangeRequest {
  url: string;
  /** Bytes already in the temp file: asked for from here on. */
  from: number;
  /** The size the listing gave. */
  expected: number;
  dispatcher: Dispatcher;
  subject: string;
  logger: Logger;
  signal?: AbortSignal;
}

export type RangeAnswer =
  /** Write `body` into the temp file at `writeFrom` (0 when the server sent the whole file). */
  | { kind: 'body'; body: ResponseBody; writeFrom: number }
  /** The temp file cannot be continued: the caller deletes it and starts over. The body was already dropped. */
  | { kind: 'restart'; why: string };

export async function requestRange(req: RangeRequest): Promise<RangeAnswer> {
  const { from, expected, subject } = req;
  let res: Dispatcher.ResponseData;
  try {
    res = await undici().request(req.url, {
      method: 'GET',
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
      dispatcher: req.dispatcher,
      signal: req.signal,
      highWaterMark: STREAM_CHUNK,
    });
  } catch (e) {
    throw errorFromTransport(e, { what: `Downloading ${subject}`, signal: req.signal });
  }

  let writeFrom: number;
  if (res.statusCode === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== from || (range.total !== undefined && range.total !== expected)) {
      discardBody(res.body);
      return { kind: 'restart', why: `the server answered the range request with ${String(res.headers['content-range'])}` };
    }
    writeFrom = from;
  } else if (res.statusCode === 200) {
    if (from > 0) req.logger.info(`${subject}: the server ignored the Range request; downloading from the start`);
    writeFrom = 0;
  } else if (res.statusCode === 416 && from > 0) {
    discardBody(res.body);
    return { kind: 'restart', why: 'the server refused the range of the temp file' };
  } else {
    const text = await readLimited(res.body, 64 * 1024).catch(() => '');
    throw aboutFile(errorFromStorage(res.statusCode, text), subject);
  }
  const length = Number(res.headers['content-length']);
  if (Number.isFinite(length) && res.headers['content-length'] !== undefined && writeFrom + length !== expected) {
    discardBody(res.body);
    throw new KooDriveError('IntegrityFailed', `${subject} has changed on the server: it is ${writeFrom + length} bytes, the listing said ${expected}`, {
      subject,
    });
  }
  return { kind: 'body', body: res.body, writeFrom };
}

/** `bytes 100-199/1000` → {start: 100, end: 199, total: 1000}; total undefined for `*`. */
export function parseContentRange(value: string | string[] | undefined): { start: number; end: number; total?: number } | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const m = v ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** Drops a response body we do not want (destroying it without a listener would raise an unhandled AbortError). */
export function discardBody(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}
