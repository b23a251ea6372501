/**
 * Carries out a plan, file by file, each step verified before the base moves
 * (docs/sync.md, "Apply"). The base entry of a path is written (a journal
 * line) only after that path's transfer is verified: sha256 equal on both
 * sides. A run killed at any point leaves a base from which the next run
 * converges: no duplicate, nothing lost.
 *
 * Order: moves, then transfers (a pool of `concurrency` files), then
 * deletions (one batch job to the recycle bin; local files to the trash).
 * Every step re-checks what it is about to replace or remove against the
 * scan: anything that changed in between becomes a conflict, never an
 * overwrite.
 */
import type { Stats } from 'node:fs';
import { lstat, rename, rm, rmdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import type { KooDriveClient } from '../api/koodriveClient';
import type { DriveItem } from '../api/models';
import { resolveInside } from '../bytes/localNames';
import { isCancellation, KooDriveError } from '../errors';
import { downloadFiles } from '../download/downloadFiles';
import { SafeDirs } from '../download/downloadPaths';
import type { Logger } from '../logger';
import { moveItems, recycleItems } from '../organize/organizeItems';
import type { ProgressListener } from '../progress';
import type { FileHasher } from '../hash/fileHasher';
import type { ResumeStore } from '../upload/resumeStore';
import { uploadFile, type UploadResult } from '../upload/uploadFile';
import { conflictPath } from './conflictNames';
import { runPool } from './localScan';
import { STAGING_DIR } from './syncIgnore';
import type { BaseJournal } from './syncState';
import type { ApplyResult, Base, BaseEntry, LocalFile, LocalTrash, RemoteFile, SyncAction, SyncEvent, SyncPlan } from './syncTypes';

export interface ApplyDeps {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  /** The upload engine's hasher (the hash pool). */
  hasher: FileHasher;
  resumeStore?: ResumeStore;
  /** Where local files go instead of being unlinked (CLI: folderTrash; extension: the OS trash). */
  trash: LocalTrash;
  logger?: Logger;
  /** Removes secrets from messages. */
  redact?(text: string): string;
}

export interface ApplyOptions {
  /** The base as loaded; updated in memory as paths are verified. */
  base: Base;
  /** Receives every base change as it is made (crash safety). */
  journal: BaseJournal;
  /** Files transferred at a time; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Bytes, per file (phase uploading/downloading/hashing); hosts throttle. */
  onProgress?: ProgressListener;
  /** One event per path as it starts, ends, fails or turns out to be a conflict. */
  onEvent?(event: SyncEvent): void;
  /** Clock for conflict names (tests). */
  now?(): Date;
}

/** A step found the path changed since the scan: reported as a conflict, nothing overwritten. */
class ChangedSinceScan extends Error {}

export const DEFAULT_APPLY_CONCURRENCY = 8;

export async function applyPlan(deps: ApplyDeps, plan: SyncPlan, o: ApplyOptions): Promise<ApplyResult> {
  const run = new Applier(deps, plan, o);
  return run.all();
}

class Applier {
  private readonly root: string;
  private readonly space;
  private readonly result: ApplyResult = { done: 0, failed: [], conflicts: [], trashed: [], bytesUp: 0, bytesDown: 0 };
  private readonly remoteFolders = new Map<string, Promise<string>>();
  private readonly dirs: SafeDirs;
  private readonly staging: string;

  constructor(private readonly deps: ApplyDeps, private readonly plan: SyncPlan, private readonly o: ApplyOptions) {
    this.root = plan.link.localRoot;
    this.space = plan.link.space;
    this.dirs = new SafeDirs(this.root);
    this.staging = path.join(this.root, STAGING_DIR);
    for (const [p, id] of plan.folders) this.remoteFolders.set(p, Promise.resolve(id));
  }

  async all(): Promise<ApplyResult> {
    const moves = this.plan.actions.filter((a) => a.kind === 'moveRemote' || a.kind === 'moveLocal');
    const transfers = this.plan.actions.filter((a) => !['moveRemote', 'moveLocal', 'recycleRemote', 'trashLocal'].includes(a.kind));
    const recycles = this.plan.actions.filter((a) => a.kind === 'recycleRemote');
    const trashes = this.plan.actions.filter((a) => a.kind === 'trashLocal');
    for (const a of moves) await this.step(a);
    await runPool(transfers.map((a) => () => this.step(a)), this.o.concurrency ?? DEFAULT_APPLY_CONCURRENCY, this.o.signal);
    await this.recycle(recycles);
    for (const a of trashes) await this.step(a);
    await rm(this.staging, { recursive: true, force: true }).catch(() => undefined);
    return this.result;
  }

  /** One action with its events; a failure is this path's alone (cancellation stops the run). */
  private async step(a: SyncAction): Promise<void> {
    this.o.onEvent?.({ kind: 'start', action: a });
    try {
      const detail = await this.perform(a);
      this.result.done++;
      this.o.onEvent?.({ kind: 'done', action: a, detail });
    } catch (e) {
      if (isCancellation(e)) throw e;
      if (e instanceof ChangedSinceScan || KooDriveError.is(e, 'Conflict') || KooDriveError.is(e, 'RemoteChanged')) {
        this.result.conflicts.push(a.path);
        this.o.onEvent?.({ kind: 'conflict', path: a.path, why: (e as Error).message });
        return;
      }
      const message = this.redact((e as Error).message ?? String(e));
      this.result.failed.push({ path: a.path, message });
      this.o.onEvent?.({ kind: 'failed', action: a, error: e as Error });
    }
  }

  private async perform(a: SyncAction): Promise<string | undefined> {
    switch (a.kind) {
      case 'record':
        return this.record(a.path);
      case 'forget':
        await this.forget(a.path);
        return undefined;
      case 'upload':
        return this.upload(a.path, this.local(a.path), a.path);
      case 'uploadRevision':
        return this.uploadRevision(a.path, this.base(a.path).sha256, this.base(a.path).fileId);
      case 'download':
        return this.download(a.path, this.plan.local.get(a.path));
      case 'trashLocal':
        return this.trashLocal(a.path);
      case 'moveRemote':
        return this.moveRemote(a.from, a.path);
      case 'moveLocal':
        return this.moveLocal(a.from, a.path);
      case 'resolve':
        return this.resolve(a.path, a.resolution);
      case 'recycleRemote':
        throw new Error('recycleRemote runs in a batch');
    }
  }

  // ---- base -------------------------------------------------------------

  private async put(p: string, e: BaseEntry): Promise<void> {
    this.o.base.set(p, e);
    await this.o.journal.put(p, e);
  }

  private async forget(p: string): Promise<void> {
    this.o.base.delete(p);
    await this.o.journal.remove(p);
  }

  private async record(p: string): Promise<string> {
    const l = this.local(p);
    const r = this.remote(p);
    await this.put(p, { size: l.size, mtimeMs: l.mtimeMs, ino: l.ino, sha256: l.sha256, fileId: r.fileId, remoteModified: r.modifiedTime, remoteVersion: this.o.base.get(p)?.remoteVersion });
    return 'same on both sides';
  }

  // ---- push -------------------------------------------------------------

  /** A new remote file at `remotePath` from the local file `localPath` (the same path except for keep-both). */
  private async upload(localPath: string, scanned: LocalFile, remotePath: string): Promise<string> {
    const slash = remotePath.lastIndexOf('/');
    const parentId = await this.remoteFolder(slash < 0 ? '' : remotePath.slice(0, slash));
    // 'fail': a file of that name that appeared on KooDrive since the scan is a conflict, not a duplicate.
    const r = await uploadFile(this.uploadDeps(), this.abs(localPath), { kind: 'file', space: this.space, parentFolderId: parentId, fileName: remotePath.slice(slash + 1), conflict: 'fail' }, {
      signal: this.o.signal, onProgress: this.o.onProgress,
    });
    await this.recordPushed(remotePath, localPath, scanned, r);
    return r.rapidUpload ? 'uploaded (flash upload, no bytes sent)' : 'uploaded';
  }

  /** A new revision of `fileId`, only if KooDrive still has `expectedSha256` (the base's, or the scanned remote's for a conflict). */
  private async uploadRevision(p: string, expectedSha256: string | undefined, fileId: string): Promise<string> {
    const scanned = this.local(p);
    const now = await this.deps.client.getFileDetail(this.space, fileId, { signal: this.o.signal }).catch((e: unknown) => {
      if (KooDriveError.is(e, 'NotFound')) throw new ChangedSinceScan(`${p} was deleted on KooDrive since the scan`);
      throw e;
    });
    if (expectedSha256 === undefined || now.sha256 !== expectedSha256) {
      throw new ChangedSinceScan(`${p} changed on KooDrive since the scan; not overwritten`);
    }
    const r = await uploadFile(this.uploadDeps(), this.abs(p), { kind: 'revision', space: this.space, fileId }, { signal: this.o.signal, onProgress: this.o.onProgress });
    await this.recordPushed(p, p, scanned, r);
    return r.rapidUpload ? 'new version (flash upload)' : 'new version';
  }

  /** Writes the base after a push, if what was sent is what was scanned and the local file has not moved since. */
  private async recordPushed(remotePath: string, localPath: string, scanned: LocalFile, r: UploadResult): Promise<void> {
    if (!r.rapidUpload) this.result.bytesUp += r.size;
    const st = await lstatOrUndefined(this.abs(localPath));
    if (r.sha256 !== scanned.sha256 || !st || !sameStat(st, scanned)) {
      // KooDrive has what was read; the next run sees local ≠ base and decides again.
      throw new ChangedSinceScan(`${localPath} changed while it was uploaded; run the sync again`);
    }
    await this.put(remotePath, { size: scanned.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: r.sha256, fileId: r.fileId, remoteVersion: r.revision?.version });
  }

  private async remoteFolder(rel: string): Promise<string> {
    let pending = this.remoteFolders.get(rel);
    if (!pending) {
      pending = (async () => {
        const slash = rel.lastIndexOf('/');
        const parentId = await this.remoteFolder(slash < 0 ? '' : rel.slice(0, slash));
        const made = await this.deps.client.createFolder(this.space, parentId, rel.slice(slash + 1), { renameMode: 3, signal: this.o.signal });
        return made.id;
      })();
      this.remoteFolders.set(rel, pending);
      pending.catch(() => this.remoteFolders.get(rel) === pending && this.remoteFolders.delete(rel));
    }
    return pending;
  }

  private async recycle(actions: SyncAction[]): Promise<void> {
    if (actions.length === 0) return;
    const ready: Array<{ a: SyncAction; b: BaseEntry }> = [];
    for (const a of actions) {
      this.o.onEvent?.({ kind: 'start', action: a });
      const b = this.base(a.path);
      try {
        // Deleted locally still? An edit on KooDrive since the scan? Then it is not deleted (an edit beats a delete).
        if (await lstatOrUndefined(this.abs(a.path))) throw new ChangedSinceScan(`${a.path} is back locally; not deleted on KooDrive`);
        const now = await this.deps.client.getFileDetail(this.space, b.fileId, { signal: this.o.signal });
        if (now.sha256 !== b.sha256) throw new ChangedSinceScan(`${a.path} changed on KooDrive since the scan; not deleted`);
        ready.push({ a, b });
      } catch (e) {
        if (isCancellation(e)) throw e;
        if (KooDriveError.is(e, 'NotFound')) {
          await this.forget(a.path);
          this.result.done++;
          this.o.onEvent?.({ kind: 'done', action: a, detail: 'already gone from KooDrive' });
          continue;
        }
        this.report(a, e);
      }
    }
    if (ready.length === 0) return;
    const outcome = await recycleItems(this.deps.client, this.space, ready.map((r) => ({ fileId: r.b.fileId, name: r.a.path })), { signal: this.o.signal });
    const byId = new Map(outcome.items.map((i) => [i.fileId, i]));
    for (const { a, b } of ready) {
      const item = byId.get(b.fileId);
      if (item?.ok) {
        await this.forget(a.path);
        this.result.done++;
        this.o.onEvent?.({ kind: 'done', action: a, detail: 'moved to the KooDrive recycle bin' });
      } else {
        this.report(a, new KooDriveError(item?.errorCode ?? 'ApiError', item?.reason ?? 'not moved to the recycle bin', { subject: a.path }));
      }
    }
  }

  private async moveRemote(from: string, to: string): Promise<string> {
    const b = this.base(from);
    const scanned = this.local(to);
    const r = this.remote(from);
    const slash = to.lastIndexOf('/');
    const newName = to.slice(slash + 1);
    const parentId = await this.remoteFolder(slash < 0 ? '' : to.slice(0, slash));
    if (newName !== from.slice(from.lastIndexOf('/') + 1)) {
      await this.deps.client.renameFile(this.space, b.fileId, newName, { renameMode: 3, signal: this.o.signal });
    }
    if (parentId !== r.parentId) {
      const out = await moveItems(this.deps.client, this.space, [{ fileId: b.fileId, name: to }], { space: this.space, folderId: parentId }, { signal: this.o.signal });
      const item = out.items[0];
      if (!item?.ok) throw new KooDriveError(item?.errorCode ?? 'ApiError', item?.reason ?? `moving ${from} on KooDrive failed`, { subject: to });
    }
    await this.forget(from);
    await this.put(to, { ...b, size: scanned.size, mtimeMs: scanned.mtimeMs, ino: scanned.ino });
    return `moved from ${from} on KooDrive`;
  }

  // ---- pull -------------------------------------------------------------

  /**
   * Downloads the remote file of `p` (verified, into a staging folder on the
   * same volume), then puts it in place only if the local path is still what
   * the scan saw (`expected`; undefined = nothing there).
   */
  private async download(p: string, expected: LocalFile | undefined, beforePlace?: () => Promise<void>): Promise<string> {
    const r = this.remote(p);
    const staged = await this.fetch(r);
    const target = this.abs(p);
    const segments = p.split('/');
    await this.dirs.ensure(segments.slice(0, -1));
    await this.checkUnchanged(p, expected);
    await beforePlace?.();
    await rename(staged.file, target);
    const st = await lstat(target);
    await this.put(p, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: staged.sha256, fileId: r.fileId, remoteModified: r.modifiedTime });
    return 'downloaded';
  }

  private async fetch(r: RemoteFile): Promise<{ file: string; sha256: string }> {
    const dir = path.join(this.staging, r.fileId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80));
    const item: DriveItem = { id: r.fileId, name: 'file', isFolder: false, fileType: '', size: r.size, sha256: r.sha256, modifiedTime: r.modifiedTime };
    const summary = await downloadFiles({ client: this.deps.client, dispatcher: this.deps.dispatcher, logger: this.deps.logger, redact: this.deps.redact }, this.space, [item], {
      targetDir: dir, conflict: 'overwrite', concurrency: 1, signal: this.o.signal, onProgress: this.o.onProgress && ((e) => this.o.onProgress!({ ...e, subject: r.path })),
    });
    const f = summary.files[0];
    if (!f || f.status !== 'downloaded' || !f.localPath || !f.sha256) throw f?.error ?? new KooDriveError('ApiError', `${r.path} was not downloaded`, { subject: r.path });
    // Verified against KooDrive's sha256 by the engine; without one, the hash is what we record.
    if (r.sha256 && f.sha256 !== r.sha256) throw new KooDriveError('IntegrityFailed', `${r.path}: downloaded content does not match KooDrive's sha256`, { subject: r.path });
    this.result.bytesDown += f.size;
    return { file: f.localPath, sha256: f.sha256 };
  }

  /** The local path must be as scanned (or still absent): otherwise someone wrote it meanwhile. */
  private async checkUnchanged(p: string, expected: LocalFile | undefined): Promise<void> {
    const st = await lstatOrUndefined(this.abs(p));
    if (!expected && st) throw new ChangedSinceScan(`${p} appeared locally since the scan; not replaced`);
    if (expected && (!st || !sameStat(st, expected))) throw new ChangedSinceScan(`${p} changed locally since the scan; not replaced`);
  }

  private async trashLocal(p: string): Promise<string> {
    const scanned = this.local(p);
    await this.checkUnchanged(p, scanned);
    const where = await this.deps.trash.trash(this.abs(p), p);
    this.result.trashed.push({ path: p, where });
    this.o.onEvent?.({ kind: 'trashed', path: p, where });
    await this.forget(p);
    await this.removeEmptyFolders(p);
    return `moved to ${where}`;
  }

  /** Folders emptied by a remote delete go too, unless KooDrive still has them. */
  private async removeEmptyFolders(p: string): Promise<void> {
    for (let dir = path.posix.dirname(p); dir !== '.' && dir !== ''; dir = path.posix.dirname(dir)) {
      if (this.plan.folders.has(dir)) return;
      try {
        await rmdir(this.abs(dir));
      } catch {
        return; // not empty (or not ours to remove)
      }
    }
  }

  private async moveLocal(from: string, to: string): Promise<string> {
    const scanned = this.local(from);
    const r = this.remote(to);
    await this.checkUnchanged(from, scanned);
    await this.checkUnchanged(to, undefined);
    await this.dirs.ensure(to.split('/').slice(0, -1));
    await rename(this.abs(from), this.abs(to));
    const st = await lstat(this.abs(to));
    await this.forget(from);
    await this.put(to, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: scanned.sha256, fileId: r.fileId, remoteModified: r.modifiedTime });
    await this.removeEmptyFolders(from);
    return `moved from ${from}`;
  }

  // ---- conflicts ----------------------------------------------------------

  private async resolve(p: string, resolution: 'local' | 'remote' | 'keep-both'): Promise<string> {
    const r = this.remote(p);
    const l = this.local(p);
    if (resolution === 'local') {
      // KooDrive keeps the replaced content in the file's history.
      return this.uploadRevision(p, r.sha256, r.fileId).then(() => 'kept local (KooDrive keeps the other version in its history)');
    }
    if (resolution === 'remote') {
      await this.download(p, l, async () => {
        const where = await this.deps.trash.trash(this.abs(p), p);
        this.result.trashed.push({ path: p, where });
        this.o.onEvent?.({ kind: 'trashed', path: p, where });
      });
      return 'kept remote (the local version is in the trash)';
    }
    // keep-both: the local file moves aside under a conflict name and goes up under it; the remote one comes down to the original name.
    await this.checkUnchanged(p, l);
    let aside = conflictPath(p, this.now());
    for (let n = 1; (await lstatOrUndefined(this.abs(aside))) || this.plan.remote.has(aside); n++) aside = conflictPath(p, this.now(), n);
    await rename(this.abs(p), this.abs(aside));
    const st = await lstat(this.abs(aside));
    const moved: LocalFile = { ...l, path: aside, mtimeMs: st.mtimeMs, ino: st.ino };
    await this.upload(aside, moved, aside);
    await this.download(p, undefined);
    return `kept both (local copy: ${aside})`;
  }

  // ---- helpers --------------------------------------------------------------

  private report(a: SyncAction, e: unknown): void {
    if (e instanceof ChangedSinceScan || KooDriveError.is(e, 'Conflict') || KooDriveError.is(e, 'RemoteChanged')) {
      this.result.conflicts.push(a.path);
      this.o.onEvent?.({ kind: 'conflict', path: a.path, why: (e as Error).message });
      return;
    }
    this.result.failed.push({ path: a.path, message: this.redact((e as Error).message ?? String(e)) });
    this.o.onEvent?.({ kind: 'failed', action: a, error: e as Error });
  }

  private redact(text: string): string {
    return this.deps.redact ? this.deps.redact(text) : text;
  }

  private uploadDeps() {
    return { client: this.deps.client, dispatcher: this.deps.dispatcher, hasher: this.deps.hasher, resumeStore: this.deps.resumeStore, logger: this.deps.logger };
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  private abs(p: string): string {
    return resolveInside(this.root, p.split('/'));
  }

  private local(p: string): LocalFile {
    const l = this.plan.local.get(p);
    if (!l) throw new Error(`internal: no scanned local file for ${p}`);
    return l;
  }

  private remote(p: string): RemoteFile {
    const r = this.plan.remote.get(p);
    if (!r) throw new Error(`internal: no remote file for ${p}`);
    return r;
  }

  private base(p: string): BaseEntry {
    const b = this.o.base.get(p);
    if (!b) throw new Error(`internal: no base entry for ${p}`);
    return b;
  }
}

function sameStat(st: Stats, f: Pick<LocalFile, 'size' | 'mtimeMs' | 'ino'>): boolean {
  return st.isFile() && st.size === f.size && st.mtimeMs === f.mtimeMs && st.ino === f.ino;
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

