/**
 * Path → item resolution over the list API. KooDrive addresses everything by
 * id; a path is resolved one folder at a time by listing the folder (every
 * page: folders may hold far more than the 100 items of one page) and taking
 * the child whose name is exactly the next segment. Exact comparison matters:
 * "report.txt" must never resolve to "report.txt.bak" or "Report.txt", which
 * a search-based lookup could return.
 *
 * Folder listings are cached by folder id, bounded (least recently used
 * folders are dropped first) and time-limited, so an editor that stats the
 * same paths many times a second costs one listing per folder per TTL, while
 * changes made elsewhere show up after at most the TTL. Our own writes call
 * `invalidateFolder` for every folder they touch, so we never read our own
 * stale state. Caching by folder id (not by path) keeps a moved or renamed
 * folder's own listing valid; only the listings that name it change.
 *
 * Duplicate names: KooDrive keeps names unique per folder when asked to
 * (renameMode 3 / autoRename 3, which is what we send); should a folder still
 * hold two children with the same name, the first one in the service's
 * name order is used and the duplicate is logged.
 */
import type { KooDriveClient } from '../api/koodriveClient';
import { MAX_PAGE_SIZE } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { notFolderError } from './remoteFsErrors';

export type ListingClient = Pick<KooDriveClient, 'listFiles'>;

export interface PathResolverOptions {
  /** How long a folder listing is trusted (default 10 s). */
  ttlMs?: number;
  /** How many folder listings are kept (default 200). */
  maxFolders?: number;
  now?: () => number;
  logger?: Logger;
}

/** The space a path lives in: where to list and what its top level is. */
export interface SpaceRoot extends SpaceRef {
  rootFolderId: string;
}

export interface FolderListing {
  readonly items: readonly DriveItem[];
  readonly byName: ReadonlyMap<string, DriveItem>;
}

/** What a path names: the top level of the space (no item) or an item. */
export type Resolved =
  | { kind: 'root'; folderId: string }
  | { kind: 'item'; item: DriveItem; parentFolderId: string };

interface CacheEntry {
  listing?: FolderListing;
  expiresAt: number;
  pending?: Promise<FolderListing>;
  /** Bumped by invalidate: an answer to an older request is not cached. */
  generation: number;
}

export const DEFAULT_LISTING_TTL_MS = 10_000;
export const DEFAULT_MAX_FOLDERS = 200;

export function folderCacheKey(space: SpaceRef, folderId: string): string {
  return `${space.containerId}~${space.shareFolderId ?? ''}~${folderId}`;
}

/**
 * Names the whole path and the first name missing from it: "does/not/exist.txt"
 * with no "does" must not read "does does not exist".
 */
function missingError(names: readonly string[], missing: number): KooDriveError {
  const full = names.join('/');
  const where = missing === 0 ? 'at the top of the space' : `in ${names.slice(0, missing).join('/')}`;
  // subject: the path down to the missing name, as before (callers map it to what does not exist).
  return new KooDriveError('NotFound', `"${full}" does not exist on KooDrive: there is no "${names[missing]}" ${where}`, { subject: names.slice(0, missing + 1).join('/') });
}

export class PathResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly maxFolders: number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly client: ListingClient, opts: PathResolverOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_LISTING_TTL_MS;
    this.maxFolders = Math.max(1, opts.maxFolders ?? DEFAULT_MAX_FOLDERS);
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * Resolves `names` below the space's top level. Throws NotFound naming the
   * first missing segment, or InvalidInput when a file stands where a folder
   * is needed.
   */
  async resolve(space: SpaceRoot, names: readonly string[], signal?: AbortSignal): Promise<Resolved> {
    let folderId = space.rootFolderId;
    for (let i = 0; i < names.length; i++) {
      const listing = await this.list(space, folderId, signal);
      const item = listing.byName.get(names[i]);
      if (!item) throw missingError(names, i);
      const shown = names.slice(0, i + 1).join('/');
      if (i === names.length - 1) return { kind: 'item', item, parentFolderId: folderId };
      if (!item.isFolder) throw notFolderError(shown);
      folderId = item.id;
    }
    return { kind: 'root', folderId };
  }

  /** Resolves a path that must be a folder (or the top level) to its folder id. */
  async resolveFolder(space: SpaceRoot, names: readonly string[], signal?: AbortSignal): Promise<string> {
    const r = await this.resolve(space, names, signal);
    if (r.kind === 'root') return r.folderId;
    if (!r.item.isFolder) throw notFolderError(names.join('/'));
    return r.item.id;
  }

  /** Every child of a folder (all pages), from the cache while it is fresh. */
  async list(space: SpaceRef, folderId: string, signal?: AbortSignal): Promise<FolderListing> {
    const key = folderCacheKey(space, folderId);
    const now = this.now();
    let entry = this.cache.get(key);
    if (entry?.listing && entry.expiresAt > now) {
      this.touch(key, entry);
      return entry.listing;
    }
    if (entry?.pending) return entry.pending;
    entry ??= { expiresAt: 0, generation: 0 };
    const generation = entry.generation;
    const e = entry;
    const pending = this.fetch(space, folderId, signal).then(
      (listing) => {
        if (this.cache.get(key) === e && e.generation === generation) {
          e.listing = listing;
          e.expiresAt = this.now() + this.ttlMs;
        }
        e.pending = undefined;
        return listing;
      },
      (err) => {
        e.pending = undefined;
        throw err;
      },
    );
    e.pending = pending;
    this.touch(key, e);
    return pending;
  }

  /** Forget a folder's listing (after we changed it, or when told it changed). */
  invalidateFolder(space: SpaceRef, folderId: string): void {
    const entry = this.cache.get(folderCacheKey(space, folderId));
    if (!entry) return;
    entry.generation++;
    entry.listing = undefined;
    entry.pending = undefined;
    entry.expiresAt = 0;
  }

  /** Forget everything (sign-out, "refresh all"). */
  clear(): void {
    for (const entry of this.cache.values()) entry.generation++;
    this.cache.clear();
  }

  /** Folder listings currently held (for tests of the bound). */
  get cachedFolders(): number {
    return this.cache.size;
  }

  private touch(key: string, entry: CacheEntry): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > this.maxFolders) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.get(oldest)!.generation++;
      this.cache.delete(oldest);
    }
  }

  private async fetch(space: SpaceRef, folderId: string, signal?: AbortSignal): Promise<FolderListing> {
    const items: DriveItem[] = [];
    const seenCursors = new Set<string>();
    for (let cursor: string | undefined; ; ) {
      const page = await this.client.listFiles(space, folderId, { cursor, pageSize: MAX_PAGE_SIZE, signal });
      items.push(...page.items);
      if (!page.nextCursor) break;
      // A cursor that comes back again would loop forever: the answer is unusable.
      if (seenCursors.has(page.nextCursor)) throw new KooDriveError('BadResponse', `The listing of folder ${folderId} repeats its page cursor`);
      seenCursors.add(page.nextCursor);
      cursor = page.nextCursor;
    }
    const byName = new Map<string, DriveItem>();
    for (const item of items) {
      if (byName.has(item.name)) {
        this.logger.warn(`Folder ${folderId} has two items named "${item.name}" (${byName.get(item.name)!.id}, ${item.id}); paths use the first`);
        continue;
      }
      byName.set(item.name, item);
    }
    return { items, byName };
  }
}
