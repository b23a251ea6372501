/**
 * Temp files of reads and writes: each in its own private folder (0700)
 * under the host's temp dir, so a name never collides and cleaning up is
 * removing that folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { localIoError } from '../errors';

/** A fresh path `<tempDir>/koodrive-<purpose>-<uuid>/content<suffix>` (the folder is created). */
export async function privateTempPath(tempDir: string, purpose: string, suffix = ''): Promise<string> {
  const dir = path.join(tempDir, `koodrive-${purpose}-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw localIoError(e, dir, 'create');
  }
  return path.join(dir, `content${suffix}`);
}

/** Removes the private folder of a path from privateTempPath; never throws. */
export async function removePrivateTemp(file: string): Promise<void> {
  await rm(path.dirname(file), { recursive: true, force: true }).catch(() => undefined);
}
