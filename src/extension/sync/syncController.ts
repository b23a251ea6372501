/**
 * Folder sync in the window (issue #21, docs/sync.md "In VS Code"): one
 * SourceControl per link with the groups Conflicts / To upload / To
 * download, a quick diff against the version of the last sync, the status
 * bar item of the active editor's link, and the refresh triggers (a file
 * system watcher, debounced; window focus; every koodrive.sync.pollInterval
 * seconds). Syncs run as one run each in the Transfers view (the queue's
 * 'sync' executor is here). The links are the CLI's (the state directory is
 * shared), so `koodrive sync` in a terminal and this view agree.
 *
 * The links shown are those whose folder is a workspace folder, inside one,
 * or holds one.
 */
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KooDriveError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { RunContext } from '../../core/queue/runContext';
import type { RunView } from '../../core/queue/runView';
import { downloadRevision } from '../../core/download/downloadRevision';
import { spaceKeyOf, sameSpaceKey } from '../../core/remoteFs/remotePath';
import { folderTrash } from '../../core/sync/localTrash';
import { STAGING_DIR } from '../../core/sync/syncIgnore';
import { linkIdFor } from '../../core/sync/syncState';
import type { Base, SyncAction, SyncLink, SyncPlan } from '../../core/sync/syncTypes';
import { SYNC_SCM_ID } from '../commands/commandIds';
import { l10n } from '../l10n';
import { pinOfUri, pinnedUriParts, uriPartsFor } from '../remoteFs/remoteUris';
import type { PinnedReader } from '../remoteFs/koodriveFileSystemProvider';
import type { SessionPort } from '../services';
import type { SyncRunRequest, TransferService } from '../transfers/transferService';
import { listAllRevisions } from '../ui/revisionPicker';
import { SyncEngine } from './syncEngine';
import { GROUP_IDS, groupLabel, groupsOf, relativeIn, statusText, statusTooltip, type GroupId, type SyncGroups, type SyncResource } from './syncModel';
import type { SyncPort, SyncResourceRef } from './syncPort';

const WATCH_DEBOUNCE_MS = 700;

export interface SyncSettings {
  pollInterval: number;
  uploadOnSave: boolean;
  exclude: string[];
}

export interface SyncControllerDeps {
  session: Pick<SessionPort, 'connection' | 'state'>;
  engine: SyncEngine;
  transfers: () => TransferService;
  settings(): SyncSettings;
  logger: Logger;
  /** Private temp folder (versions for the quick diff). */
  tempDir: string;
  reportError(err: unknown): void;
}

/** A row as VS Code holds it (the command arguments are these). */
interface ResourceState extends vscode.SourceControlResourceState {
  readonly koodrive: SyncResourceRef;
}

