/**
 * The sandbox's state: users, spaces, the file tree with revisions, pending
 * uploads, jobs, and content blobs.
 *
 * Metadata is a JSON snapshot (`state.json`) continued by an append-only
 * journal of changed records (journal.ts); changes are coalesced over
 * SAVE_DELAY_MS. Content is
 * stored by sha256 under `blobs/ab/abcdef...`, which makes flash upload
 * natural; parts in flight live under `uploads/<uploadId>/`.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type JournalEntry, type JournalSection, MetadataFiles } from './journal';
import { FOLDER_TYPE } from './names';

export interface UserRecord {
  userId: string;
  userName: string;
  role: string;
  tenantId: string;
  /** Bytes. */
  capacity: number;
}

/** type: 0 department, 1 personal, 2 group (protocol.md §3). */
export interface ContainerRecord {
  id: string;
  type: 0 | 1 | 2;
  ownerId: string;
  rootId: string;
  capacity: number;
  createdAt: number;
}

/** A department (kind 0) or group (kind 2) with its team space. */
export interface TeamRecord {
  id: string;
  name: string;
  kind: 0 | 2;
  containerId: string;
  ownerId: string;
  members: string[];
  createdAt: number;
}

export interface ShareRecord {
  id: string;
  name: string;
  containerId: string;
  folderId: string;
  ownerId: string;
  groupId: string;
  members: string[];
  createdAt: number;
}

export interface RevisionRecord {
  versionId: string;
  version: number;
  sha256: string;
  size: number;
  createdAt: number;
  createdBy: string;
  keepForever: boolean;
  /** 1 created, 2 restored. */
  createReason: 1 | 2;
  /** The OBS object key its download URL points at. */
  objectKey: string;
  /** Completed in sink mode: the bytes were discarded. */
  sink?: boolean;
}

export interface NodeRecord {
  id: string;
  containerId: string;
  /** null only for a space root. */
  parentId: string | null;
  name: string;
  kind: 'folder' | 'file';
  /** "10" for folders, else the §7 category. */
  fileType: string;
  mimeType: string;
  description?: string;
  createdAt: number;
  editedAt: number;
  ownerId: string;
  lastEditorId: string;
  /** Set on the item the user deleted; its descendants are in the bin through it. */
  recycled: boolean;
  recycledAt?: number;
  /** Files: oldest first; the last one is the current content. */
  revisions: RevisionRecord[];
  nextVersion: number;
}

export interface PartSpec {
  partNumber: number;
  partOffset: number;
  partSize: number;
  /** null for part 1 (starts from the SHA-256 IV). */
  hashCtx: number[] | null;
}

export interface StoredPart {
  size: number;
  /** Chaining state after the part (only at a 64-byte boundary, i.e. non-last parts). */
  endState: number[] | null;
  /** The digest obtained by finishing the part's hash (meaningful for the last part). */
  digest: string | null;
  etag: string;
  /** Path relative to the data dir; null in sink mode. */
  file: string | null;
}

export interface UploadRecord {
  uploadId: string;
  objectKey: string;
  fileId: string;
  kind: 'file' | 'revision';
  userId: string;
  containerId: string;
  parentId: string;
  fileName: string;
  fileType: string;
  mimeType: string;
  description?: string;
  autoRename: number;
  length: number;
  sha256?: string;
  keepPolicy: number;
  /** Revision uploads: the version id/number announced by createRevision. */
  versionId?: string;
  version?: number;
  createdAt: number;
  /** Part layouts handed out (keyed by part number). */
  parts: Record<string, PartSpec>;
  /** Parts received in full (keyed by part number). */
  stored: Record<string, StoredPart>;
}

export interface JobFailure {
  fileId: string;
  code: string;
  msg: string;
}

