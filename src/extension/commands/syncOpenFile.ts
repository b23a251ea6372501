/** koodrive.syncOpenFile: opens the chosen rows' local files (the KooDrive file when there is no local one). */
import type { Services } from '../services';
import { requireResources, requireSync } from '../sync/syncCommands';

export async function syncOpenFile(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const ref of requireResources(sync, args)) await sync.open(ref);
}
