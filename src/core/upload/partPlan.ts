/**
 * Splits a file into the parts of a KooDrive concurrent multipart upload
 * (§2.3, §6.1): non-last parts are multiples of 64 bytes in [5 MiB, 5 GiB],
 * the last is in [0, 5 GiB], at most 10 000 parts, files ≤ 200 GB.
 */
import { KooDriveError } from '../errors';

export const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB; // 5 242 880
export const MAX_PART_SIZE = 5 * 1024 * MiB; // 5 368 709 120
export const MAX_PARTS = 10_000;
/**
 * "≤ 200 GB for multipart". The docs do not say whether GB means 10^9 or
 * 2^30; we take the smaller reading, so we never start an upload the service
 * may refuse after hours of transfer.
 */
export const MAX_FILE_SIZE = 200 * 1000 * 1000 * 1000;
/**
 * Default part size. 8–32 MiB parts upload at the same rate on loopback,
 * 64 MiB only adds memory and first-PUT delay; `npm run bench` re-measures
 * 8/16/32 MiB (docs/performance.md). 16 MiB keeps 4 parts in flight at
 * ~64 MiB of buffers and gives up to 160 GB before parts must grow.
 */
export const DEFAULT_PART_SIZE = 16 * MiB;

export interface PlannedPart {
  partNumber: number;
  partOffset: number;
  partSize: number;
}

export interface PartPlan {
  length: number;
  partSize: number;
  parts: PlannedPart[];
}

/** Validates a user-supplied part size (the CLI's --part-size, the setting). */
export function checkPartSize(partSize: number): void {
  if (!Number.isSafeInteger(partSize) || partSize <= 0) {
    throw new KooDriveError('InvalidInput', `Part size must be a whole number of bytes (got ${partSize})`);
  }
  if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new KooDriveError('InvalidInput', `Part size must be between 5 MiB (${MIN_PART_SIZE}) and 5 GiB (${MAX_PART_SIZE}) bytes (got ${partSize})`);
  }
  if (partSize % 64 !== 0) {
    throw new KooDriveError('InvalidInput', `Part size must be a multiple of 64 bytes so each part starts on a SHA-256 block boundary (got ${partSize}; try ${Math.ceil(partSize / 64) * 64})`);
  }
}

export function checkFileSize(length: number, subject?: string): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new KooDriveError('InvalidInput', `Invalid file length ${length}`, { subject });
  if (length > MAX_FILE_SIZE) {
    throw new KooDriveError('InvalidInput', `${subject ?? 'The file'} is ${length} bytes; KooDrive accepts files up to 200 GB (${MAX_FILE_SIZE} bytes)`, { subject });
  }
}

/**
 * With an explicit `partSize`, a plan over 10 000 parts is an error (the
 * user asked for something impossible). Without one, the default grows to the
 * next multiple of 64 that fits the file into 10 000 parts.
 */
export function planParts(length: number, partSize?: number, subject?: string): PartPlan {
  checkFileSize(length, subject);
  let size: number;
  if (partSize !== undefined) {
    checkPartSize(partSize);
    size = partSize;
    if (Math.ceil(length / size) > MAX_PARTS) {
      const needed = Math.ceil(Math.ceil(length / MAX_PARTS) / 64) * 64;
      throw new KooDriveError('InvalidInput', `A part size of ${size} bytes would need ${Math.ceil(length / size)} parts; KooDrive allows ${MAX_PARTS}. Use at least ${Math.max(needed, MIN_PART_SIZE)} bytes.`, { subject });
    }
  } else {
    size = Math.max(DEFAULT_PART_SIZE, Math.ceil(Math.ceil(length / MAX_PARTS) / 64) * 64);
  }
  const parts: PlannedPart[] = [];
  if (length === 0) {
    parts.push({ partNumber: 1, partOffset: 0, partSize: 0 });
  } else {
    for (let offset = 0, n = 1; offset < length; offset += size, n++) {
      parts.push({ partNumber: n, partOffset: offset, partSize: Math.min(size, length - offset) });
    }
  }
  return { length, partSize: size, parts };
}