export interface JobRecord {
  jobId: string;
  userId: string;
  taskType: number;
  actionType: number | null;
  /** 0 pending, 1 running, 2 done, 3 cancelled. */
  status: number;
  /** 1 ok, 2 partial, 3 failed. */
  taskResultCode: number;
  total: number;
  succeeded: number;
  failedList: JobFailure[];
  /** New ids of copied items, in order (copy only). */
  newFileIds: string[];
  /** Items that took another name because of a clash in the target folder (copy, move, restore). */
  renamedList?: JobRename[];
  /** Restored items whose original folder was gone or in the bin: they went to the space root. */
  restoredToRoot?: string[];
  /** While running (status 1): when the job does its work (see jobRunner.ts). */
  runUntil?: number;
  createdAt: number;
  finishedAt: number;
}

export interface JobRename {
  fileId: string;
  name: string;
  newName: string;
}

export interface BlobRecord {
  size: number;
  /** sha256 of the first min(1024, size) bytes. */
  preHash: string;
}

export interface StateDocument {
  version: 1;
  /** The journal generation that continues this snapshot (journal.ts); absent in older data dirs. */
  journalGen?: number;
  /** HMAC key for presigned URLs. */
  secret: string;
  /** Bumped by "expire all URLs": URLs signed under an older generation are expired. */
  urlKeyGen: number;
  users: Record<string, UserRecord>;
  containers: Record<string, ContainerRecord>;
  teams: Record<string, TeamRecord>;
  shares: Record<string, ShareRecord>;
  nodes: Record<string, NodeRecord>;
  uploads: Record<string, UploadRecord>;
  jobs: Record<string, JobRecord>;
  blobs: Record<string, BlobRecord>;
}

/** What test assertions see of a file or folder. */
export interface SandboxFile {
  id: string;
  name: string;
  kind: 'folder' | 'file';
  containerId: string;
  parentId: string | null;
  fileType: string;
  mimeType: string;
  size: number;
  sha256: string | null;
  /** Current revision number (files). */
  version: number | null;
  /** The item itself was deleted to the bin. */
  recycled: boolean;
  /** The item or an ancestor is in the bin. */
  inRecycleBin: boolean;
  createdAt: number;
  editedAt: number;
}

export interface SandboxRevision {
  revisionId: string;
  versionId: string;
  version: number;
  sha256: string;
  size: number;
  createdAt: number;
  createdBy: string;
  keepForever: boolean;
  createReason: 1 | 2;
  latest: boolean;
}

export interface PendingUpload {
  uploadId: string;
  fileId: string;
  kind: 'file' | 'revision';
  fileName: string;
  containerId: string;
  parentId: string;
  length: number;
  createdAt: number;
  requestedParts: PartSpec[];
  storedParts: { partNumber: number; size: number }[];
}

/** Read-only helpers for test assertions (`sandbox.store`). */
export interface SandboxStoreView {
  getFile(fileId: string): SandboxFile | undefined;
  /** Direct children (folders and files, not those deleted to the bin) of a folder; 'root' = the space root. */
  listChildren(containerId: string, folderId: string): SandboxFile[];
  /** Current (or given version's) content. Throws when the file has no stored bytes (folder, sink mode). */
  readContent(fileId: string, version?: number): Buffer;
  /** Path of the blob holding the current content, if stored. */
  contentPath(fileId: string): string | undefined;
  findByName(containerId: string, parentId: string, name: string): SandboxFile | undefined;
  pendingUploads(): PendingUpload[];
  revisions(fileId: string): SandboxRevision[];
  /** The real id of a space's root folder. */
  rootId(containerId: string): string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random id in the shape of the doc examples: prefix + base62. */
export function newId(prefix: string, length = 32): string {
  const bytes = randomBytes(length);
  let s = prefix;
  for (let i = 0; i < length; i++) s += ID_ALPHABET[bytes[i] % ID_ALPHABET.length];
  return s;
}

export function newHex(bytes: number, upper = false): string {
  const s = randomBytes(bytes).toString('hex');
  return upper ? s.toUpperCase() : s;
}

/** Root folder id, in the shape of the doc example DEUI7pa0C24Aroot{containerId}. */
export function rootIdFor(containerId: string): string {
  return `DEUI7pa0C24Aroot${containerId}`;
}

/** Longest time a change waits before it is on disk (close() always writes). */
const SAVE_DELAY_MS = 200;

export class Store implements SandboxStoreView {
  state: StateDocument;
  private readonly childrenIndex = new Map<string, Set<string>>();
  /** parent id -> name -> ids of the children with that name (name-clash checks run on every create and complete). */
  private readonly namesIndex = new Map<string, Map<string, Set<string>>>();
  private readonly objectKeyIndex = new Map<string, { fileId: string; versionId: string }>();
  private readonly preHashIndex = new Map<string, string>();
  private readonly uploadByFileId = new Map<string, string>();
  /** Bytes of all revisions per space, kept up to date (the quota check runs on every upload). */
  private readonly usedBySpace = new Map<string, number>();
  private readonly files: MetadataFiles;
  /** Records changed since the last write, journaled one by one. */
  private readonly dirty: Record<JournalSection, Set<string>> = { nodes: new Set(), uploads: new Set(), blobs: new Set() };
  /** A change that is not tracked per record (users, spaces, jobs, renames, ...): the next write is a full snapshot. */
  private snapshotDue = false;
  private saveScheduled = false;
  private closed = false;
  /** Bumped by every change: lets a listing reuse its sorted children while nothing changed. */
  private changeCount = 0;

