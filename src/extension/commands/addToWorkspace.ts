/** koodrive.addToWorkspace: a tree folder or space becomes a `koodrive:` workspace folder (the Explorer then works on KooDrive). */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import { namesOfNode } from '../remoteFs/remoteUris';
import type { Services } from '../services';
import { isContainerNode } from '../views/treeNodes';

export async function addToWorkspace(s: Services, node?: unknown): Promise<void> {
  if (!isContainerNode(node)) throw new KooDriveError('InvalidInput', l10n.t('Select a folder or space in the KooDrive view first.'));
  if (!s.remoteFiles) throw new KooDriveError('InvalidInput', 'The koodrive: file system is not available');
  await s.remoteFiles.addToWorkspace(node.space, namesOfNode(node));
}
