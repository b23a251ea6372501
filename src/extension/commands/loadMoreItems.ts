/** koodrive.loadMoreItems: the "Load more…" node of a folder listed a page at a time. */
import { isDriveNode } from '../views/treeNodes';
import type { Services } from '../services';

export async function loadMoreItems(s: Services, node?: unknown): Promise<void> {
  if (isDriveNode(node) && node.kind === 'loadMore') await s.tree.loadMore(node);
}
