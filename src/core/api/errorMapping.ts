/**
 * The ONE place where HTTP statuses, KooDrive envelope codes (13000xxx),
 * gateway codes (APIGW.*), S3-style storage errors and undici/Node socket
 * errors become a `KooDriveError`, and where retryability is decided
 * (rclone's `shouldRetry`). Everything else branches on `KooDriveError.code`.
 *
 * "Not available here" (HTTP 404, 405, 501) is never retryable, whatever the
 * body says: the server does not have that endpoint or object, and asking
 * again only delays the answer (a 501 from an edition without Keep Forever
 * used to be sent five times).
 */
import { KooDriveError, KooDriveErrorCode, KooDriveErrorOptions } from '../errors';
import type { Envelope } from './types';

interface CodeRule {
  code: KooDriveErrorCode;
  retryable: boolean;
  what: string;
  /** The service's own text only repeats `what` in other words: leave it out of the message. */
  omitServerText?: boolean;
}

/** The documented catalogue (§0). Unknown codes fall back to 'ApiError'. */
const API_CODES: Record<number, CodeRule> = {
  13000101: { code: 'InvalidInput', retryable: false, what: 'bad request' },
  13000102: { code: 'InvalidInput', retryable: false, what: 'a parameter failed validation' },
  13000201: { code: 'ServerError', retryable: true, what: 'internal service error' },
  13000301: { code: 'NotFound', retryable: false, what: 'the space does not exist or is abnormal' },
  13000302: { code: 'NotFound', retryable: false, what: 'the file is not in this space' },
  13000303: { code: 'NotFound', retryable: false, what: 'the file is not in the recycle bin' },
  13000304: { code: 'NotFound', retryable: false, what: 'the target folder is abnormal' },
  13000305: { code: 'NotFound', retryable: false, what: 'the target folder is in the recycle bin' },
  13000306: { code: 'NotFound', retryable: false, what: 'the file is in the recycle bin' },
  13000307: { code: 'InvalidInput', retryable: false, what: 'folders cannot be nested in each other' },
  13000308: { code: 'InvalidInput', retryable: false, what: 'bad file metadata' },
  13000309: { code: 'NotFound', retryable: false, what: 'resource not found' },
  13000310: { code: 'InvalidInput', retryable: false, what: 'folder depth limit reached' },
  13000311: { code: 'QuotaExceeded', retryable: false, what: 'storage quota exceeded' },
  13000312: { code: 'Conflict', retryable: false, what: 'already in the target folder' },
  13000401: { code: 'NotFound', retryable: false, what: 'the upload task no longer exists' },
  13000402: { code: 'IntegrityFailed', retryable: false, what: 'the uploaded content failed the integrity check' },
  13000403: { code: 'ServerError', retryable: true, what: 'file state change failed' },
  13000404: { code: 'NotFound', retryable: false, what: 'the upload folder is in the recycle bin' },
  // Files and folders share one namespace; the client names the clashing item where it can (nameConflict.ts).
  13000405: { code: 'Conflict', retryable: false, what: 'an item with this name already exists', omitServerText: true },
  13000406: { code: 'InvalidInput', retryable: false, what: 'not allowed on a folder' },
  13000407: { code: 'ServerError', retryable: true, what: 'download address missing' },
  13000408: { code: 'ServerError', retryable: true, what: 'download failed' },
  13000409: { code: 'ServerError', retryable: true, what: 'upload failed' },
  13000410: { code: 'PermissionDenied', retryable: false, what: 'no permission on this space' },
  13000411: { code: 'NotFound', retryable: false, what: 'the file is not in this space' },
  13000412: { code: 'PermissionDenied', retryable: false, what: 'the space is inactive' },
  13000413: { code: 'InvalidInput', retryable: false, what: 'unsupported search type' },
  13000414: { code: 'InvalidInput', retryable: false, what: 'search type is empty' },
};

/** Well-known documented code values the engines test for explicitly. */
export const API_CODE = {
  uploadTaskNotFound: 13000401,
  integrityCheckFailed: 13000402,
  duplicateName: 13000405,
} as const;

/** Parses `code`, which the docs type as Integer on some pages and String on others. */
export function parseApiCode(code: unknown): number | undefined {
  if (typeof code === 'number' && Number.isFinite(code)) return code;
  if (typeof code === 'string' && /^-?\d+$/.test(code.trim())) return Number(code.trim());
  return undefined;
}

export function isSuccessCode(code: unknown): boolean {
  return parseApiCode(code) === 0;
}

export interface ResponseContext {
  status: number;
  traceId?: string;
  /** Parsed Retry-After, in ms. */
  retryAfterMs?: number;
  /** Set when the sent X-Date was outside the server's window (see httpTransport). */
  clockSkewSuspected?: boolean;
}

