import * as path from 'node:path';
import { localPathKey } from '../bytes/localNames';

/**
 * Local paths claimed by the files and folders of one download, to refuse a
 * second remote item on the same local path. Only the folders being walked
 * are tracked (a name can only clash with a sibling: two items in one local
 * folder), so memory follows the depth of the tree, not the file count. When
 * two remote folders merge into one local folder (told by the walk before
 * either is walked), every claim is kept for the rest of the run instead.
 */
export class LocalClaims {
  /** Local folder key -> local path key -> the remote path that claimed it. */
  private readonly byDir = new Map<string, Map<string, string>>();
  private readonly walking = new Map<string, number>();
  private keepEverything = false;

  keepAll(): void {
    this.keepEverything = true;
  }

  /** A folder's local name, claimed in its parent's scope (two folders may share one: they merge). */
  claimFolder(localPath: string, remotePath: string): void {
    if (this.get(localPath) === undefined) this.scope(path.dirname(localPath)).set(localPathKey(localPath), remotePath);
  }

  /** The walk entered a folder: the claims of its contents are kept until it (and any folder merged into it) is left. */
  enterFolder(localPath: string): void {
    const key = localPathKey(localPath);
    this.walking.set(key, (this.walking.get(key) ?? 0) + 1);
  }

  leaveFolder(localPath: string): void {
    const key = localPathKey(localPath);
    const n = (this.walking.get(key) ?? 1) - 1;
    if (n > 0) {
      this.walking.set(key, n);
      return;
    }
    this.walking.delete(key);
    if (!this.keepEverything) this.byDir.delete(key);
  }

  /** Claims `localPath` for a file; returns the remote path that has it already, if any. */
  claim(localPath: string, remotePath: string): string | undefined {
    const existing = this.get(localPath);
    if (existing !== undefined) return existing;
    this.scope(path.dirname(localPath)).set(localPathKey(localPath), remotePath);
    return undefined;
  }

  has(localPath: string): boolean {
    return this.get(localPath) !== undefined;
  }

  /** The remote path that claimed `localPath`, if any. */
  private get(localPath: string): string | undefined {
    return this.byDir.get(localPathKey(path.dirname(localPath)))?.get(localPathKey(localPath));
  }

  private scope(dir: string): Map<string, string> {
    const key = localPathKey(dir);
    let m = this.byDir.get(key);
    if (!m) {
      m = new Map();
      this.byDir.set(key, m);
    }
    return m;
  }
}
