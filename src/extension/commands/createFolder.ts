/** koodrive.createFolder ("New Folder…" on a tree space or folder). */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { requireContainer } from '../targets';
import { validateRemoteName } from '../ui/remoteNames';
import { displayPath, folderIdOf } from '../views/treeNodes';

export const NEW_FOLDER_PROMPT = 'createFolder.name';

export async function createFolder(s: Services, node?: unknown): Promise<void> {
  const container = requireContainer(node);
  const where = displayPath(container);
  const name = (await s.prompts.input({
    id: NEW_FOLDER_PROMPT,
    title: l10n.t('New Folder in {0}', where),
    prompt: l10n.t('Name of the new folder'),
    placeholder: l10n.t('Folder name'),
    validate: validateRemoteName,
  })).trim();
  const conn = await s.session.connection();
  // renameMode 3: an existing name is a Conflict error, not a silently renamed folder.
  const folder = await conn.client.createFolder(container.space, folderIdOf(container), name, { renameMode: 3 });
  s.logger.info(`Created folder ${where}/${folder.name} (${folder.id})`);
  s.tree.refreshNode(container);
  s.notifier.flash(l10n.t('Created folder {0}', folder.name));
}
