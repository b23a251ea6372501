/** KooDrive's naming rules (§7), checked before asking the service. */
import { l10n } from '../l10n';

export const MAX_REMOTE_NAME = 250;
const FORBIDDEN = /[<>|:"*?/\\]/;

/** A message when `name` cannot be a KooDrive file or folder name, else undefined. */
export function validateRemoteName(name: string): string | undefined {
  const n = name.trim();
  if (!n) return l10n.t('Enter a name.');
  if (n === '.' || n === '..') return l10n.t('"{0}" is not a valid name.', n);
  if (FORBIDDEN.test(n)) return l10n.t('A name cannot contain any of these characters: < > | : " * ? / \\');
  if ([...n].length > MAX_REMOTE_NAME) return l10n.t('A name can have at most {0} characters.', MAX_REMOTE_NAME);
  return undefined;
}

/** The part of a file name to pre-select when renaming (without the extension). */
export function baseNameSelection(name: string, isFolder: boolean): [number, number] {
  const dot = name.lastIndexOf('.');
  return !isFolder && dot > 0 ? [0, dot] : [0, name.length];
}
