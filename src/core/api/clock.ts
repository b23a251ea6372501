/**
 * `X-Date` must be within 15 minutes of the server's time and never later
 * than it (§1.1). We learn the offset from every response's `Date` header.
 * `Date` has one-second resolution and is truncated, so `serverDate - now`
 * under-estimates the true offset: the X-Date we send therefore errs on the
 * "earlier than the server" side, which is the side the server accepts.
 */
export class ServerClock {
  private offsetMs = 0;
  private known = false;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Milliseconds to add to the local clock to get the server's (≤ the true value). */
  get skewMs(): number {
    return this.offsetMs;
  }

  get hasSample(): boolean {
    return this.known;
  }

  /** Feeds a response's `Date` header. */
  observe(dateHeader: string | string[] | undefined): void {
    const v = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
    if (!v) return;
    const server = Date.parse(v);
    if (Number.isNaN(server)) return;
    this.offsetMs = server - this.localNow();
    this.known = true;
  }

  /** Best estimate of the server's "now", in ms, biased early. */
  now(): number {
    return this.localNow() + this.offsetMs;
  }

  /** `yyyyMMdd'T'HHmmss'Z'`, e.g. 20251103T070140Z. */
  xDate(): string {
    return formatXDate(this.now());
  }
}

export function formatXDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-11-03T07:01:40.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

export function parseXDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** The window the docs give: within 15 minutes, not in the future. */
export const X_DATE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Did the server most likely reject our X-Date? True when, by the server's own
 * `Date`, the value we sent was in its future or more than 15 minutes old.
 */
export function xDateOutsideWindow(sentXDate: string, responseDate: string | string[] | undefined): boolean {
  const sent = parseXDate(sentXDate);
  const v = Array.isArray(responseDate) ? responseDate[0] : responseDate;
  const server = v ? Date.parse(v) : NaN;
  if (sent === undefined || Number.isNaN(server)) return false;
  return sent > server + 1000 || server - sent > X_DATE_WINDOW_MS;
}
