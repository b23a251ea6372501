/**
 * koodrive.searchFiles ("KooDrive: Search…", palette and the tree's title
 * bar): search by name as you type, in the space the command was invoked on
 * or in all spaces; the chosen result is revealed in the tree (its folders
 * expanded), opened, or downloaded.
 */
import * as path from 'node:path';
import { KooDriveError } from '../../core/errors';
import { searchDrive } from '../../core/organize/search';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { reportDownload, runDownload } from '../transfers/runDownload';
import { pickDownloadFolder } from '../ui/downloadFolderPicker';
import type { PickItem } from '../ui/prompts';
import { isDriveNode, spaceKey } from '../views/treeNodes';
import { spaceKindLabel } from '../views/treePresentation';

export const SEARCH_SCOPE_PROMPT = 'searchFiles.scope';

export async function searchFiles(s: Services, node?: unknown): Promise<void> {
  if (!s.search) throw new KooDriveError('InvalidInput', l10n.t('Search is not available here.'));
  const conn = await s.session.connection();
  const spaces = await s.tree.listSpaces();
  const initial = isDriveNode(node) && 'space' in node ? node.space : undefined;
  const choice = await s.search.pick({
    scope: initial,
    search: (scope, keyword, cursor, signal) =>
      searchDrive(conn.client, { keyword, scope: scope ? { space: scope } : { all: spaces }, cursor, signal }),
    chooseScope: async () => {
      const items: Array<PickItem & { space?: (typeof spaces)[number] }> = [
        { id: 'all', label: `$(globe) ${l10n.t('All spaces')}` },
        ...spaces.map((sp) => ({ id: `space:${spaceKey(sp)}`, label: sp.name, description: spaceKindLabel(sp), space: sp })),
      ];
      try {
        const picked = await s.prompts.pick(items, { id: SEARCH_SCOPE_PROMPT, title: l10n.t('Search KooDrive'), placeholder: l10n.t('Search in…') });
        return { scope: picked.space };
      } catch (e) {
        if (KooDriveError.is(e, 'Cancelled')) return undefined;
        throw e;
      }
    },
  });
  if (!choice) return;
  const { result } = choice;
  const space = result.space ?? spaces.find((sp) => sp.containerId === result.containerId);
  if (!space) throw new KooDriveError('NotFound', l10n.t('{0} is in a space this view does not show.', result.item.name));
  s.logger.info(`Search result chosen (${choice.action}): ${result.item.name} (${result.item.id}) in ${space.name}/${result.folderPath}`);
  const revealed = await s.tree.revealItem(space, result.folderIds, result.item.id);
  if (choice.action === 'reveal') {
    if (!revealed) throw new KooDriveError('NotFound', l10n.t('{0} is no longer where the search found it. Refresh the view and search again.', result.item.name));
    return;
  }
  const parentId = result.folderIds[result.folderIds.length - 1] ?? space.rootFolderId;
  const selection = [{ space, item: result.item, parentId }];
  if (choice.action === 'download') {
    const targetDir = await pickDownloadFolder(s);
    await reportDownload(s, targetDir, await runDownload(s, selection, targetDir));
    return;
  }
  // Open: a private copy, opened in an editor (linked, so "Save as New Revision" works from it).
  const dir = path.join(s.tempDir, 'open', `${result.item.id}-${Date.now()}`);
  const outcome = await runDownload(s, selection, dir);
  const local = outcome.firstDownloaded?.localPath;
  if (!local) {
    const failed = outcome.failures.find((f) => f.error)?.error;
    throw failed ?? new KooDriveError('ApiError', l10n.t('Could not open {0}.', result.item.name));
  }
  await s.search.openFile(local);
}
