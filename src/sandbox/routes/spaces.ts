/** Spaces, team lists and shared folders (protocol.md §3, §5). */
import { ApiError, Codes, invalid } from '../errors';
import type { Router } from '../router';
import type { Service } from '../service';
import type { ContainerRecord, ShareRecord, TeamRecord } from '../store';
import { queryInt } from '../validate';

export function registerSpaceRoutes(router: Router, svc: Service): void {
  const spaceInfo = (c: ContainerRecord): Record<string, unknown> => ({
    type: c.type,
    status: 0,
    ownerId: c.ownerId,
    containerId: c.id,
    bizRootFileId: c.rootId,
    bizSboxFileId: `SBOX${c.id}`,
    rootFileId: c.rootId,
    capacity: c.capacity,
    spaceUsed: svc.store.spaceUsed(c.id),
    tenantId: 'sandbox-tenant',
    creator: c.ownerId,
    createTime: new Date(c.createdAt).toISOString(),
    modifier: c.ownerId,
    updateTime: new Date(c.createdAt).toISOString(),
  });

  /** The spaces `ownerId` of `type` the caller can see. */
  const spacesOf = (userId: string, ownerId: string, type: number): ContainerRecord[] => {
    const all = Object.values(svc.store.state.containers);
    if (type === 1) {
      // Only your own personal space.
      if (ownerId !== userId) throw new ApiError(Codes.NoPermission, 'no permission on this space');
      return all.filter((c) => c.type === 1 && c.ownerId === ownerId);
    }
    const team = svc.store.state.teams[ownerId];
    if (!team || team.kind !== type) throw new ApiError(Codes.SpaceAbnormal, 'space does not exist or is abnormal');
    if (!team.members.includes(userId)) throw new ApiError(Codes.NoPermission, 'no permission on this space');
    return all.filter((c) => c.id === team.containerId);
  };

  const spaceType = (q: URLSearchParams): number => {
    const t = queryInt(q, 'type', 0, 2);
    return t;
  };

  router.add('GET', '/v1/space/teamList', 'full', (r) => {
    const offset = queryInt(r.query, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(r.query, 'limit', 1, 100);
    const rawType = r.query.get('teamType');
    const teamType = rawType === null || rawType === '' ? undefined : queryInt(r.query, 'teamType', 0, 2);
    const keyWord = (r.query.get('keyWord') ?? '').toLowerCase();
    const me = r.principal.userId;
    const teams = Object.values(svc.store.state.teams)
      .filter((t) => t.members.includes(me))
      .filter((t) => {
        if (teamType === 0) return t.kind === 0;
        if (teamType === 1) return t.kind === 2 && t.ownerId === me;
        if (teamType === 2) return t.kind === 2 && t.ownerId !== me;
        return true;
      })
      .filter((t) => t.name.toLowerCase().includes(keyWord))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return { total: teams.length, teams: teams.slice(offset, offset + limit).map((t) => teamObject(t, me)) };
  });

  const teamObject = (t: TeamRecord, me: string): Record<string, unknown> => {
    const c = svc.store.state.containers[t.containerId];
    return {
      id: t.id,
      containerId: t.containerId,
      status: 0,
      capacity: c.capacity,
      spaceUsed: svc.store.spaceUsed(c.id),
      userNum: t.members.length,
      ownerId: t.ownerId,
      // The docs' field list has no team name and their example shows one in ownerName; an
      // independent server sends the team's name in `name` and the owner's display name in
      // ownerName. We answer like that server: a client must label the space with `name`.
      name: t.name,
      ownerName: svc.user(t.ownerId).userName,
      teamType: t.kind,
      tenantId: 'sandbox-tenant',
      bizRootFileId: c.rootId,
      bizSboxFileId: `SBOX${c.id}`,
      iconUrl: '',
      top: false,
      // 0 owner/admin, 1 member (role values for teams are not documented).
      role: t.ownerId === me ? 0 : 1,
      creator: t.ownerId,
      createTime: new Date(t.createdAt).toISOString(),
      modifier: t.ownerId,
      updateTime: new Date(t.createdAt).toISOString(),
    };
  };

  router.add('GET', '/v1/space/batchGetSpace', 'full', (r) => {
    const ownerId = r.query.get('ownerId');
    if (!ownerId) throw invalid('ownerId is required');
    const list = spacesOf(r.principal.userId, ownerId, spaceType(r.query));
    const cid = r.query.get('containerId');
    return { data: list.filter((c) => !cid || c.id === cid).map(spaceInfo) };
  });

  router.add('GET', '/v1/space/:ownerId', 'full', (r) => {
    const list = spacesOf(r.principal.userId, r.params.ownerId, spaceType(r.query));
    const cid = r.query.get('containerId');
    const c = cid ? list.find((x) => x.id === cid) : list[0];
    if (!c) throw new ApiError(Codes.SpaceAbnormal, 'space does not exist or is abnormal');
    return { data: spaceInfo(c) };
  });

  // The v2 list. The real one wants an app-level token; the sandbox accepts the user token.
  router.add('GET', '/v2/space/:ownerId', 'full', (r) => {
    const type = r.query.get('type') === null ? 1 : spaceType(r.query);
    return { data: spacesOf(r.principal.userId, r.params.ownerId, type).map(spaceInfo) };
  });

  const shareObject = (s: ShareRecord): Record<string, unknown> => ({
    id: s.id,
    containerId: s.containerId,
    shareFolderFileId: s.folderId,
    name: s.name,
    ownerId: s.ownerId,
    ownerName: svc.user(s.ownerId).userName,
    groupId: s.groupId,
    status: 0,
    maxMember: 20,
    memberCount: s.members.length + 1,
    tenantId: 'sandbox-tenant',
    creator: s.ownerId,
    createTime: new Date(s.createdAt).toISOString(),
  });

  router.add('GET', '/v1/sharefolder/list', 'full', (r) => {
    const offset = queryInt(r.query, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(r.query, 'limit', 1, 1000);
    const queryType = queryInt(r.query, 'queryType', 0, 2, 0);
    const keyWord = r.query.get('keyWord') ?? '';
    if (keyWord.length > 32) throw invalid('keyWord must be at most 32 characters');
    const status = r.query.get('status');
    if (status !== null && status !== '' && status !== '0') throw invalid('status must be 0');
    const me = r.principal.userId;
    const shares = Object.values(svc.store.state.shares)
      .filter((s) => s.ownerId === me || s.members.includes(me))
      .filter((s) => (queryType === 1 ? s.ownerId === me : queryType === 2 ? s.ownerId !== me : true))
      .filter((s) => s.name.toLowerCase().includes(keyWord.toLowerCase()))
      .sort((a, b) => a.createdAt - b.createdAt);
    return { total: shares.length, folders: shares.slice(offset, offset + limit).map(shareObject) };
  });

  router.add('GET', '/v1/sharefolder/metadata/:id', 'full', (r) => {
    const s = svc.store.state.shares[r.params.id];
    if (!s || !Object.prototype.hasOwnProperty.call(svc.store.state.shares, r.params.id)) {
      throw new ApiError(Codes.NotFound, 'shared folder not found');
    }
    const me = r.principal.userId;
    if (s.ownerId !== me && !s.members.includes(me)) throw new ApiError(Codes.NoPermission, 'no permission on this shared folder');
    return { sharefolder: shareObject(s) };
  });
}
