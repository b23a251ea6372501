import { KooDriveError } from './errors';

/** Documented public endpoints (§0). */
export const KNOWN_ENDPOINTS = {
  beijing: 'https://cn.myhuaweicloud-koodrive.com',
  singapore: 'https://intl.myhuaweicloud-koodrive.com',
} as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Turns what a user typed ("intl.myhuaweicloud-koodrive.com", a full URL with
 * or without the API path) into an origin. Plain http is allowed only to
 * loopback (the local sandbox): anywhere else it would send the token in clear.
 */
export function normalizeEndpoint(input: string): string {
  const raw = input.trim();
  if (!raw) throw new KooDriveError('InvalidInput', 'The KooDrive endpoint is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new KooDriveError('InvalidInput', `"${raw}" is not a valid endpoint URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KooDriveError('InvalidInput', `Endpoint must use https (got ${url.protocol})`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new KooDriveError('InvalidInput', `Refusing plain http to ${url.hostname}: the access token would travel unencrypted. Use https (http is allowed only for a local sandbox on loopback).`);
  }
  if (url.username || url.password) throw new KooDriveError('InvalidInput', 'The endpoint must not contain credentials');
  return url.origin;
}
