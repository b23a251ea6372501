/**
 * One method per KooDrive endpoint (docs/protocol.md). Methods build
 * the documented request, call the transport, and turn the answer into core
 * models. No retries, hashing or transfers here: those live in the transport
 * and in ../transfer.
 */
import { KooDriveError } from '../errors';
import { API_PREFIX, ApiTransport } from './httpTransport';
import { explainNameTaken, isNameTaken } from './nameConflict';
import { DriveItem, Page, Revision, Space, SpaceRef, toDriveItem, toNumber, toRevision } from './models';
import {
  AuthCodeUrlResponse, CreateFileRequest, CreateFileResponse, CreateFolderResponse, CreateJobRequest,
  CreateRevisionRequest, CreateRevisionResponse, CreateSessionResponse, DownloadLink, DownloadLinksResponse,
  Envelope, FilePathResponse, FOLDER_FILE_TYPE, GetRevisionResponse, JobResponse, ListFilesResponse,
  ListRevisionsResponse, MultiPartInfo, RefreshSessionResponse, RenameMode, SearchFilesResponse, SessionAuthResponse,
  SessionUser, ShareFolderListResponse, SortInfo, SpaceResponse, TeamListResponse, UploadUrlResponse, WireFile,
} from './types';

export interface Call {
  signal?: AbortSignal;
}

/** Documented maxima. */
export const MAX_PAGE_SIZE = 100;
export const MAX_DOWNLOAD_IDS = 100;

export interface ListFilesOptions extends Call {
  pageSize?: number;
  cursor?: string;
  sort?: SortInfo;
  /** List the space's recycle bin instead (type 1). */
  recycleBin?: boolean;
}

export interface SessionInfo {
  accessToken: string;
  sessionId?: string;
  userId?: string;
  user?: SessionUser;
}

export interface DownloadLinks {
  /** 0 partial, 1 all ok, 2 all failed. */
  batchCode: number;
  links: Array<{ fileId: string; fileName?: string; url?: string; code: number; message?: string }>;
}

export interface JobState {
  done: boolean;
  /** 0 pending, 1 running, 2 done, 3 cancelled. */
  status: number;
  /** 1 ok, 2 partial, 3 failed (when done). */
  resultCode?: number;
  /** Percent, when the service reports it. */
  progress?: number;
  /** Items that failed, with the service's per-item code and message. */
  failed: Array<{ fileId: string; code: string; message: string }>;
  /** Items that took another name because of a clash in the target. */
  renamed: Array<{ fileId: string; name: string; newName: string }>;
  /** Restored items that went to the space root (their folder was gone). */
  restoredToRoot: string[];
  /** Copies, in the order of the request (copy jobs). */
  newFileIds: string[];
}

export interface SearchFilesOptions {
  keyWord: string;
  searchType: 'personal' | 'team';
  containerId?: string;
  parentFolder?: string;
  recursived?: boolean;
  recycled?: boolean;
  pageSize?: number;
  cursor?: string;
  shareFolderId?: string;
}

/** A search result: the item plus where it is (§2.10). */
export interface SearchHit extends DriveItem {
  /** "/root{containerId}/folder/name" (first segment = the space root). */
  namePath: string;
  /** "/rootId/folderId/…/fileId". */
  idPath: string;
  teamName?: string;
}

const p = (path: string): string => API_PREFIX + path;
const seg = (s: string): string => encodeURIComponent(s);

export class KooDriveClient {
  constructor(readonly transport: ApiTransport) {}

  // ---- session (§1.2) --------------------------------------------------

  async getAuthCodeUrl(domain: string, o: Call = {}): Promise<{ uri?: string; orgIdHost?: string }> {
    const r = await this.transport.call<AuthCodeUrlResponse>({
      method: 'GET', path: p('/session/authCodeURL'), query: { domain }, idempotent: true, auth: false, signal: o.signal,
    });
    return { uri: r.uri, orgIdHost: r.orgIdHost };
  }

