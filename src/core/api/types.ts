/**
 * Wire types for the KooDrive REST API (docs/protocol.md).
 * Response fields are read defensively: the docs capture list schemas only
 * partly (gap 10) and type `code`, `fileType` and `size` inconsistently
 * (gap 12), so everything optional here may be missing on the wire.
 */

/** Every JSON response: `code` 0 (number or string) means success. */
export interface Envelope {
  code?: number | string;
  msg?: string;
  /** Gateway-style errors (HTTP 400/401 from the API gateway). */
  error_code?: string;
  error_msg?: string;
}

export const FOLDER_FILE_TYPE = '10';

/** §7 file categories. Folders are always "10". */
export type FileCategory = '10' | '11' | '15' | '20' | '26' | '27' | '28' | '30' | '35' | '40' | '45';

export interface WireUser {
  userId?: string;
  displayName?: string;
  userName?: string;
}

/** A file or folder as the list/detail endpoints return it. */
export interface WireFile {
  id: string;
  fileName: string;
  fileType?: string | number;
  mimeType?: string;
  parentFolder?: string[];
  containers?: string[];
  containerId?: string;
  createdTime?: string;
  editedTime?: string;
  size?: number | string;
  sha256?: string;
  fileSuffix?: string;
  fullFileSuffix?: string;
  recycled?: boolean;
  /** Undocumented; the sandbox sends it for recycled items. */
  recycledTime?: string;
  /** The latest revision's number (files; not documented everywhere, read when present). */
  version?: number | string;
  owners?: WireUser[];
  lastEditor?: WireUser;
  properties?: Record<string, string>;
}

/** 1 name, 2 size, 3 created, 4 modified, 5 recycled time (bin only), 6 format. */
export type SortType = 1 | 2 | 3 | 4 | 5 | 6;
/** 1 ascending, 2 descending. */
export type SortDirection = 1 | 2;

export interface SortInfo {
  sortType: SortType;
  sortDirection: SortDirection;
}

export interface ListFilesResponse extends Envelope {
  category?: string;
  files?: WireFile[];
  nextCursor?: string;
}

/** One part of a concurrent multipart upload. */
export interface MultiPartInfo {
  partNumber: number;
  partSize: number;
  /** Bytes before this part; a multiple of 64. */
  partOffset?: number;
  /** SHA-256 H0..H7 after bytes [0, partOffset); empty for part 1. */
  hashCtx?: number[];
  /** Output: presigned PUT URL. */
  uploadUrl?: string;
  partId?: string;
}

/** autoRename for files/create: 2 keep both (rename), 3 fail, 4 skip if same content. */
export type AutoRenameMode = 2 | 3 | 4;
/** renameMode for folders and rename: 2 force rename, 3 refuse. */
export type RenameMode = 2 | 3;

export interface CreateFileRequest {
  fileName: string;
  fileType: string;
  parentFolder: string[];
  containerId: string;
  length: number;
  uploadMode: 'multipart';
  uploadType: 1;
  autoRename: AutoRenameMode;
  multiParts?: MultiPartInfo[];
  sha256?: string;
  preHash?: string;
  proofCode?: string;
  mimeType?: string;
  description?: string;
}

export interface CreateFileResponse extends Envelope {
  fileId?: string;
  rapidUpload?: boolean;
  containerId?: string;
  fileName?: string;
  uploadId?: string;
  parentFolder?: string[];
  exist?: boolean;
  multiParts?: MultiPartInfo[];
  matchedPreHash?: boolean;
  existFileId?: string;
}

export interface UploadUrlResponse extends Envelope {
  multiParts?: MultiPartInfo[];
}

export interface CreateRevisionRequest {
  fileId: string;
  containerId: string;
  length: number;
  uploadMode: 'multipart';
  uploadType: 1;
  multiParts?: MultiPartInfo[];
  sha256?: string;
  preHash?: string;
  proofCode?: string;
  /** 0 auto-clean, 1 keep forever. */
  keepPolicy?: 0 | 1;
  mimeType?: string;
}

export interface CreateRevisionResponse extends Envelope {
  id?: string;
  versionId?: string;
  version?: number | string;
  keepPolicy?: number;
  rapidUpload?: boolean;
  uploadId?: string;
  multiParts?: MultiPartInfo[];
  matchedPreHash?: boolean;
}

