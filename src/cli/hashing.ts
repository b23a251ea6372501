import * as path from 'node:path';
import { HashPool } from '../core/hash/hashPool';
import { ResumeStore } from '../core/upload/resumeStore';
import { UploadRunMarks } from '../core/upload/uploadRunMarks';
import { DownloadRecords } from '../core/queue/downloadRecords';
import type { UploadDeps } from '../core/upload/uploadFile';
import type { CliContext } from './context';
import { stateDir } from './stateDir';

/** One hash pool per CLI run, closed when the command ends. KOODRIVE_HASH_IMPL picks the SHA-256 implementation (default auto). */
export function hashPoolFor(ctx: CliContext): HashPool {
  const pool = new HashPool({ workerPath: ctx.hashWorkerPath, logger: ctx.logger });
  ctx.onDispose(() => pool.close());
  return pool;
}

export { stateDir };

/** Upload state lives in <state dir>/uploads. */
export function resumeStoreFor(): ResumeStore {
  return new ResumeStore(path.join(stateDir(), 'uploads'));
}

/**
 * Marks of upload commands that have not finished yet live in <state dir>/uploads/runs:
 * inside the resume-state folder, which a folder upload leaves out when it lies inside the uploaded folder.
 */
export function uploadRunMarksFor(): UploadRunMarks {
  return new UploadRunMarks(path.join(stateDir(), 'uploads', 'runs'));
}

/** Notes of unfinished downloads live in <state dir>/downloads. */
export function downloadRecordsFor(): DownloadRecords {
  return new DownloadRecords(path.join(stateDir(), 'downloads'));
}

export function uploadDepsFor(ctx: CliContext, opts: { resume: boolean }): UploadDeps {
  const drive = ctx.drive();
  return {
    client: drive.client,
    dispatcher: drive.dispatcher,
    hasher: hashPoolFor(ctx),
    resumeStore: opts.resume ? resumeStoreFor() : undefined,
    logger: ctx.logger,
  };
}
