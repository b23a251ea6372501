/**
 * Where a window stages `koodrive:` reads and saves in flight. Every VS Code
 * window runs its own extension host over one shared global storage folder,
 * so one `tmp` folder for all of them let a window that activates delete a
 * save that another window was uploading. Each window (extension host
 * process) now stages in `<root>/<pid>-<id>/`, with an `owner.json` naming
 * its process; at activation only the folders whose process no longer runs
 * are removed (left by a crash or a closed window).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

const OWNER = 'owner.json';

export interface WindowStaging {
  /** This window's own staging folder (created). */
  dir: string;
  /** Folders of windows that no longer run, removed at the claim. */
  removed: string[];
}

/** Creates this process's staging folder under `root` and removes those of processes that are gone. */
export async function claimWindowStaging(root: string, pid = process.pid): Promise<WindowStaging> {
  await mkdir(root, { recursive: true });
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const dir = path.join(root, name);
    const owner = await ownerOf(dir);
    if (owner !== undefined && owner !== pid && isRunning(owner)) continue;
    if (owner === undefined && (await isFreshlyCreated(dir))) continue;
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    removed.push(dir);
  }
  const dir = path.join(root, `${pid}-${randomUUID().slice(0, 8)}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dir, OWNER), JSON.stringify({ pid, startedAt: Date.now() }), { mode: 0o600 });
  return { dir, removed };
}

async function ownerOf(dir: string): Promise<number | undefined> {
  try {
    const o = JSON.parse(await readFile(path.join(dir, OWNER), 'utf8')) as { pid?: unknown };
    return typeof o.pid === 'number' && Number.isSafeInteger(o.pid) && o.pid > 0 ? o.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A folder without an owner file is either left by an older version (one
 * shared folder of files) or one another window is creating this instant
 * (mkdir, then the owner file): only the first is removed.
 */
async function isFreshlyCreated(dir: string): Promise<boolean> {
  const st = await stat(dir).catch(() => undefined);
  return st !== undefined && st.isDirectory() && Date.now() - st.mtimeMs < 10_000 && /^\d+-[0-9a-f]{8}$/.test(path.basename(dir));
}

/** Signal 0 checks that the process exists without touching it; EPERM means it exists under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
