/**
 * Wires the `koodrive:` file system into the window: the provider (with the
 * RemoteFileSystem of the current sign-in), the re-check of open documents,
 * opening files from the tree, "Add to Workspace", and the "too large to
 * open" message with its Download… button. Created once in activate().
 */
import * as vscode from 'vscode';
import type { Space } from '../../core/api/models';
import type { KooDriveClient } from '../../core/api/koodriveClient';
import { KooDriveError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { DriveChanges } from '../../core/remoteFs/driveChanges';
import { RemoteFileSystem } from '../../core/remoteFs/remoteFileSystem';
import type { RemoteStat } from '../../core/remoteFs/remoteStat';
import { findSpaceByKey } from '../../core/remoteFs/remotePath';
import { listSpaces } from '../../core/spaces';
import type { FileHasher } from '../../core/hash/fileHasher';
import { l10n } from '../l10n';
import type { RemoteFilesPort, SessionPort, TreePort } from '../services';
import type { Settings } from '../settings';
import type { KeyValueStore } from '../stores/keyValueStore';
import { formatBytes } from '../ui/format';
import type { Notifier } from '../ui/prompts';
import type { ContainerNode, FileNode, SpaceNode } from '../views/treeNodes';
import { KooDriveFileSystemProvider } from './koodriveFileSystemProvider';
import { RemoteDocumentWatcher } from './remoteDocumentWatcher';
import { KOODRIVE_SCHEME, remotePathOfUri, uriPartsFor, workspaceFolderName } from './remoteUris';

export interface RemoteFilesHostDeps {
  session: SessionPort;
  tree: Pick<TreePort, 'listSpaces'>;
  changes: DriveChanges;
  hasher: FileHasher;
  tempDir: string;
  settings(): Settings;
  /** The workspace state: save-conflict baselines outlive a window reload there. */
  workspaceState: KeyValueStore;
  notifier: Notifier;
  logger: Logger;
  reportError(err: unknown): void;
}

export class RemoteFilesHost implements RemoteFilesPort, vscode.Disposable {
  readonly provider: KooDriveFileSystemProvider;
  readonly watcher: RemoteDocumentWatcher;
  private current?: { client: KooDriveClient; fs: RemoteFileSystem };

  constructor(private readonly deps: RemoteFilesHostDeps) {
    this.provider = new KooDriveFileSystemProvider({
      fs: () => this.fs(),
      changes: deps.changes,
      maxFileSize: () => deps.settings().editor.maxFileSize,
      uploadOptions: () => ({ partSize: deps.settings().upload.partSize, concurrency: deps.settings().upload.concurrency }),
      reportAuthRequired: (err) => deps.reportError(err),
      offerDownload: (info) => void this.offerDownload(info),
      baselineStore: deps.workspaceState,
      logger: deps.logger,
    });
    this.watcher = new RemoteDocumentWatcher(this.provider, () => deps.settings().editor.pollInterval);
  }

  /** The file system of the current connection (a new one after signing in again). */
  async fs(): Promise<RemoteFileSystem> {
    const conn = await this.deps.session.connection();
    if (this.current?.client !== conn.client) {
      this.current?.fs.dispose();
      this.current = {
        client: conn.client,
        fs: new RemoteFileSystem({
          client: conn.client,
          dispatcher: conn.dispatcher,
          hasher: this.deps.hasher,
          tempDir: this.deps.tempDir,
          changes: this.deps.changes,
          logger: this.deps.logger,
          spaceOf: (key, signal) => this.spaceOf(conn.client, conn.userId, key, signal),
        }),
      };
    }
    return this.current.fs;
  }

  async open(space: Space, names: readonly string[]): Promise<void> {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.from(uriPartsFor(space, names)));
  }

  async addToWorkspace(space: Space, names: readonly string[]): Promise<void> {
    const uri = vscode.Uri.from(uriPartsFor(space, names));
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.some((f) => f.uri.toString() === uri.toString())) {
      void this.deps.notifier.info(l10n.t('{0} is already in the workspace.', workspaceFolderName(space, names)));
      return;
    }
    const ok = vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name: workspaceFolderName(space, names) });
    if (!ok) throw new KooDriveError('InvalidInput', l10n.t('VS Code did not add {0} to the workspace.', workspaceFolderName(space, names)));
    await vscode.commands.executeCommand('workbench.view.explorer');
  }

  async fileAt(uri: { authority: string; path: string }): Promise<{ space: Space; fileId: string; name: string; parentId?: string }> {
    const fs = await this.fs();
    const p = remotePathOfUri(uri);
    const st = await fs.stat(p);
    if (st.kind !== 'file') throw new KooDriveError('InvalidInput', l10n.t('Versions exist for files only.'));
    const conn = await this.deps.session.connection();
    const space = await this.spaceOf(conn.client, conn.userId, p.containerId);
    return { space, fileId: st.id, name: st.name, parentId: st.parentFolderId };
  }

  dispose(): void {
    this.current?.fs.dispose();
    this.watcher.dispose();
    this.provider.dispose();
  }

  private async spaceOf(client: KooDriveClient, userId: string, key: string, signal?: AbortSignal): Promise<Space> {
    const found = findSpaceByKey(await this.deps.tree.listSpaces(), key) ?? findSpaceByKey(await listSpaces(client, userId, { signal }), key);
    if (!found) throw new KooDriveError('NotFound', l10n.t('No KooDrive space {0} for this account.', key), { subject: key });
    return found;
  }

  /** Says why the file is not opened and offers Download… (nothing is downloaded unless chosen). */
  private async offerDownload(info: { uri: vscode.Uri; stat: RemoteStat; limit: number }): Promise<void> {
    const download = l10n.t('Download…');
    const choice = await this.deps.notifier.warn(
      l10n.t('{0} is {1}, larger than the {2} limit for opening KooDrive files in the editor (setting koodrive.editor.maxFileSize).', info.stat.name, formatBytes(info.stat.size), formatBytes(info.limit)),
      download,
    );
    if (choice !== download || !info.stat.item || !info.stat.parentFolderId) return;
    try {
      const conn = await this.deps.session.connection();
      const space = await this.spaceOf(conn.client, conn.userId, info.uri.authority);
      await vscode.commands.executeCommand('koodrive.downloadItems', downloadNode(space, info.stat.item, info.stat.parentFolderId));
    } catch (e) {
      this.deps.reportError(e);
    }
  }
}

/** A tree-shaped file node for the download command (which takes tree nodes). */
function downloadNode(space: Space, item: NonNullable<RemoteStat['item']>, parentFolderId: string): FileNode {
  const spaceNode: SpaceNode = { kind: 'space', key: `${KOODRIVE_SCHEME}:space:${space.containerId}`, space };
  const parent: ContainerNode = parentFolderId === space.rootFolderId
    ? spaceNode
    : { kind: 'folder', key: `${KOODRIVE_SCHEME}:${parentFolderId}`, space, parent: spaceNode, item: { id: parentFolderId, name: '', isFolder: true, fileType: '10', size: 0 } };
  return { kind: 'file', key: `${KOODRIVE_SCHEME}:${item.id}`, space, parent, item };
}
