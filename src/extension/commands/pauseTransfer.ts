/** koodrive.pauseTransfer: stops the run's part requests now; its resume state is kept for Resume. */
import type { Services } from '../services';
import { transferFromArgs } from './transferArgs';

export async function pauseTransfer(s: Services, node?: unknown): Promise<void> {
  const run = transferFromArgs(s, node);
  await s.transfers.queue.pause(run.id);
  s.logger.info(`Paused ${run.direction} ${run.name}`);
}
