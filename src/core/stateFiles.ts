/**
 * Small JSON state files kept in one folder (upload resume states, download
 * records): listing them — a file that cannot be read or does not pass
 * `isValid` is still listed, without its value, so it can be cleared — and
 * removing one, refusing any path outside the folder.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';

export interface StateFileEntry<T> {
  file: string;
  value?: T;
}

export async function listStateFiles<T>(dir: string, isValid: (value: T) => boolean): Promise<Array<StateFileEntry<T>>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: Array<StateFileEntry<T>> = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      const value = JSON.parse(await readFile(file, 'utf8')) as T;
      out.push({ file, value: value && isValid(value) ? value : undefined });
    } catch {
      out.push({ file });
    }
  }
  return out;
}

export async function removeStateFile(dir: string, file: string): Promise<void> {
  if (path.dirname(path.resolve(file)) !== path.resolve(dir)) throw new Error(`${file} is not in ${dir}`);
  await rm(file, { force: true });
}
