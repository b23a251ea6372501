/**
 * koodrive.emptyRecycleBin: deletes everything in a space's recycle bin for
 * good, after a modal confirmation that gives the number of items (counted
 * page by page first, so the number is the real one).
 */
import { KooDriveError } from '../../core/errors';
import { emptyRecycleBin as emptyInDrive } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { reportOrganize, withJobProgress } from '../ui/organizeReport';
import { isDriveNode } from '../views/treeNodes';

export const EMPTY_BIN_PROMPT = 'emptyRecycleBin.confirm';

export async function emptyRecycleBin(s: Services, node?: unknown): Promise<void> {
  if (!isDriveNode(node) || (node.kind !== 'recycleBin' && node.kind !== 'space')) {
    throw new KooDriveError('InvalidInput', l10n.t('Choose the recycle bin to empty in the KooDrive view.'));
  }
  const space = node.space;
  const conn = await s.session.connection();
  let count = 0;
  for (let cursor: string | undefined; ;) {
    const page = await conn.client.listFiles(space, space.rootFolderId, { recycleBin: true, cursor });
    count += page.items.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (count === 0) {
    s.notifier.flash(l10n.t('The recycle bin of {0} is already empty', space.name));
    return;
  }
  await s.prompts.confirm({
    id: EMPTY_BIN_PROMPT,
    message: count === 1
      ? l10n.t('Permanently delete the 1 item in the recycle bin of {0}?', space.name)
      : l10n.t('Permanently delete all {0} items in the recycle bin of {1}?', count, space.name),
    detail: l10n.t('This cannot be undone.'),
    confirmLabel: l10n.t('Empty Recycle Bin'),
  });
  const outcome = await withJobProgress(s, l10n.t('Emptying the recycle bin…'), (o) => emptyInDrive(conn.client, space, o));
  s.tree.refreshRecycleBin(space);
  if (!outcome) return;
  await reportOrganize(s, outcome, l10n.t('Empty recycle bin'), l10n.t('Emptied the recycle bin of {0}', space.name));
}
