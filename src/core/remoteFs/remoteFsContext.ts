/**
 * What the operations of the path-addressed file system share: the client
 * and engines they call, the path cache, and the one way a change we made is
 * announced (listingChanges.ts). RemoteFileSystem builds it once; the
 * operation modules (remoteStat, readRemoteFile, writeRemoteFile,
 * ensureFolders) take it as their first argument.
 */
import type { Dispatcher } from 'undici';
import type { KooDriveClient } from '../api/koodriveClient';
import type { Space } from '../api/models';
import type { FileHasher } from '../hash/fileHasher';
import type { Logger } from '../logger';
import type { DriveChanges } from './driveChanges';
import type { ChangedIds } from './listingChanges';
import type { PathResolver } from './pathResolver';

export interface RemoteFileSystemDeps {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  hasher: FileHasher;
  /** The space a path's first part names (a container id, or `<containerId>~<shareFolderId>` for a shared folder). */
  spaceOf(spaceKey: string, signal?: AbortSignal): Promise<Space>;
  /** Private folder for the temp files of reads and writes. */
  tempDir: string;
  resolver?: PathResolver;
  changes?: DriveChanges;
  logger?: Logger;
}

export interface RemoteFsContext {
  readonly deps: RemoteFileSystemDeps;
  readonly resolver: PathResolver;
  readonly logger: Logger;
  /** Forgets the listings a change touched and publishes it once. */
  changed(space: Space, c: ChangedIds): void;
}

export interface Call {
  signal?: AbortSignal;
}
