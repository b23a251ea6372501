/**
 * What the host provides to authenticate calls. The CLI reads environment
 * variables; the extension reads VS Code SecretStorage. The core never stores
 * a token anywhere.
 */
export interface Credentials {
  /** The access token as the user or createSession gave it (maybe already "Bearer ..."/"Bearer+..."). */
  token: string;
  /** KooDrive user id, sent as X-User-Id. */
  userId: string;
  /** From createSession, when known: lets the client refresh an expired token. */
  sessionId?: string;
}

export interface CredentialsProvider {
  get(): Credentials | Promise<Credentials>;
  /** Called after a successful session refresh so the host can persist the new token. */
  update?(next: Credentials): void | Promise<void>;
}

/**
 * Gap 1: the docs say `Bearer+{access_token}` and the examples send exactly
 * that, while createSession returns tokens already prefixed ("Bearer 6ebb..."
 * or "Bearer+013b..."). A token that already carries a prefix is sent
 * verbatim; a bare token gets the configured prefix (default "Bearer+").
 */
export function authorizationHeader(token: string, prefix = 'Bearer+'): string {
  const t = token.trim();
  if (/^Bearer[+ ]/.test(t)) return t;
  return `${prefix}${t}`;
}

export function staticCredentials(c: Credentials): CredentialsProvider {
  let current = c;
  return {
    get: () => current,
    update: (next) => {
      current = next;
    },
  };
}
