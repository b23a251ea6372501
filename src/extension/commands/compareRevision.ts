/**
 * koodrive.compareRevision: a diff editor between a KooDrive version
 * (downloaded to a private temp folder, read-only) and the linked local file.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Revision } from '../../core/api/models';
import { KooDriveError } from '../../core/errors';
import { downloadRevision } from '../../core/download/downloadRevision';
import { toLocalName } from '../../core/bytes/localNames';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { RemoteFileTarget, resolveRemoteFile } from '../targets';
import { listAllRevisions, pickRevision } from '../ui/revisionPicker';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';

export async function compareRevision(s: Services, arg?: unknown): Promise<void> {
  const target = await resolveRemoteFile(s, arg);
  requireLocal(target);
  const conn = await s.session.connection();
  const revisions = await listAllRevisions(conn.client, target.space, target.fileId);
  const rev = await pickRevision(s.prompts, revisions, {
    title: l10n.t('Compare a Version of {0} with Local', target.name),
    placeholder: l10n.t('Choose the version to compare with {0}', path.basename(target.localPath ?? target.name)),
  });
  await compareWithLocal(s, target, rev);
}

export async function compareWithLocal(s: Services, target: RemoteFileTarget, rev: Revision): Promise<void> {
  const localPath = requireLocal(target);
  const dir = path.join(s.tempDir, 'versions', createHash('sha256').update(`${target.space.containerId}/${target.fileId}/${rev.revisionId}`).digest('hex').slice(0, 16));
  const copy = path.join(dir, toLocalName(target.name));
  // Versions never change: a copy fetched earlier is reused.
  if (!(await stat(copy).then((st) => st.isFile(), () => false))) {
    await mkdir(dir, { recursive: true });
    const conn = await s.session.connection();
    await s.progress.run({ title: l10n.t('Downloading version {0} of {1}', rev.version, target.name), transfer: true }, async (report, signal) => {
      const tracker = new TransferTracker('download', { files: 1, bytes: rev.size });
      const throttled = new ThrottledProgress(tracker, report);
      try {
        await downloadRevision({ client: conn.client, dispatcher: conn.dispatcher, logger: s.logger, redact: conn.redact }, target.space, target.fileId, rev, copy, {
          signal,
          onProgress: throttled.onProgress,
        });
      } finally {
        throttled.flush();
      }
    });
    await chmod(copy, 0o444).catch(() => undefined);
  }
  await s.host.openDiff(copy, localPath, l10n.t('{0} (KooDrive version {1}) ↔ {2} (local)', target.name, rev.version, path.basename(localPath)));
}

function requireLocal(target: RemoteFileTarget): string {
  if (!target.localPath) {
    throw new KooDriveError('InvalidInput', l10n.t('No local copy of {0} is known. Download it first, or run this on the local file.', target.name));
  }
  return target.localPath;
}
