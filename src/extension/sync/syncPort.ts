/**
 * What the sync commands (src/extension/commands/sync*.ts) may ask of the
 * Source Control view of linked folders (syncController.ts), without VS
 * Code, so the handlers stay importable in plain Node.
 */
import type { SpaceRef } from '../../core/api/models';
import type { SyncLink, SyncPlan } from '../../core/sync/syncTypes';
import type { RunView } from '../../core/queue/runView';
import type { SyncRunRequest } from '../transfers/transferService';
import type { GroupId } from './syncModel';

/** A row of the Source Control view, as a command receives it. */
export interface SyncResourceRef {
  localRoot: string;
  path: string;
  group: GroupId;
}

export interface SyncPort {
  /** The link of this folder (any spelling), if linked. */
  findLink(localDir: string): Promise<SyncLink | undefined>;
  link(localDir: string, target: { space: SpaceRef; folderId: string; remotePath: string }): Promise<SyncLink>;
  /** Forgets the link and removes its Source Control entry; both sides stay as they are. */
  unlink(localDir: string): Promise<SyncLink>;
  /** What a sync would do now (nothing changes). */
  preview(localRoot: string): Promise<SyncPlan>;
  /** One sync as one run in the Transfers view; resolves when it settled, the view refreshed. */
  run(localRoot: string, request: Omit<SyncRunRequest, 'kind' | 'localRoot'>): Promise<RunView | undefined>;
  /** Re-reads both sides of one link (all links when absent). */
  refresh(localRoot?: string): Promise<void>;
  /** The rows a command was invoked on (the clicked one and the selection). */
  resourcesOf(args: readonly unknown[]): SyncResourceRef[];
  /** The link root a title action was invoked on (its SourceControl), or of the only/active link. */
  linkRootOf(arg: unknown): string | undefined;
  /** Opens the local file (or the KooDrive file when there is no local one). */
  open(ref: SyncResourceRef): Promise<void>;
  /** Shows the Source Control view. */
  showView(): Promise<void>;
}
