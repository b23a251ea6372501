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
 *  - Local names are sanitized and confined to the target folder
 *    (localNames.ts, downloadPaths.ts).
 *  - An existing local file is never replaced unless the policy says so.
 *    The default policy is 'fail': that file fails with a `Conflict` error,
 *    the others continue.
 */
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import type { Call, KooDriveClient } from '../../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../../api/models';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../api/retryPolicy';
import { cancelledError, linkedAbortController, throwIfAborted } from '../../cancellation';
import { isCancellation, KooDriveError } from '../../errors';
import { Logger, silentLogger } from '../../logger';
import type { ProgressListener } from '../../progress';
import { DownloadLinkBatcher, DownloadLinkClient } from './downloadLinks';
import { localError, lstatOrUndefined, placeExclusive, placeReplacing, SafeDirs, unlinkQuietly } from './downloadPaths';
import { DownloadListClient, planDownload, PlannedFile } from './downloadPlan';
import { aboutFile } from './downloadErrors';
import { downloadToPartial } from './downloadToPartial';
import { alternateName, localPathKey, partialName, resolveInside } from '../localNames';

/** What to do when the local file already exists. 'ask' calls `onConflict`. */
export type ConflictPolicy = 'fail' | 'overwrite' | 'skip' | 'rename' | 'ask';
/** One decision: replace it, keep it, keep both ("name (1).ext"), or fail this file. */
export type ConflictAction = 'fail' | 'overwrite' | 'skip' | 'rename';

export interface ConflictQuestion {
  fileId: string;
  remotePath: string;
  localPath: string;
  remote: { size: number; modifiedTime?: string };
  existing: { size: number; modifiedMs: number; isFolder: boolean };
}

export interface ConflictAnswer {
  action: ConflictAction;
  /** Apply the same action to every later conflict of this download. */
  applyToAll?: boolean;
}

/** Asked one conflict at a time (never concurrently), in download order. Throwing a cancellation cancels the download. */
export type ConflictHandler = (question: ConflictQuestion) => Promise<ConflictAnswer>;

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
  /** Leave a file out (settled in an earlier, interrupted run of the transfer queue). */
  shouldDownload?(fileId: string): boolean;
  /** A slot of a shared limit on files in flight (the transfer queue); released when the file is settled. */
  acquireSlot?(): Promise<() => void>;
  /** `subject` is the local path progress events use for this file. */
  onFileStart?(file: { fileId: string; remotePath: string; subject: string; size: number }): void;
  onFileDone?(result: DownloadFileResult): void;
}

export type DownloadStatus = 'downloaded' | 'skipped' | 'failed';

export interface DownloadFileResult {
  fileId: string;
  /** Remote names from the item passed in down to this one, joined with "/". */
  remotePath: string;
  /** Where the file is (or would have been) on disk. */
  localPath?: string;
  size: number;
  /** Computed while downloading (downloaded files only). */
  sha256?: string;
  status: DownloadStatus;
  /** Bytes that were already on disk from an interrupted download. */
  resumedFrom?: number;
  error?: KooDriveError;
}

export interface DownloadSummary {
  /** One entry per file (and per folder that could not be listed or named), in listing order. */
  files: DownloadFileResult[];
  downloaded: number;
  skipped: number;
  failed: number;
  /** Bytes of the downloaded files. */
  bytes: number;
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

  const plan = await planDownload(deps.client, space, items, signal);
  const results = new Map<unknown, DownloadFileResult>();
  const order: unknown[] = [];
  for (const f of plan.failures) {
    order.push(f);
    results.set(f, { fileId: f.item.id, remotePath: f.remotePath, size: f.item.size, status: 'failed', error: f.error });
  }

  // Two remote items must not land on one local path ("a:b" and "a_b", or "A" and "a" on a case-insensitive disk).
  const taken = new Map<string, { remotePath: string; folder: boolean }>();
  for (const folder of plan.folders) {
    const key = localPathKey(resolveInside(root, folder.segments));
    if (!taken.has(key)) taken.set(key, { remotePath: folder.remotePath, folder: true });
  }
  const jobs: PlannedFile[] = [];
  for (const file of plan.files) {
    order.push(file);
    const localPath = resolveInside(root, [...file.dirSegments, file.localName]);
    const key = localPathKey(localPath);
    const other = taken.get(key);
    if (other) {
      results.set(file, {
        fileId: file.item.id, remotePath: file.remotePath, localPath, size: file.item.size, status: 'failed',
        error: new KooDriveError('Conflict', `${file.remotePath} and ${other.remotePath} would both be saved as ${localPath}`, { subject: localPath }),
      });
      continue;
    }
    taken.set(key, { remotePath: file.remotePath, folder: false });
    if (opts.shouldDownload && !opts.shouldDownload(file.item.id)) {
      order.pop();
      continue;
    }
    jobs.push(file);
  }

