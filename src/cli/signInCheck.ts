/**
 * The one call that tells whether an endpoint, user id and token work
 * together: the user's personal space (cheap, and every other command needs
 * it first anyway). Used by `login` before saving and by `whoami`.
 */
import { staticCredentials } from '../core/api/credentials';
import type { Space } from '../core/api/models';
import { KooDriveError } from '../core/errors';
import { createKooDrive } from '../core/koodrive';
import type { CliContext } from './context';

export async function checkSignIn(ctx: CliContext, s: { endpoint: string; userId: string; token: string }): Promise<Space> {
  // Two attempts, not five: the user is waiting for a yes or no, and a refused connection will not change.
  const drive = createKooDrive({
    endpoint: s.endpoint, credentials: staticCredentials({ token: s.token, userId: s.userId }), logger: ctx.logger, retry: { maxAttempts: 2 },
  });
  try {
    return await drive.client.getPersonalSpace(s.userId, { signal: ctx.signal });
  } catch (e) {
    // A token typed at login's prompt is not one the CLI's own redaction knows: this client's list does.
    if (!KooDriveError.is(e)) throw e;
    throw new KooDriveError(e.code, drive.redact(e.message), {
      cause: e.cause, retryable: e.retryable, status: e.status, apiCode: e.apiCode, traceId: e.traceId, retryAfterMs: e.retryAfterMs, subject: e.subject,
    });
  } finally {
    await drive.close();
  }
}
