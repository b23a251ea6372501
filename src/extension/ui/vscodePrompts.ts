/** The prompts and notifications ports, implemented with VS Code's quick input and message APIs. */
import * as vscode from 'vscode';
import { ConfirmOptions, dismissed, InputOptions, Notifier, OpenOptions, PickItem, PickOptions, Prompts } from './prompts';

export class VsCodePrompts implements Prompts {
  async pick<T extends PickItem>(items: readonly T[], options: PickOptions): Promise<T> {
    const entries = items.map((item) => ({
      item,
      quickPick: item.separator
        ? { label: item.label, kind: vscode.QuickPickItemKind.Separator }
        : { label: item.label, description: item.description, detail: item.detail },
    }));
    const chosen = await vscode.window.showQuickPick(entries.map((e) => e.quickPick), {
      title: options.title,
      placeHolder: options.placeholder,
      ignoreFocusOut: options.ignoreFocusOut,
      matchOnDescription: options.matchOnDescription,
    });
    const hit = entries.find((e) => e.quickPick === chosen);
    if (!hit || hit.item.separator) throw dismissed(options.id);
    return hit.item;
  }

  async input(options: InputOptions): Promise<string> {
    const value = await vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      placeHolder: options.placeholder,
      value: options.value,
      valueSelection: options.valueSelection,
      password: options.password,
      ignoreFocusOut: true,
      validateInput: options.validate ? (v) => options.validate?.(v) : undefined,
    });
    if (value === undefined) throw dismissed(options.id);
    return value;
  }

  async confirm(options: ConfirmOptions): Promise<void> {
    const chosen = await vscode.window.showWarningMessage(options.message, { modal: true, detail: options.detail }, options.confirmLabel);
    if (chosen !== options.confirmLabel) throw dismissed(options.id);
  }

  async open(options: OpenOptions): Promise<string[]> {
    const uris = await vscode.window.showOpenDialog({
      title: options.title,
      openLabel: options.openLabel,
      canSelectFiles: options.canSelectFiles,
      canSelectFolders: options.canSelectFolders,
      canSelectMany: options.canSelectMany,
      defaultUri: options.defaultPath ? vscode.Uri.file(options.defaultPath) : undefined,
    });
    const paths = (uris ?? []).filter((u) => u.scheme === 'file').map((u) => u.fsPath);
    if (paths.length === 0) throw dismissed(options.id);
    return paths;
  }
}

export class VsCodeNotifier implements Notifier {
  info(message: string, ...buttons: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showInformationMessage(message, ...buttons));
  }

  warn(message: string, ...buttons: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showWarningMessage(message, ...buttons));
  }

  error(message: string, ...buttons: string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showErrorMessage(message, ...buttons));
  }

  flash(message: string): void {
    vscode.window.setStatusBarMessage(`$(check) ${message}`, 4000);
  }
}
