/**
 * The remote side of a sync: the linked folder's tree, each folder listed to
 * its last page by cursor, a bounded number of folders at a time. sha256
 * comes from the listing; an item without one has its detail fetched, and
 * if that has none either, it stays without (classify compares it by id,
 * size and edit time). Any failed listing marks the tree incomplete and
 * stops the walk: an incomplete tree must never read as "deleted".
 */
import type { KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { isCancellation } from '../errors';
import { isSafeLocalName } from '../bytes/localNames';
import type { RemoteFile, RemoteTree } from './syncTypes';

export type WalkClient = Pick<KooDriveClient, 'listFiles' | 'getFileDetail'>;

export interface WalkOptions {
  /** Folders listed at a time; default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?(folders: number, files: number): void;
}

export async function walkRemote(client: WalkClient, space: SpaceRef, folderId: string, o: WalkOptions = {}): Promise<RemoteTree> {
  const tree: RemoteTree = { files: new Map(), folders: new Map([['', folderId]]), complete: true, failures: [], notices: [], pages: 0 };
  const queue: Array<[string, string]> = [['', folderId]];
  const needDetail: RemoteFile[] = [];
  let active = 0;
  let failed = false;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (failed) {
        if (active === 0) resolve();
        return;
      }
      while (active < (o.concurrency ?? 4) && queue.length > 0) {
        const [rel, id] = queue.shift()!;
        active++;
        listFolder(rel, id).then(
          () => {
            active--;
            pump();
          },
          (e) => {
            active--;
            if (isCancellation(e)) {
              failed = true;
              reject(e);
              return;
            }
            failed = true;
            tree.complete = false;
            tree.failures.push(`listing ${rel || 'the linked folder'} failed: ${(e as Error).message}`);
            pump();
          },
        );
      }
      if (active === 0 && queue.length === 0) resolve();
    };
    const listFolder = async (rel: string, id: string): Promise<void> => {
      const seen = new Map<string, DriveItem>();
      const clashes = new Set<string>();
      for (let cursor: string | undefined; ; ) {
        if (failed) return;
        const page = await client.listFiles(space, id, { cursor, pageSize: 100, signal: o.signal });
        tree.pages++;
        for (const item of page.items) {
          if (seen.has(item.name)) clashes.add(item.name);
          seen.set(item.name, item);
        }
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      for (const [name, item] of seen) {
        const p = rel ? `${rel}/${name}` : name;
        if (clashes.has(name)) {
          tree.notices.push({ path: p, reason: 'invalidName', message: 'two KooDrive items have this name; neither is synced until one is renamed' });
          continue;
        }
        const problem = nameProblem(name);
        if (problem) {
          tree.notices.push({ path: p, reason: 'invalidName', message: problem });
          continue;
        }
        if (item.isFolder) {
          tree.folders.set(p, item.id);
          queue.push([p, item.id]);
        } else {
          const f: RemoteFile = { path: p, fileId: item.id, parentId: id, size: item.size, sha256: item.sha256, modifiedTime: item.modifiedTime };
          tree.files.set(p, f);
          if (!f.sha256) needDetail.push(f);
        }
      }
      o.onProgress?.(tree.folders.size, tree.files.size);
    };
    pump();
  });
  for (const f of needDetail) {
    if (!tree.complete) break;
    try {
      const d = await client.getFileDetail(space, f.fileId, { signal: o.signal });
      if (d.sha256) f.sha256 = d.sha256;
    } catch (e) {
      if (isCancellation(e)) throw e;
      // No hash then: classify compares it by id, size and edit time.
    }
  }
  return tree;
}

/** Why a remote name cannot become a local name as it is (undefined when it can). */
export function nameProblem(name: string): string | undefined {
  if (!isSafeLocalName(name)) {
    return `"${name}" is not a valid local name here; it is not synced (rename it on KooDrive)`;
  }
  return undefined;
}

