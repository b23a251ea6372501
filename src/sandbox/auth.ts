/**
 * Tokens, sessions and the header checks of protocol.md §1.
 *
 * - `Authorization` accepts both `Bearer+<token>` (the documented format and
 *   every example) and `Bearer <token>` (what createSession returns), gap 1.
 *   Anything else, an unknown token, a revoked one or one idle longer than the
 *   sliding lifetime -> 401 APIGW.0301.
 * - `X-User-Id` must be the token's user; `X-Date` (yyyyMMdd'T'HHmmss'Z') must
 *   be within 15 minutes before the sandbox clock and not after it (1 s of
 *   rounding allowed) -> otherwise 401 APIGW.0303 (the gateway's "app
 *   authentication" code; both are documented as app-auth headers).
 * - Session endpoints (refresh, auth, logoff) do not require X-User-Id/X-Date
 *   -- GET /session/auth is how a client learns its user id -- but check them
 *   when sent.
 * Every authorised call restarts the token's idle window. Idle time is
 * measured on the real clock (see clock.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxClock } from './clock';
import { parseCompactDate } from './clock';
import { appAuthInvalid, tokenInvalid } from './errors';
import { newHex } from './store';

export const X_DATE_WINDOW_MS = 15 * 60 * 1000;
export const X_DATE_FUTURE_TOLERANCE_MS = 1000;

interface TokenRecord {
  token: string;
  userId: string;
  sessionId: string;
  lastUsed: number;
  /** Forced expiry (fault) -- still refreshable. */
  expired: boolean;
  /** Logged off or replaced by a refresh -- dead for good. */
  revoked: boolean;
}

interface SessionRecord {
  sessionId: string;
  userId: string;
  valid: boolean;
}

export interface Principal {
  userId: string;
  token: string;
  sessionId: string;
  /** The exact Authorization header value (the proofCode origin). */
  authorization: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The token in an Authorization value, or undefined when the format is wrong. */
export function parseAuthorization(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^Bearer[+ ]([^\s+]+)$/.exec(value.trim());
  return m ? m[1] : undefined;
}

export class AuthService {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(
    private readonly clock: SandboxClock,
    /** Sliding idle lifetime; 0 or Infinity = never expires. */
    private readonly ttlMs: number,
  ) {}

  /** Register a fixed token (the demo credentials). */
  register(token: string, userId: string, sessionId: string): void {
    this.sessions.set(sessionId, { sessionId, userId, valid: true });
    this.tokens.set(token, { token, userId, sessionId, lastUsed: Date.now(), expired: false, revoked: false });
  }

  /** A new session with a fresh token (POST /session/). */
  createSession(userId: string): { token: string; sessionId: string } {
    const token = newHex(24);
    const sessionId = newHex(16);
    this.register(token, userId, sessionId);
    return { token, sessionId };
  }

  /** Expire every token issued so far, or just `token` (fault); they can still be refreshed. */
  expire(token?: string): void {
    for (const t of this.tokens.values()) if (token === undefined || t.token === token) t.expired = true;
  }

  private isLive(t: TokenRecord): boolean {
    if (t.revoked || t.expired) return false;
    if (this.ttlMs > 0 && Number.isFinite(this.ttlMs) && Date.now() - t.lastUsed > this.ttlMs) return false;
    return true;
  }

  /**
   * Check the auth headers. `strict` = a file API: X-User-Id and X-Date are
   * required; otherwise (session APIs) they are only checked when present.
   */
  authenticate(headers: IncomingHttpHeaders, strict: boolean): Principal {
    const authorization = header(headers, 'authorization');
    const token = parseAuthorization(authorization);
    const rec = token ? this.tokens.get(token) : undefined;
    if (!rec || !this.isLive(rec)) throw tokenInvalid();
    const userId = header(headers, 'x-user-id');
    if (userId === undefined || userId === '') {
      if (strict) throw appAuthInvalid('X-User-Id header missing');
    } else if (userId !== rec.userId) {
      throw appAuthInvalid('X-User-Id does not match the token');
    }
    const xDate = header(headers, 'x-date');
    if (xDate === undefined || xDate === '') {
      if (strict) throw appAuthInvalid('X-Date header missing');
    } else {
      this.checkXDate(xDate);
    }
    rec.lastUsed = Date.now();
    return { userId: rec.userId, token: rec.token, sessionId: rec.sessionId, authorization: authorization as string };
  }

  private checkXDate(value: string): void {
    const t = parseCompactDate(value);
    if (t === undefined) throw appAuthInvalid("X-Date must be formatted yyyyMMdd'T'HHmmss'Z'");
    const now = this.clock.now();
    if (t > now + X_DATE_FUTURE_TOLERANCE_MS) throw appAuthInvalid('X-Date is later than the server time');
    if (now - t > X_DATE_WINDOW_MS) throw appAuthInvalid('X-Date is more than 15 minutes before the server time');
  }

  /**
   * POST /session/refresh: the token may be expired (not revoked) as long as
   * its session is valid and matches x-session-id. The old token is revoked.
   */
  refresh(headers: IncomingHttpHeaders): { token: string; userId: string } {
    const token = parseAuthorization(header(headers, 'authorization'));
    const rec = token ? this.tokens.get(token) : undefined;
    const sessionId = header(headers, 'x-session-id');
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!rec || rec.revoked || !session || !session.valid || rec.sessionId !== session.sessionId) throw tokenInvalid();
    const userId = header(headers, 'x-user-id');
    if (userId && userId !== rec.userId) throw appAuthInvalid('X-User-Id does not match the token');
    rec.revoked = true;
    const fresh = newHex(24);
    this.tokens.set(fresh, { token: fresh, userId: rec.userId, sessionId: rec.sessionId, lastUsed: Date.now(), expired: false, revoked: false });
    return { token: fresh, userId: rec.userId };
  }

  /** GET /session/logoff: the token and its session die. */
  logoff(p: Principal): void {
    const rec = this.tokens.get(p.token);
    if (rec) rec.revoked = true;
    const s = this.sessions.get(p.sessionId);
    if (s) s.valid = false;
  }
}