/** HTTP statuses meaning "this server does not offer that": the answer will not change if we ask again. */
const NOT_AVAILABLE_HERE = new Set([404, 405, 501]);

/** True for 404/405/501: the endpoint or object is not available on this server. */
export function isNotAvailableHere(status: number | undefined): boolean {
  return status !== undefined && NOT_AVAILABLE_HERE.has(status);
}

/** Maps a parsed JSON body that is not a success (HTTP error or non-zero code). */
export function errorFromEnvelope(body: Envelope, ctx: ResponseContext): KooDriveError {
  const err = errorFromEnvelopeBody(body, ctx);
  // A 404/405/501 carrying a retryable KooDrive code (e.g. 13000201 "internal
  // service error") is still "not here": the status decides.
  if (err.retryable && isNotAvailableHere(ctx.status)) {
    return new KooDriveError(err.code, err.message, {
      status: err.status, traceId: err.traceId, apiCode: err.apiCode, retryAfterMs: err.retryAfterMs, retryable: false,
    });
  }
  return err;
}

function errorFromEnvelopeBody(body: Envelope, ctx: ResponseContext): KooDriveError {
  const apiCode = parseApiCode(body.code);
  const serverMsg = (body.msg ?? body.error_msg ?? '').toString().trim();
  const common = { status: ctx.status, traceId: ctx.traceId, apiCode, retryAfterMs: ctx.retryAfterMs };

  if (ctx.status === 405 || ctx.status === 501) {
    // The body's code (often a generic "internal error") says less than "not offered here".
    const byStatus = errorFromStatus(ctx, serverMsg)!;
    return new KooDriveError(byStatus.code, byStatus.message, { ...common, retryable: false });
  }
  if (ctx.status === 401 && !ctx.clockSkewSuspected) return authRejected(body.error_code, serverMsg, common);
  if (ctx.status === 401 || ctx.status === 403 || typeof body.error_code === 'string') {
    const fromStatus = errorFromStatus(ctx, serverMsg);
    if (fromStatus) return fromStatus;
  }
  if (apiCode !== undefined && apiCode !== 0) {
    const rule = API_CODES[apiCode];
    if (rule) {
      const detail = serverMsg && !rule.omitServerText && serverMsg.toLowerCase() !== rule.what ? ` (${serverMsg})` : '';
      return new KooDriveError(rule.code, `KooDrive: ${rule.what}${detail} [${apiCode}]`, {
        ...common,
        retryable: rule.retryable,
      });
    }
    // Gap 11: the catalogue is incomplete. Fall back on the HTTP status.
    const byStatus = errorFromStatus(ctx, serverMsg);
    if (byStatus) return new KooDriveError(byStatus.code, byStatus.message, { ...common, retryable: byStatus.retryable });
    return new KooDriveError('ApiError', `KooDrive error ${apiCode}${serverMsg ? `: ${serverMsg}` : ''}`, common);
  }
  return (
    errorFromStatus(ctx, serverMsg) ??
    new KooDriveError('BadResponse', `KooDrive answered HTTP ${ctx.status} without a result code`, common)
  );
}

/**
 * A 401 (gap 11: the token-expiry code is undocumented; any 401 means "sign in
 * again", so the code is always AuthRequired). The message says WHAT was
 * rejected only where the gateway's answer tells: API Gateway answers
 * APIGW.0301 for the token itself (missing, expired, invalid) and APIGW.0303
 * for the "app authentication" headers, X-User-Id and X-Date; X-Date trouble
 * is recognised separately (ClockSkew), so a 0303 that does not name X-Date
 * means the user id. Anything else cannot be told apart and says so. The
 * gateway's own text stays in the log.
 */
function authRejected(gatewayCode: unknown, serverMsg: string, options: KooDriveErrorOptions): KooDriveError {
  if (gatewayCode === 'APIGW.0301') {
    return new KooDriveError('AuthRequired', 'Your KooDrive sign-in has expired or the access token was rejected; please sign in again.', options);
  }
  if (gatewayCode === 'APIGW.0303' && !/x-date/i.test(serverMsg)) {
    return new KooDriveError('AuthRequired', 'KooDrive rejected the user id: it does not belong to this access token. Check the user id and sign in again.', options);
  }
  return new KooDriveError('AuthRequired', 'KooDrive rejected the sign-in: the token or the user id was rejected; please sign in again.', options);
}

