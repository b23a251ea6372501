import { describeSpaceWarning, loadSpaces } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { saveSpacesCache } from '../spacesCache';
import { stateDir } from '../stateDir';

export const usage = 'koodrive spaces [--json]';

/**
 * Lists the spaces. A listing that fails (shared folders on an edition
 * without them, say) does not fail the command: the spaces that loaded are
 * printed, plus one warning line per failed listing on stderr, and the exit
 * code stays 0. With --json: `{"spaces": [...], "warnings": [{listing, code,
 * status?, message}]}` (an object, so the warnings have a place).
 */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  parseCommandArgs(argv, { usage, options: {}, maxPositionals: 0 });
  const { spaces, warnings } = await loadSpaces(ctx.drive().client, ctx.userId(), { signal: ctx.signal });
  saveSpacesCache(stateDir(), spaces); // for tab completion of container ids (koodrive completion)
  if (ctx.flags.json) {
    const jsonWarnings = warnings.map((w) => ({
      listing: w.listing,
      code: w.error.code,
      ...(w.error.status !== undefined ? { status: w.error.status } : {}),
      message: ctx.redact(describeSpaceWarning(w)),
    }));
    ctx.out(JSON.stringify({ spaces, warnings: jsonWarnings }));
    return;
  }
  for (const w of warnings) ctx.logger.warn(describeSpaceWarning(w));
  ctx.out(table([
    ['KIND', 'CONTAINER ID', 'USED', 'NAME'],
    ...spaces.map((s) => [s.kind, s.containerId, s.usedBytes === undefined ? '' : formatBytes(s.usedBytes), s.name]),
  ]));
}
