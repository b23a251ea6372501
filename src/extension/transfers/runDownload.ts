/**
 * Downloads tree items (files and folders, possibly from several spaces) into
 * a local folder as one run of the transfer queue (transferService.ts does
 * the work: conflict question when koodrive.download.conflictPolicy is "ask",
 * links for "Save as New Revision"), followed in a cancellable progress
 * notification, then a summary.
 */
import * as path from 'node:path';
import type { DriveItem, Space } from '../../core/api/models';
import type { DownloadFileResult } from '../../core/download/downloadTally';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';
import type { DownloadRunRequest } from './transferService';

export interface DownloadSelection {
  space: Space;
  item: DriveItem;
  /** The folder the item is in (kept with the link). */
  parentId?: string;
}

/** How a run went, in counts: nothing is kept per downloaded file, only the failures and the first file downloaded. */
export interface DownloadOutcome {
  /** Files settled (downloaded, skipped, failed). */
  total: number;
  /** The first file downloaded (the one-file message names it; "Open" opens it). */
  firstDownloaded?: DownloadFileResult;
  failures: DownloadFileResult[];
  downloaded: number;
  skipped: number;
  failed: number;
}

export async function runDownload(s: Services, selection: readonly DownloadSelection[], targetDir: string): Promise<DownloadOutcome> {
  await s.session.connection(); // signed out: ask to sign in before queueing anything
  const policy = s.settings().download.conflictPolicy;
  const onlyFiles = selection.every((sel) => !sel.item.isFolder);
  const outcome = newDownloadOutcome();
  const request: DownloadRunRequest = { kind: 'download', targetDir, policy, selection: selection.map((sel) => ({ space: sel.space, item: sel.item, parentId: sel.parentId })) };
  const name = selection.length === 1 ? selection[0].item.name : l10n.t('{0} items', selection.length);

  await s.progress.run({ title: l10n.t('Downloading to {0}', path.basename(targetDir) || targetDir), transfer: true }, async (report, signal) => {
    // Totals are known up front only for plain files (folders are listed by the engine).
    const tracker = new TransferTracker('download', onlyFiles ? { files: selection.length, bytes: selection.reduce((n, sel) => n + sel.item.size, 0) } : {});
    const throttled = new ThrottledProgress(tracker, report);
    const run = s.transfers.start('download', name, request, {
      onFileStart: (subject, size) => tracker.fileStarted(subject, size),
      onProgress: throttled.onProgress,
      onDownloaded: (r) => {
        noteDownloaded(outcome, r);
        if (r.localPath) tracker.fileFinished(r.localPath, r.status === 'failed' ? 'failed' : r.status === 'skipped' ? 'skipped' : 'done', r.size);
        throttled.update();
      },
    });
    try {
      await s.transfers.watch(run.id, signal, 'Download');
    } finally {
      throttled.flush();
    }
  });
  return outcome;
}

/** One failed file is thrown (the wrapper shows it); otherwise a summary. */
export async function reportDownload(s: Services, targetDir: string, outcome: DownloadOutcome): Promise<void> {
  const { total, downloaded, skipped, failed } = outcome;
  if (failed > 0 && total === 1) {
    const err = outcome.failures[0]?.error;
    if (err) throw err;
  }
  const tail = skipped > 0 ? ` ${l10n.t('{0} skipped (already there).', skipped)}` : '';
  if (failed === 0 && downloaded === 0) {
    void s.notifier.info(l10n.t('Nothing downloaded: {0} skipped (already there).', skipped));
    return;
  }
  if (failed === 0) {
    const one = outcome.firstDownloaded;
    const message = downloaded === 1 && total === 1 && one
      ? l10n.t('Downloaded {0} to {1}.', path.basename(one.localPath ?? one.remotePath), targetDir)
      : l10n.t('Downloaded {0} files to {1}.', downloaded, targetDir);
    void s.notifier.info(message + tail);
    return;
  }
  const logLabel = l10n.t('Show log');
  const chosen = await s.notifier.warn(l10n.t('Downloaded {0} of {1} files to {2}; {3} failed.', downloaded, total, targetDir, failed) + tail, logLabel);
  if (chosen === logLabel) s.host.showLog();
}

export function newDownloadOutcome(): DownloadOutcome {
  return { total: 0, failures: [], downloaded: 0, skipped: 0, failed: 0 };
}

/** Counts one settled file; keeps it only when it failed (or is the first downloaded). */
export function noteDownloaded(outcome: DownloadOutcome, r: DownloadFileResult): void {
  outcome.total++;
  if (r.status === 'downloaded') {
    outcome.downloaded++;
    outcome.firstDownloaded ??= r;
  } else if (r.status === 'skipped') outcome.skipped++;
  else {
    outcome.failed++;
    outcome.failures.push(r);
  }
}
