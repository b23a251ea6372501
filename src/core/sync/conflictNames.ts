/**
 * The keep-both name of a conflict's local copy:
 * `<name> (conflict <yyyy-mm-dd hhmmss>)<ext>`, in local time like the file
 * times the user sees. A dotfile or a name without an extension gets the tag
 * at the end; the result stays within a name's byte limit.
 */
import { MAX_NAME_BYTES, truncateUtf8, utf8Length } from '../bytes/localNames';

export function conflictName(name: string, when: Date, n = 0): string {
  const p2 = (x: number): string => String(x).padStart(2, '0');
  const stamp = `${when.getFullYear()}-${p2(when.getMonth() + 1)}-${p2(when.getDate())} ${p2(when.getHours())}${p2(when.getMinutes())}${p2(when.getSeconds())}`;
  const tag = ` (conflict ${stamp}${n > 0 ? ` ${n + 1}` : ''})`;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot <= 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
  const candidate = `${stem}${tag}${ext}`;
  if (utf8Length(candidate) <= MAX_NAME_BYTES) return candidate;
  return `${truncateUtf8(stem, MAX_NAME_BYTES - utf8Length(tag) - utf8Length(ext))}${tag}${ext}`;
}

/** The keep-both path: the same folder, the conflict name. */
export function conflictPath(relPath: string, when: Date, n = 0): string {
  const slash = relPath.lastIndexOf('/');
  return `${relPath.slice(0, slash + 1)}${conflictName(relPath.slice(slash + 1), when, n)}`;
}
