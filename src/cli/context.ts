/**
 * What every CLI command receives: a client built from flags, environment or
 * the saved profile (settings.ts), an AbortSignal tied to Ctrl-C, and the
 * output helpers. The CLI is a thin front end: commands parse arguments, call
 * core, print.
 */
import * as path from 'node:path';
import { staticCredentials } from '../core/api/credentials';
import { createKooDrive, KooDrive } from '../core/koodrive';
import type { Logger } from '../core/logger';
import { redactText } from '../core/redact';
import { SignInSettings } from './settings';

export interface GlobalFlags {
  endpoint?: string;
  token?: string;
  userId?: string;
  /** --profile NAME (else KOODRIVE_PROFILE, else "default"). */
  profile?: string;
  json: boolean;
  verbose: boolean;
}

export interface CliContext {
  flags: GlobalFlags;
  /** Endpoint, user id and token with where each came from (flag > environment > profile). */
  settings: SignInSettings;
  signal: AbortSignal;
  /** Creates the client lazily: `hash` needs none. */
  drive(): KooDrive;
  userId(): string;
  /** Path of dist/hashWorker.js next to this bundle. */
  hashWorkerPath: string;
  out(text: string): void;
  /** Writes `text` to stdout as is (no newline added): a document streamed in pieces (JsonArrayWriter). */
  write(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars). */
  isTty: boolean;
  /** Warnings always, request logs with --verbose; secrets redacted. */
  logger: Logger;
  /** Removes the token and presigned signatures from text bound for stdout (e.g. --json error messages). */
  redact(text: string): string;
  /** Every token this run knows (flag, environment, profile), for redaction. */
  secrets(): string[];
  /** Registers cleanup (hash pool, open files) run by dispose(). */
  onDispose(fn: () => Promise<void> | void): void;
  dispose(): Promise<void>;
}

export function createCliContext(flags: GlobalFlags, signal: AbortSignal): CliContext {
  let drive: KooDrive | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  let settings: SignInSettings | undefined;
  const secrets = (): string[] => [settings?.knownToken() ?? flags.token ?? process.env.KOODRIVE_TOKEN ?? ''];
  const logger: Logger = {
    trace: () => undefined,
    debug: (m) => flags.verbose && process.stderr.write(`[debug] ${redactText(m, secrets())}\n`),
    info: (m) => flags.verbose && process.stderr.write(`[info] ${redactText(m, secrets())}\n`),
    warn: (m) => process.stderr.write(`warning: ${redactText(m, secrets())}\n`),
    error: (m) => process.stderr.write(`error: ${redactText(m, secrets())}\n`),
  };
  const ctx: CliContext = {
    flags,
    get settings() {
      settings ??= new SignInSettings(flags);
      return settings;
    },
    signal,
    hashWorkerPath: path.join(__dirname, 'hashWorker.js'),
    isTty: Boolean(process.stderr.isTTY),
    logger,
    redact: (text) => redactText(text, secrets()),
    secrets,
    userId: () => ctx.settings.require('userId').value,
    drive() {
      if (!drive) {
        const endpoint = ctx.settings.require('endpoint').value;
        const token = ctx.settings.require('token').value;
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
    write: (text) => process.stdout.write(text),
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
