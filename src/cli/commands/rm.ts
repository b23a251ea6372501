import { deletePermanently, recycleItems } from '../../core/organize/organizeItems';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { resolveTargets } from '../targets';

export const usage = 'koodrive rm <id|containerId:path...> [--container <containerId>] [--permanent] [--json]';

/**
 * To the recycle bin (restorable with `trash restore`), or for good with
 * --permanent. Each item is reported by name (ids are looked up first), so
 * the user sees what went, not only an id.
 */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { container: { type: 'string' }, permanent: { type: 'boolean' } }, minPositionals: 1 });
  const { space, items: targets } = await resolveTargets(ctx, positionals, { container: values.container, usage, what: 'the items', names: true });
  const { client } = ctx.drive();
  const items = targets.map((t) => ({ fileId: t.fileId, name: t.name }));
  const o = { signal: ctx.signal, onProgress: jobProgress(ctx) };
  const out = values.permanent ? await deletePermanently(client, space, items, o) : await recycleItems(client, space, items, o);
  reportOutcome(ctx, out, values.permanent ? 'deleted permanently' : 'moved to the recycle bin');
}
