/**
 * write: new files through the upload engine's create (autoRename "fail", so
 * nothing is silently renamed); existing files as a new revision through the
 * same engine (worker hashing, multipart, flash upload). Identical content
 * creates no revision. A write can be conditional on the remote file's
 * current content (`expected`, content tags: its SHA-256, or size + edit time
 * + revision when KooDrive lists no SHA-256): the editor's conflict check and
 * the CLI's --if-sha256. A conditional write checks before it changes
 * anything: it creates no missing parent folder when the check fails. The
 * content is staged first (stageWrite.ts).
 */
import type { DriveItem, Space } from '../api/models';
import { throwIfAborted } from '../cancellation';
import { KooDriveError } from '../errors';
import type { ProgressListener } from '../progress';
import { checkRemoteName } from '../remoteNames';
import { uploadFile, UploadOptions } from '../upload/uploadFile';
import { ContentTag, contentTagOf } from './contentTag';
import { ensureFolders } from './ensureFolders';
import type { RemoteFsContext } from './remoteFsContext';
import { isFolderError } from './remoteFsErrors';
import { baseNameOf, displayNames as shown, parentOf, RemotePath } from './remotePath';
import { StagedContent, stageWrite, WriteSource } from './stageWrite';

export interface WriteOptions {
  /** Create the file when it does not exist (otherwise NotFound). */
  create: boolean;
  /** Replace an existing file's content with a new revision (otherwise Conflict). */
  overwrite: boolean;
  /** Create missing parent folders (the CLI's put); otherwise a missing parent is NotFound. */
  createParents?: boolean;
  /**
   * Write only if the remote file's current content tag (contentTag.ts) is
   * one of these, else fail with RemoteChanged and change nothing (no
   * parent folder is created either). The API has no conditional write, so
   * the check runs right before the upload starts; a change made in the
   * seconds the upload itself takes is not caught (documented).
   */
  expected?: readonly ContentTag[];
  /** With expected: a file that no longer exists may be created (the editor's "save a deleted file"). */
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

export async function writeRemoteFile(ctx: RemoteFsContext, p: RemotePath, source: WriteSource, o: WriteOptions): Promise<WriteResult> {
  throwIfAborted(o.signal);
  const name = baseNameOf(p);
  if (!name) throw isFolderError(shown(p));
  checkRemoteName(name, shown(p));
  const space = await ctx.deps.spaceOf(p.containerId, o.signal);
  if (o.expected && !o.missingOk && o.createParents) {
    // The file must exist for the condition to hold, so its folders must too: check before creating any.
    try {
      await ctx.resolver.resolveFolder(space, parentOf(p).names, o.signal);
    } catch (e) {
      if (KooDriveError.is(e, 'NotFound')) throw remoteGone(p);
      throw e;
    }
  }
  const parentId = o.createParents
    ? await ensureFolders(ctx, space, parentOf(p).names, o.signal)
    : await ctx.resolver.resolveFolder(space, parentOf(p).names, o.signal);
  const staged = await stageWrite(source, name, ctx.deps.tempDir);
  try {
    // Twice at most: a file created by someone else between our look and our create is then revised.
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeOnce(ctx, space, p, parentId, staged, o);
      } catch (e) {
        if (attempt === 1 && KooDriveError.is(e, 'Conflict') && o.overwrite) {
          ctx.resolver.invalidateFolder(space, parentId);
          continue;
        }
        throw e;
      }
    }
  } finally {
    await staged.cleanup();
  }
}

async function writeOnce(ctx: RemoteFsContext, space: Space, p: RemotePath, parentId: string, staged: StagedContent, o: WriteOptions): Promise<WriteResult> {
  const name = baseNameOf(p);
  const existing = (await ctx.resolver.list(space, parentId, o.signal)).byName.get(name);
  if (existing?.isFolder) throw isFolderError(shown(p));
  let current: DriveItem | undefined;
  if (existing) {
    try {
      current = await ctx.deps.client.getFileDetail(space, existing.id, { signal: o.signal });
    } catch (e) {
      if (!KooDriveError.is(e, 'NotFound')) throw e;
    }
    if (!current || current.recycled) {
      // Deleted or put in the recycle bin since we listed it: the name is free.
      ctx.resolver.invalidateFolder(space, parentId);
      current = undefined;
    }
  }
  if (o.expected) {
    if (current && !o.expected.includes(contentTagOf(current))) {
      throw new KooDriveError('RemoteChanged', `${shown(p)} changed on KooDrive (its SHA-256 is now ${current.sha256 ?? 'unknown'}); nothing was written`, { subject: shown(p) });
    }
    if (!current && !o.missingOk) throw remoteGone(p);
  }
  if (current && !o.overwrite) throw new KooDriveError('Conflict', `${shown(p)} already exists`, { subject: shown(p) });
  if (!current && !o.create) throw new KooDriveError('NotFound', `${shown(p)} does not exist on KooDrive`, { subject: shown(p) });

  const deps = { client: ctx.deps.client, dispatcher: ctx.deps.dispatcher, hasher: ctx.deps.hasher, logger: ctx.logger };
  const uploadOpts = { ...o.upload, signal: o.signal, onProgress: o.onProgress };
  if (current) {
    const sha256 = await staged.sha256(ctx.deps.hasher, o.signal);
    if (current.sha256 === sha256) {
      return { outcome: 'unchanged', fileId: current.id, name: current.name, size: current.size, sha256 };
    }
    try {
      const r = await uploadFile(deps, staged.file, { kind: 'revision', space, fileId: current.id }, uploadOpts);
      return { outcome: 'revised', fileId: r.fileId, name: current.name, size: r.size, sha256: r.sha256 };
    } finally {
      ctx.changed(space, { folderIds: [parentId], fileIds: [current.id] });
    }
  }
  try {
    const r = await uploadFile(deps, staged.file, { kind: 'file', space, parentFolderId: parentId, fileName: name, conflict: 'fail' }, uploadOpts);
    return { outcome: 'created', fileId: r.fileId, name: r.fileName, size: r.size, sha256: r.sha256 };
  } finally {
    ctx.changed(space, { folderIds: [parentId] });
  }
}

function remoteGone(p: RemotePath): KooDriveError {
  return new KooDriveError('RemoteChanged', `${shown(p)} no longer exists on KooDrive; nothing was written`, { subject: shown(p) });
}
