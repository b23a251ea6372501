/**
 * The view model of a run (one row of the Transfers view): the persisted
 * record plus what only this session knows: files in flight, bytes done,
 * speed and time left.
 */
import { etaSeconds } from '../speedSampler';
import type { RunRuntime } from './runRuntime';
import type { ActiveFile, TransferRun } from './transferRun';

export interface RunView extends Readonly<TransferRun> {
  active: readonly ActiveFile[];
  /** Bytes of settled files plus bytes of files in flight. */
  bytesDone: number;
  /** Bytes per second over the last few seconds (0 when idle). */
  speed: number;
  /** Seconds left at the current speed, when known. */
  etaSeconds?: number;
}

/** `onDisk`: bytes the engine holds for a run that is not running (shown until it runs again). */
export function viewOf(run: TransferRun, rt: RunRuntime | undefined, onDisk: number | undefined): RunView {
  const live = run.state === 'running' || run.state === 'queued';
  const active = live && rt ? [...rt.active.values()].map((f) => ({ ...f })) : [];
  const bytesDone = run.done.bytes + active.reduce((n, f) => n + f.bytes, 0) + (live ? 0 : onDisk ?? 0);
  const speed = live && rt ? rt.speed.speed() : 0;
  const left = run.totals.bytes !== undefined ? Math.max(0, run.totals.bytes - bytesDone) : undefined;
  return { ...run, failed: [...run.failed], active, bytesDone, speed, etaSeconds: etaSeconds(speed, left) };
}
