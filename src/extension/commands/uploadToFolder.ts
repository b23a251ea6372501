/** koodrive.uploadToFolder ("Upload Here…" on a tree folder or space): files chosen in the open dialog. */
import { l10n } from '../l10n';
import type { Services } from '../services';
import { requireContainer } from '../targets';
import { reportUpload, runUpload, UploadRequest } from '../transfers/runUpload';
import { displayPath, folderIdOf } from '../views/treeNodes';

export const UPLOAD_FILES_PROMPT = 'upload.files';

export async function uploadToFolder(s: Services, node?: unknown): Promise<void> {
  const container = requireContainer(node);
  const where = displayPath(container);
  const paths = await s.prompts.open({
    id: UPLOAD_FILES_PROMPT,
    title: l10n.t('Upload to {0}', where),
    openLabel: l10n.t('Upload'),
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: true,
    defaultPath: s.host.workspaceFolders()[0]?.path,
  });
  const req: UploadRequest = { paths, destination: { space: container.space, folderId: folderIdOf(container), path: where } };
  await reportUpload(s, req, await runUpload(s, req));
}