export interface WireRevision {
  containerId?: string;
  fileId?: string;
  revisionId: string;
  revisionVersion?: number | string;
  keepForever?: boolean;
  latestVersion?: boolean;
  /** 1 created, 2 restored. */
  createReason?: number | string;
  /** Milliseconds since the epoch. */
  createdAt?: number | string;
  createdBy?: string | WireUser;
  size?: number | string;
  sha256?: string;
  url?: string;
  downloadUrl?: string;
}

export interface ListRevisionsResponse extends Envelope {
  revisionList?: WireRevision[];
  nextPageCursor?: string;
}

export interface GetRevisionResponse extends Envelope, Partial<WireRevision> {
  revision?: WireRevision;
}

export interface DownloadLink {
  fileId: string;
  fileName?: string;
  url?: string;
  /** "0" on success; per-item codes are strings. */
  code?: string | number;
  msg?: string;
}

export interface DownloadLinksResponse extends Envelope {
  /** 0 partial, 1 all ok, 2 all failed. */
  batchCode?: number | string;
  downloads?: DownloadLink[];
}

export interface SpaceInfo {
  type?: number | string;
  status?: number | string;
  ownerId?: string;
  containerId: string;
  bizRootFileId?: string;
  bizSboxFileId?: string;
  rootFileId?: string;
  capacity?: number | string;
  spaceUsed?: number | string;
}

export interface SpaceResponse extends Envelope {
  data?: SpaceInfo;
}

export interface WireTeam {
  id: string;
  containerId: string;
  status?: number | string;
  capacity?: number | string;
  spaceUsed?: number | string;
  ownerId?: string;
  ownerName?: string;
  bizRootFileId?: string;
  role?: number | string;
  /** Some tenants return a display name here. */
  name?: string;
  teamName?: string;
  teamType?: number | string;
}

export interface TeamListResponse extends Envelope {
  total?: number;
  teams?: WireTeam[];
}

export interface WireShareFolder {
  id: string;
  containerId: string;
  shareFolderFileId: string;
  name: string;
  ownerId?: string;
  status?: number | string;
}

export interface ShareFolderListResponse extends Envelope {
  total?: number;
  folders?: WireShareFolder[];
}

export interface SessionUser {
  userId?: string;
  userName?: string;
  role?: string | number;
  tenantId?: string;
  orgName?: string;
  deptId?: string;
}

export interface SessionAuthResponse extends Envelope {
  data?: SessionUser;
}

export interface CreateSessionResponse extends Envelope {
  data?: { accessToken?: string; sessionId?: string; userId?: string; userInfo?: SessionUser };
  /** Older pages return the fields flat. */
  accessToken?: string;
  sessionId?: string;
  userId?: string;
}

export interface RefreshSessionResponse extends Envelope {
  accessToken?: string;
  data?: { accessToken?: string };
}

export interface AuthCodeUrlResponse extends Envelope {
  uri?: string;
  orgIdHost?: string;
}

export interface CreateFolderResponse extends Envelope, Partial<WireFile> {}

export interface JobFileInfo {
  fileId: string;
  /** Full path incl. the fileId; required for delete-to-bin so restore works. */
  filePath?: string;
}

export interface CreateJobRequest {
  taskType: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  actionType?: number;
  taskInfo: { fileInfo?: JobFileInfo[]; newFilePath?: string; srcContainerId: string };
  dstContainerId: string;
}

export interface JobResponse extends Envelope {
  jobId?: string;
  id?: string;
  /** 0 pending, 1 running, 2 done, 3 cancelled. */
  status?: number | string;
  /** 1 ok, 2 partial, 3 failed. */
  taskResultCode?: number | string;
  progress?: number | string;
  failedList?: Array<{ fileId?: string; code?: string | number; msg?: string; message?: string }>;
  renamedList?: Array<{ fileId?: string; name?: string; newName?: string }>;
  restoredToRoot?: string[];
  newFileIds?: string[];
  data?: { jobId?: string; id?: string; status?: number | string; taskResultCode?: number | string };
}

export interface FilePathResponse extends Envelope {
  fileIdPath?: string;
  namePath?: string;
}

export interface SearchFilesResponse extends Envelope {
  total?: number;
  nextPageCursor?: string;
  files?: Array<WireFile & { namePath?: string; idPath?: string; teamName?: string; teamId?: string; containerType?: string; updateTime?: string }>;
}
