/**
 * Carries out a plan, file by file, each step verified before the base moves
 * (docs/sync.md, "Apply"). The base entry of a path is written (journal
 * line) only after that path's transfer is verified: sha256 equal on both
 * sides. A run killed at any point leaves a base from which the next run
 * converges: no duplicate, nothing lost.
 */
import type { Dispatcher } from 'undici';
import type { KooDriveClient } from '../api/koodriveClient';
import type { Logger } from '../logger';
import type { ProgressListener } from '../progress';
import type { FileHasher } from '../upload/fileHasher';
import type { ResumeStore } from '../upload/resumeStore';
import type { BaseJournal } from './syncState';
import type { ApplyResult, Base, LocalTrash, SyncEvent, SyncPlan } from './syncTypes';

export interface ApplyDeps {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  /** The upload engine's hasher (the hash pool). */
  hasher: FileHasher;
  resumeStore?: ResumeStore;
  /** Where local files go instead of being unlinked (CLI: folderTrash; extension: the OS trash). */
  trash: LocalTrash;
  logger?: Logger;
  /** Removes secrets from messages. */
  redact?(text: string): string;
}

export interface ApplyOptions {
  /** The base as loaded; updated in memory as paths are verified. */
  base: Base;
  /** Receives every base change as it is made (crash safety). */
  journal: BaseJournal;
  /** Files transferred at a time; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Bytes, per file (phase uploading/downloading/hashing); hosts throttle. */
  onProgress?: ProgressListener;
  /** One event per path as it starts, ends, fails or turns out to be a conflict. */
  onEvent?(event: SyncEvent): void;
  /** Clock for conflict names (tests). */
  now?(): Date;
}

export async function applyPlan(_deps: ApplyDeps, _plan: SyncPlan, _o: ApplyOptions): Promise<ApplyResult> {
  throw new Error('applyPlan: not implemented yet');
}
