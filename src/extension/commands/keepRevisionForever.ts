/**
 * koodrive.keepRevisionForever: marks a version "keep forever" so automatic
 * clean-up never removes it; choosing a version that is already kept
 * releases it.
 */
import type { Revision } from '../../core/api/models';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { RemoteFileTarget, resolveRemoteFile } from '../targets';
import { listAllRevisions, pickRevision } from '../ui/revisionPicker';

export async function keepRevisionForever(s: Services, arg?: unknown): Promise<void> {
  const target = await resolveRemoteFile(s, arg);
  const conn = await s.session.connection();
  const revisions = await listAllRevisions(conn.client, target.space, target.fileId);
  const rev = await pickRevision(s.prompts, revisions, {
    title: l10n.t('Keep a Version of {0} Forever', target.name),
    placeholder: l10n.t('Choose the version to keep forever (choosing a kept version releases it)'),
  });
  await setKeepForever(s, target, rev, !rev.keepForever);
}

export async function setKeepForever(s: Services, target: RemoteFileTarget, rev: Revision, keep: boolean): Promise<void> {
  const conn = await s.session.connection();
  await conn.client.updateRevision(target.space, target.fileId, rev.revisionId, keep);
  s.logger.info(`Version ${rev.version} (${rev.revisionId}) of ${target.fileId}: keepForever=${keep}`);
  void s.notifier.info(keep
    ? l10n.t('Version {0} of {1} will be kept forever.', rev.version, target.name)
    : l10n.t('Version {0} of {1} is no longer kept forever.', rev.version, target.name));
}
