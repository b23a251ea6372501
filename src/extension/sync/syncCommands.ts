/** Shared steps of the sync commands (src/extension/commands/sync*.ts), without VS Code. */
import * as path from 'node:path';
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { SyncPort, SyncResourceRef } from './syncPort';

export const SYNC_FOLDER_PROMPT = 'sync.folder';

export function requireSync(s: Services): SyncPort {
  if (!s.sync) throw new KooDriveError('InvalidInput', 'Folder sync is not available in this window');
  return s.sync;
}

/** The rows a command got, grouped by link (one run per link). */
export function byLink(refs: readonly SyncResourceRef[]): Map<string, SyncResourceRef[]> {
  const m = new Map<string, SyncResourceRef[]>();
  for (const r of refs) m.set(r.localRoot, [...(m.get(r.localRoot) ?? []), r]);
  return m;
}

/** The resources a row command was invoked on; InvalidInput when none (e.g. from the palette). */
export function requireResources(sync: SyncPort, args: readonly unknown[]): SyncResourceRef[] {
  const refs = sync.resourcesOf(args);
  if (refs.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Choose a file in the KooDrive Source Control view first.'));
  return refs;
}

/** An Explorer folder (a `{ fsPath }` URI), else the workspace folder (asks when there are several). */
export async function folderArg(s: Services, arg: unknown, title: string): Promise<string> {
  const fsPath = (arg as { fsPath?: unknown; scheme?: unknown } | undefined)?.fsPath;
  if (typeof fsPath === 'string' && (arg as { scheme?: unknown }).scheme === 'file') return fsPath;
  const folders = s.host.workspaceFolders();
  if (folders.length === 0) throw new KooDriveError('InvalidInput', l10n.t('Open a folder first: there is no workspace folder to sync.'));
  if (folders.length === 1) return folders[0].path;
  const chosen = await s.prompts.pick(folders.map((f) => ({ id: f.path, label: f.name, description: f.path })), {
    id: SYNC_FOLDER_PROMPT, title, placeholder: l10n.t('Choose the workspace folder'),
  });
  return chosen.id;
}

/** The link a title action or the palette means: the SourceControl's, the active editor's, the only one, or the chosen workspace folder's. */
export async function linkRootArg(s: Services, sync: SyncPort, arg: unknown, title: string): Promise<string> {
  const root = sync.linkRootOf(arg);
  if (root) return root;
  const dir = await folderArg(s, arg, title);
  const link = await sync.findLink(dir);
  if (!link) throw new KooDriveError('InvalidInput', l10n.t('{0} is not linked to KooDrive. Use "Sync Folder with KooDrive…" first.', path.basename(dir)));
  return link.localRoot;
}
