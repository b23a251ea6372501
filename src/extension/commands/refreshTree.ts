/** koodrive.refreshTree: reloads spaces and every folder shown. */
import type { Services } from '../services';

export async function refreshTree(s: Services): Promise<void> {
  s.tree.refreshAll();
}
