import { copyItems } from '../../core/organize/organizeItems';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { jobProgress, reportOutcome } from '../organizeOutput';
import { usageError } from '../usage';

export const usage = 'koodrive cp <id...> --to <folderId|root> --container <containerId> [--to-container <containerId>] [--json]';

/** Copies files and folders (with everything in them), within a space or into another one. */
export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, {
    usage, options: { to: { type: 'string' }, container: { type: 'string' }, 'to-container': { type: 'string' } }, minPositionals: 1,
  });
  if (!values.to) throw usageError(usage, 'Missing --to');
  if (!values.container) throw usageError(usage, 'Missing --container');
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), values.container, { signal: ctx.signal });
  const target = values['to-container'] && values['to-container'] !== values.container
    ? await resolveSpace(client, ctx.userId(), values['to-container'], { signal: ctx.signal })
    : space;
  const folderId = values.to === 'root' ? target.rootFolderId : values.to;
  const out = await copyItems(client, space, positionals.map((fileId) => ({ fileId })), { space: target, folderId }, { signal: ctx.signal, onProgress: jobProgress(ctx) });
  reportOutcome(ctx, out, 'copied');
}
