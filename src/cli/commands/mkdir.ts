import { isRemoteSpec, parseRemoteSpec } from '../../core/remoteFs/remotePath';
import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { resolveFolder } from '../targets';
import { usageError } from '../usage';

export const usage = 'koodrive mkdir <containerId> <name> [--parent <folderId|containerId:path>] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { parent: { type: 'string' } }, minPositionals: 2, maxPositionals: 2 });
  const [containerId, name] = positionals;
  if (!containerId || !name || positionals.length > 2) throw usageError(usage);
  if (values.parent && isRemoteSpec(values.parent) && parseRemoteSpec(values.parent).containerId !== containerId) {
    throw usageError(usage, `--parent ${values.parent} is not in space ${containerId}`);
  }
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const parent = values.parent ? (await resolveFolder(ctx, values.parent, space, usage)).folderId : space.rootFolderId;
  const folder = await client.createFolder(space, parent, name, { signal: ctx.signal });
  ctx.out(ctx.flags.json ? JSON.stringify(folder) : `Created folder ${folder.name} (${folder.id})`);
}
