/**
 * The end of an upload: complete (or completeRevision), then verify that
 * KooDrive describes exactly the bytes we hashed.
 */
import type { KooDriveClient } from '../api/koodriveClient';
import { KooDriveError } from '../errors';
import type { Logger } from '../logger';
import type { UploadTarget } from './uploadTarget';

export interface Completion {
  client: KooDriveClient;
  target: UploadTarget;
  fileId: string;
  localPath: string;
  size: number;
  sha256: string;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * complete is not idempotent, and its answer can be lost after the service
 * acted on it (connection reset, timeout, a cut-off or empty body), or in
 * an earlier run that was killed before it could forget its resume state
 * (the task is then gone: 13000401). So whenever complete fails, look at
 * the file before reporting a failure or asking again: a file that already
 * has our size and SHA-256 is done, and must not be uploaded a second time.
 */
export async function completeUpload(c: Completion): Promise<void> {
  const space = c.target.space;
  for (let attempt = 1; ; attempt++) {
    try {
      if (c.target.kind === 'file') await c.client.completeUpload(space, c.fileId, c.sha256, { signal: c.signal });
      else await c.client.completeRevision(space, c.fileId, c.sha256, { signal: c.signal });
      return;
    } catch (e) {
      if (!KooDriveError.is(e) || e.code === 'Cancelled' || e.code === 'AuthRequired') throw e;
      if (await alreadyComplete(c)) {
        c.logger.info(`complete for ${c.localPath} failed (${e.code}) but the file is complete on KooDrive with the expected size and SHA-256`);
        return;
      }
      if (!e.retryable || attempt >= 3) throw e;
    }
  }
}

async function alreadyComplete(c: Completion): Promise<boolean> {
  try {
    const d = await c.client.getFileDetail(c.target.space, c.fileId, { signal: c.signal });
    return d.size === c.size && d.sha256 === c.sha256;
  } catch {
    return false;
  }
}

/** After complete: the service must now describe exactly the bytes we hashed. */
export async function verifyUpload(c: Completion): Promise<void> {
  const d = await c.client.getFileDetail(c.target.space, c.fileId, { signal: c.signal });
  if (d.size !== c.size || (d.sha256 !== undefined && d.sha256 !== c.sha256)) {
    throw new KooDriveError('IntegrityFailed', `KooDrive reports ${d.size} bytes / sha256 ${d.sha256 ?? '?'} for ${c.localPath}, expected ${c.size} bytes / ${c.sha256}`, { subject: c.localPath });
  }
}
