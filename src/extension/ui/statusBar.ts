/**
 * The status-bar item shown while transfers run (also when their
 * notification is collapsed); clicking it opens the KooDrive log. Sets the
 * koodrive.transferring context key.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../commands/commandIds';
import { l10n } from '../l10n';

interface Running {
  title: string;
  message?: string;
}

export class TransferStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly running = new Set<Running>();

  constructor() {
    this.item = vscode.window.createStatusBarItem('koodrive.transfers', vscode.StatusBarAlignment.Left, 0);
    this.item.name = l10n.t('KooDrive Transfers');
    this.item.command = 'koodrive.showLog';
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
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.transferring, n > 0);
    if (n === 0) {
      this.item.hide();
      return;
    }
    const text = n === 1 ? l10n.t('KooDrive: 1 transfer') : l10n.t('KooDrive: {0} transfers', n);
    this.item.text = `$(sync~spin) ${text}`;
    const lines = [...this.running].map((r) => (r.message ? `${r.title} — ${r.message}` : r.title));
    this.item.tooltip = `${lines.join('\n')}\n\n${l10n.t('Click to show the KooDrive log')}`;
    this.item.accessibilityInformation = { label: `${text}. ${lines.join('. ')}` };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
