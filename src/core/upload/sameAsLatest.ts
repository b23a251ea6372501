/**
 * Before saving a local file as a new revision: is it byte-for-byte the
 * file's latest version already? Saving it again would only add a duplicate
 * version. Compares size first (no read when it differs), then the local
 * SHA-256 with the sha256 the service reports in the file's detail. When the
 * service reports no sha256 the answer is "not known to be the same", so the
 * caller uploads: a duplicate version is harmless, a skipped change is not.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import { localIoError } from '../errors';

export interface SameAsLatestResult {
  same: boolean;
  size: number;
  /** Local SHA-256 (hex); only computed when the sizes match. */
  sha256?: string;
}

export async function sameAsLatestRevision(
  client: KooDriveClient, space: SpaceRef, fileId: string, localPath: string, signal?: AbortSignal,
): Promise<SameAsLatestResult> {
  const st = await stat(localPath).catch((e: unknown) => {
    throw localIoError(e, localPath, 'read');
  });
  const remote = await client.getFileDetail(space, fileId, { signal });
  if (!st.isFile() || remote.size !== st.size || !remote.sha256) return { same: false, size: st.size };
  const sha256 = await sha256OfFile(localPath, signal);
  return { same: sha256 === remote.sha256.toLowerCase(), size: st.size, sha256 };
}

async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal })) hash.update(chunk as Buffer);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw localIoError(e, file, 'read');
  }
  return hash.digest('hex');
}
