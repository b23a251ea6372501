/**
 * Sends one KooDrive API call: headers (§1.1), JSON envelope, error mapping,
 * retries. Every endpoint method in `koodriveClient.ts` goes through `call`.
 */
import type { Dispatcher } from 'undici';
import { undici } from './undiciLazy';
import { sleep, throwIfAborted } from '../cancellation';
import { KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { redactingLogger, redactUrl, SecretList } from '../redact';
import { ServerClock, xDateOutsideWindow } from './clock';
import { authorizationHeader, CredentialsProvider } from './credentials';
import { errorFromEnvelope, errorFromStatus, errorFromTransport, failedBeforeSending, isSuccessCode, parseRetryAfter } from './errorMapping';
import { DEFAULT_RETRY_POLICY, RetryPolicy, retryDelayMs } from './retryPolicy';
import { newTraceId } from './traceId';
import type { Envelope } from './types';

export const API_PREFIX = '/koodrive/ose/v1';

export interface TransportOptions {
  /** Origin of the service, e.g. https://intl.myhuaweicloud-koodrive.com (see endpoint.ts). */
  endpoint: string;
  credentials: CredentialsProvider;
  dispatcher: Dispatcher;
  logger?: Logger;
  /** `language` header; default en-US. */
  language?: string;
  /** Prefix for bare tokens (gap 1). Default "Bearer+". */
  authPrefix?: string;
  retry?: Partial<RetryPolicy>;
  clock?: ServerClock;
  /** Larger JSON answers are refused as malformed (a list page is a few hundred KB at most). */
  maxResponseBytes?: number;
  /**
   * Called once when a call fails with AuthRequired; resolves true if it
   * obtained a fresh token (session refresh), and the call is then retried once.
   */
  onAuthExpired?: () => Promise<boolean>;
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the origin, e.g. `${API_PREFIX}/files/create`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * Safe to send twice? Reads and "set to X" updates are; creates are not:
   * a non-idempotent call is retried only when it provably never reached the
   * server (connection refused, throttled, X-Date rejected at the gateway).
   */
  idempotent: boolean;
  /** Default true; false for the few unauthenticated session calls. */
  auth?: boolean;
  /** Do not call onAuthExpired for this call (the refresh call itself must not recurse). */
  noAuthRefresh?: boolean;
  /** `x-hw-share-folder-id`: run the operation inside that shared folder. */
  shareFolderId?: string;
  signal?: AbortSignal;
  extraHeaders?: Record<string, string>;
}

export class ApiTransport {
  readonly clock: ServerClock;
  /** Every token and session id this transport has sent: its log lines, and whoever logs its errors, redact them. */
  readonly secrets = new SecretList();
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: TransportOptions) {
    this.clock = options.clock ?? new ServerClock();
    // Every line this transport logs is redacted with the secrets it has sent, whatever the host's logger does.
    this.logger = redactingLogger(options.logger ?? silentLogger, () => this.secrets.list());
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  get dispatcher(): Dispatcher {
    return this.options.dispatcher;
  }

  /** The exact Authorization value sent: proofCode (§6.3) is derived from it. */
  async authorization(): Promise<string> {
    const creds = await this.options.credentials.get();
    return authorizationHeader(creds.token, this.options.authPrefix);
  }

  async call<T extends Envelope>(opts: CallOptions): Promise<T> {
    let refreshedAuth = false;
    let skewRetried = false;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(opts.signal);
      try {
        return await this.once<T>(opts);
      } catch (e) {
        const err = e as KooDriveError;
        if (err.code === 'AuthRequired' && opts.auth !== false && !opts.noAuthRefresh && !refreshedAuth && this.options.onAuthExpired) {
          refreshedAuth = true;
          if (await this.options.onAuthExpired().catch(() => false)) continue;
          throw err;
        }
        if (err.code === 'ClockSkew') {
          if (skewRetried) throw err;
          skewRetried = true;
          this.logger.warn(`Clock skew detected: re-sent with X-Date corrected by ${this.clock.skewMs} ms`);
          continue;
        }
        const mayRepeat = opts.idempotent || failedBeforeSending(err);
        if (!err.retryable || !mayRepeat || attempt >= this.retry.maxAttempts) throw err;
        const delay = retryDelayMs(err, attempt, this.retry);
        if (delay === undefined) throw err;
        this.logger.info(`Retrying ${opts.method} ${opts.path} in ${delay} ms (attempt ${attempt + 1}/${this.retry.maxAttempts}): ${this.secrets.redact(err.message)}`);
        await sleep(delay, opts.signal);
      }
    }
  }

  private async once<T extends Envelope>(opts: CallOptions): Promise<T> {
    const traceId = newTraceId();
    const xDate = this.clock.xDate();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-traceid': traceId,
      'x-date': xDate,
      language: this.options.language ?? 'en-US',
      ...opts.extraHeaders,
    };
    this.secrets.add(opts.extraHeaders?.['x-session-id']);
    if (opts.auth !== false) {
      const creds = await this.options.credentials.get();
      this.secrets.add(creds.token, creds.sessionId);
      headers.authorization = await this.authorization();
      headers['x-user-id'] = creds.userId;
      if (opts.shareFolderId) headers['x-hw-share-folder-id'] = opts.shareFolderId;
    }
    let body: string | undefined;
    if (opts.body !== undefined && opts.method !== 'GET') {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json;charset=UTF-8';
    }
    const url = this.options.endpoint + opts.path + queryString(opts.query);
    const started = Date.now();
    const what = `${opts.method} ${opts.path}`;

    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, {
        method: opts.method,
        headers,
        body,
        dispatcher: this.options.dispatcher,
        signal: opts.signal,
      });
    } catch (e) {
      const err = errorFromTransport(e, { traceId, what: `KooDrive request ${what}`, signal: opts.signal });
      this.logger.debug(`${what} ✗ ${err.code} ${Date.now() - started}ms trace=${traceId}`);
      throw err;
    }
    this.clock.observe(res.headers.date);
    const status = res.statusCode;
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    const ctx = {
      status,
      traceId,
      retryAfterMs,
      clockSkewSuspected: (status === 400 || status === 401 || status === 403) && xDateOutsideWindow(xDate, res.headers.date),
    };

    let text: string;
    try {
      text = await readLimited(res.body, this.maxResponseBytes);
    } catch (e) {
      throw KooDriveError.is(e) ? withTrace(e, traceId, status) : errorFromTransport(e, { traceId, what: `Reading the answer to ${what}`, signal: opts.signal });
    }
    // Every request is worth a line in the host's log (method, path, status, timing, trace id).
    this.logger.info(`${opts.method} ${redactUrl(opts.path + queryString(opts.query))} ${status} ${Date.now() - started}ms trace=${traceId}`);

    const parsed = parseJsonEnvelope(text, res.headers['content-type']);
    if (!parsed.ok) {
      // Not the documented envelope: an HTML error page from a proxy, a cut-off
      // body, nothing at all. The status still says the most.
      const byStatus = status >= 300 ? errorFromStatus(ctx, parsed.problem) : undefined;
      throw byStatus ?? new KooDriveError('BadResponse', `KooDrive sent an unreadable answer to ${what}: ${parsed.problem}`, {
        status, traceId, retryable: opts.idempotent,
      });
    }
    const env = parsed.value as T;
    if (status >= 200 && status < 300 && isSuccessCode(env.code)) return env;
    if (status >= 200 && status < 300 && env.code === undefined && env.error_code === undefined) {
      throw new KooDriveError('BadResponse', `KooDrive's answer to ${what} has no result code`, { status, traceId });
    }
    const err = errorFromEnvelope(env, ctx);
    this.logger.debug(`${what} → ${err.code}${err.apiCode ? ` [${err.apiCode}]` : ''} ${this.secrets.redact(err.message)} trace=${traceId}`);
    throw err;
  }
}

function withTrace(err: KooDriveError, traceId: string, status: number): KooDriveError {
  if (err.traceId) return err;
  return new KooDriveError(err.code, err.message, { cause: err.cause, retryable: err.retryable, status, traceId });
}

function queryString(query: CallOptions['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Reads a response body as UTF-8, refusing (and discarding) more than `limit` bytes. */
export async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      body.destroy();
      throw new KooDriveError('BadResponse', `The answer is larger than ${Math.round(limit / 1024 / 1024)} MiB; refusing to read it`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type ParseResult = { ok: true; value: Envelope } | { ok: false; problem: string };

function parseJsonEnvelope(text: string, contentType: string | string[] | undefined): ParseResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problem: 'the body is empty' };
  const ct = String(contentType ?? '');
  if (/html/i.test(ct) || /^<(!doctype|html)/i.test(trimmed)) return { ok: false, problem: 'got an HTML page instead of JSON' };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the JSON is not an object' };
    return { ok: true, value: value as Envelope };
  } catch {
    return { ok: false, problem: `the JSON is malformed or truncated (${trimmed.length} bytes)` };
  }
}
