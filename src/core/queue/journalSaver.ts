/**
 * When the transfer list is written to its journal: at once on a state change
 * (a run queued, paused, failed, done), at most once a second for progress
 * (a file settled), and one write at a time, in order. What is written is
 * always the whole current list (transferJournal.ts writes it atomically).
 */
import type { Logger } from '../logger';
import type { TransferJournal } from './transferJournal';
import type { TransferRun } from './transferRun';

const SAVE_DELAY_MS = 1000;

export class JournalSaver {
  private timer?: ReturnType<typeof setTimeout>;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly journal: TransferJournal | undefined,
    /** The runs to write, current at the moment of writing. */
    private readonly runs: () => TransferRun[],
    private readonly logger: Logger,
  ) {}

  /** `soon`: write now (a state change); otherwise within SAVE_DELAY_MS. */
  schedule(soon: boolean): void {
    if (!this.journal) return;
    if (soon) {
      this.clearTimer();
      void this.save();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
    this.timer.unref?.();
  }

  /** Writes now; resolves when this and every earlier write are done. */
  async flush(): Promise<void> {
    this.clearTimer();
    await this.save();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private save(): Promise<void> {
    const journal = this.journal;
    if (!journal) return Promise.resolve();
    this.saving = this.saving.then(async () => {
      try {
        await journal.save(this.runs());
      } catch (e) {
        this.logger.warn(`Could not save the transfer list: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }
}
