/**
 * A transfer run: one row of the Transfers view (an upload of the selected
 * files and folders, or a download of the selected items). Only this record
 * is persisted; per-file details live in memory while files are in flight and
 * are dropped as soon as a file is settled. What stays per settled file
 * depends on the run: a folder upload's settled files are a compact cursor
 * (settledFiles.ts), so a folder of 100 000 files costs a few counters, its
 * failures and that cursor; a download's and loose files' settled keys are
 * listed one by one (`settledKeys`: a fileId or path each), so those grow
 * with the number of files settled; failures are listed one by one too.
 */
import type { SettledCursorState } from './settledFiles';

export type RunState = 'queued' | 'running' | 'paused' | 'failed' | 'cancelled' | 'done';
export type RunDirection = 'upload' | 'download';

export interface FailedFile {
  /** Settle key: a folder-relative path for uploads, a fileId for downloads, or an absolute path for loose files. */
  key: string;
  /** Local path (upload) or remote path (download), shown to the user. */
  path: string;
  code: string;
  message: string;
}

export interface RunCounts {
  /** Files settled successfully (uploaded, flash, identical, downloaded, skipped). */
  files: number;
  /** Bytes of those files. */
  bytes: number;
  /** Of `files`: no bytes moved (flash upload, identical file, skipped download). */
  noTransfer: number;
}

export interface TransferRun {
  id: string;
  /** Start order: the queue serves runs by it. */
  seq: number;
  direction: RunDirection;
  /** Shown in the row: the file or folder name, or "3 items". */
  name: string;
  /** What the executor needs to run it again after a reload (host-defined, JSON). */
  request: unknown;
  state: RunState;
  createdAt: number;
  updatedAt: number;
  /** Unknown until the scan (uploads) or listing (downloads) is done. */
  totals: { files?: number; bytes?: number };
  done: RunCounts;
  failed: FailedFile[];
  /** Run-level failure (session expired, destination gone): the row's reason. */
  error?: { code: string; message: string };
  /** Uploads: which folder-relative files are settled. */
  cursor: Record<string, SettledCursorState>;
  /** Downloads: fileIds settled. Loose uploads: absolute paths settled. */
  settledKeys: string[];
  /** When set, the next start runs only these keys (Retry failed). */
  only?: string[];
}

/** A file in flight (memory only). */
export interface ActiveFile {
  key: string;
  path: string;
  size: number;
  bytes: number;
  phase?: string;
}

export function isFinished(state: RunState): boolean {
  return state === 'done' || state === 'cancelled';
}
