import { KooDriveError } from '../core/errors';

/**
 * A usage error is one line on stderr: a command with several forms (ls,
 * revision) lists them separated by " | " rather than running them together.
 */
export function usageError(usage: string, problem?: string): KooDriveError {
  return new KooDriveError('InvalidInput', `${problem ? `${problem}. ` : ''}Usage: ${usage.replace(/\s*\n\s*/g, ' | ')}`, { subject: 'usage' });
}
