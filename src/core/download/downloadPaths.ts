/**
 * The local side of a download: creating the folder tree without being led
 * out of the chosen directory by a planted symbolic link, opening temp files
 * without following links, and putting a finished file in place without
 * overwriting anything that was not meant to be overwritten.
 */
import { constants as fsConstants, Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { KooDriveError, localIoError } from '../errors';
import { isInside, localPathKey, resolveInside } from '../bytes/localNames';

/** O_NOFOLLOW where the platform has it (not on Windows, where we rely on lstat). */
export const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;

export async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Creates folders below one root, once each. A component that exists as a
 * symbolic link is accepted only when it leads to a folder that is still
 * inside the root; anything else is refused, so a link planted in the target
 * tree cannot redirect the download elsewhere.
 */
export class SafeDirs {
  private readonly made = new Map<string, Promise<string>>();
  private rootReal?: Promise<string>;

  constructor(readonly root: string) {}

  /** The absolute folder for `segments` (already sanitized names), created if missing. */
  ensure(segments: readonly string[]): Promise<string> {
    const key = localPathKey(resolveInside(this.root, segments));
    let pending = this.made.get(key);
    if (!pending) {
      pending = this.create(segments);
      this.made.set(key, pending);
      pending.catch(() => this.made.get(key) === pending && this.made.delete(key));
    }
    return pending;
  }

  private async create(segments: readonly string[]): Promise<string> {
    const rootReal = await (this.rootReal ??= (async () => {
      await fs.mkdir(this.root, { recursive: true });
      return fs.realpath(this.root);
    })().catch((e: unknown) => {
      this.rootReal = undefined;
      throw e;
    }));
    if (segments.length === 0) return resolveInside(this.root, []);
    const parent = await this.ensure(segments.slice(0, -1));
    const dir = path.join(parent, segments[segments.length - 1]);
    let st = await lstatOrUndefined(dir);
    if (!st) {
      try {
        await fs.mkdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      st = await fs.lstat(dir);
    }
    if (st.isSymbolicLink()) {
      const real = await fs.realpath(dir).catch(() => undefined);
      if (!real || !isInside(rootReal, real) || !(await fs.stat(real)).isDirectory()) {
        throw new KooDriveError('LocalIo', `Refusing to follow the symbolic link ${dir}: it leads outside ${this.root}`, { subject: dir });
      }
    } else if (!st.isDirectory()) {
      const err = Object.assign(new Error(`${dir} exists and is not a folder`), { code: 'ENOTDIR' });
      throw err;
    }
    return dir;
  }
}

/**
 * Moves a finished temp file to `finalPath` unless something already exists
 * there (returns false then). A hard link is the atomic "create if absent";
 * file systems without hard links fall back to check-then-rename.
 */
export async function placeExclusive(partialPath: string, finalPath: string): Promise<boolean> {
  try {
    await fs.link(partialPath, finalPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV' && code !== 'EMLINK') throw e;
    if (await lstatOrUndefined(finalPath)) return false;
    await fs.rename(partialPath, finalPath);
    return true;
  }
  await fs.unlink(partialPath);
  return true;
}

/** Replaces whatever is at `finalPath` (a file, or a symbolic link itself, never its target) atomically. */
export async function placeReplacing(partialPath: string, finalPath: string): Promise<void> {
  await fs.rename(partialPath, finalPath);
}

export async function unlinkQuietly(p: string): Promise<void> {
  await fs.unlink(p).catch(() => undefined);
}

/** A LocalIo error about `subject` (a file the user will recognise), whatever the low-level error was. */
export function localError(err: unknown, subject: string, action = 'write'): KooDriveError {
  if (KooDriveError.is(err)) return err;
  return localIoError(err, subject, action);
}