  /** True when the data dir already held state (no seeding needed). */
  readonly existed: boolean;

  constructor(readonly dataDir: string) {
    fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'uploads'), { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
    this.files = new MetadataFiles(dataDir);
    const stored = this.files.load<StateDocument>(applyJournalEntry);
    if (stored) {
      this.state = stored;
      if (this.state.version !== 1) throw new Error(`unsupported sandbox state version in ${this.statePath}`);
      this.existed = true;
    } else {
      this.state = {
        version: 1,
        secret: newHex(32),
        urlKeyGen: 1,
        users: {},
        containers: {},
        teams: {},
        shares: {},
        nodes: {},
        uploads: {},
        jobs: {},
        blobs: {},
      };
      this.existed = false;
      this.snapshotDue = true;
    }
    // Leftovers of interrupted transfers are garbage.
    fs.rmSync(path.join(dataDir, 'tmp'), { recursive: true, force: true });
    fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
    this.rebuildIndexes();
  }

  get statePath(): string {
    return this.files.snapshotPath;
  }

  /** Changes so far (any kind): equal numbers mean nothing changed in between. */
  get changes(): number {
    return this.changeCount;
  }

  private rebuildIndexes(): void {
    this.childrenIndex.clear();
    this.namesIndex.clear();
    this.objectKeyIndex.clear();
    this.preHashIndex.clear();
    this.uploadByFileId.clear();
    this.usedBySpace.clear();
    for (const n of Object.values(this.state.nodes)) {
      if (n.parentId) this.childSet(n.parentId).add(n.id);
      this.indexName(n);
      for (const r of n.revisions) this.objectKeyIndex.set(r.objectKey, { fileId: n.id, versionId: r.versionId });
      this.addUsed(n.containerId, revisionBytes(n));
    }
    for (const [sha, b] of Object.entries(this.state.blobs)) this.preHashIndex.set(b.preHash, sha);
    for (const u of Object.values(this.state.uploads)) this.uploadByFileId.set(u.fileId, u.uploadId);
  }

  private childSet(parentId: string): Set<string> {
    let s = this.childrenIndex.get(parentId);
    if (!s) {
      s = new Set();
      this.childrenIndex.set(parentId, s);
    }
    return s;
  }

  private indexName(n: NodeRecord): void {
    if (!n.parentId) return;
    let byName = this.namesIndex.get(n.parentId);
    if (!byName) {
      byName = new Map();
      this.namesIndex.set(n.parentId, byName);
    }
    let ids = byName.get(n.name);
    if (!ids) {
      ids = new Set();
      byName.set(n.name, ids);
    }
    ids.add(n.id);
  }

  private unindexName(n: NodeRecord): void {
    if (!n.parentId) return;
    const byName = this.namesIndex.get(n.parentId);
    const ids = byName?.get(n.name);
    if (!byName || !ids) return;
    ids.delete(n.id);
    if (ids.size === 0) byName.delete(n.name);
  }