class LinkView implements vscode.Disposable {
  readonly scm: vscode.SourceControl;
  readonly groups: Record<GroupId, vscode.SourceControlResourceGroup>;
  model: SyncGroups = { conflicts: [], upload: [], download: [] };
  /** The rows by relative path (the letters' file decorations). */
  byPath = new Map<string, SyncResource>();
  base: Base = new Map();
  plan?: SyncPlan;
  /** Syncs of this link in flight (the watcher waits for them). */
  syncing = 0;
  private refreshing?: Promise<void>;
  private again = false;
  private debounce?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(public link: SyncLink, private readonly c: SyncController) {
    const name = path.basename(link.localRoot);
    this.scm = vscode.scm.createSourceControl(SYNC_SCM_ID, l10n.t('KooDrive: {0}', name), vscode.Uri.file(link.localRoot));
    this.scm.inputBox.visible = false;
    this.scm.quickDiffProvider = { provideOriginalResource: (uri) => this.originalOf(uri) };
    this.groups = {
      conflicts: this.scm.createResourceGroup('conflicts', groupLabel('conflicts')),
      upload: this.scm.createResourceGroup('upload', groupLabel('upload')),
      download: this.scm.createResourceGroup('download', groupLabel('download')),
    };
    for (const g of Object.values(this.groups)) g.hideWhenEmpty = true;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(link.localRoot), '**/*'));
    const changed = (uri: vscode.Uri): void => {
      const rel = relativeIn(link.localRoot, uri.fsPath);
      if (rel === undefined || rel === STAGING_DIR || rel.startsWith(`${STAGING_DIR}/`) || rel === '.git' || rel.startsWith('.git/')) return;
      this.scheduleRefresh();
    };
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  get root(): string {
    return this.link.localRoot;
  }

  scheduleRefresh(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      // A sync's own writes: it refreshes when it ends.
      if (this.syncing === 0) void this.refresh();
    }, WATCH_DEBOUNCE_MS);
  }

  /** One refresh at a time; a request during one runs once more after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.load();
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const state = await this.c.deps.engine.store.load(this.link.id);
    if (!state) return; // unlinked (by the CLI): the controller drops the view on its next reload
    this.link = state.link;
    this.base = state.base;
    const { plan } = await this.c.deps.engine.status(this.root);
    this.plan = plan;
    this.show(groupsOf(plan));
  }

  show(model: SyncGroups): void {
    this.model = model;
    this.byPath = new Map(GROUP_IDS.flatMap((id) => model[id].map((r): [string, SyncResource] => [r.path, r])));
    for (const id of GROUP_IDS) this.groups[id].resourceStates = model[id].map((r) => this.stateOf(r));
    this.scm.count = model.conflicts.length + model.upload.length + model.download.length;
    this.c.changed(this);
  }

  private stateOf(r: SyncResource): ResourceState {
    const local = vscode.Uri.file(path.join(this.root, ...r.path.split('/')));
    const remote = this.c.remoteUri(this.link, r.path);
    const name = path.basename(local.fsPath);
    let command: vscode.Command;
    if (r.hasLocal && r.hasRemote) {
      command = { command: 'vscode.diff', title: l10n.t('Compare'), arguments: [remote, local, l10n.t('{0} (KooDrive) ↔ {0} (local)', name)] };
    } else if (r.hasLocal) {
      command = { command: 'vscode.open', title: l10n.t('Open'), arguments: [local] };
    } else {
      command = { command: 'vscode.open', title: l10n.t('Open'), arguments: [remote] };
    }
    return {
      resourceUri: local,
      command,
      decorations: { strikeThrough: r.strikeThrough, tooltip: `${r.letter} · ${r.tooltip}`, faded: false },
      contextValue: r.group,
      koodrive: { localRoot: this.root, path: r.path, group: r.group },
    };
  }

  /** Quick diff: the version of the last sync, read-only, for files in the base. */
  private originalOf(uri: vscode.Uri): vscode.Uri | undefined {
    if (uri.scheme !== 'file') return undefined;
    const rel = relativeIn(this.root, uri.fsPath);
    const b = rel === undefined ? undefined : this.base.get(rel);
    if (!rel || !b) return undefined;
    return vscode.Uri.from(pinnedUriParts(this.link.space, [...remoteNames(this.link), ...rel.split('/')], { fileId: b.fileId, sha256: b.sha256 }));
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const d of this.disposables) d.dispose();
    this.scm.dispose();
  }
}

/** The names below the space's top level of the linked KooDrive folder ("/Projects/site" → Projects, site). */
function remoteNames(link: SyncLink): string[] {
  return link.remotePath.split('/').filter((n) => n !== '');
}

