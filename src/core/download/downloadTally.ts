/**
 * What a download reports: one result per file, and the counts of a run.
 */
import type { KooDriveError } from '../errors';

export type DownloadStatus = 'downloaded' | 'skipped' | 'failed';

export interface DownloadFileResult {
  fileId: string;
  /** Remote names from the item passed in down to this one, joined with "/". */
  remotePath: string;
  /** Where the file is (or would have been) on disk. */
  localPath?: string;
  size: number;
  /** Computed while downloading (downloaded files only). */
  sha256?: string;
  status: DownloadStatus;
  /** Bytes that were already on disk from an interrupted download. */
  resumedFrom?: number;
  error?: KooDriveError;
}

export interface DownloadSummary {
  /** One entry per file (and per folder that could not be listed or named), in listing order; only the failed ones with keepResults 'failed'. */
  files: DownloadFileResult[];
  downloaded: number;
  skipped: number;
  failed: number;
  /** Bytes of the downloaded files. */
  bytes: number;
}

/**
 * The run's outcome: counts of every file, and the per-file results the
 * caller keeps (all of them, or only the failed ones), reported in walk order
 * as before: items that could not be planned first, then the files, then
 * folders that could not be created.
 */
export class DownloadTally {
  private readonly planFailures: DownloadFileResult[] = [];
  private readonly results: Array<{ seq: number; result: DownloadFileResult }> = [];
  private readonly folderFailures: DownloadFileResult[] = [];
  private downloaded = 0;
  private skipped = 0;
  private failed = 0;
  private bytes = 0;

  constructor(private readonly keepAll: boolean) {}

  planFailure(r: DownloadFileResult): void {
    this.count(r);
    this.planFailures.push(r);
  }

  folderFailure(r: DownloadFileResult): void {
    this.count(r);
    this.folderFailures.push(r);
  }

  settled(seq: number, r: DownloadFileResult): void {
    this.count(r);
    if (this.keepAll || r.status === 'failed') this.results.push({ seq, result: r });
  }

  summary(): DownloadSummary {
    const inOrder = this.results.sort((a, b) => a.seq - b.seq).map((x) => x.result);
    return {
      files: [...this.planFailures, ...inOrder, ...this.folderFailures],
      downloaded: this.downloaded,
      skipped: this.skipped,
      failed: this.failed,
      bytes: this.bytes,
    };
  }

  private count(r: DownloadFileResult): void {
    if (r.status === 'downloaded') {
      this.downloaded++;
      this.bytes += r.size;
    } else if (r.status === 'skipped') this.skipped++;
    else this.failed++;
  }
}
