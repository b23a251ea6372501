/** Asks where an upload goes (last destination offered first) and remembers the answer. */
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { RemoteFolderRef } from '../stores/recentPlaces';
import { pickRemoteFolder } from './remoteBrowser';

export async function pickUploadDestination(s: Services): Promise<RemoteFolderRef> {
  const dest = await pickRemoteFolder(s, {
    title: l10n.t('Upload to KooDrive'),
    acceptLabel: l10n.t('Upload Here'),
    last: s.places.lastUploadDestination(),
  });
  await s.places.rememberUploadDestination(dest);
  return dest;
}