export class SyncController implements SyncPort, PinnedReader, vscode.Disposable {
  private readonly views = new Map<string, LinkView>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly status: vscode.StatusBarItem;
  private poll?: ReturnType<typeof setInterval>;
  private readonly pinnedCache = new Map<string, Promise<Uint8Array>>();
  private readonly onDidChangeEmitter = new vscode.EventEmitter<void>();
  private readonly decorationsChanged = new vscode.EventEmitter<undefined>();
  /** Fires when a link's groups changed (tests wait on it). */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(readonly deps: SyncControllerDeps) {
    this.status = vscode.window.createStatusBarItem('koodrive.sync', vscode.StatusBarAlignment.Left, 1);
    this.status.name = l10n.t('KooDrive Sync');
    this.status.command = 'workbench.view.scm';
    this.disposables.push(
      this.status,
      this.onDidChangeEmitter,
      this.decorationsChanged,
      // The rows' letters (M/A/D/C), as the Source Control view and the Explorer show them.
      vscode.window.registerFileDecorationProvider({
        onDidChangeFileDecorations: this.decorationsChanged.event,
        provideFileDecoration: (uri) => this.decorationOf(uri),
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.renderStatus()),
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) void this.refreshQuietly();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload().catch((e: unknown) => this.deps.reportError(e))),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.saved(doc)),
    );
    this.restartPoll();
  }

  /** The views' links (tests; the status bar). */
  linkViews(): Array<{ link: SyncLink; scm: vscode.SourceControl; groups: Record<GroupId, vscode.SourceControlResourceGroup> }> {
    return [...this.views.values()];
  }

  /** Call when koodrive.sync.pollInterval changed. */
  restartPoll(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    const seconds = this.deps.settings().pollInterval;
    if (seconds > 0) {
      this.poll = setInterval(() => void this.refreshQuietly(), seconds * 1000);
      this.poll.unref?.();
    }
  }

  /** The links of this window's folders, each with its view; refreshes new ones. */
  async reload(): Promise<void> {
    const links = await this.deps.engine.listLinks();
    const folders = await Promise.all((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => realpath(f.uri.fsPath).catch(() => f.uri.fsPath)));
    const inWindow = (root: string): boolean => folders.some((f) => f === root || relativeIn(f, root) !== undefined || relativeIn(root, f) !== undefined);
    const keep = new Set<string>();
    for (const link of links) {
      if (!inWindow(link.localRoot)) continue;
      keep.add(link.id);
      if (!this.views.has(link.id)) {
        const view = new LinkView(link, this);
        this.views.set(link.id, view);
        void view.refresh().catch((e: unknown) => this.refreshFailed(view, e));
      }
    }
    for (const [id, view] of this.views) {
      if (!keep.has(id)) {
        view.dispose();
        this.views.delete(id);
      }
    }
    this.renderStatus();
    this.onDidChangeEmitter.fire();
  }

  changed(_view: LinkView): void {
    this.decorationsChanged.fire(undefined);
    this.renderStatus();
    this.onDidChangeEmitter.fire();
  }

  private renderStatus(): void {
    const doc = vscode.window.activeTextEditor?.document.uri;
    const view = doc?.scheme === 'file' ? this.viewOfPath(doc.fsPath) : this.views.size === 1 ? [...this.views.values()][0] : undefined;
    if (!view) {
      this.status.hide();
      return;
    }
    this.status.text = `$(sync) ${statusText(view.model)}`;
    this.status.tooltip = statusTooltip(view.model, view.root, view.link.remotePath || '/');
    this.status.show();
  }

  /** The letter of a row's file (undefined for files in no group). */
  decorationOf(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const view = this.viewOfPath(uri.fsPath);
    const rel = view && relativeIn(view.root, uri.fsPath);
    const r = rel ? view.byPath.get(rel) : undefined;
    if (!r) return undefined;
    const color = r.group === 'conflicts' ? 'gitDecoration.conflictingResourceForeground'
      : r.letter === 'A' ? 'gitDecoration.addedResourceForeground'
        : r.letter === 'D' ? 'gitDecoration.deletedResourceForeground' : 'gitDecoration.modifiedResourceForeground';
    return new vscode.FileDecoration(r.letter, r.tooltip, new vscode.ThemeColor(color));
  }

  /** The status bar's text now (tests). */
  statusBarText(): string | undefined {
    return this.status.text;
  }

  private viewOfPath(file: string): LinkView | undefined {
    for (const v of this.views.values()) if (file === v.root || relativeIn(v.root, file) !== undefined) return v;
    return undefined;
  }

  private async viewOf(localRoot: string): Promise<LinkView> {
    const direct = this.views.get((await this.deps.engine.findLink(localRoot))?.id ?? '');
    if (direct) return direct;
    await this.reload();
    const link = await this.deps.engine.findLink(localRoot);
    const view = link && this.views.get(link.id);
    if (!view) throw new KooDriveError('NotFound', l10n.t('{0} is not a linked folder of this window.', localRoot), { subject: localRoot });
    return view;
  }

  remoteUri(link: SyncLink, rel: string): vscode.Uri {
    return vscode.Uri.from(uriPartsFor(link.space, [...remoteNames(link), ...rel.split('/')]));
  }

  // ---- refresh triggers ---------------------------------------------------

  private refreshFailed(view: LinkView, e: unknown): void {
    if (KooDriveError.is(e, 'AuthRequired')) return; // signed out: nothing to compare with
    this.deps.logger.warn(`Sync status of ${view.root} failed: ${(e as Error).message}`);
  }

  /** Focus and poll: failures are logged, never shown. */
  private async refreshQuietly(): Promise<void> {
    if (!this.deps.session.state.signedIn) return;
    await Promise.all([...this.views.values()].map((v) => v.refresh().catch((e: unknown) => this.refreshFailed(v, e))));
  }

  async refresh(localRoot?: string): Promise<void> {
    if (localRoot) {
      await (await this.viewOf(localRoot)).refresh();
      return;
    }
    await this.reload();
    await Promise.all([...this.views.values()].map((v) => v.refresh()));
  }

  /** koodrive.sync.uploadOnSave: the saved file goes up at once unless KooDrive changed it since the base (then it is a conflict in the view). */
  private async saved(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || !this.deps.settings().uploadOnSave) return;
    const view = this.viewOfPath(doc.uri.fsPath);
    const rel = view && relativeIn(view.root, doc.uri.fsPath);
    if (!view || !rel) return;
    try {
      await this.run(view.root, { paths: [rel], direction: 'push' });
    } catch (e) {
      this.deps.reportError(e);
    }
  }

  // ---- SyncPort -------------------------------------------------------------

  findLink(localDir: string): Promise<SyncLink | undefined> {
    return this.deps.engine.findLink(localDir);
  }

  async link(localDir: string, target: Parameters<SyncPort['link']>[1]): Promise<SyncLink> {
    const link = await this.deps.engine.link(localDir, target);
    this.deps.logger.info(`Linked ${link.localRoot} to ${link.containerId}:${link.remotePath} (${link.folderId})`);
    await this.reload();
    return link;
  }

  async unlink(localDir: string): Promise<SyncLink> {
    const link = await this.deps.engine.unlink(localDir);
    this.deps.logger.info(`Unlinked ${link.localRoot} from ${link.containerId}:${link.remotePath}; both sides kept as they are`);
    await this.reload();
    return link;
  }

  async preview(localRoot: string): Promise<SyncPlan> {
    const view = await this.viewOf(localRoot);
    await view.refresh();
    if (!view.plan) throw new KooDriveError('NotFound', l10n.t('{0} is not linked to KooDrive.', localRoot), { subject: localRoot });
    return view.plan;
  }

  async run(localRoot: string, request: Omit<SyncRunRequest, 'kind' | 'localRoot'>): Promise<RunView | undefined> {
    const view = await this.viewOf(localRoot);
    const req: SyncRunRequest = { kind: 'sync', localRoot: view.root, ...request };
    const name = path.basename(view.root) + (request.paths?.length === 1 ? ` · ${request.paths[0]}` : '');
    const transfers = this.deps.transfers();
    const started = transfers.start('sync', name, req);
    const settled = await transfers.queue.settled(started.id);
    if (settled?.state === 'failed' && settled.error) {
      throw transfers.queue.errorOf(started.id) ?? new KooDriveError(settled.error.code as never, settled.error.message);
    }
    return settled;
  }

  resourcesOf(args: readonly unknown[]): SyncResourceRef[] {
    const out: SyncResourceRef[] = [];
    const seen = new Set<string>();
    const add = (a: unknown): void => {
      const r = (a as Partial<ResourceState> | undefined)?.koodrive;
      if (!r || seen.has(`${r.localRoot}\0${r.path}`)) return;
      seen.add(`${r.localRoot}\0${r.path}`);
      out.push(r);
    };
    for (const a of args) {
      if (Array.isArray(a)) a.forEach(add);
      else add(a);
    }
    return out;
  }

  linkRootOf(arg: unknown): string | undefined {
    const rootUri = (arg as { rootUri?: vscode.Uri } | undefined)?.rootUri;
    if (rootUri) return rootUri.fsPath;
    const resource = this.resourcesOf([arg])[0];
    if (resource) return resource.localRoot;
    const doc = vscode.window.activeTextEditor?.document.uri;
    const active = doc?.scheme === 'file' ? this.viewOfPath(doc.fsPath) : undefined;
    if (active) return active.root;
    return this.views.size === 1 ? [...this.views.values()][0].root : undefined;
  }

  async open(ref: SyncResourceRef): Promise<void> {
    const view = await this.viewOf(ref.localRoot);
    const local = path.join(view.root, ...ref.path.split('/'));
    const exists = await stat(local).then((s) => s.isFile(), () => false);
    await vscode.commands.executeCommand('vscode.open', exists ? vscode.Uri.file(local) : this.remoteUri(view.link, ref.path));
  }

  async showView(): Promise<void> {
    await vscode.commands.executeCommand('workbench.view.scm');
  }

  // ---- the Transfers view's 'sync' executor ---------------------------------

  async execute(ctx: RunContext): Promise<void> {
    const req = ctx.run.request as SyncRunRequest;
    const view = await this.viewOf(req.localRoot);
    const release = await ctx.acquireSlot();
    view.syncing++;
    const sizes = new Map<string, number>();
    const keyOf = (subject: string): string => (path.isAbsolute(subject) ? relativeIn(view.root, subject) ?? subject : subject);
    const noTransfer = (a: SyncAction): boolean => a.kind === 'record' || a.kind === 'forget' || a.kind === 'moveLocal' || a.kind === 'moveRemote' || a.kind === 'trashLocal' || a.kind === 'recycleRemote';
    try {
      const result = await this.deps.engine.sync(view.root, {
        paths: req.paths ? new Set(req.paths) : undefined,
        resolutions: req.resolutions ? new Map(req.resolutions) : undefined,
        direction: req.direction,
        signal: ctx.signal,
        onEvent: (ev) => {
          if (ev.kind === 'start') {
            if (ev.action.kind !== 'record' && ev.action.kind !== 'forget') ctx.fileStarted(ev.action.path, ev.action.path, 0);
          } else if (ev.kind === 'done') {
            ctx.fileSettled(ev.action.path, { ok: true, bytes: sizes.get(ev.action.path) ?? 0, noTransfer: noTransfer(ev.action) });
          } else if (ev.kind === 'failed') {
            ctx.fileSettled(ev.action.path, { ok: false, path: ev.action.path, code: KooDriveError.is(ev.error) ? ev.error.code : 'ApiError', message: ev.error.message });
          } else if (ev.kind === 'conflict') {
            ctx.fileSettled(ev.path, { ok: false, path: ev.path, code: 'Conflict', message: ev.why });
          } else if (ev.kind === 'trashed') {
            this.deps.logger.info(`Sync: ${ev.path} → ${ev.where}`);
          }
        },
        onProgress: (ev) => {
          const key = keyOf(ev.subject);
          if (!sizes.has(key)) {
            sizes.set(key, ev.bytesTotal);
            ctx.fileStarted(key, key, ev.bytesTotal);
          }
          ctx.fileProgress(key, ev.bytesDone, ev.phase);
        },
      });
      if (result.stopped) {
        throw new KooDriveError('InvalidInput', l10n.t('The sync of {0} stopped before changing anything: {1}', path.basename(view.root), result.plan.stops.map((s) => s.message).join(' ')), { subject: view.root });
      }
      const a = result.applied;
      if (a) this.deps.logger.info(`Synced ${view.root}: ${a.done} done, ${a.failed.length} failed, ${a.conflicts.length} conflict(s), ${a.bytesUp} bytes up, ${a.bytesDown} bytes down`);
    } finally {
      release();
      view.syncing--;
      await view.refresh().catch((e: unknown) => this.refreshFailed(view, e));
    }
  }

  // ---- pinned versions (quick diff original) -------------------------------

  read(uri: vscode.Uri): Promise<Uint8Array> {
    const pin = pinOfUri(uri);
    if (!pin) throw vscode.FileSystemError.FileNotFound(uri);
    const key = `${uri.authority.toLowerCase()}/${pin.fileId}/${pin.sha256}`;
    let p = this.pinnedCache.get(key);
    if (!p) {
      p = this.fetchPinned(uri.authority, pin);
      this.pinnedCache.set(key, p);
      p.catch(() => this.pinnedCache.delete(key));
    }
    return p;
  }

  private async fetchPinned(authority: string, pin: { fileId: string; sha256: string }): Promise<Uint8Array> {
    const view = [...this.views.values()].find((v) => sameSpaceKey(authority, spaceKeyOf(v.link.space)));
    if (!view) throw new KooDriveError('NotFound', `No linked folder in space ${authority}`);
    const space = view.link.space;
    const file = path.join(this.deps.tempDir, 'sync-base', pin.sha256);
    const cached = await readFile(file).catch(() => undefined);
    if (cached) return cached;
    const conn = await this.deps.session.connection();
    const revisions = await listAllRevisions(conn.client, space, pin.fileId);
    const rev = revisions.find((r) => r.sha256?.toLowerCase() === pin.sha256.toLowerCase());
    if (!rev) throw new KooDriveError('NotFound', `KooDrive no longer has the synced version of ${pin.fileId}`);
    await mkdir(path.dirname(file), { recursive: true });
    await downloadRevision({ client: conn.client, dispatcher: conn.dispatcher, logger: this.deps.logger, redact: conn.redact }, space, pin.fileId, rev, file);
    return readFile(file);
  }

  dispose(): void {
    if (this.poll) clearInterval(this.poll);
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    for (const d of this.disposables) d.dispose();
    void rm(path.join(this.deps.tempDir, 'sync-base'), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The local-trash port: the OS trash; where there is none (some servers), the CLI's trash folder under the state directory. */
export function osTrash(stateDir: string, logger: Logger): { trash(absPath: string, relPath: string): Promise<string> } {
  return {
    async trash(absPath, relPath) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(absPath), { useTrash: true, recursive: false });
        return l10n.t('the trash');
      } catch (e) {
        logger.warn(`Could not move ${absPath} to the trash (${(e as Error).message}); keeping it in the state directory instead`);
        const linkRoot = absPath.slice(0, absPath.length - relPath.length - 1);
        return folderTrash(stateDir, linkIdFor(linkRoot)).trash(absPath, relPath);
      }
    },
  };
}

