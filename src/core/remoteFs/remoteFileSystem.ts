/**
 * KooDrive as a file system addressed by path: what the editor's
 * FileSystemProvider and the CLI's stat/cat/put/ls share. No 'vscode' here.
 *
 *  - stat: folders come from the (cached) listing; a file's metadata is
 *    always read fresh (file detail), because the editor decides "the file
 *    changed on KooDrive" from it right before every save.
 *  - read: through the download engine's verified path (size and SHA-256
 *    checked while streaming, a changed file downloaded again), into a temp
 *    file, then into memory only when it is within the caller's limit.
 *  - write: new files through the upload engine's create (autoRename "fail",
 *    so nothing is silently renamed); existing files as a new revision through
 *    the same engine (worker hashing, multipart, flash upload). Identical
 *    content creates no revision. A write can be conditional on the remote
 *    file's current SHA-256 (`expectedSha256`): the editor's conflict check
 *    and the CLI's --if-sha256.
 *  - delete: to the recycle bin (jobs API), restorable. rename: the rename
 *    API; to another folder, a move job first.
 *
 * Every change we make invalidates the listings it touched and is published
 * on DriveChanges once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat as fsStat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import type { KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, Space } from '../api/models';
import { DEFAULT_RETRY_POLICY } from '../api/retryPolicy';
import { throwIfAborted } from '../cancellation';
import { KooDriveError, localIoError } from '../errors';
import { moveItems, moveToRecycleBin } from '../jobs';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { checkRemoteName } from '../remoteNames';
import { DownloadLinkBatcher } from '../download/downloadLinks';
import { downloadToPartial } from '../download/downloadToPartial';
import type { FileHasher } from '../upload/fileHasher';
import { uploadFile, UploadOptions } from '../upload/uploadFile';
import type { DriveChanges } from './driveChanges';
import { PathResolver, Resolved } from './pathResolver';
import { isFolderError, notFolderError, tooLargeError } from './remoteFsErrors';
import { baseNameOf, displayNames, isWithin, parentOf, RemotePath } from './remotePath';

export interface RemoteStat {
  kind: 'file' | 'folder';
  /** The item's id (the space's root folder id for its top level). */
  id: string;
  name: string;
  size: number;
  /** Lowercase hex; files only, when KooDrive reports it. */
  sha256?: string;
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

export type WriteSource = { bytes: Uint8Array } | { file: string };

export interface WriteOptions {
  /** Create the file when it does not exist (otherwise NotFound). */
  create: boolean;
  /** Replace an existing file's content with a new revision (otherwise Conflict). */
  overwrite: boolean;
  /** Create missing parent folders (the CLI's put); otherwise a missing parent is NotFound. */
  createParents?: boolean;
  /**
   * Write only if the remote file's current SHA-256 is one of these, else
   * fail with RemoteChanged and change nothing. The API has no conditional
   * write, so the check runs right before the upload starts; a change made
   * in the seconds the upload itself takes is not caught (documented).
   */
  expectedSha256?: readonly string[];
  /** With expectedSha256: a file that no longer exists may be created (the editor's "save a deleted file"). */
  missingOk?: boolean;
  upload?: Pick<UploadOptions, 'partSize' | 'concurrency'>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export type WriteOutcome = 'created' | 'revised' | 'unchanged';

export interface WriteResult {
  outcome: WriteOutcome;
  fileId: string;
  name: string;
  size: number;
  sha256: string;
}

export interface RemoteFileSystemDeps {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  hasher: FileHasher;
  /** The space a path's first part names (a container id, or `<containerId>~<shareFolderId>` for a shared folder). */
  spaceOf(spaceKey: string, signal?: AbortSignal): Promise<Space>;
  /** Private folder for the temp files of reads and writes. */
  tempDir: string;
  resolver?: PathResolver;
  changes?: DriveChanges;
  logger?: Logger;
}

interface Call {
  signal?: AbortSignal;
}

const shown = displayNames;

export class RemoteFileSystem {
  readonly resolver: PathResolver;
  private readonly logger: Logger;
  private readonly subscription?: { dispose(): void };

