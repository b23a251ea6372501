/**
 * Presigned download links (§2.9), fetched lazily in batches of at most 100
 * file ids, in the order the files will be downloaded: the first worker that
 * needs a link of a batch fetches the whole batch, the others wait on the
 * same promise. Links live about an hour, so a long run fetches its later
 * batches only when it gets there. A link that failed (per-file code, or the
 * storage said 403 "expired") is fetched again on its own.
 */
import { MAX_DOWNLOAD_IDS } from '../../api/koodriveClient';
import type { DownloadLinks, KooDriveClient } from '../../api/koodriveClient';
import { errorFromEnvelope } from '../../api/errorMapping';
import type { SpaceRef } from '../../api/models';
import { KooDriveError } from '../../errors';

export type DownloadLinkClient = Pick<KooDriveClient, 'getDownloadLinks'>;

type LinkResult = { url: string } | { error: KooDriveError };

export class DownloadLinkBatcher {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly batches = new Map<number, Promise<Map<string, LinkResult>>>();
  /** Files whose batch link is spent; their next link comes from a single-id call. */
  private readonly singles = new Map<string, Promise<LinkResult> | undefined>();

  constructor(
    private readonly client: DownloadLinkClient,
    private readonly space: SpaceRef,
    /** Every file id of the run, in download order. */
    fileIds: readonly string[],
    private readonly signal?: AbortSignal,
    private readonly batchSize = MAX_DOWNLOAD_IDS,
  ) {
    for (const id of fileIds) {
      if (this.index.has(id)) continue;
      this.index.set(id, this.ids.length);
      this.ids.push(id);
    }
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
      const i = this.index.get(fileId);
      if (i === undefined) throw new KooDriveError('InvalidInput', `File ${fileId} is not part of this download`);
      result = (await this.batch(Math.floor(i / this.batchSize))).get(fileId)!;
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

  private batch(n: number): Promise<Map<string, LinkResult>> {
    let pending = this.batches.get(n);
    if (!pending) {
      const ids = this.ids.slice(n * this.batchSize, (n + 1) * this.batchSize);
      pending = this.fetch(ids);
      this.batches.set(n, pending);
      pending.catch(() => this.batches.get(n) === pending && this.batches.delete(n));
    }
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
