/**
 * What a command acts on, written either as ids with --container (the
 * original form, kept) or as `<containerId>:<path>` (the form ls, stat, cat
 * and put take): every command that accepts an id accepts a path too, and a
 * path brings its space, so --container is then optional.
 *
 * One command works in one space: ids and paths naming two different spaces
 * (or a path that disagrees with --container) are a usage error before
 * anything changes.
 */
import type { DriveItem, Space } from '../core/api/models';
import { KooDriveError } from '../core/errors';
import { isRemoteSpec, parseRemoteSpec, RemotePath } from '../core/remoteFs/remotePath';
import { resolveSpace } from '../core/spaces';
import type { CliContext } from './context';
import { remoteFsFor } from './remoteFs';
import { usageError } from './usage';

export interface Target {
  /** What the user typed. */
  arg: string;
  fileId: string;
  /** Known for paths, and for ids when looked up (`names`). */
  name?: string;
  item?: DriveItem;
}

export interface Targets {
  space: Space;
  items: Target[];
  /** Paths that do not exist (only with `keepMissing`); otherwise the first one is thrown. */
  missing: Array<{ arg: string; error: KooDriveError }>;
}

/** The container id the arguments (and --container) agree on; a usage error if none or several. */
export function containerOf(args: readonly string[], container: string | undefined, usage: string, what: string): string {
  const ids = new Set<string>();
  if (container) ids.add(container);
  for (const a of args) if (isRemoteSpec(a)) ids.add(parseRemoteSpec(a).containerId);
  if (ids.size === 0) throw usageError(usage, `Missing --container (or give ${what} as <containerId>:<path>)`);
  if (ids.size > 1) {
    throw usageError(usage, `One command works in one space at a time; these name ${[...ids].join(' and ')}${container ? ' (with --container)' : ''}`);
  }
  return [...ids][0];
}

export async function resolveTargets(
  ctx: CliContext,
  args: readonly string[],
  o: { container?: string; usage: string; what: string; names?: boolean; keepMissing?: boolean },
): Promise<Targets> {
  const containerId = containerOf(args, o.container, o.usage, o.what);
  const { client } = ctx.drive();
  const space = await resolveSpace(client, ctx.userId(), containerId, { signal: ctx.signal });
  const fs = args.some(isRemoteSpec) ? remoteFsFor(ctx) : undefined;
  const items: Target[] = [];
  const missing: Targets['missing'] = [];
  for (const arg of args) {
    if (fs && isRemoteSpec(arg)) {
      const remote = parseRemoteSpec(arg);
      if (remote.names.length === 0) throw usageError(o.usage, `"${arg}" is a whole space: name a file or folder in it`);
      try {
        const st = await fs.stat(remote, { signal: ctx.signal });
        items.push({ arg, fileId: st.id, name: st.name, item: st.item });
      } catch (e) {
        if (!o.keepMissing || !KooDriveError.is(e, 'NotFound')) throw e;
        missing.push({ arg, error: e });
      }
    } else if (o.names) {
      // The name makes the report readable ("report.txt: moved…"); an id that cannot be looked up is still
      // passed on, and the operation reports it.
      const item = await client.getFileDetail(space, arg, { signal: ctx.signal }).catch((e: unknown) => {
        if (KooDriveError.is(e, 'NotFound')) return undefined;
        throw e;
      });
      items.push({ arg, fileId: arg, name: item?.name, item });
    } else {
      items.push({ arg, fileId: arg });
    }
  }
  return { space, items, missing };
}

/**
 * A destination folder: "root", a folder id (in `space`), or
 * `<containerId>:<path>` of a folder (which may name another space).
 */
export async function resolveFolder(ctx: CliContext, arg: string, space: Space, usage: string): Promise<{ space: Space; folderId: string }> {
  if (arg === 'root') return { space, folderId: space.rootFolderId };
  if (!isRemoteSpec(arg)) return { space, folderId: arg };
  const remote: RemotePath = parseRemoteSpec(arg);
  const target = remote.containerId === space.containerId
    ? space
    : await resolveSpace(ctx.drive().client, ctx.userId(), remote.containerId, { signal: ctx.signal });
  if (remote.names.length === 0) return { space: target, folderId: target.rootFolderId };
  const st = await remoteFsFor(ctx).stat(remote, { signal: ctx.signal });
  if (st.kind !== 'folder') throw usageError(usage, `"${arg}" is a file: --to needs a folder`);
  return { space: target, folderId: st.id };
}
