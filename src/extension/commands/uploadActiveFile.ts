/** koodrive.uploadActiveFile: the file in the active editor (saved first), or the editor-title/context file. */
import type { Services } from '../services';
import { localFileFromArg } from '../targets';
import { reportUpload, runUpload, UploadRequest } from '../transfers/runUpload';
import { pickUploadDestination } from '../ui/uploadDestination';

export async function uploadActiveFile(s: Services, uri?: unknown): Promise<void> {
  const localPath = localFileFromArg(s, uri);
  await s.host.saveIfDirty(localPath);
  const req: UploadRequest = { paths: [localPath], destination: await pickUploadDestination(s) };
  await reportUpload(s, req, await runUpload(s, req));
}
