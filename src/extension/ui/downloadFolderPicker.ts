/**
 * Where a download goes: the last folder used, a workspace folder, or any
 * folder from the open dialog. The choice is remembered.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { PickItem } from './prompts';

export const DOWNLOAD_FOLDER_PROMPT = 'download.folder';
export const DOWNLOAD_BROWSE_PROMPT = 'download.browse';

interface FolderItem extends PickItem {
  folder?: string;
}

export async function pickDownloadFolder(s: Services): Promise<string> {
  const folders = s.host.workspaceFolders();
  const last = s.places.lastDownloadFolder();
  const lastExists = last !== undefined && (await stat(last).then((st) => st.isDirectory(), () => false));
  let chosenDir: string | undefined;
  if (folders.length > 0 || lastExists) {
    const items: FolderItem[] = [];
    if (lastExists && last) items.push({ id: 'last', label: `$(history) ${path.basename(last) || last}`, description: last, detail: l10n.t('Last used'), folder: last });
    for (const f of folders) {
      if (lastExists && last && path.resolve(f.path) === path.resolve(last)) continue;
      items.push({ id: `workspace:${f.path}`, label: `$(root-folder) ${f.name}`, description: f.path, folder: f.path });
    }
    items.push({ id: 'browse', label: `$(folder-opened) ${l10n.t('Choose a Folder…')}` });
    const chosen = await s.prompts.pick(items, {
      id: DOWNLOAD_FOLDER_PROMPT,
      title: l10n.t('Download from KooDrive'),
      placeholder: l10n.t('Choose where to save the download'),
    });
    chosenDir = chosen.folder;
  }
  if (!chosenDir) {
    const [picked] = await s.prompts.open({
      id: DOWNLOAD_BROWSE_PROMPT,
      title: l10n.t('Download from KooDrive'),
      openLabel: l10n.t('Download Here'),
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultPath: last ?? folders[0]?.path,
    });
    chosenDir = picked;
  }
  await s.places.rememberDownloadFolder(chosenDir);
  return chosenDir;
}
