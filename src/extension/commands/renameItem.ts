/** koodrive.renameItem ("Rename…" on a tree file or folder). */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { requireItem } from '../targets';
import { baseNameSelection, validateRemoteName } from '../ui/remoteNames';

export const RENAME_PROMPT = 'renameItem.name';

export async function renameItem(s: Services, node?: unknown): Promise<void> {
  const target = requireItem(node);
  const old = target.item.name;
  const name = (await s.prompts.input({
    id: RENAME_PROMPT,
    title: l10n.t('Rename {0}', old),
    prompt: l10n.t('New name'),
    value: old,
    valueSelection: baseNameSelection(old, target.item.isFolder),
    validate: validateRemoteName,
  })).trim();
  if (name === old) return;
  const conn = await s.session.connection();
  await conn.client.renameFile(target.space, target.item.id, name, { renameMode: 3 });
  s.logger.info(`Renamed ${old} (${target.item.id}) to ${name}`);
  s.tree.refreshNode(target.parent);
}
