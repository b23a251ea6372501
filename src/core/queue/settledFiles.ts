/**
 * Which files of a folder upload are settled (uploaded, or failed with a
 * reason), kept compact so that it does not grow with the file count: the
 * folder is uploaded in walk order, so almost every settled file lies in a
 * contiguous prefix, remembered as the last path of that prefix (`through`).
 * Only files settled out of order (at most the files in flight) are listed in
 * `ahead`. Files started but not settled are listed in `started` while they
 * run, which is what lets the prefix advance.
 *
 * Walk order is the order of localTree's depth-first walk: children sorted by
 * name, a folder's contents right after the folder. Comparing paths segment
 * by segment gives exactly that order (plain string comparison would not:
 * "a/b" sorts after "a.txt" as a string, but the walk visits "a" first).
 */
export function compareWalkOrder(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  const n = Math.min(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
}

export interface SettledCursorState {
  /** Every file up to and including this path (walk order) is settled. */
  through?: string;
  /** Settled files after `through`. */
  ahead: string[];
}

export class SettledCursor {
  private through?: string;
  private readonly ahead = new Set<string>();
  /** Started and not settled, in start (= walk) order. */
  private readonly running: string[] = [];
  /** The furthest file started: every file before it was started or passed over. */
  private frontier?: string;

  constructor(state?: SettledCursorState) {
    this.through = state?.through;
    for (const p of state?.ahead ?? []) this.ahead.add(p);
  }

  isSettled(relPath: string): boolean {
    return (this.through !== undefined && compareWalkOrder(relPath, this.through) <= 0) || this.ahead.has(relPath);
  }

  /** Files must be started in walk order. */
  start(relPath: string): void {
    this.running.push(relPath);
    this.frontier = relPath;
  }

  settle(relPath: string): void {
    const i = this.running.indexOf(relPath);
    if (i === 0) {
      // The oldest running file: everything before it is settled.
      this.running.shift();
      this.moveThrough(relPath);
    } else {
      // Out of order, or never started (a file refused before any request).
      if (i > 0) this.running.splice(i, 1);
      this.ahead.add(relPath);
    }
    this.fold();
  }

  /** Moves `ahead` entries into the prefix once every file before them is settled. */
  private fold(): void {
    const limit = this.running[0];
    for (const p of [...this.ahead].sort(compareWalkOrder)) {
      const before = limit !== undefined ? compareWalkOrder(p, limit) < 0 : this.frontier !== undefined && compareWalkOrder(p, this.frontier) <= 0;
      const next = this.through === undefined || compareWalkOrder(p, this.through) > 0;
      if (!before) break;
      this.ahead.delete(p);
      if (next) this.moveThrough(p);
    }
  }

  private moveThrough(relPath: string): void {
    if (this.through === undefined || compareWalkOrder(relPath, this.through) > 0) this.through = relPath;
  }

  state(): SettledCursorState {
    return { through: this.through, ahead: [...this.ahead] };
  }
}