  async createSession(code: string, domain?: string, o: Call = {}): Promise<SessionInfo> {
    const r = await this.transport.call<CreateSessionResponse>({
      method: 'POST', path: p('/session/'), body: { code, domain }, idempotent: false, auth: false, signal: o.signal,
    });
    const d = r.data ?? {};
    const accessToken = d.accessToken ?? r.accessToken;
    if (!accessToken) throw new KooDriveError('BadResponse', 'createSession returned no access token');
    return { accessToken, sessionId: d.sessionId ?? r.sessionId, userId: d.userId ?? d.userInfo?.userId ?? r.userId, user: d.userInfo };
  }

  /** Needs the session id from createSession; pasted tokens cannot be refreshed (gap 3). */
  async refreshSession(sessionId: string, o: Call = {}): Promise<string> {
    const r = await this.transport.call<RefreshSessionResponse>({
      method: 'POST', path: p('/session/refresh'), idempotent: true, noAuthRefresh: true, extraHeaders: { 'x-session-id': sessionId }, signal: o.signal,
    });
    const token = r.accessToken ?? r.data?.accessToken;
    if (!token) throw new KooDriveError('BadResponse', 'Session refresh returned no access token');
    return token;
  }

  /** Token check; also tells who the token belongs to. */
  async checkSession(o: Call = {}): Promise<SessionUser> {
    const r = await this.transport.call<SessionAuthResponse>({ method: 'GET', path: p('/session/auth'), idempotent: true, signal: o.signal });
    return r.data ?? {};
  }

  async logoff(o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({ method: 'GET', path: p('/session/logoff'), idempotent: true, signal: o.signal });
  }

  // ---- spaces (§3, §5) -------------------------------------------------

  async getPersonalSpace(userId: string, o: Call = {}): Promise<Space> {
    const r = await this.transport.call<SpaceResponse>({
      method: 'GET', path: p(`/space/${seg(userId)}`), query: { type: 1 }, idempotent: true, signal: o.signal,
    });
    const d = r.data;
    if (!d?.containerId) throw new KooDriveError('BadResponse', 'The personal space has no containerId');
    return {
      kind: 'personal', name: 'Personal space', containerId: d.containerId, rootFolderId: 'root',
      capacityBytes: d.capacity === undefined ? undefined : toNumber(d.capacity), usedBytes: d.spaceUsed === undefined ? undefined : toNumber(d.spaceUsed),
    };
  }

  /** teamType: 0 department, 1 owned, 2 joined. */
  async listTeams(opts: Call & { teamType: 0 | 1 | 2; offset?: number; limit?: number; keyWord?: string }): Promise<{ items: Space[]; total: number }> {
    const limit = opts.limit ?? MAX_PAGE_SIZE;
    const offset = opts.offset ?? 0;
    const r = await this.transport.call<TeamListResponse>({
      method: 'GET', path: p('/space/teamList'), query: { offset, limit, teamType: opts.teamType, keyWord: opts.keyWord }, idempotent: true, signal: opts.signal,
    });
    const kind = opts.teamType === 0 ? 'department' : 'group';
    const items = (r.teams ?? []).map((t): Space => ({
      kind,
      // The team's own name where the listing carries one; ownerName is the owner's (a person's) on some servers.
      name: t.name || t.teamName || t.ownerName || t.id,
      containerId: t.containerId,
      rootFolderId: 'root',
      team: { groupId: t.id, teamType: kind === 'department' ? 0 : 2 },
      capacityBytes: t.capacity === undefined ? undefined : toNumber(t.capacity),
      usedBytes: t.spaceUsed === undefined ? undefined : toNumber(t.spaceUsed),
    }));
    return { items, total: r.total ?? items.length };
  }

  async listShareFolders(opts: Call & { offset?: number; limit?: number } = {}): Promise<{ items: Space[]; total: number }> {
    const r = await this.transport.call<ShareFolderListResponse>({
      method: 'GET', path: p('/sharefolder/list'), query: { offset: opts.offset ?? 0, limit: opts.limit ?? 100, queryType: 0 }, idempotent: true, signal: opts.signal,
    });
    const items = (r.folders ?? []).map((f): Space => ({
      kind: 'shared', name: f.name, containerId: f.containerId, rootFolderId: f.shareFolderFileId, shareFolderId: f.id,
    }));
    return { items, total: r.total ?? items.length };
  }

