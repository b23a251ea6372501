/**
 * The KooDrive tree's model, in plain TypeScript so unit tests drive it
 * without VS Code: spaces at the root, folders and files below, each folder
 * listed lazily a page (≤ 100 items) at a time with a "Load more…" node,
 * folders first then names in natural order. Node objects keep their identity
 * across refreshes (VS Code matches refresh events by element).
 *
 * Each space (except shared folders, whose bin is their owner's) ends with a
 * "Recycle Bin" node when the source can list bins; it pages like a folder.
 *
 * The model calls core only through `DriveTreeSource` (the data provider
 * binds it to the client); load errors become a message node and are passed
 * to `onError` (the one error wrapper), except AuthRequired, which empties
 * the tree so the welcome view with "Sign in" shows. A space listing that
 * failed while others loaded (shared folders on an edition without them)
 * adds one warning item after the spaces that did load.
 */
import { MAX_PAGE_SIZE } from '../../core/api/koodriveClient';
import type { DriveItem, Page, Space, SpaceRef } from '../../core/api/models';
import { isCancellation, KooDriveError } from '../../core/errors';
import type { SpaceListing, SpaceListingWarning, SpacesResult } from '../../core/spaces';
import type { RecycledItem } from '../../core/organize/recycleBin';
import { l10n } from '../l10n';
import {
  ContainerNode, DriveNode, FileNode, FolderNode, folderIdOf, ItemNode, LoadMoreNode, MessageNode, PagedNode, RecycleBinNode,
  RecycledNode, SpaceNode, spaceKey,
} from './treeNodes';

export interface DriveTreeSource {
  /** The spaces that loaded, and the listings that failed (core's loadSpaces). */
  listSpaces(): Promise<SpacesResult>;
  listFolder(space: Space, folderId: string, cursor: string | undefined, pageSize: number): Promise<Page<DriveItem>>;
  /** Optional: without it the spaces have no "Recycle Bin" node. */
  listRecycleBin?(space: Space, cursor: string | undefined, pageSize: number): Promise<Page<RecycledItem>>;
}

export interface DriveTreeModelOptions {
  pageSize?: number;
  onError?(err: unknown): void;
}

type Listed = DriveItem | RecycledItem;
const idOfListed = (x: Listed): string => ('item' in x ? x.item.id : x.id);

