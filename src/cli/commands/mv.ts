import { moveItems } from '../../core/organize/organizeItems';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { resolveFolder, resolveTargets } from '../targets';
import { usageError } from '../usage';

export const usage = 'koodrive mv <id|containerId:path...> --to <folderId|root|containerId:path> [--container <containerId>] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { to: { type: 'string' }, container: { type: 'string' } }, minPositionals: 1 });
  if (!values.to) throw usageError(usage, 'Missing --to');
  const { space, items } = await resolveTargets(ctx, positionals, { container: values.container, usage, what: 'the items' });
  const to = await resolveFolder(ctx, values.to, space, usage);
  if (to.space.containerId !== space.containerId) throw usageError(usage, 'mv moves within one space; to put a copy in another space use cp');
  const { client } = ctx.drive();
  const out = await moveItems(client, space, items.map((i) => ({ fileId: i.fileId, name: i.name })), { space, folderId: to.folderId }, { signal: ctx.signal, onProgress: jobProgress(ctx) });
  reportOutcome(ctx, out, 'moved');
}