  constructor(private readonly deps: RemoteFileSystemDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.resolver = deps.resolver ?? new PathResolver(deps.client, { logger: this.logger });
    // Changes published by others (tree commands) make our listings stale too.
    this.subscription = deps.changes?.onDidChange((c) => {
      if (c.origin === this) return;
      if (c.all) this.resolver.clear();
      for (const id of c.folderIds ?? []) this.resolver.invalidateFolder(c.space, id);
    });
  }

  /** Stops listening to DriveChanges (the host replaces this instance after a new sign-in). */
  dispose(): void {
    this.subscription?.dispose();
    this.resolver.clear();
  }

  async stat(p: RemotePath, o: Call = {}): Promise<RemoteStat> {
    const space = await this.deps.spaceOf(p.containerId, o.signal);
    const r = await this.resolver.resolve(space, p.names, o.signal);
    if (r.kind === 'root') return { kind: 'folder', id: r.folderId, name: space.name, size: 0, mtimeMs: 0, ctimeMs: 0 };
    if (r.item.isFolder) return statOf(r.item, r.parentFolderId);
    return this.freshFileStat(space, p, r, o.signal);
  }

  async readDirectory(p: RemotePath, o: Call = {}): Promise<RemoteEntry[]> {
    const space = await this.deps.spaceOf(p.containerId, o.signal);
    const folderId = await this.resolver.resolveFolder(space, p.names, o.signal);
    const listing = await this.resolver.list(space, folderId, o.signal);
    return [...listing.byName.values()].map((item) => ({ name: item.name, kind: item.isFolder ? 'folder' : 'file', item }));
  }

