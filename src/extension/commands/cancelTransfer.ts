/**
 * koodrive.cancelTransfer: stops the run and forgets its resume state (upload)
 * or partial files (download). Asks first when more than a few MiB were
 * already sent, counting what the upload engine's resume store recorded
 * (after a reload the run's own counters know only the finished files).
 */
import { uploadStateBytes } from '../../core/queue/discardState';
import { formatBytes } from '../../core/format';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { UploadRunRequest } from '../transfers/transferService';
import type { RunView } from '../../core/queue/runView';
import { transferFromArgs } from './transferArgs';

export const CANCEL_CONFIRM_PROMPT = 'transfers.cancel';
/** Below this, cancelling loses too little to ask. */
export const CANCEL_CONFIRM_BYTES = 4 * 1024 * 1024;

export async function cancelTransfer(s: Services, node?: unknown): Promise<void> {
  const run = transferFromArgs(s, node);
  const sent = await bytesSent(s, run);
  if (sent > CANCEL_CONFIRM_BYTES && run.state !== 'done' && run.state !== 'cancelled') {
    await s.prompts.confirm({
      id: CANCEL_CONFIRM_PROMPT,
      message: l10n.t('Cancel "{0}"?', run.name),
      detail: l10n.t('{0} were already transferred. Cancelling discards them: starting again sends everything anew.', formatBytes(sent)),
      confirmLabel: l10n.t('Cancel Transfer'),
    });
  }
  await s.transfers.queue.cancel(run.id);
  s.logger.info(`Cancelled ${run.direction} ${run.name}`);
}

/** What cancelling `run` would discard: its bytes, or what the upload engine's resume store recorded when that is more. */
export async function bytesSent(s: Services, run: RunView): Promise<number> {
  let sent = run.bytesDone;
  if (run.direction === 'upload' && s.resumeStore) {
    const req = run.request as UploadRunRequest;
    sent = Math.max(sent, run.done.bytes + (await uploadStateBytes(s.resumeStore, req.paths, req.destination.space.containerId, req.destination.folderId)));
  }
  return sent;
}
