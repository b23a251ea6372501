/**
 * koodrive.deleteItems: moves the selected tree items to the KooDrive
 * recycle bin (restorable there) after a modal confirmation.
 */
import type { Space } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import { recycleItems, throwIfAnyFailed } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { itemNodesFromArgs } from '../targets';
import { ContainerNode, ItemNode, spaceKey } from '../views/treeNodes';

export const DELETE_CONFIRM_PROMPT = 'deleteItems.confirm';

export async function deleteItems(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = itemNodesFromArgs(node, nodes);
  if (items.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select the files or folders to delete in the KooDrive view.'));
  await s.prompts.confirm({
    id: DELETE_CONFIRM_PROMPT,
    message: items.length === 1
      ? l10n.t('Move "{0}" to the KooDrive recycle bin?', items[0].item.name)
      : l10n.t('Move {0} items to the KooDrive recycle bin?', items.length),
    detail: items.length === 1
      ? l10n.t('You can restore it from the recycle bin in KooDrive.')
      : l10n.t('You can restore them from the recycle bin in KooDrive.'),
    confirmLabel: l10n.t('Move to Recycle Bin'),
  });
  const conn = await s.session.connection();
  const bySpace = new Map<string, { space: Space; nodes: ItemNode[] }>();
  for (const n of items) {
    const g = bySpace.get(spaceKey(n.space)) ?? { space: n.space, nodes: [] };
    g.nodes.push(n);
    bySpace.set(spaceKey(n.space), g);
  }
  const parents = new Set<ContainerNode>(items.map((n) => n.parent));
  try {
    await s.progress.run({ title: l10n.t('Moving to the KooDrive recycle bin…') }, async (_report, signal) => {
      for (const { space, nodes: group } of bySpace.values()) {
        throwIfAnyFailed(await recycleItems(conn.client, space, group.map((n) => ({ fileId: n.item.id, name: n.item.name })), { signal }), 'moved to the recycle bin');
        s.logger.info(`Moved to the recycle bin: ${group.map((n) => `${n.item.name} (${n.item.id})`).join(', ')}`);
      }
    });
  } finally {
    for (const p of parents) s.tree.refreshNode(p);
  }
  s.notifier.flash(items.length === 1
    ? l10n.t('Moved {0} to the recycle bin', items[0].item.name)
    : l10n.t('Moved {0} items to the recycle bin', items.length));
}
