import type { Call, KooDriveClient } from './api/koodriveClient';
import type { SpaceRef } from './api/models';
import { KooDriveError } from './errors';
import { pollJob } from './organize/batchJob';
import { recycleItems } from './organize/organizeItems';

/** Polls a batch job (§2.12) until it ends; throws unless every item succeeded (organize/batchJob.ts has the per-item outcome). */
export async function waitForJob(client: KooDriveClient, jobId: string, o: Call & { pollMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const s = await pollJob(client, jobId, o);
  if (s.resultCode !== undefined && s.resultCode !== 1) {
    throw new KooDriveError('ApiError', `KooDrive job ${jobId} ${s.resultCode === 2 ? 'partly failed' : 'failed'}`);
  }
}

/** Moves items to the recycle bin (restorable); throws unless every item went (organize/organizeItems.ts has the per-item outcome). */
export async function moveToRecycleBin(client: KooDriveClient, space: SpaceRef, fileIds: string[], o: Call = {}): Promise<void> {
  const out = await recycleItems(client, space, fileIds.map((fileId) => ({ fileId })), o);
  const failed = out.items.filter((x) => !x.ok);
  if (failed.length > 0) {
    throw new KooDriveError(failed[0].errorCode ?? 'ApiError', `${failed.length} of ${out.items.length} item(s) could not be moved to the recycle bin: ${failed[0].reason ?? ''}`);
  }
}

export async function moveItems(client: KooDriveClient, space: SpaceRef, fileIds: string[], targetFolderId: string, o: Call = {}): Promise<void> {
  const jobId = await client.createJob(
    { taskType: 3, actionType: 301, taskInfo: { fileInfo: fileIds.map((fileId) => ({ fileId })), newFilePath: targetFolderId, srcContainerId: space.containerId }, dstContainerId: space.containerId },
    { signal: o.signal, shareFolderId: space.shareFolderId },
  );
  await waitForJob(client, jobId, o);
}
