/**
 * Quick-pick navigation of KooDrive: a space, then folders, drilling down
 * ("Upload to KooDrive" destination, the file a local copy belongs to).
 * Folders are listed a page at a time with a "Load more…" entry.
 */
import type { DriveItem, Space } from '../../core/api/models';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { RemoteFolderRef } from '../stores/recentPlaces';
import { compareItems } from '../views/driveTreeModel';
import { spaceKey } from '../views/treeNodes';
import { spaceKindLabel } from '../views/treePresentation';
import { formatBytes } from './format';
import type { PickItem } from './prompts';

export const BROWSE_SPACE_PROMPT = 'browse.space';
export const BROWSE_FOLDER_PROMPT = 'browse.folder';

export interface RemoteFileRef {
  space: Space;
  item: DriveItem;
  parentId: string;
  path: string;
  /** The names from the space's top level down to the file (its `koodrive:` path). */
  names: string[];
}

interface Item extends PickItem {
  space?: Space;
  item?: DriveItem;
}

interface Level {
  space: Space;
  /** Folders below the space root, outermost first. */
  trail: Array<{ id: string; name: string }>;
}

function folderIdOf(level: Level): string {
  return level.trail.length ? level.trail[level.trail.length - 1].id : level.space.rootFolderId;
}

function pathOf(level: Level): string {
  return [level.space.name, ...level.trail.map((t) => t.name)].join('/');
}

interface BrowseOptions {
  title: string;
  acceptLabel: string;
  last?: RemoteFolderRef;
  /** Offer "New Folder…" (created on KooDrive, then opened). */
  allowCreate?: boolean;
}

export const BROWSE_NEW_FOLDER_PROMPT = 'browse.newFolder';

/** Asks for a folder; offers the last upload destination first when `last` is given. */
export function pickRemoteFolder(s: Services, opts: BrowseOptions): Promise<RemoteFolderRef> {
  return browse(s, opts, 'folder');
}

/** Asks for a file. */
export function pickRemoteFile(s: Services, opts: { title: string }): Promise<RemoteFileRef> {
  return browse(s, { ...opts, acceptLabel: '' }, 'file');
}

function browse(s: Services, opts: BrowseOptions, mode: 'folder'): Promise<RemoteFolderRef>;
function browse(s: Services, opts: BrowseOptions, mode: 'file'): Promise<RemoteFileRef>;
async function browse(s: Services, opts: BrowseOptions, mode: 'folder' | 'file'): Promise<RemoteFolderRef | RemoteFileRef> {
  let level: Level | undefined;
  for (;;) {
    if (!level) {
      const spaces = await s.tree.listSpaces();
      const items: Item[] = [];
      if (opts.last) {
        items.push({ id: 'last', label: `$(history) ${opts.last.path}`, description: l10n.t('Last used') });
        items.push({ id: 'sep', label: l10n.t('Spaces'), separator: true });
      }
      for (const space of spaces) {
        items.push({ id: `space:${spaceKey(space)}`, label: space.name, description: spaceKindLabel(space), space });
      }
      const chosen = await s.prompts.pick(items, { id: BROWSE_SPACE_PROMPT, title: opts.title, placeholder: l10n.t('Choose a KooDrive space') });
      if (chosen.id === 'last' && opts.last) return opts.last;
      if (chosen.space) level = { space: chosen.space, trail: [] };
      continue;
    }
    const current: Level = level;
    const conn = await s.session.connection();
    const listed: DriveItem[] = [];
    let cursor: string | undefined;
    let more = true;
    const fetch = async (): Promise<void> => {
      const page = await conn.client.listFiles(current.space, folderIdOf(current), { cursor, pageSize: 100 });
      listed.push(...page.items);
      cursor = page.nextCursor;
      more = Boolean(page.nextCursor);
    };
    await fetch();
    let next: Level | undefined | 'stay' = 'stay';
    while (next === 'stay') {
      const here = pathOf(current);
      const items: Item[] = [];
      if (mode === 'folder') items.push({ id: 'accept', label: `$(check) ${opts.acceptLabel}`, description: here });
      if (mode === 'folder' && opts.allowCreate) items.push({ id: 'new', label: `$(new-folder) ${l10n.t('New Folder…')}`, description: l10n.t('in {0}', here) });
      items.push({ id: 'up', label: '$(arrow-up) ..', description: current.trail.length ? l10n.t('Up one folder') : l10n.t('Back to the spaces') });
      const sorted = [...listed].sort(compareItems).filter((i) => mode === 'file' || i.isFolder);
      for (const item of sorted) {
        items.push(item.isFolder
          ? { id: `folder:${item.id}`, label: `$(folder) ${item.name}`, item }
          : { id: `file:${item.id}`, label: `$(file) ${item.name}`, description: formatBytes(item.size), item });
      }
      if (more) items.push({ id: 'more', label: `$(ellipsis) ${l10n.t('Load more…')}`, description: l10n.t('{0} shown', listed.length) });
      const placeholder = mode === 'folder' ? l10n.t('Choose a folder in {0}', here) : l10n.t('Choose a file in {0}', here);
      const chosen = await s.prompts.pick(items, { id: BROWSE_FOLDER_PROMPT, title: opts.title, placeholder });
      if (chosen.id === 'accept') return { space: current.space, folderId: folderIdOf(current), path: here };
      if (chosen.id === 'new') {
        const name = await s.prompts.input({ id: BROWSE_NEW_FOLDER_PROMPT, title: opts.title, prompt: l10n.t('Name of the new folder in {0}', here), validate: (v) => (v.trim() === '' ? l10n.t('Enter a name') : undefined) });
        const created = await conn.client.createFolder(current.space, folderIdOf(current), name.trim(), { renameMode: 3 });
        next = { space: current.space, trail: [...current.trail, { id: created.id, name: created.name }] };
        continue;
      }
      if (chosen.id === 'more') {
        await fetch();
        continue;
      }
      if (chosen.id === 'up') {
        next = current.trail.length ? { space: current.space, trail: current.trail.slice(0, -1) } : undefined;
      } else if (chosen.item?.isFolder) {
        next = { space: current.space, trail: [...current.trail, { id: chosen.item.id, name: chosen.item.name }] };
      } else if (chosen.item) {
        return {
          space: current.space,
          item: chosen.item,
          parentId: folderIdOf(current),
          path: `${here}/${chosen.item.name}`,
          names: [...current.trail.map((t) => t.name), chosen.item.name],
        };
      }
    }
    level = next;
  }
}
