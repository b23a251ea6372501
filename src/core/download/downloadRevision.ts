/**
 * One historical version of a file into a local path (for "compare with
 * local"): the presigned URL comes from revision/getRevision (§4), the bytes
 * through the same verified, resumable `downloadToPartial` the download
 * engine uses, then the temp file is moved into place.
 */
import { rename } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { KooDriveClient } from '../api/koodriveClient';
import type { Revision, SpaceRef } from '../api/models';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../api/retryPolicy';
import { KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { localError, unlinkQuietly } from './downloadPaths';
import { downloadToPartial } from './downloadToPartial';

export interface RevisionDownloadDeps {
  client: Pick<KooDriveClient, 'getRevision'>;
  dispatcher: Dispatcher;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Removes the client's secrets from messages (`KooDrive.redact`); without it only the patterns of redact.ts apply. */
  redact?(text: string): string;
}

export async function downloadRevision(
  deps: RevisionDownloadDeps,
  space: SpaceRef,
  fileId: string,
  revision: Pick<Revision, 'revisionId' | 'version' | 'size' | 'sha256'>,
  destPath: string,
  opts: { signal?: AbortSignal; onProgress?: ProgressListener } = {},
): Promise<{ size: number; sha256: string }> {
  const subject = `version ${revision.version} of ${fileId}`;
  // The first answer gives the URL and, when the list did not, the size.
  const info = await deps.client.getRevision(space, fileId, revision.revisionId, { signal: opts.signal });
  let unused: typeof info | undefined = info;
  const size = revision.size ?? info.size;
  if (size === undefined) throw new KooDriveError('BadResponse', `KooDrive did not say how large ${subject} is`, { subject });
  const links = {
    async get(): Promise<string> {
      // The first link is the one already fetched; a later call (expired link) asks again.
      const r = unused ?? (await deps.client.getRevision(space, fileId, revision.revisionId, { signal: opts.signal }));
      unused = undefined;
      if (!r.url) throw new KooDriveError('BadResponse', `KooDrive returned no download link for ${subject}`, { subject, retryable: true });
      return r.url;
    },
    invalidate(): void {
      /* get() always asks again after the first link */
    },
  };
  const partialPath = `${destPath}.koodrive-partial`;
  const result = await downloadToPartial({
    dispatcher: deps.dispatcher,
    links,
    item: { id: fileId, size, sha256: revision.sha256 ?? info.sha256 },
    partialPath,
    subject,
    retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    logger: deps.logger ?? silentLogger,
    redact: deps.redact,
    fsync: false,
    signal: opts.signal,
    onBytes: opts.onProgress && ((bytesDone, bytesTotal) => opts.onProgress!({ phase: 'downloading', subject: destPath, bytesDone, bytesTotal })),
  });
  try {
    await rename(partialPath, destPath);
  } catch (e) {
    await unlinkQuietly(partialPath);
    throw localError(e, destPath, 'save');
  }
  return { size: result.size, sha256: result.sha256 };
}
