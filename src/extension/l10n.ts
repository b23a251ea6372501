/**
 * `l10n.t` for every user-visible string of the extension. Inside VS Code it
 * is `vscode.l10n.t`; in plain-Node unit tests there is no 'vscode' module,
 * so the same `{0}` / `{name}` substitution is done here. Loading it this way
 * keeps command and view-model modules importable without VS Code.
 */
import type * as vscodeTypes from 'vscode';

type Args = Array<string | number | boolean>;

function substitute(message: string, args: Args): string {
  return message.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : String(v);
  });
}

function load(): ((message: string, ...args: Args) => string) | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vscode = require('vscode') as typeof vscodeTypes;
    return (message, ...args) => vscode.l10n.t(message, ...args);
  } catch {
    return undefined;
  }
}

const host = load();

export const l10n = {
  t(message: string, ...args: Args): string {
    return host ? host(message, ...args) : substitute(message, args);
  },
};