  const engine: Engine = {
    deps, space, root, signal, logger, policy,
    retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    fsync: opts.fsync ?? true,
    onProgress: opts.onProgress,
    dirs: new SafeDirs(root),
    links: new DownloadLinkBatcher(deps.client, space, jobs.map((j) => j.item.id), signal),
    taken,
    conflicts: new ConflictDecider(policy, opts.onConflict, (reason) => controller.abort(reason)),
    stop: (reason) => controller.abort(reason),
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const release = opts.acquireSlot ? await opts.acquireSlot() : undefined;
      try {
        if (next >= jobs.length || signal?.aborted) break;
        const job = jobs[next++];
        opts.onFileStart?.({ fileId: job.item.id, remotePath: job.remotePath, subject: resolveInside(root, [...job.dirSegments, job.localName]), size: job.item.size });
        const result = await downloadOne(engine, job);
        results.set(job, result);
        if (!signal?.aborted) opts.onFileDone?.(result);
      } finally {
        release?.();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  if (signal?.aborted) throw cancelledError(signal);

  // Recreate empty folders too (folders with files exist by now; a failure there was reported with the files).
  for (const folder of plan.folders) {
    try {
      await engine.dirs.ensure(folder.segments);
    } catch (e) {
      const hasFiles = jobs.some((j) => j.remotePath.startsWith(`${folder.remotePath}/`));
      if (!hasFiles) {
        order.push(folder);
        const localPath = resolveInside(root, folder.segments);
        results.set(folder, { fileId: folder.item.id, remotePath: folder.remotePath, localPath, size: 0, status: 'failed', error: localError(e, localPath, 'create folder') });
      }
    }
  }

  const files = order.map((k) => results.get(k)!).filter(Boolean);
  return {
    files,
    downloaded: files.filter((f) => f.status === 'downloaded').length,
    skipped: files.filter((f) => f.status === 'skipped').length,
    failed: files.filter((f) => f.status === 'failed').length,
    bytes: files.reduce((n, f) => n + (f.status === 'downloaded' ? f.size : 0), 0),
  };
}

/** Looks up the items the CLI was given by id; ids that cannot be resolved are reported, not thrown. */
export async function resolveDownloadItems(
  client: Pick<KooDriveClient, 'getFileDetail'>,
  space: SpaceRef,
  ids: readonly string[],
  o: Call = {},
): Promise<{ items: DriveItem[]; failures: DownloadFileResult[] }> {
  const items: DriveItem[] = [];
  const failures: DownloadFileResult[] = [];
  for (const id of ids) {
    try {
      items.push(await client.getFileDetail(space, id, o));
    } catch (e) {
      if (isCancellation(e) || KooDriveError.is(e, 'AuthRequired')) throw e;
      const err = KooDriveError.is(e) ? e : new KooDriveError('BadResponse', String(e), { cause: e });
      failures.push({ fileId: id, remotePath: id, size: 0, status: 'failed', error: aboutFile(err, id) });
    }
  }
  return { items, failures };
}

interface Engine {
  deps: DownloadDeps;
  space: SpaceRef;
  root: string;
  signal?: AbortSignal;
  logger: Logger;
  policy: ConflictPolicy;
  retry: RetryPolicy;
  fsync: boolean;
  onProgress?: ProgressListener;
  dirs: SafeDirs;
  links: DownloadLinkBatcher;
  taken: Map<string, { remotePath: string; folder: boolean }>;
  conflicts: ConflictDecider;
  /** Stops the whole run with `reason` (an expired session). */
  stop(reason: KooDriveError): void;
}

async function downloadOne(e: Engine, job: PlannedFile): Promise<DownloadFileResult> {
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
      action = await e.conflicts.decide(question(job, finalPath, existing));
      if (action === 'skip') return { ...base, localPath: finalPath, status: 'skipped' };
      if (action === 'fail') throw alreadyExists(finalPath, e.policy);
      if (action === 'overwrite' && existing.isDirectory()) {
        throw new KooDriveError('Conflict', `${finalPath} is a folder; it cannot be replaced by the file ${remotePath}`, { subject: finalPath });
      }
    }

    const fileSubject = finalPath;
    const result = await downloadToPartial({
      dispatcher: e.deps.dispatcher,
      links: e.links,
      item,
      partialPath,
      subject: remotePath,
      localPath: finalPath,
      retry: e.retry,
      logger: e.logger,
      redact: e.deps.redact,
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

/**
 * Moves the verified temp file into place according to the decision; if a
 * file appeared under the name while we were downloading, the policy is
 * applied again. Returns the final path, or undefined when the file was skipped.
 */
async function place(e: Engine, job: PlannedFile, dir: string, partialPath: string, finalPath: string, action: ConflictAction | 'new'): Promise<string | undefined> {
  try {
    for (let round = 0; round < 3; round++) {
      if (action === 'overwrite') {
        await placeReplacing(partialPath, finalPath);
        return finalPath;
      }
      if (action === 'rename') return await placeRenamed(e, job, dir, partialPath);
      if (await placeExclusive(partialPath, finalPath)) return finalPath;
      // Created meanwhile by someone else.
      const existing = await lstatOrUndefined(finalPath);
      if (!existing) continue;
      action = await e.conflicts.decide(question(job, finalPath, existing));
      if (action === 'skip') {
        await unlinkQuietly(partialPath);
        return undefined;
      }
      if (action === 'fail') throw alreadyExists(finalPath, e.policy);
      if (action === 'overwrite' && existing.isDirectory()) {
        throw new KooDriveError('Conflict', `${finalPath} is a folder; it cannot be replaced by the file ${job.remotePath}`, { subject: finalPath });
      }
    }
    throw new KooDriveError('Conflict', `${finalPath} keeps changing; not saving over it`, { subject: finalPath });
  } catch (err) {
    throw localError(err, finalPath, 'save');
  }
}

/** Keep both: the first free "name (n).ext" that no other file of this download is going to use. */
async function placeRenamed(e: Engine, job: PlannedFile, dir: string, partialPath: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, alternateName(job.localName, n));
    const key = localPathKey(candidate);
    if (e.taken.has(key)) continue;
    if (await placeExclusive(partialPath, candidate)) {
      e.taken.set(key, { remotePath: job.remotePath, folder: false });
      return candidate;
    }
  }
  throw new KooDriveError('Conflict', `No free name for ${job.remotePath} in ${dir}`, { subject: job.remotePath });
}

function question(job: PlannedFile, localPath: string, existing: Stats): ConflictQuestion {
  return {
    fileId: job.item.id,
    remotePath: job.remotePath,
    localPath,
    remote: { size: job.item.size, modifiedTime: job.item.modifiedTime },
    existing: { size: existing.size, modifiedMs: existing.mtimeMs, isFolder: existing.isDirectory() },
  };
}

function alreadyExists(localPath: string, policy: ConflictPolicy): KooDriveError {
  const hint = policy === 'fail' ? ' (choose overwrite, skip or rename to download it anyway)' : '';
  return new KooDriveError('Conflict', `${localPath} already exists${hint}`, { subject: localPath });
}

/** One question at a time; "apply to all" answers every later conflict. */
export class ConflictDecider {
  private forAll?: ConflictAction;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly policy: ConflictPolicy,
    private readonly handler?: ConflictHandler,
    /** Called when the handler throws a cancellation (the user dismissed the question). */
    private readonly onCancel?: (reason: unknown) => void,
  ) {}

  decide(q: ConflictQuestion): Promise<ConflictAction> {
    if (this.policy !== 'ask') return Promise.resolve(this.policy);
    if (this.forAll) return Promise.resolve(this.forAll);
    const answer = this.queue.then(async (): Promise<ConflictAction> => {
      if (this.forAll) return this.forAll;
      let a: ConflictAnswer;
      try {
        a = await this.handler!(q);
      } catch (err) {
        if (isCancellation(err)) this.onCancel?.(err);
        throw err;
      }
      if (!['fail', 'overwrite', 'skip', 'rename'].includes(a?.action)) {
        throw new KooDriveError('InvalidInput', `Unknown conflict answer "${String(a?.action)}"`);
      }
      if (a.applyToAll) this.forAll = a.action;
      return a.action;
    });
    this.queue = answer.catch(() => undefined);
    return answer;
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
