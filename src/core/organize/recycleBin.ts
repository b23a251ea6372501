/**
 * A space's recycle bin (§2.1/2.2 with type 1), a page at a time, with the
 * folder each item was deleted from when the service still knows it. The
 * listing gives the original parent's id (`parentFolder`); its name path
 * comes from files/path, asked once per distinct folder of the page.
 */
import type { Call, KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, Page, SpaceRef } from '../api/models';
import { isCancellation } from '../errors';

export interface RecycledItem {
  item: DriveItem;
  /** "docs/reports", "" for the top of the space, undefined when unknown (the folder is gone). */
  originalFolder?: string;
  /** When it was deleted (ISO), if the service says. */
  deletedTime?: string;
}

export interface RecycleBinOptions extends Call {
  cursor?: string;
  pageSize?: number;
  /** The space's top-level folder id ("root" or a shared folder's id). */
  rootFolderId?: string;
}

export async function listRecycleBin(client: KooDriveClient, space: SpaceRef, o: RecycleBinOptions = {}): Promise<Page<RecycledItem>> {
  // sortType 5 = recycled time, newest first: what a user looks for in a bin.
  const page = await client.listFiles(space, o.rootFolderId ?? 'root', {
    recycleBin: true, cursor: o.cursor, pageSize: o.pageSize, sort: { sortType: 5, sortDirection: 2 }, signal: o.signal,
  });
  const folders = new Map<string, Promise<string | undefined>>();
  const folderOf = (id: string): Promise<string | undefined> => {
    let p = folders.get(id);
    if (!p) {
      p = client.getFilePath(space, id, o).then(
        (r) => r.namePath.split('/').filter(Boolean).slice(1).join('/'),
        (e) => {
          if (isCancellation(e)) throw e;
          return undefined; // gone or out of reach: shown as unknown
        },
      );
      folders.set(id, p);
    }
    return p;
  };
  const items = await Promise.all(page.items.map(async (item): Promise<RecycledItem> => ({
    item,
    originalFolder: item.parentId ? await folderOf(item.parentId) : undefined,
    deletedTime: item.recycledTime,
  })));
  return { items, nextCursor: page.nextCursor };
}
