/**
 * `mkdir -p` on KooDrive: resolves folder names from the top of a space,
 * creating the missing ones (the CLI's put, createDirectory with parents).
 */
import type { Space } from '../api/models';
import { KooDriveError } from '../errors';
import { checkRemoteName } from '../remoteNames';
import type { RemoteFsContext } from './remoteFsContext';
import { notFolderError } from './remoteFsErrors';

/** The id of the folder `names` leads to, created where missing. */
export async function ensureFolders(ctx: RemoteFsContext, space: Space, names: readonly string[], signal?: AbortSignal): Promise<string> {
  let folderId = space.rootFolderId;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const here = names.slice(0, i + 1).join('/');
    let item = (await ctx.resolver.list(space, folderId, signal)).byName.get(name);
    if (!item) {
      checkRemoteName(name, here);
      try {
        item = await ctx.deps.client.createFolder(space, folderId, name, { renameMode: 3, signal });
      } catch (e) {
        if (!KooDriveError.is(e, 'Conflict')) throw e;
        // Created by someone else just now: use theirs.
        ctx.resolver.invalidateFolder(space, folderId);
        item = (await ctx.resolver.list(space, folderId, signal)).byName.get(name);
        if (!item) throw e;
      } finally {
        ctx.changed(space, { folderIds: [folderId] });
      }
    }
    if (!item.isFolder) throw notFolderError(here);
    folderId = item.id;
  }
  return folderId;
}
