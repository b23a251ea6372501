/** koodrive.refreshFolder: reloads one space or folder of the tree (a file stands for its folder). */
import type { Services } from '../services';
import { containerFromArg } from '../targets';

export async function refreshFolder(s: Services, node?: unknown): Promise<void> {
  const container = containerFromArg(node);
  if (container) s.tree.refreshNode(container);
  else s.tree.refreshAll();
}
