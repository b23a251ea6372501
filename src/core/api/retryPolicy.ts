import { KooDriveError } from '../errors';

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is surfaced. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): the server's
 * Retry-After when it gave one, else exponential backoff with full jitter.
 * Returns undefined when waiting is not reasonable.
 */
export function retryDelayMs(err: KooDriveError, attempt: number, policy: RetryPolicy, random = Math.random): number | undefined {
  if (err.retryAfterMs !== undefined) {
    return err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
  }
  if (err.code === 'ClockSkew') return 0; // the skew was re-learnt from this very response
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
