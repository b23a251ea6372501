/** koodrive.openRemoteFile: clicking a file in the KooDrive tree opens it from the `koodrive:` file system. */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import { namesOfNode } from '../remoteFs/remoteUris';
import type { Services } from '../services';
import { isDriveNode } from '../views/treeNodes';

export async function openRemoteFile(s: Services, node?: unknown): Promise<void> {
  if (!isDriveNode(node) || node.kind !== 'file') throw new KooDriveError('InvalidInput', l10n.t('Select a file in the KooDrive view to open it.'));
  if (!s.remoteFiles) throw new KooDriveError('InvalidInput', 'The koodrive: file system is not available');
  await s.remoteFiles.open(node.space, namesOfNode(node));
}
