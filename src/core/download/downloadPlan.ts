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
import { localPathKey, toLocalName } from '../bytes/localNames';

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

/** An item that cannot be downloaded at all: an unsafe name, a folder that could not be listed. */
export interface PlanFailure {
  item: DriveItem;
  remotePath: string;
  error: KooDriveError;
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

/** One step of a depth-first walk over the items to download, in listing order. */
export type PlanEntry =
  /** A folder about to be walked, with the local and remote names of the folders in it (claimed before any file in it). */
  | ({ kind: 'folder'; childFolders: Array<{ localName: string; remotePath: string }> } & PlannedFolder)
  | ({ kind: 'file' } & PlannedFile)
  | ({ kind: 'failure' } & PlanFailure)
  /** The walk has finished the folder (all its descendants were yielded before this). */
  | { kind: 'folderDone'; item: DriveItem; remotePath: string; segments: string[] };

/** What a walk reports about its bookkeeping. */
export interface WalkHooks {
  /**
   * Two folders of one listing (or two items passed in) would land on the
   * same local folder: whoever tracks local names must keep them for the
   * rest of the walk, not only while one of those folders is being walked.
   */
  onMergedFolders?(): void;
}

type Listing = { items: DriveItem[] } | { error: unknown };

interface Frame {
  item: DriveItem;
  remotePath: string;
  segments: string[];
  /** This folder's children, walked front to back (drained as they are walked). */
  children: DriveItem[];
  next: number;
}

/**
 * Walks `items` (files and folders) depth first in listing order, yielding
 * each folder before its contents, and each file with its safe local place.
 *
 * Memory does not grow with the number of files: a folder is listed when the
 * walk gets to it (plus a bounded look-ahead of the next few sibling folders,
 * listed concurrently so a deep tree over a slow link does not cost one round
 * trip per folder, one after the other). What is held is the listings of the
 * folders on the current path.
 *
 * An item is taken once: ids of the items passed in and of every folder are
 * remembered (so a folder that lists an ancestor cannot loop), and a listing
 * that repeats an id yields it once. A file id that two different folders
 * list is downloaded into both (the server gave it two places; remembering
 * every file id would make memory grow with the file count).
 */
export async function* walkDownload(
  client: DownloadListClient,
  space: SpaceRef,
  items: readonly DriveItem[],
  signal?: AbortSignal,
  hooks: WalkHooks = {},
): AsyncGenerator<PlanEntry> {
  const slots = new Semaphore(LISTING_CONCURRENCY);
  const listings = new Map<string, Promise<Listing>>();
  const list = (folderId: string): Promise<Listing> => {
    let pending = listings.get(folderId);
    if (!pending) {
      // Settled into a value at once: a look-ahead listing that fails must not be an unhandled rejection.
      pending = slots.run(() => listAllChildren(client, space, folderId, signal)).then((items) => ({ items }), (error: unknown) => ({ error }));
      listings.set(folderId, pending);
    }
    return pending;
  };
  // The items passed in are claimed before any listing can find them again.
  const claimed = new Set<string>();
  const top: DriveItem[] = [];
  for (const item of items) {
    if (claimed.has(item.id)) continue;
    claimed.add(item.id);
    top.push(item);
  }
  if (hasNameClash(childFolderNames(top, undefined))) hooks.onMergedFolders?.();

  const stack: Frame[] = [{ item: { id: '', name: '', isFolder: true, fileType: '10', size: 0 }, remotePath: '', segments: [], children: top, next: 0 }];
  const lookAhead = (frame: Frame): void => {
    let started = 0;
    for (let i = frame.next; i < frame.children.length && started < LISTING_CONCURRENCY; i++) {
      const c = frame.children[i];
      if (!c.isFolder) continue;
      started++;
      if (typeof safeName(c.name) === 'string') void list(c.id);
    }
  };
  while (stack.length > 0) {
    throwIfAborted(signal);
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.children.length) {
      stack.pop();
      if (stack.length > 0) yield { kind: 'folderDone', item: frame.item, remotePath: frame.remotePath, segments: frame.segments };
      continue;
    }
    const item = frame.children[frame.next];
    frame.children[frame.next++] = undefined as unknown as DriveItem; // walked: let it go
    const remotePath = stack.length === 1 ? item.name : `${frame.remotePath}/${item.name}`;
    const localName = safeName(item.name);
    if (typeof localName !== 'string') {
      yield { kind: 'failure', item, remotePath, error: localName };
      continue;
    }
    if (!item.isFolder) {
      yield { kind: 'file', item, remotePath, dirSegments: frame.segments, localName };
      continue;
    }
    lookAhead(frame);
    const listing = await list(item.id);
    listings.delete(item.id);
    if ('error' in listing) {
      const e = listing.error;
      // An expired session is not this folder's problem: every listing would fail alike.
      if (isCancellation(e) || KooDriveError.is(e, 'AuthRequired')) throw e;
      const err = KooDriveError.is(e) ? e : new KooDriveError('BadResponse', String(e), { cause: e });
      yield {
        kind: 'failure', item, remotePath,
        error: new KooDriveError(err.code, `Cannot list folder ${remotePath}: ${err.message}`, {
          cause: err, subject: remotePath, status: err.status, apiCode: err.apiCode, traceId: err.traceId, retryable: err.retryable,
        }),
      };
      continue;
    }
    const segments = [...frame.segments, localName];
    const children: DriveItem[] = [];
    const inListing = new Set<string>();
    for (const c of listing.items) {
      if (claimed.has(c.id) || inListing.has(c.id)) continue;
      inListing.add(c.id);
      if (c.isFolder) claimed.add(c.id);
      children.push(c);
    }
    const childFolders = childFolderNames(children, remotePath);
    if (hasNameClash(childFolders)) hooks.onMergedFolders?.();
    yield { kind: 'folder', item, remotePath, segments, childFolders };
    stack.push({ item, remotePath, segments, children, next: 0 });
  }
}

/** The local name of a remote one, or the reason it has none. */
function safeName(name: string): string | KooDriveError {
  try {
    return toLocalName(name);
  } catch (e) {
    return KooDriveError.is(e) ? e : new KooDriveError('InvalidInput', String(e), { subject: name });
  }
}

/** The local names of the folders among `items` that have one. */
export function childFolderNames(items: readonly DriveItem[], parentRemote: string | undefined): Array<{ localName: string; remotePath: string }> {
  const out: Array<{ localName: string; remotePath: string }> = [];
  for (const i of items) {
    if (!i.isFolder) continue;
    const localName = safeName(i.name);
    if (typeof localName === 'string') out.push({ localName, remotePath: parentRemote === undefined ? i.name : `${parentRemote}/${i.name}` });
  }
  return out;
}

/** Two of these folders land on the same local folder (e.g. "a:b" and "a_b", or "A" and "a" where case does not count). */
function hasNameClash(folders: ReadonlyArray<{ localName: string }>): boolean {
  const keys = new Set<string>();
  for (const f of folders) {
    const key = localPathKey(f.localName);
    if (keys.has(key)) return true;
    keys.add(key);
  }
  return false;
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
