/** koodrive.clearFinishedTransfers (Transfers view title): removes done and cancelled rows. */
import type { Services } from '../services';

export async function clearFinishedTransfers(s: Services): Promise<void> {
  const n = s.transfers.queue.clearFinished();
  s.logger.info(`Cleared ${n} finished transfer(s)`);
}
