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
import { MAX_DOWNLOAD_IDS } from '../api/koodriveClient';
import type { Call, KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../api/retryPolicy';
import { cancelledError, linkedAbortController, throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { DownloadLinkBatcher, DownloadLinkClient } from './downloadLinks';
import { localError, lstatOrUndefined, placeExclusive, placeReplacing, SafeDirs, unlinkQuietly } from './downloadPaths';
import { childFolderNames, DownloadListClient, PlannedFile, walkDownload } from './downloadPlan';
import { aboutFile } from './downloadErrors';
import { downloadToPartial } from './downloadToPartial';
import { alternateName, localPathKey, partialName, resolveInside } from '../bytes/localNames';

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
  /** One entry per file (and per folder that could not be listed or named), in listing order; only the failed ones with keepResults 'failed'. */
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
  const tally = new Tally(keepAll);
  // Folders claim their local names before any file of their parent does (as their own folders' names, below).
  for (const c of childFolderNames(items, undefined)) claims.claimFolder(path.join(root, c.localName), c.remotePath);
  /** Folders in walk order, to recreate empty ones at the end (one entry per folder, not per file). */
  const folders: Array<{ item: DriveItem; remotePath: string; segments: string[]; hasFiles: boolean }> = [];
  const folderStack: Array<(typeof folders)[number]> = [];
  const queue: Array<{ job: PlannedFile; seq: number }> = [];
  let queueHead = 0;
  let seq = 0;
  let walked = false;

  const engine: Engine = {
    deps, space, root, signal, logger, policy,
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
        const result = await downloadOne(engine, job);
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

/**
 * Local paths claimed by the files and folders of one download, to refuse a
 * second remote item on the same local path. Only the folders being walked
 * are tracked (a name can only clash with a sibling: two items in one local
 * folder), so memory follows the depth of the tree, not the file count. When
 * two remote folders merge into one local folder (told by the walk before
 * either is walked), every claim is kept for the rest of the run instead.
 */
class LocalClaims {
  /** Local folder key -> local path key -> the remote path that claimed it. */
  private readonly byDir = new Map<string, Map<string, string>>();
  private readonly walking = new Map<string, number>();
  private keepEverything = false;

  keepAll(): void {
    this.keepEverything = true;
  }

  /** A folder's local name, claimed in its parent's scope (two folders may share one: they merge). */
  claimFolder(localPath: string, remotePath: string): void {
    if (this.get(localPath) === undefined) this.scope(path.dirname(localPath)).set(localPathKey(localPath), remotePath);
  }

  /** The walk entered a folder: the claims of its contents are kept until it (and any folder merged into it) is left. */
  enterFolder(localPath: string): void {
    const key = localPathKey(localPath);
    this.walking.set(key, (this.walking.get(key) ?? 0) + 1);
  }

  leaveFolder(localPath: string): void {
    const key = localPathKey(localPath);
    const n = (this.walking.get(key) ?? 1) - 1;
    if (n > 0) {
      this.walking.set(key, n);
      return;
    }
    this.walking.delete(key);
    if (!this.keepEverything) this.byDir.delete(key);
  }

  /** Claims `localPath` for a file; returns the remote path that has it already, if any. */
  claim(localPath: string, remotePath: string): string | undefined {
    const existing = this.get(localPath);
    if (existing !== undefined) return existing;
    this.scope(path.dirname(localPath)).set(localPathKey(localPath), remotePath);
    return undefined;
  }

  has(localPath: string): boolean {
    return this.get(localPath) !== undefined;
  }

  /** The remote path that claimed `localPath`, if any. */
  private get(localPath: string): string | undefined {
    return this.byDir.get(localPathKey(path.dirname(localPath)))?.get(localPathKey(localPath));
  }

  private scope(dir: string): Map<string, string> {
    const key = localPathKey(dir);
    let m = this.byDir.get(key);
    if (!m) {
      m = new Map();
      this.byDir.set(key, m);
    }
    return m;
  }
}

/**
 * The run's outcome: counts of every file, and the per-file results the
 * caller keeps (all of them, or only the failed ones), reported in walk order
 * as before: items that could not be planned first, then the files, then
 * folders that could not be created.
 */
class Tally {
  private readonly planFailures: DownloadFileResult[] = [];
  private readonly results: Array<{ seq: number; result: DownloadFileResult }> = [];
  private readonly folderFailures: DownloadFileResult[] = [];
  private downloaded = 0;
  private skipped = 0;
  private failed = 0;
  private bytes = 0;

  constructor(private readonly keepAll: boolean) {}

  planFailure(r: DownloadFileResult): void {
    this.count(r);
    this.planFailures.push(r);
  }

  folderFailure(r: DownloadFileResult): void {
    this.count(r);
    this.folderFailures.push(r);
  }

  settled(seq: number, r: DownloadFileResult): void {
    this.count(r);
    if (this.keepAll || r.status === 'failed') this.results.push({ seq, result: r });
  }

  summary(): DownloadSummary {
    const inOrder = this.results.sort((a, b) => a.seq - b.seq).map((x) => x.result);
    return {
      files: [...this.planFailures, ...inOrder, ...this.folderFailures],
      downloaded: this.downloaded,
      skipped: this.skipped,
      failed: this.failed,
      bytes: this.bytes,
    };
  }

  private count(r: DownloadFileResult): void {
    if (r.status === 'downloaded') {
      this.downloaded++;
      this.bytes += r.size;
    } else if (r.status === 'skipped') this.skipped++;
    else this.failed++;
  }
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
  claims: LocalClaims;
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
    if (e.claims.has(candidate)) continue;
    if (await placeExclusive(partialPath, candidate)) {
      e.claims.claim(candidate, job.remotePath);
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
