/**
 * koodrive.openRemoteFile: opens a KooDrive file from the `koodrive:` file
 * system. From the tree: the clicked file. From the palette ("Open Remote
 * File…"): a quick pick that browses spaces and folders down to a file.
 */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import { namesOfNode } from '../remoteFs/remoteUris';
import type { Services } from '../services';
import { pickRemoteFile } from '../ui/remoteBrowser';
import { isDriveNode } from '../views/treeNodes';

export async function openRemoteFile(s: Services, node?: unknown): Promise<void> {
  if (!s.remoteFiles) throw new KooDriveError('InvalidInput', 'The koodrive: file system is not available');
  if (node === undefined) {
    const picked = await pickRemoteFile(s, { title: l10n.t('Open Remote File') });
    await s.remoteFiles.open(picked.space, picked.names);
    return;
  }
  if (!isDriveNode(node) || node.kind !== 'file') throw new KooDriveError('InvalidInput', l10n.t('Select a file in the KooDrive view to open it.'));
  await s.remoteFiles.open(node.space, namesOfNode(node));
}
