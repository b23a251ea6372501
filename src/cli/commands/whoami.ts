/**
 * `koodrive whoami [--json]`: which endpoint and user the next command would
 * use, where each value came from (flag, environment, profile), and whether
 * KooDrive accepts the token, checked with one call. Never prints the token.
 * Exit 0 when the token is accepted; otherwise the same is printed and the
 * command fails like any other (1, AuthRequired, Network…).
 */
import { KooDriveError } from '../../core/errors';
import { parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { table } from '../context';
import { Setting } from '../settings';
import { checkSignIn } from '../signInCheck';

export const usage = 'koodrive whoami [--profile NAME] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  parseCommandArgs(argv, { usage, options: {}, maxPositionals: 0 });
  const s = ctx.settings;
  const endpoint = s.require('endpoint');
  const userId = s.require('userId');
  const token = s.require('token');
  let failure: KooDriveError | undefined;
  try {
    await checkSignIn(ctx, { endpoint: endpoint.value, userId: userId.value, token: token.value });
  } catch (e) {
    if (!KooDriveError.is(e) || e.code === 'Cancelled') throw e;
    failure = e;
  }
  const source = (name: 'endpoint' | 'userId' | 'token', v: Setting): string => s.describe(name, v);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({
      profile: s.profileName,
      endpoint: endpoint.value,
      userId: userId.value,
      tokenValid: failure ? (failure.code === 'AuthRequired' ? false : null) : true,
      sources: { endpoint: endpoint.source, userId: userId.source, token: token.source },
      ...(failure ? { error: { code: failure.code, message: ctx.redact(failure.message) } } : {}),
    }));
  } else {
    const state = !failure ? 'accepted' : failure.code === 'AuthRequired' ? 'rejected' : `not checked (${failure.code})`;
    ctx.out(table([
      ['Profile:', s.profileName],
      ['Endpoint:', `${endpoint.value}   from ${source('endpoint', endpoint)}`],
      ['User id:', `${userId.value}   from ${source('userId', userId)}`],
      ['Token:', `${state}   from ${source('token', token)}`],
    ]));
  }
  if (failure) throw failure;
}
