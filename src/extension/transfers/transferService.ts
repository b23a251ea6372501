/**
 * The extension's side of the transfer queue: what an upload or download run
 * does in this window (connection, settings, links, tree refresh), and who is
 * watching a run (the command that started it shows its notification and
 * summary). A run resumed from the Transfers view, or after a reload, runs
 * the same executor with nobody watching: the view is its progress.
 */
import type { DriveItem, Space, SpaceRef } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import type { FileHasher } from '../../core/hash/fileHasher';
import type { Logger } from '../../core/logger';
import type { ProgressEvent } from '../../core/progress';
import { discardDownloadPartials, discardUploadState, downloadPartials, uploadStateBytes } from '../../core/queue/discardState';
import { downloadSelection } from '../../core/queue/downloadSelection';
import type { RunContext } from '../../core/queue/runContext';
import type { RunView } from '../../core/queue/runView';
import { TransferQueue } from '../../core/queue/transferQueue';
import type { TransferJournal } from '../../core/queue/transferJournal';
import { runUploadJob } from '../../core/queue/uploadRun';
import { downloadFiles } from '../../core/download/downloadFiles';
import type { DownloadFileResult } from '../../core/download/downloadTally';
import type { UploadDeps, UploadResult } from '../../core/upload/uploadFile';
import type { ResumeStore } from '../../core/upload/resumeStore';
import type { ConflictPolicy } from '../../core/upload/uploadTarget';
import type { Session } from '../auth/session';
import type { DownloadConflictPolicy } from '../settings';
import type { LinkStore } from '../stores/linkStore';
import type { RemoteFolderRef } from '../stores/recentPlaces';
import { conflictAsker } from '../ui/conflictPrompt';
import type { Prompts } from '../ui/prompts';
import { spaceKey } from '../views/treeNodes';
import { LinkBatch } from './linkBatch';

export interface UploadRunRequest {
  kind: 'upload';
  paths: string[];
  destination: RemoteFolderRef;
  conflict: ConflictPolicy;
  exclude: string[];
  partSize: number;
  concurrency: number;
}

export interface DownloadRunRequest {
  kind: 'download';
  targetDir: string;
  policy: DownloadConflictPolicy;
  selection: Array<{ space: Space; item: DriveItem; parentId?: string }>;
}

/** One sync of a linked folder (src/extension/sync/syncRunner.ts runs it). */
export interface SyncRunRequest {
  kind: 'sync';
  localRoot: string;
  /** Only these paths (a selection in the Source Control view); all when absent. */
  paths?: string[];
  /** Per-path conflict resolutions ([path, 'local' | 'remote' | 'keep-both']). */
  resolutions?: Array<[string, 'local' | 'remote' | 'keep-both']>;
  direction?: 'both' | 'push' | 'pull';
}

/** What the command that started a run wants to hear (its notification and summary). */
export interface RunObserver {
  onFileStart?(subject: string, size: number): void;
  onProgress?(ev: ProgressEvent): void;
  onUploaded?(r: UploadResult): void;
  onUploadFailed?(localPath: string, error: KooDriveError, fromFolder?: string): void;
  onLeftOut?(): void;
  onDownloaded?(r: DownloadFileResult): void;
}

/**
 * What the transfer service uses of the extension's services. Declared here,
 * not taken from services.ts: services.ts holds the transfer service, and the
 * two would import each other.
 */
export interface TransferServices {
  session: Pick<Session, 'connection'>;
  prompts: Prompts;
  tree: { refreshFolder(space: SpaceRef, folderId: string): void };
  links: LinkStore;
  logger: Logger;
  hasher: FileHasher;
  resumeStore?: ResumeStore;
}

export class TransferService {
  readonly queue: TransferQueue;
  private readonly observers = new Map<string, RunObserver>();
  /** Set by the sync view (src/extension/sync) once it exists; a sync run restored before then waits for it. */
  private syncExecutor?: (ctx: RunContext) => Promise<void>;
  private syncReady!: () => void;
  private readonly syncSet = new Promise<void>((resolve) => (this.syncReady = resolve));

  constructor(private readonly s: TransferServices, o: { maxFiles: () => number; journal?: TransferJournal }) {
    this.queue = new TransferQueue({
      maxFiles: o.maxFiles,
      journal: o.journal,
      logger: s.logger,
      executors: { upload: (ctx) => this.upload(ctx), download: (ctx) => this.download(ctx), sync: (ctx) => this.sync(ctx) },
      discard: (run) => this.discard(run.request as UploadRunRequest | DownloadRunRequest | SyncRunRequest),
    });
  }

  /** Adds a run; `observer` hears about its files until it settles. */
  /** The sync view's executor for 'sync' runs. */
  setSyncExecutor(fn: (ctx: RunContext) => Promise<void>): void {
    this.syncExecutor = fn;
    this.syncReady();
  }

