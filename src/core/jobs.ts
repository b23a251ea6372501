import type { Call, KooDriveClient } from './api/koodriveClient';
import type { SpaceRef } from './api/models';
import { KooDriveError } from './errors';
import { pollJob } from './organize/batchJob';

/** Polls a batch job (§2.12) until it ends; throws unless every item succeeded (organize/batchJob.ts has the per-item outcome). */
export async function waitForJob(client: KooDriveClient, jobId: string, o: Call & { pollMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const s = await pollJob(client, jobId, o);
  if (s.resultCode !== undefined && s.resultCode !== 1) {
    throw new KooDriveError('ApiError', `KooDrive job ${jobId} ${s.resultCode === 2 ? 'partly failed' : 'failed'}`);
  }
}

/** Moves items to the recycle bin (restorable), addressing them by full id path as the docs require. */
export async function moveToRecycleBin(client: KooDriveClient, space: SpaceRef, fileIds: string[], o: Call = {}): Promise<void> {
  const fileInfo = [];
  for (const fileId of fileIds) {
    const { fileIdPath } = await client.getFilePath(space, fileId, o);
    fileInfo.push({ fileId, filePath: fileIdPath || undefined });
  }
  const jobId = await client.createJob(
    { taskType: 2, actionType: 201, taskInfo: { fileInfo, srcContainerId: space.containerId }, dstContainerId: space.containerId },
    { signal: o.signal, shareFolderId: space.shareFolderId },
  );
  await waitForJob(client, jobId, o);
}

export async function moveItems(client: KooDriveClient, space: SpaceRef, fileIds: string[], targetFolderId: string, o: Call = {}): Promise<void> {
  const jobId = await client.createJob(
    { taskType: 3, actionType: 301, taskInfo: { fileInfo: fileIds.map((fileId) => ({ fileId })), newFilePath: targetFolderId, srcContainerId: space.containerId }, dstContainerId: space.containerId },
    { signal: o.signal, shareFolderId: space.shareFolderId },
  );
  await waitForJob(client, jobId, o);
}
