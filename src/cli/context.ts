/**
 * What every CLI command receives: a client built from flags/environment, an
 * AbortSignal tied to Ctrl-C, and the output helpers. The CLI is a thin front
 * end: commands parse arguments, call core, print.
 */
import * as path from 'node:path';
import { staticCredentials } from '../core/api/credentials';
import { createKooDrive, KooDrive } from '../core/koodrive';
import { KooDriveError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactText } from '../core/redact';

export interface GlobalFlags {
  endpoint?: string;
  token?: string;
  userId?: string;
  json: boolean;
  verbose: boolean;
}

export interface CliContext {
  flags: GlobalFlags;
  signal: AbortSignal;
  /** Creates the client lazily: `hash` needs none. */
  drive(): KooDrive;
  userId(): string;
  /** Path of dist/hashWorker.js next to this bundle. */
  hashWorkerPath: string;
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars). */
  isTty: boolean;
  /** Warnings always, request logs with --verbose; secrets redacted. */
  logger: Logger;
  /** Removes the token and presigned signatures from text bound for stdout (e.g. --json error messages). */
  redact(text: string): string;
  /** Registers cleanup (hash pool, open files) run by dispose(). */
  onDispose(fn: () => Promise<void> | void): void;
  dispose(): Promise<void>;
}

export function createCliContext(flags: GlobalFlags, signal: AbortSignal): CliContext {
  let drive: KooDrive | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  const secrets = (): string[] => [flags.token ?? process.env.KOODRIVE_TOKEN ?? ''];
  const logger: Logger = {
    trace: () => undefined,
    debug: (m) => flags.verbose && process.stderr.write(`[debug] ${redactText(m, secrets())}\n`),
    info: (m) => flags.verbose && process.stderr.write(`[info] ${redactText(m, secrets())}\n`),
    warn: (m) => process.stderr.write(`warning: ${redactText(m, secrets())}\n`),
    error: (m) => process.stderr.write(`error: ${redactText(m, secrets())}\n`),
  };
  const need = (value: string | undefined, env: string, flag: string): string => {
    if (!value) throw new KooDriveError('InvalidInput', `Missing ${flag} (or the ${env} environment variable)`, { subject: 'usage' });
    return value;
  };
  const ctx: CliContext = {
    flags,
    signal,
    hashWorkerPath: path.join(__dirname, 'hashWorker.js'),
    isTty: Boolean(process.stderr.isTTY),
    logger,
    redact: (text) => redactText(text, secrets()),
    userId: () => need(flags.userId ?? process.env.KOODRIVE_USER_ID, 'KOODRIVE_USER_ID', '--user-id'),
    drive() {
      if (!drive) {
        const endpoint = need(flags.endpoint ?? process.env.KOODRIVE_ENDPOINT, 'KOODRIVE_ENDPOINT', '--endpoint');
        const token = need(flags.token ?? process.env.KOODRIVE_TOKEN, 'KOODRIVE_TOKEN', '--token');
        drive = createKooDrive({ endpoint, credentials: staticCredentials({ token, userId: ctx.userId() }), logger });
        const d = drive;
        cleanups.push(() => d.close());
      }
      return drive;
    },
    onDispose: (fn) => {
      cleanups.push(fn);
    },
    async dispose() {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  return ctx;
}

export { formatBytes } from '../core/format';

/** Fixed-width columns for human output. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
