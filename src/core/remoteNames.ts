/**
 * KooDrive's rules for file and folder names (protocol.md §7), checked on our side
 * before anything is sent: a local file whose name KooDrive would refuse must
 * fail with a clear message before a request, not as a 13000102 after hashing
 * it, and never half-way through a folder upload.
 *
 * Rules: not empty, not "." or "..", none of < > | : " * ? / \, at most 250
 * characters (Unicode code points). Where the docs are silent we are stricter,
 * like the sandbox: names that are only whitespace or contain control
 * characters (the share-folder rename page forbids \n \r \b \t) are refused
 * too, rather than risk a name the service mangles.
 */
import { KooDriveError } from './errors';

export const MAX_REMOTE_NAME_LENGTH = 250;
export const FORBIDDEN_NAME_CHARACTERS = ['<', '>', '|', ':', '"', '*', '?', '/', '\\'] as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Which rule a name breaks: hosts word it themselves (the extension localizes it). */
export type RemoteNameRule =
  | { rule: 'empty' }
  | { rule: 'dot'; name: string }
  | { rule: 'forbidden'; characters: string[] }
  | { rule: 'control' }
  | { rule: 'tooLong'; length: number };

/** The rule `name` breaks as a KooDrive file or folder name, or undefined when it is a valid one. */
export function remoteNameRule(name: string): RemoteNameRule | undefined {
  if (name.length === 0 || name.trim().length === 0) return { rule: 'empty' };
  if (name === '.' || name === '..') return { rule: 'dot', name };
  const bad = FORBIDDEN_NAME_CHARACTERS.filter((c) => name.includes(c));
  if (bad.length > 0) return { rule: 'forbidden', characters: bad };
  if (CONTROL.test(name)) return { rule: 'control' };
  const length = [...name].length;
  if (length > MAX_REMOTE_NAME_LENGTH) return { rule: 'tooLong', length };
  return undefined;
}

/** Why `name` cannot be a KooDrive name (English, for the CLI and errors), or undefined when it can. */
export function remoteNameProblem(name: string): string | undefined {
  const r = remoteNameRule(name);
  switch (r?.rule) {
    case undefined: return undefined;
    case 'empty': return 'the name is empty';
    case 'dot': return `"${r.name}" is not allowed as a name`;
    case 'forbidden': return `KooDrive names cannot contain ${r.characters.map((c) => `'${c}'`).join(' ')} (not allowed: < > | : " * ? / \\)`;
    case 'control': return 'KooDrive names cannot contain control characters (tab, newline, ...)';
    case 'tooLong': return `the name has ${r.length} characters; KooDrive allows ${MAX_REMOTE_NAME_LENGTH}`;
  }
}

/** Throws InvalidInput naming `subject` (the local path) when `name` cannot be a KooDrive name. */
export function checkRemoteName(name: string, subject?: string): void {
  const problem = remoteNameProblem(name);
  if (problem) {
    const short = name.length > 60 ? `${[...name].slice(0, 40).join('')}…` : name;
    const shown = CONTROL.test(short) ? JSON.stringify(short) : `"${short}"`;
    const about = subject && subject !== name ? ` (${subject})` : '';
    throw new KooDriveError('InvalidInput', `Cannot upload as ${shown}${about}: ${problem}. Rename it and try again.`, { subject: subject ?? name });
  }
}
