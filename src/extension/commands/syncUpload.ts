/** koodrive.syncUpload: sends the chosen rows' local side to KooDrive (a conflict: keep the local version). */
import type { Services } from '../services';
import { byLink, requireResources, requireSync } from '../sync/syncCommands';

export async function syncUpload(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const [root, refs] of byLink(requireResources(sync, args))) {
    await sync.run(root, {
      direction: 'push',
      paths: refs.map((r) => r.path),
      resolutions: refs.filter((r) => r.group === 'conflicts').map((r) => [r.path, 'local']),
    });
  }
}
