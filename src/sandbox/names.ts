/**
 * Name rules, the rename-on-clash suffix, and the extension -> category /
 * MIME tables (protocol.md §7).
 */
import { formatRenameStamp } from './clock';

export const MAX_NAME_LENGTH = 250;

/**
 * Why `name` is not a valid file or folder name, or undefined when it is.
 * Digest §7: not empty, not "." or "..", none of < > | : " * ? / \, at most
 * 250 characters. Where the docs are silent we are stricter: a name that is
 * only whitespace or contains control characters (U+0000-U+001F, U+007F) is
 * refused too (the share-folder rename page forbids \n \r \b \t). Length is
 * counted in Unicode code points.
 */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'name must be a string';
  if (name.length === 0 || name.trim().length === 0) return 'name must not be empty';
  if (name === '.' || name === '..') return 'name must not be "." or ".."';
  if (/[<>|:"*?/\\]/.test(name)) return 'name must not contain < > | : " * ? / \\';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'name must not contain control characters';
  if ([...name].length > MAX_NAME_LENGTH) return `name must be at most ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/** Split "report.final.txt" into ["report.final", ".txt"]; dotfiles and suffix-less names have no extension. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

/** "txt" for "a.b.txt" (files only). */
export function fileSuffix(name: string): string {
  const [, ext] = splitExtension(name);
  return ext ? ext.slice(1).toLowerCase() : '';
}

/** "b.txt" for "a.b.txt": everything after the first dot (not counting a leading one). */
export function fullFileSuffix(name: string): string {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The name used when renaming on a clash (autoRename 2/4, renameMode 2):
 * "name_yyyyMMdd_HHmmss.ext" like the doc example (test_20240104_105403.zip),
 * then "name_yyyyMMdd_HHmmss_1.ext", "_2", ... until `taken` says it is free.
 * The base is shortened if the result would exceed 250 characters.
 */
export function clashFreeName(name: string, nowMs: number, taken: (candidate: string) => boolean): string {
  const [base, ext] = splitExtension(name);
  const stamp = formatRenameStamp(nowMs);
  for (let i = 0; ; i++) {
    const suffix = `_${stamp}${i === 0 ? '' : `_${i}`}${ext}`;
    const room = MAX_NAME_LENGTH - [...suffix].length;
    const shortBase = [...base].slice(0, Math.max(1, room)).join('');
    const candidate = shortBase + suffix;
    if (!taken(candidate)) return candidate;
  }
}

/** File categories of protocol.md §7 (folders are "10"). */
export const FOLDER_TYPE = '10';
export const FILE_TYPES = ['15', '20', '26', '27', '28', '30', '35', '40', '45'] as const;

const CATEGORY_BY_EXT: Record<string, string> = {
  png: '15', jpg: '15', jpeg: '15', gif: '15', bmp: '15', webp: '15', svg: '15', heic: '15', tif: '15', tiff: '15',
  mp4: '20', mkv: '20', mov: '20', avi: '20', wmv: '20', webm: '20', flv: '20',
  txt: '26', doc: '26', docx: '26', md: '26', rtf: '26', pdf: '26', odt: '26',
  xls: '27', xlsx: '27', csv: '27', ods: '27',
  ppt: '28', pptx: '28', odp: '28',
  mp3: '30', wav: '30', flac: '30', aac: '30', ogg: '30', m4a: '30',
  zip: '35', rar: '35', '7z': '35', gz: '35', tgz: '35', tar: '35', bz2: '35', xz: '35',
  apk: '40', exe: '40', msi: '40', dmg: '40', ipa: '40', deb: '40', rpm: '40',
};

/** The §7 category for a file name (45 "other" when unknown). */
export function categoryFor(name: string): string {
  return CATEGORY_BY_EXT[fileSuffix(name)] ?? '45';
}

const MIME_BY_EXT: Record<string, string> = {
  txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json', html: 'text/html',
  xml: 'application/xml', pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp', mp4: 'video/mp4', mp3: 'audio/mpeg',
  zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar', '7z': 'application/x-7z-compressed',
  rar: 'application/vnd.rar', doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ts: 'text/plain', js: 'text/javascript', bin: 'application/octet-stream',
};

export function mimeFor(name: string): string {
  return MIME_BY_EXT[fileSuffix(name)] ?? 'application/octet-stream';
}
