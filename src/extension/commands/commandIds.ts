/**
 * Every command the extension contributes. Importable without VS Code: a unit
 * test checks that package.json's contributes.commands is exactly this list,
 * and `registerCommands.ts` must give each one a handler (its table is typed
 * `Record<CommandId, …>`, so the compiler checks that too).
 */
export const COMMAND_IDS = [
  // session
  'koodrive.signIn',
  'koodrive.signOut',
  'koodrive.startSandbox',
  // tree
  'koodrive.refreshTree',
  'koodrive.refreshFolder',
  'koodrive.loadMoreItems',
  // upload
  'koodrive.uploadFiles',
  'koodrive.uploadToFolder',
  'koodrive.uploadActiveFile',
  'koodrive.uploadWorkspaceFolder',
  // download
  'koodrive.downloadItems',
  // revisions
  'koodrive.createRevision',
  'koodrive.showRevisions',
  'koodrive.restoreRevision',
  'koodrive.keepRevisionForever',
  'koodrive.compareRevision',
  // items
  'koodrive.createFolder',
  'koodrive.renameItem',
  'koodrive.deleteItems',
  'koodrive.copyFileId',
  // misc
  'koodrive.showLog',
  // koodrive: file system
  'koodrive.openRemoteFile',
  'koodrive.addToWorkspace',
  // organize: search, move/copy, recycle bin
  'koodrive.searchFiles',
  'koodrive.moveItems',
  'koodrive.copyItems',
  'koodrive.restoreItems',
  'koodrive.deletePermanently',
  'koodrive.emptyRecycleBin',
  // transfers view
  'koodrive.pauseTransfer',
  'koodrive.resumeTransfer',
  'koodrive.cancelTransfer',
  'koodrive.retryTransfer',
  'koodrive.revealTransfer',
  'koodrive.pauseAllTransfers',
  'koodrive.resumeAllTransfers',
  'koodrive.clearFinishedTransfers',
  'koodrive.cancelAllTransfers',
  'koodrive.retryFailedTransfers',
  // folder sync (Source Control view)
  'koodrive.syncFolder',
  'koodrive.unlinkFolder',
  'koodrive.syncNow',
  'koodrive.syncRefresh',
  'koodrive.syncUpload',
  'koodrive.syncDownload',
  'koodrive.syncKeepLocal',
  'koodrive.syncKeepRemote',
  'koodrive.syncKeepBoth',
  'koodrive.syncOpenFile',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Context keys set by the extension (package.json `when` clauses use them). */
export const CONTEXT_KEYS = {
  /** True once activate() has run (the welcome view waits for it, so it does not flash for signed-in users). */
  activated: 'koodrive.activated',
  /** Credentials are stored and not known to be expired. */
  signedIn: 'koodrive.signedIn',
  /** Signed in to the embedded local sandbox. */
  sandbox: 'koodrive.sandbox',
  /** At least one upload or download is running. */
  transferring: 'koodrive.transferring',
  /** A file or folder is selected in the KooDrive tree (Move to… / Copy to… in the palette). */
  itemSelected: 'koodrive.itemSelected',
} as const;

/** The KooDrive tree view's id. */
export const VIEW_ID = 'koodrive.explorer';

/** The id of folder sync's Source Control providers (`scmProvider == koodrive.sync` in menus). */
export const SYNC_SCM_ID = 'koodrive.sync';

/** The Transfers view's id. */
export const TRANSFERS_VIEW_ID = 'koodrive.transfers';
