/** The HostPort: the bits of the VS Code window commands use besides prompts. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandId } from '../commands/commandIds';
import type { HostPort } from '../services';

export class VsCodeHost implements HostPort {
  constructor(private readonly showLogChannel: () => void) {}

  workspaceFolders(): Array<{ name: string; path: string }> {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, path: f.uri.fsPath }));
  }

  activeFile(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri?.scheme === 'file' ? uri.fsPath : undefined;
  }

  activeRemoteUri(): { scheme: string; authority: string; path: string } | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri?.scheme === 'koodrive' ? uri : undefined;
  }

  async saveIfDirty(file: string): Promise<void> {
    const target = path.resolve(file);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === target);
    if (doc?.isDirty) await doc.save();
  }

  async copyText(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  async openDiff(left: string, right: string, title: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(left), vscode.Uri.file(right), title);
  }

  showLog(): void {
    this.showLogChannel();
  }

  async revealLocal(file: string): Promise<void> {
    const uri = vscode.Uri.file(file);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
  }

  async executeCommand(id: CommandId, ...args: unknown[]): Promise<unknown> {
    return vscode.commands.executeCommand(id, ...args);
  }

  env(name: string): string | undefined {
    return process.env[name];
  }
}
