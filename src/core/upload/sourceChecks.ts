/**
 * "Did the local file change under the upload?" Nothing is completed from a
 * file that changed: resumed parts must start from this run's hash states,
 * and the size and mtime must be those seen at the start. An integrity
 * failure reported by KooDrive is explained in those terms.
 */
import { stat } from 'node:fs/promises';
import { API_CODE } from '../api/errorMapping';
import { KooDriveError, localIoError } from '../errors';
import type { Midstates } from './midstates';
import type { ResumeState } from './resumeStore';

/** Resumed parts were sent in an earlier run: their start states must match this run's bytes. */
export function checkResumedParts(localPath: string, saved: ResumeState | undefined, midstates: Midstates): void {
  if (!saved) return;
  for (const [n, ctx] of Object.entries(saved.midstates)) {
    const now = midstates.get(Number(n));
    if (now && JSON.stringify(now) !== JSON.stringify(ctx)) {
      throw new KooDriveError('SourceChanged', `${localPath} changed since the interrupted upload; upload it again`, { subject: localPath });
    }
  }
}

export async function ensureUnchanged(localPath: string, size: number, mtimeMs: number): Promise<void> {
  let st;
  try {
    st = await stat(localPath);
  } catch (e) {
    throw localIoError(e, localPath, 'read');
  }
  if (st.size !== size || st.mtimeMs !== mtimeMs) {
    throw new KooDriveError('SourceChanged', `${localPath} was modified during the upload; nothing was saved. Upload it again when it is no longer changing.`, { subject: localPath });
  }
}

export function explainUploadError(localPath: string, e: unknown): unknown {
  if (KooDriveError.is(e) && e.code === 'IntegrityFailed' && e.apiCode === API_CODE.integrityCheckFailed) {
    return new KooDriveError('IntegrityFailed', `KooDrive's integrity check failed for ${localPath}: the bytes received do not match the file's SHA-256 (did it change during the upload?). Nothing was saved; upload it again.`, {
      cause: e, apiCode: e.apiCode, traceId: e.traceId, status: e.status, subject: localPath,
    });
  }
  return e;
}
