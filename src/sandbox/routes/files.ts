/** Listing, detail, folders, rename, paths, folder stats and search (protocol.md §2.1-2.2, 2.6-2.8, 2.10-2.12). */
import { ApiError, Codes, invalid } from '../errors';
import { ListingCache } from '../listingCache';
import { FILE_TYPES, FOLDER_TYPE, fileSuffix, nameProblem } from '../names';
import type { ApiRequest, Router } from '../router';
import type { Scope, Service } from '../service';
import { MAX_DEPTH } from '../service';
import type { NodeRecord } from '../store';
import type { Body } from '../validate';
import {
  isObject,
  optBool,
  optInt,
  optString,
  pageInfo,
  reqString,
  reqStringOrInt,
  slicePage,
} from '../validate';

/** sortInfo {sortType 1..6, sortDirection 1|2}; default name ascending. Folders always come first. */
function sorter(svc: Service, b: Body, recycleBin: boolean): { compare: (x: NodeRecord, y: NodeRecord) => number; key: string } {
  const si = b.sortInfo;
  if (si !== undefined && si !== null && !isObject(si)) throw invalid('sortInfo must be an object');
  const info: Body = (si as Body | undefined) ?? {};
  const sortType = optInt(info, 'sortType', 1, 6) ?? 1;
  const dir = optInt(info, 'sortDirection', 1, 2) ?? 1;
  // Digest §7: 5 = recycled time, "bin only".
  if (sortType === 5 && !recycleBin) throw invalid('sortType 5 (recycled time) is only valid in the recycle bin');
  const size = (n: NodeRecord): number => svc.store.current(n)?.size ?? 0;
  const byName = (x: NodeRecord, y: NodeRecord): number => {
    const a = x.name.toLowerCase();
    const c = y.name.toLowerCase();
    return a < c ? -1 : a > c ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
  };
  const primary: (x: NodeRecord, y: NodeRecord) => number = {
    1: byName,
    2: (x: NodeRecord, y: NodeRecord) => size(x) - size(y),
    3: (x: NodeRecord, y: NodeRecord) => x.createdAt - y.createdAt,
    4: (x: NodeRecord, y: NodeRecord) => x.editedAt - y.editedAt,
    5: (x: NodeRecord, y: NodeRecord) => (x.recycledAt ?? 0) - (y.recycledAt ?? 0),
    6: (x: NodeRecord, y: NodeRecord) => fileSuffix(x.name).localeCompare(fileSuffix(y.name)),
  }[sortType] as (x: NodeRecord, y: NodeRecord) => number;
  const sign = dir === 2 ? -1 : 1;
  return {
    key: `${sortType}.${dir}`,
    compare: (x, y) => {
      if (x.kind !== y.kind) return x.kind === 'folder' ? -1 : 1;
      return sign * (primary(x, y) || byName(x, y) || (x.id < y.id ? -1 : 1));
    },
  };
}

function optFileTypeFilter(b: Body): string | undefined {
  const v = b.fileType;
  if (v === undefined || v === null || v === '') return undefined;
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !(s === FOLDER_TYPE || (FILE_TYPES as readonly string[]).includes(s))) {
    throw invalid('fileType is not a known file type');
  }
  return s;
}

