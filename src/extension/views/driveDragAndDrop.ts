/**
 * Drag and drop on the KooDrive tree:
 * - files and folders from the Explorer or the OS (text/uri-list) dropped on
 *   a folder or space are uploaded there;
 * - the tree's own files and folders (multi-selection too) dragged onto a
 *   folder or space of the tree are moved there (a batch job, see
 *   commands/moveItems.ts). A drop on a file means its folder.
 */
import * as vscode from 'vscode';
import { VIEW_ID } from '../commands/commandIds';
import { parseUriList } from '../targets';
import { containerFromArg } from '../targets';
import { ContainerNode, DriveNode, isItemNode, ItemNode } from './treeNodes';

export const URI_LIST_MIME = 'text/uri-list';
/** VS Code's mime type for a tree's own items: application/vnd.code.tree.<view id in lower case>. */
export const TREE_MIME = `application/vnd.code.tree.${VIEW_ID.toLowerCase()}`;

export class DriveDragAndDrop implements vscode.TreeDragAndDropController<DriveNode> {
  readonly dropMimeTypes = [TREE_MIME, URI_LIST_MIME];
  readonly dragMimeTypes = [TREE_MIME];

  constructor(
    private readonly upload: (target: ContainerNode, paths: string[]) => Promise<void>,
    private readonly move: (target: ContainerNode, items: ItemNode[]) => Promise<void>,
  ) {}

  handleDrag(source: readonly DriveNode[], data: vscode.DataTransfer): void {
    const items = source.filter(isItemNode);
    if (items.length > 0) data.set(TREE_MIME, new vscode.DataTransferItem(items));
  }

  async handleDrop(target: DriveNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const container = containerFromArg(target);
    if (!container || token.isCancellationRequested) return;
    const own = data.get(TREE_MIME);
    if (own) {
      const value: unknown = own.value;
      const items = (Array.isArray(value) ? value : []).filter(isItemNode);
      if (items.length > 0) await this.move(container, items);
      return;
    }
    const entry = data.get(URI_LIST_MIME);
    if (!entry) return;
    const paths = parseUriList(await entry.asString());
    if (paths.length > 0 && !token.isCancellationRequested) await this.upload(container, paths);
  }
}
