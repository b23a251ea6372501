/**
 * Uploads one local file as a new KooDrive file or as a new revision of an
 * existing one (§2.3–2.5, §4, §6):
 *
 *   stat → plan parts → preHash → (resume?) → create ─┬─ rapidUpload: done, nothing sent
 *                                                      └─ parts PUT concurrently, each as soon as
 *                                                         the hash worker has passed its start
 *   → whole-file sha256 → file unchanged? → complete → verify size + sha256 with file detail
 *
 * The whole-file SHA-256 is sequential (one worker pass); the parts upload in
 * parallel behind it. A small one-part file skips the worker: it is read once
 * and hashed and sent from that buffer (IN_MEMORY_MAX). Upload state is saved as parts succeed, so running the
 * same upload again after a crash or a cancel continues where it stopped.
 * Nothing is completed unless every byte was sent and the hash chain holds,
 * so a failed or cancelled upload never shows up as a finished file.
 */
import { constants as fsConstants } from 'node:fs';
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import { API_CODE } from '../api/errorMapping';
import type { KooDriveClient } from '../api/koodriveClient';
import type { SpaceRef } from '../api/models';
import type { AutoRenameMode, CreateFileResponse, CreateRevisionResponse, MultiPartInfo } from '../api/types';
import { linkedAbortController, throwIfAborted } from '../cancellation';
import { KooDriveError, localIoError } from '../errors';
import { readFully } from '../bytes/fileReads';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { checkRemoteName } from '../remoteNames';
import { fileCategory, mimeTypeOf } from './fileCategory';
import type { FileHasher, HashFileResult } from './fileHasher';
import { KooDrivePartWriter, URL_BATCH_SIZE } from './koodrivePartWriter';
import { Midstates } from './midstates';
import { runMultipart } from './multipartEngine';
import { PartPlan, planParts, PlannedPart } from './partPlan';
import { computeProofCode, proofCodeFromBytes, proofRange } from './proofCode';
import { ResumeKey, ResumeState, ResumeStore } from './resumeStore';

/** What to do when the target folder already has a file of that name (autoRename 2/3/4). */
export type ConflictPolicy = 'rename' | 'fail' | 'skip-same';

export const AUTO_RENAME: Record<ConflictPolicy, AutoRenameMode> = { rename: 2, fail: 3, 'skip-same': 4 };

export type UploadTarget =
  | { kind: 'file'; space: SpaceRef; parentFolderId: string; fileName?: string; conflict: ConflictPolicy }
  | { kind: 'revision'; space: SpaceRef; fileId: string; keepForever?: boolean };

export interface UploadDeps {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  hasher: FileHasher;
  /** Without a store, uploads cannot be resumed. */
  resumeStore?: ResumeStore;
  logger?: Logger;
}

