/**
 * Uploads a local folder: recreates its tree under a remote folder (merging
 * into folders that already exist), then uploads the files several at a time.
 * One failing file does not stop the others; the summary says what happened
 * to each. Two things do stop the whole folder: cancellation, and the
 * session expiring (AuthRequired), which every later file would meet too —
 * the files in flight keep their resume state, so running the same upload
 * again after signing in continues them.
 *
 * Before any request, the whole tree is checked: names KooDrive refuses and
 * files it cannot take (over 200 GB, or too many parts for the chosen part
 * size) fail on their own, without a request, and a folder with such a name
 * is not created (its files fail with the reason). Our own working files are
 * left out: the resume-state folder, if it lies inside the uploaded folder,
 * and unfinished downloads (`.*.koodrive-partial`), which are truncated by
 * nature and must never reach the drive as if they were files.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import { throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { checkRemoteName } from '../remoteNames';
import { IgnoreMatcher } from './ignoreRules';
import { isInside, isPartialName } from '../bytes/localNames';
import { LocalEntry, LocalTree, SkippedEntry, walkLocalTree } from './localTree';
import { planParts } from './partPlan';
import { uploadFile, UploadDeps, UploadOptions, UploadResult } from './uploadFile';
import type { ConflictPolicy } from './uploadTarget';

export interface FolderUploadOptions extends UploadOptions {
  conflict: ConflictPolicy;
  /** Runs again after an interrupted run: see UploadTarget's `again`. */
  again?: boolean;
  /** .gitignore-style patterns, relative to the uploaded folder. */
  exclude?: string[];
  /** Also honour the folder's own top-level .gitignore. Default true. */
  useGitignore?: boolean;
  /** Files in flight at once. */
  fileConcurrency?: number;
  /** A scan from scanFolderForUpload (same folder and rules), so a host that showed totals first does not walk twice. */
  scanned?: LocalTree;
  /**
   * Collect every file's outcome into the summary (default true). A host that
   * takes them from onFileDone passes false, so a folder of 100 000 files does
   * not keep 100 000 results in memory.
   */
  keepOutcomes?: boolean;
  /**
   * Leave a file out (already settled in an earlier, interrupted run, or not
   * among the files being retried). Asked in walk order.
   */
  shouldUpload?(entry: LocalEntry): boolean;
  /** A slot of a shared limit on files in flight (the transfer queue); released when the file is settled. */
  acquireSlot?(): Promise<() => void>;
  onFileStart?(entry: LocalEntry): void;
  onFileDone?(outcome: FileOutcome): void;
}

export type FileOutcome =
  | { status: 'uploaded'; relPath: string; result: UploadResult }
  | { status: 'failed'; relPath: string; localPath: string; error: KooDriveError };

export interface FolderUploadSummary {
  localPath: string;
  /** The remote folder that now mirrors `localPath`. */
  remoteFolderId: string;
  remoteFolderName: string;
  files: FileOutcome[];
  skipped: SkippedEntry[];
  foldersCreated: number;
  bytesTotal: number;
}

export const DEFAULT_FILE_CONCURRENCY = 4;

