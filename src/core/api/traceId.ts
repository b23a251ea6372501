import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

/** X-Traceid: "must be 58 bits" = 58 characters of letters, digits and underscore (§1.1). */
export function newTraceId(): string {
  const bytes = randomBytes(58);
  let out = '';
  for (let i = 0; i < 58; i++) out += ALPHABET[bytes[i] % 63];
  return out;
}
