import { KooDriveError } from '../../core/errors';
import { resolveSpace } from '../../core/spaces';
import type { DriveItem } from '../../core/api/models';
import { isRemoteSpec, parseRemoteSpec } from '../../core/remoteFs/remotePath';
import { parseCommandArgs } from '../args';
import { CliContext, formatBytes, table } from '../context';
import { remoteFsFor } from '../remoteFs';
import { usageError } from '../usage';

export const usage = 'koodrive ls <containerId> [folderId] [--json]\n  koodrive ls <containerId>:<path> [--json]';

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals } = parseCommandArgs(argv, { usage, options: {}, minPositionals: 1, maxPositionals: 2 });
  const [containerId, folderArg] = positionals;
  if (!containerId || positionals.length > 2) throw usageError(usage);
  let items: DriveItem[];
  if (isRemoteSpec(containerId)) {
    if (folderArg !== undefined) throw usageError(usage, `Unexpected argument "${folderArg}"`);
    items = await listByPath(ctx, containerId);
  } else {
    items = await listById(ctx, containerId, folderArg);
  }
  if (ctx.flags.json) {
    // fileId: the name stat, search and the batch commands use for the same value (id stays: the contract only grows).
    ctx.out(JSON.stringify(items.map((i) => ({ ...i, fileId: i.id }))));
    return;
  }
  ctx.out(table([
    ['TYPE', 'ID', 'SIZE', 'MODIFIED', 'NAME'],
    ...items.map((i) => [i.isFolder ? 'dir' : 'file', i.id, i.isFolder ? '' : formatBytes(i.size), i.modifiedTime ?? '', i.name]),
  ]));
}

async function listById(ctx: CliContext, containerId: string, folderArg: string | undefined): Promise<DriveItem[]> {
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const folderId = folderArg ?? space.rootFolderId;
  const items: DriveItem[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await client.listFiles(space, folderId, { cursor, signal: ctx.signal }).catch((e: unknown) => {
      // The service's "resource not found" does not say which: the folder id is what the user typed.
      if (folderArg !== undefined && KooDriveError.is(e, 'NotFound')) {
        throw new KooDriveError('NotFound', `No folder with id ${folderArg} in space ${containerId} (run "koodrive ls ${containerId}" to see its top folder)`, {
          cause: e, status: e.status, apiCode: e.apiCode, traceId: e.traceId, subject: folderArg,
        });
      }
      throw e;
    });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

/** A folder path lists its children; a file path lists the file itself (like ls). */
async function listByPath(ctx: CliContext, spec: string): Promise<DriveItem[]> {
  const fs = remoteFsFor(ctx);
  const remote = parseRemoteSpec(spec);
  const st = await fs.stat(remote, { signal: ctx.signal });
  if (st.kind === 'file' && st.item) return [st.item];
  return (await fs.readDirectory(remote, { signal: ctx.signal })).map((e) => e.item);
}
