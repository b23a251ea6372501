/**
 * KooDrive as a file system addressed by path: what the editor's
 * FileSystemProvider and the CLI's stat/cat/put/ls share. No 'vscode' here.
 * This class is the entry point and holds the operations that only rearrange
 * the tree; the others live in their own modules:
 *
 *  - stat ................ remoteStat.ts
 *  - read / download ..... readRemoteFile.ts (temp files: tempFiles.ts)
 *  - write ............... writeRemoteFile.ts (the save staged: stageWrite.ts;
 *                          missing parents: ensureFolders.ts)
 *  - createDirectory, delete (to the recycle bin, restorable), rename (the
 *    rename API; to another folder, a move job first): here.
 *
 * Every change we make invalidates the listings it touched and is published
 * on DriveChanges once (listingChanges.ts).
 */
import type { DriveItem } from '../api/models';
import { KooDriveError } from '../errors';
import { silentLogger } from '../logger';
import { moveItems, recycleItems, throwIfAnyFailed } from '../organize/organizeItems';
import { checkRemoteName } from '../remoteNames';
import { ensureFolders } from './ensureFolders';
import { ListingChanges } from './listingChanges';
import { PathResolver } from './pathResolver';
import { downloadRemoteFile, readRemoteFile } from './readRemoteFile';
import type { Call, RemoteFileSystemDeps, RemoteFsContext } from './remoteFsContext';
import { baseNameOf, displayNames as shown, isWithin, parentOf, RemotePath } from './remotePath';
import { RemoteEntry, RemoteStat, statOf, statRemote } from './remoteStat';
import type { WriteSource } from './stageWrite';
import { WriteOptions, WriteResult, writeRemoteFile } from './writeRemoteFile';

export class RemoteFileSystem {
  readonly resolver: PathResolver;
  private readonly ctx: RemoteFsContext;
  private readonly listingChanges: ListingChanges;

  constructor(deps: RemoteFileSystemDeps) {
    const logger = deps.logger ?? silentLogger;
    const resolver = deps.resolver ?? new PathResolver(deps.client, { logger });
    this.resolver = resolver;
    const listingChanges = new ListingChanges(resolver, deps.changes, this);
    this.listingChanges = listingChanges;
    this.ctx = { deps, resolver, logger, changed: (space, c) => listingChanges.publish(space, c) };
  }

  /** Stops listening to DriveChanges (the host replaces this instance after a new sign-in). */
  dispose(): void {
    this.listingChanges.dispose();
    this.resolver.clear();
  }

  stat(p: RemotePath, o: Call = {}): Promise<RemoteStat> {
    return statRemote(this.ctx, p, o.signal);
  }

  async readDirectory(p: RemotePath, o: Call = {}): Promise<RemoteEntry[]> {
    const space = await this.ctx.deps.spaceOf(p.containerId, o.signal);
    const folderId = await this.resolver.resolveFolder(space, p.names, o.signal);
    const listing = await this.resolver.list(space, folderId, o.signal);
    return [...listing.byName.values()].map((item) => ({ name: item.name, kind: item.isFolder ? 'folder' : 'file', item }));
  }

  /** The file's verified bytes; with `maxSize`, a larger file fails with reason 'tooLarge' before anything is downloaded. */
  readFile(p: RemotePath, o: Call & { maxSize?: number } = {}): Promise<{ content: Buffer; stat: RemoteStat }> {
    return readRemoteFile(this.ctx, p, o);
  }

  /** Downloads the file to `destFile` (replaced), verified against the size and SHA-256 KooDrive reports. */
  downloadFile(p: RemotePath, destFile: string, o: Call & { maxSize?: number } = {}): Promise<RemoteStat> {
    return downloadRemoteFile(this.ctx, p, destFile, o);
  }

  writeFile(p: RemotePath, source: WriteSource, o: WriteOptions): Promise<WriteResult> {
    return writeRemoteFile(this.ctx, p, source, o);
  }

