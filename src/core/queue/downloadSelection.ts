import type { RunContext } from './runContext';

/**
 * Which files a download run of the transfer queue fetches, keyed by remote id.
 *
 * A plain run (first start or a resume) fetches what is not settled yet. A
 * retry fetches only what failed — and a failed key can be a folder whose
 * listing failed: its files were never listed, so none of them has a key of
 * its own. A file is therefore wanted on a retry when its own id or the id of
 * any folder enclosing it (within the selection) failed.
 */
export function downloadSelection(ctx: Pick<RunContext, 'only' | 'isSettled'>): (fileId: string, enclosingFolderIds: readonly string[]) => boolean {
  const only = ctx.only;
  if (!only) return (fileId) => !ctx.isSettled(fileId);
  return (fileId, enclosingFolderIds) => only.has(fileId) || enclosingFolderIds.some((id) => only.has(id));
}
