/** koodrive.resumeTransfer: queues a paused run again; settled files are skipped, interrupted ones continue. */
import type { Services } from '../services';
import { transferFromArgs } from './transferArgs';

export async function resumeTransfer(s: Services, node?: unknown): Promise<void> {
  const run = transferFromArgs(s, node);
  await s.session.connection(); // signed out: the wrapper asks to sign in first
  await s.transfers.queue.resume(run.id);
  s.logger.info(`Resumed ${run.direction} ${run.name}`);
}
