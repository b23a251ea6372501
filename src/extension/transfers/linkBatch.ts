import type { FileLink } from '../stores/linkStore';

type NewLink = Omit<FileLink, 'linkedAt'>;

/**
 * The links (local file ↔ remote file) a run makes, saved in batches as files
 * settle instead of all at the end: a run of 100 000 files holds at most one
 * batch. Saves are chained (one at a time, in order); a failed save is passed
 * to `onError` and the run goes on.
 */
export class LinkBatch {
  private pending: NewLink[] = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly save: (links: readonly NewLink[]) => Promise<void>,
    private readonly onError: (e: unknown) => void,
    private readonly size = 500,
  ) {}

  /** Links held, not yet handed to the store. */
  get held(): number {
    return this.pending.length;
  }

  add(link: NewLink): void {
    this.pending.push(link);
    if (this.pending.length >= this.size) this.handOver();
  }

  /** Saves what is left; resolves once every save is done. */
  async flush(): Promise<void> {
    this.handOver();
    await this.saving;
  }

  private handOver(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.saving = this.saving.then(() => this.save(batch)).catch((e: unknown) => this.onError(e));
  }
}
