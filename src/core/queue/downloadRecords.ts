/**
 * A note per unfinished download run, in the state directory, so that
 * `koodrive transfers` can list interrupted downloads. The bytes themselves
 * stay where the engine left them: the `.<name>.<fileId>.koodrive-partial`
 * files next to their targets are the truth for what is already on disk.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { listStateFiles, removeStateFile } from '../stateFiles';

export interface DownloadRecord {
  version: 1;
  targetDir: string;
  containerId: string;
  /** What was asked for (ids and names), to show and to download again. */
  items: Array<{ fileId: string; name: string }>;
  createdAt: number;
}

export class DownloadRecords {
  constructor(readonly dir: string) {}

  private fileFor(r: Pick<DownloadRecord, 'targetDir' | 'containerId' | 'items'>): string {
    const ids = r.items.map((i) => i.fileId).sort();
    const id = createHash('sha256').update(JSON.stringify([path.resolve(r.targetDir), r.containerId, ids])).digest('hex').slice(0, 32);
    return path.join(this.dir, `${id}.json`);
  }

  /** Records a run before it starts (kept if it is interrupted); returns the function that forgets it once it finished. */
  async begin(r: Omit<DownloadRecord, 'version' | 'createdAt'>, now = Date.now()): Promise<() => Promise<void>> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(r);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, ...r, targetDir: path.resolve(r.targetDir), createdAt: now } satisfies DownloadRecord), { mode: 0o600 });
    await rename(tmp, file);
    return () => rm(file, { force: true });
  }

  async list(): Promise<Array<{ file: string; record?: DownloadRecord }>> {
    const entries = await listStateFiles<DownloadRecord>(this.dir, (r) => r.version === 1 && typeof r.targetDir === 'string' && Array.isArray(r.items));
    return entries.map((e) => ({ file: e.file, record: e.value }));
  }

  async removeFile(file: string): Promise<void> {
    await removeStateFile(this.dir, file);
  }
}
