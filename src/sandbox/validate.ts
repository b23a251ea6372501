/**
 * Request-body and query validation helpers. Every failure is a 13000102
 * "parameter check failed" naming the field.
 */
import { createHash } from 'node:crypto';
import { invalid } from './errors';

export type Body = Record<string, unknown>;

export function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function reqString(b: Body, key: string, max = Infinity): string {
  const v = b[key];
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${key} is required and must be a non-empty string`);
  if (v.length > max) throw invalid(`${key} must be at most ${max} characters`);
  return v;
}

export function optString(b: Body, key: string, max = Infinity): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${key} must be a string`);
  if (v.length > max) throw invalid(`${key} must be at most ${max} characters`);
  return v;
}

/** A JSON integer (numbers only: the docs type these consistently). */
export function reqInt(b: Body, key: string, min = -Infinity, max = Infinity): number {
  const v = b[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${key} is required and must be an integer`);
  if (v < min || v > max) throw invalid(`${key} must be in [${min}, ${max}]`);
  return v;
}

export function optInt(b: Body, key: string, min = -Infinity, max = Infinity): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  return reqInt(b, key, min, max);
}

export function optBool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${key} must be a boolean`);
  return v;
}

/** fileType and similar enums the docs type as String on one page and Integer in an example: accept both. */
export function reqStringOrInt(b: Body, key: string): string {
  const v = b[key];
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw invalid(`${key} is required`);
}

export function reqStringArray(b: Body, key: string, minLen = 1, maxLen = Infinity): string[] {
  const v = b[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    throw invalid(`${key} is required and must be an array of strings`);
  }
  if (v.length < minLen || v.length > maxLen) throw invalid(`${key} must have ${minLen}..${maxLen} elements`);
  return v as string[];
}

export const HEX64 = /^[0-9a-fA-F]{64}$/;

export function optHash(b: Body, key: string): string | undefined {
  const v = optString(b, key);
  if (v === undefined || v === '') return undefined;
  if (!HEX64.test(v)) throw invalid(`${key} must be 64 hex characters (SHA-256)`);
  return v.toLowerCase();
}

/** Query integer; `required` -> missing is an error. */
export function queryInt(q: URLSearchParams, key: string, min: number, max: number, fallback?: number): number {
  const raw = q.get(key);
  if (raw === null || raw === '') {
    if (fallback === undefined) throw invalid(`${key} is required`);
    return fallback;
  }
  if (!/^-?\d+$/.test(raw)) throw invalid(`${key} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw invalid(`${key} must be in [${min}, ${max}]`);
  return n;
}

export interface Page {
  pageSize: number;
  offset: number;
  /** Fingerprint of the listing the cursor belongs to. */
  key: string;
}

/**
 * pageInfo {pageSize [1, max] default max, pageCursor}. Cursors are opaque
 * base64url; one from another listing (different folder/sort/filter) or
 * malformed is refused (13000102).
 */
export function pageInfo(b: Body, listingKey: string, max = 100, sizeKey = 'pageSize', cursorKey = 'pageCursor'): Page {
  const pi = b.pageInfo;
  if (pi !== undefined && pi !== null && !isObject(pi)) throw invalid('pageInfo must be an object');
  const info: Body = (pi as Body | undefined) ?? {};
  const pageSize = optInt(info, sizeKey, 1, max) ?? max;
  const cursor = optString(info, cursorKey);
  const key = fingerprint(listingKey);
  const offset = cursor ? decodeCursor(cursor, key) : 0;
  return { pageSize, offset, key };
}

export function fingerprint(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 10);
}

export function encodeCursor(offset: number, key: string): string {
  return Buffer.from(JSON.stringify({ o: offset, k: key })).toString('base64url');
}

export function decodeCursor(cursor: string, key: string): number {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
    if (Number.isSafeInteger(c.o) && (c.o as number) >= 0 && c.k === key) return c.o as number;
  } catch {
    // fall through
  }
  throw invalid('pageCursor is not a cursor of this listing');
}

/** One page of `items` plus the cursor of the next one (undefined on the last page). */
export function slicePage<T>(items: readonly T[], page: Page): { items: T[]; next: string | undefined } {
  const slice = items.slice(page.offset, page.offset + page.pageSize);
  const end = page.offset + slice.length;
  return { items: slice, next: end < items.length ? encodeCursor(end, page.key) : undefined };
}
