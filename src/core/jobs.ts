import type { Call, KooDriveClient } from './api/koodriveClient';
import type { SpaceRef } from './api/models';
import { sleep } from './cancellation';
import { KooDriveError } from './errors';

/** Polls a batch job (§2.12) until it ends; throws unless every item succeeded. */
export async function waitForJob(client: KooDriveClient, jobId: string, o: Call & { pollMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 5 * 60_000);
  let delay = o.pollMs ?? 200;
  for (;;) {
    const s = await client.getJob(jobId, o);
    if (s.done) {
      if (s.status === 3) throw new KooDriveError('ApiError', `KooDrive job ${jobId} was cancelled`);
      if (s.resultCode !== undefined && s.resultCode !== 1) {
        throw new KooDriveError('ApiError', `KooDrive job ${jobId} ${s.resultCode === 2 ? 'partly failed' : 'failed'}`);
      }
      return;
    }
    if (Date.now() > deadline) throw new KooDriveError('Timeout', `KooDrive job ${jobId} did not finish in time`, { retryable: true });
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, 2000);
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
