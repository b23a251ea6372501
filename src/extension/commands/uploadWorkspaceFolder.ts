/** koodrive.uploadWorkspaceFolder: a whole workspace folder (asks which when there are several), honouring koodrive.upload.exclude and .gitignore. */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { reportUpload, runUpload, UploadRequest } from '../transfers/runUpload';
import { pickUploadDestination } from '../ui/uploadDestination';

export const WORKSPACE_FOLDER_PROMPT = 'upload.workspaceFolder';

export async function uploadWorkspaceFolder(s: Services): Promise<void> {
  const folders = s.host.workspaceFolders();
  if (folders.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Open a folder first: there is no workspace folder to upload.'));
  let dir = folders[0].path;
  if (folders.length > 1) {
    const chosen = await s.prompts.pick(folders.map((f) => ({ id: f.path, label: f.name, description: f.path })), {
      id: WORKSPACE_FOLDER_PROMPT,
      title: l10n.t('Upload Workspace Folder'),
      placeholder: l10n.t('Choose the workspace folder to upload'),
    });
    dir = chosen.id;
  }
  const req: UploadRequest = { paths: [dir], destination: await pickUploadDestination(s) };
  await reportUpload(s, req, await runUpload(s, req));
}
