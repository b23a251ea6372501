/**
 * When an upload's resume state is written: soon after a part succeeds
 * (coalesced, 250 ms), now at the milestones (task created, all parts sent,
 * a failure), one write at a time. A failed write is logged, never fails the
 * upload: it only costs resuming.
 */
import type { Logger } from '../logger';
import type { ResumeState, ResumeStore } from './resumeStore';

export interface ResumeSaver {
  soon(): void;
  now(): Promise<void>;
  stop(): Promise<void>;
}

export function resumeSaver(store: ResumeStore | undefined, state: ResumeState, logger: Logger, localPath: string): ResumeSaver {
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    writing = writing.then(() => store?.save({ ...state, partsDone: [...state.partsDone], midstates: { ...state.midstates } })).catch((e) => {
      logger.warn(`Could not save upload state for ${localPath}: ${(e as Error).message}`);
    });
    return writing;
  };
  return {
    soon: () => {
      if (!store || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void write();
      }, 250);
    },
    now: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      return store ? write() : Promise.resolve();
    },
    stop: async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await writing;
    },
  };
}
