/**
 * Presigned URLs are credentials (anyone holding one can read or write the
 * object until it expires), and tokens obviously are: everything that may
 * reach a log, an error message or a test snapshot goes through here.
 */
import type { Logger } from './logger';

const SECRET_QUERY_PARAMS = /^(x-amz-signature|x-amz-credential|x-amz-security-token|signature|token|access_token|sessionid)$/i;

/**
 * "Bearer" followed by its separator as it may appear in text: a space or
 * "+" (gap 1: both are sent), or either one URL-encoded (%20, %2B) when a
 * header value was echoed inside a URL or form body.
 */
const BEARER = /\b(Bearer(?:[+ ]|%20|%2B))[^\s"'<>,;&)\]}]+/gi;
/** Presigned-URL signature parameters, whatever the text around them. */
const SIGNATURE_PARAMS = /(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"'<>]+/gi;
/** Shorter "secrets" are not searched for: replacing them would garble ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** Replaces secret query parameters with `***`, keeps the rest readable. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const base = url.slice(0, q);
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try { decoded = decodeURIComponent(name); } catch { /* keep raw */ }
    return SECRET_QUERY_PARAMS.test(decoded) ? `${name}=***` : pair;
  });
  return `${base}?${query.join('&')}`;
}

/**
 * Every form a secret may take in text: as given, without its "Bearer"
 * scheme, and URL-encoded (a token with "/", "+" or "=" looks different
 * inside a query string or an echoed URL).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  const add = (s: string): void => {
    const t = s.trim();
    if (t.length < MIN_SECRET_LENGTH) return;
    forms.add(t);
    forms.add(encodeURIComponent(t));
    forms.add(t.replace(/ /g, '+'));
  };
  add(secret);
  add(secret.trim().replace(/^Bearer(?:[+ ]|%20|%2B)/i, ''));
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Removes bearer tokens, presigned signatures and the given secrets (tokens,
 * session ids, in every form `secretForms` lists) from free text: error
 * messages, server echoes, log lines.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    for (const form of secretForms(s)) out = out.split(form).join('***');
  }
  return out.replace(BEARER, '$1***').replace(SIGNATURE_PARAMS, '$1***');
}

/**
 * The secrets one client has sent (its tokens, session ids), collected where
 * they are used so the core's own messages can be redacted with them too,
 * not only by the host's logger.
 */
export class SecretList {
  private readonly secrets = new Set<string>();

  add(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.trim().length >= MIN_SECRET_LENGTH) this.secrets.add(v.trim());
  }

  list(): string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    return redactText(text, this.list());
  }
}

/** A logger that redacts every line with `secrets()` (and the patterns above) before passing it on. */
export function redactingLogger(logger: Logger, secrets: () => readonly string[]): Logger {
  const clean = (m: string): string => redactText(m, secrets());
  return {
    trace: (m) => logger.trace(clean(m)),
    debug: (m) => logger.debug(clean(m)),
    info: (m) => logger.info(clean(m)),
    warn: (m) => logger.warn(clean(m)),
    error: (m) => logger.error(clean(m)),
  };
}
