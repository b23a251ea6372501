/**
 * The KooDrive-specific side of the multipart engine: a part may go once its
 * starting midstate is known; its presigned PUT URL is asked for with that
 * midstate as `hashCtx` (files/multipart/uploadUrl), several parts per call;
 * an expired or rejected URL is asked for again.
 */
import type { Dispatcher } from 'undici';
import { parseXDate } from '../api/clock';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../api/retryPolicy';
import type { MultiPartInfo } from '../api/types';
import { KooDriveError } from '../errors';
import type { Logger } from '../logger';
import type { Midstates } from './midstates';
import type { PartWriter } from './multipartEngine';
import type { PlannedPart } from './partPlan';
import { putBytes, putFileRange } from '../bytes/storageHttp';

/**
 * Gap 6: the most parts one uploadUrl call may carry is undocumented; the
 * docs' example asks for 5. We stay at 5 rather than risk a rejection.
 */
export const URL_BATCH_SIZE = 5;
/** A URL closer than this to its expiry is not used. */
const URL_EXPIRY_MARGIN_MS = 2 * 60 * 1000;
/** X-Amz-Expires seen in every documented example. */
const DEFAULT_URL_TTL_S = 3600;

interface CachedUrl {
  url: string;
  expiresAt: number;
  obtainedAt: number;
}

/**
 * `obtainedAt` is the time of the call that issued the URL, one value for a
 * whole batch: an expiry drops every URL issued with or before the rejected
 * one, and a clock tick between two URLs of one answer must not keep one of
 * them (seen as a second 403 on the next part under load).
 */
function cachedUrl(url: string, obtainedAt: number): CachedUrl {
  return { url, expiresAt: urlExpiry(url, obtainedAt), obtainedAt };
}

/** Still usable: before its expiry less a margin (2 min, or a tenth of a short lifetime). */
function isFresh(c: CachedUrl, now = Date.now()): boolean {
  const margin = Math.min(URL_EXPIRY_MARGIN_MS, (c.expiresAt - c.obtainedAt) / 10);
  return now < c.expiresAt - margin;
}

export interface KooDrivePartWriterOptions {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  space: SpaceRef;
  fileId: string;
  path: string;
  parts: readonly PlannedPart[];
  midstates: Midstates;
  /** Parts are held until this resolves (e.g. while a flash upload is being tried). */
  gate?: Promise<void>;
  maxAttempts: number;
  /** Bytes of `partNumber` handed to the socket so far in the current attempt. */
  onPartBytes(partNumber: number, bytes: number): void;
  logger?: Logger;
  /** The whole file, already read (a small one-part file): parts are sent from it instead of read again from `path`. */
  bytes?: Buffer;
}

export class KooDrivePartWriter implements PartWriter<PlannedPart> {
  private readonly urls = new Map<number, CachedUrl>();
  private readonly inflight = new Map<number, Promise<void>>();
  private readonly byNumber = new Map<number, PlannedPart>();
  private readonly done = new Set<number>();

  constructor(private readonly o: KooDrivePartWriterOptions) {
    for (const p of o.parts) this.byNumber.set(p.partNumber, p);
  }

  /** URLs that came with files/create. */
  seedUrls(parts: MultiPartInfo[] | undefined): void {
    const obtainedAt = Date.now();
    for (const p of parts ?? []) if (p.uploadUrl) this.urls.set(p.partNumber, cachedUrl(p.uploadUrl, obtainedAt));
  }

  markDone(partNumber: number): void {
    this.done.add(partNumber);
    this.urls.delete(partNumber);
  }

  async ready(part: PlannedPart, signal: AbortSignal): Promise<void> {
    await this.o.gate;
    await this.o.midstates.wait(part.partNumber, signal);
    await this.urlFor(part, signal);
  }

  async write(part: PlannedPart, _attempt: number, signal: AbortSignal): Promise<void> {
    const url = await this.urlFor(part, signal);
    let sent = 0;
    this.o.onPartBytes(part.partNumber, 0);
    const onBytes = (n: number): void => this.o.onPartBytes(part.partNumber, (sent += n));
    try {
      if (this.o.bytes) {
        await putBytes({
          dispatcher: this.o.dispatcher, url, path: this.o.path, bytes: this.o.bytes.subarray(part.partOffset, part.partOffset + part.partSize), signal, onBytes,
        });
      } else {
        await putFileRange({ dispatcher: this.o.dispatcher, url, path: this.o.path, offset: part.partOffset, size: part.partSize, signal, onBytes });
      }
    } catch (e) {
      this.o.onPartBytes(part.partNumber, 0);
      throw e;
    }
    this.markDone(part.partNumber);
  }

