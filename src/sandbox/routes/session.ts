/**
 * Session APIs (protocol.md §1.2). Login is simulated: GET authCodeURL points at the
 * sandbox's own /sandbox-login page, which hands out the code "sandbox" (or
 * "sandbox:<userId>" to sign in as another configured user).
 */
import { ApiError, Codes, invalid } from '../errors';
import type { Router } from '../router';
import type { Service } from '../service';
import { optString, reqString } from '../validate';

export function registerSessionRoutes(router: Router, svc: Service, baseUrl: string): void {
  router.add('GET', '/v1/session/authCodeURL', 'none', (r) => {
    const domain = r.query.get('domain') ?? '';
    const redirect = domain ? `https://${domain.replace(/^https?:\/\//, '')}/` : `${baseUrl}/sandbox-login/callback`;
    const uri =
      `${baseUrl}/sandbox-login?response_type=code&client_id=koodrive-sandbox` +
      `&scope=${encodeURIComponent('phone profile email')}&redirect_uri=${encodeURIComponent(redirect)}`;
    return { uri, orgIdHost: new URL(baseUrl).host };
  });

  router.add('POST', '/v1/session', 'none', (r) => {
    const code = reqString(r.body, 'code');
    optString(r.body, 'domain');
    const users = Object.keys(svc.store.state.users);
    let userId: string | undefined;
    if (code === 'sandbox') userId = users[0];
    else if (code.startsWith('sandbox:') && users.includes(code.slice(8))) userId = code.slice(8);
    if (!userId) throw invalid('code is not a valid authorization code (the sandbox accepts "sandbox")');
    const { token, sessionId } = svc.auth.createSession(userId);
    return { data: { accessToken: `Bearer ${token}`, sessionId, userId, userInfo: userInfo(svc, userId) } };
  });

  router.add('POST', '/v1/session/refresh', 'none', (r) => {
    const { token } = svc.auth.refresh(r.headers);
    return { accessToken: `Bearer ${token}` };
  });

  router.add('GET', '/v1/session/auth', 'session', (r) => ({ data: userInfo(svc, r.principal.userId) }));

  router.add('GET', '/v1/session/logoff', 'session', (r) => {
    svc.auth.logoff(r.principal);
    return { failedList: [] };
  });
}

function userInfo(svc: Service, userId: string): Record<string, unknown> {
  const u = svc.store.state.users[userId];
  if (!u) throw new ApiError(Codes.NotFound, 'user not found');
  return {
    role: u.role,
    userName: u.userName,
    innerUserId: `inner-${u.userId}`,
    userId: u.userId,
    tenantId: u.tenantId,
    orgId: 'sandbox-org',
    orgName: 'Sandbox Org',
    xHwSchema: 'sandbox',
    userCount: Object.keys(svc.store.state.users).length,
    deptId: Object.values(svc.store.state.teams).find((t) => t.kind === 0 && t.members.includes(userId))?.id ?? '',
  };
}
