/**
 * Everything a command handler may use, created in activate() (the
 * composition root) and passed down: no globals, no service locator. All
 * members are ports or plain classes, so handlers run in plain-Node unit
 * tests with fakes (prompts that fail fast on an unexpected question).
 */
import type { Space, SpaceRef } from '../core/api/models';
import type { Logger } from '../core/logger';
import type { FileHasher } from '../core/hash/fileHasher';
import type { ResumeStore } from '../core/upload/resumeStore';
import type { Session } from './auth/session';
import type { CommandId } from './commands/commandIds';
import type { Settings } from './settings';
import type { LinkStore } from './stores/linkStore';
import type { RecentPlaces } from './stores/recentPlaces';
import type { TransferService } from './transfers/transferService';
import type { ProgressRunner } from './ui/progress';
import type { Notifier, Prompts } from './ui/prompts';
import type { ItemNode, LoadMoreNode, PagedNode } from './views/treeNodes';
import type { SearchUi } from './ui/searchUi';
import type { SyncPort } from './sync/syncPort';

export type SessionPort = Pick<Session, 'connection' | 'signIn' | 'signInSandbox' | 'signOut' | 'previous' | 'state'>;

export interface TreePort {
  /** Reloads everything (spaces included). */
  refreshAll(): void;
  /** Reloads one folder (or a space's top level) if the tree has shown it. */
  refreshFolder(space: SpaceRef, folderId: string): void;
  refreshNode(node: PagedNode): void;
  loadMore(node: LoadMoreNode): Promise<void>;
  /** The spaces (cached with the tree). */
  listSpaces(): Promise<Space[]>;
  /** Reloads a space's "Recycle Bin" node if the tree has shown it. */
  refreshRecycleBin(space: SpaceRef): void;
  /** Shows an item in the tree, expanding its folders; undefined when it is not there. */
  revealItem(space: Space, folderIds: readonly string[], itemId: string): Promise<ItemNode | undefined>;
  /** The files and folders selected in the tree (what a palette command without arguments acts on). */
  selectedItems(): ItemNode[];
}

/** The few things of the VS Code window commands need besides prompts. */
export interface HostPort {
  workspaceFolders(): Array<{ name: string; path: string }>;
  /** The active editor's document, when it is a local file. */
  activeFile(): string | undefined;
  /** The active editor's document, when it is a KooDrive (`koodrive:`) file. */
  activeRemoteUri(): { scheme: string; authority: string; path: string } | undefined;
  /** Saves the open document of `path` if it has unsaved changes. */
  saveIfDirty(path: string): Promise<void>;
  copyText(text: string): Promise<void>;
  openDiff(left: string, right: string, title: string): Promise<void>;
  showLog(): void;
  /** Shows a local file or folder in the Explorer (or the system's file manager when it is outside the workspace). */
  revealLocal(path: string): Promise<void>;
  executeCommand(id: CommandId, ...args: unknown[]): Promise<unknown>;
  /** Environment variables (KOODRIVE_ENDPOINT pre-fills the custom endpoint prompt). */
  env(name: string): string | undefined;
}

/** Opening KooDrive files and folders through the `koodrive:` file system (remoteFs/remoteFilesHost.ts). */
export interface RemoteFilesPort {
  /** Opens `koodrive://<space>/<names…>` in an editor (VS Code picks text, image or binary handling). */
  open(space: Space, names: readonly string[]): Promise<void>;
  /** Adds the folder (or the space's top level) as a `koodrive:` workspace folder. */
  addToWorkspace(space: Space, names: readonly string[]): Promise<void>;
  /** The KooDrive file a `koodrive:` URI names (for "Show Versions" on an open KooDrive file). */
  fileAt(uri: { scheme: string; authority: string; path: string }): Promise<{ space: Space; fileId: string; name: string; parentId?: string }>;
}

export interface Services {
  session: SessionPort;
  prompts: Prompts;
  notifier: Notifier;
  progress: ProgressRunner;
  tree: TreePort;
  links: LinkStore;
  places: RecentPlaces;
  settings(): Settings;
  logger: Logger;
  host: HostPort;
  hasher: FileHasher;
  resumeStore?: ResumeStore;
  /** A private folder for temporary files (revision copies for diffs). */
  tempDir: string;
  /** The `koodrive:` file system's entry points (absent in plain-Node tests that do not need it). */
  remoteFiles?: RemoteFilesPort;
  /** The "KooDrive: Search…" picker (absent in hosts without one). */
  search?: SearchUi;
  /** This window's transfer queue (the Transfers view); its list is persisted in global storage. */
  transfers: TransferService;
  /** Folder sync's Source Control view (absent in plain-Node tests that do not need it). */
  sync?: SyncPort;
}
