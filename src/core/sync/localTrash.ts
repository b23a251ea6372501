/**
 * The CLI's local trash: a file a sync takes away locally is moved, never
 * unlinked, into `<state dir>/sync/trash/<linkId>/<run time>/<relative path>`.
 * The extension injects its own LocalTrash (the OS trash).
 */
import { copyFile, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { LocalTrash } from './syncTypes';

/** `runTime` names the run's folder; one folder per run keeps versions of one path apart. */
export function folderTrash(stateDir: string, linkId: string, runTime: Date = new Date()): LocalTrash & { dir: string } {
  const stamp = runTime.toISOString().replace(/[:.]/g, '-');
  const dir = path.join(stateDir, 'sync', 'trash', linkId, stamp);
  return {
    dir,
    async trash(absPath, relPath) {
      let dest = path.join(dir, ...relPath.split('/'));
      await mkdir(path.dirname(dest), { recursive: true });
      // The same path twice in one run (keep-both, then a pull): keep both copies.
      for (let n = 1; await exists(dest); n++) dest = `${path.join(dir, ...relPath.split('/'))}.${n}`;
      try {
        await rename(absPath, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        // State dir on another volume: copy, then remove the original.
        await copyFile(absPath, dest);
        await unlink(absPath);
      }
      return dest;
    },
  };
}

function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}
