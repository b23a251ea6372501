/** koodrive.restoreRevision: makes an earlier version the latest again (KooDrive keeps the history). */
import type { Revision } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { RemoteFileTarget, resolveRemoteFile } from '../targets';
import { listAllRevisions, pickRevision } from '../ui/revisionPicker';

export async function restoreRevision(s: Services, arg?: unknown): Promise<void> {
  const target = await resolveRemoteFile(s, arg);
  const conn = await s.session.connection();
  const revisions = (await listAllRevisions(conn.client, target.space, target.fileId)).filter((r) => !r.isLatest);
  if (revisions.length === 0) throw new KooDriveError('InvalidInput', l10n.t('{0} has no earlier versions to restore.', target.name));
  const rev = await pickRevision(s.prompts, revisions, {
    title: l10n.t('Restore a Version of {0}', target.name),
    placeholder: l10n.t('Choose the version to restore'),
  });
  await restoreRevisionOf(s, target, rev);
}

export async function restoreRevisionOf(s: Services, target: RemoteFileTarget, rev: Revision): Promise<void> {
  const conn = await s.session.connection();
  await conn.client.restoreRevision(target.space, target.fileId, rev.revisionId);
  s.logger.info(`Restored version ${rev.version} (${rev.revisionId}) of ${target.fileId}`);
  if (target.parentId) s.tree.refreshFolder(target.space, target.parentId);
  void s.notifier.info(l10n.t('Restored version {0} of {1}; it is now the latest version.', rev.version, target.name));
}
