/**
 * One link's state on disk, shared by the CLI and the extension:
 *
 *   <state dir>/sync/links/<linkId>.json      the link and its base (rewritten whole, atomically)
 *   <state dir>/sync/links/<linkId>.journal   base changes since, one JSON line each
 *
 * While a sync applies, every verified path appends one line to the journal
 * (cheap, and a process killed mid-run leaves every line written so far);
 * the next load replays it, and a successful save folds it into the JSON and
 * empties it. Rewriting a 20 000-entry file per path would be quadratic.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readFile, readdir, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { KooDriveError } from '../errors';
import type { Base, BaseEntry, SyncLink, SyncState } from './syncTypes';

const STATE_VERSION = 1;

interface StateFile {
  version: number;
  link: SyncLink;
  base: Record<string, BaseEntry>;
}

/** The link id of a local folder: a hash of its real path, so two spellings of one folder are one link. */
export function linkIdFor(realLocalRoot: string): string {
  return createHash('sha256').update(realLocalRoot).digest('hex').slice(0, 16);
}

/** The real, absolute path of a local folder (symlinks in the path resolved). */
export async function realFolder(localDir: string): Promise<string> {
  try {
    return await realpath(path.resolve(localDir));
  } catch (e) {
    throw new KooDriveError('NotFound', `No such local folder: ${localDir}`, { subject: localDir, cause: e });
  }
}

/** Appends base changes of one run; see the module comment. */
export interface BaseJournal {
  put(relPath: string, entry: BaseEntry): Promise<void>;
  remove(relPath: string): Promise<void>;
  close(): Promise<void>;
}

export class SyncStateStore {
  /** `stateDir` is the CLI's state directory (KOODRIVE_STATE_DIR, default ~/.koodrive). */
  constructor(readonly stateDir: string) {}

  get linksDir(): string {
    return path.join(this.stateDir, 'sync', 'links');
  }

  statePath(linkId: string): string {
    return path.join(this.linksDir, `${linkId}.json`);
  }

  journalPath(linkId: string): string {
    return path.join(this.linksDir, `${linkId}.journal`);
  }

  /** Every link, sorted by local folder. Unreadable state files are skipped. */
  async listLinks(): Promise<SyncLink[]> {
    let names: string[];
    try {
      names = await readdir(this.linksDir);
    } catch {
      return [];
    }
    const links: SyncLink[] = [];
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      try {
        const f = JSON.parse(await readFile(path.join(this.linksDir, n), 'utf8')) as StateFile;
        if (f?.link?.id) links.push(f.link);
      } catch {
        /* a damaged file is not a link we can show */
      }
    }
    return links.sort((a, b) => (a.localRoot < b.localRoot ? -1 : a.localRoot > b.localRoot ? 1 : 0));
  }

  /** The link of `localDir` (any spelling of it), if linked. */
  async findLink(localDir: string): Promise<SyncLink | undefined> {
    const root = await realFolder(localDir);
    const st = await this.load(linkIdFor(root));
    return st?.link;
  }

  /** The state with the journal replayed; undefined when the folder is not linked. */
  async load(linkId: string): Promise<SyncState | undefined> {
    let text: string;
    try {
      text = await readFile(this.statePath(linkId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const f = JSON.parse(text) as StateFile;
    if (f.version !== STATE_VERSION || !f.link) {
      throw new KooDriveError('InvalidInput', `Unsupported sync state ${this.statePath(linkId)}`, { subject: linkId });
    }
    const base: Base = new Map(Object.entries(f.base ?? {}));
    await replayJournal(this.journalPath(linkId), base);
    return { link: f.link, base };
  }

  /** Writes the state atomically (temp + rename) and then empties the journal it includes. */
  async save(state: SyncState): Promise<void> {
    await mkdir(this.linksDir, { recursive: true });
    const file: StateFile = { version: STATE_VERSION, link: state.link, base: Object.fromEntries([...state.base].sort(([a], [b]) => (a < b ? -1 : 1))) };
    const target = this.statePath(state.link.id);
    const tmp = `${target}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(file));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
    await rm(this.journalPath(state.link.id), { force: true });
  }

  /** Forgets the link (unlink): both sides stay as they are. */
  async remove(linkId: string): Promise<void> {
    await rm(this.statePath(linkId), { force: true });
    await rm(this.journalPath(linkId), { force: true });
  }

  /**
   * Opens the journal for a run's base changes. Lines are buffered and
   * written in batches (every 100 ms or 500 lines, and on close): a line
   * lost to a crash only makes the next run verify that path again (it finds
   * the same content on both sides and records it), never loses a file.
   */
  async openJournal(linkId: string): Promise<BaseJournal> {
    await mkdir(this.linksDir, { recursive: true });
    const fh: FileHandle = await open(this.journalPath(linkId), 'a');
    let buffer: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    let chain: Promise<unknown> = Promise.resolve();
    const flush = (): Promise<unknown> => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (buffer.length === 0) return chain;
      const text = buffer.join('');
      buffer = [];
      // One write at a time, in order: concurrent appends could interleave.
      chain = chain.then(() => fh.write(text)).catch(() => undefined);
      return chain;
    };
    const add = (line: object): Promise<void> => {
      buffer.push(`${JSON.stringify(line)}\n`);
      if (buffer.length >= 500) void flush();
      else timer ??= setTimeout(() => void flush(), 100);
      return Promise.resolve();
    };
    return {
      put: (p, e) => add({ p, e }),
      remove: (p) => add({ p, d: 1 }),
      close: async () => {
        await flush();
        await fh.sync().catch(() => undefined);
        await fh.close();
      },
    };
  }
}

/** Applies the journal's lines in order; a torn last line (a crash mid-write) is ignored. */
async function replayJournal(file: string, base: Base): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    let rec: { p?: string; e?: BaseEntry; d?: number };
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof rec.p !== 'string') continue;
    if (rec.d) base.delete(rec.p);
    else if (rec.e) base.set(rec.p, rec.e);
  }
}

/** For tests and tools: append raw journal lines. */
export async function appendJournalLine(store: SyncStateStore, linkId: string, line: string): Promise<void> {
  await mkdir(store.linksDir, { recursive: true });
  await appendFile(store.journalPath(linkId), line);
}
