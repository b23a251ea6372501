/**
 * koodrive.retryFailedTransfers ("Retry All Failed", Transfers view title):
 * every failed run again, each as "Retry Failed" does (its failed files, or
 * the whole run when it failed as a whole).
 */
import { l10n } from '../l10n';
import type { Services } from '../services';

export async function retryFailedTransfers(s: Services): Promise<void> {
  const failed = s.transfers.queue.list().filter((r) => r.state === 'failed');
  if (failed.length === 0) {
    s.notifier.flash(l10n.t('No failed transfers.'));
    return;
  }
  // A failed sign-in stops here once, with the error wrapper's "Sign in", not once per run.
  await s.session.connection();
  for (const run of failed) await s.transfers.queue.retry(run.id);
  s.logger.info(`Retrying ${failed.length} failed transfer(s): ${failed.map((r) => `${r.direction} ${r.name}`).join(', ')}`);
}
