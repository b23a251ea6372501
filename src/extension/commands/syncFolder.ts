/**
 * koodrive.syncFolder: links an Explorer folder or a workspace folder to a
 * KooDrive folder (picked, or created in the picker) and shows what the
 * first sync would do before doing anything. A folder already linked is
 * synced. docs/sync.md "In VS Code".
 */
import * as path from 'node:path';
import { isCancellation } from '../../core/errors';
import type { SpaceRef } from '../../core/api/models';
import { l10n } from '../l10n';
import type { Services } from '../services';
import { folderArg, requireSync } from '../sync/syncCommands';
import { pickRemoteFolder } from '../ui/remoteBrowser';

export const SYNC_PREVIEW_PROMPT = 'sync.preview';

export async function syncFolder(s: Services, arg?: unknown): Promise<void> {
  const sync = requireSync(s);
  const title = l10n.t('Sync Folder with KooDrive');
  const dir = await folderArg(s, arg, title);
  const existing = await sync.findLink(dir);
  if (existing) {
    await sync.showView();
    await sync.run(existing.localRoot, {});
    return;
  }
  const dest = await pickRemoteFolder(s, { title, acceptLabel: l10n.t('Sync with This Folder'), allowCreate: true });
  const names = dest.path === dest.space.name ? '' : dest.path.slice(dest.space.name.length + 1);
  const space: SpaceRef = { containerId: dest.space.containerId, ...(dest.space.team ? { team: dest.space.team } : {}), ...(dest.space.shareFolderId ? { shareFolderId: dest.space.shareFolderId } : {}) };
  const link = await sync.link(dir, { space, folderId: dest.folderId, remotePath: `/${names}` });
  await sync.showView();
  const plan = await sync.preview(link.localRoot);
  const { toUpload, toDownload, conflicts } = plan.summary;
  const name = path.basename(link.localRoot);
  if (plan.stops.length > 0) {
    await s.notifier.warn(l10n.t('{0} is linked with KooDrive {1}, but a sync would stop: {2}', name, dest.path, plan.stops.map((st) => st.message).join(' ')));
    return;
  }
  try {
    await s.prompts.confirm({
      id: SYNC_PREVIEW_PROMPT,
      message: l10n.t('First sync of {0} with KooDrive {1}', name, dest.path),
      detail: l10n.t('{0} to upload, {1} to download, {2} conflicts (left for you to resolve). Nothing has changed yet; the Source Control view lists every file.', toUpload, toDownload, conflicts),
      confirmLabel: l10n.t('Sync Now'),
    });
  } catch (e) {
    if (!isCancellation(e)) throw e;
    s.notifier.flash(l10n.t('{0} is linked; review the changes in Source Control and click Sync when ready.', name));
    return;
  }
  await sync.run(link.localRoot, {});
}
