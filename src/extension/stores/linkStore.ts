/**
 * Which local files are copies of which KooDrive files: every file the
 * extension downloads or uploads is remembered here (globalState, keyed by
 * local path), so "Save as New Revision" and "Compare with Local" know the
 * target without asking. Never holds secrets; bounded in size.
 */
import * as path from 'node:path';
import type { Space } from '../../core/api/models';
import { localPathKey } from '../../core/bytes/localNames';
import type { KeyValueStore } from './keyValueStore';

export interface FileLink {
  localPath: string;
  fileId: string;
  /** The space the file lives in (a SpaceRef plus its name and kind for messages). */
  space: Space;
  /** The remote name when linked. */
  name: string;
  /** The remote parent folder, when known (to refresh the tree). */
  parentId?: string;
  linkedAt: number;
}

const KEY = 'koodrive.links';
export const MAX_LINKS = 5000;

export class LinkStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly now: () => number = Date.now,
  ) {}

  get(localPath: string): FileLink | undefined {
    return this.all()[this.key(localPath)];
  }

  /** The most recently linked local copy of `fileId` in `containerId`, if any. */
  findByFileId(containerId: string, fileId: string): FileLink | undefined {
    let best: FileLink | undefined;
    for (const l of Object.values(this.all())) {
      if (l.fileId === fileId && l.space.containerId === containerId && (!best || l.linkedAt > best.linkedAt)) best = l;
    }
    return best;
  }

  async set(localPath: string, link: Omit<FileLink, 'localPath' | 'linkedAt'>): Promise<void> {
    await this.setMany([{ localPath, ...link }]);
  }

  async setMany(links: ReadonlyArray<Omit<FileLink, 'linkedAt'>>): Promise<void> {
    if (links.length === 0) return;
    const all = { ...this.all() };
    const at = this.now();
    for (const l of links) {
      const localPath = path.resolve(l.localPath);
      all[this.key(localPath)] = { ...l, localPath, linkedAt: at };
    }
    const entries = Object.entries(all);
    if (entries.length > MAX_LINKS) {
      entries.sort((a, b) => b[1].linkedAt - a[1].linkedAt);
      await this.store.update(KEY, Object.fromEntries(entries.slice(0, MAX_LINKS)));
      return;
    }
    await this.store.update(KEY, all);
  }

  async delete(localPath: string): Promise<void> {
    const all = { ...this.all() };
    delete all[this.key(localPath)];
    await this.store.update(KEY, all);
  }

  private all(): Record<string, FileLink> {
    return this.store.get<Record<string, FileLink>>(KEY) ?? {};
  }

  private key(localPath: string): string {
    return localPathKey(path.resolve(localPath), this.platform);
  }
}