  // ---- persistence -------------------------------------------------------

  /**
   * A change that is not tracked per record: the next write is a full
   * snapshot. Fine for rare operations (renames, moves, jobs, users); the
   * per-file path of uploads uses touchNode/touchUpload/touchBlob.
   */
  touch(): void {
    this.snapshotDue = true;
    this.scheduleSave();
  }

  /** Node `id` changed (or is gone): journal its new value. */
  touchNode(id: string): void {
    this.dirty.nodes.add(id);
    this.scheduleSave();
  }

  /** Upload `uploadId` changed (or is gone): journal its new value. */
  touchUpload(uploadId: string): void {
    this.dirty.uploads.add(uploadId);
    this.scheduleSave();
  }

  touchBlob(sha: string): void {
    this.dirty.blobs.add(sha);
    this.scheduleSave();
  }

  /** Writes are coalesced over SAVE_DELAY_MS (close() always writes). */
  private scheduleSave(): void {
    this.changeCount++;
    if (this.saveScheduled || this.closed) return;
    this.saveScheduled = true;
    setTimeout(() => {
      this.saveScheduled = false;
      if (!this.closed) this.flush();
    }, SAVE_DELAY_MS).unref();
  }

  /** Write what changed: journal lines, or a full snapshot when one is due (untracked change, or the journal grew as large as the snapshot). */
  flush(): void {
    if (this.snapshotDue || this.files.compactionDue) {
      this.compact();
      return;
    }
    const entries: JournalEntry[] = [];
    for (const section of ['nodes', 'uploads', 'blobs'] as const) {
      const records = this.state[section] as Record<string, unknown>;
      for (const k of this.dirty[section]) {
        entries.push(Object.prototype.hasOwnProperty.call(records, k) ? { s: section, k, v: records[k] } : { s: section, k });
      }
      this.dirty[section].clear();
    }
    this.files.append(entries);
    if (this.files.compactionDue) this.compact();
  }

  /** Write the whole state as a new snapshot (and start an empty journal). */
  compact(): void {
    this.files.writeSnapshot(this.state);
    this.snapshotDue = false;
    for (const set of Object.values(this.dirty)) set.clear();
  }

  close(): void {
    if (this.closed) return;
    // A clean stop leaves one self-contained state.json.
    this.compact();
    this.closed = true;
  }

  // ---- blobs -------------------------------------------------------------

  blobPath(sha: string): string {
    return path.join(this.dataDir, 'blobs', sha.slice(0, 2), sha);
  }

  hasBlob(sha: string, size: number): boolean {
    const b = this.state.blobs[sha];
    return b !== undefined && b.size === size;
  }

  blobWithPreHash(preHash: string): string | undefined {
    return this.preHashIndex.get(preHash);
  }

  tmpPath(label: string): string {
    return path.join(this.dataDir, 'tmp', `${label}.${newHex(8)}`);
  }

  /** Store bytes (seeding, restores); returns the sha256. */
  putBlob(data: Buffer): string {
    const sha = createHash('sha256').update(data).digest('hex');
    if (!this.state.blobs[sha]) {
      const tmp = this.tmpPath('blob');
      fs.writeFileSync(tmp, data);
      this.adoptBlob(tmp, sha, data.length, preHashOf(data));
    }
    return sha;
  }

