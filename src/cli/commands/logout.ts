/**
 * `koodrive logout [--profile NAME]`: forgets the profile's saved token. The
 * endpoint and user id stay in config.json, so `koodrive login` asks only for
 * a new token (Enter keeps the rest).
 */
import { parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { removeToken } from '../profiles';

export const usage = 'koodrive logout [--profile NAME] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  parseCommandArgs(argv, { usage, options: {}, maxPositionals: 0 });
  const { profileName, paths } = ctx.settings;
  const removed = removeToken(paths, profileName);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({ profile: profileName, removed, credentialsFile: paths.credentials }));
    return;
  }
  ctx.out(removed ? `Removed the token of profile "${profileName}" from ${paths.credentials}.` : `Profile "${profileName}" has no saved token.`);
  if (process.env.KOODRIVE_TOKEN) ctx.err('note: KOODRIVE_TOKEN is still set in this environment, and commands will use it.');
}
