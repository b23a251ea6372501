/**
 * The path-addressed KooDrive file system for one CLI run (stat, cat, put,
 * ls <containerId>:<path>): the run's client, hash pool and a space lookup
 * that lists the user's spaces once.
 */
import * as os from 'node:os';
import type { Space } from '../core/api/models';
import { KooDriveError } from '../core/errors';
import { RemoteFileSystem } from '../core/remoteFs/remoteFileSystem';
import { findSpaceByKey } from '../core/remoteFs/remotePath';
import { listSpaces } from '../core/spaces';
import type { CliContext } from './context';
import { hashPoolFor } from './hashing';

export function remoteFsFor(ctx: CliContext): RemoteFileSystem {
  const drive = ctx.drive();
  let spaces: Promise<Space[]> | undefined;
  return new RemoteFileSystem({
    client: drive.client,
    dispatcher: drive.dispatcher,
    hasher: hashPoolFor(ctx),
    tempDir: os.tmpdir(),
    logger: ctx.logger,
    async spaceOf(key, signal) {
      spaces ??= listSpaces(drive.client, ctx.userId(), { signal });
      const found = findSpaceByKey(await spaces, key);
      if (!found) throw new KooDriveError('NotFound', `No space with container id ${key}. Run "koodrive spaces" to see yours.`, { subject: key });
      return found;
    },
  });
}

/** A remote stat as the CLI prints it in --json (pinned fields). */
export function statJson(st: { id: string; name: string; kind: 'file' | 'folder'; size: number; sha256?: string; mtimeMs: number }): Record<string, unknown> {
  return {
    fileId: st.id,
    name: st.name,
    isFolder: st.kind === 'folder',
    size: st.size,
    sha256: st.sha256 ?? null,
    modified: st.mtimeMs > 0 ? new Date(st.mtimeMs).toISOString() : null,
  };
}