  /** Creates a folder; its parent must exist unless `parents` is set. */
  async createDirectory(p: RemotePath, o: Call & { parents?: boolean } = {}): Promise<RemoteStat> {
    const name = baseNameOf(p);
    if (!name) throw new KooDriveError('Conflict', 'The top level of a space always exists', { subject: '/' });
    checkRemoteName(name, shown(p));
    const space = await this.ctx.deps.spaceOf(p.containerId, o.signal);
    const parentId = o.parents
      ? await ensureFolders(this.ctx, space, parentOf(p).names, o.signal)
      : await this.resolver.resolveFolder(space, parentOf(p).names, o.signal);
    const existing = (await this.resolver.list(space, parentId, o.signal)).byName.get(name);
    if (existing) throw new KooDriveError('Conflict', `${shown(p)} already exists`, { subject: shown(p) });
    let folder: DriveItem;
    try {
      folder = await this.ctx.deps.client.createFolder(space, parentId, name, { renameMode: 3, signal: o.signal });
    } finally {
      this.ctx.changed(space, { folderIds: [parentId] });
    }
    return statOf(folder, parentId);
  }

  /** Moves a file or folder (with everything in it) to the recycle bin. */
  async delete(p: RemotePath, o: Call & { recursive?: boolean } = {}): Promise<void> {
    const { client } = this.ctx.deps;
    const space = await this.ctx.deps.spaceOf(p.containerId, o.signal);
    const r = await this.resolver.resolve(space, p.names, o.signal);
    if (r.kind === 'root') throw new KooDriveError('PermissionDenied', 'The top level of a space cannot be deleted', { subject: '/' });
    if (r.item.isFolder && o.recursive === false) {
      const children = await this.resolver.list(space, r.item.id, o.signal);
      if (children.items.length > 0) throw new KooDriveError('InvalidInput', `${shown(p)} is not empty`, { subject: shown(p) });
    }
    try {
      throwIfAnyFailed(await recycleItems(client, space, [{ fileId: r.item.id, name: shown(p) }], { signal: o.signal }), 'moved to the recycle bin');
    } finally {
      this.ctx.changed(space, { folderIds: [r.parentFolderId, ...(r.item.isFolder ? [r.item.id] : [])], removedIds: [r.item.id] });
    }
  }

  /**
   * Renames and/or moves within one space. With `overwrite`, an item already
   * at the target goes to the recycle bin first (restorable), never deleted.
   */
  async rename(from: RemotePath, to: RemotePath, o: Call & { overwrite?: boolean } = {}): Promise<RemoteStat> {
    if (from.containerId !== to.containerId) {
      throw new KooDriveError('InvalidInput', 'Moving between KooDrive spaces is not supported: download and upload instead', { subject: shown(to) });
    }
    const newName = baseNameOf(to);
    if (!newName || from.names.length === 0) throw new KooDriveError('InvalidInput', 'The top level of a space cannot be moved or renamed', { subject: '/' });
    if (isWithin(to, from)) throw new KooDriveError('InvalidInput', `Cannot move ${shown(from)} into itself`, { subject: shown(to) });
    checkRemoteName(newName, shown(to));
    const { client } = this.ctx.deps;
    const space = await this.ctx.deps.spaceOf(from.containerId, o.signal);
    const src = await this.resolver.resolve(space, from.names, o.signal);
    if (src.kind === 'root') throw new KooDriveError('InvalidInput', 'The top level of a space cannot be moved', { subject: '/' });
    const dstParentId = await this.resolver.resolveFolder(space, parentOf(to).names, o.signal);
    const touched = new Set([src.parentFolderId, dstParentId]);
    try {
      const existing = (await this.resolver.list(space, dstParentId, o.signal)).byName.get(newName);
      if (existing?.id === src.item.id) return statOf(src.item, dstParentId);
      if (existing) {
        if (!o.overwrite) throw new KooDriveError('Conflict', `${shown(to)} already exists`, { subject: shown(to) });
        throwIfAnyFailed(await recycleItems(client, space, [{ fileId: existing.id, name: shown(to) }], { signal: o.signal }), 'moved to the recycle bin');
      }
      let currentName = src.item.name;
      if (dstParentId !== src.parentFolderId) {
        throwIfAnyFailed(await moveItems(client, space, [{ fileId: src.item.id, name: shown(from) }], { space, folderId: dstParentId }, { signal: o.signal }), 'moved');
        // The move job resolves name clashes by renaming; read the name it ended up with.
        currentName = (await client.getFileDetail(space, src.item.id, { signal: o.signal })).name;
      }
      if (currentName !== newName) await client.renameFile(space, src.item.id, newName, { renameMode: 3, signal: o.signal });
      const after = await client.getFileDetail(space, src.item.id, { signal: o.signal });
      return statOf(after, dstParentId);
    } finally {
      this.ctx.changed(space, { folderIds: [...touched], removedIds: [src.item.id] });
    }
  }
}
