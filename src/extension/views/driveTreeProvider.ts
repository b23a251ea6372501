/**
 * The KooDrive tree for VS Code: turns the plain model (driveTreeModel.ts)
 * into TreeItems and refresh events. No HTTP here: the model's source calls
 * core through the session's client.
 */
import * as vscode from 'vscode';
import type { Space, SpaceRef } from '../../core/api/models';
import type { DriveChanges } from '../../core/remoteFs/driveChanges';
import type { SessionPort, TreePort } from '../services';
import { DriveTreeModel } from './driveTreeModel';
import { sessionTreeSource } from './driveTreeSource';
import { ContainerNode, DriveNode, folderIdOf, LoadMoreNode } from './treeNodes';
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
    this.model = new DriveTreeModel(sessionTreeSource(session), { onError });
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
    if (node.kind === 'space' || node.kind === 'folder') return this.model.children(node);
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

  refreshNode(node: ContainerNode): void {
    this.model.invalidate(node);
    this.changed.fire(node);
    this.changes?.publish({ space: node.space, folderIds: [folderIdOf(node)], origin: this });
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

  dispose(): void {
    this.changeSubscription?.dispose();
    this.changed.dispose();
  }
}
