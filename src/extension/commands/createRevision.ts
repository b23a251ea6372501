/**
 * koodrive.createRevision ("Save as New Revision"): uploads a local file as
 * the next version of the KooDrive file it is linked to (downloaded or
 * uploaded through the extension), or of a file picked once in a quick pick.
 */
import * as path from 'node:path';
import { uploadFile } from '../../core/upload/uploadFile';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { localFileFromArg, resolveRemoteFile } from '../targets';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';

export async function createRevision(s: Services, uri?: unknown): Promise<void> {
  const localPath = localFileFromArg(s, uri);
  await s.host.saveIfDirty(localPath);
  const target = await resolveRemoteFile(s, { scheme: 'file', fsPath: localPath });
  const conn = await s.session.connection();
  const settings = s.settings();
  const name = path.basename(localPath);
  const result = await s.progress.run({ title: l10n.t('Saving {0} as a new version of {1}', name, target.name), transfer: true }, async (report, signal) => {
    const tracker = new TransferTracker('upload', { files: 1 });
    const throttled = new ThrottledProgress(tracker, report);
    try {
      return await uploadFile(
        { client: conn.client, dispatcher: conn.dispatcher, hasher: s.hasher, resumeStore: s.resumeStore, logger: s.logger },
        localPath,
        { kind: 'revision', space: target.space, fileId: target.fileId },
        {
          partSize: settings.upload.partSize,
          concurrency: settings.upload.concurrency,
          signal,
          onProgress: throttled.onProgress,
        },
      );
    } finally {
      throttled.flush();
    }
  });
  await s.links.set(localPath, { fileId: target.fileId, space: target.space, name: target.name, parentId: target.parentId });
  if (target.parentId) s.tree.refreshFolder(target.space, target.parentId);
  const version = result.revision?.version;
  s.logger.info(`Saved ${localPath} as a new version (${version ?? '?'}) of ${target.fileId}${result.rapidUpload ? ' by flash upload' : ''}`);
  const message = version !== undefined
    ? l10n.t('Saved {0} as version {1} of {2}.', name, version, target.name)
    : l10n.t('Saved {0} as a new version of {1}.', name, target.name);
  void s.notifier.info(result.rapidUpload ? `${message} ${l10n.t('(Flash upload: KooDrive already had the content.)')}` : message);
}
