/**
 * Which paths a link leaves out: the link's and the host's exclude patterns,
 * `.gitignore` files at any depth (each applies below its own folder), a
 * `.koodriveignore` likewise; `.git/` and the project's own temporary files
 * always. A deeper file only overrides the paths it matches (gitignore's rule).
 */
import { isPartialName } from '../bytes/localNames';
import { IgnoreMatcher } from '../upload/ignoreRules';

export const IGNORE_FILES = ['.gitignore', '.koodriveignore'] as const;
/** Where apply stages downloads inside the folder (same volume, so the final rename is atomic). */
export const STAGING_DIR = '.koodrive-sync';

interface Layer {
  /** The folder the rules apply under ("" = the linked folder). */
  dir: string;
  matcher: IgnoreMatcher;
}

export class SyncIgnore {
  private readonly layers: Layer[] = [];

  /** `exclude`: patterns of the link and the host (e.g. koodrive.sync.exclude), applied under the root. */
  constructor(exclude: readonly string[] = []) {
    if (exclude.length) this.layers.push({ dir: '', matcher: IgnoreMatcher.from(exclude) });
  }

  /** Adds the rules of an ignore file found in `dir`. */
  addFile(dir: string, lines: readonly string[]): void {
    this.layers.push({ dir, matcher: IgnoreMatcher.from(lines) });
    // Deeper folders after shallower ones: the walk adds them in that order already; sort keeps it true for any caller.
    this.layers.sort((a, b) => depth(a.dir) - depth(b.dir));
  }

  /** Is this one entry (not its parents) excluded? */
  ignores(relPath: string, isDir: boolean): boolean {
    const name = relPath.slice(relPath.lastIndexOf('/') + 1);
    if (isDir && (name === '.git' || name === STAGING_DIR) && !relPath.includes('/')) return true;
    if (isDir && name === '.git') return true;
    if (!isDir && isPartialName(name)) return true;
    let verdict = false;
    for (const l of this.layers) {
      if (l.dir && !relPath.startsWith(`${l.dir}/`)) continue;
      const v = l.matcher.verdict(l.dir ? relPath.slice(l.dir.length + 1) : relPath, isDir);
      if (v !== undefined) verdict = v;
    }
    return verdict;
  }

  /** Is this file, or any folder above it, excluded? (For paths the local walk did not see: remote-only and base paths.) */
  excludesPath(relPath: string): boolean {
    const parts = relPath.split('/');
    for (let i = 1; i < parts.length; i++) if (this.ignores(parts.slice(0, i).join('/'), true)) return true;
    return this.ignores(relPath, false);
  }
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}
