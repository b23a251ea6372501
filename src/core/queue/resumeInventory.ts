/**
 * What can be resumed, found in a state directory (`uploads/` = the upload
 * engine's resume store, `downloads/` = notes of unfinished downloads):
 * listed by `koodrive transfers`, cleared by `koodrive transfers clear`,
 * and pruned when an upload's state is older than the service's upload
 * lifetime (its upload task is gone by then: resuming would start over anyway).
 */
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger, silentLogger } from '../logger';
import { isPartialName } from '../bytes/localNames';
import { ResumeStore } from '../upload/resumeStore';
import { DownloadRecords } from './downloadRecords';

/**
 * How long the service keeps an unfinished upload task. The API documents
 * no lifetime (only the 1 h of presigned URLs), so this is our conservative
 * assumption, matching our sandbox: after 7 days the task is taken as gone.
 */
export const UPLOAD_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface ResumableUpload {
  kind: 'upload';
  localPath: string;
  fileName: string;
  containerId: string;
  size: number;
  partsDone: number;
  partsTotal: number;
  bytesDone: number;
  createdAt: number;
  /** Why it can no longer be resumed (it would start over), if so. */
  stale?: string;
  stateFile: string;
}

export interface ResumableDownload {
  kind: 'download';
  targetDir: string;
  containerId: string;
  items: Array<{ fileId: string; name: string }>;
  /** Unfinished files (`.koodrive-partial`) found under targetDir. */
  partials: Array<{ path: string; bytes: number }>;
  createdAt: number;
  stale?: string;
  stateFile: string;
}

export type Resumable = ResumableUpload | ResumableDownload;

/** How many directory entries a listing looks at under one download folder, so a huge tree cannot stall it. */
const PARTIAL_SCAN_LIMIT = 50_000;

export function stateStores(stateDir: string): { uploads: ResumeStore; downloads: DownloadRecords } {
  return { uploads: new ResumeStore(path.join(stateDir, 'uploads')), downloads: new DownloadRecords(path.join(stateDir, 'downloads')) };
}

export async function listResumable(stateDir: string, o: { now?: number; lifetimeMs?: number } = {}): Promise<Resumable[]> {
  const now = o.now ?? Date.now();
  const lifetime = o.lifetimeMs ?? UPLOAD_LIFETIME_MS;
  const { uploads, downloads } = stateStores(stateDir);
  const out: Resumable[] = [];
  for (const { file, state } of await uploads.list()) {
    if (!state) {
      out.push({ kind: 'upload', localPath: '', fileName: '', containerId: '', size: 0, partsDone: 0, partsTotal: 0, bytesDone: 0, createdAt: 0, stale: 'unreadable state file', stateFile: file });
      continue;
    }
    const partsTotal = state.size === 0 ? 1 : Math.ceil(state.size / state.partSize);
    const lastPart = partsTotal;
    const bytesDone = state.partsDone.reduce((n, p) => n + (p === lastPart ? state.size - (lastPart - 1) * state.partSize : state.partSize), 0);
    let stale: string | undefined;
    if (now - state.createdAt > lifetime) stale = 'older than the upload lifetime';
    else {
      const st = await stat(state.localPath).catch(() => undefined);
      if (!st) stale = 'the local file is gone';
      else if (st.size !== state.size || st.mtimeMs !== state.mtimeMs) stale = 'the local file changed';
    }
    out.push({
      kind: 'upload', localPath: state.localPath, fileName: state.fileName, containerId: state.containerId, size: state.size,
      partsDone: state.partsDone.length, partsTotal, bytesDone, createdAt: state.createdAt, stale, stateFile: file,
    });
  }
  for (const { file, record } of await downloads.list()) {
    if (!record) {
      out.push({ kind: 'download', targetDir: '', containerId: '', items: [], partials: [], createdAt: 0, stale: 'unreadable state file', stateFile: file });
      continue;
    }
    const partials = await findPartials(record.targetDir);
    out.push({
      kind: 'download', targetDir: record.targetDir, containerId: record.containerId, items: record.items, partials, createdAt: record.createdAt,
      stale: partials.length === 0 ? 'no unfinished files left' : undefined, stateFile: file,
    });
  }
  return out;
}

/**
 * `all`: every entry, and the partial files of downloads; otherwise only the
 * entries that can no longer be resumed. Returns what was removed.
 */
export async function clearResumable(stateDir: string, o: { all?: boolean; now?: number; lifetimeMs?: number } = {}): Promise<Resumable[]> {
  const { uploads, downloads } = stateStores(stateDir);
  const removed: Resumable[] = [];
  for (const r of await listResumable(stateDir, o)) {
    if (!o.all && !r.stale) continue;
    if (r.kind === 'upload') await uploads.removeFile(r.stateFile);
    else {
      for (const p of r.partials) await rm(p.path, { force: true });
      await downloads.removeFile(r.stateFile);
    }
    removed.push(r);
  }
  return removed;
}

/** Removes upload states older than the upload lifetime, with a log line for each. */
export async function pruneExpiredUploads(store: ResumeStore, o: { now?: number; lifetimeMs?: number; logger?: Logger } = {}): Promise<number> {
  const now = o.now ?? Date.now();
  const lifetime = o.lifetimeMs ?? UPLOAD_LIFETIME_MS;
  const logger = o.logger ?? silentLogger;
  let n = 0;
  for (const { file, state } of await store.list()) {
    if (!state || now - state.createdAt <= lifetime) continue;
    await store.removeFile(file);
    n++;
    const days = Math.floor((now - state.createdAt) / (24 * 3600 * 1000));
    logger.info(`Pruned the resume state of ${state.localPath} (started ${days} day(s) ago, older than the upload lifetime of ${Math.round(lifetime / 3600_000)} h): uploading it again starts over`);
  }
  return n;
}

export async function findPartials(root: string): Promise<Array<{ path: string; bytes: number }>> {
  const found: Array<{ path: string; bytes: number }> = [];
  let budget = PARTIAL_SCAN_LIMIT;
  const visit = async (dir: string): Promise<void> => {
    let children: Dirent[];
    try {
      children = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of children) {
      if (--budget < 0) return;
      const p = path.join(dir, d.name);
      if (d.isDirectory()) await visit(p);
      else if (d.isFile() && isPartialName(d.name)) {
        const st = await stat(p).catch(() => undefined);
        if (st) found.push({ path: p, bytes: st.size });
      }
    }
  };
  await visit(root);
  return found;
}
