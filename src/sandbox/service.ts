/**
 * What every route needs: access checks (which spaces and files a caller may
 * touch), name-clash resolution, the wire shape of a file, and node creation.
 */
import { ApiError, Codes } from './errors';
import type { SandboxClock } from './clock';
import type { AuthService, Principal } from './auth';
import type { FaultController } from './faults';
import { clashFreeName, FOLDER_TYPE, fileSuffix, fullFileSuffix } from './names';
import { JobRunner } from './jobRunner';
import type { Presigner } from './presign';
import type { ContainerRecord, NodeRecord, RevisionRecord, Store, TeamRecord, UserRecord } from './store';
import { newHex, newId } from './store';

/** Deepest folder nesting accepted (13000310). The docs give no number; 64 levels below the root. */
export const MAX_DEPTH = 64;

export const SHARE_HEADER = 'x-hw-share-folder-id';

/** What a caller may see of a space for one request. */
export interface Scope {
  container: ContainerRecord;
  /** Set when working inside a shared folder (x-hw-share-folder-id): only this subtree is reachable. */
  shareRoot?: string;
  team?: TeamRecord;
}

export interface ServiceOptions {
  sink: boolean;
  /** How long batch jobs stay "running" (ms); 0 = done inside the POST. */
  jobRunMs?: number;
  /** File listings and details leave `sha256` out (the docs list it only as "largely the §2.6 shape"). */
  omitFileSha256?: boolean;
}

export class Service {
  /** Uploads in the middle of complete (a second complete meanwhile -> 13000403). */
  readonly completing = new Set<string>();
  /** When batch jobs do their work (jobRunner.ts). */
  readonly jobRunner: JobRunner;

  constructor(
    readonly store: Store,
    readonly clock: SandboxClock,
    readonly auth: AuthService,
    readonly presigner: Presigner,
    readonly faults: FaultController,
    readonly options: ServiceOptions,
  ) {
    this.jobRunner = new JobRunner(options.jobRunMs ?? 0, () => this.now());
  }

  now(): number {
    return this.clock.now();
  }

  user(userId: string): UserRecord {
    return (
      this.store.state.users[userId] ?? { userId, userName: userId, role: '1', tenantId: 'sandbox-tenant', capacity: 0 }
    );
  }

  teamOf(containerId: string): TeamRecord | undefined {
    return Object.values(this.store.state.teams).find((t) => t.containerId === containerId);
  }

  /**
   * The space a request works in. Unknown space -> 13000301. With the share
   * header: unknown share -> 13000309, not a member or another space ->
   * 13000410. Without: only the caller's own personal space and the team
   * spaces they belong to (else 13000410).
   */
  scope(p: Principal, containerId: string, shareHeader: string | undefined): Scope {
    const container = this.store.state.containers[containerId];
    if (!container) throw new ApiError(Codes.SpaceAbnormal, 'space does not exist or is abnormal');
    if (shareHeader) {
      const share = this.store.state.shares[shareHeader];
      if (!share || !Object.prototype.hasOwnProperty.call(this.store.state.shares, shareHeader)) {
        throw new ApiError(Codes.NotFound, 'shared folder not found');
      }
      if (share.ownerId !== p.userId && !share.members.includes(p.userId)) {
        throw new ApiError(Codes.NoPermission, 'no permission on this shared folder');
      }
      if (share.containerId !== containerId) {
        throw new ApiError(Codes.NoPermission, 'containerId is not the space of this shared folder');
      }
      return { container, shareRoot: share.folderId };
    }
    if (container.type === 1) {
      if (container.ownerId !== p.userId) throw new ApiError(Codes.NoPermission, 'no permission on this space');
      return { container };
    }
    const team = this.teamOf(containerId);
    if (!team || !team.members.includes(p.userId)) throw new ApiError(Codes.NoPermission, 'no permission on this space');
    return { container, team };
  }

  /** A file or folder inside the scope: missing -> 13000309, other space -> 13000302, outside the share -> 13000410. */
  nodeIn(scope: Scope, fileId: string): NodeRecord {
    const n = this.store.node(fileId);
    if (!n) throw new ApiError(Codes.NotFound, 'file not found');
    if (n.containerId !== scope.container.id) throw new ApiError(Codes.FileNotInSpace, 'file is not in the given space');
    if (scope.shareRoot && !this.store.isWithin(n, scope.shareRoot)) {
      throw new ApiError(Codes.NoPermission, 'file is outside the shared folder');
    }
    return n;
  }

  /**
   * A folder by id, "root" or the real root id. Inside a shared folder the
   * space root is out of reach: we refuse "root" there (13000410) rather than
   * guess it means the shared folder -- use its shareFolderFileId.
   * A file id -> 13000304 (target directory abnormal).
   */
  folderIn(scope: Scope, idOrRoot: string): NodeRecord {
    const id = idOrRoot === 'root' ? scope.container.rootId : idOrRoot;
    const n = this.nodeIn(scope, id);
    if (n.kind !== 'folder') throw new ApiError(Codes.TargetDirAbnormal, 'the target is not a folder');
    return n;
  }

