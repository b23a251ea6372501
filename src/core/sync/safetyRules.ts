/**
 * The rules that stop a run before it changes anything (docs/sync.md):
 * a listing that failed or came back partial never reads as "deleted"; an
 * empty side when the base is not empty; more deletions than the limit.
 * `force` lifts the last two, never the first: a failed listing says nothing
 * about what exists.
 */
import type { LocalScan, PlanOptions, RemoteTree, SafetyStop } from './syncTypes';

/** The default limit: half of the base, and at least 10 files. */
export function maxDeleteFor(baseSize: number, option: PlanOptions['maxDelete']): number {
  if (!option) return Math.max(10, Math.floor(baseSize * 0.5));
  if ('count' in option) return option.count;
  return Math.floor(baseSize * option.fraction);
}

/** Parses `--max-delete N` or `N%`; undefined for anything else. */
export function parseMaxDelete(text: string): PlanOptions['maxDelete'] | undefined {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n > 100 ? undefined : { fraction: n / 100 };
  return { count: n };
}

export interface SafetyInput {
  baseSize: number;
  scan: Pick<LocalScan, 'files' | 'unreadableDirs'>;
  tree: Pick<RemoteTree, 'files' | 'complete' | 'failures'>;
  deletions: number;
  maxDelete: number;
  force?: boolean;
}

export function safetyStops(i: SafetyInput): SafetyStop[] {
  const stops: SafetyStop[] = [];
  if (!i.tree.complete) {
    stops.push({ rule: 'listingIncomplete', message: `The KooDrive listing is incomplete (${i.tree.failures[0] ?? 'a listing failed'}); nothing was changed. Run again when KooDrive answers.` });
  }
  if (i.scan.unreadableDirs.length > 0) {
    stops.push({ rule: 'localUnreadable', message: `Local folder ${i.scan.unreadableDirs[0]} cannot be read; nothing was changed. Fix its permissions or exclude it.` });
  }
  if (!i.force && i.baseSize > 0 && i.tree.complete) {
    if (i.scan.files.size === 0) stops.push({ rule: 'emptySide', message: `The local folder is empty but ${i.baseSize} files were synced before; nothing was changed (--force to sync anyway).` });
    else if (i.tree.files.size === 0) stops.push({ rule: 'emptySide', message: `The KooDrive folder is empty but ${i.baseSize} files were synced before; nothing was changed (--force to sync anyway).` });
  }
  if (!i.force && i.deletions > i.maxDelete) {
    stops.push({ rule: 'maxDelete', message: `${i.deletions} files would be deleted, more than the limit of ${i.maxDelete}; nothing was changed (--max-delete or --force to allow).` });
  }
  return stops;
}
