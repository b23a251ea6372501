/**
 * Core models: what the rest of the core and the hosts use. Built from the
 * wire types defensively (gap 10/12: fields missing, numbers as strings).
 */
import { FOLDER_FILE_TYPE, WireFile, WireRevision } from './types';

export type SpaceKind = 'personal' | 'department' | 'group' | 'shared';

/** Everything needed to address a space in list/create calls. */
export interface SpaceRef {
  containerId: string;
  /** Team spaces are listed through /files/{groupId}/{type}?team_type=. */
  team?: { groupId: string; teamType: 0 | 2 };
  /** Shared folders (carrier edition) scope calls with x-hw-share-folder-id. */
  shareFolderId?: string;
}

export interface Space extends SpaceRef {
  kind: SpaceKind;
  name: string;
  /** Folder id to list for the space's top level ("root", or the shared folder's file id). */
  rootFolderId: string;
  capacityBytes?: number;
  usedBytes?: number;
}

export interface DriveItem {
  id: string;
  name: string;
  isFolder: boolean;
  /** §7 category as a string ("10" folder, "26" Word/text, ...). */
  fileType: string;
  size: number;
  sha256?: string;
  mimeType?: string;
  createdTime?: string;
  modifiedTime?: string;
  parentId?: string;
  containerId?: string;
  ownerName?: string;
  /** Recycle-bin listings: when it was deleted (not documented; read when present). */
  recycledTime?: string;
  /** In the recycle bin (a file detail still answers for a recycled item). */
  recycled?: boolean;
  /** Files: the latest revision's number, when KooDrive sends it. */
  version?: number;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export interface Revision {
  revisionId: string;
  version: number;
  isLatest: boolean;
  keepForever: boolean;
  reason: 'created' | 'restored' | 'unknown';
  createdAt?: number;
  createdBy?: string;
  size?: number;
  sha256?: string;
}

export function toNumber(v: unknown, fallback = 0): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fallback;
}

export function toDriveItem(f: WireFile): DriveItem {
  const fileType = f.fileType === undefined ? '' : String(f.fileType);
  return {
    id: String(f.id),
    name: String(f.fileName ?? ''),
    isFolder: fileType === FOLDER_FILE_TYPE || fileType === '11',
    fileType,
    size: toNumber(f.size),
    sha256: typeof f.sha256 === 'string' && f.sha256 ? f.sha256.toLowerCase() : undefined,
    mimeType: f.mimeType,
    createdTime: f.createdTime,
    modifiedTime: f.editedTime ?? f.createdTime,
    parentId: f.parentFolder?.[0],
    containerId: f.containerId ?? f.containers?.[0],
    ownerName: f.owners?.[0]?.displayName ?? f.owners?.[0]?.userName,
    ...(f.recycledTime ? { recycledTime: f.recycledTime } : {}),
    ...(f.recycled === true ? { recycled: true } : {}),
    ...(f.version !== undefined && Number.isFinite(toNumber(f.version, NaN)) ? { version: toNumber(f.version) } : {}),
  };
}

export function toRevision(r: WireRevision): Revision {
  const reason = String(r.createReason ?? '');
  const by = r.createdBy;
  return {
    revisionId: String(r.revisionId),
    version: toNumber(r.revisionVersion),
    isLatest: r.latestVersion === true,
    keepForever: r.keepForever === true,
    reason: reason === '1' ? 'created' : reason === '2' ? 'restored' : 'unknown',
    createdAt: r.createdAt === undefined ? undefined : toNumber(r.createdAt),
    createdBy: typeof by === 'string' ? by : by?.displayName ?? by?.userName ?? by?.userId,
    size: r.size === undefined ? undefined : toNumber(r.size),
    sha256: r.sha256,
  };
}
