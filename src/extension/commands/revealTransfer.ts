/** koodrive.revealTransfer: shows the local side of a run (the uploaded item, or the download folder / failed file) in the Explorer. */
import * as path from 'node:path';
import type { Services } from '../services';
import type { DownloadRunRequest, UploadRunRequest } from '../transfers/transferService';
import { isTransferNode, transferFromArgs } from './transferArgs';

export async function revealTransfer(s: Services, node?: unknown): Promise<void> {
  const run = transferFromArgs(s, node);
  if (isTransferNode(node) && node.kind === 'transferFile' && path.isAbsolute(node.path)) return s.host.revealLocal(node.path);
  if (isTransferNode(node) && node.kind === 'transferFailure' && path.isAbsolute(node.failure.path)) return s.host.revealLocal(node.failure.path);
  const req = run.request as UploadRunRequest | DownloadRunRequest;
  await s.host.revealLocal(req.kind === 'upload' ? req.paths[0] : req.targetDir);
}