/** Maps by HTTP status alone; undefined for 2xx. */
export function errorFromStatus(ctx: ResponseContext, serverMsg = ''): KooDriveError | undefined {
  const { status } = ctx;
  const opts = { status, traceId: ctx.traceId, retryAfterMs: ctx.retryAfterMs };
  const suffix = serverMsg ? `: ${serverMsg}` : '';
  if (status >= 200 && status < 300) return undefined;
  if (ctx.clockSkewSuspected) {
    return new KooDriveError('ClockSkew', `KooDrive rejected the request time (X-Date); the local clock differs from the server's${suffix}`, { ...opts, retryable: true });
  }
  if (status === 401) return authRejected(undefined, serverMsg, opts);
  if (status === 403) return new KooDriveError('PermissionDenied', `KooDrive denied access${suffix}`, opts);
  if (status === 404) return new KooDriveError('NotFound', `Not found${suffix}`, opts);
  if (status === 408) return new KooDriveError('Timeout', `The request timed out${suffix}`, { ...opts, retryable: true });
  if (status === 429) return new KooDriveError('RateLimited', `KooDrive is throttling requests${suffix}`, { ...opts, retryable: true });
  if (status === 405 || status === 501) {
    return new KooDriveError(status === 501 ? 'ServerError' : 'InvalidInput', `This KooDrive server does not offer this (HTTP ${status})${suffix}`, { ...opts, retryable: false });
  }
  if (status >= 500) return new KooDriveError('ServerError', `KooDrive server error (HTTP ${status})${suffix}`, { ...opts, retryable: true });
  if (status >= 400) return new KooDriveError('InvalidInput', `KooDrive rejected the request (HTTP ${status})${suffix}`, opts);
  return new KooDriveError('BadResponse', `Unexpected HTTP status ${status}${suffix}`, opts);
}

/**
 * Errors from the object storage behind presigned URLs (S3-compatible OBS):
 * XML bodies like `<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`.
 * A 403 there means the URL expired or its signature was rejected: refresh it.
 */
export function errorFromStorage(status: number, body: string, ctx: { traceId?: string; retryAfterMs?: number } = {}): KooDriveError {
  const s3Code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const s3Msg = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  const detail = [s3Code, s3Msg].filter(Boolean).join(': ');
  const suffix = detail ? ` (${detail})` : '';
  const opts = { status, traceId: ctx.traceId, retryAfterMs: ctx.retryAfterMs };
  if (status === 403) {
    return new KooDriveError('UrlExpired', `The storage link expired or was rejected${suffix}`, { ...opts, retryable: true });
  }
  if (status === 400 && (s3Code === 'IncompleteBody' || s3Code === 'BadDigest' || s3Code === 'RequestTimeout')) {
    // The body did not arrive whole: sending the same bytes again can succeed.
    return new KooDriveError('Network', `The storage did not receive the whole part${suffix}`, { ...opts, retryable: true });
  }
  if (status === 416) return new KooDriveError('InvalidInput', `The requested byte range is not available${suffix}`, opts);
  return errorFromStatus({ status, ...ctx }, detail) ?? new KooDriveError('BadResponse', `Unexpected storage status ${status}`, opts);
}

const NETWORK_ERRNOS = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const TIMEOUT_ERRNOS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Errors raised before a single byte of the request could have reached the server. */
const NOT_SENT_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Maps a thrown transport error (undici, Node sockets, aborts). */
export function errorFromTransport(err: unknown, ctx: { traceId?: string; what: string; signal?: AbortSignal }): KooDriveError {
  if (KooDriveError.is(err)) return err;
  if (ctx.signal?.aborted) {
    const reason = ctx.signal.reason;
    if (KooDriveError.is(reason)) return reason;
    return new KooDriveError('Cancelled', 'Cancelled', { cause: err, traceId: ctx.traceId });
  }
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (e?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return new KooDriveError('Cancelled', 'Cancelled', { cause: err, traceId: ctx.traceId });
  }
  if (code && TIMEOUT_ERRNOS.has(code)) {
    return new KooDriveError('Timeout', `${ctx.what} timed out (${code === 'UND_ERR_BODY_TIMEOUT' ? 'no data received' : 'no answer'})`, {
      cause: err, traceId: ctx.traceId, retryable: true,
    });
  }
  if (code && NETWORK_ERRNOS.has(code)) {
    return new KooDriveError('Network', `${ctx.what} failed: network error (${code})`, { cause: err, traceId: ctx.traceId, retryable: true });
  }
  return new KooDriveError('Network', `${ctx.what} failed: ${e?.message ?? String(err)}`, { cause: err, traceId: ctx.traceId, retryable: true });
}

/** True when the failure happened before the request could have been processed, so even a create may be retried. */
export function failedBeforeSending(err: KooDriveError): boolean {
  if (err.code === 'RateLimited' || err.code === 'ClockSkew') return true; // rejected at the gateway
  const cause = err.cause as { code?: string; cause?: { code?: string } } | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  return code !== undefined && NOT_SENT_ERRNOS.has(code);
}

/** Parses Retry-After (seconds or HTTP date) into ms; undefined if absent/invalid. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A batch job's per-item failure (`failedList[]`: code as a string, msg) as our error type. */
export function errorFromJobItem(code: string, msg: string): KooDriveError {
  return errorFromEnvelope({ code, msg }, { status: 200 });
}
