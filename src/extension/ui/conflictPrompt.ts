/**
 * The download conflict question: Replace / Keep both / Skip, each also
 * "for all remaining conflicts". Dismissing it cancels the download.
 */
import * as path from 'node:path';
import type { ConflictAnswer, ConflictHandler, ConflictQuestion } from '../../core/download/downloadConflicts';
import { l10n } from '../l10n';
import { formatBytes, formatDateTime, parseRemoteTime } from './format';
import type { PickItem, Prompts } from './prompts';

export const CONFLICT_PROMPT = 'download.conflict';

interface ConflictItem extends PickItem {
  answer?: ConflictAnswer;
}

export function conflictAsker(prompts: Prompts): ConflictHandler {
  return async (q: ConflictQuestion) => {
    const name = path.basename(q.localPath);
    const remote = describe(q.remote.size, parseRemoteTime(q.remote.modifiedTime));
    const local = q.existing.isFolder ? l10n.t('a folder') : describe(q.existing.size, q.existing.modifiedMs);
    const items: ConflictItem[] = [
      { id: 'overwrite', label: l10n.t('Replace'), description: l10n.t('Save the KooDrive file ({0}) over the local one', remote), answer: { action: 'overwrite' } },
      { id: 'rename', label: l10n.t('Keep Both'), description: l10n.t('Save the KooDrive file under a new name'), answer: { action: 'rename' } },
      { id: 'skip', label: l10n.t('Skip'), description: l10n.t('Keep the local file ({0})', local), answer: { action: 'skip' } },
      { id: 'sep', label: l10n.t('For this and all remaining conflicts'), separator: true },
      { id: 'overwrite-all', label: l10n.t('Replace All'), answer: { action: 'overwrite', applyToAll: true } },
      { id: 'rename-all', label: l10n.t('Keep Both for All'), answer: { action: 'rename', applyToAll: true } },
      { id: 'skip-all', label: l10n.t('Skip All'), answer: { action: 'skip', applyToAll: true } },
    ];
    const chosen = await prompts.pick(items, {
      id: CONFLICT_PROMPT,
      title: l10n.t('"{0}" already exists', name),
      placeholder: l10n.t('{0} already exists in {1}. What should KooDrive do?', name, path.dirname(q.localPath)),
      ignoreFocusOut: true,
    });
    return chosen.answer ?? { action: 'skip' };
  };
}

function describe(size: number, modifiedMs: number | undefined): string {
  const when = formatDateTime(modifiedMs);
  return when ? `${formatBytes(size)}, ${when}` : formatBytes(size);
}
