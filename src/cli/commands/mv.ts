import { moveItems } from '../../core/organize/organizeItems';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { usageError } from '../usage';

export const usage = 'koodrive mv <id...> --to <folderId|root> --container <containerId> [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { to: { type: 'string' }, container: { type: 'string' } }, minPositionals: 1 });
  if (!values.to) throw usageError(usage, 'Missing --to');
  if (!values.container) throw usageError(usage, 'Missing --container');
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), values.container, { signal: ctx.signal });
  const folderId = values.to === 'root' ? space.rootFolderId : values.to;
  const out = await moveItems(client, space, positionals.map((fileId) => ({ fileId })), { space, folderId }, { signal: ctx.signal, onProgress: jobProgress(ctx) });
  reportOutcome(ctx, out, 'moved');
}
