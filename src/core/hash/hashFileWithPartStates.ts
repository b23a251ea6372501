/**
 * Hashes one local file sequentially and reports the SHA-256 chaining state
 * at each part boundary the moment it is passed. Runs inside a hash worker
 * (hashWorkerMain.ts) but has no worker dependency, so it is testable as is.
 *
 * Reads go into two reused buffers (for wasm/JS the next read is in flight
 * while the current one is hashed; native reads synchronously, see
 * NATIVE_READ_SIZE); hashing proceeds in slices of ≤ 256 KiB (wasm/JS) or a
 * whole read (native), cut at the part boundaries. Cancellation is checked
 * after every read.
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { KooDriveError, localIoError } from '../errors';
import { readFully } from '../bytes/fileReads';
import { PROGRESS_INTERVAL_BYTES } from './hashProtocol';
import { defaultSha256Engine, Sha256, WASM_SLICE_BYTES, type Sha256Engine, type Sha256Options } from './sha256';

export interface FileHashJob {
  path: string;
  /** Expected size in bytes. */
  length: number;
  /** Expected fs.Stats.mtimeMs, when the caller has one. */
  mtimeMs?: number;
  /** Part start offsets: strictly increasing multiples of 64, each ≤ length. */
  partOffsets: number[];
}

export interface FileHashHooks {
  /** Polled after every read; true stops the job with 'Cancelled'. */
  isCancelled?(): boolean;
  /** `hashCtx` is `[]` for offset 0, otherwise H0..H7. */
  onPartState?(partIndex: number, offset: number, hashCtx: number[]): void;
  onProgress?(bytesHashed: number): void;
}

export interface FileHashResult {
  sha256: string;
  preHash: string;
  length: number;
  /** The compression engine that computed it. */
  impl: Sha256Engine;
}

export interface FileHasherOptions {
  /** Bytes per read (default 4 MiB, 256 KiB for native; two such buffers are used). */
  readSize?: number;
  /** The compression engine (the worker's selection, hashImpl.ts); default wasm, else JS. */
  engine?: Pick<Sha256Options, 'engine' | 'native'>;
}

const DEFAULT_READ_SIZE = 4 * 1024 * 1024;
/**
 * Native hashes ~1.5 GB/s, as fast as the page cache copies: it reads
 * synchronously (this runs in a worker thread), in slices small enough that
 * the bytes are still in the L2 cache when they are hashed. Through the
 * thread pool, the promise round trip per read and the copy to a buffer
 * bigger than L2 cost more than the overlap gains on a busy 2-core machine.
 */
const NATIVE_READ_SIZE = 256 * 1024;
/** With synchronous reads, let the event loop deliver a 'cancel' at least this often. */
const SYNC_YIELD_BYTES = 16 * 1024 * 1024;
const PRE_HASH_BYTES = 1024;

/**
 * Hashers (with their read buffers) kept for the next file in this thread:
 * a new one costs ~0.2 ms (WebAssembly memory + instance), which adds up over
 * a folder of small files.
 */
const spareHashers: Sha256[] = [];
const MAX_SPARE_HASHERS = 2;

function takeHasher(inputAreaBytes: number, engine: FileHasherOptions['engine'] = {}): Sha256 {
  const i = spareHashers.findIndex((h) => h.inputArea().length === inputAreaBytes && h.engine === (engine.engine ?? defaultSha256Engine()));
  if (i >= 0) return spareHashers.splice(i, 1)[0].reset();
  return new Sha256({ ...engine, inputAreaBytes });
}

function returnHasher(h: Sha256): void {
  if (spareHashers.length < MAX_SPARE_HASHERS) spareHashers.push(h);
}

/** Throws 'InvalidInput' unless the job is well formed. */
export function validateFileHashJob(job: FileHashJob): void {
  const bad = (why: string): never => {
    throw new KooDriveError('InvalidInput', `Invalid hash request for ${job.path}: ${why}`, { subject: job.path });
  };
  if (!Number.isSafeInteger(job.length) || job.length < 0) bad(`length ${job.length}`);
  if (!Array.isArray(job.partOffsets)) bad('partOffsets is not an array');
  let prev = -1;
  for (const off of job.partOffsets) {
    if (!Number.isSafeInteger(off) || off % 64 !== 0 || off <= prev || off > job.length) {
      bad(`part offsets must be strictly increasing multiples of 64 within [0, ${job.length}], got ${off}`);
    }
    prev = off;
  }
}

function sourceChanged(path: string, why: string): KooDriveError {
  return new KooDriveError('SourceChanged', `${path} changed while it was being hashed: ${why}`, { subject: path });
}

export function cancelledHashError(path: string): KooDriveError {
  return new KooDriveError('Cancelled', `Hashing ${path} was cancelled`, { subject: path });
}

function checkStats(job: FileHashJob, st: Stats): void {
  if (!st.isFile()) throw new KooDriveError('LocalIo', `Cannot hash ${job.path}: not a regular file`, { subject: job.path });
  if (st.size !== job.length) throw sourceChanged(job.path, `size is ${st.size} bytes, expected ${job.length}`);
  if (job.mtimeMs !== undefined && st.mtimeMs !== job.mtimeMs) {
    throw sourceChanged(job.path, `modified at ${new Date(st.mtimeMs).toISOString()}`);
  }
}

