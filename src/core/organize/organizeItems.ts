/**
 * Move, copy, restore, delete for good and empty the bin (§2.12), with a
 * result for every item: done, renamed because the name was taken (the
 * service keeps both; we say so rather than let it pass silently), restored
 * to the space root because its folder was gone, or failed with the reason.
 * Requests are cut into jobs of at most MAX_JOB_ITEMS items.
 */
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import type { CreateJobRequest } from '../api/types';
import { errorFromJobItem } from '../api/errorMapping';
import { KooDriveError, KooDriveErrorCode } from '../errors';
import { BatchJobOptions, runBatchJob } from './batchJob';

/** Items per job. The docs give no limit; download links allow 100, so we stay there. */
export const MAX_JOB_ITEMS = 100;

export interface ItemRef {
  fileId: string;
  /** For messages; the id is shown when absent. */
  name?: string;
}

export interface ItemOutcome {
  fileId: string;
  name?: string;
  ok: boolean;
  /** Failed items: our error code and a sentence saying why. */
  errorCode?: KooDriveErrorCode;
  reason?: string;
  /** The service's per-item code, e.g. "13000405". */
  apiCode?: string;
  /** The item now has this name (a clash in the target). */
  renamedTo?: string;
  /** Copies: the new item's id. */
  newFileId?: string;
  /** Restores: went to the space root because the original folder was gone. */
  restoredToRoot?: boolean;
}

export interface OrganizeOutcome {
  items: ItemOutcome[];
  jobIds: string[];
  /** 1 all ok, 2 partly failed, 3 all failed (the documented taskResultCode values, over all jobs). */
  resultCode: 1 | 2 | 3;
}

export interface Destination {
  space: SpaceRef;
  folderId: string;
}

export function moveItems(client: KooDriveClient, src: SpaceRef, items: ItemRef[], to: Destination, o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  return runPerItem(client, src, items, o, (fileInfo) => ({
    taskType: 3, actionType: 301,
    taskInfo: { fileInfo, newFilePath: to.folderId, srcContainerId: src.containerId },
    dstContainerId: to.space.containerId,
  }));
}

export function copyItems(client: KooDriveClient, src: SpaceRef, items: ItemRef[], to: Destination, o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  return runPerItem(client, src, items, o, (fileInfo) => ({
    taskType: 1, actionType: 101,
    taskInfo: { fileInfo, newFilePath: to.folderId, srcContainerId: src.containerId },
    dstContainerId: to.space.containerId,
  }));
}

/**
 * Moves items to the recycle bin (actionType 201). The docs require each
 * item's full id path "so restore works", so it is looked up first.
 */
export async function recycleItems(client: KooDriveClient, space: SpaceRef, items: ItemRef[], o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  const paths = new Map<string, string>();
  const early = new Map<string, ItemOutcome>();
  for (const it of items) {
    try {
      const { fileIdPath } = await client.getFilePath(space, it.fileId, o);
      if (fileIdPath) paths.set(it.fileId, fileIdPath);
    } catch (e) {
      // An item that cannot be found fails alone; the others still go to the bin.
      if (!KooDriveError.is(e) || !['NotFound', 'InvalidInput', 'PermissionDenied'].includes(e.code)) throw e;
      early.set(it.fileId, { fileId: it.fileId, name: it.name, ok: false, errorCode: e.code, reason: e.message, apiCode: e.apiCode === undefined ? undefined : String(e.apiCode) });
    }
  }
  const rest = items.filter((it) => !early.has(it.fileId));
  const done = rest.length === 0 ? { items: [], jobIds: [] } : await runPerItem(client, space, rest, o, (fileInfo) => ({
    taskType: 2, actionType: 201,
    taskInfo: { fileInfo: fileInfo.map((f) => ({ fileId: f.fileId, filePath: paths.get(f.fileId) })), srcContainerId: space.containerId },
    dstContainerId: space.containerId,
  }));
  const byId = new Map(done.items.map((x) => [x.fileId, x]));
  const all = items.map((it) => early.get(it.fileId) ?? (byId.get(it.fileId) as ItemOutcome));
  return { items: all, jobIds: done.jobIds, resultCode: resultCodeOf(all) };
}

/** Brings recycled items back to their folder (taskType 4). */
export function restoreItems(client: KooDriveClient, space: SpaceRef, items: ItemRef[], o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  return runPerItem(client, space, items, o, (fileInfo) => ({
    taskType: 4, taskInfo: { fileInfo, srcContainerId: space.containerId }, dstContainerId: space.containerId,
  }));
}

/** Deletes for good (actionType 202): from the bin or straight from a folder. Not undoable. */
export function deletePermanently(client: KooDriveClient, space: SpaceRef, items: ItemRef[], o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  return runPerItem(client, space, items, o, (fileInfo) => ({
    taskType: 2, actionType: 202, taskInfo: { fileInfo, srcContainerId: space.containerId }, dstContainerId: space.containerId,
  }));
}

