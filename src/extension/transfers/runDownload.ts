/**
 * Downloads tree items (files and folders, possibly from several spaces) into
 * a local folder through core's download engine, with the conflict question
 * when koodrive.download.conflictPolicy is "ask", a cancellable progress
 * notification, links for "Save as New Revision", and a summary.
 */
import * as path from 'node:path';
import type { DriveItem, Space } from '../../core/api/models';
import { downloadFiles, DownloadFileResult } from '../../core/transfer/download/downloadFiles';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { FileLink } from '../stores/linkStore';
import { conflictAsker } from '../ui/conflictPrompt';
import { ThrottledProgress, TransferTracker } from '../ui/transferProgress';
import { spaceKey } from '../views/treeNodes';

export interface DownloadSelection {
  space: Space;
  item: DriveItem;
  /** The folder the item is in (kept with the link). */
  parentId?: string;
}

export interface DownloadOutcome {
  results: DownloadFileResult[];
  downloaded: number;
  skipped: number;
  failed: number;
}

export async function runDownload(s: Services, selection: readonly DownloadSelection[], targetDir: string): Promise<DownloadOutcome> {
  const conn = await s.session.connection();
  const settings = s.settings();
  const policy = settings.download.conflictPolicy;
  const groups = new Map<string, { space: Space; items: DriveItem[] }>();
  const parentOf = new Map<string, string | undefined>();
  for (const sel of selection) {
    const key = spaceKey(sel.space);
    const g = groups.get(key) ?? { space: sel.space, items: [] };
    if (!g.items.some((i) => i.id === sel.item.id)) g.items.push(sel.item);
    groups.set(key, g);
    parentOf.set(`${key}/${sel.item.id}`, sel.parentId);
  }
  const onlyFiles = selection.every((sel) => !sel.item.isFolder);
  const outcome: DownloadOutcome = { results: [], downloaded: 0, skipped: 0, failed: 0 };
  const links: Array<Omit<FileLink, 'linkedAt'>> = [];
  s.logger.info(`Downloading ${selection.length} item(s) to ${targetDir} (conflicts: ${policy})`);

  try {
    await s.progress.run({ title: l10n.t('Downloading to {0}', path.basename(targetDir) || targetDir), transfer: true }, async (report, signal) => {
      // Totals are known up front only for plain files (folders are listed by the engine).
      const tracker = new TransferTracker('download', onlyFiles ? { files: selection.length, bytes: selection.reduce((n, sel) => n + sel.item.size, 0) } : {});
      const throttled = new ThrottledProgress(tracker, report);
      try {
        for (const { space, items } of groups.values()) {
          const summary = await downloadFiles({ client: conn.client, dispatcher: conn.dispatcher, logger: s.logger, redact: conn.redact }, space, items, {
            targetDir,
            conflict: policy,
            onConflict: policy === 'ask' ? conflictAsker(s.prompts) : undefined,
            signal,
            onProgress: throttled.onProgress,
          });
          outcome.results.push(...summary.files);
          outcome.downloaded += summary.downloaded;
          outcome.skipped += summary.skipped;
          outcome.failed += summary.failed;
          for (const f of summary.files) {
            if (f.status === 'downloaded' && f.localPath) {
              links.push({ localPath: f.localPath, fileId: f.fileId, space, name: path.basename(f.remotePath), parentId: parentOf.get(`${spaceKey(space)}/${f.fileId}`) });
            }
          }
        }
      } finally {
        throttled.flush();
      }
    });
  } finally {
    await s.links.setMany(links).catch((e: unknown) => s.logger.warn(`Could not remember downloaded files: ${(e as Error).message}`));
  }
  for (const f of outcome.results) {
    if (f.status === 'failed') s.logger.error(`Download of ${f.remotePath} failed: ${f.error?.code} ${f.error?.message}${f.error?.traceId ? ` trace=${f.error.traceId}` : ''}`);
    else s.logger.info(`${f.status === 'downloaded' ? 'Downloaded' : 'Skipped'} ${f.remotePath} → ${f.localPath}${f.resumedFrom ? ` (resumed at ${f.resumedFrom} bytes)` : ''}`);
  }
  return outcome;
}

/** One failed file is thrown (the wrapper shows it); otherwise a summary. */
export async function reportDownload(s: Services, targetDir: string, outcome: DownloadOutcome): Promise<void> {
  const { results, downloaded, skipped, failed } = outcome;
  if (failed > 0 && results.length === 1) {
    const err = results[0].error;
    if (err) throw err;
  }
  const tail = skipped > 0 ? ` ${l10n.t('{0} skipped (already there).', skipped)}` : '';
  if (failed === 0 && downloaded === 0) {
    void s.notifier.info(l10n.t('Nothing downloaded: {0} skipped (already there).', skipped));
    return;
  }
  if (failed === 0) {
    const message = downloaded === 1 && results.length === 1
      ? l10n.t('Downloaded {0} to {1}.', path.basename(results[0].localPath ?? results[0].remotePath), targetDir)
      : l10n.t('Downloaded {0} files to {1}.', downloaded, targetDir);
    void s.notifier.info(message + tail);
    return;
  }
  const logLabel = l10n.t('Show log');
  const chosen = await s.notifier.warn(l10n.t('Downloaded {0} of {1} files to {2}; {3} failed.', downloaded, results.length, targetDir, failed) + tail, logLabel);
  if (chosen === logLabel) s.host.showLog();
}
