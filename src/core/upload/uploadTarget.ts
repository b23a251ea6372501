/**
 * Where an upload goes: a new file in a folder (with what to do about a name
 * already there) or a new revision of an existing file.
 */
import type { SpaceRef } from '../api/models';
import type { AutoRenameMode } from '../api/types';

/** What to do when the target folder already has a file of that name (autoRename 2/3/4). */
export type ConflictPolicy = 'rename' | 'fail' | 'skip-same';

export const AUTO_RENAME: Record<ConflictPolicy, AutoRenameMode> = { rename: 2, fail: 3, 'skip-same': 4 };

export type UploadTarget =
  | { kind: 'file'; space: SpaceRef; parentFolderId: string; fileName?: string; conflict: ConflictPolicy }
  | { kind: 'revision'; space: SpaceRef; fileId: string; keepForever?: boolean };
