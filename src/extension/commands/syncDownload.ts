/** koodrive.syncDownload: brings the chosen rows' KooDrive side here (a conflict: keep the KooDrive version). */
import type { Services } from '../services';
import { byLink, requireResources, requireSync } from '../sync/syncCommands';

export async function syncDownload(s: Services, ...args: unknown[]): Promise<void> {
  const sync = requireSync(s);
  for (const [root, refs] of byLink(requireResources(sync, args))) {
    await sync.run(root, {
      direction: 'pull',
      paths: refs.map((r) => r.path),
      resolutions: refs.filter((r) => r.group === 'conflicts').map((r) => [r.path, 'remote']),
    });
  }
}
