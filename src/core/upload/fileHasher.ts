/**
 * What the upload engine needs from the hashing layer: the worker pool in
 * ../hash implements it; tests may pass anything with the same shape.
 */
import type { HashFileOptions, HashFileResult } from '../hash/hashPool';

export type { HashFileOptions, HashFileResult };

export interface FileHasher {
  hashFile(path: string, options: HashFileOptions): Promise<HashFileResult>;
}
