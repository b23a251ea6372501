import { KooDriveError } from '../core/errors';

/** "16777216", "16MiB", "16M", "5GiB" → bytes. */
export function parseByteSize(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*([kmgt]?)(i?b)?$/i.exec(value.trim());
  if (!m) throw new KooDriveError('InvalidInput', `${flag}: "${value}" is not a size (e.g. 16777216 or 16MiB)`, { subject: 'usage' });
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * mult;
}

export function parsePositiveInt(value: string | undefined, flag: string, max = 64): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new KooDriveError('InvalidInput', `${flag} must be a whole number from 1 to ${max} (got "${value}")`, { subject: 'usage' });
  }
  return n;
}

export function parseChoice<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new KooDriveError('InvalidInput', `${flag} must be one of ${choices.join(', ')} (got "${value}")`, { subject: 'usage' });
  }
  return value as T;
}
