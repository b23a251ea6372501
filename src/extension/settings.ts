/**
 * The koodrive.* settings, read through a tiny port so the parsing and its
 * bounds are unit-tested without VS Code. The endpoint is NOT here: it is
 * read from user settings only, by the session (auth/session.ts).
 */
import type { ConflictPolicy as UploadConflictPolicy } from '../core/upload/uploadTarget';
import { MiB } from '../core/upload/partPlan';

export type DownloadConflictPolicy = 'ask' | 'overwrite' | 'skip' | 'rename';

export interface Settings {
  upload: {
    /** Bytes (the setting is in MiB). */
    partSize: number;
    concurrency: number;
    conflictPolicy: UploadConflictPolicy;
    exclude: string[];
  };
  download: {
    conflictPolicy: DownloadConflictPolicy;
  };
  editor: {
    /** Bytes (the setting is in MiB): larger KooDrive files are not opened in an editor. */
    maxFileSize: number;
    /** Seconds between re-checks of open KooDrive files; 0 = off. */
    pollInterval: number;
  };
  transfers: {
    /** Files in flight at once across all uploads and downloads of the window. */
    maxFiles: number;
  };
  sync: {
    /** Seconds between status checks of linked folders; 0 = off. */
    pollInterval: number;
    /** Push a saved file of a linked folder at once. */
    uploadOnSave: boolean;
    /** Patterns (gitignore syntax) folder sync leaves out. */
    exclude: string[];
  };
}

/** `key` is relative to the koodrive section, e.g. 'upload.partSize'. */
export type SettingReader = (key: string) => unknown;

export const DEFAULT_SETTINGS: Settings = {
  upload: { partSize: 16 * MiB, concurrency: 4, conflictPolicy: 'rename', exclude: ['node_modules/', '.git/'] },
  download: { conflictPolicy: 'ask' },
  editor: { maxFileSize: 50 * MiB, pollInterval: 30 },
  transfers: { maxFiles: 4 },
  sync: { pollInterval: 60, uploadOnSave: false, exclude: [] },
};

const UPLOAD_POLICIES: readonly UploadConflictPolicy[] = ['rename', 'fail', 'skip-same'];
const DOWNLOAD_POLICIES: readonly DownloadConflictPolicy[] = ['ask', 'overwrite', 'skip', 'rename'];

function intIn(v: unknown, min: number, max: number, fallback: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  return Math.max(min, Math.min(max, Math.round(v)));
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

export function readSettings(get: SettingReader): Settings {
  const exclude = get('upload.exclude');
  const syncExclude = get('sync.exclude');
  return {
    upload: {
      // Parts must be 5 MiB … 5 GiB (§6.1); whole MiB are multiples of 64 bytes.
      partSize: intIn(get('upload.partSize'), 5, 5 * 1024, DEFAULT_SETTINGS.upload.partSize / MiB) * MiB,
      concurrency: intIn(get('upload.concurrency'), 1, 16, DEFAULT_SETTINGS.upload.concurrency),
      conflictPolicy: oneOf(get('upload.conflictPolicy'), UPLOAD_POLICIES, DEFAULT_SETTINGS.upload.conflictPolicy),
      exclude: Array.isArray(exclude) ? exclude.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [...DEFAULT_SETTINGS.upload.exclude],
    },
    download: {
      conflictPolicy: oneOf(get('download.conflictPolicy'), DOWNLOAD_POLICIES, DEFAULT_SETTINGS.download.conflictPolicy),
    },
    editor: {
      maxFileSize: intIn(get('editor.maxFileSize'), 1, 1024, DEFAULT_SETTINGS.editor.maxFileSize / MiB) * MiB,
      pollInterval: intIn(get('editor.pollInterval'), 0, 24 * 3600, DEFAULT_SETTINGS.editor.pollInterval),
    },
    transfers: {
      maxFiles: intIn(get('transfers.maxFiles'), 1, 32, DEFAULT_SETTINGS.transfers.maxFiles),
    },
    sync: {
      pollInterval: intIn(get('sync.pollInterval'), 0, 24 * 3600, DEFAULT_SETTINGS.sync.pollInterval),
      uploadOnSave: get('sync.uploadOnSave') === true,
      exclude: Array.isArray(syncExclude) ? syncExclude.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [],
    },
  };
}
