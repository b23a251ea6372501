/**
 * From the classified paths to the plan: which action each path gets, given
 * the direction, the conflict resolutions and the chosen paths; moves
 * detected; then the safety rules. The plan is what `status` shows and what
 * apply executes, so the two cannot disagree.
 */
import { classify } from './classify';
import { maxDeleteFor, safetyStops } from './safetyRules';
import type { Base, ConflictResolution, LocalScan, PlanOptions, RemoteTree, SyncAction, SyncChange, SyncLink, SyncNotice, SyncPlan } from './syncTypes';

export interface PlanInput {
  link: SyncLink;
  base: Base;
  scan: LocalScan;
  tree: RemoteTree;
  /** True for a path the ignore rules exclude (applies to remote paths too). */
  isExcluded?(path: string): boolean;
}

export function planSync(input: PlanInput, o: PlanOptions = {}): SyncPlan {
  const direction = o.direction ?? 'both';
  const notices: SyncNotice[] = [...input.scan.notices, ...input.tree.notices];
  const leftOut = new Set<string>(input.scan.excludedBasePaths);
  if (input.scan.caseInsensitive) for (const p of caseClashes(input)) {
    leftOut.add(p);
    notices.push({ path: p, reason: 'caseClash', message: 'another path differs only by letter case; on this case-insensitive volume they would be one file. Rename one of them.' });
  }
  // An incomplete listing says nothing about what is missing from it: no base path reads as deleted remotely (the run stops anyway; status shows the truth it has).
  if (!input.tree.complete) for (const p of input.base.keys()) if (!input.tree.files.has(p)) leftOut.add(p);
  const all: Working[] = classify({
    base: input.base, local: input.scan.files, remote: input.tree.files,
    isLeftOut: (p) => leftOut.has(p) || (!input.base.has(p) && (input.scan.isExcluded(p) || (input.isExcluded?.(p) ?? false))),
  });

  detectMoves(all);
  const chosen = (p: string): boolean => !o.paths || o.paths.has(p);
  const push = direction !== 'pull';
  const pull = direction !== 'push';
  const moves: SyncAction[] = [];
  const transfers: SyncAction[] = [];
  const deletes: SyncAction[] = [];
  const changes: SyncChange[] = [];
  let unchanged = 0;
  const summary = { toUpload: 0, toDownload: 0, conflicts: 0, unchanged: 0 };
  for (const c of all) {
    if (c.cell === 'unchanged' || c.cell === 'bothModifiedSame' || c.cell === 'addedBothSame') {
      unchanged++;
      // Same content: only the base needs to learn the new stat, id or hash.
      if (c.cell !== 'unchanged' || baseIsStale(c)) transfers.push({ kind: 'record', path: c.path });
      continue;
    }
    if (c.consumedByMove) continue;
    if (c.state) changes.push(stripInternal(c));
    if (c.state === 'localModified' || c.state === 'localAdded' || c.state === 'localDeleted') summary.toUpload++;
    else if (c.state === 'remoteModified' || c.state === 'remoteAdded' || c.state === 'remoteDeleted') summary.toDownload++;
    else if (c.state === 'conflict') summary.conflicts++;
    if (!chosen(c.path) && !(c.movedFrom && chosen(c.movedFrom))) continue;
    switch (c.cell) {
      case 'localModified':
        if (push) transfers.push({ kind: 'uploadRevision', path: c.path });
        break;
      case 'remoteDeletedLocalModified':
      case 'localAdded':
        if (push) (c.movedFrom ? moves : transfers).push(c.movedFrom ? { kind: 'moveRemote', from: c.movedFrom, path: c.path } : { kind: 'upload', path: c.path });
        break;
      case 'remoteModified':
      case 'localDeletedRemoteModified':
        if (pull) transfers.push({ kind: 'download', path: c.path });
        break;
      case 'remoteAdded':
        if (pull) (c.movedFrom ? moves : transfers).push(c.movedFrom ? { kind: 'moveLocal', from: c.movedFrom, path: c.path } : { kind: 'download', path: c.path });
        break;
      case 'localDeleted':
        if (push) deletes.push({ kind: 'recycleRemote', path: c.path });
        break;
      case 'remoteDeleted':
        if (pull) deletes.push({ kind: 'trashLocal', path: c.path });
        break;
      case 'deletedBoth':
        transfers.push({ kind: 'forget', path: c.path });
        break;
      case 'bothModified':
      case 'addedBoth': {
        const r: ConflictResolution = o.resolutions?.get(c.path) ?? o.conflict ?? 'skip';
        const allowed = r === 'local' ? push : r === 'remote' ? pull : r === 'keep-both' ? push && pull : false;
        if (allowed && r !== 'skip') transfers.push({ kind: 'resolve', path: c.path, resolution: r });
        break;
      }
    }
  }
  summary.unchanged = unchanged;
  const actions = [...moves, ...transfers, ...deletes];
  // Remote deletions and local trashings both count; a 'remote' resolution trashes too but only what the user chose.
  const deletions = deletes.length;
  const maxDelete = maxDeleteFor(input.base.size, o.maxDelete);
  const stops = safetyStops({ baseSize: input.base.size, scan: input.scan, tree: input.tree, deletions, maxDelete, force: o.force });
  return { link: input.link, changes, actions, stops, notices, summary, deletions, maxDelete, local: input.scan.files, remote: input.tree.files, folders: input.tree.folders };
}

