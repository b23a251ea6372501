/**
 * Where an upload goes: a new file in a folder (with what to do about a name
 * already there) or a new revision of an existing file.
 */
import type { SpaceRef } from '../api/models';
import type { AutoRenameMode } from '../api/types';

/** What to do when the target folder already has a file of that name (autoRename 2/3/4). */
export type ConflictPolicy = 'rename' | 'fail' | 'skip-same';

export const AUTO_RENAME: Record<ConflictPolicy, AutoRenameMode> = { rename: 2, fail: 3, 'skip-same': 4 };

/**
 * The autoRename a create sends. Run again, `rename` becomes 4 (an identical
 * file of that name is this file; any other is renamed, as with 2). `fail`
 * stays 3: the service answers a clash with an error, and the caller checks
 * whether the clashing file is identical (4 would rename a different one).
 */
export function autoRenameFor(target: { conflict: ConflictPolicy; again?: boolean }): AutoRenameMode {
  return target.again && target.conflict === 'rename' ? 4 : AUTO_RENAME[target.conflict];
}

/** Whether the whole-file SHA-256 is needed before files/create (autoRename 4 compares it; `fail` run again compares it after a clash). */
export function needsHashFirst(target: UploadTarget): boolean {
  return target.kind === 'file' && (target.conflict === 'skip-same' || target.again === true);
}

export type UploadTarget =
  | {
    kind: 'file'; space: SpaceRef; parentFolderId: string; fileName?: string; conflict: ConflictPolicy;
    /**
     * This upload runs again after an interrupted one (a re-run of the same
     * command, Resume, Retry), which may have finished this file without
     * recording it (killed between the server's completion and its own
     * bookkeeping). A file of the same name and the same SHA-256 in the
     * folder is then that earlier upload, not a conflict: nothing is sent
     * (autoRename 4) and the conflict policy applies only to a different file.
     */
    again?: boolean;
  }
  | { kind: 'revision'; space: SpaceRef; fileId: string; keepForever?: boolean };