  // ---- files (§2) ------------------------------------------------------

  async listFiles(space: SpaceRef, folderId: string, opts: ListFilesOptions = {}): Promise<Page<DriveItem>> {
    const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new KooDriveError('InvalidInput', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    const type = opts.recycleBin ? 1 : 0;
    const path = space.team ? p(`/files/${seg(space.team.groupId)}/${type}`) : p(`/files/${type}`);
    const r = await this.transport.call<ListFilesResponse>({
      method: 'POST', path, query: space.team ? { team_type: space.team.teamType } : undefined,
      body: {
        pageInfo: { pageSize, pageCursor: opts.cursor },
        sortInfo: opts.sort ?? { sortType: 1, sortDirection: 1 },
        containerId: space.containerId,
        parentFileId: folderId,
      },
      idempotent: true, shareFolderId: space.shareFolderId, signal: opts.signal,
    });
    return { items: (r.files ?? []).map(toDriveItem), nextCursor: r.nextCursor || undefined };
  }

  async getFileDetail(space: SpaceRef, fileId: string, o: Call = {}): Promise<DriveItem> {
    const r = await this.transport.call<Envelope & WireFile & { data?: WireFile }>({
      method: 'POST', path: p(`/files/${seg(fileId)}/detail`), body: { containerId: space.containerId },
      idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
    const f = r.data ?? r;
    if (!f.id) throw new KooDriveError('BadResponse', `File detail for ${fileId} has no id`);
    return toDriveItem(f);
  }

  /** A taken name (renameMode 3) fails with a Conflict naming the existing item, its kind and the folder (nameConflict.ts). */
  async createFolder(space: SpaceRef, parentId: string, name: string, opts: Call & { renameMode?: RenameMode } = {}): Promise<DriveItem> {
    const r = await this.transport.call<CreateFolderResponse & { data?: WireFile }>({
      method: 'POST', path: p('/directory'),
      body: { fileName: name, fileType: FOLDER_FILE_TYPE, containerId: space.containerId, parentFolder: [parentId], renameMode: opts.renameMode ?? 3 },
      idempotent: false, shareFolderId: space.shareFolderId, signal: opts.signal,
    }).catch(async (e: unknown) => {
      throw await explainNameTaken(e, this, space, parentId, name, opts.signal);
    });
    const f = r.data ?? r;
    if (!f.id) throw new KooDriveError('BadResponse', 'Create folder returned no id');
    return toDriveItem({ ...f, id: f.id, fileName: f.fileName ?? name, fileType: FOLDER_FILE_TYPE });
  }

  async renameFile(space: SpaceRef, fileId: string, name: string, opts: Call & { renameMode?: RenameMode } = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p(`/files/rename/${seg(fileId)}`), body: { containerId: space.containerId, name, renameMode: opts.renameMode ?? 3 },
      idempotent: false, shareFolderId: space.shareFolderId, signal: opts.signal,
    }).catch(async (e: unknown) => {
      if (!isNameTaken(e)) throw e;
      const parentId = await this.getFileDetail(space, fileId, { signal: opts.signal }).then((f) => f.parentId, () => undefined);
      throw await explainNameTaken(e, this, space, parentId, name, opts.signal);
    });
  }

  async getFilePath(space: SpaceRef, fileId: string, o: Call = {}): Promise<{ fileIdPath: string; namePath: string }> {
    const r = await this.transport.call<FilePathResponse>({
      method: 'GET', path: p('/files/path'), query: { fileId, containerId: space.containerId }, idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
    return { fileIdPath: r.fileIdPath ?? '', namePath: r.namePath ?? '' };
  }

  /**
   * One page of files/search (§2.10). `containerId` + `parentFolder` narrow it
   * to a folder (the API wants both); `recursived` includes subfolders. The
   * keyword rules are checked by the caller (organize/search.ts) so the user
   * gets a clear message before anything is sent.
   */
  async searchFiles(opts: Call & SearchFilesOptions): Promise<Page<SearchHit> & { total?: number }> {
    const pageSize = opts.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new KooDriveError('InvalidInput', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    const r = await this.transport.call<SearchFilesResponse>({
      method: 'POST', path: p('/files/search'),
      body: {
        searchType: opts.searchType,
        pageInfo: { pageSize, pageCursor: opts.cursor ?? '' },
        filter: { keyWord: opts.keyWord, containerId: opts.containerId, parentFolder: opts.parentFolder },
        recycled: opts.recycled ?? false,
        recursived: opts.recursived ?? false,
      },
      idempotent: true, shareFolderId: opts.shareFolderId, signal: opts.signal,
    });
    const items = (r.files ?? []).map((f): SearchHit => ({
      ...toDriveItem({ ...f, editedTime: f.editedTime ?? f.updateTime }),
      namePath: f.namePath ?? '',
      idPath: f.idPath ?? '',
      teamName: f.teamName || undefined,
    }));
    return { items, nextCursor: r.nextPageCursor || undefined, total: r.total === undefined ? undefined : toNumber(r.total) };
  }

  // ---- jobs (§2.12): delete / move / copy / restore -----------------------

  async createJob(req: CreateJobRequest, o: Call & { shareFolderId?: string } = {}): Promise<string> {
    const r = await this.transport.call<JobResponse>({
      method: 'POST', path: p('/jobs'), body: req, idempotent: false, shareFolderId: o.shareFolderId, signal: o.signal,
    });
    const id = r.jobId ?? r.id ?? r.data?.jobId ?? r.data?.id;
    if (!id) throw new KooDriveError('BadResponse', 'The job was accepted without a job id');
    return String(id);
  }

  async getJob(jobId: string, o: Call = {}): Promise<JobState> {
    const r = await this.transport.call<JobResponse>({ method: 'GET', path: p(`/${seg(jobId)}`), idempotent: true, signal: o.signal });
    const d = { ...r.data, ...r };
    const status = toNumber(d.status, -1);
    const rc = d.taskResultCode;
    // Beyond status/taskResultCode the job object is undocumented: read the
    // per-item lists defensively and leave them empty when absent.
    return {
      done: status === 2 || status === 3,
      status,
      resultCode: rc === undefined || rc === '' ? undefined : toNumber(rc),
      progress: d.progress === undefined ? undefined : toNumber(d.progress),
      failed: (Array.isArray(d.failedList) ? d.failedList : []).map((f) => ({
        fileId: String(f.fileId ?? ''), code: String(f.code ?? ''), message: String(f.msg ?? f.message ?? ''),
      })),
      renamed: (Array.isArray(d.renamedList) ? d.renamedList : []).map((x) => ({
        fileId: String(x.fileId ?? ''), name: String(x.name ?? ''), newName: String(x.newName ?? ''),
      })),
      restoredToRoot: (Array.isArray(d.restoredToRoot) ? d.restoredToRoot : []).map(String),
      newFileIds: (Array.isArray(d.newFileIds) ? d.newFileIds : []).map(String),
    };
  }

  // ---- upload (§2.3–2.5) -------------------------------------------------

  async createFile(space: SpaceRef, req: Omit<CreateFileRequest, 'containerId'>, o: Call = {}): Promise<CreateFileResponse> {
    return this.transport.call<CreateFileResponse>({
      method: 'POST', path: p('/files/create'), body: { ...req, containerId: space.containerId },
      idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    }).catch(async (e: unknown) => {
      throw await explainNameTaken(e, this, space, req.parentFolder?.[0], req.fileName, o.signal);
    });
  }

  /** Same parts asked again get fresh URLs: safe to repeat. */
  async getUploadUrls(space: SpaceRef, fileId: string, parts: MultiPartInfo[], o: Call = {}): Promise<MultiPartInfo[]> {
    const r = await this.transport.call<UploadUrlResponse>({
      method: 'POST', path: p('/files/multipart/uploadUrl'), body: { fileId, multiParts: parts },
      idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
    return r.multiParts ?? [];
  }

  /** Not idempotent on the wire: a repeat after a lost answer reports 13000401; the engine checks the file instead. */
  async completeUpload(space: SpaceRef, fileId: string, sha256: string, o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p('/files/complete'), body: { fileId, sha256 }, idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }

  // ---- download (§2.9) ---------------------------------------------------

  async getDownloadLinks(space: SpaceRef, fileIds: string[], o: Call = {}): Promise<DownloadLinks> {
    if (fileIds.length === 0 || fileIds.length > MAX_DOWNLOAD_IDS) {
      throw new KooDriveError('InvalidInput', `A download batch takes 1 to ${MAX_DOWNLOAD_IDS} file ids (got ${fileIds.length})`);
    }
    const r = await this.transport.call<DownloadLinksResponse>({
      method: 'POST', path: p('/files/download'), body: { containerId: space.containerId, fileIds },
      idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
    return {
      batchCode: toNumber(r.batchCode, -1),
      links: (r.downloads ?? []).map((d: DownloadLink) => ({
        fileId: String(d.fileId), fileName: d.fileName, url: d.url, code: toNumber(d.code, -1), message: d.msg,
      })),
    };
  }

  // ---- revisions (§4) ----------------------------------------------------

  async createRevision(space: SpaceRef, req: Omit<CreateRevisionRequest, 'containerId'>, o: Call = {}): Promise<CreateRevisionResponse> {
    return this.transport.call<CreateRevisionResponse>({
      method: 'POST', path: p('/revision/createRevision'), body: { ...req, containerId: space.containerId },
      idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }

  async completeRevision(space: SpaceRef, fileId: string, sha256: string, o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p('/revision/completeRevision'), body: { fileId, sha256 }, idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }

  async listRevisions(space: SpaceRef, fileId: string, opts: Call & { pageSize?: number; cursor?: string } = {}): Promise<Page<Revision>> {
    const r = await this.transport.call<ListRevisionsResponse>({
      method: 'POST', path: p('/revision/listRevision'),
      body: { containerId: space.containerId, fileId, pageInfo: { pageSize: opts.pageSize ?? MAX_PAGE_SIZE, pageCursor: opts.cursor }, fields: '*' },
      idempotent: true, shareFolderId: space.shareFolderId, signal: opts.signal,
    });
    return { items: (r.revisionList ?? []).map(toRevision), nextCursor: r.nextPageCursor || undefined };
  }

  async getRevision(space: SpaceRef, fileId: string, revisionId: string, o: Call = {}): Promise<Revision & { url?: string }> {
    const r = await this.transport.call<GetRevisionResponse>({
      method: 'POST', path: p('/revision/getRevision'), body: { containerId: space.containerId, fileId, revisionId, urlType: 1, fields: '*' },
      idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
    const w = r.revision ?? { ...r, revisionId: r.revisionId ?? revisionId };
    return { ...toRevision(w), url: w.url ?? w.downloadUrl };
  }

  async updateRevision(space: SpaceRef, fileId: string, revisionId: string, keepForever: boolean, o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p('/revision/updateRevision'), body: { containerId: space.containerId, fileId, revisionId, keepForever },
      idempotent: true, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }

  async restoreRevision(space: SpaceRef, fileId: string, revisionId: string, o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p('/revision/restoreRevision'), body: { containerId: space.containerId, fileId, revisionId },
      idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }

  async deleteRevision(space: SpaceRef, fileId: string, revisionId: string, o: Call = {}): Promise<void> {
    await this.transport.call<Envelope>({
      method: 'POST', path: p('/revision/deleteRevision'), body: { containerId: space.containerId, fileId, revisionId },
      idempotent: false, shareFolderId: space.shareFolderId, signal: o.signal,
    });
  }
}