function readFullySync(fd: number, buf: Uint8Array, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const bytesRead = readSync(fd, buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

export async function hashFileWithPartStates(
  job: FileHashJob,
  hooks: FileHashHooks = {},
  options: FileHasherOptions = {},
): Promise<FileHashResult> {
  validateFileHashJob(job);
  const { path, length, partOffsets } = job;
  const syncReads = options.engine?.engine === 'native';
  const requested = Math.max(64 * 1024, options.readSize ?? (syncReads ? NATIVE_READ_SIZE : DEFAULT_READ_SIZE));
  const readSize = requested - (requested % 64);
  const throwIfCancelled = (): void => {
    if (hooks.isCancelled?.()) throw cancelledHashError(path);
  };

  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw localIoError(err, path, 'read');
  }
  // A read still in flight when we bail out must finish before the handle
  // closes and before its buffer (in the hasher) is reused.
  let pending: Promise<number> | undefined;
  let hasher: Sha256 | undefined;
  try {
    let before: Stats;
    try {
      before = await fh.stat();
    } catch (err) {
      throw localIoError(err, path, 'read');
    }
    checkStats(job, before);
    throwIfCancelled();

    // Two read buffers inside the hasher's memory: hashed without a copy.
    const h = (hasher = takeHasher(2 * readSize, options.engine));
    const bufferSize = readSize;
    const area = h.inputArea();
    const buffers = [area.subarray(0, bufferSize), area.subarray(bufferSize, 2 * bufferSize)];
    const preHash = createHash('sha256');
    // WebAssembly wants small slices (no on-stack replacement, see sha256.ts);
    // native absorbs a whole read (up to a part boundary) in one call.
    const sliceBytes = h.engine === 'native' ? bufferSize : WASM_SLICE_BYTES;
    let which = 0;
    let part = 0;
    let pos = 0;
    let lastProgress = 0;

    const emitPartsAt = (offset: number): void => {
      while (part < partOffsets.length && partOffsets[part] === offset) {
        hooks.onPartState?.(part, offset, offset === 0 ? [] : h.midstate());
        part++;
      }
    };
    const read = (position: number): Promise<number> => {
      const want = Math.min(buffers[which].length, length - position);
      if (syncReads) {
        try {
          return Promise.resolve(readFullySync(fh.fd, buffers[which], want, position));
        } catch (err) {
          return Promise.reject(localIoError(err, path, 'read'));
        }
      }
      const p = readFully(fh, buffers[which], want, position).catch((err: unknown) => {
        throw localIoError(err, path, 'read');
      });
      pending = p;
      return p;
    };

    emitPartsAt(0);
    let next = length > 0 ? read(0) : undefined;
    let lastYield = 0;
    while (next) {
      const got = await next;
      pending = undefined;
      if (syncReads && pos - lastYield >= SYNC_YIELD_BYTES) {
        lastYield = pos;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      throwIfCancelled();
      const want = Math.min(buffers[which].length, length - pos);
      if (got < want) throw sourceChanged(path, `it ended at ${pos + got} bytes, expected ${length}`);
      const chunk = buffers[which];
      const chunkStart = pos;
      // Start the next read into the other buffer while this one is hashed.
      which ^= 1;
      next = chunkStart + got < length ? read(chunkStart + got) : undefined;

      if (chunkStart < PRE_HASH_BYTES) preHash.update(chunk.subarray(0, Math.min(got, PRE_HASH_BYTES - chunkStart)));
      let off = 0;
      while (off < got) {
        const boundary = part < partOffsets.length ? partOffsets[part] : Infinity;
        const end = Math.min(got, off + sliceBytes, boundary - chunkStart);
        h.update(chunk.subarray(off, end));
        off = end;
        pos = chunkStart + off;
        emitPartsAt(pos);
        if (pos - lastProgress >= PROGRESS_INTERVAL_BYTES) {
          lastProgress = pos;
          hooks.onProgress?.(pos);
        }
      }
    }

    // Grown, shrunk and regrown, or rewritten in place while we read?
    const probe = Buffer.alloc(1);
    const extra = await readFully(fh, probe, 1, length).catch((err: unknown) => {
      throw localIoError(err, path, 'read');
    });
    if (extra > 0) throw sourceChanged(path, `it is longer than ${length} bytes`);
    let after: Stats;
    try {
      after = await fh.stat();
    } catch (err) {
      throw localIoError(err, path, 'read');
    }
    if (after.size !== length) throw sourceChanged(path, `size is now ${after.size} bytes, expected ${length}`);
    if (after.mtimeMs !== before.mtimeMs) throw sourceChanged(path, 'it was modified');
    throwIfCancelled();

    if (length === 0 || lastProgress !== length) hooks.onProgress?.(length);
    return { sha256: h.digestHex(), preHash: preHash.digest('hex'), length, impl: h.engine };
  } finally {
    if (pending) await pending.catch(() => undefined);
    await fh.close().catch(() => undefined);
    if (hasher) returnHasher(hasher);
  }
}