export async function uploadFolder(
  deps: UploadDeps, localDir: string, target: { space: SpaceRef; parentFolderId: string }, opts: FolderUploadOptions,
): Promise<FolderUploadSummary> {
  const root = path.resolve(localDir);
  checkRemoteName(path.basename(root), root);
  const tree = opts.scanned ?? (await scanFolderForUpload(root, { ...opts, resumeStateDir: deps.resumeStore?.dir }));
  const unreadable = tree.skipped.find((k) => k.relPath === '.' && k.reason === 'unreadable');
  if (unreadable) throw new KooDriveError('LocalIo', `Cannot upload ${root}: ${unreadable.message}`, { subject: root });
  const refused = refusedEntries(tree, opts.partSize);

  const outcomes: FileOutcome[] = [];
  const report = (outcome: FileOutcome): void => {
    if (opts.keepOutcomes !== false) outcomes.push(outcome);
    opts.onFileDone?.(outcome);
  };
  const folders = new RemoteFolders(deps.client, target.space, opts.signal);
  const top = await folders.ensure(target.parentFolderId, path.basename(root));
  const remoteIdOf = new Map<string, string>([['', top.id]]);
  for (const e of tree.entries) {
    if (e.kind !== 'dir' || refused.has(e.relPath)) continue;
    const parentId = remoteIdOf.get(posixDirname(e.relPath));
    if (!parentId) continue; // below a refused folder
    const f = await folders.ensure(parentId, path.posix.basename(e.relPath));
    remoteIdOf.set(e.relPath, f.id);
  }

  // Files are taken from the scan one at a time, in walk order (no second list of 100 000 entries).
  let at = 0;
  let pending = 0;
  for (const e of tree.entries) if (e.kind === 'file') pending++;
  const nextFile = (): { entry: LocalEntry; parentId: string } | undefined => {
    while (at < tree.entries.length) {
      const entry = tree.entries[at++];
      if (entry.kind !== 'file') continue;
      pending--;
      const parentId = remoteIdOf.get(posixDirname(entry.relPath));
      const error = refused.get(entry.relPath);
      if (opts.shouldUpload && !opts.shouldUpload(entry)) continue;
      if (error || !parentId) {
        report({ status: 'failed', relPath: entry.relPath, localPath: entry.absPath, error: error ?? new KooDriveError('InvalidInput', `${entry.absPath} was not uploaded: its folder was not created`, { subject: entry.absPath }) });
        continue;
      }
      return { entry, parentId };
    }
    return undefined;
  };
  let sessionLost: KooDriveError | undefined;
  const worker = async (): Promise<void> => {
    while (pending > 0 && !sessionLost) {
      throwIfAborted(opts.signal);
      // The slot first, then the next file: files start in walk order whatever the slots' timing.
      const release = opts.acquireSlot ? await opts.acquireSlot() : undefined;
      try {
        if (sessionLost) break;
        throwIfAborted(opts.signal);
        const next = nextFile();
        if (!next) break;
        const { entry, parentId } = next;
        opts.onFileStart?.(entry);
        const outcome = await uploadOne(deps, entry, parentId, target.space, opts);
        if (outcome.status === 'failed' && outcome.error.code === 'AuthRequired') {
          // Not this file's fault: every file after it would fail the same way. Stop; the user signs in and runs it again.
          sessionLost ??= outcome.error;
          continue;
        }
        report(outcome);
      } finally {
        release?.();
      }
    }
  };
  const n = Math.max(1, Math.min(opts.fileConcurrency ?? DEFAULT_FILE_CONCURRENCY, pending));
  await Promise.all(Array.from({ length: n }, worker));
  throwIfAborted(opts.signal);
  if (sessionLost) throw sessionLost;

  outcomes.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  return {
    localPath: root, remoteFolderId: top.id, remoteFolderName: top.name, files: outcomes, skipped: tree.skipped,
    foldersCreated: folders.created, bytesTotal: tree.entries.reduce((s, e) => s + (e.kind === 'file' ? e.size : 0), 0),
  };
}

async function uploadOne(deps: UploadDeps, entry: LocalEntry, parentId: string, space: SpaceRef, opts: FolderUploadOptions): Promise<FileOutcome> {
  try {
    const result = await uploadFile(deps, entry.absPath, { kind: 'file', space, parentFolderId: parentId, conflict: opts.conflict, again: opts.again }, opts);
    return { status: 'uploaded', relPath: entry.relPath, result };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const error = KooDriveError.is(e) ? e : new KooDriveError('ApiError', String((e as Error)?.message ?? e), { cause: e });
    deps.logger?.warn(`Upload of ${entry.absPath} failed: ${error.message}`);
    return { status: 'failed', relPath: entry.relPath, localPath: entry.absPath, error };
  }
}

/**
 * Entries KooDrive cannot take, each with its reason, found before any
 * request: names it refuses (a refused folder takes its contents with it),
 * files over 200 GB, explicit part sizes that need over 10 000 parts.
 */
