/**
 * The three-way table: for every relative path, from what the local scan,
 * the remote walk and the base say, one cell (docs/sync.md has the table).
 * Pure: no I/O, so every cell is unit-tested.
 *
 * "Changed" means a different sha256 from the base. A remote file that has
 * no sha256 at all is compared by (fileId, size, edit time) with the base and
 * is never assumed equal to anything by name alone.
 */
import type { Base, BaseEntry, ChangeState, LocalFile, RemoteFile, SyncCell, SyncChange } from './syncTypes';

export interface ClassifyInput {
  base: Base;
  local: ReadonlyMap<string, LocalFile>;
  remote: ReadonlyMap<string, RemoteFile>;
  /** Paths left out entirely (ignore rules, unusable names, case clashes): their base stays as it is. */
  isLeftOut?(path: string): boolean;
}

export function classifyPath(local: LocalFile | undefined, remote: RemoteFile | undefined, base: BaseEntry | undefined): SyncCell {
  if (!base) {
    if (local && remote) return remote.sha256 !== undefined && remote.sha256 === local.sha256 ? 'addedBothSame' : 'addedBoth';
    if (local) return 'localAdded';
    if (remote) return 'remoteAdded';
    return 'unchanged'; // not reachable from classify(): a path comes from at least one source
  }
  const localChanged = local !== undefined && local.sha256 !== base.sha256;
  const remoteChanged = remote !== undefined && remoteDiffers(remote, base);
  if (local && remote) {
    if (localChanged && remoteChanged) return remote.sha256 !== undefined && remote.sha256 === local.sha256 ? 'bothModifiedSame' : 'bothModified';
    if (localChanged) return 'localModified';
    if (remoteChanged) return 'remoteModified';
    return 'unchanged';
  }
  if (local) return localChanged ? 'remoteDeletedLocalModified' : 'remoteDeleted';
  if (remote) return remoteChanged ? 'localDeletedRemoteModified' : 'localDeleted';
  return 'deletedBoth';
}

/** Is the remote file's content different from the base's? */
export function remoteDiffers(remote: RemoteFile, base: BaseEntry): boolean {
  if (remote.sha256 !== undefined) return remote.sha256 !== base.sha256;
  // No hash to compare: only the very same file, same size, same edit time counts as unchanged.
  return !(remote.fileId === base.fileId && remote.size === base.size && remote.modifiedTime === base.remoteModified);
}

/** The contract state of a cell (undefined: nothing to transfer). */
export function stateOf(cell: SyncCell): ChangeState | undefined {
  switch (cell) {
    case 'localModified':
    case 'remoteDeletedLocalModified':
      return 'localModified';
    case 'remoteModified':
    case 'localDeletedRemoteModified':
      return 'remoteModified';
    case 'bothModified':
    case 'addedBoth':
      return 'conflict';
    case 'localAdded':
      return 'localAdded';
    case 'remoteAdded':
      return 'remoteAdded';
    case 'localDeleted':
      return 'localDeleted';
    case 'remoteDeleted':
      return 'remoteDeleted';
    default:
      return undefined;
  }
}

/** Every path of the three sources, classified, sorted by path (unchanged ones included). */
export function classify(input: ClassifyInput): SyncChange[] {
  const paths = new Set<string>([...input.base.keys(), ...input.local.keys(), ...input.remote.keys()]);
  const out: SyncChange[] = [];
  for (const p of [...paths].sort()) {
    if (input.isLeftOut?.(p)) continue;
    const local = input.local.get(p);
    const remote = input.remote.get(p);
    const base = input.base.get(p);
    const cell = classifyPath(local, remote, base);
    out.push({ path: p, cell, state: stateOf(cell), local, remote, base });
  }
  return out;
}
