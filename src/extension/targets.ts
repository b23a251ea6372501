/**
 * What a command was invoked on, whatever VS Code passed: Explorer and
 * editor menus give (uri, uris[]), the tree gives (node, selectedNodes[]),
 * the palette gives nothing. Plain TypeScript: a Uri is anything with a
 * scheme and an fsPath.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Space } from '../core/api/models';
import { KooDriveError } from '../core/errors';
import { l10n } from './l10n';
import type { Services } from './services';
import { pickRemoteFile } from './ui/remoteBrowser';
import { ContainerNode, folderIdOf, isContainerNode, isDriveNode, isItemNode, ItemNode } from './views/treeNodes';

export interface UriLike {
  readonly scheme: string;
  readonly fsPath: string;
}

export function isUriLike(v: unknown): v is UriLike {
  return typeof v === 'object' && v !== null && typeof (v as UriLike).scheme === 'string' && typeof (v as UriLike).fsPath === 'string';
}

/** Local paths from an Explorer invocation (the multi-selection wins over the clicked item). */
export function localPathsFromArgs(uri: unknown, uris: unknown): string[] {
  const list = Array.isArray(uris) && uris.length > 0 ? uris : uri === undefined ? [] : [uri];
  const out: string[] = [];
  for (const u of list) {
    if (!isUriLike(u)) continue;
    if (u.scheme !== 'file') {
      throw new KooDriveError('InvalidInput', l10n.t('Only local files can be uploaded ({0} is not on this computer).', u.fsPath || u.scheme));
    }
    out.push(u.fsPath);
  }
  return out;
}

/** Tree items from a tree invocation (the selection, when the clicked node is part of it). */
export function itemNodesFromArgs(node: unknown, nodes: unknown): ItemNode[] {
  const selected = Array.isArray(nodes) ? nodes.filter(isItemNode) : [];
  if (isItemNode(node) && selected.length > 0 && selected.includes(node)) return selected;
  if (isItemNode(node)) return [node];
  return selected;
}

/** Tree items from a tree invocation; from the palette (no arguments), the tree's selection. */
export function itemNodesOrSelection(s: Services, node: unknown, nodes: unknown): ItemNode[] {
  if (node === undefined && nodes === undefined) return s.tree.selectedItems();
  return itemNodesFromArgs(node, nodes);
}

/** The folder (or space) a tree command applies to: a file stands for its folder. */
export function containerFromArg(node: unknown): ContainerNode | undefined {
  if (isContainerNode(node)) return node;
  if (isDriveNode(node) && node.kind === 'file') return node.parent;
  return undefined;
}

export function requireContainer(node: unknown): ContainerNode {
  const c = containerFromArg(node);
  if (!c) throw new KooDriveError('InvalidInput', l10n.t('Select a folder or space in the KooDrive view first.'));
  return c;
}

export function requireItem(node: unknown): ItemNode {
  if (isItemNode(node)) return node;
  throw new KooDriveError('InvalidInput', l10n.t('Select a file or folder in the KooDrive view first.'));
}

/** A KooDrive file, and its linked local copy when there is one. */
export interface RemoteFileTarget {
  space: Space;
  fileId: string;
  name: string;
  parentId?: string;
  localPath?: string;
}

/**
 * The KooDrive file a command is about: a file node; or a local file (the
 * argument, else the active editor) through its link, asking once with a
 * quick pick when it has none (the answer becomes its link).
 */
export async function resolveRemoteFile(s: Services, arg: unknown): Promise<RemoteFileTarget> {
  if (isDriveNode(arg)) {
    if (arg.kind !== 'file') throw new KooDriveError('InvalidInput', l10n.t('Versions exist for files only.'));
    const link = s.links.findByFileId(arg.space.containerId, arg.item.id);
    return { space: arg.space, fileId: arg.item.id, name: arg.item.name, parentId: folderIdOf(arg.parent), localPath: link?.localPath };
  }
  // An open KooDrive file (koodrive: editor or Explorer; from the palette, the active koodrive: editor): no local copy involved.
  const remote = isUriLike(arg) && arg.scheme === 'koodrive' ? (arg as unknown as { scheme: string; authority: string; path: string })
    : arg === undefined ? s.host.activeRemoteUri() : undefined;
  if (remote && s.remoteFiles) return s.remoteFiles.fileAt(remote);
  const localPath = localFileFromArg(s, arg);
  const link = s.links.get(localPath);
  if (link) return { space: link.space, fileId: link.fileId, name: link.name, parentId: link.parentId, localPath: link.localPath };
  const picked = await pickRemoteFile(s, { title: l10n.t('Choose the KooDrive file for {0}', path.basename(localPath)) });
  await s.links.set(localPath, { fileId: picked.item.id, space: picked.space, name: picked.item.name, parentId: picked.parentId });
  return { space: picked.space, fileId: picked.item.id, name: picked.item.name, parentId: picked.parentId, localPath };
}

/** A local file from a Uri argument, else the active editor's file. */
export function localFileFromArg(s: Services, arg: unknown): string {
  if (isUriLike(arg)) {
    if (arg.scheme !== 'file') throw new KooDriveError('InvalidInput', l10n.t('{0} is not a local file.', arg.fsPath || arg.scheme));
    return arg.fsPath;
  }
  const active = s.host.activeFile();
  if (!active) throw new KooDriveError('InvalidInput', l10n.t('Open a local file in the editor, or select one in the Explorer.'));
  return active;
}

/** Local paths of a text/uri-list (RFC 2483: one URI a line, "#" comments); non-file URIs are ignored. */
export function parseUriList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    try {
      const url = new URL(line);
      if (url.protocol === 'file:') out.push(fileURLToPath(url));
    } catch {
      /* not a URI */
    }
  }
  return out;
}
