/**
 * The port the engines hash files through (the upload engine, the
 * `koodrive:` save's "identical content?" check): the worker pool
 * (hashPool.ts) implements it; tests may pass anything with the same shape.
 * The per-file hashing itself, inside a worker, is hashFileWithPartStates.ts.
 */
import type { HashFileOptions, HashFileResult } from './hashPool';

export type { HashFileOptions, HashFileResult };

export interface FileHasher {
  hashFile(path: string, options: HashFileOptions): Promise<HashFileResult>;
}
