import { KooDriveError } from '../core/errors';

export function usageError(usage: string, problem?: string): KooDriveError {
  return new KooDriveError('InvalidInput', `${problem ? `${problem}. ` : ''}Usage: ${usage}`, { subject: 'usage' });
}