  /** Move a fully written temp file into the content store. */
  adoptBlob(tmpFile: string, sha: string, size: number, preHash: string): void {
    const dest = this.blobPath(sha);
    if (this.state.blobs[sha] && fs.existsSync(dest)) {
      fs.rmSync(tmpFile, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(tmpFile, dest);
    this.state.blobs[sha] = { size, preHash };
    this.preHashIndex.set(preHash, sha);
    this.touchBlob(sha);
  }

  /** Drop a blob no revision refers to any more. */
  collectBlob(sha: string): void {
    for (const n of Object.values(this.state.nodes)) {
      if (n.revisions.some((r) => r.sha256 === sha)) return;
    }
    const b = this.state.blobs[sha];
    if (!b) return;
    delete this.state.blobs[sha];
    if (this.preHashIndex.get(b.preHash) === sha) {
      this.preHashIndex.delete(b.preHash);
      for (const [other, ob] of Object.entries(this.state.blobs)) {
        if (ob.preHash === b.preHash) {
          this.preHashIndex.set(b.preHash, other);
          break;
        }
      }
    }
    fs.rmSync(this.blobPath(sha), { force: true });
    this.touchBlob(sha);
  }

  // ---- nodes -------------------------------------------------------------

  node(id: string): NodeRecord | undefined {
    return Object.prototype.hasOwnProperty.call(this.state.nodes, id) ? this.state.nodes[id] : undefined;
  }

  children(parentId: string): NodeRecord[] {
    const ids = this.childrenIndex.get(parentId);
    if (!ids) return [];
    const out: NodeRecord[] = [];
    for (const id of ids) out.push(this.state.nodes[id]);
    return out;
  }

  addNode(n: NodeRecord): void {
    this.state.nodes[n.id] = n;
    if (n.parentId) this.childSet(n.parentId).add(n.id);
    this.indexName(n);
    for (const r of n.revisions) this.objectKeyIndex.set(r.objectKey, { fileId: n.id, versionId: r.versionId });
    this.addUsed(n.containerId, revisionBytes(n));
    this.touchNode(n.id);
  }

  /** Give `n` a new name (always through here: the name index follows). */
  renameNode(n: NodeRecord, name: string): void {
    if (n.name === name) return;
    this.unindexName(n);
    n.name = name;
    this.indexName(n);
    this.touch();
  }

  /**
   * A child of `parentId` called exactly `name` (case-sensitive), not deleted
   * to the bin, other than `exceptId`.
   */
  childNamed(parentId: string, name: string, exceptId?: string): NodeRecord | undefined {
    const ids = this.namesIndex.get(parentId)?.get(name);
    if (!ids) return undefined;
    for (const id of ids) {
      const n = this.node(id);
      if (n && n.name === name && n.parentId === parentId && !n.recycled && id !== exceptId) return n;
    }
    return undefined;
  }

  moveNode(n: NodeRecord, newParentId: string, newContainerId: string): void {
    if (n.parentId) this.childrenIndex.get(n.parentId)?.delete(n.id);
    this.unindexName(n);
    n.parentId = newParentId;
    this.childSet(newParentId).add(n.id);
    this.indexName(n);
    if (n.containerId !== newContainerId) {
      for (const d of this.subtree(n)) {
        this.addUsed(d.containerId, -revisionBytes(d));
        d.containerId = newContainerId;
        this.addUsed(d.containerId, revisionBytes(d));
      }
    }
    this.touch();
  }

  addRevision(n: NodeRecord, r: RevisionRecord): void {
    n.revisions.push(r);
    this.objectKeyIndex.set(r.objectKey, { fileId: n.id, versionId: r.versionId });
    this.addUsed(n.containerId, r.size);
    this.touch();
  }

  removeRevision(n: NodeRecord, versionId: string): void {
    const r = n.revisions.find((x) => x.versionId === versionId);
    if (!r) return;
    n.revisions = n.revisions.filter((x) => x !== r);
    this.objectKeyIndex.delete(r.objectKey);
    this.addUsed(n.containerId, -r.size);
    this.collectBlob(r.sha256);
    this.touch();
  }

  /** Remove a node and everything under it for good. */
  deleteNode(n: NodeRecord): void {
    const all = this.subtree(n);
    if (n.parentId) this.childrenIndex.get(n.parentId)?.delete(n.id);
    this.unindexName(n);
    const shas = new Set<string>();
    for (const d of all) {
      delete this.state.nodes[d.id];
      this.childrenIndex.delete(d.id);
      this.namesIndex.delete(d.id);
      this.addUsed(d.containerId, -revisionBytes(d));
      for (const r of d.revisions) {
        this.objectKeyIndex.delete(r.objectKey);
        shas.add(r.sha256);
      }
    }
    for (const sha of shas) this.collectBlob(sha);
    this.touch();
  }

  /** `n` and all its descendants (pre-order). */
  subtree(n: NodeRecord): NodeRecord[] {
    const out: NodeRecord[] = [];
    const stack = [n];
    while (stack.length) {
      const x = stack.pop() as NodeRecord;
      out.push(x);
      stack.push(...this.children(x.id));
    }
    return out;
  }

  /** Ancestors from the root down to the parent of `n`. */
  ancestors(n: NodeRecord): NodeRecord[] {
    const out: NodeRecord[] = [];
    let p = n.parentId ? this.node(n.parentId) : undefined;
    while (p) {
      out.unshift(p);
      p = p.parentId ? this.node(p.parentId) : undefined;
    }
    return out;
  }

  /** The item or one of its ancestors was deleted to the bin. */
  inBin(n: NodeRecord): boolean {
    for (let x: NodeRecord | undefined = n; x; x = x.parentId ? this.node(x.parentId) : undefined) {
      if (x.recycled) return true;
    }
    return false;
  }

  /** `n` is `ancestorId` or below it. */
  isWithin(n: NodeRecord, ancestorId: string): boolean {
    for (let x: NodeRecord | undefined = n; x; x = x.parentId ? this.node(x.parentId) : undefined) {
      if (x.id === ancestorId) return true;
    }
    return false;
  }

  current(n: NodeRecord): RevisionRecord | undefined {
    return n.revisions[n.revisions.length - 1];
  }

  byObjectKey(objectKey: string): { node: NodeRecord; revision: RevisionRecord } | undefined {
    const hit = this.objectKeyIndex.get(objectKey);
    if (!hit) return undefined;
    const node = this.node(hit.fileId);
    const revision = node?.revisions.find((r) => r.versionId === hit.versionId);
    return node && revision ? { node, revision } : undefined;
  }

  /** Bytes used by a space: current and historical revisions of every file in it. */
  spaceUsed(containerId: string): number {
    return this.usedBySpace.get(containerId) ?? 0;
  }

  private addUsed(containerId: string, bytes: number): void {
    if (bytes !== 0) this.usedBySpace.set(containerId, (this.usedBySpace.get(containerId) ?? 0) + bytes);
  }

  // ---- uploads -----------------------------------------------------------

  uploadForFile(fileId: string): UploadRecord | undefined {
    const id = this.uploadByFileId.get(fileId);
    return id ? this.state.uploads[id] : undefined;
  }

  addUpload(u: UploadRecord): void {
    const previous = this.uploadForFile(u.fileId);
    if (previous) this.dropUpload(previous);
    this.state.uploads[u.uploadId] = u;
    this.uploadByFileId.set(u.fileId, u.uploadId);
    this.touchUpload(u.uploadId);
  }

  dropUpload(u: UploadRecord): void {
    delete this.state.uploads[u.uploadId];
    if (this.uploadByFileId.get(u.fileId) === u.uploadId) this.uploadByFileId.delete(u.fileId);
    for (const p of Object.values(u.stored)) if (p.file) fs.rmSync(path.join(this.dataDir, p.file), { force: true });
    // Data dirs written before parts were stored flat kept them in a folder per upload.
    const oldDir = path.join(this.dataDir, 'uploads', u.uploadId);
    if (fs.existsSync(oldDir)) fs.rmSync(oldDir, { recursive: true, force: true });
    this.touchUpload(u.uploadId);
  }

  /**
   * Where a received part is kept, relative to the data dir: flat in
   * uploads/ (a folder per upload cost a mkdir and a recursive rmdir for
   * every small file).
   */
  partFile(uploadId: string, partNumber: number): string {
    return path.join('uploads', `${uploadId}.${partNumber}.part`);
  }

  // ---- SandboxStoreView --------------------------------------------------

  rootId(containerId: string): string {
    const c = this.state.containers[containerId];
    if (!c) throw new Error(`no space ${containerId}`);
    return c.rootId;
  }

  private resolveFolderId(containerId: string, folderId: string): string {
    return folderId === 'root' ? this.rootId(containerId) : folderId;
  }

  snapshot(n: NodeRecord): SandboxFile {
    const cur = this.current(n);
    return {
      id: n.id,
      name: n.name,
      kind: n.kind,
      containerId: n.containerId,
      parentId: n.parentId,
      fileType: n.fileType,
      mimeType: n.mimeType,
      size: cur?.size ?? 0,
      sha256: cur?.sha256 ?? null,
      version: cur?.version ?? null,
      recycled: n.recycled,
      inRecycleBin: this.inBin(n),
      createdAt: n.createdAt,
      editedAt: n.editedAt,
    };
  }

  getFile(fileId: string): SandboxFile | undefined {
    const n = this.node(fileId);
    return n ? this.snapshot(n) : undefined;
  }

  listChildren(containerId: string, folderId: string): SandboxFile[] {
    const id = this.resolveFolderId(containerId, folderId);
    return this.children(id)
      .filter((n) => n.containerId === containerId && !n.recycled)
      .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1))
      .map((n) => this.snapshot(n));
  }

