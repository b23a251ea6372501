/** The last upload destination and download folder, remembered in globalState. */
import type { Space } from '../../core/api/models';
import type { KeyValueStore } from './keyValueStore';

export interface RemoteFolderRef {
  space: Space;
  folderId: string;
  /** "Personal space/docs" for display. */
  path: string;
}

const UPLOAD_KEY = 'koodrive.lastUploadDestination';
const DOWNLOAD_KEY = 'koodrive.lastDownloadFolder';

export class RecentPlaces {
  constructor(private readonly store: KeyValueStore) {}

  lastUploadDestination(): RemoteFolderRef | undefined {
    const v = this.store.get<RemoteFolderRef>(UPLOAD_KEY);
    return v && typeof v.folderId === 'string' && typeof v.space?.containerId === 'string' ? v : undefined;
  }

  async rememberUploadDestination(dest: RemoteFolderRef): Promise<void> {
    await this.store.update(UPLOAD_KEY, dest);
  }

  lastDownloadFolder(): string | undefined {
    const v = this.store.get<string>(DOWNLOAD_KEY);
    return typeof v === 'string' && v ? v : undefined;
  }

  async rememberDownloadFolder(dir: string): Promise<void> {
    await this.store.update(DOWNLOAD_KEY, dir);
  }
}
