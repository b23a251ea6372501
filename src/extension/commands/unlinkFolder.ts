/** koodrive.unlinkFolder: forgets a folder's link with KooDrive; both sides stay exactly as they are. */
import * as path from 'node:path';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { linkRootArg, requireSync } from '../sync/syncCommands';

export const UNLINK_PROMPT = 'sync.unlink';

export async function unlinkFolder(s: Services, arg?: unknown): Promise<void> {
  const sync = requireSync(s);
  const root = await linkRootArg(s, sync, arg, l10n.t('Unlink Folder from KooDrive'));
  const link = await sync.findLink(root);
  await s.prompts.confirm({
    id: UNLINK_PROMPT,
    message: l10n.t('Unlink {0} from KooDrive {1}?', path.basename(root), link?.remotePath ?? ''),
    detail: l10n.t('Nothing is deleted or changed on either side; the folders just stop syncing.'),
    confirmLabel: l10n.t('Unlink'),
  });
  await sync.unlink(root);
  s.notifier.flash(l10n.t('{0} is no longer synced with KooDrive', path.basename(root)));
}
