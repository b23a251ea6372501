/**
 * What the user sees for an error: chosen from KooDriveError.code only
 * (never from message text). Undefined means "say nothing" (cancellation).
 */
import { isCancellation, KooDriveError } from '../../core/errors';
import { redactText } from '../../core/redact';
import { l10n } from '../l10n';

export type ErrorAction = 'signIn' | 'retry' | 'showLog';

export interface ErrorPresentation {
  message: string;
  actions: ErrorAction[];
  severity: 'error' | 'warning';
}

/** `secrets`: strings the message must never show (the session's token and id), besides redact.ts's patterns. */
export function presentError(err: unknown, secrets: readonly string[] = []): ErrorPresentation | undefined {
  if (isCancellation(err)) return undefined;
  if (!KooDriveError.is(err)) {
    const m = redactText(String((err as Error)?.message ?? err), secrets);
    return { message: l10n.t('Unexpected error: {0}', m), actions: ['showLog'], severity: 'error' };
  }
  const m = redactText(err.message, secrets);
  switch (err.code) {
    case 'AuthRequired':
      return { message: m, actions: ['signIn', 'showLog'], severity: 'warning' };
    case 'Network':
      return { message: l10n.t('Cannot reach KooDrive: {0}', m), actions: ['retry', 'showLog'], severity: 'error' };
    case 'Timeout':
      return { message: l10n.t('KooDrive did not answer in time: {0}', m), actions: ['retry', 'showLog'], severity: 'error' };
    case 'ServerError':
      return { message: l10n.t('KooDrive reported a problem on its side: {0}', m), actions: ['retry', 'showLog'], severity: 'error' };
    case 'RateLimited':
      return { message: l10n.t('KooDrive is busy (too many requests): {0}', m), actions: ['retry', 'showLog'], severity: 'warning' };
    case 'PermissionDenied':
      return { message: l10n.t('You do not have permission: {0}', m), actions: ['showLog'], severity: 'error' };
    case 'QuotaExceeded':
      return { message: l10n.t('Your KooDrive space is full: {0}', m), actions: ['showLog'], severity: 'error' };
    case 'InvalidInput':
    case 'Conflict':
    case 'SourceChanged':
      return { message: m, actions: ['showLog'], severity: 'warning' };
    default:
      return { message: m, actions: ['showLog'], severity: 'error' };
  }
}

/** One log line: code, KooDrive code, trace id, message (redacted). */
export function describeForLog(err: unknown, secrets: readonly string[] = []): string {
  if (KooDriveError.is(err)) {
    const parts: string[] = [err.code];
    if (err.apiCode !== undefined) parts.push(`[${err.apiCode}]`);
    if (err.status !== undefined) parts.push(`HTTP ${err.status}`);
    if (err.traceId) parts.push(`trace=${err.traceId}`);
    return `${parts.join(' ')}: ${redactText(err.message, secrets)}`;
  }
  const e = err as Error | undefined;
  return redactText(e?.stack ?? String(e?.message ?? err), secrets);
}
