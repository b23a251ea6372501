/**
 * The prompts port: every question the extension asks goes through here.
 * The VS Code implementation is `vscodePrompts.ts`; unit tests pass a fake
 * that answers a script and fails fast on an unexpected prompt (Azure's
 * TestUserInput). Every prompt has a stable `id` tests (and the e2e suite,
 * through titles and placeholders) can rely on.
 *
 * Dismissing a prompt (Escape, closing a dialog) rejects with KooDriveError
 * 'Cancelled', which the error wrapper never shows.
 */
import { KooDriveError } from '../../core/errors';

export interface PickItem {
  /** Stable identity of the choice; never shown. */
  readonly id: string;
  /** May start with a `$(codicon)`. */
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  /** A separator line with `label` as its title; never returned. */
  readonly separator?: boolean;
}

export interface PickOptions {
  /** Stable prompt id, e.g. 'signIn.endpoint'. */
  id: string;
  title: string;
  placeholder: string;
  /** Keep the picker open when focus moves away (long-running downloads). */
  ignoreFocusOut?: boolean;
  matchOnDescription?: boolean;
}

export interface InputOptions {
  id: string;
  title: string;
  prompt: string;
  placeholder?: string;
  value?: string;
  /** Selected range of `value` ([start, end)), e.g. the name without its extension. */
  valueSelection?: [number, number];
  password?: boolean;
  /** A message when `value` is not acceptable. */
  validate?(value: string): string | undefined;
}

export interface ConfirmOptions {
  id: string;
  message: string;
  detail?: string;
  /** The one button that goes ahead, e.g. "Move to Recycle Bin". */
  confirmLabel: string;
}

export interface OpenOptions {
  id: string;
  title: string;
  openLabel: string;
  canSelectFiles: boolean;
  canSelectFolders: boolean;
  canSelectMany: boolean;
  defaultPath?: string;
}

export interface Prompts {
  /** One choice (separators are never returned). */
  pick<T extends PickItem>(items: readonly T[], options: PickOptions): Promise<T>;
  input(options: InputOptions): Promise<string>;
  /** A modal question with one confirming button; anything else cancels. */
  confirm(options: ConfirmOptions): Promise<void>;
  /** File/folder open dialog; returns local paths (at least one). */
  open(options: OpenOptions): Promise<string[]>;
}

/** What a prompt rejects with when the user dismisses it. */
export function dismissed(promptId: string): KooDriveError {
  return new KooDriveError('Cancelled', `Prompt ${promptId} was dismissed`);
}

/** Non-modal messages; the returned promise resolves with the button chosen, if any. */
export interface Notifier {
  info(message: string, ...buttons: string[]): Promise<string | undefined>;
  warn(message: string, ...buttons: string[]): Promise<string | undefined>;
  error(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A transient status-bar message (e.g. "Copied"). */
  flash(message: string): void;
}
