/**
 * How mv, cp, rm and trash restore report a batch: one line per item (or,
 * with --json, an array with one object per item), then a non-zero exit
 * when any item failed.
 */
import { KooDriveError } from '../core/errors';
import type { OrganizeOutcome } from '../core/organize/organizeItems';
import { describeOutcome } from '../core/organize/organizeItems';
import type { CliContext } from './context';

export function reportOutcome(ctx: CliContext, out: OrganizeOutcome, verb: string): void {
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(out.items.map((i) => ({
      fileId: i.fileId,
      ...(i.name ? { name: i.name } : {}),
      ok: i.ok,
      ...(i.ok ? {} : { error: { code: i.errorCode, apiCode: i.apiCode, message: i.reason } }),
      ...(i.renamedTo ? { renamedTo: i.renamedTo } : {}),
      ...(i.newFileId ? { newFileId: i.newFileId } : {}),
      ...(i.restoredToRoot ? { restoredToRoot: true } : {}),
    }))));
  } else {
    for (const i of out.items) ctx.out(describeOutcome(i) ?? `${i.name ?? i.fileId}: ${verb}${i.newFileId ? ` (new id ${i.newFileId})` : ''}`);
  }
  const failed = out.items.filter((i) => !i.ok);
  if (failed.length > 0) {
    const codes = new Set(failed.map((f) => f.errorCode));
    throw new KooDriveError(codes.size === 1 ? failed[0].errorCode ?? 'ApiError' : 'ApiError', `${failed.length} of ${out.items.length} item(s) failed`, { subject: 'partial' });
  }
}

/** Waiting for a job: a line on stderr (not with --json, which keeps stdout clean anyway). */
export function jobProgress(ctx: CliContext): (p: { jobId: string; percent?: number }) => void {
  let shown = false;
  return (p) => {
    if (shown || ctx.flags.json) return;
    shown = true;
    ctx.err(`Waiting for KooDrive job ${p.jobId}…`);
  };
}
