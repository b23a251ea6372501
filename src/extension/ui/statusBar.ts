/**
 * The status-bar item shown while transfers run or wait (also when their
 * notification is collapsed): a summary of the transfer queue, e.g.
 * "↑ 2 · 48 MiB/s"; clicking it opens the Transfers view. Sets the
 * koodrive.transferring context key.
 */
import * as vscode from 'vscode';
import type { TransferQueue } from '../../core/queue/transferQueue';
import { CONTEXT_KEYS, TRANSFERS_VIEW_ID } from '../commands/commandIds';
import { l10n } from '../l10n';
import { summarize } from '../views/transfersPresentation';

/** The queue changes on every progress event; the item redraws at most this often. */
const RENDER_MS = 500;

interface Running {
  title: string;
  message?: string;
}

export class TransferStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly running = new Set<Running>();
  private queue?: TransferQueue;
  private queueSub?: { dispose(): void };
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    this.item = vscode.window.createStatusBarItem('koodrive.transfers', vscode.StatusBarAlignment.Left, 0);
    this.item.name = l10n.t('KooDrive Transfers');
    this.item.command = `${TRANSFERS_VIEW_ID}.focus`;
  }

  /** Summarises this queue from now on. */
  attach(queue: TransferQueue): void {
    this.queueSub?.dispose();
    this.queue = queue;
    this.queueSub = queue.onDidChange(() => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.render();
      }, RENDER_MS);
    });
    this.render();
  }

  begin(title: string): { update(message?: string): void; end(): void } {
    const entry: Running = { title };
    this.running.add(entry);
    this.render();
    return {
      update: (message) => {
        if (message !== undefined && message !== entry.message) {
          entry.message = message;
          this.render();
        }
      },
      end: () => {
        this.running.delete(entry);
        this.render();
      },
    };
  }

  private render(): void {
    const n = this.running.size;
    const runs = this.queue?.list() ?? [];
    const summary = summarize(runs);
    const live = runs.some((r) => r.state === 'running' || r.state === 'queued');
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.transferring, n > 0 || live);
    if (summary) {
      const busy = summary.text.includes('↑') || summary.text.includes('↓');
      this.item.text = `$(${busy ? 'sync~spin' : 'debug-pause'}) KooDrive ${summary.text}`;
      this.item.tooltip = `${summary.tooltip}\n\n${l10n.t('Click to show the Transfers view')}`;
      this.item.accessibilityInformation = { label: `KooDrive ${summary.text}. ${summary.tooltip}` };
      this.item.show();
      return;
    }
    if (n === 0) {
      this.item.hide();
      return;
    }
    const text = n === 1 ? l10n.t('KooDrive: 1 transfer') : l10n.t('KooDrive: {0} transfers', n);
    this.item.text = `$(sync~spin) ${text}`;
    const lines = [...this.running].map((r) => (r.message ? `${r.title} — ${r.message}` : r.title));
    this.item.tooltip = `${lines.join('\n')}\n\n${l10n.t('Click to show the Transfers view')}`;
    this.item.accessibilityInformation = { label: `${text}. ${lines.join('. ')}` };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queueSub?.dispose();
    this.item.dispose();
  }
}
