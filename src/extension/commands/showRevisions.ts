/**
 * koodrive.showRevisions ("Show Versions"): the versions of a KooDrive file
 * (version, date, author, keep-forever); choosing one offers Compare with
 * Local, Restore, and Keep Forever / Stop Keeping Forever.
 */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { resolveRemoteFile } from '../targets';
import type { PickItem } from '../ui/prompts';
import { listAllRevisions, pickRevision, revisionLabel } from '../ui/revisionPicker';
import { compareWithLocal } from './compareRevision';
import { setKeepForever } from './keepRevisionForever';
import { restoreRevisionOf } from './restoreRevision';

export const REVISION_ACTION_PROMPT = 'revision.action';

export async function showRevisions(s: Services, arg?: unknown): Promise<void> {
  const target = await resolveRemoteFile(s, arg);
  const conn = await s.session.connection();
  const revisions = await listAllRevisions(conn.client, target.space, target.fileId);
  if (revisions.length === 0) {
    void s.notifier.info(l10n.t('KooDrive has no versions of {0}.', target.name));
    return;
  }
  const rev = await pickRevision(s.prompts, revisions, {
    title: l10n.t('Versions of {0}', target.name),
    placeholder: l10n.t('Choose a version to compare, restore or keep forever'),
  });
  const actions: PickItem[] = [];
  if (target.localPath) actions.push({ id: 'compare', label: `$(diff) ${l10n.t('Compare with Local')}`, description: target.localPath });
  if (!rev.isLatest) actions.push({ id: 'restore', label: `$(history) ${l10n.t('Restore This Version')}`, description: l10n.t('Makes it the latest version') });
  actions.push(rev.keepForever
    ? { id: 'release', label: `$(pinned) ${l10n.t('Stop Keeping Forever')}` }
    : { id: 'keep', label: `$(pin) ${l10n.t('Keep Forever')}`, description: l10n.t('Never removed by automatic clean-up') });
  const chosen = await s.prompts.pick(actions, {
    id: REVISION_ACTION_PROMPT,
    title: `${target.name} · ${revisionLabel(rev)}`,
    placeholder: l10n.t('What do you want to do with {0}?', revisionLabel(rev)),
  });
  if (chosen.id === 'compare') await compareWithLocal(s, target, rev);
  else if (chosen.id === 'restore') await restoreRevisionOf(s, target, rev);
  else await setKeepForever(s, target, rev, chosen.id === 'keep');
}
