/**
 * Cancel = forget: the resume state of a cancelled upload and the partial
 * files of a cancelled download are removed, so nothing resumes them later
 * and no hidden temp files are left behind.
 */
import { rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isInside, partialName, toLocalName } from '../bytes/localNames';
import type { ResumeState, ResumeStore } from '../upload/resumeStore';
import { findPartials } from './resumeInventory';

/**
 * Removes the resume state of every file that is one of `paths` or inside one
 * of them, uploaded to `destination` (a folder id) in `containerId`. Returns how many.
 */
export async function discardUploadState(store: ResumeStore, paths: readonly string[], containerId: string, destination?: string): Promise<number> {
  const roots = paths.map((p) => path.resolve(p));
  let n = 0;
  for (const { file, state } of await store.list()) {
    if (!state || state.containerId !== containerId || !goesTo(state, destination)) continue;
    const local = path.resolve(state.localPath);
    if (roots.some((r) => r === local || isInside(r, local))) {
      await store.removeFile(file);
      n++;
    }
  }
  return n;
}

/**
 * Removes the `.koodrive-partial` files a download of `items` into `targetDir`
 * left: a file's own temp file, and every temp file under a folder's local copy.
 */
export async function discardDownloadPartials(targetDir: string, items: ReadonlyArray<{ id: string; name: string; isFolder: boolean }>): Promise<number> {
  const found = await downloadPartials(targetDir, items);
  for (const p of found) await rm(p.path, { force: true });
  return found.length;
}

/** The `.koodrive-partial` files a download of `items` into `targetDir` has left (a file's own, all under a folder's local copy). */
export async function downloadPartials(targetDir: string, items: ReadonlyArray<{ id: string; name: string; isFolder: boolean }>): Promise<Array<{ path: string; bytes: number }>> {
  const out: Array<{ path: string; bytes: number }> = [];
  for (const item of items) {
    let local: string;
    try {
      local = toLocalName(item.name);
    } catch {
      continue; // no local name was ever made for it, so no temp file either
    }
    if (item.isFolder) {
      out.push(...(await findPartials(path.join(targetDir, local))));
    } else {
      const p = path.join(targetDir, partialName(local, item.id));
      const st = await stat(p).catch(() => undefined);
      if (st?.isFile()) out.push({ path: p, bytes: st.size });
    }
  }
  return out;
}

/** Bytes the upload engine recorded as sent for unfinished files that are one of `paths` or inside them, uploaded to `destination`. */
export async function uploadStateBytes(store: ResumeStore, paths: readonly string[], containerId: string, destination?: string): Promise<number> {
  const roots = paths.map((p) => path.resolve(p));
  let bytes = 0;
  for (const { state } of await store.list()) {
    if (!state || state.containerId !== containerId || !goesTo(state, destination)) continue;
    const local = path.resolve(state.localPath);
    if (!roots.some((r) => r === local || isInside(r, local))) continue;
    const parts = Math.max(1, Math.ceil(state.size / state.partSize));
    for (const n of state.partsDone) bytes += n === parts ? state.size - (parts - 1) * state.partSize : state.partSize;
  }
  return bytes;
}

/**
 * Whether the state belongs to an upload into `destination`. State written
 * before the destination was recorded: a loose file's target names its
 * folder; a file in a subfolder cannot be told apart and is left alone (it
 * expires with the upload lifetime) rather than forgetting another run's.
 */
function goesTo(state: ResumeState, destination: string | undefined): boolean {
  if (destination === undefined) return true;
  if (state.destination !== undefined) return state.destination === destination;
  return state.kind === 'file' && state.target.startsWith(`${destination}/`);
}
