/** koodrive.syncNow (the Source Control title's "Sync"): applies everything that is not a conflict, as one run in the Transfers view. */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { linkRootArg, requireSync } from '../sync/syncCommands';

export async function syncNow(s: Services, arg?: unknown): Promise<void> {
  const sync = requireSync(s);
  await sync.run(await linkRootArg(s, sync, arg, l10n.t('Sync with KooDrive')), {});
}
