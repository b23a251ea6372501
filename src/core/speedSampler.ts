/**
 * Speed and time left of a transfer, from a running total of bytes moved:
 * bytes per second over the last few seconds. The window is measured up to
 * now, so a transfer that stalls slows down on screen and shows no speed once
 * nothing has moved for a whole window. Used by the transfer queue's rows and
 * the extension's progress notification alike.
 */

export const SPEED_WINDOW_MS = 5000;
/** Less than this much time between the oldest and newest sample tells nothing yet. */
const MIN_SPAN_MS = 500;

export class SpeedSampler {
  private readonly samples: Array<{ t: number; bytes: number }> = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = SPEED_WINDOW_MS,
  ) {}

  /** Records the running total of bytes moved (network bytes: not hashing, not flash uploads). */
  record(totalBytes: number): void {
    const t = this.now();
    this.samples.push({ t, bytes: totalBytes });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window; 0 while unknown or when nothing moved for a whole window. */
  speed(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    const now = this.now();
    const dt = Math.max(b.t, now) - a.t;
    if (dt < MIN_SPAN_MS || now - b.t >= this.windowMs) return 0;
    return Math.max(0, ((b.bytes - a.bytes) * 1000) / dt);
  }
}

/** Seconds left at `speed` for `bytesLeft`, when both are known. */
export function etaSeconds(speed: number, bytesLeft: number | undefined): number | undefined {
  return speed > 0 && bytesLeft !== undefined ? Math.ceil(bytesLeft / speed) : undefined;
}
