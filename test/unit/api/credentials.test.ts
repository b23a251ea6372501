import * as assert from 'node:assert/strict';
import { authorizationHeader } from '../../../src/core/api/credentials';
import { newTraceId } from '../../../src/core/api/traceId';
import { retryDelayMs, DEFAULT_RETRY_POLICY } from '../../../src/core/api/retryPolicy';
import { KooDriveError } from '../../../src/core/errors';

describe('authorization, trace ids, retry delays', () => {
  it('sends prefixed tokens verbatim and prefixes bare ones (gap 1)', () => {
    assert.equal(authorizationHeader('abc'), 'Bearer+abc');
    assert.equal(authorizationHeader('abc', 'Bearer '), 'Bearer abc');
    assert.equal(authorizationHeader('Bearer 6ebb'), 'Bearer 6ebb');
    assert.equal(authorizationHeader(' Bearer+013b '), 'Bearer+013b');
  });

  it('makes 58-character trace ids of letters, digits and underscore', () => {
    const a = newTraceId();
    assert.match(a, /^[A-Za-z0-9_]{58}$/);
    assert.notEqual(a, newTraceId());
  });

  it('honours Retry-After, else backs off exponentially with jitter under the cap', () => {
    const p = DEFAULT_RETRY_POLICY;
    assert.equal(retryDelayMs(new KooDriveError('RateLimited', 'x', { retryAfterMs: 1500 }), 1, p), 1500);
    assert.equal(retryDelayMs(new KooDriveError('RateLimited', 'x', { retryAfterMs: 10 * 60_000 }), 1, p), undefined);
    const d1 = retryDelayMs(new KooDriveError('ServerError', 'x'), 1, p, () => 1)!;
    const d3 = retryDelayMs(new KooDriveError('ServerError', 'x'), 3, p, () => 1)!;
    assert.equal(d1, p.baseDelayMs);
    assert.equal(d3, p.baseDelayMs * 4);
    assert.ok(retryDelayMs(new KooDriveError('ServerError', 'x'), 30, p, () => 1)! <= p.maxDelayMs);
    assert.ok(retryDelayMs(new KooDriveError('ServerError', 'x'), 3, p, () => 0)! >= (p.baseDelayMs * 4) / 2);
  });
});
