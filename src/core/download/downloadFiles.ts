/**
 * The download engine: files and folders of one space into a local folder.
 *
 *  - Links come from files/download in batches of ≤ 100 ids (downloadLinks.ts);
 *    a file whose link failed fails alone, the others still download.
 *  - Each file streams into `.<name>.<fileId>.koodrive-partial` next to its
 *    target, hashed on the way, then is verified and moved into place
 *    (downloadToPartial.ts). Nothing is ever written under a final name
 *    until it is complete and verified.
 *  - Interrupted downloads (network, cancellation, a crash) leave that temp
 *    file behind on purpose: the next download of the same file into the
 *    same place resumes from it with an HTTP Range request.
 *  - One file: downloadOneFile.ts; moved into place: placeDownload.ts;
 *    conflicts with local files: downloadConflicts.ts; two remote items on
 *    one local path: localClaims.ts; results and counts: downloadTally.ts.
 *  - Local names are sanitized and confined to the target folder
 *    (localNames.ts, downloadPaths.ts).
 *  - An existing local file is never replaced unless the policy says so.
 *    The default policy is 'fail': that file fails with a `Conflict` error,
 *    the others continue.
 */
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import { MAX_DOWNLOAD_IDS } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../api/retryPolicy';
import { resolveInside } from '../bytes/localNames';
import { cancelledError, linkedAbortController, throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { ConflictDecider, ConflictHandler, ConflictPolicy } from './downloadConflicts';
import { DownloadLinkBatcher, DownloadLinkClient } from './downloadLinks';
import { DownloadEngine, downloadOneFile } from './downloadOneFile';
import { localError, SafeDirs } from './downloadPaths';
import { childFolderNames, DownloadListClient, PlannedFile, walkDownload } from './downloadPlan';
import { DownloadFileResult, DownloadSummary, DownloadTally } from './downloadTally';
import { LocalClaims } from './localClaims';

export interface DownloadDeps {
  client: DownloadLinkClient & DownloadListClient;
  /** The client's dispatcher (`KooDrive.dispatcher`), used for the presigned GETs too. */
  dispatcher: Dispatcher;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Removes the client's secrets from messages (`KooDrive.redact`); without it only the patterns of redact.ts apply. */
  redact?(text: string): string;
}

export interface DownloadOptions {
  /** The local folder; created if missing. Nothing is written outside it. */
  targetDir: string;
  /** Default 'fail'. */
  conflict?: ConflictPolicy;
  /** Required for conflict 'ask'. */
  onConflict?: ConflictHandler;
  /** Files downloaded at a time; default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Bytes per file, phase 'downloading'; subject is the file's local path. */
  onProgress?: ProgressListener;
  /** fsync each file before moving it into place (default true). */
  fsync?: boolean;
  /**
   * Leave a file out (settled in an earlier, interrupted run of the transfer
   * queue). `enclosingFolderIds`: the folders above it within the selection,
   * outermost first (a retry of a folder whose listing failed wants its files).
   */
  shouldDownload?(fileId: string, enclosingFolderIds: readonly string[]): boolean;
  /** A slot of a shared limit on files in flight (the transfer queue); released when the file is settled. */
  acquireSlot?(): Promise<() => void>;
  /** `subject` is the local path progress events use for this file. */
  onFileStart?(file: { fileId: string; remotePath: string; subject: string; size: number }): void;
  onFileDone?(result: DownloadFileResult): void;
  /**
   * Which per-file results the summary keeps: 'all' (default; the CLI prints
   * them), or 'failed' (counts still cover every file): a run of many files
   * reported through onFileDone then holds nothing per finished file.
   */
  keepResults?: 'all' | 'failed';
}

export const DEFAULT_DOWNLOAD_CONCURRENCY = 4;
const MAX_DOWNLOAD_CONCURRENCY = 32;

/**
 * Downloads files and folders (recursively) of `space` into `opts.targetDir`.
 * Rejects only on cancellation, invalid options, or an expired session
 * (AuthRequired: every other file would fail the same way, so the run stops
 * at once with that one error; unfinished files keep their temp files and
 * resume when the download is run again after signing in).
 */
export async function downloadFiles(deps: DownloadDeps, space: SpaceRef, items: readonly DriveItem[], opts: DownloadOptions): Promise<DownloadSummary> {
  const policy = opts.conflict ?? 'fail';
  if (!['fail', 'overwrite', 'skip', 'rename', 'ask'].includes(policy)) {
    throw new KooDriveError('InvalidInput', `Unknown conflict policy "${policy}"`);
  }
  if (policy === 'ask' && !opts.onConflict) throw new KooDriveError('InvalidInput', 'Conflict policy "ask" needs an onConflict handler');
  const concurrency = opts.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_DOWNLOAD_CONCURRENCY) {
    throw new KooDriveError('InvalidInput', `Concurrency must be between 1 and ${MAX_DOWNLOAD_CONCURRENCY}`);
  }
  throwIfAborted(opts.signal);
  // Our own controller: a conflict prompt the user cancels stops the whole download.
  const { controller, dispose } = linkedAbortController(opts.signal);
  try {
    return await run(deps, space, items, opts, policy, concurrency, controller);
  } finally {
    dispose();
  }
}

/**
 * Files planned ahead of the workers: enough for a full batch of download
 * links after the one in use, and a bound on what the run holds however many
 * files the folders contain.
 */
const PLAN_LOOK_AHEAD = 2 * MAX_DOWNLOAD_IDS;

