/**
 * The `koodrive:` FileSystemProvider: a thin adapter from VS Code's file
 * system calls to core's RemoteFileSystem. Everything KooDrive-specific
 * (paths, caching, revisions, recycle bin) lives in core; this file maps
 * URIs to paths, errors to FileSystemErrors, and keeps the small state the
 * save-conflict check needs.
 *
 * Save conflicts. VS Code refuses a save itself when `stat` reports an mtime
 * newer than the one the editor loaded (and its mtime+size etag differs), and
 * then offers Compare / Overwrite. That check compares times only, so:
 *  - `stat` reports KooDrive's edit time, and when the content differs from
 *    what was read (other SHA-256) but the time is not newer (clock skew, the
 *    same millisecond), it reports the read time + 1 ms, so VS Code's check
 *    always fires for changed content;
 *  - `writeFile` passes core a content precondition: the remote content tag
 *    (its SHA-256; size + edit time + revision when KooDrive lists none) must
 *    be the one read, or one that a `stat` already reported to VS Code (which
 *    only an explicit Overwrite can get past). A change that lands between
 *    VS Code's stat and our write is therefore refused, never overwritten.
 *  - the tag read is also kept in workspace state, so a dirty editor restored
 *    after a window reload (hot exit) still saves with that precondition.
 */
