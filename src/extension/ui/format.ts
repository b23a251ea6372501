/** Plain formatting for labels, descriptions and progress messages (no VS Code). */

import { formatBytes } from '../../core/format';

export { formatBytes };

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * KooDrive times come as ISO strings, "yyyy-MM-dd HH:mm:ss" (UTC) or epoch
 * milliseconds, depending on the page (gap 12). Undefined when unreadable.
 */
export function parseRemoteTime(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const s = value.trim();
  if (/^\d{10,}$/.test(s)) {
    const n = Number(s);
    return s.length <= 10 ? n * 1000 : n;
  }
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2024-05-01 14:03" in local time. */
export function formatDateTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
