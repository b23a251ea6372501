/**
 * read: through the download engine's verified path (size and SHA-256
 * checked while streaming, a file changed meanwhile downloaded again), into a
 * private temp file, then into memory only when it is within the caller's
 * limit.
 */
import { readFile, rm } from 'node:fs/promises';
import { DEFAULT_RETRY_POLICY } from '../api/retryPolicy';
import { KooDriveError, localIoError } from '../errors';
import { DownloadLinkBatcher } from '../download/downloadLinks';
import { downloadToPartial } from '../download/downloadToPartial';
import type { Call, RemoteFsContext } from './remoteFsContext';
import { isFolderError, tooLargeError } from './remoteFsErrors';
import { displayNames as shown, RemotePath } from './remotePath';
import { RemoteStat, statRemote } from './remoteStat';
import { privateTempPath, removePrivateTemp } from './tempFiles';

/**
 * The file's verified bytes. With `maxSize`, a larger file fails with
 * reason 'tooLarge' before anything is downloaded.
 */
export async function readRemoteFile(ctx: RemoteFsContext, p: RemotePath, o: Call & { maxSize?: number } = {}): Promise<{ content: Buffer; stat: RemoteStat }> {
  const tempFile = await privateTempPath(ctx.deps.tempDir, 'read');
  try {
    const st = await downloadRemoteFile(ctx, p, tempFile, o);
    let content: Buffer;
    try {
      content = await readFile(tempFile);
    } catch (e) {
      throw localIoError(e, tempFile, 'read');
    }
    return { content, stat: st };
  } finally {
    await removePrivateTemp(tempFile);
  }
}

/**
 * Downloads the file to `destFile` (replaced), verified: it holds exactly
 * the size and SHA-256 KooDrive reports when this resolves. A file changed
 * while it was being read is read again once from its new metadata.
 */
export async function downloadRemoteFile(ctx: RemoteFsContext, p: RemotePath, destFile: string, o: Call & { maxSize?: number } = {}): Promise<RemoteStat> {
  for (let attempt = 1; ; attempt++) {
    const st = await statRemote(ctx, p, o.signal);
    if (st.kind === 'folder') throw isFolderError(shown(p));
    if (o.maxSize !== undefined && st.size > o.maxSize) throw tooLargeError(shown(p), st.size, o.maxSize);
    const space = await ctx.deps.spaceOf(p.containerId, o.signal);
    try {
      await rm(destFile, { force: true });
      await downloadToPartial({
        dispatcher: ctx.deps.dispatcher,
        links: new DownloadLinkBatcher(ctx.deps.client, space, [st.id], o.signal),
        item: { id: st.id, size: st.size, sha256: st.sha256 },
        partialPath: destFile,
        subject: shown(p),
        localPath: destFile,
        retry: DEFAULT_RETRY_POLICY,
        logger: ctx.logger,
        fsync: false,
        signal: o.signal,
      });
      return st;
    } catch (e) {
      // Someone saved a new version while we read: the bytes are not the ones the
      // metadata describes. Read once more from fresh metadata.
      if (attempt === 1 && KooDriveError.is(e, 'IntegrityFailed')) {
        ctx.logger.info(`${shown(p)} changed while it was read; reading it again`);
        continue;
      }
      throw e;
    }
  }
}
