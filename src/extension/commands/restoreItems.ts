/**
 * koodrive.restoreItems: the selected recycle-bin items back to the folder
 * they were deleted from. A name taken meanwhile is reported (the service
 * keeps both), never overwritten; an item whose folder is gone comes back at
 * the top of its space, and the report says so.
 */
import { KooDriveError } from '../../core/errors';
import { restoreItems as restoreInDrive } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { reportOrganize, withJobProgress } from '../ui/organizeReport';
import { isRecycledNode, RecycledNode } from '../views/treeNodes';

/** The recycle-bin items a command was invoked on (the selection, when the clicked node is part of it), of one space. */
export function recycledNodesFromArgs(node: unknown, nodes: unknown): RecycledNode[] {
  const selected = Array.isArray(nodes) ? nodes.filter(isRecycledNode) : [];
  const chosen = isRecycledNode(node) && !selected.includes(node) ? [node] : selected;
  if (chosen.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select items in a KooDrive recycle bin first.'));
  if (chosen.some((n) => n.parent !== chosen[0].parent)) {
    throw new KooDriveError('InvalidInput', l10n.t('Select items of one recycle bin at a time.'));
  }
  return chosen;
}

export async function restoreItems(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = recycledNodesFromArgs(node, nodes);
  const space = items[0].space;
  const conn = await s.session.connection();
  const outcome = await withJobProgress(s, l10n.t('Restoring from the recycle bin…'), (o) =>
    restoreInDrive(conn.client, space, items.map((n) => ({ fileId: n.entry.item.id, name: n.entry.item.name })), o));
  // Restored items reappear anywhere in the space: reload it (the bin included).
  s.tree.refreshNode(items[0].parent.parent);
  if (!outcome) return;
  await reportOrganize(s, outcome, l10n.t('Restore'), items.length === 1
    ? l10n.t('Restored {0}', items[0].entry.item.name)
    : l10n.t('Restored {0} items', items.length));
}
