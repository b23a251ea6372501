/**
 * "The name is taken" (13000405) said once and precisely: which kind of item
 * already has the name, and where. The service's own text ("a file with the
 * same name already exists") says "file" even for a folder, and files and
 * folders share one namespace, so the clashing item is looked up in the
 * parent folder. Only on this error path; every lookup is best-effort: if one
 * fails, the message is less specific, never wrong.
 */
import { KooDriveError } from '../errors';
import { API_CODE } from './errorMapping';
import type { DriveItem, Page, Space, SpaceRef } from './models';

/** What the lookups need from the client (KooDriveClient satisfies it). */
export interface NameConflictLookups {
  listFiles(space: SpaceRef, folderId: string, opts: { cursor?: string; signal?: AbortSignal }): Promise<Page<DriveItem>>;
  getFileDetail(space: SpaceRef, fileId: string, opts: { signal?: AbortSignal }): Promise<DriveItem>;
}

/** At most this many listing pages are read to find the clashing item (100 items each). */
const MAX_PAGES = 20;

export function isNameTaken(e: unknown): e is KooDriveError {
  return KooDriveError.is(e, 'Conflict') && e.apiCode === API_CODE.duplicateName;
}

/** `e` unchanged unless it is "name taken"; then the same error with a message naming the item, its kind and its folder. */
export async function explainNameTaken(
  e: unknown, client: NameConflictLookups, space: SpaceRef, parentId: string | undefined, name: string, signal?: AbortSignal,
): Promise<unknown> {
  if (!isNameTaken(e)) return e;
  const existing = parentId === undefined ? undefined : await findChild(client, space, parentId, name, signal).catch(() => undefined);
  const where = parentId === undefined ? undefined : await folderName(client, space, parentId, signal).catch(() => undefined);
  const what = existing ? `A ${existing.isFolder ? 'folder' : 'file'} named "${name}"` : `An item named "${name}"`;
  return new KooDriveError('Conflict', `${what} already exists${where ? ` in ${where}` : ''}`, {
    cause: e, status: e.status, apiCode: e.apiCode, traceId: e.traceId, subject: name,
  });
}

/** The item named `name` in the folder (the first MAX_PAGES pages), if any. */
export async function findChild(client: NameConflictLookups, space: SpaceRef, parentId: string, name: string, signal?: AbortSignal): Promise<DriveItem | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await client.listFiles(space, parentId, { cursor, signal });
    const hit = r.items.find((i) => i.name === name);
    if (hit || !r.nextCursor) return hit;
    cursor = r.nextCursor;
  }
  return undefined;
}

/** The folder's name; for the top level, the space's name when the caller passed a Space. */
async function folderName(client: NameConflictLookups, space: SpaceRef, folderId: string, signal?: AbortSignal): Promise<string | undefined> {
  const named = space as Partial<Space>;
  if (folderId === 'root' || folderId === named.rootFolderId) return named.name;
  return (await client.getFileDetail(space, folderId, { signal })).name;
}
