/**
 * The entry points hosts call: link, unlink, status (scan + walk + plan, no
 * change, no lock), and sync (lock → scan → walk → plan → safety → apply →
 * save). The CLI and the extension share these and the state they keep.
 */
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import type { HashFilePort } from './localScan';
import type { ApplyDeps } from './applyPlan';
import type { ApplyResult, LocalScan, PlanOptions, RemoteTree, SyncEvent, SyncLink, SyncPlan } from './syncTypes';
import type { ProgressListener } from '../progress';

export interface SyncContext {
  /** The state directory (KOODRIVE_STATE_DIR, default ~/.koodrive). */
  stateDir: string;
  client: KooDriveClient;
  /** SHA-256 of changed local files (see makeHashFile). */
  hashFile: HashFilePort;
  /** Host exclude patterns added to the link's (koodrive.sync.exclude). */
  exclude?: readonly string[];
}

export interface StatusResult {
  plan: SyncPlan;
  scan: LocalScan;
  tree: RemoteTree;
}

export interface SyncOptions extends PlanOptions {
  /** Plan only: nothing changes on either side and no changing request is sent. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  onEvent?(event: SyncEvent): void;
  /** Wait this long for another sync of the same link; default 0. */
  lockWaitMs?: number;
  /** Who holds the lock, for the other side's message. */
  owner?: string;
}

export interface SyncResult {
  plan: SyncPlan;
  /** Undefined when the run stopped (safety rule) or was a dry run. */
  applied?: ApplyResult;
  /** The run stopped before changing anything. */
  stopped: boolean;
}

/** Links `localDir` to a KooDrive folder (the base starts empty: the first sync records what is equal on both sides). */
export declare function linkFolder(ctx: SyncContext, localDir: string, target: { space: SpaceRef; folderId: string; remotePath: string }): Promise<SyncLink>;
/** Forgets the link; both sides stay as they are. */
export declare function unlinkFolder(ctx: SyncContext, localDir: string): Promise<SyncLink>;
/** What a sync would do now; changes nothing, takes no lock. */
export declare function syncStatus(ctx: SyncContext, localDir: string, o?: PlanOptions & { signal?: AbortSignal }): Promise<StatusResult>;
/** Brings both sides in step (or as far as the options allow). */
export declare function syncFolder(ctx: SyncContext, deps: Omit<ApplyDeps, 'client'>, localDir: string, o?: SyncOptions): Promise<SyncResult>;