  private async sync(ctx: RunContext): Promise<void> {
    await this.syncSet;
    await this.syncExecutor!(ctx);
  }

  start(direction: 'upload' | 'download' | 'sync', name: string, request: UploadRunRequest | DownloadRunRequest | SyncRunRequest, observer?: RunObserver): RunView {
    const run = this.queue.add(direction, name, request);
    if (observer) {
      this.observers.set(run.id, observer);
      void this.queue.settled(run.id).finally(() => this.observers.delete(run.id));
    }
    return run;
  }

  /**
   * Waits for a run started from a notification: the notification's Cancel
   * pauses the run (it stays in the Transfers view, resumable). Resolves with
   * the run when it ends done or failed file by file; throws the run's own
   * error when it failed as a whole, and Cancelled when it was paused,
   * cancelled or interrupted.
   */
  async watch(runId: string, signal: AbortSignal, what: string): Promise<RunView> {
    const pause = (): void => void this.queue.pause(runId);
    signal.addEventListener('abort', pause, { once: true });
    try {
      const end = await this.queue.settled(runId);
      if (!end || (end.state !== 'done' && end.state !== 'failed')) throw new KooDriveError('Cancelled', `${what} paused, cancelled or interrupted`);
      if (end.error) throw this.queue.errorOf(runId) ?? new KooDriveError(end.error.code as KooDriveError['code'], end.error.message);
      return end;
    } finally {
      signal.removeEventListener('abort', pause);
    }
  }

  /**
   * After a reload the runs know only their finished files: the bytes of the
   * interrupted ones are in the upload resume store and the partial download
   * files, which are the truth. Shows them on the paused and failed rows.
   */
  async noteBytesOnDisk(): Promise<void> {
    for (const run of this.queue.list()) {
      if (run.state !== 'paused' && run.state !== 'failed') continue;
      const req = run.request as UploadRunRequest | DownloadRunRequest | SyncRunRequest;
      if (req.kind === 'sync') continue;
      try {
        const bytes = req.kind === 'upload'
          ? (this.s.resumeStore ? await uploadStateBytes(this.s.resumeStore, req.paths, req.destination.space.containerId, req.destination.folderId) : 0)
          : (await downloadPartials(req.targetDir, req.selection.map((sel) => sel.item))).reduce((n, p) => n + p.bytes, 0);
        if (bytes > 0) this.queue.noteBytesOnDisk(run.id, bytes);
      } catch (e) {
        this.s.logger.warn(`Could not read the saved progress of ${run.name}: ${(e as Error).message}`);
      }
    }
  }

  private async upload(ctx: RunContext): Promise<void> {
    const req = ctx.run.request as UploadRunRequest;
    const s = this.s;
    const watcher = (): RunObserver | undefined => this.observers.get(ctx.run.id);
    const conn = await s.session.connection();
    const deps: UploadDeps = { client: conn.client, dispatcher: conn.dispatcher, hasher: s.hasher, resumeStore: s.resumeStore, logger: s.logger };
    const dest = req.destination;
    const links = new LinkBatch((l) => s.links.setMany(l), (e) => s.logger.warn(`Could not remember uploaded files: ${(e as Error).message}`));
    s.logger.info(`Uploading ${req.paths.length} item(s) to ${dest.path} (${dest.space.containerId}/${dest.folderId})`);
    try {
      await runUploadJob(deps, {
        paths: req.paths, space: dest.space, parentFolderId: dest.folderId, conflict: req.conflict,
        exclude: req.exclude, partSize: req.partSize, concurrency: req.concurrency,
      }, ctx, {
        onFileStart: (p, size) => watcher()?.onFileStart?.(p, size),
        onProgress: (ev) => watcher()?.onProgress?.(ev),
        onUploaded: (r, parentId) => {
          links.add({ localPath: r.localPath, fileId: r.fileId, space: dest.space, name: r.fileName, parentId });
          s.logger.info(`Uploaded ${r.localPath} → ${r.fileName} (${r.fileId})${r.rapidUpload ? ' by flash upload' : ''}${r.skipped ? ', identical file already there' : ''}${r.resumed ? ', resumed' : ''}`);
          watcher()?.onUploaded?.(r);
        },
        onFailed: (p, error, fromFolder) => {
          s.logger.error(`Upload of ${p} failed: ${error.code} ${error.message}${error.traceId ? ` trace=${error.traceId}` : ''}`);
          watcher()?.onUploadFailed?.(p, error, fromFolder);
        },
        onLeftOut: (sk) => {
          s.logger.info(`Not uploaded: ${sk.absPath} (${sk.reason}: ${sk.message})`);
          watcher()?.onLeftOut?.();
        },
      });
    } finally {
      await links.flush();
      s.tree.refreshFolder(dest.space, dest.folderId);
    }
  }

