/** koodrive.deletePermanently: the selected recycle-bin items, for good, after a modal confirmation naming them. */
import { deletePermanently as deleteInDrive } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { reportOrganize, withJobProgress } from '../ui/organizeReport';
import { recycledNodesFromArgs } from './restoreItems';

export const DELETE_PERMANENTLY_PROMPT = 'deletePermanently.confirm';
/** Names listed in the confirmation before "and N more". */
const MAX_NAMES = 10;

export async function deletePermanently(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = recycledNodesFromArgs(node, nodes);
  const names = items.slice(0, MAX_NAMES).map((n) => n.entry.item.name);
  if (items.length > MAX_NAMES) names.push(l10n.t('…and {0} more', items.length - MAX_NAMES));
  await s.prompts.confirm({
    id: DELETE_PERMANENTLY_PROMPT,
    message: items.length === 1
      ? l10n.t('Permanently delete "{0}"?', items[0].entry.item.name)
      : l10n.t('Permanently delete {0} items?', items.length),
    detail: `${names.join('\n')}\n\n${l10n.t('This cannot be undone.')}`,
    confirmLabel: l10n.t('Delete Permanently'),
  });
  const conn = await s.session.connection();
  const outcome = await withJobProgress(s, l10n.t('Deleting permanently…'), (o) =>
    deleteInDrive(conn.client, items[0].space, items.map((n) => ({ fileId: n.entry.item.id, name: n.entry.item.name })), o));
  s.tree.refreshNode(items[0].parent);
  if (!outcome) return;
  await reportOrganize(s, outcome, l10n.t('Delete permanently'), items.length === 1
    ? l10n.t('Deleted {0} permanently', items[0].entry.item.name)
    : l10n.t('Deleted {0} items permanently', items.length));
}
