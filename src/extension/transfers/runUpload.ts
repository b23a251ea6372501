/**
 * Uploads local files and folders into one KooDrive folder through the
 * transfer queue (one row of the Transfers view), follows the run in a
 * cancellable progress notification, and reports a summary. Every upload
 * entry point (Explorer, editor, workspace folder, tree "Upload Here…",
 * drag and drop) comes through here. The work is core's and the queue's
 * (transferService.ts links, logs and refreshes); this file counts and reports.
 */
import * as path from 'node:path';
import { KooDriveError } from '../../core/errors';
import type { UploadResult } from '../../core/upload/uploadFile';
import type { ConflictPolicy } from '../../core/upload/uploadTarget';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { RemoteFolderRef } from '../stores/recentPlaces';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';
import type { UploadRunRequest } from './transferService';

export interface UploadRequest {
  paths: string[];
  destination: RemoteFolderRef;
  /** Overrides koodrive.upload.conflictPolicy for folders (a retry uses 'skip-same' so finished files are not uploaded twice). */
  folderConflict?: ConflictPolicy;
}

export interface UploadFailure {
  localPath: string;
  error: KooDriveError;
  /** The selected folder the file belongs to, when it came from a folder upload. */
  fromFolder?: string;
}

/**
 * How a run went, in counts: nothing is kept per uploaded file (a run of
 * 100 000 files holds its failures and one result), only what the summary
 * and Retry Failed need.
 */
export interface UploadOutcome {
  /** Files uploaded, flash uploads and identical files skipped included. */
  uploaded: number;
  /** Of them: by flash upload; identical file already there. */
  flash: number;
  same: number;
  /** The first file uploaded (the one-file message names it). */
  first?: UploadResult;
  failed: UploadFailure[];
  /** Files left out by exclude rules, symlinks, unreadable entries. */
  leftOut: number;
  files: number;
}

/**
 * Queues the upload as one run of the Transfers view and follows it in a
 * notification until it settles. The notification's Cancel pauses the run
 * (its resume state is kept; the view offers Resume and Cancel); a pause or
 * cancel from the view ends this call as a cancellation, silently.
 */
export async function runUpload(s: Services, req: UploadRequest): Promise<UploadOutcome> {
  await s.session.connection(); // signed out: ask to sign in before queueing anything
  const settings = s.settings();
  const dest = req.destination;
  const paths = dedupe(req.paths);
  const outcome = newUploadOutcome();
  const request: UploadRunRequest = {
    kind: 'upload', paths, destination: dest, conflict: req.folderConflict ?? settings.upload.conflictPolicy,
    exclude: settings.upload.exclude, partSize: settings.upload.partSize, concurrency: settings.upload.concurrency,
  };
  await s.progress.run({ title: l10n.t('Uploading to {0}', dest.path), transfer: true }, async (report, signal) => {
    const tracker = new TransferTracker('upload');
    const throttled = new ThrottledProgress(tracker, report);
    report({ message: l10n.t('Preparing…') });
    const name = paths.length === 1 ? path.basename(paths[0]) : l10n.t('{0} items', paths.length);
    const run = s.transfers.start('upload', name, request, {
      onFileStart: (p, size) => tracker.fileStarted(p, size),
      onProgress: throttled.onProgress,
      onUploaded: (r) => {
        noteUploaded(outcome, r);
        tracker.fileFinished(r.localPath, r.rapidUpload ? 'flash' : r.skipped ? 'skipped' : 'done', r.size);
        throttled.update();
      },
      onUploadFailed: (localPath, error, fromFolder) => {
        outcome.failed.push({ localPath, error, fromFolder });
        tracker.fileFinished(localPath, 'failed');
        throttled.update();
      },
      onLeftOut: () => {
        outcome.leftOut++;
      },
    });
    let totalsShown = false;
    const sub = s.transfers.queue.onDidChange(() => {
      const totals = s.transfers.queue.get(run.id)?.totals;
      if (!totalsShown && totals?.files !== undefined) {
        totalsShown = true;
        tracker.setTotals(totals);
      }
    });
    try {
      const end = await s.transfers.watch(run.id, signal, 'Upload');
      outcome.files = Math.max(end.totals.files ?? 0, outcome.uploaded + outcome.failed.length);
    } finally {
      sub.dispose();
      throttled.flush();
    }
  });
  return outcome;
}

