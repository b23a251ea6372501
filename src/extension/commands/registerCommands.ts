/**
 * The table of contents of the extension (Azure Storage's
 * registerCommands.ts): every command id and its handler, each handler in
 * its own file named after the id. Every handler runs through the one error
 * wrapper. VS Code's registerCommand is passed in, so this table (and every
 * handler module) loads in plain Node: the unit tests import it.
 */
import type { Services } from '../services';
import type { ErrorHandler } from '../ui/errorHandler';
import { COMMAND_IDS, CommandId } from './commandIds';
import { compareRevision } from './compareRevision';
import { copyFileId } from './copyFileId';
import { createFolder } from './createFolder';
import { createRevision } from './createRevision';
import { deleteItems } from './deleteItems';
import { downloadItems } from './downloadItems';
import { keepRevisionForever } from './keepRevisionForever';
import { loadMoreItems } from './loadMoreItems';
import { refreshFolder } from './refreshFolder';
import { refreshTree } from './refreshTree';
import { renameItem } from './renameItem';
import { restoreRevision } from './restoreRevision';
import { showLog } from './showLog';
import { showRevisions } from './showRevisions';
import { signIn } from './signIn';
import { signOut } from './signOut';
import { startSandbox } from './startSandbox';
import { uploadActiveFile } from './uploadActiveFile';
import { uploadFiles } from './uploadFiles';
import { uploadToFolder } from './uploadToFolder';
import { uploadWorkspaceFolder } from './uploadWorkspaceFolder';
import { openRemoteFile } from './openRemoteFile';
import { addToWorkspace } from './addToWorkspace';
import { copyItems } from './copyItems';
import { deletePermanently } from './deletePermanently';
import { emptyRecycleBin } from './emptyRecycleBin';
import { moveItems } from './moveItems';
import { restoreItems } from './restoreItems';
import { searchFiles } from './searchFiles';
import { cancelTransfer } from './cancelTransfer';
import { clearFinishedTransfers } from './clearFinishedTransfers';
import { pauseAllTransfers } from './pauseAllTransfers';
import { pauseTransfer } from './pauseTransfer';
import { resumeAllTransfers } from './resumeAllTransfers';
import { resumeTransfer } from './resumeTransfer';
import { retryTransfer } from './retryTransfer';
import { revealTransfer } from './revealTransfer';
import { cancelAllTransfers } from './cancelAllTransfers';
import { retryFailedTransfers } from './retryFailedTransfers';
import { syncFolder } from './syncFolder';
import { unlinkFolder } from './unlinkFolder';
import { syncNow } from './syncNow';
import { syncRefresh } from './syncRefresh';
import { syncUpload } from './syncUpload';
import { syncDownload } from './syncDownload';
import { syncKeepLocal } from './syncKeepLocal';
import { syncKeepRemote } from './syncKeepRemote';
import { syncKeepBoth } from './syncKeepBoth';
import { syncOpenFile } from './syncOpenFile';

export type CommandHandler = (s: Services, ...args: unknown[]) => Promise<void>;

export const COMMAND_HANDLERS: Record<CommandId, CommandHandler> = {
  'koodrive.signIn': signIn,
  'koodrive.signOut': signOut,
  'koodrive.startSandbox': startSandbox,
  'koodrive.refreshTree': refreshTree,
  'koodrive.refreshFolder': refreshFolder,
  'koodrive.loadMoreItems': loadMoreItems,
  'koodrive.uploadFiles': uploadFiles,
  'koodrive.uploadToFolder': uploadToFolder,
  'koodrive.uploadActiveFile': uploadActiveFile,
  'koodrive.uploadWorkspaceFolder': uploadWorkspaceFolder,
  'koodrive.downloadItems': downloadItems,
  'koodrive.createRevision': createRevision,
  'koodrive.showRevisions': showRevisions,
  'koodrive.restoreRevision': restoreRevision,
  'koodrive.keepRevisionForever': keepRevisionForever,
  'koodrive.compareRevision': compareRevision,
  'koodrive.createFolder': createFolder,
  'koodrive.renameItem': renameItem,
  'koodrive.deleteItems': deleteItems,
  'koodrive.copyFileId': copyFileId,
  'koodrive.showLog': showLog,
  'koodrive.openRemoteFile': openRemoteFile,
  'koodrive.addToWorkspace': addToWorkspace,
  'koodrive.searchFiles': searchFiles,
  'koodrive.moveItems': moveItems,
  'koodrive.copyItems': copyItems,
  'koodrive.restoreItems': restoreItems,
  'koodrive.deletePermanently': deletePermanently,
  'koodrive.emptyRecycleBin': emptyRecycleBin,
  'koodrive.pauseTransfer': pauseTransfer,
  'koodrive.resumeTransfer': resumeTransfer,
  'koodrive.cancelTransfer': cancelTransfer,
  'koodrive.retryTransfer': retryTransfer,
  'koodrive.revealTransfer': revealTransfer,
  'koodrive.pauseAllTransfers': pauseAllTransfers,
  'koodrive.resumeAllTransfers': resumeAllTransfers,
  'koodrive.clearFinishedTransfers': clearFinishedTransfers,
  'koodrive.cancelAllTransfers': cancelAllTransfers,
  'koodrive.retryFailedTransfers': retryFailedTransfers,
  'koodrive.syncFolder': syncFolder,
  'koodrive.unlinkFolder': unlinkFolder,
  'koodrive.syncNow': syncNow,
  'koodrive.syncRefresh': syncRefresh,
  'koodrive.syncUpload': syncUpload,
  'koodrive.syncDownload': syncDownload,
  'koodrive.syncKeepLocal': syncKeepLocal,
  'koodrive.syncKeepRemote': syncKeepRemote,
  'koodrive.syncKeepBoth': syncKeepBoth,
  'koodrive.syncOpenFile': syncOpenFile,
};

export type RegisterCommand = (id: string, callback: (...args: unknown[]) => Promise<void>) => { dispose(): unknown };

export function registerCommands(s: Services, errors: ErrorHandler, register: RegisterCommand): Array<{ dispose(): unknown }> {
  return COMMAND_IDS.map((id) => register(id, errors.wrap(id, (...args: unknown[]) => COMMAND_HANDLERS[id](s, ...args))));
}
