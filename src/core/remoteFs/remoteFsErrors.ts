/**
 * File-system-shaped failures that have no KooDrive error code of their own:
 * a folder where a file was expected (and the reverse), and a file too large
 * to load into memory. They are KooDriveErrors (same brand, a regular code,
 * so every host handles them) with a `reason` the editor's adapter maps to
 * the matching VS Code FileSystemError.
 */
import { KooDriveError, KooDriveErrorCode, KooDriveErrorOptions } from '../errors';

export type RemoteFsReason = 'isFolder' | 'notFolder' | 'tooLarge';

export class RemoteFsError extends KooDriveError {
  constructor(readonly reason: RemoteFsReason, code: KooDriveErrorCode, message: string, options: KooDriveErrorOptions = {}) {
    super(code, message, options);
  }

  static reasonOf(err: unknown): RemoteFsReason | undefined {
    return err instanceof RemoteFsError ? err.reason : undefined;
  }
}

export function isFolderError(shown: string): RemoteFsError {
  return new RemoteFsError('isFolder', 'InvalidInput', `${shown} is a folder, not a file`, { subject: shown });
}

export function notFolderError(shown: string): RemoteFsError {
  return new RemoteFsError('notFolder', 'InvalidInput', `${shown} is a file, not a folder`, { subject: shown });
}

export function tooLargeError(shown: string, size: number, limit: number): RemoteFsError {
  return new RemoteFsError('tooLarge', 'InvalidInput', `${shown} is ${size} bytes, more than the ${limit}-byte limit for opening files from KooDrive`, { subject: shown });
}
