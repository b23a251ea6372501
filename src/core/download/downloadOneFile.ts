/**
 * One file of a download: the conflict decided before any byte moves, the
 * bytes streamed into the partial file and verified (downloadToPartial.ts),
 * the remote modification time kept, then the file moved into place
 * (placeDownload.ts). A failure is this file's result, never thrown, except
 * that an expired session stops the whole run.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../api/retryPolicy';
import { partialName, resolveInside } from '../bytes/localNames';
import { cancelledError } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import type { Logger } from '../logger';
import type { ProgressListener } from '../progress';
import { alreadyExists, ConflictAction, conflictQuestion } from './downloadConflicts';
import { aboutFile } from './downloadErrors';
import type { DownloadLinkBatcher } from './downloadLinks';
import { localError, lstatOrUndefined, SafeDirs } from './downloadPaths';
import type { PlannedFile } from './downloadPlan';
import type { DownloadFileResult } from './downloadTally';
import { downloadToPartial } from './downloadToPartial';
import { place, PlaceContext } from './placeDownload';

export interface DownloadEngine extends PlaceContext {
  /** The client's dispatcher, used for the presigned GETs. */
  dispatcher: Dispatcher;
  redact?(text: string): string;
  root: string;
  signal?: AbortSignal;
  logger: Logger;
  retry: RetryPolicy;
  fsync: boolean;
  onProgress?: ProgressListener;
  dirs: SafeDirs;
  links: DownloadLinkBatcher;
  /** Stops the whole run with `reason` (an expired session). */
  stop(reason: KooDriveError): void;
}

export async function downloadOneFile(e: DownloadEngine, job: PlannedFile): Promise<DownloadFileResult> {
  const { item, remotePath } = job;
  const plannedPath = resolveInside(e.root, [...job.dirSegments, job.localName]);
  const base = { fileId: item.id, remotePath, localPath: plannedPath, size: item.size };
  try {
    let dir: string;
    try {
      dir = await e.dirs.ensure(job.dirSegments);
    } catch (err) {
      throw localError(err, plannedPath, 'write');
    }
    const finalPath = path.join(dir, job.localName);
    const partialPath = path.join(dir, partialName(job.localName, item.id));

    // Decide before downloading: 'skip' and 'fail' should not cost a transfer.
    let action: ConflictAction | 'new' = 'new';
    const existing = await lstatOrUndefined(finalPath).catch((err: unknown) => {
      throw localError(err, finalPath, 'inspect');
    });
    if (existing) {
      action = await e.conflicts.decide(conflictQuestion(job, finalPath, existing));
      if (action === 'skip') return { ...base, localPath: finalPath, status: 'skipped' };
      if (action === 'fail') throw alreadyExists(finalPath, e.policy);
      if (action === 'overwrite' && existing.isDirectory()) {
        throw new KooDriveError('Conflict', `${finalPath} is a folder; it cannot be replaced by the file ${remotePath}`, { subject: finalPath });
      }
    }

    const fileSubject = finalPath;
    const result = await downloadToPartial({
      dispatcher: e.dispatcher,
      links: e.links,
      item,
      partialPath,
      subject: remotePath,
      localPath: finalPath,
      retry: e.retry,
      logger: e.logger,
      redact: e.redact,
      fsync: e.fsync,
      signal: e.signal,
      onBytes: e.onProgress && ((bytesDone, bytesTotal) => e.onProgress!({ phase: 'downloading', subject: fileSubject, bytesDone, bytesTotal })),
    });
    await setModifiedTime(partialPath, item.modifiedTime);

    const placed = await place(e, job, dir, partialPath, finalPath, action);
    if (placed === undefined) return { ...base, localPath: finalPath, status: 'skipped' };
    return { ...base, localPath: placed, size: result.size, sha256: result.sha256, status: 'downloaded', resumedFrom: result.resumedFrom || undefined };
  } catch (err) {
    if (isCancellation(err) && e.signal?.aborted) return { ...base, status: 'failed', error: cancelledError(e.signal) };
    const ke = KooDriveError.is(err) ? err : localError(err, plannedPath, 'write');
    if (ke.code === 'AuthRequired') e.stop(ke);
    const named = ke.message.includes(remotePath) || ke.message.includes(plannedPath) ? ke : aboutFile(ke, remotePath);
    return { ...base, status: 'failed', error: named };
  }
}

/** Keeps the remote modification time on the local copy when the listing has a parseable one (UTC). */
async function setModifiedTime(p: string, modified: string | undefined): Promise<void> {
  if (!modified) return;
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(modified) ? `${modified.replace(' ', 'T')}Z` : modified;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return;
  await fs.utimes(p, new Date(), new Date(ms)).catch(() => undefined);
}
