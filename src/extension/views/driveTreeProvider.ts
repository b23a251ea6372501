/**
 * The KooDrive tree for VS Code: turns the plain model (driveTreeModel.ts)
 * into TreeItems and refresh events. No HTTP here: the model's source calls
 * core through the session's client.
 */
import * as vscode from 'vscode';
import type { Space, SpaceRef } from '../../core/api/models';
import { listRecycleBin } from '../../core/organize/recycleBin';
import type { DriveChanges } from '../../core/remoteFs/driveChanges';
import type { SessionPort, TreePort } from '../services';
import { DriveTreeModel } from './driveTreeModel';
import { sessionTreeSource } from './driveTreeSource';
import { DriveNode, folderIdOf, isItemNode, ItemNode, LoadMoreNode, PagedNode } from './treeNodes';
import { presentNode } from './treePresentation';

export class DriveTreeProvider implements vscode.TreeDataProvider<DriveNode>, TreePort, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DriveNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly model: DriveTreeModel;

  private readonly changeSubscription?: { dispose(): void };

  /**
   * `changes` is the one source of change events shared with the `koodrive:`
   * file system: folders the tree refreshes are published there, and changes
   * made through the file system refresh the tree.
   */
  constructor(private readonly session: SessionPort, onError: (err: unknown) => void, private readonly changes?: DriveChanges) {
    this.model = new DriveTreeModel({
      ...sessionTreeSource(session),
      listRecycleBin: async (space, cursor, pageSize) =>
        listRecycleBin((await session.connection()).client, space, { cursor, pageSize, rootFolderId: space.rootFolderId }),
    }, { onError });
    this.changeSubscription = changes?.onDidChange((c) => {
      if (c.origin === this) return;
      if (c.all) {
        this.model.invalidate();
        this.changed.fire(undefined);
        return;
      }
      for (const id of c.folderIds ?? []) {
        const node = this.model.findContainer(c.space, id);
        if (node) {
          this.model.invalidate(node);
          this.changed.fire(node);
        }
      }
    });
  }

  private view?: vscode.TreeView<DriveNode>;

  /** The view showing this provider (for reveal). */
  attachView(view: vscode.TreeView<DriveNode>): void {
    this.view = view;
  }

  getTreeItem(node: DriveNode): vscode.TreeItem {
    const p = presentNode(node);
    const item = new vscode.TreeItem(p.label, p.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.key;
    item.description = p.description;
    item.iconPath = new vscode.ThemeIcon(p.icon);
    item.contextValue = p.contextValue;
    if (p.tooltip) item.tooltip = new vscode.MarkdownString(p.tooltip);
    item.accessibilityInformation = { label: p.description ? `${p.label}, ${p.description}` : p.label };
    if (p.command) {
      const arg = node.kind === 'message' ? node.parent : node;
      item.command = { command: p.command.id, title: p.command.title, arguments: arg ? [arg] : [] };
    }
    return item;
  }

  async getChildren(node?: DriveNode): Promise<DriveNode[]> {
    if (!node) return this.session.state.signedIn ? this.model.roots() : [];
    if (node.kind === 'space' || node.kind === 'folder' || node.kind === 'recycleBin') return this.model.children(node);
    return [];
  }

  getParent(node: DriveNode): DriveNode | undefined {
    return node.kind === 'space' ? undefined : node.parent;
  }

  refreshAll(): void {
    this.model.invalidate();
    this.changed.fire(undefined);
    this.changes?.publish({ space: { containerId: '' }, all: true, origin: this });
  }

  refreshNode(node: PagedNode): void {
    this.model.invalidate(node);
    this.changed.fire(node);
    if (node.kind !== 'recycleBin') this.changes?.publish({ space: node.space, folderIds: [folderIdOf(node)], origin: this });
  }

  refreshFolder(space: SpaceRef, folderId: string): void {
    const node = this.model.findContainer(space, folderId);
    if (node) this.refreshNode(node);
  }

  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = await this.model.loadMore(node);
    this.changed.fire(parent);
  }

  listSpaces(): Promise<Space[]> {
    return this.model.listSpaces();
  }

  refreshRecycleBin(space: SpaceRef): void {
    const bin = this.model.recycleBinOf(space);
    if (bin) this.refreshNode(bin);
  }

  async revealItem(space: Space, folderIds: readonly string[], itemId: string): Promise<ItemNode | undefined> {
    const node = await this.model.locate(space, folderIds, itemId);
    if (node) await this.view?.reveal(node, { select: true, focus: true, expand: false });
    return node;
  }

  selectedItems(): ItemNode[] {
    return (this.view?.selection ?? []).filter(isItemNode);
  }

  dispose(): void {
    this.changeSubscription?.dispose();
    this.changed.dispose();
  }
}
