/**
 * Files and folders dropped on a tree folder or space (from the Explorer or
 * the OS, as text/uri-list) are uploaded there. The tree's own items are not
 * draggable.
 */
import * as vscode from 'vscode';
import { parseUriList } from '../targets';
import type { ContainerNode, DriveNode } from './treeNodes';
import { containerFromArg } from '../targets';

export const URI_LIST_MIME = 'text/uri-list';

export class DriveDragAndDrop implements vscode.TreeDragAndDropController<DriveNode> {
  readonly dropMimeTypes = [URI_LIST_MIME];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly upload: (target: ContainerNode, paths: string[]) => Promise<void>) {}

  async handleDrop(target: DriveNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const container = containerFromArg(target);
    const entry = data.get(URI_LIST_MIME);
    if (!container || !entry || token.isCancellationRequested) return;
    const paths = parseUriList(await entry.asString());
    if (paths.length > 0 && !token.isCancellationRequested) await this.upload(container, paths);
  }
}
