/**
 * How move, copy, restore and permanent delete report their batch jobs: a
 * cancellable progress notification while the job runs, then a status-bar
 * flash when every item went as asked, or a warning naming each item that
 * failed (with the reason), was renamed because its name was taken, or was
 * restored to the top of its space. Every item is written to the log.
 */
import { isCancellation } from '../../core/errors';
import type { BatchJobOptions, JobProgress } from '../../core/organize/batchJob';
import type { ItemOutcome, OrganizeOutcome } from '../../core/organize/organizeItems';
import { l10n } from '../l10n';
import type { Services } from '../services';

/** Lines shown in the warning before "and N more". */
const MAX_LINES = 8;

/**
 * Runs `work` under a cancellable progress notification. Cancel stops the
 * waiting; the API has no way to cancel a job, so the user is told that
 * KooDrive may still finish it. Returns undefined when cancelled.
 */
export async function withJobProgress(s: Services, title: string, work: (o: BatchJobOptions) => Promise<OrganizeOutcome>): Promise<OrganizeOutcome | undefined> {
  try {
    return await s.progress.run({ title }, (report, signal) => work({
      signal,
      onProgress: (p: JobProgress) => report({ message: p.percent === undefined ? l10n.t('Waiting for KooDrive…') : l10n.t('Waiting for KooDrive… {0}%', p.percent) }),
    }));
  } catch (e) {
    if (!isCancellation(e)) throw e;
    s.logger.info(`${title}: stopped waiting (the job may still finish on the server)`);
    void s.notifier.info(l10n.t('Stopped waiting. KooDrive may still finish the job: refresh the view to see the result.'));
    return undefined;
  }
}

export function describeItem(o: ItemOutcome): string | undefined {
  const label = o.name ?? o.fileId;
  if (!o.ok) return l10n.t('{0}: {1}', label, o.reason ?? l10n.t('failed'));
  if (o.restoredToRoot) return l10n.t('{0}: its folder no longer exists, restored to the top of the space', label);
  if (o.renamedTo) return l10n.t('{0}: the name was taken, now called "{1}"', label, o.renamedTo);
  return undefined;
}

/** `done` is the flash text when every item simply succeeded. */
export async function reportOrganize(s: Services, outcome: OrganizeOutcome, what: string, done: string): Promise<void> {
  for (const i of outcome.items) {
    s.logger.info(`${what}: ${i.name ?? ''} (${i.fileId}) ${i.ok ? 'ok' : `failed [${i.apiCode ?? i.errorCode}] ${i.reason ?? ''}`}${i.renamedTo ? ` renamed to ${i.renamedTo}` : ''}${i.restoredToRoot ? ' restored to the root' : ''}`);
  }
  const notes = outcome.items.map(describeItem).filter((x): x is string => Boolean(x));
  if (notes.length === 0) {
    s.notifier.flash(done);
    return;
  }
  const failed = outcome.items.filter((i) => !i.ok).length;
  const head = failed === 0
    ? l10n.t('{0}: done, with notes', what)
    : l10n.t('{0}: {1} of {2} items failed', what, failed, outcome.items.length);
  const shown = notes.slice(0, MAX_LINES);
  const more = notes.length > MAX_LINES ? [l10n.t('…and {0} more (see the log)', notes.length - MAX_LINES)] : [];
  const message = [head, ...shown, ...more].join('\n');
  const show = l10n.t('Show Log');
  const choice = failed === 0 ? await s.notifier.info(message, show) : await s.notifier.warn(message, show);
  if (choice === show) s.host.showLog();
}
