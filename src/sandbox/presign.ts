/**
 * Presigned OBS URLs in the shape of the doc examples (SigV4 query
 * parameters). The signature is an HMAC-SHA256 with a sandbox secret over the
 * method, path, sorted query (minus the signature, but including
 * X-Amz-SignedHeaders, uploadId, partNumber and the hash context) and the Host
 * -- the same coverage as SigV4 without pretending to be byte-compatible with
 * AWS. For part URLs, content-length is listed as signed; the PUT handler
 * enforces it by requiring Content-Length == the part's declared size.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxClock } from './clock';
import { formatCompactDate, parseCompactDate } from './clock';
import { ObsError } from './errors';

export const BUCKET = 'koodrive-sandbox';
const REGION = 'sandbox-1';
const KEY_PREFIX = 'SANDBOXKEY';

/** RFC 3986 encoding (unreserved characters only left alone). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The OpenSSL SHA256_CTX-shaped context carried in X-Amz-Iteration-Hash-Ctx (protocol.md §6.1). */
export interface IterationHashCtx {
  md_len: number;
  num: number;
  h: number[];
  nh: number;
  nl: number;
  hash_type: string;
}

export function encodeHashCtx(h: number[], offset: number): string {
  const bits = offset * 8;
  const ctx: IterationHashCtx = {
    md_len: 32,
    num: 0,
    h,
    nh: Math.floor(bits / 0x100000000),
    nl: bits % 0x100000000,
    hash_type: 'sha256',
  };
  return Buffer.from(JSON.stringify(ctx)).toString('base64');
}

export function decodeHashCtx(b64: string): { h: number[]; offset: number } | undefined {
  try {
    const ctx = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as IterationHashCtx;
    if (!Array.isArray(ctx.h) || ctx.h.length !== 8 || ctx.hash_type !== 'sha256') return undefined;
    return { h: ctx.h, offset: (ctx.nh * 0x100000000 + ctx.nl) / 8 };
  } catch {
    return undefined;
  }
}

export interface PresignerOptions {
  clock: SandboxClock;
  /** http://host:port of the sandbox. */
  baseUrl: string;
  ttlSeconds: number;
  secret: () => string;
  keyGen: () => number;
}

export interface PartUrlInput {
  objectKey: string;
  uploadId: string;
  partNumber: number;
  partSize: number;
  partOffset: number;
  hashCtx: number[] | null;
}

export class Presigner {
  private readonly host: string;

  constructor(private readonly o: PresignerOptions) {
    this.host = new URL(o.baseUrl).host;
  }

  partUrl(p: PartUrlInput): string {
    const params: [string, string][] = [
      ['partNumber', String(p.partNumber)],
      ['uploadId', p.uploadId],
      ...this.authParams('content-length;host'),
    ];
    if (p.hashCtx) params.push(['X-Amz-Iteration-Hash-Ctx', encodeHashCtx(p.hashCtx, p.partOffset)]);
    return this.finish('PUT', `/obs/${BUCKET}/${p.objectKey}`, params);
  }

  downloadUrl(objectKey: string, fileName: string): string {
    // As in the doc example: the file name is percent-encoded inside the
    // disposition value, and the whole value is encoded again as a parameter.
    const disposition = `attachment; filename="${encodeURIComponent(fileName)}"`;
    const params: [string, string][] = [['response-content-disposition', disposition], ...this.authParams('host')];
    return this.finish('GET', `/obs/${BUCKET}/${objectKey}`, params);
  }

  /**
   * Check a presigned request. Throws ObsError(403) when a parameter is
   * missing, the signature does not match, or the URL has expired.
   */
  verify(method: string, pathname: string, query: URLSearchParams, hostHeader: string): void {
    for (const k of ['X-Amz-Algorithm', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
      if (!query.has(k)) throw new ObsError(403, 'AccessDenied', `Query-string authentication requires ${k}`);
    }
    const params: [string, string][] = [];
    for (const [k, v] of query) if (k !== 'X-Amz-Signature') params.push([k, v]);
    const expected = this.sign(method, pathname, params, hostHeader);
    const given = Buffer.from(query.get('X-Amz-Signature') as string, 'utf8');
    const want = Buffer.from(expected, 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      throw new ObsError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
    const date = parseCompactDate(query.get('X-Amz-Date') as string);
    const expires = Number(query.get('X-Amz-Expires'));
    const gen = Number((query.get('X-Amz-Credential') as string).split('/')[0].slice(KEY_PREFIX.length));
    if (date === undefined || !Number.isFinite(expires) || this.o.clock.now() > date + expires * 1000 || gen < this.o.keyGen()) {
      throw new ObsError(403, 'AccessDenied', 'Request has expired');
    }
  }

  private authParams(signedHeaders: string): [string, string][] {
    const now = this.o.clock.now();
    const stamp = formatCompactDate(now);
    return [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Date', stamp],
      ['X-Amz-SignedHeaders', signedHeaders],
      ['X-Amz-Expires', String(this.o.ttlSeconds)],
      ['X-Amz-Credential', `${KEY_PREFIX}${this.o.keyGen()}/${stamp.slice(0, 8)}/${REGION}/s3/aws4_request`],
    ];
  }

  private finish(method: string, pathname: string, params: [string, string][]): string {
    const sig = this.sign(method, pathname, params, this.host);
    const qs = [...params, ['X-Amz-Signature', sig]].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
    return `${this.o.baseUrl}${pathname}?${qs}`;
  }

  private sign(method: string, pathname: string, params: [string, string][], host: string): string {
    const canonicalQuery = params
      .map(([k, v]) => [rfc3986(k), rfc3986(v)])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonical = `${method}\n${pathname}\n${canonicalQuery}\nhost:${host}\n`;
    return createHmac('sha256', this.o.secret()).update(canonical).digest('hex');
  }
}