export interface UploadOptions {
  partSize?: number;
  /** Parts in flight for this file. perf-notes: 4 saturates two cores on loopback. */
  concurrency?: number;
  /**
   * Files up to this size are hashed completely before create so a flash
   * upload can skip the transfer. Larger files send only preHash first and
   * hash fully up front only when the service reports a matching preHash.
   */
  flashThreshold?: number;
  /** Attempts per part before the upload is abandoned. */
  maxPartAttempts?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface UploadResult {
  localPath: string;
  fileId: string;
  fileName: string;
  size: number;
  sha256: string;
  /** The service already had the content: no bytes were sent. */
  rapidUpload: boolean;
  /** skip-same: an identical file of that name was already there. */
  skipped: boolean;
  /** Continued an earlier, interrupted upload. */
  resumed: boolean;
  partsUploaded: number;
  revision?: { versionId?: string; version?: number };
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_FLASH_THRESHOLD = 32 * 1024 * 1024;
const PREHASH_BYTES = 1024;
/**
 * A one-part file up to this size is read once, into memory, and that one
 * buffer serves the preHash, the whole-file SHA-256 (on this thread: for a few
 * KB a round trip to the hash worker costs more than the hashing), the
 * proofCode and the part body. Profiled on a folder of 2 000 small files,
 * the separate opens/reads, the worker job and the state writes were most of
 * the client's CPU per file (docs/performance.md). Small enough that the files in flight hold little memory and that
 * hashing one never stalls the event loop noticeably (~1 ms per MiB).
 */
export const IN_MEMORY_MAX = 1024 * 1024;
/**
 * Stops this file's hash worker job when the upload leaves early. One shared
 * reason, not a new error per file: capturing a stack for every small file of
 * a large folder showed up in the profile.
 */
const UPLOAD_FINISHED = new KooDriveError('Cancelled', 'upload finished');

interface Session {
  fileId: string;
  fileName: string;
  uploadId?: string;
  rapidUpload: boolean;
  skipped: boolean;
  urls?: MultiPartInfo[];
  matchedPreHash: boolean;
  revision?: { versionId?: string; version?: number };
}

export async function uploadFile(deps: UploadDeps, localPath: string, target: UploadTarget, opts: UploadOptions = {}): Promise<UploadResult> {
  const upload = new FileUpload(deps, localPath, target, opts);
  return upload.run();
}

class FileUpload {
  private readonly logger: Logger;
  private readonly fileName: string;
  private readonly resumeKey: ResumeKey;
  private plan!: PartPlan;
  private size = 0;
  private mtimeMs = 0;
  private preHash = '';
  /** The whole file, when it is small enough to be sent from memory (IN_MEMORY_MAX). */
  private bytes: Buffer | undefined;
  private readonly partBytes = new Map<number, number>();

  constructor(
    private readonly deps: UploadDeps,
    private readonly localPath: string,
    private readonly target: UploadTarget,
    private readonly opts: UploadOptions,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.fileName = target.kind === 'file' ? target.fileName ?? path.basename(localPath) : path.basename(localPath);
    this.resumeKey = {
      localPath: path.resolve(localPath),
      containerId: target.space.containerId,
      target: target.kind === 'file' ? `${target.parentFolderId}/${this.fileName}` : target.fileId,
      kind: target.kind === 'file' ? 'file' : 'revision',
    };
  }

  async run(): Promise<UploadResult> {
    throwIfAborted(this.opts.signal);
    // A name KooDrive refuses fails here, before any request or hashing.
    if (this.target.kind === 'file') checkRemoteName(this.fileName, this.localPath);
    await this.inspectFile();
    const saved = await this.loadResumeState();
    try {
      return await this.transfer(saved);
    } catch (e) {
      // The service forgot the task we were resuming: start over once, from scratch.
      if (saved && KooDriveError.is(e) && e.apiCode === API_CODE.uploadTaskNotFound) {
        this.logger.info(`The earlier upload task of ${this.localPath} has expired on the server; starting over`);
        await this.deps.resumeStore?.remove(this.resumeKey);
        return this.transfer(undefined);
      }
      throw e;
    }
  }

  /**
   * One open serves the size and mtime (fstat: they describe the bytes read
   * through this same handle) and either the whole small file or its first
   * KiB (preHash). O_NONBLOCK: opening a FIFO must not hang waiting for a
   * writer (it is then refused as not a regular file); it changes nothing for
   * regular files.
   */
  private async inspectFile(): Promise<void> {
    let fh;
    try {
      fh = await open(this.localPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    } catch (e) {
      throw localIoError(e, this.localPath, 'read');
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new KooDriveError('InvalidInput', `${this.localPath} is not a regular file`, { subject: this.localPath });
      this.size = st.size;
      this.mtimeMs = st.mtimeMs;
      this.plan = planParts(st.size, this.opts.partSize, this.localPath);
      if (st.size > 0 && st.size <= IN_MEMORY_MAX && this.plan.parts.length === 1) {
        this.bytes = await readStart(fh, st.size, this.localPath);
        this.preHash = sha256Hex(this.bytes.subarray(0, PREHASH_BYTES));
      } else {
        this.preHash = sha256Hex(await readStart(fh, Math.min(PREHASH_BYTES, st.size), this.localPath));
      }
    } catch (e) {
      throw KooDriveError.is(e) ? e : localIoError(e, this.localPath, 'read');
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  private async loadResumeState(): Promise<ResumeState | undefined> {
    const s = await this.deps.resumeStore?.load(this.resumeKey);
    if (!s) return undefined;
    if (s.size !== this.size || s.mtimeMs !== this.mtimeMs || s.preHash !== this.preHash || s.partSize !== this.plan.partSize || s.fileName !== this.fileName) {
      this.logger.info(`${this.localPath} changed since the interrupted upload; starting over`);
      await this.deps.resumeStore?.remove(this.resumeKey);
      return undefined;
    }
    return s;
  }

  private async transfer(saved: ResumeState | undefined): Promise<UploadResult> {
    const { controller, dispose } = linkedAbortController(this.opts.signal);
    const signal = controller.signal;
    const midstates = new Midstates();
    const parts = this.plan.parts;
    let hashing: Promise<HashFileResult> | undefined;
    let persist: ReturnType<FileUpload['persister']> | undefined;
    let completed = false;
    const startHashing = (): Promise<HashFileResult> => {
      if (!hashing) {
        hashing = this.hash(midstates, signal).catch((e) => {
          midstates.fail(e);
          controller.abort(e);
          throw e;
        });
        // Whoever awaits it gets the error; until then it must not count as unhandled.
        hashing.catch(() => undefined);
      }
      return hashing;
    };
    try {
      let session: Session;
      const done = new Set<number>(saved?.partsDone ?? []);
      if (saved) {
        session = { fileId: saved.fileId, fileName: saved.fileName, uploadId: saved.uploadId, rapidUpload: false, skipped: false, matchedPreHash: false };
        startHashing();
      } else if (this.size > 0 && (this.size <= (this.opts.flashThreshold ?? DEFAULT_FLASH_THRESHOLD) || this.conflict === 'skip-same')) {
        // Small file (or skip-same, which needs the sha256 up front): hash it all, then try a flash upload.
        const full = await startHashing();
        session = await this.createSession(midstates, full, signal);
      } else {
        startHashing();
        session = await this.createSession(midstates, undefined, signal);
        if (session.matchedPreHash && !session.rapidUpload) {
          // The service has content with our first KiB: worth proving we hold the
          // whole file. The first task is left unfinished; an unfinished task is
          // never visible (gap 7: there is no documented abort call).
          const full = await startHashing();
          session = await this.createSession(midstates, full, signal);
        }
      }
      if (session.rapidUpload || session.skipped) {
        // Flash-upload hits and skip-same are complete as created: no PUT, no complete.
        const full = await startHashing();
        await this.deps.resumeStore?.remove(this.resumeKey);
        return this.result(session, full.sha256, 0, false);
      }

      const state: ResumeState = {
        version: 1, ...this.resumeKey, fileName: session.fileName, size: this.size, mtimeMs: this.mtimeMs, preHash: this.preHash,
        partSize: this.plan.partSize, fileId: session.fileId, uploadId: session.uploadId, partsDone: [...done], midstates: saved?.midstates ?? {}, createdAt: saved?.createdAt ?? Date.now(),
      };
      const saver = this.persister(state);
      persist = saver;
      await saver.now();

      for (const p of parts) if (done.has(p.partNumber)) this.partBytes.set(p.partNumber, p.partSize);
      const writer = new KooDrivePartWriter({
        client: this.deps.client, dispatcher: this.deps.dispatcher, space: this.target.space, fileId: session.fileId, path: this.localPath,
        parts, midstates, maxAttempts: this.opts.maxPartAttempts ?? 5, logger: this.logger, bytes: this.bytes,
        onPartBytes: (n, bytes) => {
          this.partBytes.set(n, bytes);
          this.reportUpload();
        },
      });
      writer.seedUrls(session.urls);
      for (const n of done) writer.markDone(n);

      const todo = parts.filter((p) => !done.has(p.partNumber));
      await runMultipart<PlannedPart>({
        parts: todo, writer, concurrency: this.opts.concurrency ?? DEFAULT_CONCURRENCY, signal,
        onPartDone: (p) => {
          done.add(p.partNumber);
          state.partsDone = [...done];
          const ctx = midstates.get(p.partNumber);
          if (ctx) state.midstates[p.partNumber] = ctx;
          saver.soon();
        },
      });
      if (this.bytes) {
        // A file sent from memory is one part of at most IN_MEMORY_MAX: the state
        // saved before it (its task) is what a re-run needs; if we die before
        // complete, the re-run continues that task and sends the one part again.
        // A failure from here on still records the part (catch below). This
        // spares a state write per small file.
        await saver.stop();
      } else {
        await saver.now();
      }
      const full = await startHashing();
      this.checkResumedParts(saved, midstates);
      await this.ensureUnchanged();
      this.report('completing', this.size);
      await this.complete(session, full.sha256, signal);
      completed = true;
      await saver.stop();
      await this.deps.resumeStore?.remove(this.resumeKey);
      await this.verify(session, full.sha256, signal);
      return this.result(session, full.sha256, todo.length, Boolean(saved));
    } catch (e) {
      if (KooDriveError.is(e) && (e.code === 'IntegrityFailed' || e.code === 'SourceChanged')) {
        await persist?.stop();
        await this.deps.resumeStore?.remove(this.resumeKey).catch(() => undefined);
      } else if (persist && !completed) {
        // Cancelled or failed: record every part that made it, so a re-run resumes.
        await persist.now();
      }
      throw this.explain(e);
    } finally {
      // Stop the worker if we are leaving early (error or flash hit).
      if (!controller.signal.aborted) controller.abort(UPLOAD_FINISHED);
      await hashing?.catch(() => undefined);
      dispose();
    }
  }

  private get conflict(): ConflictPolicy | undefined {
    return this.target.kind === 'file' ? this.target.conflict : undefined;
  }

  private hash(midstates: Midstates, signal: AbortSignal): Promise<HashFileResult> {
    if (this.bytes) {
      // One part: no midstate to report (part 1 starts from the initial state).
      this.report('hashing', this.size);
      // impl: node:crypto is native code (OpenSSL); no worker implementation was involved.
      return Promise.resolve({ sha256: sha256Hex(this.bytes), preHash: this.preHash, length: this.size, impl: 'native' });
    }
    const parts = this.plan.parts;
    return this.deps.hasher.hashFile(this.localPath, {
      partOffsets: parts.map((p) => p.partOffset),
      length: this.size,
      signal,
      // partIndex indexes partOffsets, i.e. the plan's parts.
      onPartState: (i, _offset, ctx) => {
        const n = parts[i]?.partNumber;
        if (n !== undefined && n > 1) midstates.set(n, ctx);
      },
      onProgress: (bytes) => this.report('hashing', bytes),
    });
  }

  /** files/create or createRevision; with `full`, offers sha256 + proofCode for a flash upload. */
  private async createSession(midstates: Midstates, full: HashFileResult | undefined, signal: AbortSignal): Promise<Session> {
    const firstParts: MultiPartInfo[] = [];
    for (const p of this.plan.parts.slice(0, URL_BATCH_SIZE)) {
      const ctx = midstates.get(p.partNumber);
      if (!ctx) break;
      firstParts.push({ partNumber: p.partNumber, partSize: p.partSize, partOffset: p.partOffset, ...(p.partNumber > 1 ? { hashCtx: ctx } : {}) });
    }
    const proof = full && this.size > 0
      ? { sha256: full.sha256, proofCode: await this.proofCode() }
      : {};
    const common = {
      length: this.size, uploadMode: 'multipart' as const, uploadType: 1 as const, multiParts: firstParts,
      preHash: this.preHash, ...proof, mimeType: mimeTypeOf(this.fileName),
    };
    if (this.target.kind === 'file') {
      const r: CreateFileResponse = await this.deps.client.createFile(this.target.space, {
        ...common, fileName: this.fileName, fileType: fileCategory(this.fileName), parentFolder: [this.target.parentFolderId], autoRename: AUTO_RENAME[this.target.conflict],
      }, { signal });
      if (!r.fileId) throw new KooDriveError('BadResponse', `files/create returned no fileId for ${this.localPath}`);
      return {
        fileId: r.fileId, fileName: r.fileName ?? this.fileName, uploadId: r.uploadId, rapidUpload: r.rapidUpload === true,
        skipped: r.exist === true, urls: r.multiParts, matchedPreHash: r.matchedPreHash === true,
      };
    }
    const r: CreateRevisionResponse = await this.deps.client.createRevision(this.target.space, {
      ...common, fileId: this.target.fileId, keepPolicy: this.target.keepForever ? 1 : 0,
    }, { signal });
    return {
      fileId: this.target.fileId, fileName: this.fileName, uploadId: r.uploadId, rapidUpload: r.rapidUpload === true, skipped: false,
      urls: r.multiParts, matchedPreHash: r.matchedPreHash === true,
      revision: { versionId: r.versionId, version: r.version === undefined ? undefined : Number(r.version) },
    };
  }

  private async proofCode(): Promise<string | undefined> {
    const authorization = await this.deps.client.transport.authorization();
    if (!this.bytes) return computeProofCode(this.localPath, this.size, authorization);
    const range = proofRange(authorization, this.size);
    return range && proofCodeFromBytes(this.bytes.subarray(range.start, range.end));
  }

  /**
   * complete is not idempotent, and its answer can be lost after the service
   * acted on it (connection reset, timeout, a cut-off or empty body), or in
   * an earlier run that was killed before it could forget its resume state
   * (the task is then gone: 13000401). So whenever complete fails, look at
   * the file before reporting a failure or asking again: a file that already
   * has our size and SHA-256 is done, and must not be uploaded a second time.
   */
  private async complete(session: Session, sha256: string, signal: AbortSignal): Promise<void> {
    const { client } = this.deps;
    const space = this.target.space;
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.target.kind === 'file') await client.completeUpload(space, session.fileId, sha256, { signal });
        else await client.completeRevision(space, session.fileId, sha256, { signal });
        return;
      } catch (e) {
        if (!KooDriveError.is(e) || e.code === 'Cancelled' || e.code === 'AuthRequired') throw e;
        if (await this.alreadyComplete(session, sha256, signal)) {
          this.logger.info(`complete for ${this.localPath} failed (${e.code}) but the file is complete on KooDrive with the expected size and SHA-256`);
          return;
        }
        if (!e.retryable || attempt >= 3) throw e;
      }
    }
  }

  private async alreadyComplete(session: Session, sha256: string, signal: AbortSignal): Promise<boolean> {
    try {
      const d = await this.deps.client.getFileDetail(this.target.space, session.fileId, { signal });
      return d.size === this.size && d.sha256 === sha256;
    } catch {
      return false;
    }
  }

  /** After complete: the service must now describe exactly the bytes we hashed. */
  private async verify(session: Session, sha256: string, signal: AbortSignal): Promise<void> {
    const d = await this.deps.client.getFileDetail(this.target.space, session.fileId, { signal });
    if (d.size !== this.size || (d.sha256 !== undefined && d.sha256 !== sha256)) {
      throw new KooDriveError('IntegrityFailed', `KooDrive reports ${d.size} bytes / sha256 ${d.sha256 ?? '?'} for ${this.localPath}, expected ${this.size} bytes / ${sha256}`, { subject: this.localPath });
    }
  }

  /** Resumed parts were sent in an earlier run: their start states must match this run's bytes. */
  private checkResumedParts(saved: ResumeState | undefined, midstates: Midstates): void {
    if (!saved) return;
    for (const [n, ctx] of Object.entries(saved.midstates)) {
      const now = midstates.get(Number(n));
      if (now && JSON.stringify(now) !== JSON.stringify(ctx)) {
        throw new KooDriveError('SourceChanged', `${this.localPath} changed since the interrupted upload; upload it again`, { subject: this.localPath });
      }
    }
  }

  private async ensureUnchanged(): Promise<void> {
    let st;
    try {
      st = await stat(this.localPath);
    } catch (e) {
      throw localIoError(e, this.localPath, 'read');
    }
    if (st.size !== this.size || st.mtimeMs !== this.mtimeMs) {
      throw new KooDriveError('SourceChanged', `${this.localPath} was modified during the upload; nothing was saved. Upload it again when it is no longer changing.`, { subject: this.localPath });
    }
  }

  private explain(e: unknown): unknown {
    if (KooDriveError.is(e) && e.code === 'IntegrityFailed' && e.apiCode === API_CODE.integrityCheckFailed) {
      return new KooDriveError('IntegrityFailed', `KooDrive's integrity check failed for ${this.localPath}: the bytes received do not match the file's SHA-256 (did it change during the upload?). Nothing was saved; upload it again.`, {
        cause: e, apiCode: e.apiCode, traceId: e.traceId, status: e.status, subject: this.localPath,
      });
    }
    return e;
  }

  private persister(state: ResumeState): { soon(): void; now(): Promise<void>; stop(): Promise<void> } {
    const store = this.deps.resumeStore;
    let timer: NodeJS.Timeout | undefined;
    let writing: Promise<void> = Promise.resolve();
    const write = (): Promise<void> => {
      writing = writing.then(() => store?.save({ ...state, partsDone: [...state.partsDone], midstates: { ...state.midstates } })).catch((e) => {
        this.logger.warn(`Could not save upload state for ${this.localPath}: ${(e as Error).message}`);
      });
      return writing;
    };
    return {
      soon: () => {
        if (!store || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          void write();
        }, 250);
      },
      now: () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        return store ? write() : Promise.resolve();
      },
      stop: async () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        await writing;
      },
    };
  }

  private reportUpload(): void {
    let total = 0;
    for (const b of this.partBytes.values()) total += b;
    this.report('uploading', total);
  }

  private report(phase: 'hashing' | 'uploading' | 'completing', bytesDone: number): void {
    this.opts.onProgress?.({ phase, subject: this.localPath, bytesDone, bytesTotal: this.size });
  }

  private result(session: Session, sha256: string, partsUploaded: number, resumed: boolean): UploadResult {
    return {
      localPath: this.localPath, fileId: session.fileId, fileName: session.fileName, size: this.size, sha256,
      rapidUpload: session.rapidUpload, skipped: session.skipped, resumed, partsUploaded, revision: session.revision,
    };
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `size` bytes from the start of an open file; fewer means the file shrank under us. */
async function readStart(fh: FileHandle, size: number, localPath: string): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  if ((await readFully(fh, buf, size, 0)) < size) throw new KooDriveError('SourceChanged', `${localPath} became shorter while it was being read; upload it again when it is no longer changing.`, { subject: localPath });
  return buf;
}
