/**
 * Where the transfer list survives a reload, a crash or a power loss: one
 * JSON file, replaced atomically. Each save writes a temp file, fsyncs it,
 * moves the current list aside as `<file>.prev`, renames the temp file into
 * place and fsyncs the folder, so the name always points at a complete list
 * (a crash mid-write leaves the old one, never half of one) and the rename
 * itself survives a power loss. Some file systems still lose the newest
 * write (an empty file after a power cut): then the current list is set
 * aside as `*.bad`, logged, and the previous one is loaded instead of losing
 * every run.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger, silentLogger } from '../logger';
import type { TransferRun } from './transferRun';

const FORMAT = 'koodrive-transfers';
const VERSION = 1;

export class TransferJournal {
  constructor(readonly file: string, private readonly logger: Logger = silentLogger) {}

  /** The previous list, kept as the fallback for an unreadable current one. */
  get previousFile(): string {
    return `${this.file}.prev`;
  }

  async load(): Promise<TransferRun[]> {
    const current = await this.read(this.file);
    if (current.runs) return current.runs;
    if (current.error) {
      const aside = `${this.file}.bad`;
      this.logger.warn(`The transfer list ${this.file} is unreadable (${current.error}); moved to ${aside}`);
      await rename(this.file, aside).catch(() => undefined);
    }
    const previous = await this.read(this.previousFile);
    if (previous.runs) {
      if (current.error || current.missing) this.logger.warn(`Loaded the previous transfer list ${this.previousFile} instead`);
      return previous.runs;
    }
    return [];
  }

  async save(runs: readonly TransferRun[]): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify({ format: FORMAT, version: VERSION, runs }));
      // On disk before the rename: otherwise a power loss can leave the new name pointing at nothing.
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(this.file, this.previousFile).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(tmp, this.file);
    await syncFolder(dir);
  }

  private async read(file: string): Promise<{ runs?: TransferRun[]; missing?: boolean; error?: string }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
      this.logger.warn(`Cannot read the transfer list ${file}: ${(e as Error).message}`);
      return {};
    }
    try {
      const doc = JSON.parse(text) as { format?: string; version?: number; runs?: unknown };
      if (doc.format !== FORMAT || doc.version !== VERSION || !Array.isArray(doc.runs)) throw new Error('not a transfer list of this version');
      return { runs: doc.runs.filter(isRun) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

/** The folder's entries (the renames) on disk. Not every platform can open a folder for fsync (Windows): best effort there. */
async function syncFolder(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // EISDIR / EPERM on platforms without directory fsync: the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

function isRun(v: unknown): v is TransferRun {
  const r = v as TransferRun;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.seq === 'number'
    && (r.direction === 'upload' || r.direction === 'download' || r.direction === 'sync') && typeof r.state === 'string'
    && typeof r.done === 'object' && Array.isArray(r.failed) && Array.isArray(r.settledKeys) && typeof r.cursor === 'object';
}
