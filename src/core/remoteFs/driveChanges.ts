/**
 * The one source of "something changed on KooDrive" events. The KooDrive
 * tree, the `koodrive:` file system (and through it VS Code's Explorer and
 * open editors) and the path cache all listen to it, and every change we
 * make — from a tree command or through the file system — is published here
 * once, so the views never disagree about what a folder holds.
 *
 * An event names folders whose listing changed and/or files whose content
 * changed, by id; listeners map ids to what they show. `origin` lets a
 * publisher that already updated itself skip its own event.
 */
import type { SpaceRef } from '../api/models';

export interface DriveChange {
  space: SpaceRef;
  /** Folders whose children changed (created, deleted, renamed, moved in or out). */
  folderIds?: readonly string[];
  /** Files whose content changed (a new revision). */
  fileIds?: readonly string[];
  /** Files or folders that no longer exist at their old place (deleted, moved, renamed). */
  removedIds?: readonly string[];
  /** Everything may have changed (refresh all, sign-in/out). */
  all?: boolean;
  /** Who published it (listeners may ignore their own events). */
  origin?: unknown;
}

export type DriveChangeListener = (change: DriveChange) => void;

export class DriveChanges {
  private readonly listeners = new Set<DriveChangeListener>();

  onDidChange(listener: DriveChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  publish(change: DriveChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A failing listener must not keep the others from hearing about the change.
      }
    }
  }
}
