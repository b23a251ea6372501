/**
 * The OBS side: PUT of upload parts and GET/HEAD of downloads through
 * presigned URLs, answering errors as S3-style XML.
 *
 * Part PUT: signature (403 SignatureDoesNotMatch) -> expiry (403 AccessDenied
 * "Request has expired") -> upload still open (404 NoSuchUpload) -> a
 * Content-Length is required (chunked -> 411 MissingContentLength) and must be
 * the part's declared size (smaller -> 400 IncompleteBody, larger -> 400
 * EntityTooLarge) -> optional Content-MD5 (400 BadDigest). The body streams to
 * a temp file while SHA-256 continues from the hashCtx carried in the URL; only
 * a body received in full replaces the part (an earlier attempt survives a
 * body cut short).
 *
 * Download GET: signature/expiry as above -> 404 NoSuchKey for unknown or
 * discarded (sink) content; Range: one `bytes=` range (206 + Content-Range),
 * 416 InvalidRange when unsatisfiable; several ranges or a malformed header
 * are ignored (200, full body), as RFC 9110 allows.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { ObsError, obsErrorXml } from './errors';
import type { FaultAction } from './faults';
import { BUCKET, decodeHashCtx } from './presign';
import type { Service } from './service';
import { Sha256 } from './sha256';
import { newHex } from './store';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sendXml(res: ServerResponse, err: ObsError, resource: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = obsErrorXml(err.obsCode, err.message, newHex(8, true), resource);
  res.writeHead(err.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-obs-request-id': newHex(8, true),
    ...headers,
  });
  res.end(body);
}

/** Read and discard the rest of a request body (so the client sees our answer), then answer. */
async function drainThen(req: IncomingMessage, send: () => void): Promise<void> {
  if (!req.complete) {
    req.resume();
    await Promise.race([once(req, 'end'), once(req, 'close')]).catch(() => undefined);
  }
  send();
}

function faultStatusError(status: number): ObsError {
  if (status === 503) return new ObsError(503, 'ServiceUnavailable', 'Please reduce your request rate.');
  if (status === 500) return new ObsError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  if (status === 429) return new ObsError(429, 'SlowDown', 'Please reduce your request rate.');
  return new ObsError(status, 'InjectedFault', `Injected status ${status}`);
}

