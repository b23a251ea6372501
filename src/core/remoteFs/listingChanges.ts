/**
 * The file system's side of DriveChanges: a change published by someone else
 * (a tree command) makes our cached listings stale, and every change we make
 * forgets the listings it touched and is published once, marked as ours so we
 * do not handle it twice.
 */
import type { Space } from '../api/models';
import type { DriveChanges } from './driveChanges';
import type { PathResolver } from './pathResolver';

export interface ChangedIds {
  folderIds?: string[];
  fileIds?: string[];
  removedIds?: string[];
}

export class ListingChanges {
  private readonly subscription?: { dispose(): void };

  constructor(
    private readonly resolver: PathResolver,
    private readonly changes: DriveChanges | undefined,
    /** The publisher our own events carry (`DriveChange.origin`). */
    private readonly origin: unknown,
  ) {
    this.subscription = changes?.onDidChange((c) => {
      if (c.origin === origin) return;
      if (c.all) resolver.clear();
      for (const id of c.folderIds ?? []) resolver.invalidateFolder(c.space, id);
    });
  }

  /** A change we made: forget the listings it touched, then tell the others. */
  publish(space: Space, c: ChangedIds): void {
    for (const id of c.folderIds ?? []) this.resolver.invalidateFolder(space, id);
    this.changes?.publish({ space, ...c, origin: this.origin });
  }

  dispose(): void {
    this.subscription?.dispose();
  }
}