  private async download(ctx: RunContext): Promise<void> {
    const req = ctx.run.request as DownloadRunRequest;
    const s = this.s;
    const watcher = (): RunObserver | undefined => this.observers.get(ctx.run.id);
    const conn = await s.session.connection();
    const groups = new Map<string, { space: Space; items: DriveItem[] }>();
    const parentOf = new Map<string, string | undefined>();
    for (const sel of req.selection) {
      const key = spaceKey(sel.space);
      const g = groups.get(key) ?? { space: sel.space, items: [] };
      if (!g.items.some((i) => i.id === sel.item.id)) g.items.push(sel.item);
      groups.set(key, g);
      parentOf.set(`${key}/${sel.item.id}`, sel.parentId);
    }
    const links = new LinkBatch((l) => s.links.setMany(l), (e) => s.logger.warn(`Could not remember downloaded files: ${(e as Error).message}`));
    s.logger.info(`Downloading ${req.selection.length} item(s) to ${req.targetDir} (conflicts: ${req.policy})`);
    if (req.selection.every((sel) => !sel.item.isFolder)) {
      ctx.setTotals({ files: req.selection.length, bytes: req.selection.reduce((n, sel) => n + sel.item.size, 0) });
    }
    try {
      for (const { space, items } of groups.values()) {
        /** Files in flight (dropped when settled: memory must not grow with the file count). */
        const subjects = new Map<string, string>();
        /** Started files that failed: the rest of the summary's failures never started and are settled after the run. */
        const failedStarted = new Set<string>();
        const settle = (r: DownloadFileResult): void => {
          const subject = subjects.get(r.fileId) ?? r.localPath ?? r.remotePath;
          if (subjects.delete(r.fileId) && r.status === 'failed') failedStarted.add(r.fileId);
          if (r.status === 'failed') {
            const message = r.error?.message ?? 'failed';
            ctx.fileSettled(subject, { ok: false, path: r.remotePath, code: r.error?.code ?? 'ApiError', message }, r.fileId);
            s.logger.error(`Download of ${r.remotePath} failed: ${r.error?.code} ${message}${r.error?.traceId ? ` trace=${r.error.traceId}` : ''}`);
          } else {
            ctx.fileSettled(subject, { ok: true, bytes: r.size, noTransfer: r.status === 'skipped' }, r.fileId);
            s.logger.info(`${r.status === 'downloaded' ? 'Downloaded' : 'Skipped'} ${r.remotePath} → ${r.localPath}${r.resumedFrom ? ` (resumed at ${r.resumedFrom} bytes)` : ''}`);
            if (r.status === 'downloaded' && r.localPath) {
              links.add({ localPath: r.localPath, fileId: r.fileId, space, name: r.localPath.split(/[\\/]/).pop() ?? r.remotePath, parentId: parentOf.get(`${spaceKey(space)}/${r.fileId}`) });
            }
          }
          watcher()?.onDownloaded?.(r);
        };
        const summary = await downloadFiles({ client: conn.client, dispatcher: conn.dispatcher, logger: s.logger, redact: conn.redact }, space, items, {
          targetDir: req.targetDir,
          conflict: req.policy,
          // Every file is reported through onFileDone; the summary keeps only the failed ones (a folder may hold 100 000 files).
          keepResults: 'failed',
          onConflict: req.policy === 'ask' ? conflictAsker(s.prompts) : undefined,
          signal: ctx.signal,
          onProgress: (ev) => {
            ctx.fileProgress(ev.subject, ev.bytesDone, ev.phase);
            watcher()?.onProgress?.(ev);
          },
          shouldDownload: downloadSelection(ctx),
          acquireSlot: () => ctx.acquireSlot(),
          onFileStart: (f) => {
            subjects.set(f.fileId, f.subject);
            ctx.fileStarted(f.subject, f.remotePath, f.size);
            watcher()?.onFileStart?.(f.subject, f.size);
          },
          onFileDone: settle,
        });
        // Files that failed before they could start (a folder that could not be listed, two names on one path).
        for (const r of summary.files) if (r.status === 'failed' && !failedStarted.has(r.fileId)) settle(r);
      }
    } finally {
      await links.flush();
    }
  }

  private async discard(req: UploadRunRequest | DownloadRunRequest | SyncRunRequest): Promise<void> {
    // A cancelled sync keeps every verified path in its base; the next sync carries on from there.
    if (req.kind === 'sync') return;
    if (req.kind === 'upload') {
      if (!this.s.resumeStore) return;
      const n = await discardUploadState(this.s.resumeStore, req.paths, req.destination.space.containerId, req.destination.folderId);
      this.s.logger.info(`Cancelled upload: forgot the resume state of ${n} file(s)`);
    } else {
      const n = await discardDownloadPartials(req.targetDir, req.selection.map((sel) => sel.item));
      this.s.logger.info(`Cancelled download: removed ${n} unfinished file(s) in ${req.targetDir}`);
    }
  }
}
