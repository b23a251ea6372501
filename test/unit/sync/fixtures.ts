/** Small builders for the sync unit tests: one local file, one remote file, one base entry, a scan and a tree. */
import type { Base, BaseEntry, LocalFile, LocalScan, RemoteFile, RemoteTree, SyncLink } from '../../../src/core/sync/syncTypes';

export const sha = (c: string): string => c.repeat(64).slice(0, 64);

export function L(path: string, content: string, extra: Partial<LocalFile> = {}): LocalFile {
  return { path, size: 10, mtimeMs: 1000, ino: 1, sha256: sha(content), ...extra };
}

export function R(path: string, content: string | undefined, extra: Partial<RemoteFile> = {}): RemoteFile {
  return { path, fileId: `F-${path}`, parentId: 'root', size: 10, sha256: content === undefined ? undefined : sha(content), modifiedTime: 't1', ...extra };
}

export function B(path: string, content: string, extra: Partial<BaseEntry> = {}): BaseEntry {
  return { size: 10, mtimeMs: 1000, ino: 1, sha256: sha(content), fileId: `F-${path}`, remoteModified: 't1', ...extra };
}

export const link: SyncLink = { id: 'l1', localRoot: '/tmp/x', containerId: 'c', folderId: 'root', remotePath: '/x', space: { containerId: 'c' }, linkedAt: 't' };

export function scanOf(files: LocalFile[], extra: Partial<LocalScan> = {}): LocalScan {
  return {
    files: new Map(files.map((f) => [f.path, f])), excludedBasePaths: new Set(), unreadableDirs: [], notices: [], hashed: 0, hashedBytes: 0,
    caseInsensitive: false, isExcluded: () => false, ...extra,
  };
}

export function treeOf(files: RemoteFile[], extra: Partial<RemoteTree> = {}): RemoteTree {
  return { files: new Map(files.map((f) => [f.path, f])), folders: new Map([['', 'root']]), complete: true, failures: [], notices: [], pages: 1, ...extra };
}

export function baseOf(entries: Array<[string, BaseEntry]>): Base {
  return new Map(entries);
}
