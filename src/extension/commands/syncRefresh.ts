/** koodrive.syncRefresh: reads both sides of a link again (every link of the window from the palette). */
import type { Services } from '../services';
import { requireSync } from '../sync/syncCommands';

export async function syncRefresh(s: Services, arg?: unknown): Promise<void> {
  const sync = requireSync(s);
  const root = arg === undefined ? undefined : sync.linkRootOf(arg);
  await sync.refresh(root);
}