export function registerFileRoutes(router: Router, svc: Service): void {
  const store = svc.store;
  const sortedListings = new ListingCache<NodeRecord>();

  /** Shared by the personal and team listings. */
  const list = (r: ApiRequest, scope: Scope, type: number): Record<string, unknown> => {
    const parentFileId = reqString(r.body, 'parentFileId', 64);
    const recycleBin = type === 1;
    const { compare, key } = sorter(svc, r.body, recycleBin);
    const fileType = optFileTypeFilter(r.body);
    optString(r.body, 'imageProcess');
    optBool(r.body, 'hidden');
    let items: readonly NodeRecord[];
    if (parentFileId === 'sbox') {
      items = []; // The safe box exists but the sandbox never puts anything in it.
    } else if (recycleBin) {
      const isRoot = parentFileId === 'root' || parentFileId === scope.container.rootId;
      if (isRoot) {
        items = Object.values(store.state.nodes).filter(
          (n) => n.containerId === scope.container.id && n.recycled && (!scope.shareRoot || store.isWithin(n, scope.shareRoot)),
        );
      } else {
        const folder = svc.folderIn(scope, parentFileId);
        if (!store.inBin(folder)) throw new ApiError(Codes.NotInRecycleBin, 'folder is not in the recycle bin');
        items = store.children(folder.id);
      }
    } else {
      const folder = svc.folderIn(scope, parentFileId);
      if (store.inBin(folder)) throw new ApiError(Codes.FileRecycled, 'folder is in the recycle bin');
      // The folder's sorted children are computed once for all the pages of a listing.
      items = sortedListings.get(`${folder.id}|${key}|${fileType ?? ''}`, store.changes, () =>
        store.children(folder.id).filter((n) => !n.recycled && (!fileType || n.fileType === fileType)).sort(compare),
      );
    }
    if (parentFileId === 'sbox' || recycleBin) {
      items = (fileType ? items.filter((n) => n.fileType === fileType) : [...items]).sort(compare);
    }
    const page = pageInfo(r.body, `list|${scope.container.id}|${parentFileId}|${type}|${key}|${fileType ?? ''}`);
    const { items: slice, next } = slicePage(items, page);
    return {
      category: 'drive#fileList',
      files: slice.map((n) => svc.fileObject(n)),
      ...(next ? { nextCursor: next } : {}),
    };
  };

  const listType = (raw: string): number => {
    if (raw !== '0' && raw !== '1') throw invalid('type must be 0 (space) or 1 (recycle bin)');
    return Number(raw);
  };

  router.add('POST', '/v1/files/:fileId/detail', 'full', (r) => {
    const containerId = reqString(r.body, 'containerId', 64);
    optString(r.body, 'imageProcess');
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const n = svc.nodeIn(scope, r.params.fileId);
    return svc.fileObject(n, true);
  });

  router.add('POST', '/v1/directory', 'full', (r) => {
    const fileName = r.body.fileName;
    const problem = nameProblem(fileName);
    if (problem) throw invalid(problem);
    if (reqStringOrInt(r.body, 'fileType') !== FOLDER_TYPE) throw invalid('fileType must be "10" for a folder');
    const containerId = reqString(r.body, 'containerId', 64);
    const parents = r.body.parentFolder;
    if (parents !== undefined && parents !== null && (!Array.isArray(parents) || !parents.every((x) => typeof x === 'string'))) {
      throw invalid('parentFolder must be an array of strings');
    }
    const parentArg = (parents as string[] | undefined)?.[0] ?? 'root';
    const renameMode = optInt(r.body, 'renameMode', 2, 3) ?? 3;
    const description = optString(r.body, 'description', 512);
    optString(r.body, 'mimeType');
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const parent = svc.folderIn(scope, parentArg);
    if (store.inBin(parent)) throw new ApiError(Codes.TargetDirRecycled, 'target folder is in the recycle bin');
    if (svc.depth(parent) + 1 > MAX_DEPTH) throw new ApiError(Codes.DepthLimit, `folders may nest at most ${MAX_DEPTH} levels`);
    const name = svc.resolveName(parent.id, fileName as string, renameMode as 2 | 3);
    const n = svc.createFolderNode(containerId, parent.id, name, r.principal.userId, description);
    return svc.fileObject(n, true);
  });

  router.add('POST', '/v1/files/rename/:fileId', 'full', (r) => {
    const containerId = reqString(r.body, 'containerId', 64);
    const name = r.body.name;
    const problem = nameProblem(name);
    if (problem) throw invalid(problem);
    const renameMode = optInt(r.body, 'renameMode', 2, 3) ?? 3;
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const n = svc.nodeIn(scope, r.params.fileId);
    if (!n.parentId) throw invalid('the space root cannot be renamed');
    if (scope.shareRoot === n.id) throw new ApiError(Codes.NoPermission, 'rename the shared folder with /sharefolder/rename');
    if (store.inBin(n)) throw new ApiError(Codes.FileRecycled, 'file is in the recycle bin');
    const finalName = n.name === name ? n.name : svc.resolveName(n.parentId, name as string, renameMode as 2 | 3, n.id);
    store.renameNode(n, finalName);
    n.editedAt = svc.now();
    n.lastEditorId = r.principal.userId;
    store.touch();
    return { id: n.id, fileName: n.name };
  });

  router.add('GET', '/v1/files/path', 'full', (r) => {
    const fileId = r.query.get('fileId');
    const containerId = r.query.get('containerId');
    if (!fileId) throw invalid('fileId is required');
    if (!containerId) throw invalid('containerId is required');
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const n = svc.nodeIn(scope, fileId);
    const chain = [...store.ancestors(n), n];
    return {
      fileIdPath: '/' + chain.map((x) => x.id).join('/'),
      // The first segment is the space root, named root{containerId} as in the doc example.
      namePath: '/' + chain.map((x) => (x.parentId ? x.name : `root${x.containerId}`)).join('/'),
    };
  });

  // Response shape undocumented: counts and bytes, plus a per-category breakdown.
  router.add('GET', '/v1/files/statsDir', 'full', (r) => {
    const fileId = r.query.get('fileId');
    const containerId = r.query.get('containerId');
    if (!fileId) throw invalid('fileId is required');
    if (!containerId) throw invalid('containerId is required');
    const recursiveRaw = r.query.get('recursive');
    if (recursiveRaw !== null && recursiveRaw !== 'true' && recursiveRaw !== 'false') throw invalid('recursive must be true or false');
    const recursive = recursiveRaw === 'true';
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    const dir = svc.folderIn(scope, fileId);
    const items = (recursive ? store.subtree(dir).slice(1) : store.children(dir.id)).filter((n) => !store.inBin(n));
    const categories = new Map<string, { fileType: string; count: number; size: number }>();
    let fileCount = 0;
    let folderCount = 0;
    let totalSize = 0;
    for (const n of items) {
      if (n.kind === 'folder') {
        folderCount++;
        continue;
      }
      const size = store.current(n)?.size ?? 0;
      fileCount++;
      totalSize += size;
      const c = categories.get(n.fileType) ?? { fileType: n.fileType, count: 0, size: 0 };
      c.count++;
      c.size += size;
      categories.set(n.fileType, c);
    }
    return { fileId: dir.id, recursive, fileCount, folderCount, totalSize, categories: [...categories.values()] };
  });

  router.add('POST', '/v1/files/search', 'full', (r) => {
    const searchType = r.body.searchType;
    if (searchType === undefined || searchType === null || searchType === '') {
      throw new ApiError(Codes.SearchTypeEmpty, 'searchType is empty');
    }
    if (searchType !== 'personal' && searchType !== 'team') throw new ApiError(Codes.SearchTypeUnsupported, 'unsupported searchType');
    const filterRaw = r.body.filter;
    if (filterRaw !== undefined && filterRaw !== null && !isObject(filterRaw)) throw invalid('filter must be an object');
    const filter: Body = (filterRaw as Body | undefined) ?? {};
    const keyWord = optString(filter, 'keyWord', 80) ?? '';
    // The user guide says keywords may not contain spaces.
    if (/\s/.test(keyWord)) throw invalid('keyWord must not contain spaces');
    const containerId = optString(filter, 'containerId', 64);
    const parentRaw = filter.parentFolder;
    let parentFolder: string | undefined;
    if (typeof parentRaw === 'string' && parentRaw) parentFolder = parentRaw;
    else if (Array.isArray(parentRaw) && typeof parentRaw[0] === 'string') parentFolder = parentRaw[0];
    else if (parentRaw !== undefined && parentRaw !== null && !(Array.isArray(parentRaw) && parentRaw.length === 0)) {
      throw invalid('filter.parentFolder must be a folder id');
    }
    if (parentFolder && !containerId) throw invalid('filter.containerId is required when filter.parentFolder is given');
    const fileType = optFileTypeFilter(filter);
    const recycled = optBool(r.body, 'recycled') ?? false;
    const recursived = optBool(r.body, 'recursived') ?? false;
    const { compare, key } = sorter(svc, r.body, recycled);
    const me = r.principal.userId;

    // Which spaces to search.
    let scopes: Scope[];
    if (containerId) {
      const s = svc.scope(r.principal, containerId, r.shareFolderId);
      if ((searchType === 'personal') !== (s.container.type === 1)) {
        throw invalid(`filter.containerId is not a ${searchType} space`);
      }
      scopes = [s];
    } else if (searchType === 'personal') {
      scopes = Object.values(store.state.containers)
        .filter((c) => c.type === 1 && c.ownerId === me)
        .map((c) => ({ container: c }));
    } else {
      scopes = Object.values(store.state.teams)
        .filter((t) => t.members.includes(me))
        .map((t) => ({ container: store.state.containers[t.containerId], team: t }));
    }
    const needle = keyWord.toLowerCase();
    const hits: NodeRecord[] = [];
    for (const s of scopes) {
      let candidates: NodeRecord[];
      if (parentFolder) {
        const dir = svc.folderIn(s, parentFolder);
        candidates = recursived ? store.subtree(dir).slice(1) : store.children(dir.id);
      } else {
        const root = store.node(s.shareRoot ?? s.container.rootId) as NodeRecord;
        candidates = store.subtree(root).slice(1);
      }
      for (const n of candidates) {
        if (store.inBin(n) !== recycled) continue;
        if (needle && !n.name.toLowerCase().includes(needle)) continue;
        if (fileType && n.fileType !== fileType) continue;
        hits.push(n);
      }
    }
    hits.sort(compare);
    const page = pageInfo(r.body, `search|${searchType}|${keyWord}|${containerId ?? ''}|${parentFolder ?? ''}|${key}|${recycled}|${recursived}|${fileType ?? ''}`);
    const { items, next } = slicePage(hits, page);
    return {
      total: hits.length,
      // Documented as empty on the last page.
      nextPageCursor: next ?? '',
      files: items.map((n) => searchObject(svc, n)),
    };
  });

  // Generic listing routes last: their patterns would swallow /files/create, /files/{id}/detail, ...
  // Personal space (also a shared folder, with x-hw-share-folder-id).
  router.add('POST', '/v1/files/:type', 'full', (r) => {
    if (!/^\d+$/.test(r.params.type)) throw new ApiError(Codes.BadRequest, 'bad request');
    const type = listType(r.params.type);
    const containerId = reqString(r.body, 'containerId', 64);
    const scope = svc.scope(r.principal, containerId, r.shareFolderId);
    // Team spaces are listed through /files/{groupId}/{type}.
    if (scope.container.type !== 1) throw new ApiError(Codes.SpaceAbnormal, 'not a personal space; use /files/{groupId}/{type}');
    return list(r, scope, type);
  });

  // Team space: groupId = the team id from teamList, team_type 0 department (default) | 2 group.
  router.add('POST', '/v1/files/:groupId/:type', 'full', (r) => {
    if (!/^\d+$/.test(r.params.type)) throw new ApiError(Codes.BadRequest, 'bad request');
    const type = listType(r.params.type);
    const rawTeamType = r.query.get('team_type');
    const teamType = rawTeamType === null || rawTeamType === '' ? 0 : Number(rawTeamType);
    if (teamType !== 0 && teamType !== 2) throw invalid('team_type must be 0 (department) or 2 (group)');
    const team = store.state.teams[r.params.groupId];
    if (!team || !Object.prototype.hasOwnProperty.call(store.state.teams, r.params.groupId) || team.kind !== teamType) {
      throw new ApiError(Codes.SpaceAbnormal, 'team space does not exist (check groupId and team_type)');
    }
    const containerId = reqString(r.body, 'containerId', 64);
    if (containerId !== team.containerId) throw new ApiError(Codes.SpaceAbnormal, "containerId is not this team's space");
    return list(r, svc.scope(r.principal, containerId, undefined), type);
  });

}

function searchObject(svc: Service, n: NodeRecord): Record<string, unknown> {
  const store = svc.store;
  const container = store.state.containers[n.containerId];
  const team = svc.teamOf(n.containerId);
  const chain = [...store.ancestors(n), n];
  return {
    id: n.id,
    fileName: n.name,
    fileSuffix: n.kind === 'file' ? fileSuffix(n.name) : '',
    fileType: n.fileType,
    size: store.current(n)?.size ?? 0,
    updateTime: new Date(n.editedAt).toISOString(),
    // Like /files/path: the first segment names the space root (root{containerId}); clients strip it.
    namePath: '/' + chain.map((x) => (x.parentId ? x.name : `root${x.containerId}`)).join('/'),
    idPath: '/' + chain.map((x) => x.id).join('/'),
    downloadLinks: [],
    teamName: team?.name ?? '',
    teamId: team?.id ?? '',
    containerId: n.containerId,
    containerType: String(container.type),
    favorite: false,
    owner: svc.person(n.ownerId),
  };
}
