/** koodrive.syncKeepRemote: resolves the chosen conflicts: the KooDrive version replaces the local file (which goes to the trash). */
import type { Services } from '../services';
import { byLink, requireResources, requireSync } from '../sync/syncCommands';

export async function syncKeepRemote(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const [root, refs] of byLink(requireResources(sync, args))) {
    await sync.run(root, { paths: refs.map((r) => r.path), resolutions: refs.map((r) => [r.path, 'remote']) });
  }
}
