import { deletePermanently, recycleItems } from '../../core/organize/organizeItems';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { usageError } from '../usage';

export const usage = 'koodrive rm <id...> --container <containerId> [--permanent] [--json]';

/** To the recycle bin (restorable with `trash restore`), or for good with --permanent. */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { container: { type: 'string' }, permanent: { type: 'boolean' } }, minPositionals: 1 });
  if (!values.container) throw usageError(usage, 'Missing --container');
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), values.container, { signal: ctx.signal });
  const items = positionals.map((fileId) => ({ fileId }));
  const o = { signal: ctx.signal, onProgress: jobProgress(ctx) };
  const out = values.permanent ? await deletePermanently(client, space, items, o) : await recycleItems(client, space, items, o);
  reportOutcome(ctx, out, values.permanent ? 'deleted permanently' : 'moved to the recycle bin');
}
