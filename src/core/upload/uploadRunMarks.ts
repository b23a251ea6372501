/**
 * Tells a command-line upload that it runs again after an interrupted run of
 * the same upload (same paths, space and folder). The mark is written before
 * the first request and removed only when every file was uploaded; a run
 * killed, cancelled or left with failed files leaves it. The next run of the
 * same upload finds it and uploads with `again` (uploadTarget.ts): a file the
 * interrupted run finished — recorded or not — is recognised by its name and
 * SHA-256 instead of being uploaded a second time as a renamed copy.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';

export interface UploadRunKey {
  /** The local paths given, in any order. */
  paths: readonly string[];
  containerId: string;
  parentFolderId: string;
}

export class UploadRunMarks {
  constructor(readonly dir: string) {}

  /** Marks the run as started; true when an earlier run of the same upload did not finish. */
  async begin(key: UploadRunKey): Promise<boolean> {
    const file = this.fileFor(key);
    const again = await stat(file).then(() => true, () => false);
    await mkdir(this.dir, { recursive: true });
    // Synced: the mark must be on disk before the first file can be.
    const fh = await open(file, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify({ version: 1, ...normalised(key), startedAt: Date.now() }));
      await fh.sync();
    } finally {
      await fh.close();
    }
    return again;
  }

  /** Every file was uploaded: a later run of the same upload is a new upload. */
  async end(key: UploadRunKey): Promise<void> {
    await unlink(this.fileFor(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  private fileFor(key: UploadRunKey): string {
    const id = createHash('sha256').update(JSON.stringify(normalised(key))).digest('hex').slice(0, 32);
    return path.join(this.dir, `${id}.json`);
  }
}

function normalised(key: UploadRunKey): UploadRunKey {
  return { paths: key.paths.map((p) => path.resolve(p)).sort(), containerId: key.containerId, parentFolderId: key.parentFolderId };
}