  /**
   * The file's verified bytes. With `maxSize`, a larger file fails with
   * reason 'tooLarge' before anything is downloaded.
   */
  async readFile(p: RemotePath, o: Call & { maxSize?: number } = {}): Promise<{ content: Buffer; stat: RemoteStat }> {
    const tempFile = await this.tempPath('read');
    try {
      const st = await this.downloadFile(p, tempFile, o);
      let content: Buffer;
      try {
        content = await readFile(tempFile);
      } catch (e) {
        throw localIoError(e, tempFile, 'read');
      }
      return { content, stat: st };
    } finally {
      await rm(path.dirname(tempFile), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * Downloads the file to `destFile` (replaced), verified: it holds exactly
   * the size and SHA-256 KooDrive reports when this resolves. A file changed
   * while it was being read is read again once from its new metadata.
   */
  async downloadFile(p: RemotePath, destFile: string, o: Call & { maxSize?: number } = {}): Promise<RemoteStat> {
    for (let attempt = 1; ; attempt++) {
      const st = await this.stat(p, o);
      if (st.kind === 'folder') throw isFolderError(shown(p));
      if (o.maxSize !== undefined && st.size > o.maxSize) throw tooLargeError(shown(p), st.size, o.maxSize);
      const space = await this.deps.spaceOf(p.containerId, o.signal);
      try {
        await rm(destFile, { force: true });
        await downloadToPartial({
          dispatcher: this.deps.dispatcher,
          links: new DownloadLinkBatcher(this.deps.client, space, [st.id], o.signal),
          item: { id: st.id, size: st.size, sha256: st.sha256 },
          partialPath: destFile,
          subject: shown(p),
          localPath: destFile,
          retry: DEFAULT_RETRY_POLICY,
          logger: this.logger,
          fsync: false,
          signal: o.signal,
        });
        return st;
      } catch (e) {
        // Someone saved a new version while we read: the bytes are not the ones the
        // metadata describes. Read once more from fresh metadata.
        if (attempt === 1 && KooDriveError.is(e, 'IntegrityFailed')) {
          this.logger.info(`${shown(p)} changed while it was read; reading it again`);
          continue;
        }
        throw e;
      }
    }
  }

  async writeFile(p: RemotePath, source: WriteSource, o: WriteOptions): Promise<WriteResult> {
    throwIfAborted(o.signal);
    const name = baseNameOf(p);
    if (!name) throw isFolderError(shown(p));
    checkRemoteName(name, shown(p));
    const space = await this.deps.spaceOf(p.containerId, o.signal);
    const parentId = o.createParents
      ? await this.ensureFolders(space, parentOf(p).names, o.signal)
      : await this.resolver.resolveFolder(space, parentOf(p).names, o.signal);
    const staged = await this.stage(source, name);
    try {
      // Twice at most: a file created by someone else between our look and our create is then revised.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.writeOnce(space, p, parentId, staged, o);
        } catch (e) {
          if (attempt === 1 && KooDriveError.is(e, 'Conflict') && o.overwrite) {
            this.resolver.invalidateFolder(space, parentId);
            continue;
          }
          throw e;
        }
      }
    } finally {
      await staged.cleanup();
    }
  }

  /** Creates a folder; its parent must exist unless `parents` is set. */
  async createDirectory(p: RemotePath, o: Call & { parents?: boolean } = {}): Promise<RemoteStat> {
    const name = baseNameOf(p);
    if (!name) throw new KooDriveError('Conflict', 'The top level of a space always exists', { subject: '/' });
    checkRemoteName(name, shown(p));
    const space = await this.deps.spaceOf(p.containerId, o.signal);
    const parentId = o.parents
      ? await this.ensureFolders(space, parentOf(p).names, o.signal)
      : await this.resolver.resolveFolder(space, parentOf(p).names, o.signal);
    const existing = (await this.resolver.list(space, parentId, o.signal)).byName.get(name);
    if (existing) throw new KooDriveError('Conflict', `${shown(p)} already exists`, { subject: shown(p) });
    let folder: DriveItem;
    try {
      folder = await this.deps.client.createFolder(space, parentId, name, { renameMode: 3, signal: o.signal });
    } finally {
      this.changed(space, { folderIds: [parentId] });
    }
    return statOf(folder, parentId);
  }

  /** Moves a file or folder (with everything in it) to the recycle bin. */
  async delete(p: RemotePath, o: Call & { recursive?: boolean } = {}): Promise<void> {
    const space = await this.deps.spaceOf(p.containerId, o.signal);
    const r = await this.resolver.resolve(space, p.names, o.signal);
    if (r.kind === 'root') throw new KooDriveError('PermissionDenied', 'The top level of a space cannot be deleted', { subject: '/' });
    if (r.item.isFolder && o.recursive === false) {
      const children = await this.resolver.list(space, r.item.id, o.signal);
      if (children.items.length > 0) throw new KooDriveError('InvalidInput', `${shown(p)} is not empty`, { subject: shown(p) });
    }
    try {
      await moveToRecycleBin(this.deps.client, space, [r.item.id], { signal: o.signal });
    } finally {
      this.changed(space, { folderIds: [r.parentFolderId, ...(r.item.isFolder ? [r.item.id] : [])], removedIds: [r.item.id] });
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
    const space = await this.deps.spaceOf(from.containerId, o.signal);
    const src = await this.resolver.resolve(space, from.names, o.signal);
    if (src.kind === 'root') throw new KooDriveError('InvalidInput', 'The top level of a space cannot be moved', { subject: '/' });
    const dstParentId = await this.resolver.resolveFolder(space, parentOf(to).names, o.signal);
    const touched = new Set([src.parentFolderId, dstParentId]);
    try {
      const existing = (await this.resolver.list(space, dstParentId, o.signal)).byName.get(newName);
      if (existing?.id === src.item.id) return statOf(src.item, dstParentId);
      if (existing) {
        if (!o.overwrite) throw new KooDriveError('Conflict', `${shown(to)} already exists`, { subject: shown(to) });
        await moveToRecycleBin(this.deps.client, space, [existing.id], { signal: o.signal });
      }
      let currentName = src.item.name;
      if (dstParentId !== src.parentFolderId) {
        await moveItems(this.deps.client, space, [src.item.id], dstParentId, { signal: o.signal });
        // The move job resolves name clashes by renaming; read the name it ended up with.
        currentName = (await this.deps.client.getFileDetail(space, src.item.id, { signal: o.signal })).name;
      }
      if (currentName !== newName) await this.deps.client.renameFile(space, src.item.id, newName, { renameMode: 3, signal: o.signal });
      const after = await this.deps.client.getFileDetail(space, src.item.id, { signal: o.signal });
      return statOf(after, dstParentId);
    } finally {
      this.changed(space, { folderIds: [...touched], removedIds: [src.item.id] });
    }
  }

  // ---- internals --------------------------------------------------------

  private async writeOnce(space: Space, p: RemotePath, parentId: string, staged: Staged, o: WriteOptions): Promise<WriteResult> {
    const name = baseNameOf(p);
    let existing = (await this.resolver.list(space, parentId, o.signal)).byName.get(name);
    if (existing?.isFolder) throw isFolderError(shown(p));
    let current: DriveItem | undefined;
    if (existing) {
      try {
        current = await this.deps.client.getFileDetail(space, existing.id, { signal: o.signal });
      } catch (e) {
        if (!KooDriveError.is(e, 'NotFound')) throw e;
        this.resolver.invalidateFolder(space, parentId);
        existing = undefined; // deleted since we listed it
      }
    }
    if (o.expectedSha256) {
      if (current && !o.expectedSha256.includes(current.sha256 ?? '')) {
        throw new KooDriveError('RemoteChanged', `${shown(p)} changed on KooDrive (its SHA-256 is now ${current.sha256 ?? 'unknown'}); nothing was written`, { subject: shown(p) });
      }
      if (!current && !o.missingOk) {
        throw new KooDriveError('RemoteChanged', `${shown(p)} no longer exists on KooDrive; nothing was written`, { subject: shown(p) });
      }
    }
    if (current && !o.overwrite) throw new KooDriveError('Conflict', `${shown(p)} already exists`, { subject: shown(p) });
    if (!current && !o.create) throw new KooDriveError('NotFound', `${shown(p)} does not exist on KooDrive`, { subject: shown(p) });

    const deps = { client: this.deps.client, dispatcher: this.deps.dispatcher, hasher: this.deps.hasher, logger: this.logger };
    const uploadOpts = { ...o.upload, signal: o.signal, onProgress: o.onProgress };
    if (current) {
      const sha256 = await staged.sha256(this.deps.hasher, o.signal);
      if (current.sha256 === sha256) {
        return { outcome: 'unchanged', fileId: current.id, name: current.name, size: current.size, sha256 };
      }
      try {
        const r = await uploadFile(deps, staged.file, { kind: 'revision', space, fileId: current.id }, uploadOpts);
        return { outcome: 'revised', fileId: r.fileId, name: current.name, size: r.size, sha256: r.sha256 };
      } finally {
        this.changed(space, { folderIds: [parentId], fileIds: [current.id] });
      }
    }
    try {
      const r = await uploadFile(deps, staged.file, { kind: 'file', space, parentFolderId: parentId, fileName: name, conflict: 'fail' }, uploadOpts);
      return { outcome: 'created', fileId: r.fileId, name: r.fileName, size: r.size, sha256: r.sha256 };
    } finally {
      this.changed(space, { folderIds: [parentId] });
    }
  }

  /** The fresh metadata of a file resolved from a (possibly cached) listing. */
  private async freshFileStat(space: Space, p: RemotePath, r: Extract<Resolved, { kind: 'item' }>, signal?: AbortSignal): Promise<RemoteStat> {
    try {
      const d = await this.deps.client.getFileDetail(space, r.item.id, { signal });
      // Renamed, moved or replaced elsewhere: the cached listing is stale; look again.
      if (d.name === r.item.name && (d.parentId === undefined || d.parentId === r.parentFolderId)) return statOf(d, r.parentFolderId);
    } catch (e) {
      if (!KooDriveError.is(e, 'NotFound')) throw e;
    }
    this.resolver.invalidateFolder(space, r.parentFolderId);
    const again = await this.resolver.resolve(space, p.names, signal);
    if (again.kind !== 'item') return { kind: 'folder', id: again.folderId, name: space.name, size: 0, mtimeMs: 0, ctimeMs: 0 };
    if (again.item.isFolder) return statOf(again.item, again.parentFolderId);
    return statOf(await this.deps.client.getFileDetail(space, again.item.id, { signal }), again.parentFolderId);
  }

  /** Resolves folder names, creating the missing ones (mkdir -p). */
  private async ensureFolders(space: Space, names: readonly string[], signal?: AbortSignal): Promise<string> {
    let folderId = space.rootFolderId;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const here = names.slice(0, i + 1).join('/');
      let item = (await this.resolver.list(space, folderId, signal)).byName.get(name);
      if (!item) {
        checkRemoteName(name, here);
        try {
          item = await this.deps.client.createFolder(space, folderId, name, { renameMode: 3, signal });
        } catch (e) {
          if (!KooDriveError.is(e, 'Conflict')) throw e;
          // Created by someone else just now: use theirs.
          this.resolver.invalidateFolder(space, folderId);
          item = (await this.resolver.list(space, folderId, signal)).byName.get(name);
          if (!item) throw e;
        } finally {
          this.changed(space, { folderIds: [folderId] });
        }
      }
      if (!item.isFolder) throw notFolderError(here);
      folderId = item.id;
    }
    return folderId;
  }

  private changed(space: Space, c: { folderIds?: string[]; fileIds?: string[]; removedIds?: string[] }): void {
    for (const id of c.folderIds ?? []) this.resolver.invalidateFolder(space, id);
    this.deps.changes?.publish({ space, ...c, origin: this });
  }

  private async tempPath(purpose: string, suffix = ''): Promise<string> {
    const dir = path.join(this.deps.tempDir, `koodrive-${purpose}-${randomUUID()}`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw localIoError(e, dir, 'create');
    }
    return path.join(dir, `content${suffix}`);
  }

  /** Content to upload, as a local file (the upload engine reads files). */
  private async stage(source: WriteSource, remoteName: string): Promise<Staged> {
    if ('file' in source) {
      let st;
      try {
        st = await fsStat(source.file);
      } catch (e) {
        throw localIoError(e, source.file, 'read');
      }
      if (!st.isFile()) throw new KooDriveError('InvalidInput', `${source.file} is not a regular file`, { subject: source.file });
      const file = source.file;
      return {
        file,
        sha256: async (hasher, signal) => (await hasher.hashFile(file, { partOffsets: [0], length: st.size, mtimeMs: st.mtimeMs, signal })).sha256,
        cleanup: async () => undefined,
      };
    }
    // The temp file keeps the remote name's extension: the upload engine derives the MIME type from it.
    const ext = path.extname(remoteName).slice(0, 32);
    const file = await this.tempPath('write', ext);
    try {
      await writeFile(file, source.bytes, { mode: 0o600 });
    } catch (e) {
      await rm(path.dirname(file), { recursive: true, force: true }).catch(() => undefined);
      throw localIoError(e, file, 'write');
    }
    const digest = createHash('sha256').update(source.bytes).digest('hex');
    return { file, sha256: async () => digest, cleanup: () => rm(path.dirname(file), { recursive: true, force: true }).catch(() => undefined) };
  }
}

interface Staged {
  file: string;
  sha256(hasher: FileHasher, signal?: AbortSignal): Promise<string>;
  cleanup(): Promise<void>;
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
    mtimeMs: timeOf(item.modifiedTime),
    ctimeMs: timeOf(item.createdTime),
    parentFolderId,
    item,
  };
}
