import { resolveSpace } from '../../core/spaces';
import type { DriveItem } from '../../core/api/models';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { usageError } from '../usage';

export const usage = 'koodrive ls <containerId> [folderId] [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 2 });
  const [containerId, folderArg] = positionals;
  if (!containerId || positionals.length > 2) throw usageError(usage);
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const folderId = folderArg ?? space.rootFolderId;
  const items: DriveItem[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await client.listFiles(space, folderId, { cursor, signal: ctx.signal });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(items));
    return;
  }
  ctx.out(table([
    ['TYPE', 'ID', 'SIZE', 'MODIFIED', 'NAME'],
    ...items.map((i) => [i.isFolder ? 'dir' : 'file', i.id, i.isFolder ? '' : formatBytes(i.size), i.modifiedTime ?? '', i.name]),
  ]));
}
