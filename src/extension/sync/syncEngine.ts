/**
 * The extension's adapter to the sync core (src/core/sync, docs/sync.md),
 * without VS Code: the SyncContext of the current sign-in, the apply
 * dependencies (the window's hash pool and resume store, and the OS trash
 * as the local-trash port), and the state directory the CLI uses too
 * (KOODRIVE_STATE_DIR, default ~/.koodrive), so a `koodrive sync` in a
 * terminal and the Source Control view read and write the same links.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { SpaceRef } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { FileHasher } from '../../core/hash/fileHasher';
import type { ResumeStore } from '../../core/upload/resumeStore';
import { makeHashFile } from '../../core/sync/hashFilePort';
import { linkFolder, syncFolder, syncStatus, type StatusResult, type SyncContext, type SyncOptions, type SyncResult } from '../../core/sync/syncRun';
import { SyncStateStore } from '../../core/sync/syncState';
import type { LocalTrash, PlanOptions, SyncLink } from '../../core/sync/syncTypes';
import { l10n } from '../l10n';
import type { SessionPort } from '../services';

/** The state directory shared with the CLI: KOODRIVE_STATE_DIR, else ~/.koodrive. */
export function syncStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KOODRIVE_STATE_DIR || path.join(os.homedir(), '.koodrive');
}

export interface SyncEngineDeps {
  session: Pick<SessionPort, 'connection'>;
  hasher: FileHasher;
  resumeStore?: ResumeStore;
  logger: Logger;
  stateDir: string;
  /** The OS trash (workspace.fs.delete with useTrash) in the extension. */
  trash: LocalTrash;
  /** koodrive.sync.exclude. */
  exclude(): string[];
}

export class SyncEngine {
  readonly store: SyncStateStore;
  private readonly hashFile;

  constructor(private readonly deps: SyncEngineDeps) {
    this.store = new SyncStateStore(deps.stateDir);
    this.hashFile = makeHashFile(deps.hasher);
  }

  get stateDir(): string {
    return this.deps.stateDir;
  }

  private async context(): Promise<{ ctx: SyncContext; conn: Awaited<ReturnType<SessionPort['connection']>> }> {
    const conn = await this.deps.session.connection();
    return { conn, ctx: { stateDir: this.deps.stateDir, client: conn.client, hashFile: this.hashFile, exclude: this.deps.exclude() } };
  }

  listLinks(): Promise<SyncLink[]> {
    return this.store.listLinks();
  }

  async findLink(localDir: string): Promise<SyncLink | undefined> {
    try {
      return await this.store.findLink(localDir);
    } catch {
      return undefined;
    }
  }

  async link(localDir: string, target: { space: SpaceRef; folderId: string; remotePath: string }): Promise<SyncLink> {
    const { ctx } = await this.context();
    return linkFolder(ctx, localDir, target);
  }

  /** Forgets the link; no request is made and no file changes. */
  async unlink(localDir: string): Promise<SyncLink> {
    const link = await this.findLink(localDir);
    if (!link) throw new KooDriveError('NotFound', l10n.t('{0} is not linked to KooDrive.', localDir), { subject: localDir });
    await this.store.remove(link.id);
    return link;
  }

  async status(localRoot: string, o: PlanOptions & { signal?: AbortSignal } = {}): Promise<StatusResult> {
    const { ctx } = await this.context();
    return syncStatus(ctx, localRoot, o);
  }

  async sync(localRoot: string, o: SyncOptions): Promise<SyncResult> {
    const { ctx, conn } = await this.context();
    return syncFolder(ctx, {
      dispatcher: conn.dispatcher, hasher: this.deps.hasher, resumeStore: this.deps.resumeStore, trash: this.deps.trash,
      logger: this.deps.logger, redact: conn.redact,
    }, localRoot, { owner: 'VS Code', ...o });
  }
}
