import * as vscode from 'vscode';

// Composition root. Filled in by the extension issue; kept minimal so the
// bundle builds from the first commit.
export function activate(_context: vscode.ExtensionContext): void {
  // nothing yet
}

export function deactivate(): void {
  // nothing yet
}
