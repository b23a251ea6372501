/**
 * The shared vocabulary of folder sync (docs/sync.md): a link, its base, the
 * two scanned sides, the per-path classification, the plan and what applying
 * it reports. Hosts (the CLI, the extension's SCM view) use these types; the
 * modules next to this one produce and consume them.
 */
import type { SpaceRef } from '../api/models';

/** A local folder kept in step with a KooDrive folder. The folder id is what counts; the path is for display. */
export interface SyncLink {
  /** Stable id derived from the local folder's real path: names the state, lock and trash files. */
  id: string;
  /** Absolute, real path of the local folder. */
  localRoot: string;
  containerId: string;
  /** The linked KooDrive folder: a rename or move of it keeps the link. */
  folderId: string;
  /** "/Projects/site" as it was when linked (or last seen); display only. */
  remotePath: string;
  /** How to address the space (team spaces need their group id). */
  space: SpaceRef;
  /** ISO time of `sync link`. */
  linkedAt: string;
  /** Extra exclude patterns (gitignore syntax) stored with the link; the extension adds koodrive.sync.exclude at scan time. */
  exclude?: string[];
}

/** What one path was on both sides after its last successful sync. */
export interface BaseEntry {
  size: number;
  /** Local fs.Stats.mtimeMs and inode at that time: the hash cache key. */
  mtimeMs: number;
  ino: number;
  /** Lowercase hex SHA-256 (equal on both sides when recorded). */
  sha256: string;
  /** The remote file's id and its edit time on KooDrive (ISO string, as listed). */
  fileId: string;
  remoteModified?: string;
  /** The revision number KooDrive gave the pushed content, when known (quick-diff original). */
  remoteVersion?: number;
}

/** Relative posix path ("src/a.ts") → base entry. */
export type Base = Map<string, BaseEntry>;

/** One link's persisted state: the link and its base. */
export interface SyncState {
  link: SyncLink;
  base: Base;
}

export interface LocalFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

/** Something the scan or walk left out and tells the user about once. */
export interface SyncNotice {
  path: string;
  reason:
    | 'symlink' // not followed
    | 'special' // socket, device, pipe
    | 'unreadable' // a local folder or file that could not be read
    | 'invalidName' // a remote name that is not a valid local name (or would escape the folder)
    | 'caseClash' // names differing only by case on a case-insensitive volume
    | 'changedWhileHashing'
    | 'folderFileClash'; // a file on one side where the other has a folder
  message: string;
}

export interface LocalScan {
  /** Every included regular file. */
  files: Map<string, LocalFile>;
  /** Base paths now excluded by the ignore rules: they keep their base and are never read as deleted. */
  excludedBasePaths: Set<string>;
  /** Local folders that could not be read: nothing under them reads as deleted. */
  unreadableDirs: string[];
  notices: SyncNotice[];
  /** Files whose SHA-256 had to be computed (the others came from the base). */
  hashed: number;
  hashedBytes: number;
  /** The volume treats "A" and "a" as one name. */
  caseInsensitive: boolean;
  /** True for a path (file) the ignore rules exclude, including nested .gitignore files: applied to remote-only paths too. */
  isExcluded(path: string): boolean;
}

export interface RemoteFile {
  path: string;
  fileId: string;
  parentId: string;
  size: number;
  /** Absent when neither the listing nor the file's detail had one. */
  sha256?: string;
  modifiedTime?: string;
}

export interface RemoteTree {
  files: Map<string, RemoteFile>;
  /** Relative folder path ("" = the linked folder) → folder id. */
  folders: Map<string, string>;
  /** False when any listing failed or was cut short: then nothing may be read as deleted. */
  complete: boolean;
  /** Why it is incomplete (one line per failed listing). */
  failures: string[];
  notices: SyncNotice[];
  /** Listing requests made (pages), for benchmarks. */
  pages: number;
}

/** The cells of the three-way table (docs/sync.md). */
export type SyncCell =
  | 'unchanged'
  | 'localModified'
  | 'remoteModified'
  | 'bothModifiedSame' // recorded, nothing sent
  | 'bothModified' // conflict
  | 'localAdded'
  | 'remoteAdded'
  | 'addedBothSame' // recorded, nothing sent
  | 'addedBoth' // conflict
  | 'localDeleted'
  | 'remoteDeleted'
  | 'localDeletedRemoteModified' // an edit beats a delete: the remote file comes back locally
  | 'remoteDeletedLocalModified' // an edit beats a delete: the local file goes back up
  | 'deletedBoth';

