/**
 * KooDrive's naming rules as the tree's input boxes word them: the rules
 * are the core's (core/remoteNames.ts, the same the engines check before
 * any upload), only the messages are localized here.
 */
import { MAX_REMOTE_NAME_LENGTH, remoteNameRule } from '../../core/remoteNames';
import { l10n } from '../l10n';

/** A message when `name` (as typed; surrounding spaces are trimmed) cannot be a KooDrive file or folder name, else undefined. */
export function validateRemoteName(name: string): string | undefined {
  const r = remoteNameRule(name.trim());
  switch (r?.rule) {
    case undefined: return undefined;
    case 'empty': return l10n.t('Enter a name.');
    case 'dot': return l10n.t('"{0}" is not a valid name.', r.name);
    case 'forbidden': return l10n.t('A name cannot contain any of these characters: < > | : " * ? / \\');
    case 'control': return l10n.t('A name cannot contain control characters (tab, newline, …).');
    case 'tooLong': return l10n.t('A name can have at most {0} characters.', MAX_REMOTE_NAME_LENGTH);
  }
}

/** The part of a file name to pre-select when renaming (without the extension). */
export function baseNameSelection(name: string, isFolder: boolean): [number, number] {
  const dot = name.lastIndexOf('.');
  return !isFolder && dot > 0 ? [0, dot] : [0, name.length];
}
