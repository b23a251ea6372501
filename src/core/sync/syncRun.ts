/**
 * The entry points hosts call: link, unlink, status (scan + walk + plan, no
 * change, no lock), and sync (lock → scan → walk → plan → safety → apply →
 * save). The CLI and the extension share these and the state they keep.
 */
import { mkdir, stat } from 'node:fs/promises';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import { KooDriveError } from '../errors';
import type { ProgressListener } from '../progress';
import { applyPlan, type ApplyDeps } from './applyPlan';
import { scanLocal, type HashFilePort } from './localScan';
import { walkRemote } from './remoteWalk';
import { acquireSyncLock } from './syncLock';
import { planSync } from './syncPlan';
import { linkIdFor, realFolder, SyncStateStore } from './syncState';
import type { ApplyResult, LocalScan, PlanOptions, RemoteTree, SyncEvent, SyncLink, SyncPlan, SyncState } from './syncTypes';

export interface SyncContext {
  /** The state directory (KOODRIVE_STATE_DIR, default ~/.koodrive). */
  stateDir: string;
  client: KooDriveClient;
  /** SHA-256 of changed local files (see hashFilePort.ts). */
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
  /** Files transferred at a time (default 8). */
  concurrency?: number;
}

export interface SyncResult {
  plan: SyncPlan;
  /** Undefined when the run stopped (safety rule) or was a dry run. */
  applied?: ApplyResult;
  /** The run stopped before changing anything. */
  stopped: boolean;
}

/** Links `localDir` to a KooDrive folder (the base starts empty: the first sync records what is equal on both sides). */
export async function linkFolder(ctx: SyncContext, localDir: string, target: { space: SpaceRef; folderId: string; remotePath: string }): Promise<SyncLink> {
  await mkdir(localDir, { recursive: true });
  const root = await realFolder(localDir);
  if (!(await stat(root)).isDirectory()) throw new KooDriveError('InvalidInput', `${localDir} is not a folder`, { subject: localDir });
  const store = new SyncStateStore(ctx.stateDir);
  const id = linkIdFor(root);
  const existing = await store.load(id);
  if (existing) {
    if (existing.link.folderId === target.folderId && existing.link.containerId === target.space.containerId) return existing.link;
    throw new KooDriveError('Conflict', `${root} is already linked to ${existing.link.containerId}:${existing.link.remotePath}; unlink it first`, { subject: root });
  }
  for (const other of await store.listLinks()) {
    // One folder inside another's link would sync the same files twice.
    if (root.startsWith(`${other.localRoot}/`) || other.localRoot.startsWith(`${root}/`)) {
      throw new KooDriveError('Conflict', `${root} overlaps the linked folder ${other.localRoot}`, { subject: root });
    }
  }
  const link: SyncLink = { id, localRoot: root, containerId: target.space.containerId, folderId: target.folderId, remotePath: target.remotePath, space: target.space, linkedAt: new Date().toISOString() };
  await store.save({ link, base: new Map() });
  return link;
}

/** Forgets the link; both sides stay as they are. */
export async function unlinkFolder(ctx: Pick<SyncContext, 'stateDir'>, localDir: string): Promise<SyncLink> {
  const state = await loadLinked(ctx, localDir);
  await new SyncStateStore(ctx.stateDir).remove(state.link.id);
  return state.link;
}

/** The link and base of `localDir`; NotFound when it is not linked. */
export async function loadLinked(ctx: Pick<SyncContext, 'stateDir'>, localDir: string): Promise<SyncState> {
  const root = await realFolder(localDir);
  const state = await new SyncStateStore(ctx.stateDir).load(linkIdFor(root));
  if (!state) throw new KooDriveError('NotFound', `${localDir} is not linked (koodrive sync link <localDir> <containerId>:<path>)`, { subject: localDir });
  return state;
}

/** What a sync would do now; changes nothing, takes no lock. */
export async function syncStatus(ctx: SyncContext, localDir: string, o: PlanOptions & { signal?: AbortSignal } = {}): Promise<StatusResult> {
  const state = await loadLinked(ctx, localDir);
  return inspect(ctx, state, o);
}

async function inspect(ctx: SyncContext, state: SyncState, o: PlanOptions & { signal?: AbortSignal }): Promise<StatusResult> {
  const { link, base } = state;
  // The walk and the scan share nothing: run them side by side.
  const [tree, scan] = await Promise.all([
    walkRemote(ctx.client, link.space, link.folderId, { signal: o.signal }),
    scanLocal(link.localRoot, { base, exclude: [...(link.exclude ?? []), ...(ctx.exclude ?? [])], hashFile: ctx.hashFile, signal: o.signal }),
  ]);
  const plan = planSync({ link, base, scan, tree }, o);
  return { plan, scan, tree };
}

/** Brings both sides in step (or as far as the options allow). */
export async function syncFolder(ctx: SyncContext, deps: Omit<ApplyDeps, 'client'>, localDir: string, o: SyncOptions = {}): Promise<SyncResult> {
  const first = await loadLinked(ctx, localDir);
  if (o.dryRun) {
    const { plan } = await inspect(ctx, first, o);
    return { plan, stopped: plan.stops.length > 0 };
  }
  const lock = await acquireSyncLock(ctx.stateDir, first.link.id, first.link.localRoot, { waitMs: o.lockWaitMs, owner: o.owner, signal: o.signal });
  const store = new SyncStateStore(ctx.stateDir);
  try {
    // Loaded again under the lock: another sync may have finished meanwhile.
    const state = (await store.load(first.link.id)) ?? first;
    const { plan } = await inspect(ctx, state, o);
    if (plan.stops.length > 0) return { plan, stopped: true };
    const journal = await store.openJournal(state.link.id);
    let applied: ApplyResult;
    try {
      applied = await applyPlan({ ...deps, client: ctx.client }, plan, {
        base: state.base, journal, signal: o.signal, onProgress: o.onProgress, onEvent: o.onEvent, concurrency: o.concurrency,
      });
    } finally {
      await journal.close();
      // Fold what was verified into the state file, whatever happened after.
      await store.save(state);
    }
    return { plan, applied, stopped: false };
  } finally {
    await lock.release();
  }
}
