/** koodrive.downloadItems: the selected tree files and folders into a local folder (asked, remembered). */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { itemNodesFromArgs } from '../targets';
import { reportDownload, runDownload } from '../transfers/runDownload';
import { pickDownloadFolder } from '../ui/downloadFolderPicker';
import { folderIdOf } from '../views/treeNodes';

export async function downloadItems(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const items = itemNodesFromArgs(node, nodes);
  if (items.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select the files or folders to download in the KooDrive view.'));
  const targetDir = await pickDownloadFolder(s);
  const outcome = await runDownload(s, items.map((n) => ({ space: n.space, item: n.item, parentId: folderIdOf(n.parent) })), targetDir);
  await reportDownload(s, targetDir, outcome);
}
