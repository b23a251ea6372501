/**
 * Tree nodes wrap core models (GitLens, AWS `TreeNode<T>`): a space, a folder
 * or file (`DriveItem`), the "Load more…" node of a paged listing, and a
 * message (empty folder, load error). Plain data: no VS Code, no HTTP.
 * `key` is unique in the whole tree and doubles as the TreeItem id.
 */
import type { DriveItem, Space, SpaceRef } from '../../core/api/models';
import type { RecycledItem } from '../../core/organize/recycleBin';

export interface SpaceNode {
  readonly kind: 'space';
  readonly key: string;
  space: Space;
}

export interface FolderNode {
  readonly kind: 'folder';
  readonly key: string;
  readonly space: Space;
  readonly parent: ContainerNode;
  item: DriveItem;
}

export interface FileNode {
  readonly kind: 'file';
  readonly key: string;
  readonly space: Space;
  readonly parent: ContainerNode;
  item: DriveItem;
}

/** A space's "Recycle Bin": lists the recycled items a page at a time. */
export interface RecycleBinNode {
  readonly kind: 'recycleBin';
  readonly key: string;
  readonly space: Space;
  readonly parent: SpaceNode;
}

/** One item in a recycle bin (restorable or deletable for good; not browsable). */
export interface RecycledNode {
  readonly kind: 'recycled';
  readonly key: string;
  readonly space: Space;
  readonly parent: RecycleBinNode;
  entry: RecycledItem;
}

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly key: string;
  readonly parent: PagedNode;
  /** Items loaded so far in the parent (for the label). */
  loaded: number;
}

export interface MessageNode {
  readonly kind: 'message';
  readonly key: string;
  readonly parent?: PagedNode;
  text: string;
  isError: boolean;
}

/** A node whose children are a folder listing. */
export type ContainerNode = SpaceNode | FolderNode;
/** A node whose children are listed a page at a time. */
export type PagedNode = ContainerNode | RecycleBinNode;
export type ItemNode = FolderNode | FileNode;
export type DriveNode = SpaceNode | FolderNode | FileNode | LoadMoreNode | MessageNode | RecycleBinNode | RecycledNode;

/** Distinguishes spaces that share a container (a shared folder lives in its owner's personal space). */
export function spaceKey(space: SpaceRef): string {
  return space.shareFolderId ? `${space.containerId}~${space.shareFolderId}` : space.containerId;
}

export function folderIdOf(node: ContainerNode): string {
  return node.kind === 'space' ? node.space.rootFolderId : node.item.id;
}

export function isDriveNode(value: unknown): value is DriveNode {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string'
    && (kind === 'space' || kind === 'folder' || kind === 'file' || kind === 'loadMore' || kind === 'message' || kind === 'recycleBin' || kind === 'recycled');
}

export function isRecycledNode(value: unknown): value is RecycledNode {
  return isDriveNode(value) && value.kind === 'recycled';
}

export function isItemNode(value: unknown): value is ItemNode {
  return isDriveNode(value) && (value.kind === 'folder' || value.kind === 'file');
}

export function isContainerNode(value: unknown): value is ContainerNode {
  return isDriveNode(value) && (value.kind === 'space' || value.kind === 'folder');
}

/** "Personal space/docs/reports" for messages and pickers. */
export function displayPath(node: ContainerNode | ItemNode): string {
  const names: string[] = [];
  let n: ContainerNode | ItemNode | undefined = node;
  while (n) {
    if (n.kind === 'space') {
      names.push(n.space.name);
      n = undefined;
    } else {
      names.push(n.item.name);
      n = n.parent;
    }
  }
  return names.reverse().join('/');
}
