import { resolveSpace } from '../../core/spaces';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { usageError } from '../usage';

export const usage = 'koodrive mkdir <containerId> <name> [--parent <folderId>] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { parent: { type: 'string' } }, minPositionals: 2, maxPositionals: 2 });
  const [containerId, name] = positionals;
  if (!containerId || !name || positionals.length > 2) throw usageError(usage);
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const folder = await client.createFolder(space, values.parent ?? space.rootFolderId, name, { signal: ctx.signal });
  ctx.out(ctx.flags.json ? JSON.stringify(folder) : `Created folder ${folder.name} (${folder.id})`);
}
