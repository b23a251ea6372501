/**
 * The composition root: everything is created here and passed down — the
 * log channel and the core Logger on it, the session (secrets, user-level
 * endpoint, embedded sandbox), the hash worker pool, the resume and link
 * stores, the tree, the status bar, the one error wrapper and the commands.
 * Every disposable goes into context.subscriptions.
 */
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { claimWindowStaging } from '../core/remoteFs/windowStaging';
import { hashImplPreference, type HashImplPreference } from '../core/hash/hashImpl';
import { HashPool } from '../core/hash/hashPool';
import { createKooDrive } from '../core/koodrive';
import { DriveChanges } from '../core/remoteFs/driveChanges';
import { ResumeStore } from '../core/upload/resumeStore';
import { pruneExpiredUploads } from '../core/queue/resumeInventory';
import { TransferJournal } from '../core/queue/transferJournal';
import { Session } from './auth/session';
import { CONTEXT_KEYS, TRANSFERS_VIEW_ID, VIEW_ID } from './commands/commandIds';
import { registerCommands } from './commands/registerCommands';
import { l10n } from './l10n';
import { LocalSandbox, runningSandboxFromEnv } from './sandbox/localSandbox';
import { RemoteFilesHost } from './remoteFs/remoteFilesHost';
import { KOODRIVE_SCHEME } from './remoteFs/remoteUris';
import type { Services } from './services';
import { readSettings } from './settings';
import { LinkStore } from './stores/linkStore';
import { RecentPlaces } from './stores/recentPlaces';
import { reportUpload, runUpload, UploadRequest } from './transfers/runUpload';
import { TransferService } from './transfers/transferService';
import { ErrorHandler } from './ui/errorHandler';
import { registerTestMode } from './testMode';
import { channelLogger } from './ui/logChannelLogger';
import { TransferStatusBar } from './ui/statusBar';
import { VsCodeHost } from './ui/vscodeHost';
import { VsCodeProgress } from './ui/vscodeProgress';
import { VsCodeNotifier, VsCodePrompts } from './ui/vscodePrompts';
import { DriveDragAndDrop } from './views/driveDragAndDrop';
import { DriveTreeProvider } from './views/driveTreeProvider';
import { TransfersTreeProvider } from './views/transfersTreeProvider';
import { ContainerNode, displayPath, folderIdOf, isItemNode, ItemNode } from './views/treeNodes';
import { moveNodes } from './commands/moveItems';
import { VsCodeSearchUi } from './ui/searchQuickPick';
import { osTrash, SyncController } from './sync/syncController';
import { SyncEngine, syncStateDir } from './sync/syncEngine';

