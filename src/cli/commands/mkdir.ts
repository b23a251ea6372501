import { parseArgs } from 'node:util';
import { resolveSpace } from '../../core/spaces';
import { CliContext } from '../context';
import { usageError } from '../usage';

export const usage = 'koodrive mkdir <containerId> <name> [--parent <folderId>] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { parent: { type: 'string' } } });
  const [containerId, name] = positionals;
  if (!containerId || !name || positionals.length > 2) throw usageError(usage);
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const folder = await client.createFolder(space, values.parent ?? space.rootFolderId, name, { signal: ctx.signal });
  ctx.out(ctx.flags.json ? JSON.stringify(folder) : `Created folder ${folder.name} (${folder.id})`);
}