/**
 * Tells the user how it went. One file that failed is thrown (the error
 * wrapper shows it, with Retry when that can help); a partial failure offers
 * "Retry Failed", which uploads only what failed (folders again with
 * 'skip-same', so files already there are not uploaded twice).
 */
export async function reportUpload(s: Services, req: UploadRequest, outcome: UploadOutcome): Promise<void> {
  const dest = req.destination.path;
  const { uploaded, failed, flash, same } = outcome;
  // Nothing worked and there is one reason (one file, or a folder that could not be created): show that error.
  if (uploaded === 0 && failed.length === 1) throw failed[0].error;
  const extras: string[] = [];
  if (flash > 0) extras.push(l10n.t('{0} by flash upload (KooDrive already had the content)', flash));
  if (same > 0) extras.push(l10n.t('{0} already there (identical)', same));
  if (outcome.leftOut > 0) extras.push(l10n.t('{0} excluded or skipped', outcome.leftOut));
  const tail = extras.length ? ` (${extras.join('; ')})` : '';

  if (failed.length === 0) {
    if (uploaded === 1 && outcome.files === 1 && outcome.first) {
      const r = outcome.first;
      const message = r.skipped ? l10n.t('{0} is already in {1} (identical file).', r.fileName, dest)
        : r.rapidUpload ? l10n.t('Uploaded {0} to {1} by flash upload: KooDrive already had the content.', r.fileName, dest)
        : l10n.t('Uploaded {0} to {1}.', r.fileName, dest);
      void s.notifier.info(message);
      return;
    }
    void s.notifier.info(l10n.t('Uploaded {0} files to {1}.', uploaded, dest) + tail);
    return;
  }
  const retryLabel = l10n.t('Retry Failed');
  const logLabel = l10n.t('Show log');
  const chosen = await s.notifier.warn(
    l10n.t('Uploaded {0} of {1} files to {2}; {3} failed.', uploaded, uploaded + failed.length, dest, failed.length) + tail,
    retryLabel, logLabel,
  );
  if (chosen === logLabel) s.host.showLog();
  if (chosen === retryLabel) {
    const retry: UploadRequest = {
      paths: [...new Set(failed.map((f) => f.fromFolder ?? f.localPath))],
      destination: req.destination,
      folderConflict: 'skip-same',
    };
    await s.host.executeCommand('koodrive.uploadFiles', undefined, undefined, retry);
  }
}

export function newUploadOutcome(): UploadOutcome {
  return { uploaded: 0, flash: 0, same: 0, failed: [], leftOut: 0, files: 0 };
}

/** Counts one uploaded file; keeps only the first result. */
export function noteUploaded(outcome: UploadOutcome, r: UploadResult): void {
  outcome.uploaded++;
  if (r.rapidUpload) outcome.flash++;
  if (r.skipped) outcome.same++;
  outcome.first ??= r;
}

export function isUploadRequest(v: unknown): v is UploadRequest {
  const r = v as UploadRequest | undefined;
  return typeof r === 'object' && r !== null && Array.isArray(r.paths) && typeof r.destination?.folderId === 'string';
}

/** Drops duplicates and paths inside another selected folder (selecting a folder and its files uploads each once). */
export function dedupe(paths: readonly string[]): string[] {
  const resolved = [...new Set(paths.map((p) => path.resolve(p)))].sort();
  return resolved.filter((p) => !resolved.some((q) => q !== p && p.startsWith(q.endsWith(path.sep) ? q : q + path.sep)));
}
