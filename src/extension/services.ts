/**
 * Everything a command handler may use, created in activate() (the
 * composition root) and passed down: no globals, no service locator. All
 * members are ports or plain classes, so handlers run in plain-Node unit
 * tests with fakes (prompts that fail fast on an unexpected question).
 */
import type { Space, SpaceRef } from '../core/api/models';
import type { Logger } from '../core/logger';
import type { FileHasher } from '../core/transfer/upload/fileHasher';
import type { ResumeStore } from '../core/transfer/upload/resumeStore';
import type { Session } from './auth/session';
import type { CommandId } from './commands/commandIds';
import type { Settings } from './settings';
import type { LinkStore } from './stores/linkStore';
import type { RecentPlaces } from './stores/recentPlaces';
import type { TransferService } from './transfers/transferService';
import type { ProgressRunner } from './ui/progress';
import type { Notifier, Prompts } from './ui/prompts';
import type { ContainerNode, LoadMoreNode } from './views/treeNodes';

export type SessionPort = Pick<Session, 'connection' | 'signIn' | 'signInSandbox' | 'signOut' | 'previous' | 'state'>;

export interface TreePort {
  /** Reloads everything (spaces included). */
  refreshAll(): void;
  /** Reloads one folder (or a space's top level) if the tree has shown it. */
  refreshFolder(space: SpaceRef, folderId: string): void;
  refreshNode(node: ContainerNode): void;
  loadMore(node: LoadMoreNode): Promise<void>;
  /** The spaces (cached with the tree). */
  listSpaces(): Promise<Space[]>;
}

/** The few things of the VS Code window commands need besides prompts. */
export interface HostPort {
  workspaceFolders(): Array<{ name: string; path: string }>;
  /** The active editor's document, when it is a local file. */
  activeFile(): string | undefined;
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
  /** The window's transfer queue (the Transfers view). */
  transfers: TransferService;
}
