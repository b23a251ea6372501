/**
 * The sandbox's notion of "now". `offsetMs` simulates a server clock that is
 * ahead (+) or behind (-) the client's; it drives the `Date` response header,
 * the X-Date window check, X-Amz-Date on presigned URLs and their expiry.
 * Token idle lifetimes use the real clock instead: shifting the clock models
 * skew, not the passage of time, and must not log the user out.
 */
export class SandboxClock {
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** yyyyMMdd'T'HHmmss'Z' (X-Date, X-Amz-Date). */
export function formatCompactDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** Parse yyyyMMdd'T'HHmmss'Z' strictly; undefined when malformed or not a real date. */
export function parseCompactDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined;
  return ms;
}

/** yyyyMMdd_HHmmss in UTC, the suffix KooDrive appends on rename (e.g. test_20240104_105403.zip). */
export function formatRenameStamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}
