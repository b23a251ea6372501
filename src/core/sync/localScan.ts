/**
 * The local side of a sync: every included regular file with its size,
 * mtime, inode and SHA-256. Symlinks are not followed (reported once), nor
 * are sockets or devices. The base is the hash cache: a file whose (size,
 * mtime, inode) equal the base's keeps the base's SHA-256 and is not read;
 * only new or changed files are hashed.
 */
import { Dirent } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { throwIfAborted } from '../cancellation';
import { remoteNameProblem } from '../remoteNames';
import { KooDriveError } from '../errors';
import { IGNORE_FILES, SyncIgnore } from './syncIgnore';
import type { Base, LocalFile, LocalScan, SyncNotice } from './syncTypes';

/** Computes a file's SHA-256 (lowercase hex); rejects if the file is not `size` bytes with mtime `mtimeMs`. */
export type HashFilePort = (absPath: string, size: number, mtimeMs: number, signal?: AbortSignal) => Promise<string>;

export interface ScanOptions {
  base: Base;
  /** Exclude patterns (gitignore syntax): the link's plus the host's. */
  exclude?: readonly string[];
  hashFile: HashFilePort;
  /** Files stat'ed or hashed at a time; default 16. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Files seen and hashed so far (for a progress line). */
  onProgress?(seen: number, hashed: number): void;
}

export async function scanLocal(root: string, o: ScanOptions): Promise<LocalScan> {
  const rootStat = await stat(root).catch((e) => {
    throw new KooDriveError('NotFound', `Cannot read the linked folder ${root}: ${(e as NodeJS.ErrnoException).code ?? e}`, { subject: root, cause: e });
  });
  if (!rootStat.isDirectory()) throw new KooDriveError('InvalidInput', `${root} is not a folder`, { subject: root });
  const ignore = new SyncIgnore(o.exclude);
  const files = new Map<string, LocalFile>();
  const notices: SyncNotice[] = [];
  const unreadableDirs: string[] = [];
  /** Paths (files or folders) left out by the walk: nothing at or under them reads as deleted. */
  const leftOut: string[] = [];
  const pending: Array<() => Promise<void>> = [];
  let hashed = 0;
  let hashedBytes = 0;

  const visit = async (dirAbs: string, dirRel: string): Promise<void> => {
    throwIfAborted(o.signal);
    let children: Dirent[];
    try {
      children = await readdir(dirAbs, { withFileTypes: true });
    } catch (e) {
      unreadableDirs.push(dirRel || '.');
      leftOut.push(dirRel);
      notices.push({ path: dirRel || '.', reason: 'unreadable', message: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    // The folder's own ignore files first: they apply to its children.
    for (const name of IGNORE_FILES) {
      if (!children.some((d) => d.name === name && d.isFile())) continue;
      const text = await readFile(path.join(dirAbs, name), 'utf8').catch(() => '');
      ignore.addFile(dirRel, text.split('\n'));
    }
    const subdirs: Array<[string, string]> = [];
    for (const d of children) {
      const rel = dirRel ? `${dirRel}/${d.name}` : d.name;
      const abs = path.join(dirAbs, d.name);
      const isDir = d.isDirectory();
      if (ignore.ignores(rel, isDir)) {
        leftOut.push(rel);
        continue;
      }
      const badName = remoteNameProblem(d.name);
      if (badName) {
        // It could never reach KooDrive: say so once, and never read its absence there as a remote delete.
        leftOut.push(rel);
        notices.push({ path: rel, reason: 'invalidName', message: `not synced: ${badName}` });
      } else if (d.isSymbolicLink()) {
        leftOut.push(rel);
        notices.push({ path: rel, reason: 'symlink', message: 'symbolic link not followed' });
      } else if (isDir) {
        subdirs.push([abs, rel]);
      } else if (d.isFile()) {
        pending.push(() => examine(abs, rel));
      } else {
        leftOut.push(rel);
        notices.push({ path: rel, reason: 'special', message: 'not a regular file (socket, device or pipe)' });
      }
    }
    for (const [abs, rel] of subdirs) await visit(abs, rel);
  };

  const examine = async (abs: string, rel: string): Promise<void> => {
    let st;
    try {
      st = await lstat(abs, { bigint: false });
    } catch (e) {
      leftOut.push(rel);
      notices.push({ path: rel, reason: 'unreadable', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    if (!st.isFile()) {
      leftOut.push(rel);
      return;
    }
    const b = o.base.get(rel);
    let sha256: string;
    if (b && b.size === st.size && b.mtimeMs === st.mtimeMs && b.ino === st.ino) {
      sha256 = b.sha256;
    } else {
      try {
        sha256 = await o.hashFile(abs, st.size, st.mtimeMs, o.signal);
        hashed++;
        hashedBytes += st.size;
      } catch (e) {
        if (KooDriveError.is(e, 'Cancelled')) throw e;
        // Being written right now, or unreadable: leave it for the next run, and do not read it as deleted.
        leftOut.push(rel);
        notices.push({ path: rel, reason: KooDriveError.is(e, 'SourceChanged') ? 'changedWhileHashing' : 'unreadable', message: (e as Error).message });
        return;
      }
    }
    files.set(rel, { path: rel, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 });
    o.onProgress?.(files.size, hashed);
  };

  await visit(root, '');
  await runPool(pending, o.concurrency ?? 16, o.signal);

  const leftOutSet = new Set(leftOut);
  const underLeftOut = (p: string): boolean => {
    if (leftOutSet.has(p) || leftOutSet.has('')) return true;
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) if (leftOutSet.has(p.slice(0, i))) return true;
    return false;
  };
  const excludedBasePaths = new Set<string>();
  for (const p of o.base.keys()) {
    if (!files.has(p) && (underLeftOut(p) || ignore.excludesPath(p))) excludedBasePaths.add(p);
  }
  return {
    files, excludedBasePaths, unreadableDirs, notices, hashed, hashedBytes,
    caseInsensitive: await isCaseInsensitive(root),
    isExcluded: (p) => underLeftOut(p) || ignore.excludesPath(p),
  };
}

/** Runs the thunks, `limit` at a time; the first error (after the running ones settle) rejects. */
export async function runPool(tasks: Array<() => Promise<void>>, limit: number, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      throwIfAborted(signal);
      const t = tasks[next++];
      try {
        await t();
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  if (failure !== undefined) throw failure;
}

/** Does the volume of `root` treat names differing only by case as one? Asks the file system, not the platform. */
export async function isCaseInsensitive(root: string): Promise<boolean> {
  const base = path.basename(root);
  const swapped = [...base].map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join('');
  if (swapped === base) return process.platform === 'darwin' || process.platform === 'win32';
  try {
    const [a, b] = await Promise.all([stat(root), stat(path.join(path.dirname(root), swapped))]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}