  readContent(fileId: string, version?: number): Buffer {
    const n = this.node(fileId);
    if (!n || n.kind !== 'file') throw new Error(`no file ${fileId}`);
    const r = version === undefined ? this.current(n) : n.revisions.find((x) => x.version === version);
    if (!r) throw new Error(`file ${fileId} has no version ${String(version)}`);
    if (r.sink) throw new Error(`file ${fileId} was uploaded in sink mode; its bytes were discarded`);
    return fs.readFileSync(this.blobPath(r.sha256));
  }

  contentPath(fileId: string): string | undefined {
    const n = this.node(fileId);
    const r = n ? this.current(n) : undefined;
    return r && !r.sink ? this.blobPath(r.sha256) : undefined;
  }

  findByName(containerId: string, parentId: string, name: string): SandboxFile | undefined {
    const id = this.resolveFolderId(containerId, parentId);
    const n = this.children(id).find((x) => x.name === name && !x.recycled);
    return n ? this.snapshot(n) : undefined;
  }

  pendingUploads(): PendingUpload[] {
    return Object.values(this.state.uploads).map((u) => ({
      uploadId: u.uploadId,
      fileId: u.fileId,
      kind: u.kind,
      fileName: u.fileName,
      containerId: u.containerId,
      parentId: u.parentId,
      length: u.length,
      createdAt: u.createdAt,
      requestedParts: Object.values(u.parts).sort((a, b) => a.partNumber - b.partNumber),
      storedParts: Object.entries(u.stored)
        .map(([k, p]) => ({ partNumber: Number(k), size: p.size }))
        .sort((a, b) => a.partNumber - b.partNumber),
    }));
  }

