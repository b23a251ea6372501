/**
 * One sync of a link at a time, across processes (a terminal's `koodrive sync`
 * and the extension's windows): `<state dir>/sync/locks/<linkId>.lock`,
 * created exclusively, holding who owns it. A lock whose process is gone
 * (same host, pid no longer running) is taken over; a live one makes the
 * second sync wait (up to `waitMs`) or fail saying who holds it.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from '../cancellation';
import { KooDriveError } from '../errors';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** What holds it, e.g. "koodrive sync" or "VS Code". */
  owner: string;
}

export interface SyncLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for a live holder; default 0 (fail at once). */
  waitMs?: number;
  owner?: string;
  signal?: AbortSignal;
}

/** Thrown when a live process holds the lock. `holder` says who. */
export class SyncLockedError extends KooDriveError {
  constructor(readonly holder: LockHolder, linkRoot: string) {
    super('Conflict', `${linkRoot} is being synced by ${holder.owner} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`, { subject: linkRoot });
  }
}

export function lockPath(stateDir: string, linkId: string): string {
  return path.join(stateDir, 'sync', 'locks', `${linkId}.lock`);
}

export async function acquireSyncLock(stateDir: string, linkId: string, linkRoot: string, o: LockOptions = {}): Promise<SyncLock> {
  const file = lockPath(stateDir, linkId);
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), owner: o.owner ?? 'koodrive sync' };
  const deadline = Date.now() + (o.waitMs ?? 0);
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(JSON.stringify(me));
      await fh.close();
      let released = false;
      return {
        holder: me,
        async release() {
          if (released) return;
          released = true;
          // Only our own lock: a takeover after we were presumed dead must not be undone.
          const now = await readHolder(file);
          if (now && now.pid === me.pid && now.host === me.host && now.since === me.since) await rm(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(file);
    if (!holder || !isAlive(holder)) {
      // Dead owner (or a lock torn while being written): take it over.
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new SyncLockedError(holder, linkRoot);
    await sleep(Math.min(250, Math.max(10, deadline - Date.now())), o.signal);
  }
}

/** Who holds the lock now, if anyone (for "links" and the view). */
export async function currentHolder(stateDir: string, linkId: string): Promise<LockHolder | undefined> {
  const h = await readHolder(lockPath(stateDir, linkId));
  return h && isAlive(h) ? h : undefined;
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(h: LockHolder): boolean {
  // Another host's process cannot be checked: a shared state dir across machines keeps its lock.
  if (h.host !== os.hostname()) return true;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
