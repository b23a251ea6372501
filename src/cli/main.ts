/**
 * `koodrive` command line: the same engine as the extension, for scripts and
 * benchmarks. Configuration from KOODRIVE_ENDPOINT / KOODRIVE_TOKEN /
 * KOODRIVE_USER_ID, overridden by --endpoint / --token / --user-id.
 * Every command takes --json (one JSON document on stdout). Failures print one
 * line on stderr and exit non-zero (2 usage, 130 cancelled, 1 otherwise).
 */
import { KooDriveError, isCancellation } from '../core/errors';
import { redactText } from '../core/redact';
import { HelpRequested } from './args';
import { ExitWith } from './exitCode';
import { CliContext, createCliContext, GlobalFlags } from './context';
import * as download from './commands/download';
import * as hash from './commands/hash';
import * as ls from './commands/ls';
import * as mkdir from './commands/mkdir';
import * as revision from './commands/revision';
import * as sandbox from './commands/sandbox';
import * as spaces from './commands/spaces';
import * as upload from './commands/upload';
import * as stat from './commands/stat';
import * as cat from './commands/cat';
import * as put from './commands/put';
import * as search from './commands/search';
import * as mv from './commands/mv';
import * as cp from './commands/cp';
import * as rm from './commands/rm';
import * as trash from './commands/trash';
import * as transfers from './commands/transfers';
import * as sync from './commands/sync';

interface Command {
  usage: string;
  run(ctx: CliContext, argv: string[]): Promise<void>;
}

/** The table of contents of the CLI. */
const COMMANDS: Record<string, Command> = { spaces, ls, mkdir, hash, upload, download, revision, stat, cat, put, search, mv, cp, rm, trash, transfers, sync, sandbox };

const GLOBAL_HELP = `Global options: --endpoint URL --token TOKEN --user-id ID --json --verbose
Environment: KOODRIVE_ENDPOINT, KOODRIVE_TOKEN, KOODRIVE_USER_ID
  KOODRIVE_HASH_IMPL=auto|native|wasm|js  SHA-256 implementation (default auto: native SHA-NI if available)`;

function helpText(): string {
  return ['Usage:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), '', GLOBAL_HELP].join('\n');
}

/** Splits global flags (anywhere on the line) from the command's own arguments. */
function splitGlobalFlags(argv: string[]): { flags: GlobalFlags; rest: string[] } {
  const flags: GlobalFlags = { json: false, verbose: false };
  const rest: string[] = [];
  const valued: Record<string, keyof GlobalFlags> = { '--endpoint': 'endpoint', '--token': 'token', '--user-id': 'userId' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name in valued) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new KooDriveError('InvalidInput', `${name} needs a value`, { subject: 'usage' });
      (flags as unknown as Record<string, string>)[valued[name]] = v;
    } else if (a === '--json') flags.json = true;
    else if (a === '--verbose' || a === '-v') flags.verbose = true;
    else rest.push(a);
  }
  return { flags, rest };
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new KooDriveError('Cancelled', 'Cancelled by the user'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ctx: CliContext | undefined;
  try {
    const { flags, rest } = splitGlobalFlags(argv);
    const [name, ...args] = rest;
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(`${helpText()}\n`);
      return name ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) {
      process.stderr.write(`koodrive: unknown command "${name}"\n${helpText()}\n`);
      return 2;
    }
    ctx = createCliContext(flags, controller.signal);
    await command.run(ctx, args);
    return 0;
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`Usage: ${e.usage}\n${GLOBAL_HELP}\n`);
      return 0;
    }
    if (e instanceof ExitWith) return e.code;
    return reportError(e, argv);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await ctx?.dispose().catch(() => undefined);
  }
}

/**
 * Every token on the command line, in both spellings (`--token X` and
 * `--token=X`), read from the raw arguments: the error being reported may be
 * that they could not be parsed.
 */
export function tokensInArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--token' && argv[i + 1] !== undefined) out.push(argv[i + 1]);
    else if (a.startsWith('--token=')) out.push(a.slice('--token='.length));
  });
  return out;
}

function reportError(e: unknown, argv: string[]): number {
  const secrets = [process.env.KOODRIVE_TOKEN ?? '', ...tokensInArgv(argv)];
  if (isCancellation(e)) {
    process.stderr.write('koodrive: cancelled\n');
    return 130;
  }
  const err = KooDriveError.is(e) ? e : undefined;
  const msg = (err?.message ?? (e as Error)?.message ?? String(e)).replace(/\s*\n\s*/g, ' ');
  const trace = err?.traceId ? ` (trace ${err.traceId})` : '';
  const code = err ? ` [${err.code}]` : '';
  process.stderr.write(`koodrive: ${redactText(msg, secrets)}${code}${trace}\n`);
  if (err?.subject === 'usage') return 2;
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`koodrive: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
