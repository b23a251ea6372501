/**
 * What the Source Control view shows for one link, without VS Code (unit
 * tested): the plan's changes sorted into the three groups, each with its
 * letter, tooltip and strike-through, and the status bar's counts. The
 * groups follow the contract state (docs/sync.md): `conflict` → Conflicts,
 * `local*` → To upload, `remote*` → To download.
 */
import * as path from 'node:path';
import type { ChangeState, SyncChange, SyncPlan } from '../../core/sync/syncTypes';
import { l10n } from '../l10n';

export type GroupId = 'conflicts' | 'upload' | 'download';

export const GROUP_IDS: readonly GroupId[] = ['conflicts', 'upload', 'download'];

export interface SyncResource {
  /** Relative posix path in the link ("src/a.ts"). */
  path: string;
  group: GroupId;
  state: ChangeState;
  /** M, A or D; C for a conflict. */
  letter: string;
  tooltip: string;
  /** Deleted on the side it comes from: shown struck through. */
  strikeThrough: boolean;
  /** The local file exists (a click diffs it; a delete has none). */
  hasLocal: boolean;
  /** The remote file exists. */
  hasRemote: boolean;
  /** The path this one was before (a detected move). */
  movedFrom?: string;
}

export interface SyncGroups {
  conflicts: SyncResource[];
  upload: SyncResource[];
  download: SyncResource[];
}

export function groupLabel(id: GroupId): string {
  switch (id) {
    case 'conflicts':
      return l10n.t('Conflicts');
    case 'upload':
      return l10n.t('To upload');
    case 'download':
      return l10n.t('To download');
  }
}

export function groupOf(state: ChangeState): GroupId {
  if (state === 'conflict') return 'conflicts';
  return state.startsWith('local') ? 'upload' : 'download';
}

function letterOf(state: ChangeState): string {
  switch (state) {
    case 'localModified':
    case 'remoteModified':
      return 'M';
    case 'localAdded':
    case 'remoteAdded':
      return 'A';
    case 'localDeleted':
    case 'remoteDeleted':
      return 'D';
    case 'conflict':
      return 'C';
  }
}

function tooltipOf(c: SyncChange & { state: ChangeState }): string {
  const moved = c.movedFrom ? ` ${l10n.t('(moved from {0})', c.movedFrom)}` : '';
  switch (c.state) {
    case 'localModified':
      return l10n.t('Changed locally: will be uploaded as a new version');
    case 'localAdded':
      return l10n.t('New locally: will be uploaded') + moved;
    case 'localDeleted':
      return l10n.t('Deleted locally: will go to the KooDrive recycle bin');
    case 'remoteModified':
      return c.cell === 'localDeletedRemoteModified'
        ? l10n.t('Deleted locally but changed on KooDrive: will be downloaded again')
        : l10n.t('Changed on KooDrive: will be downloaded');
    case 'remoteAdded':
      return l10n.t('New on KooDrive: will be downloaded') + moved;
    case 'remoteDeleted':
      return l10n.t('Deleted on KooDrive: the local file will go to the trash');
    case 'conflict':
      return c.cell === 'addedBoth'
        ? l10n.t('Added on both sides with different content: choose Keep Local, Keep Remote or Keep Both')
        : l10n.t('Changed on both sides: choose Keep Local, Keep Remote or Keep Both');
  }
}

export function resourceOf(c: SyncChange): SyncResource | undefined {
  if (!c.state) return undefined;
  const state = c.state;
  return {
    path: c.path,
    group: groupOf(state),
    state,
    letter: letterOf(state),
    tooltip: tooltipOf({ ...c, state }),
    strikeThrough: state === 'localDeleted' || state === 'remoteDeleted',
    hasLocal: Boolean(c.local),
    hasRemote: Boolean(c.remote),
    movedFrom: c.movedFrom,
  };
}

/** The plan's changes as the view's three groups, each sorted by path. */
export function groupsOf(plan: Pick<SyncPlan, 'changes'>): SyncGroups {
  const g: SyncGroups = { conflicts: [], upload: [], download: [] };
  for (const c of plan.changes) {
    const r = resourceOf(c);
    if (r) g[r.group].push(r);
  }
  for (const id of GROUP_IDS) g[id].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return g;
}

/** "KooDrive ↑3 ↓1 !1" (zeros left out; "KooDrive ✓" when in step). */
export function statusText(g: SyncGroups): string {
  const parts: string[] = [];
  if (g.upload.length) parts.push(`↑${g.upload.length}`);
  if (g.download.length) parts.push(`↓${g.download.length}`);
  if (g.conflicts.length) parts.push(`!${g.conflicts.length}`);
  return parts.length ? `KooDrive ${parts.join(' ')}` : 'KooDrive ✓';
}

export function statusTooltip(g: SyncGroups, localRoot: string, remotePath: string): string {
  return [
    l10n.t('{0} ↔ KooDrive {1}', localRoot, remotePath),
    l10n.t('To upload: {0}', g.upload.length),
    l10n.t('To download: {0}', g.download.length),
    l10n.t('Conflicts: {0}', g.conflicts.length),
  ].join('\n');
}

/** Is `file` (absolute) inside `root`? Returns the relative posix path, or undefined. */
export function relativeIn(root: string, file: string, sep: string = path.sep): string | undefined {
  const r = root.endsWith(sep) ? root : root + sep;
  if (!file.startsWith(r)) return undefined;
  return file.slice(r.length).split(sep).join('/');
}
