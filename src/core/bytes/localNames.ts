/**
 * Turning server-supplied names into local paths. Names come from the
 * server (or whoever shared a folder with us) and are untrusted: a name must
 * never address anything outside the folder the user chose, and should be
 * creatable on Windows, macOS and Linux alike, so the same download behaves
 * the same everywhere.
 *
 * Policy: sanitize what can be made safe without losing the name's meaning
 * (characters replaced by "_", Windows device names suffixed, trailing dots
 * and spaces dropped, over-long names shortened with a hash of the original),
 * reject what cannot ("", ".", "..", names of only dots/spaces).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { KooDriveError } from '../errors';

/** Longest file name component (bytes of UTF-8) ext4, APFS, NTFS and most others accept. */
export const MAX_NAME_BYTES = 255;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Path separators and the other characters Windows forbids in names. */
const FORBIDDEN = /[/\\<>:"|?*]/g;
/** DOS device names, reserved on Windows with or without an extension ("nul.txt"). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const SUFFIX = '.koodrive-partial';

/**
 * A local file or folder name for a remote name, or a `InvalidInput`
 * KooDriveError when none is safe. Deterministic: the same remote name always
 * gives the same local name.
 */
export function toLocalName(remoteName: string): string {
  let name = remoteName.normalize('NFC').replace(CONTROL, '_').replace(FORBIDDEN, '_');
  name = stripTrailingDotsAndSpaces(name);
  if (name === '' || /^[. ]*$/.test(name)) {
    throw new KooDriveError('InvalidInput', `Unsafe name ${JSON.stringify(remoteName)}: it cannot be used as a local file name`, {
      subject: remoteName,
    });
  }
  // "CON", "con.txt", "Nul .tar.gz": the part before the first dot, trailing spaces ignored, names the device.
  const firstDot = name.indexOf('.');
  const stem = firstDot < 0 ? name : name.slice(0, firstDot);
  if (WINDOWS_DEVICE.test(stem.trimEnd())) {
    name = `${stem.trimEnd()}_${firstDot < 0 ? '' : name.slice(firstDot)}`;
  }
  if (utf8Length(name) > MAX_NAME_BYTES) name = shorten(name, MAX_NAME_BYTES, remoteName);
  return name;
}

/** True when `name` is already a safe local name (`toLocalName` would keep it unchanged). */
export function isSafeLocalName(name: string): boolean {
  try {
    return toLocalName(name) === name;
  } catch {
    return false;
  }
}

/**
 * "report (1).pdf" for `n` = 1: the keep-both name, like Windows Explorer and
 * browsers. Dotfiles and names without an extension get the suffix at the end.
 */
export function alternateName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot <= 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
  const tag = ` (${n})`;
  const candidate = `${stem}${tag}${ext}`;
  if (utf8Length(candidate) <= MAX_NAME_BYTES) return candidate;
  return `${truncateUtf8(stem, MAX_NAME_BYTES - utf8Length(tag) - utf8Length(ext))}${tag}${ext}`;
}

/**
 * The resumable temporary file for a download of `fileId` saved as `localName`:
 * `.<name>.<fileId>.koodrive-partial`, hidden on Unix, deterministic (so an
 * interrupted download continues from it), always a valid name.
 */
export function partialName(localName: string, fileId: string): string {
  const id = fileId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  const room = MAX_NAME_BYTES - 2 - utf8Length(id) - SUFFIX.length;
  let base = localName;
  if (utf8Length(base) > room) base = `${truncateUtf8(base, room - 9)}~${shortHash(localName)}`;
  return `.${base}.${id}${SUFFIX}`;
}

/** True for names `partialName` produces (used to keep them out of listings and conflict checks). */
export function isPartialName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(SUFFIX);
}

/**
 * `root` joined with already-sanitized `segments`, checked to stay inside
 * `root` (defence in depth: `toLocalName` never produces separators or "..").
 */
export function resolveInside(root: string, segments: readonly string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  if (!isInside(base, target)) {
    throw new KooDriveError('InvalidInput', `Refusing to write outside ${base}: ${segments.join('/')}`, { subject: segments.join('/') });
  }
  return target;
}

/** True when `target` is `root` itself or below it (both absolute, already resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/**
 * The key under which a local path is "taken" within one download run:
 * case-folded where the usual file systems are case-insensitive, so two
 * remote names differing only in case do not silently land on one file.
 */
export function localPathKey(p: string, platform: NodeJS.Platform = process.platform): string {
  const n = p.normalize('NFC');
  return platform === 'win32' || platform === 'darwin' ? n.toLowerCase() : n;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function stripTrailingDotsAndSpaces(s: string): string {
  return s.replace(/[. ]+$/, '');
}

/** Shortens to `max` bytes keeping the extension (when short) and adding a hash of the original, so two long names stay distinct. */
function shorten(name: string, max: number, original: string): string {
  const dot = name.lastIndexOf('.');
  let ext = dot <= 0 ? '' : name.slice(dot);
  if (utf8Length(ext) > 32) ext = '';
  const stem = ext ? name.slice(0, dot) : name;
  const tag = `~${shortHash(original)}`;
  const kept = stripTrailingDotsAndSpaces(truncateUtf8(stem, max - utf8Length(tag) - utf8Length(ext)));
  return `${kept}${tag}${ext}`;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 8);
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes, never splitting a code point. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}
