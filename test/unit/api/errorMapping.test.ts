import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import {
  errorFromEnvelope, errorFromStorage, errorFromTransport, failedBeforeSending, parseApiCode, parseRetryAfter,
} from '../../../src/core/api/errorMapping';

describe('errorMapping', () => {
  it('parses code as number or string (gap 12)', () => {
    assert.equal(parseApiCode(0), 0);
    assert.equal(parseApiCode('0'), 0);
    assert.equal(parseApiCode('13000402'), 13000402);
    assert.equal(parseApiCode('APIGW.0301'), undefined);
    assert.equal(parseApiCode(undefined), undefined);
  });

  const cases: Array<[number, string, boolean]> = [
    [13000101, 'InvalidInput', false],
    [13000102, 'InvalidInput', false],
    [13000201, 'ServerError', true],
    [13000301, 'NotFound', false],
    [13000311, 'QuotaExceeded', false],
    [13000401, 'NotFound', false],
    [13000402, 'IntegrityFailed', false],
    [13000403, 'ServerError', true],
    [13000405, 'Conflict', false],
    [13000410, 'PermissionDenied', false],
  ];
  for (const [code, expected, retryable] of cases) {
    it(`maps ${code} to ${expected}${retryable ? ' (retryable)' : ''}`, () => {
      const e = errorFromEnvelope({ code: String(code), msg: 'x' }, { status: 400, traceId: 't1' });
      assert.equal(e.code, expected);
      assert.equal(e.retryable, retryable);
      assert.equal(e.apiCode, code);
      assert.equal(e.traceId, 't1');
    });
  }

  it('falls back on the HTTP status for an unknown code', () => {
    assert.equal(errorFromEnvelope({ code: 13000999, msg: 'new' }, { status: 503 }).code, 'ServerError');
    const e = errorFromEnvelope({ code: 13000999, msg: 'new' }, { status: 200 });
    assert.equal(e.code, 'ApiError');
    assert.match(e.message, /13000999/);
  });

  it('treats any 401 as AuthRequired, or ClockSkew when X-Date was outside the window', () => {
    assert.equal(errorFromEnvelope({ error_code: 'APIGW.0301', error_msg: 'expired' }, { status: 401 }).code, 'AuthRequired');
    const skew = errorFromEnvelope({ error_code: 'APIGW.0303' }, { status: 401, clockSkewSuspected: true });
    assert.equal(skew.code, 'ClockSkew');
    assert.equal(skew.retryable, true);
  });

  it('says which sign-in value a 401 rejected, where the gateway code tells', () => {
    const token = errorFromEnvelope({ error_code: 'APIGW.0301', error_msg: 'Incorrect authentication information: token missing, expired or invalid' }, { status: 401 });
    assert.equal(token.code, 'AuthRequired');
    assert.equal(token.message, 'Your KooDrive sign-in has expired or the access token was rejected; please sign in again.');
    const user = errorFromEnvelope({ error_code: 'APIGW.0303', error_msg: 'Incorrect authentication information: X-User-Id does not match the token' }, { status: 401 });
    assert.equal(user.code, 'AuthRequired');
    assert.equal(user.message, 'KooDrive rejected the user id: it does not belong to this access token. Check the user id and sign in again.');
    // 0303 about X-Date (not a skew: e.g. its format) does not blame the user id.
    const date = errorFromEnvelope({ error_code: 'APIGW.0303', error_msg: 'X-Date must be formatted' }, { status: 401 });
    assert.match(date.message, /the token or the user id was rejected/);
    for (const unknown of [{}, { error_code: 'APIGW.0399' }, { code: 13000999, msg: 'who knows' }]) {
      const e = errorFromEnvelope(unknown, { status: 401, traceId: 't9' });
      assert.equal(e.code, 'AuthRequired');
      assert.equal(e.message, 'KooDrive rejected the sign-in: the token or the user id was rejected; please sign in again.');
      assert.equal(e.traceId, 't9');
    }
  });

  it('maps 429 with Retry-After and 5xx as retryable', () => {
    const e = errorFromEnvelope({}, { status: 429, retryAfterMs: 2000 });
    assert.equal(e.code, 'RateLimited');
    assert.equal(e.retryAfterMs, 2000);
    assert.equal(e.retryable, true);
    assert.equal(errorFromEnvelope({}, { status: 502 }).retryable, true);
  });

  it('never marks 404, 405 or 501 ("not available here") retryable, whatever code the body carries', () => {
    for (const status of [404, 405, 501]) {
      for (const body of [{}, { code: 13000201, msg: 'inner server invoke failure' }, { code: 13000999 }, { error_code: 'APIGW.0101' }]) {
        const e = errorFromEnvelope(body, { status });
        assert.equal(e.retryable, false, `${status} ${JSON.stringify(body)}`);
        assert.equal(e.status, status);
      }
      assert.equal(errorFromStorage(status, '').retryable, false, `storage ${status}`);
    }
    const e501 = errorFromEnvelope({ code: 13000201, msg: 'inner server invoke failure' }, { status: 501 });
    assert.equal(e501.code, 'ServerError');
    assert.equal(e501.apiCode, 13000201);
    assert.match(e501.message, /does not offer this \(HTTP 501\)/);
    assert.equal(errorFromEnvelope({}, { status: 405 }).code, 'InvalidInput');
    assert.equal(errorFromEnvelope({}, { status: 404 }).code, 'NotFound');
    // Its neighbours stay retryable.
    assert.equal(errorFromEnvelope({ code: 13000201 }, { status: 500 }).retryable, true);
    assert.equal(errorFromEnvelope({}, { status: 503 }).retryable, true);
  });

  it('maps storage 403 (expired/tampered presigned URL) to UrlExpired', () => {
    const e = errorFromStorage(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    assert.equal(e.code, 'UrlExpired');
    assert.match(e.message, /Request has expired/);
    assert.equal(errorFromStorage(400, '<Error><Code>IncompleteBody</Code></Error>').retryable, true);
    assert.equal(errorFromStorage(500, '').code, 'ServerError');
  });

  it('maps undici/socket errors and aborts', () => {
    const reset = errorFromTransport(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { what: 'x' });
    assert.equal(reset.code, 'Network');
    assert.equal(reset.retryable, true);
    assert.equal(failedBeforeSending(reset), false);
    const refused = errorFromTransport(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), { what: 'x' });
    assert.equal(failedBeforeSending(refused), true);
    const stalled = errorFromTransport(Object.assign(new Error('body'), { code: 'UND_ERR_BODY_TIMEOUT' }), { what: 'x' });
    assert.equal(stalled.code, 'Timeout');
    const ac = new AbortController();
    ac.abort();
    assert.equal(errorFromTransport(new Error('aborted'), { what: 'x', signal: ac.signal }).code, 'Cancelled');
    const mine = new KooDriveError('SourceChanged', 'changed');
    assert.equal(errorFromTransport(mine, { what: 'x' }), mine);
  });

  it('parses Retry-After in seconds and as a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
