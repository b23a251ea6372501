/**
 * Presigned download links (§2.9), fetched lazily in batches of at most 100
 * file ids, in the order the files will be downloaded: the first worker that
 * needs a link of a batch fetches the whole batch, the others wait on the
 * same promise. Links live about an hour, so a long run fetches its later
 * batches only when it gets there. A link that failed (per-file code, or the
 * storage said 403 "expired") is fetched again on its own.
 */
import { MAX_DOWNLOAD_IDS } from '../api/koodriveClient';
import type { DownloadLinks, KooDriveClient } from '../api/koodriveClient';
import { errorFromEnvelope } from '../api/errorMapping';
import type { SpaceRef } from '../api/models';
import { KooDriveError } from '../errors';

export type DownloadLinkClient = Pick<KooDriveClient, 'getDownloadLinks'>;

type LinkResult = { url: string } | { error: KooDriveError };

export class DownloadLinkBatcher {
  /** Files queued for download whose link was not asked for yet, in download order. */
  private queued: string[] = [];
  private queuedHead = 0;
  /** The batch answer each file's link comes from, until the file is released. */
  private readonly batchOf = new Map<string, Promise<Map<string, LinkResult>>>();
  /** Files whose batch link is spent; their next link comes from a single-id call. */
  private readonly singles = new Map<string, Promise<LinkResult> | undefined>();
  /** Queued files released before any batch took them (at most the look-ahead of queued files). */
  private readonly settledUnasked = new Set<string>();

  constructor(
    private readonly client: DownloadLinkClient,
    private readonly space: SpaceRef,
    /** File ids known up front, in download order (more can be added as the run finds them). */
    fileIds: readonly string[],
    private readonly signal?: AbortSignal,
    private readonly batchSize = MAX_DOWNLOAD_IDS,
  ) {
    for (const id of fileIds) this.add(id);
  }

  /** Queue a file that will be downloaded after those queued before it. */
  add(fileId: string): void {
    this.queued.push(fileId);
  }

  /** The file is settled: forget its link (memory does not grow with the files of a run). */
  release(fileId: string): void {
    // Settled without a link (skipped, failed before): still queued, so a later batch must not take it.
    if (!this.batchOf.delete(fileId) && !this.singles.has(fileId)) this.settledUnasked.add(fileId);
    this.singles.delete(fileId);
  }

  /** A presigned URL for `fileId`; throws the per-file error the service reported, or the call's error. */
  async get(fileId: string): Promise<string> {
    let result: LinkResult;
    if (this.singles.has(fileId)) {
      let pending = this.singles.get(fileId);
      if (!pending) {
        pending = this.fetch([fileId]).then((m) => m.get(fileId)!);
        this.singles.set(fileId, pending);
        // A failed call is not remembered: the caller's retry asks again.
        pending.catch(() => this.singles.get(fileId) === pending && this.singles.set(fileId, undefined));
      }
      result = await pending;
    } else {
      result = (await this.batchFor(fileId)).get(fileId)!;
    }
    if ('error' in result) {
      this.invalidate(fileId);
      throw result.error;
    }
    return result.url;
  }

  /** Forget `fileId`'s link (it expired or failed): the next `get` asks for a fresh one, for this file alone. */
  invalidate(fileId: string): void {
    this.singles.set(fileId, undefined);
  }

  /**
   * The batch holding `fileId`'s link: the first file that needs a link takes
   * the earliest queued files without a link (up to the batch size) into one
   * call; the others find their link in that answer. Files are taken in
   * download order, so a batch is the next files to download.
   */
  private batchFor(fileId: string): Promise<Map<string, LinkResult>> {
    let pending = this.batchOf.get(fileId);
    if (pending) return pending;
    // In queue order; the file asking is in the batch whether or not the queue holds it.
    const ids: string[] = [];
    let found = false;
    while (ids.length < this.batchSize - (found ? 0 : 1) && this.queuedHead < this.queued.length) {
      const id = this.queued[this.queuedHead++];
      if (this.settledUnasked.delete(id)) continue;
      if (id === fileId) found = true;
      else if (this.batchOf.has(id)) continue;
      ids.push(id);
    }
    if (!found) ids.unshift(fileId);
    if (this.queuedHead > 1024 && this.queuedHead * 2 > this.queued.length) {
      this.queued = this.queued.slice(this.queuedHead);
      this.queuedHead = 0;
    }
    pending = this.fetch(ids);
    for (const id of ids) this.batchOf.set(id, pending);
    // A failed call is not remembered: each file's retry asks again (for itself and the files queued after it).
    pending.catch(() => {
      for (const id of ids) if (this.batchOf.get(id) === pending) this.batchOf.delete(id);
    });
    return pending;
  }

  /** One files/download call (the transport already retried transient failures). */
  private async fetch(ids: string[]): Promise<Map<string, LinkResult>> {
    const answer = await this.client.getDownloadLinks(this.space, ids, { signal: this.signal });
    return new Map(ids.map((id) => [id, linkResult(id, answer)]));
  }
}

/** The outcome for one id of a files/download answer (batchCode 0 partial / 1 all ok / 2 all failed; per-file codes decide). */
export function linkResult(fileId: string, answer: DownloadLinks): LinkResult {
  const link = answer.links.find((l) => l.fileId === fileId);
  if (!link) {
    return { error: new KooDriveError('BadResponse', `files/download returned no link for ${fileId}`, { retryable: true, subject: fileId }) };
  }
  if (link.code !== 0) {
    const err = errorFromEnvelope({ code: link.code, msg: link.message }, { status: 200 });
    return { error: new KooDriveError(err.code, err.message, { retryable: err.retryable, apiCode: err.apiCode, subject: fileId }) };
  }
  if (!link.url) {
    return { error: new KooDriveError('BadResponse', `files/download returned an empty link for ${fileId}`, { retryable: true, subject: fileId }) };
  }
  return { url: link.url };
}
