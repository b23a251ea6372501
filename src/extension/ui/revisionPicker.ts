/** The versions of a KooDrive file in a quick pick: version, date, author, keep-forever. */
import type { KooDriveClient } from '../../core/api/koodriveClient';
import type { Revision, SpaceRef } from '../../core/api/models';
import { l10n } from '../l10n';
import { formatBytes, formatDateTime } from './format';
import type { PickItem, Prompts } from './prompts';

export const REVISION_PROMPT = 'revision.pick';
const MAX_PAGES = 20;

export interface RevisionItem extends PickItem {
  revision: Revision;
}

export async function listAllRevisions(client: Pick<KooDriveClient, 'listRevisions'>, space: SpaceRef, fileId: string, signal?: AbortSignal): Promise<Revision[]> {
  const out: Revision[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await client.listRevisions(space, fileId, { cursor, signal });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out.sort((a, b) => b.version - a.version);
}

export function revisionLabel(r: Revision): string {
  return l10n.t('Version {0}', r.version);
}

export function revisionItem(r: Revision): RevisionItem {
  const description = [
    r.isLatest ? l10n.t('latest') : undefined,
    formatDateTime(r.createdAt),
    r.createdBy,
  ].filter(Boolean).join(' · ');
  const detail = [
    r.keepForever ? `$(pinned) ${l10n.t('Kept forever')}` : undefined,
    r.reason === 'restored' ? l10n.t('Restored from an earlier version') : undefined,
    r.size !== undefined ? formatBytes(r.size) : undefined,
  ].filter(Boolean).join(' · ');
  return { id: r.revisionId, label: `${r.isLatest ? '$(star-full)' : '$(versions)'} ${revisionLabel(r)}`, description, detail: detail || undefined, revision: r };
}

export async function pickRevision(prompts: Prompts, revisions: Revision[], opts: { title: string; placeholder: string; filter?(r: Revision): boolean }): Promise<Revision> {
  const items = revisions.filter((r) => opts.filter?.(r) ?? true).map(revisionItem);
  const chosen = await prompts.pick(items, { id: REVISION_PROMPT, title: opts.title, placeholder: opts.placeholder, matchOnDescription: true });
  return chosen.revision;
}
