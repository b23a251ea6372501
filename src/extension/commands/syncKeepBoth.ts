/** koodrive.syncKeepBoth: resolves the chosen conflicts: the local version is renamed "name (conflict <date>).ext" and uploaded; the KooDrive version takes the name. */
import type { Services } from '../services';
import { byLink, requireResources, requireSync } from '../sync/syncCommands';

export async function syncKeepBoth(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const [root, refs] of byLink(requireResources(sync, args))) {
    await sync.run(root, { paths: refs.map((r) => r.path), resolutions: refs.map((r) => [r.path, 'keep-both']) });
  }
}