export async function handleObs(svc: Service, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const segs = url.pathname.split('/').filter(Boolean); // ['obs', bucket, objectKey]
  const method = req.method ?? 'GET';
  if (segs.length !== 3 || segs[1] !== BUCKET) {
    return drainThen(req, () => sendXml(res, new ObsError(404, 'NoSuchBucket', 'The specified bucket does not exist'), url.pathname));
  }
  try {
    svc.presigner.verify(method === 'HEAD' ? 'GET' : method, url.pathname, url.searchParams, req.headers.host ?? '');
  } catch (e) {
    if (e instanceof ObsError) return drainThen(req, () => sendXml(res, e, url.pathname));
    throw e;
  }
  if (method === 'PUT' && url.searchParams.has('uploadId')) return putPart(svc, req, res, url, segs[2]);
  if (method === 'GET' || method === 'HEAD') return getObject(svc, req, res, url, segs[2]);
  return drainThen(req, () => sendXml(res, new ObsError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.'), url.pathname));
}

async function putPart(svc: Service, req: IncomingMessage, res: ServerResponse, url: URL, objectKey: string): Promise<void> {
  const store = svc.store;
  const q = url.searchParams;
  const uploadId = q.get('uploadId') as string;
  const partNumber = Number(q.get('partNumber'));
  const u = store.state.uploads[uploadId];
  const fail = (e: ObsError, headers?: Record<string, string>): Promise<void> =>
    drainThen(req, () => sendXml(res, e, url.pathname, headers));
  if (!u || !Object.prototype.hasOwnProperty.call(store.state.uploads, uploadId) || u.objectKey !== objectKey) {
    return fail(new ObsError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'));
  }
  const spec = u.parts[String(partNumber)];
  if (!spec) return fail(new ObsError(400, 'InvalidArgument', `Part ${partNumber} was not requested for this upload`));
  const cl = req.headers['content-length'];
  if (cl === undefined || req.headers['transfer-encoding'] !== undefined) {
    return fail(new ObsError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'));
  }
  const contentLength = Number(cl);
  if (contentLength < spec.partSize) {
    return fail(new ObsError(400, 'IncompleteBody', `Content-Length ${contentLength} is smaller than the part size ${spec.partSize} declared for part ${partNumber}.`));
  }
  if (contentLength > spec.partSize) {
    return fail(new ObsError(400, 'EntityTooLarge', `Content-Length ${contentLength} is larger than the part size ${spec.partSize} declared for part ${partNumber}.`));
  }
  let start: { h: number[]; offset: number } | undefined;
  const ctxParam = q.get('X-Amz-Iteration-Hash-Ctx');
  if (ctxParam) {
    start = decodeHashCtx(ctxParam);
    if (!start || start.offset !== spec.partOffset) return fail(new ObsError(400, 'InvalidArgument', 'Bad X-Amz-Iteration-Hash-Ctx'));
  } else if (spec.partNumber !== 1) {
    return fail(new ObsError(400, 'InvalidArgument', 'Missing X-Amz-Iteration-Hash-Ctx'));
  }

  const fault = svc.faults.take(
    { target: 'part', method: 'PUT', path: url.pathname, partNumber, fileIds: [u.fileId] },
    ['status', 'reset', 'delay', 'stall'],
  );
  if (fault?.kind === 'status') {
    return fail(faultStatusError(fault.status), fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {});
  }
  if (fault?.kind === 'delay') {
    await sleep(fault.ms);
    if (req.destroyed) return; // the client gave up meanwhile
  }
  if (fault?.kind === 'reset' && (fault.afterBytes ?? 0) === 0) {
    req.socket.destroy();
    return;
  }

  const sink = svc.options.sink;
  const hasher = sink ? null : new Sha256(start ? { h: start.h, bytes: start.offset } : undefined);
  const md5Header = req.headers['content-md5'];
  const md5 = typeof md5Header === 'string' ? createHash('md5') : null;
  const tmp = sink ? null : store.tmpPath(`part-${uploadId}-${partNumber}`);
  const out = tmp ? fs.createWriteStream(tmp) : null;
  // A client that disconnects mid-body destroys `out` with writes pending; the
  // late write then emits ERR_STREAM_DESTROYED, which must not crash the server.
  out?.on('error', () => abandon());
  let received = 0;
  let dead = false;
  let pauses = 0;
  const pause = (): void => {
    if (pauses++ === 0) req.pause();
  };
  const resume = (): void => {
    if (--pauses === 0 && !dead) req.resume();
  };
  const abandon = (): void => {
    if (dead) return;
    dead = true;
    out?.destroy();
    if (tmp) fs.rm(tmp, { force: true }, () => undefined);
  };
  const resetAt = fault?.kind === 'reset' ? (fault.afterBytes ?? 0) : undefined;
  let stallAt = fault?.kind === 'stall' ? (fault.afterBytes ?? 0) : undefined;
  const stallMs = fault?.kind === 'stall' ? fault.ms : 0;
  const maybeStall = (): void => {
    if (stallAt !== undefined && received >= stallAt) {
      stallAt = undefined;
      pause();
      setTimeout(resume, stallMs);
    }
  };
  maybeStall();

  const done = new Promise<boolean>((resolve) => {
    req.on('data', (chunk: Buffer) => {
      if (dead) return;
      if (resetAt !== undefined && received + chunk.length >= resetAt) {
        abandon();
        req.socket.destroy();
        resolve(false);
        return;
      }
      received += chunk.length;
      hasher?.update(chunk);
      md5?.update(chunk);
      if (out && !out.write(chunk)) {
        pause();
        out.once('drain', resume);
      }
      maybeStall();
    });
    req.on('end', () => resolve(!dead));
    req.on('close', () => {
      if (!req.complete) {
        abandon();
        resolve(false);
      }
    });
    req.on('error', () => {
      abandon();
      resolve(false);
    });
  });
  const complete = await done;
  if (!complete) return;
  if (out) {
    out.end();
    await once(out, 'close');
  }
  const reject = (e: ObsError): void => {
    abandon();
    sendXml(res, e, url.pathname);
  };
  if (resetAt !== undefined) {
    // The whole body arrived but the fault says the connection dies before the answer.
    abandon();
    req.socket.destroy();
    return;
  }
  if (received !== spec.partSize) return reject(new ObsError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'));
  if (md5 && md5.digest('base64') !== md5Header) return reject(new ObsError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.'));
  if (store.state.uploads[uploadId] !== u) {
    return reject(new ObsError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'));
  }
  let endState: number[] | null = null;
  let digest: string | null = null;
  let file: string | null = null;
  if (hasher && tmp) {
    endState = hasher.bytesHashed % 64 === 0 ? hasher.state().h : null;
    digest = hasher.digestHex();
    file = store.partFile(uploadId, partNumber);
    fs.renameSync(tmp, path.join(store.dataDir, file));
  }
  const etag = digest ? digest.slice(0, 32) : newHex(16);
  u.stored[String(partNumber)] = { size: received, endState, digest, etag, file };
  store.touchUpload(u.uploadId);
  res.writeHead(200, { ETag: `"${etag}"`, 'Content-Length': 0, 'x-obs-request-id': newHex(8, true) });
  res.end();
}

/** Parse a single `bytes=` range against `size`; 'ignore' for absent/malformed/multiple, 'unsatisfiable' for 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'ignore' | 'unsatisfiable' {
  if (!header) return 'ignore';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'ignore';
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  const end = m[2] === '' ? size - 1 : Number(m[2]);
  return { start, end: Math.min(end, size - 1) };
}

async function getObject(svc: Service, req: IncomingMessage, res: ServerResponse, url: URL, objectKey: string): Promise<void> {
  const store = svc.store;
  const hit = store.byObjectKey(objectKey);
  if (!hit || hit.revision.sink) {
    return sendXml(res, new ObsError(404, 'NoSuchKey', 'The specified key does not exist.'), url.pathname);
  }
  const { node, revision } = hit;
  const size = revision.size;
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    return sendXml(res, new ObsError(416, 'InvalidRange', 'The requested range is not satisfiable'), url.pathname, {
      'Content-Range': `bytes */${size}`,
    });
  }
  const fault: FaultAction | undefined = svc.faults.take(
    { target: 'download', method: req.method ?? 'GET', path: url.pathname, fileIds: [node.id] },
    ['status', 'reset', 'delay', 'stall', 'corrupt'],
  );
  if (fault?.kind === 'status') {
    return sendXml(res, faultStatusError(fault.status), url.pathname, fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {});
  }
  if (fault?.kind === 'delay') await sleep(fault.ms);
  const start = range === 'ignore' ? 0 : range.start;
  const end = range === 'ignore' ? size - 1 : range.end;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string | number> = {
    'Content-Type': node.mimeType || 'application/octet-stream',
    'Content-Length': length,
    ETag: `"${revision.sha256}"`,
    'Last-Modified': new Date(revision.createdAt).toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-obs-request-id': newHex(8, true),
  };
  const disposition = url.searchParams.get('response-content-disposition');
  if (disposition) headers['Content-Disposition'] = disposition;
  if (range !== 'ignore') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range === 'ignore' ? 200 : 206, headers);
  if (req.method === 'HEAD' || length === 0) {
    if (fault?.kind === 'reset') {
      res.flushHeaders();
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.end();
    return;
  }
  const resetAt = fault?.kind === 'reset' ? (fault.afterBytes ?? 0) : undefined;
  let stallAt = fault?.kind === 'stall' ? (fault.afterBytes ?? 0) : undefined;
  const corruptAt = fault?.kind === 'corrupt' ? Math.min(fault.atByte ?? Math.floor(length / 2), length - 1) : undefined;
  const closed = new Promise<void>((r) => res.once('close', () => r()));
  const write = async (buf: Buffer): Promise<void> => {
    if (buf.length === 0) return;
    if (!res.write(buf)) await Promise.race([once(res, 'drain'), closed]);
  };
  const flushAndDestroy = async (buf: Buffer): Promise<void> => {
    if (buf.length) await new Promise<void>((r) => res.write(buf, () => r()));
    else res.flushHeaders();
    await sleep(20);
    res.socket?.destroy();
  };
  if (resetAt === 0) return flushAndDestroy(Buffer.alloc(0));
  if (stallAt === 0) {
    stallAt = undefined;
    res.flushHeaders();
    await sleep(fault?.kind === 'stall' ? fault.ms : 0);
    // The client may have given up (or the sandbox closed) during the stall.
    if (res.destroyed) return;
  }
  let sent = 0;
  const src = fs.createReadStream(store.blobPath(revision.sha256), { start, end, highWaterMark: 256 * 1024 });
  try {
    for await (const raw of src as AsyncIterable<Buffer>) {
      if (res.destroyed) break;
      let chunk = raw;
      if (corruptAt !== undefined && corruptAt >= sent && corruptAt < sent + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - sent] ^= 0xff;
      }
      if (resetAt !== undefined && sent + chunk.length >= resetAt) {
        await flushAndDestroy(chunk.subarray(0, resetAt - sent));
        return;
      }
      if (stallAt !== undefined && sent + chunk.length >= stallAt) {
        const cut = stallAt - sent;
        stallAt = undefined;
        await write(chunk.subarray(0, cut));
        await sleep(fault?.kind === 'stall' ? fault.ms : 0);
        await write(chunk.subarray(cut));
      } else {
        await write(chunk);
      }
      sent += chunk.length;
    }
  } finally {
    src.destroy();
  }
  res.end();
}