function refusedEntries(tree: LocalTree, partSize: number | undefined): Map<string, KooDriveError> {
  const refused = new Map<string, KooDriveError>();
  for (const e of tree.entries) {
    const parent = refused.get(posixDirname(e.relPath));
    if (parent) {
      refused.set(e.relPath, new KooDriveError('InvalidInput', `${e.absPath} was not uploaded: ${parent.message}`, { subject: e.absPath }));
      continue;
    }
    try {
      checkRemoteName(path.posix.basename(e.relPath), e.absPath);
      if (e.kind === 'file') planParts(e.size, partSize, e.absPath);
    } catch (err) {
      refused.set(e.relPath, err as KooDriveError);
    }
  }
  return refused;
}

/** Leaves out the resume-state folder (when it is inside the uploaded one) and unfinished downloads. */
/**
 * What a folder upload will send: the tree under `localDir` without `.git/`,
 * the `exclude` patterns, the folder's own `.gitignore` (unless turned off),
 * and KooDrive's own working files. Hosts call it to show totals first, then
 * pass the result to uploadFolder as `scanned`.
 */
export async function scanFolderForUpload(
  localDir: string,
  o: { exclude?: string[]; useGitignore?: boolean; resumeStateDir?: string; signal?: AbortSignal } = {},
): Promise<LocalTree> {
  const root = path.resolve(localDir);
  let ignore = IgnoreMatcher.from(['.git/', ...(o.exclude ?? [])]);
  if (o.useGitignore !== false) {
    const gitignore = await readFile(path.join(root, '.gitignore'), 'utf8').catch(() => undefined);
    if (gitignore) ignore = ignore.with(gitignore.split('\n'));
  }
  return leaveOutOwnFiles(await walkLocalTree(root, ignore, o.signal), o.resumeStateDir);
}

/** Files and bytes in a scan. */
export function scanTotals(tree: LocalTree): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of tree.entries) {
    if (e.kind !== 'file') continue;
    files++;
    bytes += e.size;
  }
  return { files, bytes };
}

function leaveOutOwnFiles(tree: LocalTree, stateDir: string | undefined): LocalTree {
  const state = stateDir ? path.resolve(stateDir) : undefined;
  const skipped = [...tree.skipped];
  const entries = tree.entries.filter((e) => {
    if (state && isInside(state, e.absPath)) {
      if (e.absPath === state) skipped.push({ relPath: e.relPath, absPath: e.absPath, reason: 'excluded', message: 'the upload resume state of KooDrive itself' });
      return false;
    }
    if (e.kind === 'file' && isPartialName(path.posix.basename(e.relPath))) {
      skipped.push({ relPath: e.relPath, absPath: e.absPath, reason: 'excluded', message: 'an unfinished KooDrive download (temporary file)' });
      return false;
    }
    return true;
  });
  return { entries, skipped };
}

function posixDirname(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** Creates remote folders, reusing one that already has the name. */
class RemoteFolders {
  created = 0;

  constructor(private readonly client: KooDriveClient, private readonly space: SpaceRef, private readonly signal?: AbortSignal) {}

  async ensure(parentId: string, name: string): Promise<{ id: string; name: string }> {
    try {
      const f = await this.client.createFolder(this.space, parentId, name, { renameMode: 3, signal: this.signal });
      this.created++;
      return { id: f.id, name: f.name };
    } catch (e) {
      if (!KooDriveError.is(e, 'Conflict')) throw e;
      const existing = await this.findChild(parentId, name);
      if (!existing) throw e;
      if (!existing.isFolder) {
        throw new KooDriveError('Conflict', `A file named "${name}" is where the folder should go`, { subject: name });
      }
      return { id: existing.id, name: existing.name };
    }
  }

  private async findChild(parentId: string, name: string): Promise<{ id: string; name: string; isFolder: boolean } | undefined> {
    for (let cursor: string | undefined; ; ) {
      const page = await this.client.listFiles(this.space, parentId, { cursor, signal: this.signal });
      const hit = page.items.find((i) => i.name === name);
      if (hit) return hit;
      if (!page.nextCursor) return undefined;
      cursor = page.nextCursor;
    }
  }
}
