/** koodrive.syncKeepLocal: resolves the chosen conflicts: the local version replaces the KooDrive one (which stays in its version history). */
import type { Services } from '../services';
import { byLink, requireResources, requireSync } from '../sync/syncCommands';

export async function syncKeepLocal(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const [root, refs] of byLink(requireResources(sync, args))) {
    await sync.run(root, { paths: refs.map((r) => r.path), resolutions: refs.map((r) => [r.path, 'local']) });
  }
}
