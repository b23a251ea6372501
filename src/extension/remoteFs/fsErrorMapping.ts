/**
 * Which VS Code FileSystemError a core failure becomes, without VS Code
 * (unit-tested; the provider turns the answer into the real error). The
 * explorer and the editors branch on the kind (FileNotFound lets "New File"
 * go ahead, FileExists asks before replacing, Unavailable says "offline"),
 * and the message keeps KooDrive's own words plus the trace id for support.
 */
import { isCancellation, KooDriveError } from '../../core/errors';
import { redactText } from '../../core/redact';
import { RemoteFsError } from '../../core/remoteFs/remoteFsErrors';

export type FsErrorKind =
  | 'FileNotFound'
  | 'FileExists'
  | 'FileIsADirectory'
  | 'FileNotADirectory'
  | 'NoPermissions'
  | 'Unavailable'
  | 'Other';

export interface FsErrorDescription {
  kind: FsErrorKind;
  message: string;
}

export function describeFsError(err: unknown): FsErrorDescription {
  if (isCancellation(err)) return { kind: 'Other', message: 'Cancelled' };
  if (!KooDriveError.is(err)) return { kind: 'Other', message: redactText(String((err as Error)?.message ?? err)) };
  const message = redactText(err.traceId ? `${err.message} (trace ${err.traceId})` : err.message);
  const reason = RemoteFsError.reasonOf(err);
  if (reason === 'isFolder') return { kind: 'FileIsADirectory', message };
  if (reason === 'notFolder') return { kind: 'FileNotADirectory', message };
  switch (err.code) {
    case 'NotFound':
      return { kind: 'FileNotFound', message };
    case 'Conflict':
      return { kind: 'FileExists', message };
    case 'AuthRequired':
    case 'PermissionDenied':
    case 'QuotaExceeded':
      return { kind: 'NoPermissions', message };
    case 'Network':
    case 'Timeout':
    case 'ServerError':
    case 'RateLimited':
    case 'ClockSkew':
    case 'UrlExpired':
    case 'BadResponse':
      return { kind: 'Unavailable', message };
    default:
      return { kind: 'Other', message };
  }
}
