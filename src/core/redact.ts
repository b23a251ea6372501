/**
 * Presigned URLs are credentials (anyone holding one can read or write the
 * object until it expires), and tokens obviously are: everything that may
 * reach a log, an error message or a test snapshot goes through here.
 */
const SECRET_QUERY_PARAMS = /^(x-amz-signature|x-amz-credential|x-amz-security-token|signature|token|access_token|sessionid)$/i;

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

/** Removes bearer tokens and presigned signatures from free text (error messages, server echoes). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/(Bearer[+ ])[A-Za-z0-9._~+/=-]+/g, '$1***')
    .replace(/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1***');
  for (const s of secrets) {
    if (s && s.length >= 6) out = out.split(s).join('***');
  }
  return out;
}
