import type { Call, KooDriveClient } from '../api/koodriveClient';
import type { DriveItem, SpaceRef } from '../api/models';
import { isCancellation, KooDriveError } from '../errors';
import { aboutFile } from './downloadErrors';
import type { DownloadFileResult } from './downloadTally';

/** Looks up the items the CLI was given by id; ids that cannot be resolved are reported, not thrown. */
export async function resolveDownloadItems(
  client: Pick<KooDriveClient, 'getFileDetail'>,
  space: SpaceRef,
  ids: readonly string[],
  o: Call = {},
): Promise<{ items: DriveItem[]; failures: DownloadFileResult[] }> {
  const items: DriveItem[] = [];
  const failures: DownloadFileResult[] = [];
  for (const id of ids) {
    try {
      items.push(await client.getFileDetail(space, id, o));
    } catch (e) {
      if (isCancellation(e) || KooDriveError.is(e, 'AuthRequired')) throw e;
      const err = KooDriveError.is(e) ? e : new KooDriveError('BadResponse', String(e), { cause: e });
      failures.push({ fileId: id, remotePath: id, size: 0, status: 'failed', error: aboutFile(err, id) });
    }
  }
  return { items, failures };
}