const SECTION = 'koodrive';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('KooDrive', { log: true });
  context.subscriptions.push(channel);
  const redactions: { current: () => readonly string[] } = { current: () => [] };
  const logger = channelLogger(channel, () => redactions.current());
  const showLog = (): void => channel.show(true);

  const storage = context.globalStorageUri.fsPath;
  await mkdir(storage, { recursive: true });
  // Global storage is shared by every window: each stages koodrive: reads and
  // saves in its own folder, and only folders of windows that are gone are removed.
  const staging = await claimWindowStaging(path.join(storage, 'tmp'));
  const tempDir = staging.dir;
  if (staging.removed.length > 0) logger.info(`Removed ${staging.removed.length} staging folder(s) of windows that no longer run`);
  context.subscriptions.push({ dispose: () => void rm(tempDir, { recursive: true, force: true }).catch(() => undefined) });

  // The SHA-256 implementation: KOODRIVE_HASH_IMPL, else the setting (read once: workers choose at start).
  let hashImpl: HashImplPreference = 'auto';
  try {
    hashImpl = hashImplPreference(process.env, vscode.workspace.getConfiguration(SECTION).get<string>('hash.implementation'));
  } catch (err) {
    logger.warn(`${(err as Error).message}; using auto`);
  }
  const hashPool = new HashPool({ workerPath: path.join(__dirname, 'hashWorker.js'), implementation: hashImpl, logger });
  context.subscriptions.push({ dispose: () => void hashPool.close() });

  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(SECTION);
  const sandbox = new LocalSandbox(path.join(storage, 'sandbox'), logger, runningSandboxFromEnv(process.env, logger));
  const session = new Session({
    secrets: context.secrets,
    endpointSetting: {
      // User settings only: a workspace must not be able to redirect the token.
      get: () => config().inspect<string>('endpoint')?.globalValue || undefined,
      set: (value) => config().update('endpoint', value, vscode.ConfigurationTarget.Global),
    },
    state: context.globalState,
    createDrive: createKooDrive,
    sandbox,
    logger,
  });
  redactions.current = () => session.secretsForRedaction();
  context.subscriptions.push({ dispose: () => void session.dispose() });

  const notifier = new VsCodeNotifier();
  const status = new TransferStatusBar();
  context.subscriptions.push(status);
  const errors = new ErrorHandler({
    notifier,
    logger,
    signIn: () => Promise.resolve(vscode.commands.executeCommand('koodrive.signIn')),
    showLog,
    secrets: () => session.secretsForRedaction(),
  });
  // One source of change events for the tree and the koodrive: file system.
  const changes = new DriveChanges();
  const tree = new DriveTreeProvider(session, (err) => void errors.report(err, { source: 'tree' }), changes);
  context.subscriptions.push(tree);

  const resumeStore = new ResumeStore(path.join(storage, 'uploads'));
  const base: Omit<Services, 'transfers'> = {
    session,
    prompts: new VsCodePrompts(),
    notifier,
    progress: new VsCodeProgress(status),
    tree,
    links: new LinkStore(context.globalState),
    places: new RecentPlaces(context.globalState),
    settings: () => readSettings((key) => config().get(key)),
    logger,
    host: new VsCodeHost(showLog),
    hasher: hashPool,
    resumeStore,
    tempDir,
    search: new VsCodeSearchUi(),
  };
  // This window's transfer queue. Its list is kept in global storage (one file for every window, see
  // docs/transfers.md) and survives reloads: interrupted runs come back paused.
  const journalFile = path.join(storage, 'transfers.json');
  const startTransfers = async (): Promise<TransferService> => {
    const t = new TransferService(base, { maxFiles: () => base.settings().transfers.maxFiles, journal: new TransferJournal(journalFile, logger) });
    await t.queue.restore();
    void t.noteBytesOnDisk();
    return t;
  };
  const services: Services = { ...base, transfers: await startTransfers() };
  context.subscriptions.push({ dispose: () => void services.transfers.queue.dispose() });
  void pruneExpiredUploads(resumeStore, { logger }).catch((e: unknown) => logger.warn(`Could not prune old upload state: ${(e as Error).message}`));
  const transfersTree = new TransfersTreeProvider(services.transfers.queue);
  context.subscriptions.push(transfersTree, vscode.window.createTreeView(TRANSFERS_VIEW_ID, { treeDataProvider: transfersTree }));
  status.attach(services.transfers.queue);
  /** What deactivate + activate do to transfers: stop them (the journal keeps them), then load the journal again. */
  const restartTransfers = async (): Promise<void> => {
    await services.transfers.queue.dispose();
    services.transfers = await startTransfers();
    attachSync();
    transfersTree.setQueue(services.transfers.queue);
    status.attach(services.transfers.queue);
  };

  const remoteFiles = new RemoteFilesHost({
    session, tree, changes, hasher: hashPool, tempDir, settings: services.settings, workspaceState: context.workspaceState, notifier, logger,
    reportError: (err) => void errors.report(err, { source: KOODRIVE_SCHEME }),
  });
  services.remoteFiles = remoteFiles;
  context.subscriptions.push(remoteFiles);

  // Folder sync: the Source Control view of linked folders, sharing the CLI's state directory.
  const syncStateDirectory = syncStateDir();
  const sync = new SyncController({
    session,
    engine: new SyncEngine({
      session, hasher: hashPool, resumeStore, logger, stateDir: syncStateDirectory,
      trash: osTrash(syncStateDirectory, logger), exclude: () => services.settings().sync.exclude,
    }),
    transfers: () => services.transfers,
    settings: () => services.settings().sync,
    logger,
    tempDir,
    reportError: (err) => void errors.report(err, { source: 'sync' }),
  });
  services.sync = sync;
  context.subscriptions.push(sync, remoteFiles.provider.setPinnedReader(sync));
  const attachSync = (): void => services.transfers.setSyncExecutor((ctx) => sync.execute(ctx));
  attachSync();

  const dropUpload = errors.wrap('drop', async (target: ContainerNode, paths: string[]) => {
    const req: UploadRequest = { paths, destination: { space: target.space, folderId: folderIdOf(target), path: displayPath(target) } };
    await reportUpload(services, req, await runUpload(services, req));
  });
  const dropMove = errors.wrap('dropMove', async (target: ContainerNode, items: ItemNode[]) => {
    await moveNodes(services, items, { space: target.space, folderId: folderIdOf(target) }, displayPath(target));
  });
  const dragAndDrop = new DriveDragAndDrop(dropUpload, dropMove);
  const view = vscode.window.createTreeView(VIEW_ID, {
    treeDataProvider: tree,
    dragAndDropController: dragAndDrop,
    canSelectMany: true,
    showCollapseAll: true,
  });
  context.subscriptions.push(view);
  tree.attachView(view);
  context.subscriptions.push(view.onDidChangeSelection((e) => {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.itemSelected, e.selection.some(isItemNode));
  }));
  // Compiled out unless built with esbuild.js --test-hooks (testMode.ts).
  if (__KOODRIVE_TEST_HOOKS__) {
    registerTestMode(context, { tree, dragAndDrop, transfers: transfersTree, restartTransfers, resumeStateDir: resumeStore.dir, explorer: view as vscode.TreeView<unknown>, sync });
  }
  context.subscriptions.push(...registerCommands(services, errors, (id, fn) => vscode.commands.registerCommand(id, fn)));

  const applyState = (): void => {
    const s = session.state;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.signedIn, s.signedIn);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.sandbox, s.sandbox);
    view.description = s.sandbox ? l10n.t('Local sandbox') : undefined;
    tree.refreshAll();
  };
  context.subscriptions.push(session.onDidChange(applyState));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.endpoint`)) void session.endpointSettingChanged();
    if (e.affectsConfiguration(`${SECTION}.editor.pollInterval`)) remoteFiles.watcher.restartPoll();
    if (e.affectsConfiguration(`${SECTION}.sync.pollInterval`)) sync.restartPoll();
    if (e.affectsConfiguration(`${SECTION}.sync.exclude`)) void sync.refresh().catch((err: unknown) => void errors.report(err, { source: 'sync' }));
  }));

  await session.restore(); // fires onDidChange: context keys and tree
  // After restore: the first koodrive: call must find the saved sign-in, not a signed-out session.
  context.subscriptions.push(vscode.workspace.registerFileSystemProvider(KOODRIVE_SCHEME, remoteFiles.provider, { isCaseSensitive: true }));
  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.activated, true);
  // The linked folders of this window: their Source Control entries (read after restore, to compare with KooDrive).
  void sync.reload().catch((err: unknown) => logger.warn(`Could not read the sync links: ${(err as Error).message}`));
  logger.info(`KooDrive activated (${session.state.signedIn ? (session.state.sandbox ? 'local sandbox' : 'signed in') : 'signed out'})`);
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