/** The states the CLI contract shows (`koodrive sync status --json`). */
export type ChangeState = 'localModified' | 'remoteModified' | 'conflict' | 'localAdded' | 'remoteAdded' | 'localDeleted' | 'remoteDeleted';

/** One classified path. `local`/`remote`/`base` are what the scan, the walk and the state held. */
export interface SyncChange {
  path: string;
  cell: SyncCell;
  /** The contract state; undefined for paths that need no transfer (unchanged, same on both, deleted on both). */
  state?: ChangeState;
  local?: LocalFile;
  remote?: RemoteFile;
  base?: BaseEntry;
  /** Detected move: the path this one was before (same sha256, deleted in the same run on the same side). */
  movedFrom?: string;
}

export type Direction = 'both' | 'push' | 'pull';
export type ConflictResolution = 'skip' | 'local' | 'remote' | 'keep-both';

/** One step of the plan, per path. */
export type SyncAction =
  | { kind: 'upload'; path: string } // new remote file
  | { kind: 'uploadRevision'; path: string } // new revision, precondition: remote still has the base sha256
  | { kind: 'download'; path: string } // new or replaced local file (replace: local still as scanned)
  | { kind: 'recycleRemote'; path: string } // local delete → KooDrive recycle bin
  | { kind: 'trashLocal'; path: string } // remote delete → local trash
  | { kind: 'moveRemote'; from: string; path: string } // local rename/move replayed on KooDrive
  | { kind: 'moveLocal'; from: string; path: string } // remote rename/move replayed locally
  | { kind: 'record'; path: string } // same content on both sides: write the base only
  | { kind: 'forget'; path: string } // deleted on both sides: drop the base entry
  | { kind: 'resolve'; path: string; resolution: Exclude<ConflictResolution, 'skip'> }; // a conflict with a chosen resolution

/** Why a run stops before changing anything. */
export interface SafetyStop {
  rule: 'listingIncomplete' | 'localUnreadable' | 'emptySide' | 'maxDelete';
  message: string;
}

export interface SyncSummary {
  toUpload: number;
  toDownload: number;
  conflicts: number;
  unchanged: number;
}

export interface SyncPlan {
  link: SyncLink;
  /** Every path that is not unchanged, sorted by path. */
  changes: SyncChange[];
  /** What apply would do, in order (moves, transfers, deletions). Conflicts without a resolution have no action. */
  actions: SyncAction[];
  /** Non-empty: the run must not change anything (unless every stop is one `force` lifts). */
  stops: SafetyStop[];
  notices: SyncNotice[];
  summary: SyncSummary;
  /** Deletions the plan would make (both sides), and the limit that applied. */
  deletions: number;
  maxDelete: number;
  /** The scanned sides, for apply (unchanged paths are not in `changes`). */
  local: ReadonlyMap<string, LocalFile>;
  remote: ReadonlyMap<string, RemoteFile>;
  /** Remote folder path → id, as walked. */
  folders: ReadonlyMap<string, string>;
}

export interface PlanOptions {
  direction?: Direction;
  /** Resolution for every conflict (default 'skip'); per-path overrides in `resolutions`. */
  conflict?: ConflictResolution;
  resolutions?: ReadonlyMap<string, ConflictResolution>;
  /** Only these paths (the extension's "Upload"/"Download" of a selection); default all. */
  paths?: ReadonlySet<string>;
  /** Deletions allowed: a count, or a fraction of the base ("50%" → 0.5). Default 50 % of the base and at least 10. */
  maxDelete?: { count: number } | { fraction: number };
  /** Lifts the maxDelete and emptySide stops (never a failed listing). */
  force?: boolean;
}

/** Per-path outcome events while applying (the SCM view updates one row at a time). */
export type SyncEvent =
  | { kind: 'start'; action: SyncAction }
  | { kind: 'done'; action: SyncAction; detail?: string }
  | { kind: 'conflict'; path: string; why: string }
  | { kind: 'failed'; action: SyncAction; error: Error }
  | { kind: 'trashed'; path: string; where: string };

export interface ApplyResult {
  done: number;
  failed: Array<{ path: string; message: string }>;
  /** Conflicts left unresolved (skipped, or found while applying). */
  conflicts: string[];
  /** Where local files went (the trash port's answers). */
  trashed: Array<{ path: string; where: string }>;
  bytesUp: number;
  bytesDown: number;
}

/**
 * The host's way to put a local file where the user can get it back: the CLI
 * moves it under the state directory, the extension calls
 * `workspace.fs.delete(uri, { useTrash: true })`. Returns where it went (for messages).
 */
export interface LocalTrash {
  trash(absPath: string, relPath: string): Promise<string>;
}
