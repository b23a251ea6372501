/**
 * Uploads local files and folders into one KooDrive folder, in a cancellable
 * progress notification, then links the uploaded files to their local copies,
 * refreshes the destination in the tree and reports a summary. Every upload
 * entry point (Explorer, editor, workspace folder, tree "Upload Here…",
 * drag and drop) comes through here. All the work is core's: this file only
 * chooses options, counts, and reports.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isCancellation, KooDriveError } from '../../core/errors';
import { ConflictPolicy, uploadFile, UploadDeps, UploadResult } from '../../core/transfer/upload/uploadFile';
import { scanFolderForUpload, scanTotals, uploadFolder } from '../../core/transfer/upload/uploadFolder';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { FileLink } from '../stores/linkStore';
import type { RemoteFolderRef } from '../stores/recentPlaces';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';

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

export interface UploadOutcome {
  uploaded: UploadResult[];
  failed: UploadFailure[];
  /** Files left out by exclude rules, symlinks, unreadable entries. */
  leftOut: number;
  files: number;
}

/** Loose files uploaded at once (a folder upload has its own file concurrency). */
const FILE_CONCURRENCY = 3;

export async function runUpload(s: Services, req: UploadRequest): Promise<UploadOutcome> {
  const conn = await s.session.connection();
  const settings = s.settings();
  const dest = req.destination;
  const { files, dirs, missing } = await classify(dedupe(req.paths));
  const outcome: UploadOutcome = { uploaded: [], failed: [...missing], leftOut: 0, files: files.length + missing.length };
  const deps: UploadDeps = { client: conn.client, dispatcher: conn.dispatcher, hasher: s.hasher, resumeStore: s.resumeStore, logger: s.logger };
  const links: Array<Omit<FileLink, 'linkedAt'>> = [];
  const link = (r: UploadResult, parentId?: string): void => {
    links.push({ localPath: r.localPath, fileId: r.fileId, space: dest.space, name: r.fileName, parentId });
  };
  s.logger.info(`Uploading ${req.paths.length} item(s) to ${dest.path} (${dest.space.containerId}/${dest.folderId})`);

  try {
    await s.progress.run({ title: l10n.t('Uploading to {0}', dest.path), transfer: true }, async (report, signal) => {
      const tracker = new TransferTracker('upload');
      const throttled = new ThrottledProgress(tracker, report);
      report({ message: l10n.t('Preparing…') });
      // Totals first, so the notification can show a percentage and "n of m files".
      const scans = await Promise.all(dirs.map((d) => scanFolderForUpload(d, { exclude: settings.upload.exclude, resumeStateDir: s.resumeStore?.dir, signal })));
      const counted = scans.map(scanTotals);
      const totalFiles = files.length + counted.reduce((n, c) => n + c.files, 0);
      const totalBytes = files.reduce((n, f) => n + f.size, 0) + counted.reduce((n, c) => n + c.bytes, 0);
      outcome.files = totalFiles + missing.length;
      tracker.setTotals({ files: totalFiles, bytes: totalBytes });
      const options = {
        partSize: settings.upload.partSize,
        concurrency: settings.upload.concurrency,
        signal,
        onProgress: throttled.onProgress,
      };
      try {
        // Loose files, a few at a time.
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < files.length) {
            const f = files[next++];
            tracker.fileStarted(f.path, f.size);
            try {
              const r = await uploadFile(deps, f.path, { kind: 'file', space: dest.space, parentFolderId: dest.folderId, conflict: settings.upload.conflictPolicy }, options);
              outcome.uploaded.push(r);
              link(r, dest.folderId);
              tracker.fileFinished(f.path, r.rapidUpload ? 'flash' : r.skipped ? 'skipped' : 'done', r.size);
            } catch (e) {
              if (endsTheRun(e)) throw e;
              outcome.failed.push({ localPath: f.path, error: asError(e, f.path) });
              tracker.fileFinished(f.path, 'failed');
            }
            throttled.update();
          }
        };
        await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, files.length) }, worker));

        // Folders, one after the other (each uploads several files at once).
        for (const [i, dir] of dirs.entries()) {
          try {
            const summary = await uploadFolder(deps, dir, { space: dest.space, parentFolderId: dest.folderId }, {
              ...options,
              scanned: scans[i],
              conflict: req.folderConflict ?? settings.upload.conflictPolicy,
              exclude: settings.upload.exclude,
              onFileStart: (e) => tracker.fileStarted(e.absPath, e.size),
              onFileDone: (o) => {
                if (o.status === 'uploaded') {
                  outcome.uploaded.push(o.result);
                  link(o.result);
                  tracker.fileFinished(o.result.localPath, o.result.rapidUpload ? 'flash' : o.result.skipped ? 'skipped' : 'done', o.result.size);
                } else {
                  outcome.failed.push({ localPath: o.localPath, error: o.error, fromFolder: dir });
                  tracker.fileFinished(o.localPath, 'failed');
                }
                throttled.update();
              },
            });
            outcome.leftOut += summary.skipped.length;
            for (const sk of summary.skipped) s.logger.info(`Not uploaded: ${sk.absPath} (${sk.reason}: ${sk.message})`);
          } catch (e) {
            if (endsTheRun(e)) throw e;
            outcome.failed.push({ localPath: dir, error: asError(e, dir), fromFolder: dir });
          }
        }
      } finally {
        throttled.flush();
      }
    });
  } finally {
    await s.links.setMany(links).catch((e: unknown) => s.logger.warn(`Could not remember uploaded files: ${(e as Error).message}`));
    s.tree.refreshFolder(dest.space, dest.folderId);
  }
  for (const f of outcome.failed) s.logger.error(`Upload of ${f.localPath} failed: ${f.error.code} ${f.error.message}${f.error.traceId ? ` trace=${f.error.traceId}` : ''}`);
  for (const r of outcome.uploaded) {
    s.logger.info(`Uploaded ${r.localPath} → ${r.fileName} (${r.fileId})${r.rapidUpload ? ' by flash upload' : ''}${r.skipped ? ', identical file already there' : ''}${r.resumed ? ', resumed' : ''}`);
  }
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
  const { uploaded, failed } = outcome;
  // Nothing worked and there is one reason (one file, or a folder that could not be created): show that error.
  if (uploaded.length === 0 && failed.length === 1) throw failed[0].error;
  const flash = uploaded.filter((r) => r.rapidUpload).length;
  const same = uploaded.filter((r) => r.skipped).length;
  const extras: string[] = [];
  if (flash > 0) extras.push(l10n.t('{0} by flash upload (KooDrive already had the content)', flash));
  if (same > 0) extras.push(l10n.t('{0} already there (identical)', same));
  if (outcome.leftOut > 0) extras.push(l10n.t('{0} excluded or skipped', outcome.leftOut));
  const tail = extras.length ? ` (${extras.join('; ')})` : '';

  if (failed.length === 0) {
    if (uploaded.length === 1 && outcome.files === 1) {
      const r = uploaded[0];
      const message = r.skipped ? l10n.t('{0} is already in {1} (identical file).', r.fileName, dest)
        : r.rapidUpload ? l10n.t('Uploaded {0} to {1} by flash upload: KooDrive already had the content.', r.fileName, dest)
        : l10n.t('Uploaded {0} to {1}.', r.fileName, dest);
      void s.notifier.info(message);
      return;
    }
    void s.notifier.info(l10n.t('Uploaded {0} files to {1}.', uploaded.length, dest) + tail);
    return;
  }
  const retryLabel = l10n.t('Retry Failed');
  const logLabel = l10n.t('Show log');
  const chosen = await s.notifier.warn(
    l10n.t('Uploaded {0} of {1} files to {2}; {3} failed.', uploaded.length, uploaded.length + failed.length, dest, failed.length) + tail,
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

export function isUploadRequest(v: unknown): v is UploadRequest {
  const r = v as UploadRequest | undefined;
  return typeof r === 'object' && r !== null && Array.isArray(r.paths) && typeof r.destination?.folderId === 'string';
}

function asError(e: unknown, subject: string): KooDriveError {
  return KooDriveError.is(e) ? e : new KooDriveError('LocalIo', `${subject}: ${String((e as Error)?.message ?? e)}`, { cause: e, subject });
}

/** Drops duplicates and paths inside another selected folder (selecting a folder and its files uploads each once). */
export function dedupe(paths: readonly string[]): string[] {
  const resolved = [...new Set(paths.map((p) => path.resolve(p)))].sort();
  return resolved.filter((p) => !resolved.some((q) => q !== p && p.startsWith(q.endsWith(path.sep) ? q : q + path.sep)));
}

async function classify(paths: string[]): Promise<{ files: Array<{ path: string; size: number }>; dirs: string[]; missing: UploadFailure[] }> {
  const files: Array<{ path: string; size: number }> = [];
  const dirs: string[] = [];
  const missing: UploadFailure[] = [];
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) dirs.push(p);
      else if (st.isFile()) files.push({ path: p, size: st.size });
      else missing.push({ localPath: p, error: new KooDriveError('InvalidInput', l10n.t('{0} is not a regular file or folder.', p), { subject: p }) });
    } catch (e) {
      missing.push({ localPath: p, error: new KooDriveError('LocalIo', l10n.t('Cannot read {0}: {1}', p, (e as Error).message), { cause: e, subject: p }) });
    }
  }
  return { files, dirs, missing };
}


/**
 * Cancellation and an expired session stop the whole run: the first is
 * silent, the second becomes one "Sign in" prompt in the error wrapper
 * instead of one failure per file.
 */
function endsTheRun(e: unknown): boolean {
  return isCancellation(e) || KooDriveError.is(e, 'AuthRequired');
}
