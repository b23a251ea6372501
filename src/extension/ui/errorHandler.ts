/**
 * The one place errors are caught for display (Azure's
 * callWithTelemetryAndErrorHandling). Commands throw; this decides the
 * message and buttons from the error code (errorPresentation.ts), writes the
 * log line, and runs what the user chose. Cancellation is never shown.
 *
 * AuthRequired is deduplicated: while a "Sign in" prompt is open (and for a
 * few seconds after), further AuthRequired errors — e.g. every folder of the
 * tree failing at once when the token expires — are only logged.
 */
import type { Logger } from '../../core/logger';
import { KooDriveError } from '../../core/errors';
import { l10n } from '../l10n';
import { describeForLog, ErrorAction, presentError } from './errorPresentation';
import type { Notifier } from './prompts';

export interface ErrorHandlerDeps {
  notifier: Notifier;
  logger: Logger;
  /** Runs the Sign In command. */
  signIn(): Promise<unknown>;
  showLog(): void;
  /** Strings no message may show (the session's token and session id). */
  secrets?(): readonly string[];
  now?(): number;
  /** How long after an auth prompt closes further auth errors stay quiet. */
  authQuietMs?: number;
}

export interface ReportOptions {
  /** What failed, for the log (a command id, "tree", "drop"). */
  source: string;
  /** Adds "Retry" for retryable codes. */
  retry?: () => Promise<unknown>;
}

export class ErrorHandler {
  private authPrompt?: Promise<void>;
  private authQuietUntil = 0;
  private readonly now: () => number;

  constructor(private readonly deps: ErrorHandlerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A command handler that never rejects: failures are reported here. */
  wrap<A extends unknown[]>(source: string, fn: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
    const run = async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (err) {
        await this.report(err, { source, retry: () => run(...args) });
      }
    };
    return run;
  }

  async report(err: unknown, opts: ReportOptions): Promise<void> {
    const secrets = this.deps.secrets?.() ?? [];
    const shown = presentError(err, secrets);
    if (!shown) {
      this.deps.logger.info(`${opts.source}: cancelled`);
      return;
    }
    const line = `${opts.source} failed: ${describeForLog(err, secrets)}`;
    if (shown.severity === 'warning') this.deps.logger.warn(line);
    else this.deps.logger.error(line);

    if (KooDriveError.is(err, 'AuthRequired')) {
      if (this.authPrompt || this.now() < this.authQuietUntil) return;
      const pending = this.show(shown.message, shown.actions, shown.severity, opts).finally(() => {
        this.authPrompt = undefined;
        this.authQuietUntil = this.now() + (this.deps.authQuietMs ?? 3000);
      });
      this.authPrompt = pending;
      return pending;
    }
    const actions = opts.retry ? shown.actions : shown.actions.filter((a) => a !== 'retry');
    return this.show(shown.message, actions, shown.severity, opts);
  }

  private async show(message: string, actions: ErrorAction[], severity: 'error' | 'warning', opts: ReportOptions): Promise<void> {
    const labels: Record<ErrorAction, string> = { signIn: l10n.t('Sign in'), retry: l10n.t('Retry'), showLog: l10n.t('Show log') };
    const buttons = actions.map((a) => labels[a]);
    const chosen = severity === 'warning'
      ? await this.deps.notifier.warn(message, ...buttons)
      : await this.deps.notifier.error(message, ...buttons);
    const action = actions.find((a) => labels[a] === chosen);
    if (action === 'showLog') this.deps.showLog();
    else if (action === 'signIn') await this.deps.signIn();
    else if (action === 'retry' && opts.retry) await opts.retry();
  }
}
