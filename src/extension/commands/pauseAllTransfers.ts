/** koodrive.pauseAllTransfers (Transfers view title). */
import type { Services } from '../services';

export async function pauseAllTransfers(s: Services): Promise<void> {
  await s.transfers.queue.pauseAll();
}