interface Listing {
  items: Listed[];
  nextCursor?: string;
  loaded: boolean;
  pending?: Promise<void>;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then by name (natural order, case-insensitive), ties by id for stability. */
export function compareItems(a: DriveItem, b: DriveItem): number {
  if (a.isFolder !== b.isFolder) return a.isFolder ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const SPACE_ORDER: Record<Space['kind'], number> = { personal: 0, department: 1, group: 2, shared: 3 };

interface LoadedSpaces {
  nodes: SpaceNode[];
  /** One item naming every listing that failed, when any did. */
  warning?: MessageNode;
}

export class DriveTreeModel {
  private spaces?: LoadedSpaces;
  private spacesPending?: Promise<LoadedSpaces>;
  private readonly listings = new Map<string, Listing>();
  private readonly nodes = new Map<string, DriveNode>();
  private readonly pageSize: number;

  constructor(private readonly source: DriveTreeSource, private readonly options: DriveTreeModelOptions = {}) {
    this.pageSize = Math.max(1, Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE));
  }

  /** The spaces, personal first (the order listSpaces gives within a kind). */
  async roots(): Promise<DriveNode[]> {
    try {
      const loaded = await this.loadSpaces();
      return loaded.warning ? [...loaded.nodes, loaded.warning] : loaded.nodes;
    } catch (err) {
      return this.failed(undefined, err);
    }
  }

  /** A space's, folder's or recycle bin's children: loads the first page when needed. */
  async children(node: PagedNode): Promise<DriveNode[]> {
    const listing = this.listingOf(node);
    try {
      if (!listing.loaded) await this.fetch(node, listing, undefined);
    } catch (err) {
      this.listings.delete(node.key);
      return this.failed(node, err);
    }
    return this.build(node, listing);
  }

  /** Fetches the next page of the load-more node's folder; returns the container to refresh. */
  async loadMore(node: LoadMoreNode): Promise<PagedNode> {
    const listing = this.listingOf(node.parent);
    if (listing.loaded && listing.nextCursor && !listing.pending) {
      await this.fetch(node.parent, listing, listing.nextCursor);
    } else if (listing.pending) {
      await listing.pending;
    }
    return node.parent;
  }

  /** Forgets what was loaded: everything, or one container and all below it. */
  invalidate(node?: PagedNode): void {
    if (!node) {
      this.spaces = undefined;
      this.spacesPending = undefined;
      this.listings.clear();
      return;
    }
    for (const key of [...this.listings.keys()]) {
      const n = this.nodes.get(key);
      if (n && (n === node || isBelow(n, node))) this.listings.delete(key);
    }
    this.listings.delete(node.key);
    // Node objects are kept: VS Code matches later refresh events by element.
  }

  /** The node showing `folderId` of `space`, if the tree has shown it. */
  findContainer(space: SpaceRef, folderId: string): ContainerNode | undefined {
    const sk = spaceKey(space);
    const spaceNode = this.nodes.get(`space:${sk}`) as SpaceNode | undefined;
    if (spaceNode && spaceNode.space.rootFolderId === folderId) return spaceNode;
    const n = this.nodes.get(`${sk}/${folderId}`);
    return n?.kind === 'folder' ? n : undefined;
  }

  /** The spaces as last loaded (for pickers), loading them if needed. */
  async listSpaces(): Promise<Space[]> {
    return (await this.loadSpaces()).nodes.map((n) => n.space);
  }

  private async loadSpaces(): Promise<LoadedSpaces> {
    if (this.spaces) return this.spaces;
    if (!this.spacesPending) {
      const pending = this.source.listSpaces().then(({ spaces, warnings }) => {
        const nodes = spaces
          .map((s, i) => ({ s, i }))
          .sort((a, b) => SPACE_ORDER[a.s.kind] - SPACE_ORDER[b.s.kind] || a.i - b.i)
          .map(({ s }) => this.spaceNode(s));
        const loaded: LoadedSpaces = { nodes, warning: warnings.length > 0 ? this.spacesWarning(warnings) : undefined };
        if (this.spacesPending === pending) this.spaces = loaded;
        return loaded;
      });
      this.spacesPending = pending;
      pending.catch(() => this.spacesPending === pending && (this.spacesPending = undefined));
    }
    return this.spacesPending;
  }

  private spaceNode(space: Space): SpaceNode {
    const key = `space:${spaceKey(space)}`;
    const existing = this.nodes.get(key);
    if (existing?.kind === 'space') {
      existing.space = space;
      return existing;
    }
    const node: SpaceNode = { kind: 'space', key, space };
    this.nodes.set(key, node);
    return node;
  }

  private listingOf(node: PagedNode): Listing {
    let l = this.listings.get(node.key);
    if (!l) {
      l = { items: [], loaded: false };
      this.listings.set(node.key, l);
    }
    return l;
  }

  private fetch(node: PagedNode, listing: Listing, cursor: string | undefined): Promise<void> {
    if (listing.pending) return listing.pending;
    const pending = (async () => {
      const page: Page<Listed> = node.kind === 'recycleBin'
        ? await (this.source.listRecycleBin as NonNullable<DriveTreeSource['listRecycleBin']>)(node.space, cursor, this.pageSize)
        : await this.source.listFolder(node.space, folderIdOf(node), cursor, this.pageSize);
      if (this.listings.get(node.key) !== listing) return; // invalidated meanwhile
      const seen = new Set(listing.items.map(idOfListed));
      listing.items.push(...page.items.filter((i) => !seen.has(idOfListed(i))));
      listing.nextCursor = page.nextCursor;
      listing.loaded = true;
    })();
    listing.pending = pending;
    return pending.finally(() => {
      if (listing.pending === pending) listing.pending = undefined;
    });
  }

  private build(parent: PagedNode, listing: Listing): DriveNode[] {
    // The bin keeps the service's order (most recently deleted first).
    const out: DriveNode[] = parent.kind === 'recycleBin'
      ? (listing.items as RecycledItem[]).map((entry) => this.recycledNode(parent, entry))
      : [...(listing.items as DriveItem[])].sort(compareItems).map((item) => this.itemNode(parent, item));
    if (listing.nextCursor) {
      const key = `${parent.key}#more`;
      let more = this.nodes.get(key) as LoadMoreNode | undefined;
      if (!more) {
        more = { kind: 'loadMore', key, parent, loaded: 0 };
        this.nodes.set(key, more);
      }
      more.loaded = listing.items.length;
      out.push(more);
    } else if (out.length === 0) {
      out.push(this.message(parent, parent.kind === 'recycleBin' ? l10n.t('The recycle bin is empty') : l10n.t('This folder is empty'), false));
    }
    if (parent.kind === 'space' && this.source.listRecycleBin && parent.space.kind !== 'shared') out.push(this.recycleBinNode(parent));
    return out;
  }

  private recycleBinNode(parent: SpaceNode): RecycleBinNode {
    const key = `${parent.key}#bin`;
    const existing = this.nodes.get(key);
    if (existing?.kind === 'recycleBin') return existing;
    const node: RecycleBinNode = { kind: 'recycleBin', key, space: parent.space, parent };
    this.nodes.set(key, node);
    return node;
  }

  private recycledNode(parent: RecycleBinNode, entry: RecycledItem): RecycledNode {
    const key = `${parent.key}/${entry.item.id}`;
    const existing = this.nodes.get(key);
    if (existing?.kind === 'recycled') {
      existing.entry = entry;
      return existing;
    }
    const node: RecycledNode = { kind: 'recycled', key, space: parent.space, parent, entry };
    this.nodes.set(key, node);
    return node;
  }

  /** The space's "Recycle Bin" node, if the tree has one. */
  recycleBinOf(space: SpaceRef): RecycleBinNode | undefined {
    const n = this.nodes.get(`space:${spaceKey(space)}#bin`);
    return n?.kind === 'recycleBin' ? n : undefined;
  }

  /**
   * The node of an item, loading the listings on the way (and further pages
   * when needed): the space's top level, then each folder of `folderIds`
   * (outermost first), then the item itself. Undefined when something on
   * the way is not there (moved or deleted meanwhile).
   */
  async locate(space: Space, folderIds: readonly string[], itemId: string): Promise<ItemNode | undefined> {
    const spaceNode = (await this.loadSpaces()).nodes.find((n) => spaceKey(n.space) === spaceKey(space));
    if (!spaceNode) return undefined;
    let container: ContainerNode = spaceNode;
    for (const id of [...folderIds, itemId]) {
      const found = await this.findChild(container, id);
      if (!found) return undefined;
      if (id === itemId) return found;
      if (found.kind !== 'folder') return undefined;
      container = found;
    }
    return undefined;
  }

  private async findChild(container: ContainerNode, id: string): Promise<ItemNode | undefined> {
    for (;;) {
      const kids = await this.children(container);
      const hit = kids.find((k): k is ItemNode => (k.kind === 'folder' || k.kind === 'file') && k.item.id === id);
      if (hit) return hit;
      const more = kids.find((k): k is LoadMoreNode => k.kind === 'loadMore');
      if (!more) return undefined;
      await this.loadMore(more);
    }
  }

  private itemNode(parent: ContainerNode, item: DriveItem): FolderNode | FileNode {
    const key = `${spaceKey(parent.space)}/${item.id}`;
    const existing = this.nodes.get(key);
    const kind = item.isFolder ? 'folder' : 'file';
    if (existing && existing.kind === kind && existing.parent === parent) {
      existing.item = item;
      return existing;
    }
    const node = { kind, key, space: parent.space, parent, item } as FolderNode | FileNode;
    this.nodes.set(key, node);
    return node;
  }

  private failed(parent: PagedNode | undefined, err: unknown): DriveNode[] {
    if (isCancellation(err)) return [];
    this.options.onError?.(err);
    if (KooDriveError.is(err, 'AuthRequired')) return [];
    const message = KooDriveError.is(err) ? err.message : String((err as Error)?.message ?? err);
    return [this.message(parent, l10n.t('Could not load: {0}', message), true)];
  }

  /** "Could not list shared folders: <why>" (several listings: joined with "; "); clicking it refreshes the tree. */
  private spacesWarning(warnings: SpaceListingWarning[]): MessageNode {
    const parts = warnings.map((w) => l10n.t('{0}: {1}', listingLabel(w.listing), w.error.message));
    return this.message(undefined, l10n.t('Could not list {0}', parts.join('; ')), true, 'root#spacesWarning');
  }

  private message(parent: PagedNode | undefined, text: string, isError: boolean, key = `${parent?.key ?? 'root'}#message`): MessageNode {
    const node: MessageNode = { kind: 'message', key, parent, text, isError };
    this.nodes.set(key, node);
    return node;
  }
}

function listingLabel(listing: SpaceListing): string {
  switch (listing) {
    case 'personal':
      return l10n.t('the personal space');
    case 'departments':
      return l10n.t('departments');
    case 'groups':
      return l10n.t('groups');
    case 'sharedFolders':
      return l10n.t('shared folders');
  }
}

function isBelow(n: DriveNode, ancestor: PagedNode): boolean {
  let p: DriveNode | undefined = n.kind === 'space' ? undefined : n.parent;
  while (p) {
    if (p === ancestor) return true;
    p = p.kind === 'space' ? undefined : p.parent;
  }
  return false;
}