  async retryDelay(part: PlannedPart, err: KooDriveError, attempt: number, signal: AbortSignal): Promise<number | undefined> {
    if (attempt >= this.o.maxAttempts) {
      this.o.logger?.warn(`Part ${part.partNumber} failed ${attempt} times; giving up: ${err.message}`);
      return undefined;
    }
    this.o.logger?.info(`Part ${part.partNumber} attempt ${attempt} failed (${err.code}); retrying`);
    if (err.code === 'UrlExpired') {
      // URLs issued with (or before) the rejected one have most likely expired
      // too: drop them all so one uploadUrl call renews them together.
      const failedAt = this.urls.get(part.partNumber)?.obtainedAt ?? Date.now();
      for (const [n, c] of this.urls) if (c.obtainedAt <= failedAt) this.urls.delete(n);
      await this.urlFor(part, signal);
      // A fresh URL rejected again is not an expiry problem: back off then.
      if (attempt === 1) return 0;
    }
    return retryDelayMs(err, attempt, DEFAULT_RETRY_POLICY);
  }

  private async urlFor(part: PlannedPart, signal: AbortSignal): Promise<string> {
    let fetched = false;
    for (;;) {
      const cached = this.urls.get(part.partNumber);
      // A URL we have just been given is used as is, even if its lifetime looks
      // short (clock differences, short-lived URLs): only old ones are refreshed.
      if (cached && (fetched || isFresh(cached))) return cached.url;
      if (fetched) throw new KooDriveError('BadResponse', `KooDrive returned no upload URL for part ${part.partNumber}`);
      await (this.inflight.get(part.partNumber) ?? this.requestBatch(part, signal));
      fetched = true;
    }
  }

  /** One uploadUrl call for `first` and the following parts whose midstates are already known. */
  private requestBatch(first: PlannedPart, signal: AbortSignal): Promise<void> {
    const batch: PlannedPart[] = [first];
    for (let n = first.partNumber + 1; batch.length < URL_BATCH_SIZE; n++) {
      const p = this.byNumber.get(n);
      if (!p || !this.o.midstates.has(n)) break;
      if (this.done.has(n) || this.inflight.has(n)) continue;
      const cached = this.urls.get(n);
      if (cached && isFresh(cached)) continue;
      batch.push(p);
    }
    const infos: MultiPartInfo[] = batch.map((p) => {
      const hashCtx = this.o.midstates.get(p.partNumber);
      if (!hashCtx) throw new KooDriveError('ServerError', `Internal: no midstate for part ${p.partNumber}`);
      return { partNumber: p.partNumber, partSize: p.partSize, partOffset: p.partOffset, ...(p.partNumber > 1 ? { hashCtx } : {}) };
    });
    const call = this.o.client.getUploadUrls(this.o.space, this.o.fileId, infos, { signal }).then((answer) => {
      const obtainedAt = Date.now();
      for (const a of answer) {
        if (a.uploadUrl) this.urls.set(a.partNumber, cachedUrl(a.uploadUrl, obtainedAt));
      }
    });
    const settled = call.finally(() => {
      for (const p of batch) this.inflight.delete(p.partNumber);
    });
    for (const p of batch) this.inflight.set(p.partNumber, settled);
    return settled;
  }
}

/** Expiry from the presigned URL's X-Amz-Date + X-Amz-Expires; 1 h from now when absent. */
export function urlExpiry(url: string, now = Date.now()): number {
  try {
    const q = new URL(url).searchParams;
    const date = q.get('X-Amz-Date');
    const ttl = Number(q.get('X-Amz-Expires') ?? DEFAULT_URL_TTL_S);
    const start = date ? parseXDate(date) : undefined;
    // Our clock and the signer's may differ: never trust a start in our future.
    const base = start !== undefined && start <= now ? start : now;
    return base + (Number.isFinite(ttl) ? ttl : DEFAULT_URL_TTL_S) * 1000;
  } catch {
    return now + DEFAULT_URL_TTL_S * 1000;
  }
}
