/**
 * The Transfers view: a thin TreeDataProvider over the transfer queue.
 * Refreshes are coalesced (the queue changes on every progress event; the
 * view redraws a few times a second at most).
 */
import * as vscode from 'vscode';
import type { TransferQueue } from '../../core/queue/transferQueue';
import { childrenOf, presentChild, presentRun, TransferNode, TransferPresentation } from './transfersPresentation';

const REFRESH_MS = 400;

export class TransfersTreeProvider implements vscode.TreeDataProvider<TransferNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TransferNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer?: ReturnType<typeof setTimeout>;
  private sub: { dispose(): void };

  constructor(private queue: TransferQueue) {
    this.sub = queue.onDidChange(() => this.scheduleRefresh());
  }

  /** Shows another queue (the extension's transfers were restarted from their journal). */
  setQueue(queue: TransferQueue): void {
    this.sub.dispose();
    this.queue = queue;
    this.sub = queue.onDidChange(() => this.scheduleRefresh());
    this.changed.fire(undefined);
  }

  getTreeItem(node: TransferNode): vscode.TreeItem {
    const p = this.present(node);
    const item = new vscode.TreeItem(p.label, p.collapsible ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = node.key;
    item.description = p.description;
    item.tooltip = p.tooltip;
    item.iconPath = new vscode.ThemeIcon(p.icon, p.color ? new vscode.ThemeColor(p.color) : undefined);
    item.contextValue = p.contextValue;
    item.accessibilityInformation = { label: p.description ? `${p.label}, ${p.description}` : p.label };
    return item;
  }

  getChildren(node?: TransferNode): TransferNode[] {
    if (!node) return this.queue.list().map((r) => ({ kind: 'transfer', key: r.id, runId: r.id }));
    if (node.kind !== 'transfer') return [];
    const run = this.queue.get(node.runId);
    return run ? childrenOf(run) : [];
  }

  private present(node: TransferNode): TransferPresentation {
    if (node.kind === 'transfer') {
      const run = this.queue.get(node.runId);
      if (run) return presentRun(run);
      return { label: node.runId, icon: 'circle-slash', contextValue: 'koodrive:transfer:gone', collapsible: false };
    }
    return presentChild(node);
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.changed.dispose();
  }
}
