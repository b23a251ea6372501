/**
 * `koodrive login [--profile NAME]`: asks for the endpoint, the user id and
 * the token (not echoed), checks them with one call and only then saves them:
 * the endpoint and user id to <state dir>/config.json, the token to
 * <state dir>/credentials (mode 0600). Scripts give --endpoint and --user-id
 * and pipe the token with --token-stdin (never on the command line, where
 * other users can see it in the process list).
 *
 * A value not given as a flag is asked for, offering the profile's saved one
 * (Enter keeps it); the environment (KOODRIVE_*) is not read here: login
 * saves what the user typed, not what happens to be exported.
 */
import { KooDriveError } from '../../core/errors';
import { normalizeEndpoint } from '../../core/endpoint';
import { parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { saveProfile } from '../profiles';
import { ask, canPrompt, readAllStdin } from '../prompt';
import { EXPLAINED } from '../errorHints';
import { checkSignIn } from '../signInCheck';
import { usageError } from '../usage';

export const usage = 'koodrive login [--profile NAME] [--endpoint URL] [--user-id ID] [--token-stdin] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseCommandArgs(argv, { usage, options: { 'token-stdin': { type: 'boolean' } }, maxPositionals: 0 });
  const settings = ctx.settings;
  const name = settings.profileName;
  // The saved values are only offered as defaults; a new profile has none (and is not an error here).
  const saved = safeProfile(ctx);
  const fromStdin = values['token-stdin'] === true;
  if (fromStdin && ctx.flags.token !== undefined) throw usageError(usage, '--token and --token-stdin: give the token one way');

  const missing: string[] = [];
  let endpoint = ctx.flags.endpoint ?? (fromStdin ? saved?.endpoint : undefined);
  let userId = ctx.flags.userId ?? (fromStdin ? saved?.userId : undefined);
  if (!endpoint) missing.push('--endpoint');
  if (!userId) missing.push('--user-id');
  if (!ctx.flags.token && !fromStdin) missing.push('the token');
  if (missing.length > 0 && !canPrompt()) {
    throw usageError(usage, `No terminal to ask for ${missing.join(', ')}: in a script give --endpoint and --user-id, and pipe the token with --token-stdin`);
  }

  endpoint = endpoint ?? orDefault(await ask(prompt('KooDrive endpoint (e.g. https://intl.myhuaweicloud-koodrive.com)', saved?.endpoint), { signal: ctx.signal }), saved?.endpoint);
  endpoint = checkEndpoint(endpoint);
  userId = userId ?? orDefault(await ask(prompt('User id', saved?.userId), { signal: ctx.signal }), saved?.userId);
  if (!userId) throw usageError(usage, 'The user id is empty');
  const token = ctx.flags.token ?? (fromStdin ? await readAllStdin() : await ask('Access token (not shown): ', { secret: true, signal: ctx.signal }));
  if (!token) throw usageError(usage, fromStdin ? 'Nothing on stdin: --token-stdin reads the token from stdin' : 'The token is empty');
  // One line of the credentials file holds it: a line break or control character would cut it (and is never part of a token).
  if (/[\u0000-\u001f\u007f]/.test(token)) throw usageError(usage, 'The token contains a line break or control character: give only the token');

  try {
    await checkSignIn(ctx, { endpoint, userId, token });
  } catch (e) {
    if (!KooDriveError.is(e) || e.code === 'Cancelled') throw e;
    const why = e.code === 'AuthRequired'
      ? `${endpoint} rejected the token or the user id (${e.message.replace(/[;,]?\s*(and |please )?sign in again\.?$/i, '').replace(/\.$/, '')})`
      : `Could not check the sign-in at ${endpoint}: ${e.message}`;
    throw new KooDriveError(e.code, `${why}. Nothing was saved.`, { status: e.status, traceId: e.traceId, apiCode: e.apiCode, subject: EXPLAINED });
  }

  saveProfile(settings.paths, name, { endpoint, userId }, token);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({ profile: name, endpoint, userId, configFile: settings.paths.config, credentialsFile: settings.paths.credentials }));
    return;
  }
  ctx.out(`Signed in to ${endpoint} as ${userId}; saved as profile "${name}" (${settings.paths.config}, token in ${settings.paths.credentials}).`);
  if (name !== 'default') ctx.out(`Use it with --profile ${name} or KOODRIVE_PROFILE=${name}.`);
}

function safeProfile(ctx: CliContext): ReturnType<CliContext['settings']['profile']> {
  try {
    return ctx.settings.profile();
  } catch (e) {
    if (KooDriveError.is(e) && e.subject === 'usage') return undefined; // a named profile that does not exist yet: login creates it
    throw e;
  }
}

function prompt(label: string, current: string | undefined): string {
  return current ? `${label} [${current}]: ` : `${label}: `;
}

function orDefault(answer: string, current: string | undefined): string | undefined {
  return answer || current;
}

function checkEndpoint(endpoint: string | undefined): string {
  if (!endpoint) throw usageError(usage, 'The endpoint is empty');
  try {
    return normalizeEndpoint(endpoint);
  } catch (e) {
    throw usageError(usage, (e as Error).message.replace(/\.$/, ''));
  }
}
