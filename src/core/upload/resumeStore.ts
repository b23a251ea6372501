/**
 * Persisted upload state, so that uploading the same unchanged file to the
 * same place again continues instead of starting over (gap 7: the service
 * has no "list uploaded parts" call, so we remember which PUTs succeeded).
 * One small JSON file per upload, written atomically (tmp + rename).
 * The CLI keeps these under ~/.koodrive/uploads; the extension under its
 * global storage; tests under a temp dir.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { listStateFiles, removeStateFile } from '../stateFiles';

export interface ResumeKey {
  localPath: string;
  containerId: string;
  /** Parent folder (new file) or the target fileId (revision). */
  target: string;
  kind: 'file' | 'revision';
}

export interface ResumeState extends ResumeKey {
  version: 1;
  fileName: string;
  size: number;
  mtimeMs: number;
  preHash: string;
  partSize: number;
  fileId: string;
  uploadId?: string;
  /** Part numbers whose PUT succeeded. */
  partsDone: number[];
  /** Starting midstate of each part (by part number), to prove on resume that the bytes did not change. */
  midstates: Record<number, number[]>;
  createdAt: number;
  /**
   * The folder the whole upload goes to (a folder upload's files land in
   * subfolders of it): Cancel of one upload forgets only its own state, not
   * that of another upload of the same files to another folder.
   */
  destination?: string;
}

export class ResumeStore {
  /** `dir`: where the state files live (a folder upload leaves it out when it lies inside the uploaded folder). */
  constructor(readonly dir: string) {}

  private fileFor(key: ResumeKey): string {
    const id = createHash('sha256').update(JSON.stringify([key.kind, path.resolve(key.localPath), key.containerId, key.target])).digest('hex').slice(0, 32);
    return path.join(this.dir, `${id}.json`);
  }

  async load(key: ResumeKey): Promise<ResumeState | undefined> {
    try {
      const state = JSON.parse(await readFile(this.fileFor(key), 'utf8')) as ResumeState;
      if (state.version !== 1 || path.resolve(state.localPath) !== path.resolve(key.localPath)) return undefined;
      return state;
    } catch {
      return undefined; // missing or unreadable: start over, never fail an upload over it
    }
  }

  async save(state: ResumeState): Promise<void> {
    const file = this.fileFor(state);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const text = JSON.stringify(state);
    try {
      await writeFile(tmp, text, { mode: 0o600 });
    } catch (e) {
      // The folder is created on first need, not checked before every save (one syscall less per small file).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, text, { mode: 0o600 });
    }
    await rename(tmp, file);
  }

  async remove(key: ResumeKey): Promise<void> {
    // unlink, not rm({ force }): one syscall per finished file instead of lstat + unlink.
    await unlink(this.fileFor(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** Every saved state with its file (unreadable files are listed with `state` undefined, so they can be cleared). */
  async list(): Promise<Array<{ file: string; state?: ResumeState }>> {
    const entries = await listStateFiles<ResumeState>(this.dir, (s) => s.version === 1 && typeof s.localPath === 'string');
    return entries.map((e) => ({ file: e.file, state: e.value }));
  }

  /** Removes one state file found by `list()`. */
  async removeFile(file: string): Promise<void> {
    await removeStateFile(this.dir, file);
  }
}
