/**
 * koodrive.moveItems ("Move to…"): the selected tree items into a folder
 * chosen with the folder picker (any space). Also what dropping tree items
 * on a folder of the tree does (`moveNodes`, without the picker).
 */
import type { Space } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import { Destination, moveItems as moveInDrive, OrganizeOutcome } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { itemNodesFromArgs } from '../targets';
import { reportOrganize, withJobProgress } from '../ui/organizeReport';
import { pickRemoteFolder } from '../ui/remoteBrowser';
import { folderIdOf, ItemNode, spaceKey } from '../views/treeNodes';

export async function moveItems(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = itemNodesFromArgs(node, nodes);
  if (items.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select the files or folders to move in the KooDrive view.'));
  const dest = await pickRemoteFolder(s, { title: items.length === 1 ? l10n.t('Move "{0}" to…', items[0].item.name) : l10n.t('Move {0} items to…', items.length), acceptLabel: l10n.t('Move Here') });
  await moveNodes(s, items, { space: dest.space, folderId: dest.folderId }, dest.path);
}

/** Moves tree items (from one or more spaces) into `to`, with progress, report and refresh. */
export async function moveNodes(s: Services, items: readonly ItemNode[], to: Destination & { space: Space }, toPath: string): Promise<void> {
  // Items already in the destination folder need no job (the API would answer "already there").
  const moving = items.filter((n) => !(spaceKey(n.space) === spaceKey(to.space) && folderIdOf(n.parent) === to.folderId));
  if (moving.length === 0) return;
  const conn = await s.session.connection();
  const outcome = await withJobProgress(s, l10n.t('Moving to {0}…', toPath), async (o) => {
    const all: OrganizeOutcome = { items: [], jobIds: [], resultCode: 1 };
    for (const group of bySpace(moving)) {
      const out = await moveInDrive(conn.client, group[0].space, group.map((n) => ({ fileId: n.item.id, name: n.item.name })), to, o);
      all.items.push(...out.items);
      all.jobIds.push(...out.jobIds);
    }
    return all;
  });
  for (const p of new Set(moving.map((n) => n.parent))) s.tree.refreshNode(p);
  s.tree.refreshFolder(to.space, to.folderId);
  if (!outcome) return;
  await reportOrganize(s, outcome, l10n.t('Move'), moving.length === 1
    ? l10n.t('Moved {0} to {1}', moving[0].item.name, toPath)
    : l10n.t('Moved {0} items to {1}', moving.length, toPath));
}

/** Groups by space: one job per source space (srcContainerId). */
export function bySpace(items: readonly ItemNode[]): ItemNode[][] {
  const groups = new Map<string, ItemNode[]>();
  for (const n of items) {
    const g = groups.get(spaceKey(n.space)) ?? [];
    g.push(n);
    groups.set(spaceKey(n.space), g);
  }
  return [...groups.values()];
}
