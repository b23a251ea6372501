/**
 * Plain formatting shared by the CLI and the extension.
 *
 * One unit convention everywhere: sizes are binary multiples and carry IEC
 * labels (1 KiB = 1024 bytes, 1 MiB = 1024² bytes), so "50 MiB" is exactly
 * 52 428 800 bytes. Decimal units (MB = 10⁶ bytes, GB = 10⁹ bytes) appear
 * only where a decimal quantity is meant: the documented "200 GB" file limit
 * and the benchmarks' MB/s.
 */

const IEC_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB", 52428800 → "50 MiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '0 B';
  if (n < 1024) return `${Math.max(0, Math.round(n))} B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < IEC_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  // One decimal below 10 ("1.5 KiB"); whole numbers above, and 1023.6 rounds up to the next unit.
  let text = v.toFixed(v < 10 ? 1 : 0);
  if (Number(text) >= 1024 && i < IEC_UNITS.length - 1) {
    i++;
    text = (v / 1024).toFixed(1);
  }
  return `${text} ${IEC_UNITS[i]}`;
}
