/**
 * koodrive.uploadFiles ("Upload to KooDrive", Explorer context menu): the
 * selected files and folders, into a folder chosen in a quick pick. Also the
 * target of "Retry Failed" (an UploadRequest as third argument: no prompt).
 */
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { localPathsFromArgs } from '../targets';
import { isUploadRequest, reportUpload, runUpload, UploadRequest } from '../transfers/runUpload';
import { pickUploadDestination } from '../ui/uploadDestination';

export async function uploadFiles(s: Services, uri?: unknown, uris?: unknown, request?: unknown): Promise<void> {
  let req: UploadRequest;
  if (isUploadRequest(request)) {
    req = request;
  } else {
    const paths = localPathsFromArgs(uri, uris);
    if (paths.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Select the files or folders to upload in the Explorer.'));
    req = { paths, destination: await pickUploadDestination(s) };
  }
  await reportUpload(s, req, await runUpload(s, req));
}
