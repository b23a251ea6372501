/**
 * koodrive.cancelAllTransfers ("Cancel All", Transfers view title): cancels
 * every run that is not finished (queued, running, paused, failed), each as
 * "Cancel" does. Asks once first when, all together, more than a few MiB
 * were already sent.
 */
import { formatBytes } from '../../core/format';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { bytesSent, CANCEL_CONFIRM_BYTES } from './cancelTransfer';

export const CANCEL_ALL_CONFIRM_PROMPT = 'transfers.cancelAll';

export async function cancelAllTransfers(s: Services): Promise<void> {
  const runs = s.transfers.queue.list().filter((r) => r.state === 'queued' || r.state === 'running' || r.state === 'paused' || r.state === 'failed');
  if (runs.length === 0) {
    s.notifier.flash(l10n.t('No transfers to cancel.'));
    return;
  }
  let sent = 0;
  for (const run of runs) sent += await bytesSent(s, run);
  if (sent > CANCEL_CONFIRM_BYTES) {
    await s.prompts.confirm({
      id: CANCEL_ALL_CONFIRM_PROMPT,
      message: runs.length === 1 ? l10n.t('Cancel "{0}"?', runs[0].name) : l10n.t('Cancel {0} transfers?', runs.length),
      detail: l10n.t('{0} were already transferred. Cancelling discards them: starting again sends everything anew.', formatBytes(sent)),
      confirmLabel: l10n.t('Cancel All'),
    });
  }
  await Promise.all(runs.map((r) => s.transfers.queue.cancel(r.id)));
  s.logger.info(`Cancelled ${runs.length} transfer(s): ${runs.map((r) => `${r.direction} ${r.name}`).join(', ')}`);
}