  revisions(fileId: string): SandboxRevision[] {
    const n = this.node(fileId);
    if (!n) return [];
    return n.revisions
      .map((r, i) => ({
        revisionId: `${n.id}.${r.versionId}`,
        versionId: r.versionId,
        version: r.version,
        sha256: r.sha256,
        size: r.size,
        createdAt: r.createdAt,
        createdBy: r.createdBy,
        keepForever: r.keepForever,
        createReason: r.createReason,
        latest: i === n.revisions.length - 1,
      }))
      .reverse();
  }
}

/** Bytes of all of a node's revisions (what it counts against its space's quota). */
function revisionBytes(n: NodeRecord): number {
  let bytes = 0;
  for (const r of n.revisions) bytes += r.size;
  return bytes;
}

/** Replay one journal line onto a loaded snapshot. */
function applyJournalEntry(state: StateDocument, e: JournalEntry): void {
  const records = state[e.s] as Record<string, unknown> | undefined;
  if (!records) throw new Error(`sandbox journal names an unknown section ${String(e.s)}`);
  if (e.v === undefined) delete records[e.k];
  else records[e.k] = e.v;
}

export function preHashOf(data: Buffer): string {
  return createHash('sha256').update(data.subarray(0, 1024)).digest('hex');
}

export function isFolder(n: NodeRecord): boolean {
  return n.kind === 'folder' || n.fileType === FOLDER_TYPE;
}