  depth(n: NodeRecord): number {
    return this.store.ancestors(n).length;
  }

  /** A completed, non-recycled item called `name` directly under `parentId`. Names compare exactly (case-sensitive). */
  sameName(parentId: string, name: string, exceptId?: string): NodeRecord | undefined {
    return this.store.childNamed(parentId, name, exceptId);
  }

  /**
   * The name to use under `parentId`: `name` when free; on a clash either
   * refuse (mode 3 -> 13000405 with existFileId) or rename with a timestamp
   * (mode 2).
   */
  resolveName(parentId: string, name: string, mode: 2 | 3, exceptId?: string): string {
    const clash = this.sameName(parentId, name, exceptId);
    if (!clash) return name;
    if (mode === 3) {
      throw new ApiError(Codes.DuplicateName, 'a file with the same name already exists', { existFileId: clash.id });
    }
    return clashFreeName(name, this.now(), (c) => this.sameName(parentId, c, exceptId) !== undefined);
  }

  quotaCheck(container: ContainerRecord, extra: number): void {
    if (this.store.spaceUsed(container.id) + extra > container.capacity) {
      throw new ApiError(Codes.QuotaExceeded, 'space quota exceeded');
    }
  }

  newRevision(sha256: string, size: number, userId: string, version: number, createReason: 1 | 2, sink = false): RevisionRecord {
    return {
      versionId: newHex(16),
      version,
      sha256,
      size,
      createdAt: this.now(),
      createdBy: userId,
      keepForever: false,
      createReason,
      objectKey: newHex(16) + '086',
      ...(sink ? { sink: true } : {}),
    };
  }

  createFolderNode(containerId: string, parentId: string, name: string, userId: string, description?: string): NodeRecord {
    const now = this.now();
    const n: NodeRecord = {
      id: newId('F'),
      containerId,
      parentId,
      name,
      kind: 'folder',
      fileType: FOLDER_TYPE,
      mimeType: 'application/vnd.huawei-apps.folder',
      ...(description ? { description } : {}),
      createdAt: now,
      editedAt: now,
      ownerId: userId,
      lastEditorId: userId,
      recycled: false,
      revisions: [],
      nextVersion: 1,
    };
    this.store.addNode(n);
    return n;
  }

  createFileNode(args: {
    id?: string;
    containerId: string;
    parentId: string;
    name: string;
    fileType: string;
    mimeType: string;
    userId: string;
    revision: RevisionRecord;
    description?: string;
  }): NodeRecord {
    const now = this.now();
    const n: NodeRecord = {
      id: args.id ?? newId('F'),
      containerId: args.containerId,
      parentId: args.parentId,
      name: args.name,
      kind: 'file',
      fileType: args.fileType,
      mimeType: args.mimeType,
      ...(args.description ? { description: args.description } : {}),
      createdAt: now,
      editedAt: now,
      ownerId: args.userId,
      lastEditorId: args.userId,
      recycled: false,
      revisions: [args.revision],
      nextVersion: args.revision.version + 1,
    };
    this.store.addNode(n);
    return n;
  }

  person(userId: string): { userId: string; displayName: string } {
    return { userId, displayName: this.user(userId).userName };
  }

  /** The file object of list/detail responses. */
  fileObject(n: NodeRecord, detail = false): Record<string, unknown> {
    const cur = this.store.current(n);
    const isFile = n.kind === 'file';
    const o: Record<string, unknown> = {
      id: n.id,
      fileName: n.name,
      fileType: n.fileType,
      mimeType: n.mimeType,
      parentFolder: n.parentId ? [n.parentId] : [],
      containers: [n.containerId],
      containerId: n.containerId,
      createdTime: new Date(n.createdAt).toISOString(),
      editedTime: new Date(n.editedAt).toISOString(),
      size: isFile ? (cur?.size ?? 0) : 0,
      recycled: this.store.inBin(n),
      owners: [this.person(n.ownerId)],
      lastEditor: this.person(n.lastEditorId),
    };
    if (isFile) {
      if (!this.options.omitFileSha256) o.sha256 = cur?.sha256 ?? '';
      o.fileSuffix = fileSuffix(n.name);
      o.fullFileSuffix = fullFileSuffix(n.name);
      o.version = cur?.version ?? 0;
    }
    if (n.recycledAt !== undefined && n.recycled) o.recycledTime = new Date(n.recycledAt).toISOString();
    if (n.description) o.description = n.description;
    if (detail) {
      o.properties = {};
      o.attachments = [];
    }
    return o;
  }
}