/** Empties the space's recycle bin (taskType 7). Not undoable. */
export async function emptyRecycleBin(client: KooDriveClient, space: SpaceRef, o: BatchJobOptions = {}): Promise<OrganizeOutcome> {
  const out = await runBatchJob(client, {
    taskType: 7, actionType: 701, taskInfo: { srcContainerId: space.containerId }, dstContainerId: space.containerId,
  }, { ...o, shareFolderId: o.shareFolderId ?? space.shareFolderId });
  const items = out.failed.map((f) => failure({ fileId: f.fileId }, f.code, f.message));
  return { items, jobIds: [out.jobId], resultCode: out.resultCode === 2 || out.resultCode === 3 ? out.resultCode : 1 };
}

async function runPerItem(
  client: KooDriveClient,
  space: SpaceRef,
  items: ItemRef[],
  o: BatchJobOptions,
  request: (fileInfo: Array<{ fileId: string }>) => CreateJobRequest,
): Promise<OrganizeOutcome> {
  const outcomes: ItemOutcome[] = [];
  const jobIds: string[] = [];
  for (let i = 0; i < items.length; i += MAX_JOB_ITEMS) {
    const chunk = items.slice(i, i + MAX_JOB_ITEMS);
    const out = await runBatchJob(client, request(chunk.map((x) => ({ fileId: x.fileId }))), {
      ...o, shareFolderId: o.shareFolderId ?? space.shareFolderId,
    });
    jobIds.push(out.jobId);
    const failed = new Map(out.failed.map((f) => [f.fileId, f]));
    const renamed = new Map(out.renamed.map((r) => [r.fileId, r.newName]));
    const toRoot = new Set(out.restoredToRoot);
    // newFileIds lists the copies of the items that succeeded, in request order.
    const copies = [...out.newFileIds];
    for (const item of chunk) {
      const f = failed.get(item.fileId);
      if (f) {
        outcomes.push(failure(item, f.code, f.message));
        continue;
      }
      outcomes.push({
        fileId: item.fileId, name: item.name, ok: true,
        ...(renamed.has(item.fileId) ? { renamedTo: renamed.get(item.fileId) } : {}),
        ...(toRoot.has(item.fileId) ? { restoredToRoot: true } : {}),
        ...(copies.length > 0 ? { newFileId: copies.shift() } : {}),
      });
    }
    if (out.resultCode !== undefined && out.resultCode !== 1 && failed.size === 0) {
      // The service said "failed" without saying which items: none can be trusted to be done.
      for (const x of outcomes.slice(-chunk.length)) {
        Object.assign(x, { ok: false, errorCode: 'ApiError', reason: `the job ended with taskResultCode ${out.resultCode}` });
      }
    }
  }
  return { items: outcomes, jobIds, resultCode: resultCodeOf(outcomes) };
}

function resultCodeOf(items: ItemOutcome[]): 1 | 2 | 3 {
  const failed = items.filter((x) => !x.ok).length;
  return failed === 0 ? 1 : failed === items.length ? 3 : 2;
}

function failure(item: ItemRef, code: string, msg: string): ItemOutcome {
  const e = errorFromJobItem(code, msg);
  return { fileId: item.fileId, name: item.name, ok: false, errorCode: e.code, reason: e.message, apiCode: code };
}

/**
 * All or nothing, for a caller that cannot report items one by one (the
 * `koodrive:` file system, the tree's delete): throws the first failed
 * item's own error, with KooDrive's per-item code, so "the file is in the
 * recycle bin" stays NotFound rather than becoming a generic job failure.
 * `what`: "moved", "moved to the recycle bin", …
 */
export function throwIfAnyFailed(out: OrganizeOutcome, what: string): void {
  const failed = out.items.filter((x) => !x.ok);
  if (failed.length === 0) return;
  const first = failed[0];
  const apiCode = first.apiCode !== undefined && /^\d+$/.test(first.apiCode) ? Number(first.apiCode) : undefined;
  throw new KooDriveError(first.errorCode ?? 'ApiError', `${failed.length} of ${out.items.length} item(s) could not be ${what}: ${first.reason ?? 'failed'}`, {
    apiCode, subject: first.name ?? first.fileId,
  });
}

/** "a.txt: renamed to a_2026….txt", "b: a file with this name already exists" — one line per noteworthy item. */
export function describeOutcome(o: ItemOutcome): string | undefined {
  const label = o.name ?? o.fileId;
  if (!o.ok) return `${label}: ${o.reason ?? 'failed'}`;
  if (o.restoredToRoot) return `${label}: its folder no longer exists, restored to the top of the space`;
  if (o.renamedTo) return `${label}: the name was taken, now called ${o.renamedTo}`;
  return undefined;
}
