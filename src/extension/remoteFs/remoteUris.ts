/**
 * `koodrive://<space>/<names…>` URIs, without VS Code (unit-tested): the
 * authority is the space's container id (`<containerId>~<shareFolderId>` for
 * a shared folder, which lives in its owner's container), the path the names
 * from the space's top level. vscode.Uri.from percent-encodes the names as
 * URIs require (`#`, `%`, spaces, …); `uri.path` gives them back decoded.
 */
import type { Space } from '../../core/api/models';
import { RemotePath, spaceKeyOf, splitRemoteNames } from '../../core/remoteFs/remotePath';
import type { ContainerNode, ItemNode } from '../views/treeNodes';

export const KOODRIVE_SCHEME = 'koodrive';

export interface UriParts {
  scheme: string;
  authority: string;
  path: string;
}

export function uriPartsFor(space: Pick<Space, 'containerId' | 'shareFolderId'>, names: readonly string[]): UriParts {
  return { scheme: KOODRIVE_SCHEME, authority: spaceKeyOf(space), path: `/${names.join('/')}` };
}

/**
 * One version of a file, read-only: `?fileId=<id>&sha256=<hex>` on the
 * file's path (the path is for the title and the language; the id and hash
 * name the content). The sync view's quick-diff original.
 */
export function pinnedUriParts(space: Pick<Space, 'containerId' | 'shareFolderId'>, names: readonly string[], pin: { fileId: string; sha256: string }): UriParts & { query: string } {
  return { ...uriPartsFor(space, names), query: `fileId=${encodeURIComponent(pin.fileId)}&sha256=${encodeURIComponent(pin.sha256)}` };
}

/** The pinned version a koodrive: URI names, if it names one. */
export function pinOfUri(uri: { query: string }): { fileId: string; sha256: string } | undefined {
  const q = new URLSearchParams(uri.query);
  const fileId = q.get('fileId');
  const sha256 = q.get('sha256');
  return fileId && sha256 ? { fileId, sha256 } : undefined;
}

export function isPinnedUri(uri: { query: string }): boolean {
  return pinOfUri(uri) !== undefined;
}

/** The remote path a koodrive: URI names (`containerId` is then the space key). */
export function remotePathOfUri(uri: { authority: string; path: string }): RemotePath {
  return { containerId: uri.authority, names: splitRemoteNames(uri.path) };
}

/** Names from the space's top level down to `node` (empty for a space). */
export function namesOfNode(node: ContainerNode | ItemNode): string[] {
  const names: string[] = [];
  for (let n: ContainerNode | ItemNode = node; n.kind !== 'space'; n = n.parent) names.push(n.item.name);
  return names.reverse();
}

/** "KooDrive · Personal space/Documents": the workspace folder's name, readable where the URI has ids. */
export function workspaceFolderName(space: Pick<Space, 'name'>, names: readonly string[]): string {
  return `KooDrive · ${[space.name, ...names].join('/')}`;
}
