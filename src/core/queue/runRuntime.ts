/**
 * What a run holds in memory while it runs in this session (never
 * persisted): its abort controller, the files in flight, the cursors and
 * settled keys it updates, and the bytes moved for its speed.
 */
import { SpeedSampler } from '../speedSampler';
import type { SettledCursor } from './settledFiles';
import type { ActiveFile, TransferRun } from './transferRun';

export interface RunRuntime {
  controller: AbortController;
  active: Map<string, ActiveFile>;
  cursors: Map<string, SettledCursor>;
  settled: Set<string>;
  /** Network bytes moved in this session, sampled for the speed. */
  moved: number;
  speed: SpeedSampler;
  /** The error that failed the run as a whole, as thrown (the host shows it with its actions). */
  error?: unknown;
  finished: Promise<void>;
}

export function newRuntime(run: TransferRun, now: () => number): RunRuntime {
  return {
    controller: new AbortController(), active: new Map(), cursors: new Map(), settled: new Set(run.settledKeys),
    moved: 0, speed: new SpeedSampler(now), finished: Promise.resolve(),
  };
}

/** Counts bytes that went over the network (for the speed). */
export function countMoved(rt: RunRuntime, bytes: number): void {
  rt.moved += bytes;
  rt.speed.record(rt.moved);
}

/** Writes the in-memory cursors into the run record (before it is saved). */
export function snapshotCursors(run: TransferRun, rt: RunRuntime): void {
  for (const [root, c] of rt.cursors) run.cursor[root] = c.state();
}
