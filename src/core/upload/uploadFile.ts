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
 *
 * The steps have their own modules: inspectLocalFile.ts (the first look),
 * uploadSession.ts (create / createRevision, flash upload),
 * koodrivePartWriter.ts + multipartEngine.ts (the parts), resumeSaver.ts
 * (when resume state is written), sourceChecks.ts (the file changed under
 * us), completeUpload.ts (complete and verify).
 */
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import { API_CODE } from '../api/errorMapping';
import type { KooDriveClient } from '../api/koodriveClient';
import { linkedAbortController, throwIfAborted } from '../cancellation';
import { KooDriveError } from '../errors';
import { Logger, silentLogger } from '../logger';
import type { ProgressListener } from '../progress';
import { checkRemoteName } from '../remoteNames';
import { Completion, completeUpload, verifyUpload } from './completeUpload';
import type { FileHasher, HashFileResult } from '../hash/fileHasher';
import { InspectedFile, inspectLocalFile, sha256Hex } from './inspectLocalFile';
import { KooDrivePartWriter } from './koodrivePartWriter';
import { Midstates } from './midstates';
import { runMultipart } from './multipartEngine';
import type { PartPlan, PlannedPart } from './partPlan';
import { ResumeSaver, resumeSaver } from './resumeSaver';
import { ResumeKey, ResumeState, ResumeStore } from './resumeStore';
import { checkResumedParts, ensureUnchanged, explainUploadError } from './sourceChecks';
import { createUploadSession, UploadSession } from './uploadSession';
import type { ConflictPolicy, UploadTarget } from './uploadTarget';

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
/**
 * Stops this file's hash worker job when the upload leaves early. One shared
 * reason, not a new error per file: capturing a stack for every small file of
 * a large folder showed up in the profile.
 */
const UPLOAD_FINISHED = new KooDriveError('Cancelled', 'upload finished');

export async function uploadFile(deps: UploadDeps, localPath: string, target: UploadTarget, opts: UploadOptions = {}): Promise<UploadResult> {
  const upload = new FileUpload(deps, localPath, target, opts);
  return upload.run();
}

class FileUpload {
  private readonly logger: Logger;
  private readonly fileName: string;
  private readonly resumeKey: ResumeKey;
  private file!: InspectedFile;
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

  private get size(): number {
    return this.file.size;
  }

  private get mtimeMs(): number {
    return this.file.mtimeMs;
  }

  private get preHash(): string {
    return this.file.preHash;
  }

  private get plan(): PartPlan {
    return this.file.plan;
  }

  /** The whole file, when it is small enough to be sent from memory (IN_MEMORY_MAX). */
  private get bytes(): Buffer | undefined {
    return this.file.bytes;
  }

  async run(): Promise<UploadResult> {
    throwIfAborted(this.opts.signal);
    // A name KooDrive refuses fails here, before any request or hashing.
    if (this.target.kind === 'file') checkRemoteName(this.fileName, this.localPath);
    this.file = await inspectLocalFile(this.localPath, this.opts.partSize);
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
    let persist: ResumeSaver | undefined;
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
      let session: UploadSession;
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
      const saver = resumeSaver(this.deps.resumeStore, state, this.logger, this.localPath);
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
      checkResumedParts(this.localPath, saved, midstates);
      await ensureUnchanged(this.localPath, this.size, this.mtimeMs);
      this.report('completing', this.size);
      await completeUpload(this.completion(session, full.sha256, signal));
      completed = true;
      await saver.stop();
      await this.deps.resumeStore?.remove(this.resumeKey);
      await verifyUpload(this.completion(session, full.sha256, signal));
      return this.result(session, full.sha256, todo.length, Boolean(saved));
    } catch (e) {
      if (KooDriveError.is(e) && (e.code === 'IntegrityFailed' || e.code === 'SourceChanged')) {
        await persist?.stop();
        await this.deps.resumeStore?.remove(this.resumeKey).catch(() => undefined);
      } else if (persist && !completed) {
        // Cancelled or failed: record every part that made it, so a re-run resumes.
        await persist.now();
      }
      throw explainUploadError(this.localPath, e);
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

  private createSession(midstates: Midstates, full: HashFileResult | undefined, signal: AbortSignal): Promise<UploadSession> {
    return createUploadSession({ client: this.deps.client, target: this.target, localPath: this.localPath, fileName: this.fileName, file: this.file, midstates, full, signal });
  }

  private completion(session: UploadSession, sha256: string, signal: AbortSignal): Completion {
    return { client: this.deps.client, target: this.target, fileId: session.fileId, localPath: this.localPath, size: this.size, sha256, logger: this.logger, signal };
  }

  private reportUpload(): void {
    let total = 0;
    for (const b of this.partBytes.values()) total += b;
    this.report('uploading', total);
  }

  private report(phase: 'hashing' | 'uploading' | 'completing', bytesDone: number): void {
    this.opts.onProgress?.({ phase, subject: this.localPath, bytesDone, bytesTotal: this.size });
  }

  private result(session: UploadSession, sha256: string, partsUploaded: number, resumed: boolean): UploadResult {
    return {
      localPath: this.localPath, fileId: session.fileId, fileName: session.fileName, size: this.size, sha256,
      rapidUpload: session.rapidUpload, skipped: session.skipped, resumed, partsUploaded, revision: session.revision,
    };
  }
}
