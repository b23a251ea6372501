/**
 * koodrive.signIn: endpoint (Beijing, Singapore, custom URL, local sandbox),
 * then access token (password box) and user id; the token is checked with
 * session/auth before anything is saved (auth/session.ts).
 */
import { KNOWN_ENDPOINTS, normalizeEndpoint } from '../../core/endpoint';
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import type { Services } from '../services';
import type { PickItem } from '../ui/prompts';
import { startSandbox } from './startSandbox';

export const SIGN_IN_PROMPTS = {
  endpoint: 'signIn.endpoint',
  customEndpoint: 'signIn.customEndpoint',
  token: 'signIn.token',
  userId: 'signIn.userId',
} as const;

interface EndpointItem extends PickItem {
  url?: string;
}

export async function signIn(s: Services): Promise<void> {
  const title = l10n.t('Sign in to KooDrive');
  const previous = s.session.previous;
  const current = safeNormalize(previous.endpoint);
  const known = [KNOWN_ENDPOINTS.beijing, KNOWN_ENDPOINTS.singapore] as string[];
  const custom = current && !known.includes(current) ? current : undefined;
  const items: EndpointItem[] = [
    { id: 'beijing', label: l10n.t('Beijing (CN North-Beijing4)'), description: host(KNOWN_ENDPOINTS.beijing), url: KNOWN_ENDPOINTS.beijing },
    { id: 'singapore', label: l10n.t('Singapore (AP-Singapore)'), description: host(KNOWN_ENDPOINTS.singapore), url: KNOWN_ENDPOINTS.singapore },
    { id: 'custom', label: l10n.t('Custom endpoint…'), description: custom },
    { id: 'sandbox', label: l10n.t('Local sandbox'), description: l10n.t('Try KooDrive with demo files on this computer') },
  ];
  const chosen = await s.prompts.pick(items, { id: SIGN_IN_PROMPTS.endpoint, title, placeholder: l10n.t('Choose your KooDrive endpoint') });
  if (chosen.id === 'sandbox') return startSandbox(s);

  const endpoint = chosen.url ?? await s.prompts.input({
    id: SIGN_IN_PROMPTS.customEndpoint,
    title,
    prompt: l10n.t('KooDrive endpoint URL (https; plain http only for a server on this computer)'),
    placeholder: 'https://example.myhuaweicloud-koodrive.com',
    // What was typed in a failed attempt comes first, then KOODRIVE_ENDPOINT, then the saved custom endpoint.
    value: (previous.typed ? custom : undefined) ?? s.host.env('KOODRIVE_ENDPOINT') ?? custom,
    validate: (v) => {
      try {
        normalizeEndpoint(v);
        return undefined;
      } catch (e) {
        return KooDriveError.is(e) ? e.message : String(e);
      }
    },
  });

  const pasted = parseTokenInput(await s.prompts.input({
    id: SIGN_IN_PROMPTS.token,
    title,
    prompt: l10n.t('Access token (the Authorization value from the KooDrive web app, or the JSON answer of createSession to allow session refresh)'),
    placeholder: l10n.t('Paste the access token'),
    password: true,
    validate: (v) => (v.trim() ? undefined : l10n.t('Paste the access token.')),
  }));

  const userId = await s.prompts.input({
    id: SIGN_IN_PROMPTS.userId,
    title,
    prompt: l10n.t('Your KooDrive user ID (sent as X-User-Id)'),
    placeholder: l10n.t('User ID'),
    value: pasted.userId ?? previous.userId,
    validate: (v) => (v.trim() ? undefined : l10n.t('Enter your user ID.')),
  });

  const user = await s.progress.run({ title: l10n.t('Checking the access token…') }, (_report, signal) =>
    s.session.signIn({ endpoint, token: pasted.token, userId, sessionId: pasted.sessionId }, signal));
  void s.notifier.info(l10n.t('Signed in to KooDrive as {0}.', user.userName || userId.trim()));
}

/**
 * A pasted token, or createSession's JSON answer (`{accessToken, sessionId,
 * userId}`, flat or under `data`), which also gives the session id needed to
 * refresh the token (gap 3).
 */
export function parseTokenInput(value: string): { token: string; sessionId?: string; userId?: string } {
  const v = value.trim();
  if (v.startsWith('{')) {
    try {
      const j = JSON.parse(v) as Record<string, unknown> & { data?: Record<string, unknown> };
      const d = (j.data && typeof j.data === 'object' ? j.data : j) as Record<string, unknown>;
      const str = (x: unknown): string | undefined => (typeof x === 'string' && x.trim() ? x.trim() : undefined);
      const token = str(d.accessToken) ?? str(j.accessToken);
      if (token) {
        const info = d.userInfo as Record<string, unknown> | undefined;
        return { token, sessionId: str(d.sessionId) ?? str(j.sessionId), userId: str(d.userId) ?? str(info?.userId) ?? str(j.userId) };
      }
    } catch {
      /* not JSON: a token that starts with "{"? take it as typed */
    }
  }
  return { token: v };
}

function host(url: string): string {
  return new URL(url).host;
}

function safeNormalize(v: string | undefined): string | undefined {
  try {
    return v ? normalizeEndpoint(v) : undefined;
  } catch {
    return undefined;
  }
}
