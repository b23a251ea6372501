/** koodrive.copyFileId: the KooDrive id of a tree file or folder, to the clipboard. */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { requireItem } from '../targets';

export async function copyFileId(s: Services, node?: unknown): Promise<void> {
  const target = requireItem(node);
  await s.host.copyText(target.item.id);
  s.notifier.flash(l10n.t('Copied the ID of {0}', target.item.name));
}
