/**
 * `koodrive` command line: the same engine as the extension, for scripts and
 * benchmarks. Configuration from --endpoint / --token / --user-id, else
 * KOODRIVE_ENDPOINT / KOODRIVE_TOKEN / KOODRIVE_USER_ID, else the profile
 * saved by `koodrive login` (--profile / KOODRIVE_PROFILE, else "default").
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
import * as login from './commands/login';
import * as logout from './commands/logout';
import * as whoami from './commands/whoami';
import * as completion from './commands/completion';
import * as sync from './commands/sync';
import { explainForCli } from './errorHints';

interface Command {
  usage: string;
  run(ctx: CliContext, argv: string[]): Promise<void>;
}

/** The table of contents of the CLI. */
export const COMMANDS: Record<string, Command> = {
  login, logout, whoami,
  spaces, ls, mkdir, hash, upload, download, revision, stat, cat, put, search, mv, cp, rm, trash, transfers, sync, sandbox,
  completion,
};

const GLOBAL_HELP = `Global options: --profile NAME --endpoint URL --token TOKEN --user-id ID --json --verbose
  (a flag beats the environment, which beats the profile saved by "koodrive login")
Environment: KOODRIVE_PROFILE, KOODRIVE_ENDPOINT, KOODRIVE_TOKEN, KOODRIVE_USER_ID
  KOODRIVE_STATE_DIR  profiles, resume state and caches (default ~/.koodrive)
  KOODRIVE_HASH_IMPL=auto|native|wasm|js  SHA-256 implementation (default auto: native SHA-NI if available)
Details: docs/cli.md`;

function helpText(): string {
  const forms = Object.values(COMMANDS).flatMap((c) => c.usage.split('\n').map((f) => wrap(`  ${f.trim()}`)));
  return ['Usage:', ...forms, '', GLOBAL_HELP].join('\n');
}

/** Words of a usage line, a bracketed group ("[--conflict a|b (default a)]") kept as one. */
function usageWords(line: string): string[] {
  const words: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of line.trimStart()) {
    if (ch === ' ' && depth === 0) {
      if (word) words.push(word);
      word = '';
      continue;
    }
    if (ch === '[' || ch === '(') depth++;
    if ((ch === ']' || ch === ')') && depth > 0) depth--;
    word += ch;
  }
  if (word) words.push(word);
  words[0] = `  ${words[0]}`;
  return words;
}

/** A long usage line continues on indented lines (at spaces, about 120 columns) rather than one very long line. */
function wrap(line: string, width = 120): string {
  const out: string[] = [];
  let current = '';
  for (const word of usageWords(line)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = `      ${word}`;
    } else current = current ? `${current} ${word}` : word;
  }
  out.push(current);
  return out.join('\n');
}

/** Splits global flags (anywhere on the line) from the command's own arguments. */
function splitGlobalFlags(argv: string[]): { flags: GlobalFlags; rest: string[] } {
  const flags: GlobalFlags = { json: false, verbose: false };
  const rest: string[] = [];
  const valued: Record<string, keyof GlobalFlags> = { '--endpoint': 'endpoint', '--token': 'token', '--user-id': 'userId', '--profile': 'profile' };
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
    return reportError(e, argv, ctx);
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

function reportError(e: unknown, argv: string[], ctx: CliContext | undefined): number {
  const secrets = [process.env.KOODRIVE_TOKEN ?? '', ...tokensInArgv(argv), ...(ctx?.secrets() ?? [])];
  if (isCancellation(e)) {
    process.stderr.write('koodrive: cancelled\n');
    return 130;
  }
  const err = KooDriveError.is(e) ? e : undefined;
  const explained = err && ctx ? explainForCli(err, () => ctx.settings) : err?.message;
  const msg = (explained ?? (e as Error)?.message ?? String(e)).replace(/\s*\n\s*/g, ' ');
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
