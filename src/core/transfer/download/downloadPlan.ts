/**
 * What a download will do, before any byte moves: folders are listed
 * recursively (every page: pages may be short before the end, so we loop
 * until there is no cursor), every remote name is turned into a safe local
 * name, and each file gets its place below the target folder.
 */
import type { KooDriveClient } from '../../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../../api/models';
import { throwIfAborted } from '../../cancellation';
import { isCancellation, KooDriveError } from '../../errors';
import { toLocalName } from '../localNames';

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

/** Folder listings in flight at a time while planning (each is one round trip per page). */
export const LISTING_CONCURRENCY = 4;

interface Expanded {
  item: DriveItem;
  remotePath: string;
  segments: string[];
  children: Expanded[];
  failure?: KooDriveError;
}

/**
 * Expands `items` (files and folders) into the files to download, in
 * listing order, depth first. Folders are listed a few at a time (a deep
 * tree over a slow link would otherwise cost one round trip per folder, one
 * after the other). An item seen twice (the same id passed twice, or a folder
 * that lists an ancestor) is taken once.
 */
export async function planDownload(client: DownloadListClient, space: SpaceRef, items: readonly DriveItem[], signal?: AbortSignal): Promise<DownloadPlan> {
  const seen = new Set<string>();
  const slots = new Semaphore(LISTING_CONCURRENCY);

  const expand = async (item: DriveItem, parentSegments: string[], parentRemote: string | undefined): Promise<Expanded | undefined> => {
    const remotePath = parentRemote === undefined ? item.name : `${parentRemote}/${item.name}`;
    if (seen.has(item.id)) return undefined;
    seen.add(item.id);
    let localName: string;
    try {
      localName = toLocalName(item.name);
    } catch (e) {
      return { item, remotePath, segments: [...parentSegments, ''], children: [], failure: e as KooDriveError };
    }
    const segments = [...parentSegments, localName];
    const node: Expanded = { item, remotePath, segments, children: [] };
    if (!item.isFolder) return node;
    let children: DriveItem[];
    try {
      children = await slots.run(() => listAllChildren(client, space, item.id, signal));
    } catch (e) {
      // An expired session is not this folder's problem: every listing would fail alike.
      if (isCancellation(e) || KooDriveError.is(e, 'AuthRequired')) throw e;
      const err = KooDriveError.is(e) ? e : new KooDriveError('BadResponse', String(e), { cause: e });
      node.failure = new KooDriveError(err.code, `Cannot list folder ${remotePath}: ${err.message}`, {
        cause: err, subject: remotePath, status: err.status, apiCode: err.apiCode, traceId: err.traceId, retryable: err.retryable,
      });
      return node;
    }
    // expand() claims an id synchronously, before its first await: children are claimed in listing order.
    const expanded = await Promise.all(children.map((c) => expand(c, segments, remotePath)));
    node.children = expanded.filter((x): x is Expanded => x !== undefined);
    return node;
  };

  const plan: DownloadPlan = { files: [], folders: [], failures: [] };
  const flatten = (n: Expanded): void => {
    if (n.failure) {
      plan.failures.push({ item: n.item, remotePath: n.remotePath, error: n.failure });
    } else if (!n.item.isFolder) {
      plan.files.push({ item: n.item, remotePath: n.remotePath, dirSegments: n.segments.slice(0, -1), localName: n.segments[n.segments.length - 1] });
    } else {
      plan.folders.push({ item: n.item, remotePath: n.remotePath, segments: n.segments });
      n.children.forEach(flatten);
    }
  };
  const roots = await Promise.all(items.map((item) => expand(item, [], undefined)));
  roots.forEach((r) => r && flatten(r));
  return plan;
}

/** At most `limit` tasks at a time, the others wait in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((r) => this.waiting.push(r)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
