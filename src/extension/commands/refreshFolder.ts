/** koodrive.refreshFolder: reloads one space, folder or recycle bin of the tree (a file stands for its folder). */
import type { Services } from '../services';
import { containerFromArg } from '../targets';
import { isDriveNode } from '../views/treeNodes';

export async function refreshFolder(s: Services, node?: unknown): Promise<void> {
  if (isDriveNode(node) && node.kind === 'recycleBin') return s.tree.refreshNode(node);
  const container = containerFromArg(node);
  if (container) s.tree.refreshNode(container);
  else s.tree.refreshAll();
}
