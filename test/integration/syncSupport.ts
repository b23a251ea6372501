/**
 * What the sync integration tests share: the two trees as {path: content}
 * (KooDrive's from the sandbox's store, the local one from disk), and a core
 * sync context over the test world's real client and hash pool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHashFile } from '../../src/core/sync/hashFilePort';
import { folderTrash } from '../../src/core/sync/localTrash';
import { syncFolder, type SyncContext, type SyncOptions } from '../../src/core/sync/syncRun';
import { linkIdFor } from '../../src/core/sync/syncState';
import type { Sandbox } from '../../src/sandbox/server';
import type { World } from './helpers';

/** Every file below `folderId` (not in the recycle bin): relative path → content. */
export function remoteContents(sb: Sandbox, containerId: string, folderId: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of sb.store.listChildren(containerId, folderId)) {
    const p = prefix ? `${prefix}/${f.name}` : f.name;
    if (f.kind === 'folder') Object.assign(out, remoteContents(sb, containerId, f.id, p));
    else out[p] = sb.store.readContent(f.id).toString('utf8');
  }
  return out;
}

/** Every file below `dir`: relative path → content. */
export function localContents(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const p = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, localContents(dir, p));
    else out[p] = fs.readFileSync(path.join(dir, p), 'utf8');
  }
  return out;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
}

export function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function syncContext(w: World, stateDir: string): SyncContext {
  return { stateDir, client: w.drive.client, hashFile: makeHashFile(w.hasher) };
}

export function runSync(w: World, stateDir: string, localDir: string, o: SyncOptions = {}): ReturnType<typeof syncFolder> {
  const trash = folderTrash(stateDir, linkIdFor(fs.realpathSync(localDir)));
  return syncFolder(syncContext(w, stateDir), { dispatcher: w.drive.dispatcher, hasher: w.hasher, trash }, localDir, o);
}

/** Requests that change something on KooDrive (creates, parts, completes, jobs, renames, folders, revisions). */
export function changingRequests(sb: Sandbox, sinceSeq = 0): string[] {
  return sb.requests
    .filter((r) => r.seq > sinceSeq)
    .filter((r) => r.method === 'PUT' || /\/files\/create|\/complete|\/multipart|\/directory|\/jobs|\/rename|\/revision\/(create|complete|restore|update|delete)/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);
}