import * as vscode from 'vscode';
import { KooDriveError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { DriveChange, DriveChanges } from '../../core/remoteFs/driveChanges';
import type { RemoteFileSystem } from '../../core/remoteFs/remoteFileSystem';
import type { RemoteStat } from '../../core/remoteFs/remoteStat';
import { RemoteFsError } from '../../core/remoteFs/remoteFsErrors';
import { sameSpaceKey, spaceKeyOf } from '../../core/remoteFs/remotePath';
import type { ContentTag } from '../../core/remoteFs/contentTag';
import type { KeyValueStore } from '../stores/keyValueStore';
import { describeFsError } from './fsErrorMapping';
import { isPinnedUri, KOODRIVE_SCHEME, remotePathOfUri } from './remoteUris';

export interface ProviderDeps {
  /** The file system of the current sign-in (throws AuthRequired when signed out). */
  fs(): Promise<RemoteFileSystem>;
  changes: DriveChanges;
  /** Files larger than this (bytes) are not loaded. */
  maxFileSize(): number;
  uploadOptions(): { partSize: number; concurrency: number };
  /** The one error wrapper: shows the single Sign-in prompt for an expired session. */
  reportAuthRequired(err: unknown): void;
  /** A file above the limit was opened: tell the user, offer to download it. */
  offerDownload(info: { uri: vscode.Uri; stat: RemoteStat; limit: number }): void;
  /** Where the baselines outlive a window reload (the workspace state). */
  baselineStore: KeyValueStore;
  logger: Logger;
}

interface Baseline {
  /** Content tag of what VS Code read or wrote last. */
  tag: ContentTag;
  /** The mtime we reported for that content. */
  mtimeMs: number;
  /** Other tags a stat has shown VS Code since (always as newer). */
  shown: Set<ContentTag>;
}

/** Workspace-state key of the persisted baselines: URI → { tag, mtimeMs }, most recent last. */
export const BASELINES_KEY = 'koodrive.remoteFs.baselines';
/** Persisted baselines kept (the oldest dropped): far more than the editors a window restores. */
const MAX_PERSISTED_BASELINES = 500;

type PersistedBaselines = Record<string, { tag: ContentTag; mtimeMs: number }>;

interface Seen {
  mtimeMs: number;
  size: number;
  sha256?: string;
}

/**
 * Reads a `koodrive:` URI that pins one version of a file
 * (`koodrive://<space>/<names…>?fileId=<id>&sha256=<hex>`, see
 * remoteUris.ts pinnedUriParts): the sync view's quick-diff original. Such
 * a URI is read-only and never changes.
 */
export interface PinnedReader {
  read(uri: vscode.Uri, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Upper bound of the id → URI map used to translate change events (oldest dropped). */
const MAX_KNOWN_IDS = 5000;

export class KooDriveFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly baselines = new Map<string, Baseline>();
  private readonly seen = new Map<string, Seen>();
  private readonly uriById = new Map<string, vscode.Uri>();
  private readonly subscription: { dispose(): void };
  private pinned?: PinnedReader;

  constructor(private readonly deps: ProviderDeps) {
    this.subscription = deps.changes.onDidChange((c) => this.onDriveChange(c));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  /**
   * KooDrive has no change feed to subscribe to. Changes made elsewhere are
   * found by re-checking open documents (window focus and the poll, see
   * remoteDocumentWatcher.ts) and our own and the tree's changes arrive
   * through DriveChanges; so there is nothing to start per watched path.
   */
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  /** Who reads pinned-version URIs (the sync view); until set, they are not found. */
  setPinnedReader(reader: PinnedReader): vscode.Disposable {
    this.pinned = reader;
    return new vscode.Disposable(() => {
      if (this.pinned === reader) this.pinned = undefined;
    });
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (isPinnedUri(uri)) {
      return this.run(uri, async () => {
        const content = await this.readPinned(uri);
        return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: content.byteLength, permissions: vscode.FilePermission.Readonly };
      });
    }
    return this.run(uri, async (fs) => this.toFileStat(uri, await fs.stat(remotePathOfUri(uri))));
  }

  private readPinned(uri: vscode.Uri): Promise<Uint8Array> {
    if (!this.pinned) throw new KooDriveError('NotFound', `No reader for ${uri.toString(true)}`);
    return this.pinned.read(uri);
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async (fs) => {
      const entries = await fs.readDirectory(remotePathOfUri(uri));
      for (const e of entries) this.remember(e.item.id, vscode.Uri.joinPath(uri, e.name));
      return entries.map((e): [string, vscode.FileType] => [e.name, e.kind === 'folder' ? vscode.FileType.Directory : vscode.FileType.File]);
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    if (isPinnedUri(uri)) return this.run(uri, () => this.readPinned(uri));
    return this.run(uri, async (fs) => {
      const limit = this.deps.maxFileSize();
      try {
        const { content, stat } = await fs.readFile(remotePathOfUri(uri), { maxSize: limit });
        const reported = this.toFileStat(uri, stat, true);
        this.setBaseline(uri.toString(), { tag: stat.contentTag, mtimeMs: reported.mtime, shown: new Set() });
        return content;
      } catch (e) {
        if (RemoteFsError.reasonOf(e) === 'tooLarge') {
          const st = await fs.stat(remotePathOfUri(uri)).catch(() => undefined);
          if (st) this.deps.offerDownload({ uri, stat: st, limit });
        }
        throw e;
      }
    });
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, async (fs) => {
      if (isPinnedUri(uri)) throw vscode.FileSystemError.NoPermissions(uri);
      const key = uri.toString();
      const base = this.baselineOf(key);
      const p = remotePathOfUri(uri);
      const result = await fs.writeFile(p, { bytes: content }, {
        create: options.create,
        overwrite: options.overwrite,
        expected: base ? [base.tag, ...base.shown] : undefined,
        // The file was deleted on KooDrive while open: saving brings it back, nothing is lost.
        missingOk: true,
        upload: this.deps.uploadOptions(),
      });
      const st = await fs.stat(p);
      const reported = this.toFileStat(uri, st, true);
      this.setBaseline(key, { tag: st.contentTag, mtimeMs: reported.mtime, shown: new Set() });
      this.deps.logger.info(`${uri.toString(true)}: ${result.outcome === 'unchanged' ? 'unchanged, no new version' : result.outcome === 'created' ? 'created' : 'saved as a new version'}`);
      this.fire([{ type: result.outcome === 'created' ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri }]);
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, async (fs) => {
      const st = await fs.createDirectory(remotePathOfUri(uri));
      this.remember(st.id, uri);
      this.fire([{ type: vscode.FileChangeType.Created, uri }]);
    });
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    return this.run(uri, async (fs) => {
      await fs.delete(remotePathOfUri(uri), { recursive: options.recursive });
      this.forget(uri);
      this.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(oldUri, async (fs) => {
      if (!sameSpaceKey(oldUri.authority, newUri.authority)) {
        throw new KooDriveError('InvalidInput', 'Moving between KooDrive spaces is not supported: download and upload instead');
      }
      const st = await fs.rename(remotePathOfUri(oldUri), remotePathOfUri(newUri), { overwrite: options.overwrite });
      this.forget(oldUri);
      this.remember(st.id, newUri);
      this.fire([{ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri }]);
    });
  }

  /**
   * Looks at KooDrive again for these (open) files and reports the ones that
   * changed since we last saw them, so VS Code reloads clean documents and
   * flags dirty ones ("changed on disk"). Failures are only logged: a poll
   * must not put up error messages.
   */
  async recheck(uris: readonly vscode.Uri[]): Promise<number> {
    if (uris.length === 0) return 0;
    let fs: RemoteFileSystem;
    try {
      fs = await this.deps.fs();
    } catch {
      return 0; // signed out: nothing to compare with
    }
    const changed: vscode.FileChangeEvent[] = [];
    for (const uri of uris) {
      const before = this.seen.get(uri.toString());
      if (!before) continue;
      try {
        const st = await fs.stat(remotePathOfUri(uri));
        if (st.mtimeMs !== before.mtimeMs || st.size !== before.size || st.sha256 !== before.sha256) {
          this.toFileStat(uri, st);
          changed.push({ type: vscode.FileChangeType.Changed, uri });
        }
      } catch (e) {
        if (KooDriveError.is(e, 'NotFound')) {
          this.seen.delete(uri.toString());
          changed.push({ type: vscode.FileChangeType.Deleted, uri });
        } else {
          this.deps.logger.debug(`re-check of ${uri.toString(true)} failed: ${(e as Error).message}`);
        }
      }
    }
    if (changed.length) {
      this.deps.logger.info(`Changed on KooDrive: ${changed.map((c) => c.uri.toString(true)).join(', ')}`);
      this.fire(changed);
    }
    return changed.length;
  }

  // ---- internals --------------------------------------------------------

  private toFileStat(uri: vscode.Uri, st: RemoteStat, fresh = false): vscode.FileStat {
    const key = uri.toString();
    let mtime = st.mtimeMs;
    const base = fresh ? undefined : this.baselineOf(key);
    if (base && st.kind === 'file' && st.contentTag !== base.tag) {
      if (mtime <= base.mtimeMs) mtime = base.mtimeMs + 1;
      base.shown.add(st.contentTag);
    }
    if (st.kind === 'file') this.seen.set(key, { mtimeMs: st.mtimeMs, size: st.size, sha256: st.sha256 });
    this.remember(st.id, uri);
    return {
      type: st.kind === 'folder' ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: st.ctimeMs,
      mtime,
      size: st.size,
    };
  }

  private async run<T>(uri: vscode.Uri, fn: (fs: RemoteFileSystem) => Promise<T>): Promise<T> {
    try {
      if (uri.scheme !== KOODRIVE_SCHEME) throw new KooDriveError('InvalidInput', `Not a KooDrive URI: ${uri.toString(true)}`);
      return await fn(await this.deps.fs());
    } catch (e) {
      if (KooDriveError.is(e, 'AuthRequired')) this.deps.reportAuthRequired(e);
      throw toFileSystemError(e, uri);
    }
  }

  private onDriveChange(c: DriveChange): void {
    const events: vscode.FileChangeEvent[] = [];
    const key = spaceKeyOf(c.space);
    const uriOf = (id: string): vscode.Uri | undefined => {
      const u = this.uriById.get(id);
      return u && sameSpaceKey(u.authority, key) ? u : undefined;
    };
    for (const id of c.removedIds ?? []) {
      const u = uriOf(id);
      if (u) events.push({ type: vscode.FileChangeType.Deleted, uri: u });
    }
    for (const id of [...(c.folderIds ?? []), ...(c.fileIds ?? [])]) {
      const u = uriOf(id);
      if (u) events.push({ type: vscode.FileChangeType.Changed, uri: u });
    }
    if (events.length) this.fire(events);
  }

  private fire(events: vscode.FileChangeEvent[]): void {
    this.emitter.fire(events);
  }

  private remember(id: string, uri: vscode.Uri): void {
    this.uriById.delete(id);
    this.uriById.set(id, uri);
    if (this.uriById.size > MAX_KNOWN_IDS) this.uriById.delete(this.uriById.keys().next().value as string);
  }

  private forget(uri: vscode.Uri): void {
    const prefix = uri.toString();
    const under = (k: string): boolean => k === prefix || k.startsWith(`${prefix}/`);
    for (const k of [...this.baselines.keys()]) if (under(k)) this.baselines.delete(k);
    for (const k of [...this.seen.keys()]) if (under(k)) this.seen.delete(k);
    const persisted = this.persisted();
    const kept = Object.fromEntries(Object.entries(persisted).filter(([k]) => !under(k)));
    if (Object.keys(kept).length !== Object.keys(persisted).length) void this.deps.baselineStore.update(BASELINES_KEY, kept);
  }

  /** The baseline of a URI: in memory, or the one persisted before a window reload. */
  private baselineOf(key: string): Baseline | undefined {
    const inMemory = this.baselines.get(key);
    if (inMemory) return inMemory;
    const saved = this.persisted()[key];
    if (!saved || typeof saved.tag !== 'string' || !saved.tag) return undefined;
    const base: Baseline = { tag: saved.tag, mtimeMs: Number(saved.mtimeMs) || 0, shown: new Set() };
    this.baselines.set(key, base);
    return base;
  }

  private setBaseline(key: string, base: Baseline): void {
    this.baselines.set(key, base);
    const persisted = this.persisted();
    delete persisted[key];
    persisted[key] = { tag: base.tag, mtimeMs: base.mtimeMs };
    const keys = Object.keys(persisted);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_PERSISTED_BASELINES))) delete persisted[k];
    void this.deps.baselineStore.update(BASELINES_KEY, persisted);
  }

  private persisted(): PersistedBaselines {
    const v = this.deps.baselineStore.get<PersistedBaselines>(BASELINES_KEY);
    return v && typeof v === 'object' ? { ...v } : {};
  }
}

export function toFileSystemError(err: unknown, uri: vscode.Uri): vscode.FileSystemError {
  if (err instanceof vscode.FileSystemError) return err;
  const { kind, message } = describeFsError(err);
  const text = message || uri.toString(true);
  switch (kind) {
    case 'FileNotFound':
      return vscode.FileSystemError.FileNotFound(text);
    case 'FileExists':
      return vscode.FileSystemError.FileExists(text);
    case 'FileIsADirectory':
      return vscode.FileSystemError.FileIsADirectory(text);
    case 'FileNotADirectory':
      return vscode.FileSystemError.FileNotADirectory(text);
    case 'NoPermissions':
      return vscode.FileSystemError.NoPermissions(text);
    case 'Unavailable':
      return vscode.FileSystemError.Unavailable(text);
    default:
      return new vscode.FileSystemError(text);
  }
}

