/**
 * A local file already where a download would go: the policies (fail,
 * overwrite, skip, rename = keep both, ask), the question put to the host,
 * and the decider that asks one question at a time and remembers "apply to
 * all".
 */
import type { Stats } from 'node:fs';
import { isCancellation, KooDriveError } from '../errors';
import type { PlannedFile } from './downloadPlan';

/** What to do when the local file already exists. 'ask' calls `onConflict`. */
export type ConflictPolicy = 'fail' | 'overwrite' | 'skip' | 'rename' | 'ask';
/** One decision: replace it, keep it, keep both ("name (1).ext"), or fail this file. */
export type ConflictAction = 'fail' | 'overwrite' | 'skip' | 'rename';

export interface ConflictQuestion {
  fileId: string;
  remotePath: string;
  localPath: string;
  remote: { size: number; modifiedTime?: string };
  existing: { size: number; modifiedMs: number; isFolder: boolean };
}

export interface ConflictAnswer {
  action: ConflictAction;
  /** Apply the same action to every later conflict of this download. */
  applyToAll?: boolean;
}

/** Asked one conflict at a time (never concurrently), in download order. Throwing a cancellation cancels the download. */
export type ConflictHandler = (question: ConflictQuestion) => Promise<ConflictAnswer>;

/** One question at a time; "apply to all" answers every later conflict. */
export class ConflictDecider {
  private forAll?: ConflictAction;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly policy: ConflictPolicy,
    private readonly handler?: ConflictHandler,
    /** Called when the handler throws a cancellation (the user dismissed the question). */
    private readonly onCancel?: (reason: unknown) => void,
  ) {}

  decide(q: ConflictQuestion): Promise<ConflictAction> {
    if (this.policy !== 'ask') return Promise.resolve(this.policy);
    if (this.forAll) return Promise.resolve(this.forAll);
    const answer = this.queue.then(async (): Promise<ConflictAction> => {
      if (this.forAll) return this.forAll;
      let a: ConflictAnswer;
      try {
        a = await this.handler!(q);
      } catch (err) {
        if (isCancellation(err)) this.onCancel?.(err);
        throw err;
      }
      if (!['fail', 'overwrite', 'skip', 'rename'].includes(a?.action)) {
        throw new KooDriveError('InvalidInput', `Unknown conflict answer "${String(a?.action)}"`);
      }
      if (a.applyToAll) this.forAll = a.action;
      return a.action;
    });
    this.queue = answer.catch(() => undefined);
    return answer;
  }
}

export function conflictQuestion(job: PlannedFile, localPath: string, existing: Stats): ConflictQuestion {
  return {
    fileId: job.item.id,
    remotePath: job.remotePath,
    localPath,
    remote: { size: job.item.size, modifiedTime: job.item.modifiedTime },
    existing: { size: existing.size, modifiedMs: existing.mtimeMs, isFolder: existing.isDirectory() },
  };
}

export function alreadyExists(localPath: string, policy: ConflictPolicy): KooDriveError {
  const hint = policy === 'fail' ? ' (choose overwrite, skip or rename to download it anyway)' : '';
  return new KooDriveError('Conflict', `${localPath} already exists${hint}`, { subject: localPath });
}
