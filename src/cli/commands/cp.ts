import { copyItems } from '../../core/organize/organizeItems';
import { resolveSpace } from '../../core/spaces';
import { isRemoteSpec } from '../../core/remoteFs/remotePath';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { resolveFolder, resolveTargets } from '../targets';
import { usageError } from '../usage';

export const usage =
  'koodrive cp <id|containerId:path...> --to <folderId|root|containerId:path> [--container <containerId>] [--to-container <containerId>] [--json]';

/** Copies files and folders (with everything in them), within a space or into another one. */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage, options: { to: { type: 'string' }, container: { type: 'string' }, 'to-container': { type: 'string' } }, minPositionals: 1,
  });
  if (!values.to) throw usageError(usage, 'Missing --to');
  if (isRemoteSpec(values.to) && values['to-container']) throw usageError(usage, '--to <containerId>:<path> already names the space: leave out --to-container');
  const { space, items } = await resolveTargets(ctx, positionals, { container: values.container, usage, what: 'the items' });
  const { client } = ctx.drive();
  const into = values['to-container'] && values['to-container'] !== space.containerId
    ? await resolveSpace(client, ctx.userId(), values['to-container'], { signal: ctx.signal })
    : space;
  const to = await resolveFolder(ctx, values.to, into, usage);
  const out = await copyItems(client, space, items.map((i) => ({ fileId: i.fileId, name: i.name })), to, { signal: ctx.signal, onProgress: jobProgress(ctx) });
  reportOutcome(ctx, out, 'copied');
}
