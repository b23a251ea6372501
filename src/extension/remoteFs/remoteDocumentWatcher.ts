/**
 * Finds changes made to open KooDrive files elsewhere (another person, the
 * web app, the CLI): KooDrive has no change notifications, so the files open
 * in tabs are re-checked when the window regains focus and every
 * `koodrive.editor.pollInterval` seconds (0 turns the poll off). A changed
 * file is reported by the provider as changed, and VS Code's usual
 * behaviour follows: a clean document reloads, a dirty one will meet the
 * save conflict check.
 */
import * as vscode from 'vscode';
import type { KooDriveFileSystemProvider } from './koodriveFileSystemProvider';
import { KOODRIVE_SCHEME } from './remoteUris';

export class RemoteDocumentWatcher implements vscode.Disposable {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly provider: KooDriveFileSystemProvider, private readonly pollSeconds: () => number) {
    this.disposables.push(
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) void this.checkNow();
      }),
    );
    this.restartPoll();
  }

  /** Call when the poll setting changed. */
  restartPoll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = this.pollSeconds();
    if (seconds > 0) {
      this.timer = setInterval(() => void this.checkNow(), seconds * 1000);
      this.timer.unref?.();
    }
  }

  /** Re-checks every open koodrive: file now (one check at a time). */
  checkNow(): Promise<number> {
    this.running ??= this.provider.recheck(openKooDriveUris()).finally(() => (this.running = undefined));
    return this.running;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Files open in any tab (text, image preview, other custom editors) or as documents. */
function openKooDriveUris(): vscode.Uri[] {
  const found = new Map<string, vscode.Uri>();
  const add = (u: vscode.Uri | undefined): void => {
    if (u?.scheme === KOODRIVE_SCHEME) found.set(u.toString(), u);
  };
  for (const d of vscode.workspace.textDocuments) add(d.uri);
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) {
      const input = t.input;
      if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) add(input.uri);
    }
  }
  return [...found.values()];
}
