/** koodrive.retryTransfer ("Retry Failed"): runs the failed files of a run again (or the whole run if it failed as a whole). */
import type { Services } from '../services';
import { transferFromArgs } from './transferArgs';

export async function retryTransfer(s: Services, node?: unknown): Promise<void> {
  const run = transferFromArgs(s, node);
  await s.session.connection();
  await s.transfers.queue.retry(run.id);
  s.logger.info(`Retrying ${run.failed.length || 'all'} file(s) of ${run.direction} ${run.name}`);
}
