/** Plain formatting shared by the CLI and the extension. */

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (binary multiples, as file managers show them). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(n || 0))} B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}
