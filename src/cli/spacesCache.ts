/**
 * The spaces of the last successful `koodrive spaces`, kept in
 * <state dir>/cache/spaces.json for tab completion of container ids: a
 * completion must answer at once and must not call the service (or need a
 * token) on every Tab. Names and ids only; never a token.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Space } from '../core/api/models';

interface CachedSpace {
  containerId: string;
  name: string;
  kind: string;
}

export function spacesCachePath(dir: string): string {
  return path.join(dir, 'cache', 'spaces.json');
}

/** Best effort: a read-only home must not fail the `spaces` command itself. */
export function saveSpacesCache(dir: string, spaces: readonly Space[]): void {
  const file = spacesCachePath(dir);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    const list: CachedSpace[] = spaces.map((s) => ({ containerId: s.containerId, name: s.name, kind: s.kind }));
    fs.writeFileSync(temp, `${JSON.stringify({ savedAt: new Date().toISOString(), spaces: list })}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    // Completion then offers no container ids: nothing else depends on this file.
  }
}

export function readSpacesCache(dir: string): CachedSpace[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(spacesCachePath(dir), 'utf8')) as { spaces?: CachedSpace[] };
    return Array.isArray(parsed.spaces) ? parsed.spaces.filter((s) => s && typeof s.containerId === 'string') : [];
  } catch {
    return [];
  }
}
