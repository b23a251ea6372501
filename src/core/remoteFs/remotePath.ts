/**
 * A place on KooDrive named by path: the space's container id and the names
 * from the space's top level down. Two spellings exist, one per host:
 *
 *  - the CLI's rclone-style `<containerId>:<path>` ("c123:Documents/report.txt");
 *  - the editor's URI `koodrive://<containerId>/<names…>` (built in the
 *    extension; the names are the same list).
 *
 * Names are taken literally (KooDrive names may contain `#`, `%`, `+`, `~`,
 * `[`, spaces, …); only `/` separates them, so a name can never contain one
 * (KooDrive forbids `/` in names anyway). Empty segments ("a//b", a trailing
 * "/") are dropped; "." and ".." are refused rather than interpreted, because
 * KooDrive has no such entries and silently resolving them could address a
 * different file than the user typed.
 */
import { KooDriveError } from '../errors';

export interface RemotePath {
  readonly containerId: string;
  /** From the space's top level down; empty for the top level itself. */
  readonly names: readonly string[];
}

/** Splits a slash-separated path into names (see the module comment for the rules). */
export function splitRemoteNames(path: string, subject = path): string[] {
  const names = path.split('/').filter((n) => n !== '');
  for (const n of names) {
    if (n === '.' || n === '..') {
      throw new KooDriveError('InvalidInput', `"${subject}": "${n}" is not allowed in a KooDrive path (write the path from the top of the space)`, { subject: 'usage' });
    }
  }
  return names;
}

/** `<containerId>:<path>` → RemotePath. The container id is everything before the first ':'. */
export function parseRemoteSpec(spec: string): RemotePath {
  const colon = spec.indexOf(':');
  if (colon <= 0) {
    throw new KooDriveError('InvalidInput', `"${spec}" is not a remote path: write <containerId>:<path> (run "koodrive spaces" for container ids)`, { subject: 'usage' });
  }
  return { containerId: spec.slice(0, colon), names: splitRemoteNames(spec.slice(colon + 1), spec) };
}

/** True when `arg` looks like `<containerId>:<path>` (used where the older id form is accepted too). */
export function isRemoteSpec(arg: string): boolean {
  return arg.indexOf(':') > 0;
}

/** "Documents/report.txt" (or "/" for the top level), for messages. */
export function displayNames(p: RemotePath): string {
  return p.names.length === 0 ? '/' : p.names.join('/');
}

export function parentOf(p: RemotePath): RemotePath {
  return { containerId: p.containerId, names: p.names.slice(0, -1) };
}

export function baseNameOf(p: RemotePath): string {
  return p.names[p.names.length - 1] ?? '';
}

export function childOf(p: RemotePath, name: string): RemotePath {
  return { containerId: p.containerId, names: [...p.names, name] };
}

/** True when `inner` is `outer` or below it. */
export function isWithin(inner: RemotePath, outer: RemotePath): boolean {
  return inner.containerId === outer.containerId && outer.names.length <= inner.names.length && outer.names.every((n, i) => n === inner.names[i]);
}

/**
 * How a path names its space: the container id, or for a shared folder
 * (which lives inside its owner's container) `<containerId>~<shareFolderId>`.
 */
export function spaceKeyOf(space: { containerId: string; shareFolderId?: string }): string {
  return space.shareFolderId ? `${space.containerId}~${space.shareFolderId}` : space.containerId;
}

/**
 * The space a path's key names, among the user's spaces (a plain container id
 * matches its own space first). VS Code lower-cases a URI's authority, so a
 * key that matches no space exactly is compared without case, and used only
 * when that names exactly one space (never a guess between two).
 */
export function findSpaceByKey<S extends { containerId: string; shareFolderId?: string }>(spaces: readonly S[], key: string): S | undefined {
  const exact = spaces.find((s) => spaceKeyOf(s) === key) ?? spaces.find((s) => s.containerId === key);
  if (exact) return exact;
  const lower = key.toLowerCase();
  const byKey = spaces.filter((s) => spaceKeyOf(s).toLowerCase() === lower);
  if (byKey.length === 1) return byKey[0];
  const byContainer = spaces.filter((s) => s.containerId.toLowerCase() === lower && !s.shareFolderId);
  return byContainer.length === 1 ? byContainer[0] : undefined;
}

/** True when two space keys name the same space as far as URIs can tell (authorities are lower-cased). */
export function sameSpaceKey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
