/**
 * The sandbox's metadata on disk: a snapshot (`state.json`) plus an
 * append-only journal of the records changed since (`journal-<gen>.ndjson`).
 *
 * Rewriting the whole state after every few requests made a folder of many
 * small files quadratic (each write grows with every file already stored). A
 * journal line carries one record's new value (or its removal), so the cost of
 * a change no longer depends on the size of the state; the snapshot is
 * rewritten only when the journal has grown as large as the last snapshot
 * (amortised: every byte of state is rewritten a bounded number of times).
 *
 * Crash safety: the snapshot names the journal generation that continues it.
 * Compaction writes the new snapshot (temp file + rename) naming a fresh
 * generation, then deletes the old journal; a crash in between leaves the old
 * journal unreferenced, never replayed over the newer snapshot. A torn last
 * line (crash mid-append) is ignored; a damaged line elsewhere is an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Sections of the state whose records are journaled one by one. */
export type JournalSection = 'nodes' | 'uploads' | 'blobs';

/** One journal line: a record's new value, or its removal (no `v`). */
export interface JournalEntry {
  s: JournalSection;
  k: string;
  v?: unknown;
}

/** Journal size below which a compaction is never worth it. */
const MIN_COMPACT_BYTES = 4 * 1024 * 1024;

export class MetadataFiles {
  /** Generation of the journal that continues the current snapshot. */
  private gen = 0;
  private journalBytes = 0;
  private snapshotBytes = 0;

  constructor(
    private readonly dataDir: string,
    /** Journal size below which a compaction is never worth it (smaller in tests). */
    private readonly minCompactBytes = MIN_COMPACT_BYTES,
  ) {}

  get snapshotPath(): string {
    return path.join(this.dataDir, 'state.json');
  }

  journalPath(gen = this.gen): string {
    return path.join(this.dataDir, `journal-${gen}.ndjson`);
  }

  /**
   * The stored state with its journal replayed, or undefined for an empty
   * data dir. `apply` receives every journal entry in order.
   */
  load<T extends { journalGen?: number }>(apply: (state: T, e: JournalEntry) => void): T | undefined {
    if (!fs.existsSync(this.snapshotPath)) return undefined;
    const text = fs.readFileSync(this.snapshotPath, 'utf8');
    const state = JSON.parse(text) as T;
    this.snapshotBytes = text.length;
    this.gen = state.journalGen ?? 0;
    const file = this.journalPath();
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      // The text after the last newline is an append the process died in the
      // middle of: cut it off, or the next append would continue that line.
      const tail = lines.pop() as string;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        let e: JournalEntry;
        try {
          e = JSON.parse(line) as JournalEntry;
        } catch (err) {
          throw new Error(`damaged sandbox journal ${file}, line ${i + 1}: ${(err as Error).message}`);
        }
        apply(state, e);
        this.journalBytes += Buffer.byteLength(line) + 1;
      }
      if (tail !== '') fs.truncateSync(file, this.journalBytes);
    }
    this.removeStaleJournals();
    return state;
  }

  /** Append entries to the current journal. */
  append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    let text = '';
    for (const e of entries) text += JSON.stringify(e) + '\n';
    fs.appendFileSync(this.journalPath(), text);
    this.journalBytes += Buffer.byteLength(text);
  }

  /** The journal has grown as large as the snapshot it continues: time to compact. */
  get compactionDue(): boolean {
    return this.journalBytes > Math.max(this.minCompactBytes, this.snapshotBytes);
  }

  /** Write a full snapshot (starting a new, empty journal) and drop the old journal. */
  writeSnapshot<T extends { journalGen?: number }>(state: T): void {
    const old = this.journalPath();
    this.gen++;
    state.journalGen = this.gen;
    const text = JSON.stringify(state);
    const tmp = `${this.snapshotPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.snapshotPath);
    this.snapshotBytes = text.length;
    this.journalBytes = 0;
    fs.rmSync(old, { force: true });
  }

  /** Journals of older generations (left by a crash during compaction) are garbage. */
  private removeStaleJournals(): void {
    const current = path.basename(this.journalPath());
    for (const f of fs.readdirSync(this.dataDir)) {
      if (/^journal-\d+\.ndjson$/.test(f) && f !== current) fs.rmSync(path.join(this.dataDir, f), { force: true });
    }
  }
}
