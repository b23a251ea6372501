/**
 * Runs one upload row of the transfer queue: loose files and folders into
 * one remote folder, each file behind one of the queue's slots, skipping what
 * an earlier (paused, interrupted) session already settled. Files in flight
 * when the run was paused continue from the upload engine's resume store.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { SpaceRef } from '../api/models';
import { throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import type { ProgressEvent } from '../progress';
import type { SkippedEntry } from '../upload/localTree';
import { uploadFile, UploadDeps, UploadResult } from '../upload/uploadFile';
import type { ConflictPolicy } from '../upload/uploadTarget';
import { scanFolderForUpload, scanTotals, uploadFolder } from '../upload/uploadFolder';
import type { RunContext } from './runContext';

export interface UploadJob {
  /** Absolute local paths (files and folders), no path inside another. */
  paths: string[];
  space: SpaceRef;
  parentFolderId: string;
  conflict: ConflictPolicy;
  exclude?: string[];
  partSize?: number;
  /** Parts in flight per file. */
  concurrency?: number;
}

export interface UploadJobEvents {
  onFileStart?(localPath: string, size: number): void;
  onProgress?(ev: ProgressEvent): void;
  /** A file is on KooDrive; `parentId` is known for loose files. */
  onUploaded?(r: UploadResult, parentId?: string): void;
  onFailed?(localPath: string, error: KooDriveError, fromFolder?: string): void;
  onLeftOut?(entry: SkippedEntry): void;
}

/** Loose files in flight at once, before the queue's own limit. */
const LOOSE_FILE_WORKERS = 4;

export async function runUploadJob(deps: UploadDeps, job: UploadJob, ctx: RunContext, events: UploadJobEvents = {}): Promise<void> {
  const signal = ctx.signal;
  const wanted = (key: string): boolean => !ctx.only || ctx.only.has(key);
  const files: Array<{ path: string; size: number }> = [];
  const dirs: string[] = [];
  for (const p of job.paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) dirs.push(p);
      else if (st.isFile()) files.push({ path: p, size: st.size });
      else fail(ctx, events, p, new KooDriveError('InvalidInput', `${p} is not a regular file or folder`, { subject: p }));
    } catch (e) {
      fail(ctx, events, p, new KooDriveError('LocalIo', `Cannot read ${p}: ${(e as Error).message}`, { cause: e, subject: p }));
    }
  }
  throwIfAborted(signal);
  // Totals first (the row shows a percentage); the scan is handed on, not repeated.
  const scans = await Promise.all(dirs.map((d) => scanFolderForUpload(d, { exclude: job.exclude, resumeStateDir: deps.resumeStore?.dir, signal })));
  const counted = scans.map(scanTotals);
  ctx.setTotals({
    files: files.length + counted.reduce((n, c) => n + c.files, 0),
    bytes: files.reduce((n, f) => n + f.size, 0) + counted.reduce((n, c) => n + c.bytes, 0),
  });
  const onProgress = (ev: ProgressEvent): void => {
    ctx.fileProgress(ev.subject, ev.bytesDone, ev.phase);
    events.onProgress?.(ev);
  };
  const options = { partSize: job.partSize, concurrency: job.concurrency, destination: job.parentFolderId, signal, onProgress };

  const todo = files.filter((f) => !ctx.isSettled(f.path) && wanted(f.path));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const release = await ctx.acquireSlot();
      try {
        if (next >= todo.length) break;
        const f = todo[next++];
        ctx.fileStarted(f.path, f.path, f.size);
        events.onFileStart?.(f.path, f.size);
        try {
          const r = await uploadFile(deps, f.path, { kind: 'file', space: job.space, parentFolderId: job.parentFolderId, conflict: job.conflict, again: ctx.again }, options);
          ctx.fileSettled(f.path, { ok: true, bytes: r.size, noTransfer: r.rapidUpload || r.skipped }, f.path);
          events.onUploaded?.(r, job.parentFolderId);
        } catch (e) {
          if (endsTheRun(e)) throw e;
          fail(ctx, events, f.path, asError(e, f.path));
        }
      } finally {
        release();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOSE_FILE_WORKERS, todo.length) }, worker));

  for (const [i, dir] of dirs.entries()) {
    throwIfAborted(signal);
    // Retrying a folder that failed as a whole runs all of it; retrying failed files runs just those.
    const wholeFolder = wanted(dir);
    if (!wholeFolder && ![...(ctx.only ?? [])].some((k) => k.startsWith(dir + path.sep))) continue;
    const cursor = ctx.cursor(dir);
    try {
      const summary = await uploadFolder(deps, dir, { space: job.space, parentFolderId: job.parentFolderId }, {
        ...options,
        scanned: scans[i],
        keepOutcomes: false,
        conflict: job.conflict,
        again: ctx.again,
        exclude: job.exclude,
        // A retry runs its failed files even though the cursor counts them as settled.
        shouldUpload: (e) => (ctx.only ? ctx.only.has(e.absPath) || (wholeFolder && !cursor.isSettled(e.relPath)) : !cursor.isSettled(e.relPath)),
        acquireSlot: () => ctx.acquireSlot(),
        onFileStart: (e) => {
          cursor.start(e.relPath);
          ctx.fileStarted(e.absPath, e.absPath, e.size);
          events.onFileStart?.(e.absPath, e.size);
        },
        onFileDone: (o) => {
          cursor.settle(o.relPath);
          if (o.status === 'uploaded') {
            ctx.fileSettled(o.result.localPath, { ok: true, bytes: o.result.size, noTransfer: o.result.rapidUpload || o.result.skipped });
            events.onUploaded?.(o.result);
          } else {
            ctx.fileSettled(o.localPath, { ok: false, path: o.localPath, code: o.error.code, message: o.error.message });
            events.onFailed?.(o.localPath, o.error, dir);
          }
        },
      });
      for (const sk of summary.skipped) events.onLeftOut?.(sk);
    } catch (e) {
      if (endsTheRun(e)) throw e;
      fail(ctx, events, dir, asError(e, dir), dir);
    }
  }
}

function fail(ctx: RunContext, events: UploadJobEvents, p: string, error: KooDriveError, fromFolder?: string): void {
  ctx.fileSettled(p, { ok: false, path: p, code: error.code, message: error.message }, p);
  events.onFailed?.(p, error, fromFolder);
}

function asError(e: unknown, subject: string): KooDriveError {
  return KooDriveError.is(e) ? e : new KooDriveError('LocalIo', `${subject}: ${String((e as Error)?.message ?? e)}`, { cause: e, subject });
}

/** Cancellation (pause, cancel) and an expired session stop the whole run. */
function endsTheRun(e: unknown): boolean {
  return isCancellation(e) || KooDriveError.is(e, 'AuthRequired');
}
