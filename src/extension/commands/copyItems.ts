/** koodrive.copyItems ("Copy to…"): the selected tree items (folders with all they hold) into a folder of any space. */
import { KooDriveError } from '../../core/errors';
import { copyItems as copyInDrive, OrganizeOutcome } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { itemNodesOrSelection } from '../targets';
import { reportOrganize, withJobProgress } from '../ui/organizeReport';
import { pickRemoteFolder } from '../ui/remoteBrowser';
import { bySpace } from './moveItems';

export async function copyItems(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = itemNodesOrSelection(s, node, nodes);
  if (items.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select the files or folders to copy in the KooDrive view.'));
  const dest = await pickRemoteFolder(s, { title: items.length === 1 ? l10n.t('Copy "{0}" to…', items[0].item.name) : l10n.t('Copy {0} items to…', items.length), acceptLabel: l10n.t('Copy Here') });
  const conn = await s.session.connection();
  const outcome = await withJobProgress(s, l10n.t('Copying to {0}…', dest.path), async (o) => {
    const all: OrganizeOutcome = { items: [], jobIds: [], resultCode: 1 };
    for (const group of bySpace(items)) {
      const out = await copyInDrive(conn.client, group[0].space, group.map((n) => ({ fileId: n.item.id, name: n.item.name })), { space: dest.space, folderId: dest.folderId }, o);
      all.items.push(...out.items);
      all.jobIds.push(...out.jobIds);
    }
    return all;
  });
  s.tree.refreshFolder(dest.space, dest.folderId);
  if (!outcome) return;
  await reportOrganize(s, outcome, l10n.t('Copy'), items.length === 1
    ? l10n.t('Copied {0} to {1}', items[0].item.name, dest.path)
    : l10n.t('Copied {0} items to {1}', items.length, dest.path));
}