async function run(
  deps: DownloadDeps,
  space: SpaceRef,
  items: readonly DriveItem[],
  opts: DownloadOptions,
  policy: ConflictPolicy,
  concurrency: number,
  controller: AbortController,
): Promise<DownloadSummary> {
  const signal = controller.signal;
  const logger = deps.logger ?? silentLogger;
  const root = path.resolve(opts.targetDir);
  const keepAll = (opts.keepResults ?? 'all') === 'all';

  // Two remote items must not land on one local path ("a:b" and "a_b", or "A" and "a" on a case-insensitive disk).
  const claims = new LocalClaims();
  const walk = walkDownload(deps.client, space, items, signal, { onMergedFolders: () => claims.keepAll() });
  const tally = new DownloadTally(keepAll);
  // Folders claim their local names before any file of their parent does (as their own folders' names, below).
  for (const c of childFolderNames(items, undefined)) claims.claimFolder(path.join(root, c.localName), c.remotePath);
  /** Folders in walk order, to recreate empty ones at the end (one entry per folder, not per file). */
  const folders: Array<{ item: DriveItem; remotePath: string; segments: string[]; hasFiles: boolean }> = [];
  const folderStack: Array<(typeof folders)[number]> = [];
  const queue: Array<{ job: PlannedFile; seq: number }> = [];
  let queueHead = 0;
  let seq = 0;
  let walked = false;

  const engine: DownloadEngine = {
    dispatcher: deps.dispatcher, redact: deps.redact, root, signal, logger, policy,
    retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    fsync: opts.fsync ?? true,
    onProgress: opts.onProgress,
    dirs: new SafeDirs(root),
    links: new DownloadLinkBatcher(deps.client, space, [], signal),
    claims,
    conflicts: new ConflictDecider(policy, opts.onConflict, (reason) => controller.abort(reason)),
    stop: (reason) => controller.abort(reason),
  };

  /** Walks on until PLAN_LOOK_AHEAD files wait in the queue (or the walk is over). */
  const plan = async (): Promise<void> => {
    while (!walked && queue.length - queueHead < PLAN_LOOK_AHEAD) {
      const step = await walk.next();
      if (step.done) {
        walked = true;
        return;
      }
      const e = step.value;
      if (e.kind === 'failure') {
        tally.planFailure({ fileId: e.item.id, remotePath: e.remotePath, size: e.item.size, status: 'failed', error: e.error });
      } else if (e.kind === 'folder') {
        const f = { item: e.item, remotePath: e.remotePath, segments: e.segments, hasFiles: false };
        folders.push(f);
        folderStack.push(f);
        const local = resolveInside(root, e.segments);
        claims.enterFolder(local);
        for (const c of e.childFolders) claims.claimFolder(path.join(local, c.localName), c.remotePath);
      } else if (e.kind === 'folderDone') {
        folderStack.pop();
        claims.leaveFolder(resolveInside(root, e.segments));
      } else {
        const localPath = resolveInside(root, [...e.dirSegments, e.localName]);
        const other = claims.claim(localPath, e.remotePath);
        if (other) {
          tally.settled(seq++, {
            fileId: e.item.id, remotePath: e.remotePath, localPath, size: e.item.size, status: 'failed',
            error: new KooDriveError('Conflict', `${e.remotePath} and ${other} would both be saved as ${localPath}`, { subject: localPath }),
          });
          continue;
        }
        if (opts.shouldDownload && !opts.shouldDownload(e.item.id, folderStack.map((f) => f.item.id))) continue;
        for (const f of folderStack) f.hasFiles = true;
        queue.push({ job: { item: e.item, remotePath: e.remotePath, dirSegments: e.dirSegments, localName: e.localName }, seq: seq++ });
        engine.links.add(e.item.id);
      }
    }
  };
  // One walker at a time: the workers share its steps.
  let planning: Promise<void> | undefined;
  const planAhead = (): Promise<void> => {
    planning ??= plan().finally(() => (planning = undefined));
    return planning;
  };
  const nextJob = async (): Promise<{ job: PlannedFile; seq: number } | undefined> => {
    while (queueHead >= queue.length || queue.length - queueHead < PLAN_LOOK_AHEAD / 2) {
      if (walked) break;
      await planAhead();
    }
    if (queueHead >= queue.length) return undefined;
    const next = queue[queueHead];
    queue[queueHead++] = undefined as unknown as (typeof queue)[number];
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    return next;
  };

  let fatal: unknown;
  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const release = opts.acquireSlot ? await opts.acquireSlot() : undefined;
      try {
        if (signal.aborted) break;
        const next = await nextJob();
        if (!next || signal.aborted) break;
        const { job } = next;
        opts.onFileStart?.({ fileId: job.item.id, remotePath: job.remotePath, subject: resolveInside(root, [...job.dirSegments, job.localName]), size: job.item.size });
        const result = await downloadOneFile(engine, job);
        engine.links.release(job.item.id);
        tally.settled(next.seq, result);
        if (!signal.aborted) opts.onFileDone?.(result);
      } catch (e) {
        // The walk failed (cancelled, session expired): stop the others, report it once they are done.
        fatal ??= e;
        controller.abort(e);
      } finally {
        release?.();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (fatal !== undefined) throw isCancellation(fatal) && signal.aborted ? cancelledError(signal) : fatal;
  if (signal.aborted) throw cancelledError(signal);

  // Recreate empty folders too (folders with files exist by now; a failure there was reported with the files).
  for (const folder of folders) {
    try {
      await engine.dirs.ensure(folder.segments);
    } catch (e) {
      if (!folder.hasFiles) {
        const localPath = resolveInside(root, folder.segments);
        tally.folderFailure({ fileId: folder.item.id, remotePath: folder.remotePath, localPath, size: 0, status: 'failed', error: localError(e, localPath, 'create folder') });
      }
    }
  }
  return tally.summary();
}
