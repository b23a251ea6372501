/** koodrive.showLog: the KooDrive log channel (requests, transfers, errors). */
import type { Services } from '../services';

export async function showLog(s: Services): Promise<void> {
  s.host.showLog();
}