type Working = SyncChange & { consumedByMove?: boolean };

/**
 * A path deleted on one side and a path added on the same side with the
 * base's sha256, the other side unchanged: a move. Each base sha256 pairs
 * with at most one added path; ambiguous ones (two candidates) stay
 * delete + add, which is safe, only slower.
 */
function detectMoves(all: Working[]): void {
  const pair = (deletedCell: 'localDeleted' | 'remoteDeleted', addedCell: 'localAdded' | 'remoteAdded', shaOfAdded: (c: SyncChange) => string | undefined): void => {
    const deletedBySha = new Map<string, Working[]>();
    for (const c of all) if (c.cell === deletedCell && c.base) push(deletedBySha, c.base.sha256, c);
    if (deletedBySha.size === 0) return;
    const addedBySha = new Map<string, Working[]>();
    for (const c of all) {
      const sha = c.cell === addedCell ? shaOfAdded(c) : undefined;
      if (sha && deletedBySha.has(sha)) push(addedBySha, sha, c);
    }
    for (const [sha, added] of addedBySha) {
      const deleted = deletedBySha.get(sha) ?? [];
      if (added.length !== 1 || deleted.length !== 1) continue;
      added[0].movedFrom = deleted[0].path;
      deleted[0].consumedByMove = true;
    }
  };
  pair('localDeleted', 'localAdded', (c) => c.local?.sha256);
  pair('remoteDeleted', 'remoteAdded', (c) => c.remote?.sha256);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function stripInternal(c: Working): SyncChange {
  const { consumedByMove: _drop, ...rest } = c;
  return rest;
}

/** Unchanged content, but the base's hash-cache key or remote identity is out of date. */
function baseIsStale(c: SyncChange): boolean {
  const b = c.base;
  if (!b || !c.local || !c.remote) return false;
  return b.size !== c.local.size || b.mtimeMs !== c.local.mtimeMs || b.ino !== c.local.ino || b.fileId !== c.remote.fileId || b.remoteModified !== c.remote.modifiedTime;
}

/** Paths that collide with another path when letter case is ignored (two remote names, or a new name on one side against the other). */
function caseClashes(input: PlanInput): string[] {
  const groups = new Map<string, Set<string>>();
  for (const m of [input.scan.files.keys(), input.tree.files.keys(), input.base.keys()]) {
    for (const p of m) push2(groups, p.toLowerCase(), p);
  }
  const out: string[] = [];
  for (const g of groups.values()) if (g.size > 1) out.push(...g);
  return out;
}

function push2(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}
