/**
 * Where the transfer list survives a reload or a crash: one JSON file,
 * replaced atomically (tmp + rename), so a crash mid-write leaves the old
 * list, never half of one. An unreadable or foreign file is set aside
 * (renamed *.bad) and logged rather than failing the extension.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger, silentLogger } from '../logger';
import type { TransferRun } from './transferRun';

const FORMAT = 'koodrive-transfers';
const VERSION = 1;

export class TransferJournal {
  constructor(readonly file: string, private readonly logger: Logger = silentLogger) {}

  async load(): Promise<TransferRun[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.logger.warn(`Cannot read the transfer list ${this.file}: ${(e as Error).message}`);
      return [];
    }
    try {
      const doc = JSON.parse(text) as { format?: string; version?: number; runs?: unknown };
      if (doc.format !== FORMAT || doc.version !== VERSION || !Array.isArray(doc.runs)) throw new Error('not a transfer list of this version');
      return doc.runs.filter(isRun);
    } catch (e) {
      const aside = `${this.file}.bad`;
      this.logger.warn(`The transfer list ${this.file} is unreadable (${(e as Error).message}); moved to ${aside}`);
      await rename(this.file, aside).catch(() => undefined);
      return [];
    }
  }

  async save(runs: readonly TransferRun[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ format: FORMAT, version: VERSION, runs }), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

function isRun(v: unknown): v is TransferRun {
  const r = v as TransferRun;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.seq === 'number'
    && (r.direction === 'upload' || r.direction === 'download' || r.direction === 'sync') && typeof r.state === 'string'
    && typeof r.done === 'object' && Array.isArray(r.failed) && Array.isArray(r.settledKeys) && typeof r.cursor === 'object';
}
