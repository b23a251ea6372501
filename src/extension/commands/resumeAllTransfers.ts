/** koodrive.resumeAllTransfers (Transfers view title): queues every paused run again, in their original order. */
import type { Services } from '../services';

export async function resumeAllTransfers(s: Services): Promise<void> {
  await s.session.connection();
  await s.transfers.queue.resumeAll();
}
