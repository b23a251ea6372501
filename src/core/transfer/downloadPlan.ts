/**
 * What a download will do, before any byte moves: folders are listed
 * recursively (every page: pages may be short before the end, so we loop
 * until there is no cursor), every remote name is turned into a safe local
 * name, and each file gets its place below the target folder.
 */
import type { KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { toLocalName } from './localNames';

export type DownloadListClient = Pick<KooDriveClient, 'listFiles'>;

export interface PlannedFile {
  item: DriveItem;
  /** Remote names joined with "/", from the item the caller passed down to this file. */
  remotePath: string;
  /** Local (sanitized) folder names below the target folder. */
  dirSegments: string[];
  /** Local (sanitized) file name. */
  localName: string;
}

export interface PlannedFolder {
  item: DriveItem;
  remotePath: string;
  /** Local folder names below the target folder, this folder's own name last. */
  segments: string[];
}

export interface PlanFailure {
  item: DriveItem;
  remotePath: string;
  error: KooDriveError;
}

export interface DownloadPlan {
  files: PlannedFile[];
  folders: PlannedFolder[];
  /** Items that cannot be downloaded at all: unsafe names, folders that could not be listed. */
  failures: PlanFailure[];
}

/** Lists `folderId` completely. */
export async function listAllChildren(client: DownloadListClient, space: SpaceRef, folderId: string, signal?: AbortSignal): Promise<DriveItem[]> {
  const items: DriveItem[] = [];
  const seenCursors = new Set<string>();
  for (let cursor: string | undefined; ; ) {
    throwIfAborted(signal);
    const page = await client.listFiles(space, folderId, { cursor, signal });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    if (seenCursors.has(page.nextCursor)) {
      throw new KooDriveError('BadResponse', `Listing folder ${folderId} returned the same page cursor twice`, { subject: folderId });
    }
    seenCursors.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/**
 * Expands `items` (files and folders) into the files to download, depth
 * first, in listing order. An item seen twice (the same id passed twice, or a
 * folder that lists an ancestor) is taken once.
 */
export async function planDownload(client: DownloadListClient, space: SpaceRef, items: readonly DriveItem[], signal?: AbortSignal): Promise<DownloadPlan> {
  const plan: DownloadPlan = { files: [], folders: [], failures: [] };
  const seen = new Set<string>();

  const visit = async (item: DriveItem, parentSegments: string[], parentRemote: string | undefined): Promise<void> => {
    const remotePath = parentRemote === undefined ? item.name : `${parentRemote}/${item.name}`;
    if (seen.has(item.id)) return;
    seen.add(item.id);
    let localName: string;
    try {
      localName = toLocalName(item.name);
    } catch (e) {
      plan.failures.push({ item, remotePath, error: e as KooDriveError });
      return;
    }
    if (!item.isFolder) {
      plan.files.push({ item, remotePath, dirSegments: parentSegments, localName });
      return;
    }
    const segments = [...parentSegments, localName];
    plan.folders.push({ item, remotePath, segments });
    let children: DriveItem[];
    try {
      children = await listAllChildren(client, space, item.id, signal);
    } catch (e) {
      if (isCancellation(e)) throw e;
      const err = KooDriveError.is(e) ? e : new KooDriveError('BadResponse', String(e), { cause: e });
      plan.failures.push({ item, remotePath, error: new KooDriveError(err.code, `Cannot list folder ${remotePath}: ${err.message}`, { cause: err, subject: remotePath, status: err.status, apiCode: err.apiCode, traceId: err.traceId }) });
      return;
    }
    for (const child of children) await visit(child, segments, remotePath);
  };

  for (const item of items) await visit(item, [], undefined);
  return plan;
}
