/**
 * Uploads a local folder: recreates its tree under a remote folder (merging
 * into folders that already exist), then uploads the files several at a time.
 * One failing file does not stop the others; the summary says what happened
 * to each.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import { throwIfAborted } from '../cancellation';
import { isCancellation, KooDriveError } from '../errors';
import { IgnoreMatcher } from './ignoreRules';
import { LocalEntry, SkippedEntry, walkLocalTree } from './localTree';
import { ConflictPolicy, uploadFile, UploadDeps, UploadOptions, UploadResult } from './uploadFile';

export interface FolderUploadOptions extends UploadOptions {
  conflict: ConflictPolicy;
  /** .gitignore-style patterns, relative to the uploaded folder. */
  exclude?: string[];
  /** Also honour the folder's own top-level .gitignore. Default true. */
  useGitignore?: boolean;
  /** Files in flight at once. */
  fileConcurrency?: number;
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
  let ignore = IgnoreMatcher.from(['.git/', ...(opts.exclude ?? [])]);
  if (opts.useGitignore !== false) {
    const gitignore = await readFile(path.join(root, '.gitignore'), 'utf8').catch(() => undefined);
    if (gitignore) ignore = ignore.with(gitignore.split('\n'));
  }
  const tree = await walkLocalTree(root, ignore, opts.signal);

  const folders = new RemoteFolders(deps.client, target.space, opts.signal);
  const top = await folders.ensure(target.parentFolderId, path.basename(root));
  const remoteIdOf = new Map<string, string>([['', top.id]]);
  for (const e of tree.entries) {
    if (e.kind !== 'dir') continue;
    const parentRel = posixDirname(e.relPath);
    const parentId = remoteIdOf.get(parentRel);
    if (!parentId) continue; // its parent could not be created: already reported
    const f = await folders.ensure(parentId, path.posix.basename(e.relPath));
    remoteIdOf.set(e.relPath, f.id);
  }

  const files = tree.entries.filter((e) => e.kind === 'file');
  const outcomes: FileOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      throwIfAborted(opts.signal);
      const entry = files[next++];
      opts.onFileStart?.(entry);
      const outcome = await uploadOne(deps, entry, remoteIdOf.get(posixDirname(entry.relPath)) ?? top.id, target.space, opts);
      outcomes.push(outcome);
      opts.onFileDone?.(outcome);
    }
  };
  const n = Math.max(1, Math.min(opts.fileConcurrency ?? DEFAULT_FILE_CONCURRENCY, files.length));
  await Promise.all(Array.from({ length: n }, worker));
  throwIfAborted(opts.signal);

  outcomes.sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  return {
    localPath: root, remoteFolderId: top.id, remoteFolderName: top.name, files: outcomes, skipped: tree.skipped,
    foldersCreated: folders.created, bytesTotal: files.reduce((s, f) => s + f.size, 0),
  };
}

async function uploadOne(deps: UploadDeps, entry: LocalEntry, parentId: string, space: SpaceRef, opts: FolderUploadOptions): Promise<FileOutcome> {
  try {
    const result = await uploadFile(deps, entry.absPath, { kind: 'file', space, parentFolderId: parentId, conflict: opts.conflict }, opts);
    return { status: 'uploaded', relPath: entry.relPath, result };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const error = KooDriveError.is(e) ? e : new KooDriveError('ApiError', String((e as Error)?.message ?? e), { cause: e });
    deps.logger?.warn(`Upload of ${entry.absPath} failed: ${error.message}`);
    return { status: 'failed', relPath: entry.relPath, localPath: entry.absPath, error };
  }
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
