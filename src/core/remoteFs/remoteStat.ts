/**
 * stat: what a path is. Folders come from the (cached) listing; a file's
 * metadata is always read fresh (file detail), because the editor decides
 * "the file changed on KooDrive" from it right before every save.
 */
import type { DriveItem, Space } from '../api/models';
import { KooDriveError } from '../errors';
import { ContentTag, contentTagOf } from './contentTag';
import type { Resolved } from './pathResolver';
import type { RemoteFsContext } from './remoteFsContext';
import type { RemotePath } from './remotePath';

export interface RemoteStat {
  kind: 'file' | 'folder';
  /** The item's id (the space's root folder id for its top level). */
  id: string;
  name: string;
  size: number;
  /** Lowercase hex; files only, when KooDrive reports it. */
  sha256?: string;
  /** Files: what the save-conflict check compares (contentTag.ts); '' for folders. */
  contentTag: ContentTag;
  /** Last edit on KooDrive (ms since the epoch; 0 when unknown). */
  mtimeMs: number;
  ctimeMs: number;
  /** The folder holding it (undefined for the top level). */
  parentFolderId?: string;
  /** The listed/detailed item (undefined for the top level). */
  item?: DriveItem;
}

export interface RemoteEntry {
  name: string;
  kind: 'file' | 'folder';
  item: DriveItem;
}

export async function statRemote(ctx: RemoteFsContext, p: RemotePath, signal?: AbortSignal): Promise<RemoteStat> {
  const space = await ctx.deps.spaceOf(p.containerId, signal);
  const r = await ctx.resolver.resolve(space, p.names, signal);
  if (r.kind === 'root') return topLevelStat(r.folderId, space);
  if (r.item.isFolder) return statOf(r.item, r.parentFolderId);
  return freshFileStat(ctx, space, p, r, signal);
}

/** The fresh metadata of a file resolved from a (possibly cached) listing. */
async function freshFileStat(ctx: RemoteFsContext, space: Space, p: RemotePath, r: Extract<Resolved, { kind: 'item' }>, signal?: AbortSignal): Promise<RemoteStat> {
  try {
    const d = await ctx.deps.client.getFileDetail(space, r.item.id, { signal });
    // Renamed, moved, replaced or put in the recycle bin elsewhere: the cached listing is stale; look again.
    if (!d.recycled && d.name === r.item.name && (d.parentId === undefined || d.parentId === r.parentFolderId)) return statOf(d, r.parentFolderId);
  } catch (e) {
    if (!KooDriveError.is(e, 'NotFound')) throw e;
  }
  ctx.resolver.invalidateFolder(space, r.parentFolderId);
  const again = await ctx.resolver.resolve(space, p.names, signal);
  if (again.kind !== 'item') return topLevelStat(again.folderId, space);
  if (again.item.isFolder) return statOf(again.item, again.parentFolderId);
  const d = await ctx.deps.client.getFileDetail(space, again.item.id, { signal });
  if (d.recycled) throw new KooDriveError('NotFound', `${p.names.join('/')} is in the recycle bin`, { subject: p.names.join('/') });
  return statOf(d, again.parentFolderId);
}

function topLevelStat(folderId: string, space: Space): RemoteStat {
  return { kind: 'folder', id: folderId, name: space.name, size: 0, contentTag: '', mtimeMs: 0, ctimeMs: 0 };
}

function timeOf(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : 0;
}

export function statOf(item: DriveItem, parentFolderId?: string): RemoteStat {
  return {
    kind: item.isFolder ? 'folder' : 'file',
    id: item.id,
    name: item.name,
    size: item.isFolder ? 0 : item.size,
    sha256: item.isFolder ? undefined : item.sha256,
    contentTag: item.isFolder ? '' : contentTagOf(item),
    mtimeMs: timeOf(item.modifiedTime),
    ctimeMs: timeOf(item.createdTime),
    parentFolderId,
    item,
  };
}
