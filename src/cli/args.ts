/**
 * One argument parser for every subcommand, so they all behave alike:
 * - an unknown or misspelled option is a usage error (exit 2) naming the option
 *   and the command's usage, never Node's raw parser text;
 * - `--help` / `-h` prints the command's own usage and ends with exit 0;
 * - the number of positional arguments is checked.
 * Global flags (--endpoint, --token, --user-id, --json, --verbose) are taken
 * out by main.ts before a command sees its arguments.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { usageError } from './usage';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Thrown when the user asked for help: main prints `usage` on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

export interface CommandArgsSpec<O extends OptionSpecs> {
  usage: string;
  options: O;
  /** Fewest / most positional arguments (defaults 0 / unlimited). */
  minPositionals?: number;
  maxPositionals?: number;
}

export function parseCommandArgs<O extends OptionSpecs>(argv: string[], spec: CommandArgsSpec<O>) {
  const endOfOptions = argv.indexOf('--');
  const optionPart = endOfOptions < 0 ? argv : argv.slice(0, endOfOptions);
  if (optionPart.includes('--help') || optionPart.includes('-h')) throw new HelpRequested(spec.usage);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: spec.options });
  } catch (e) {
    throw usageError(spec.usage, describeParseError(e, argv));
  }
  const n = parsed.positionals.length;
  if (n < (spec.minPositionals ?? 0)) throw usageError(spec.usage, 'Missing argument');
  if (spec.maxPositionals !== undefined && n > spec.maxPositionals) {
    throw usageError(spec.usage, `Unexpected argument "${parsed.positionals[spec.maxPositionals]}"`);
  }
  return parsed;
}

/** Node's parser errors carry codes; turn them into one short sentence. */
function describeParseError(e: unknown, argv: string[]): string {
  const code = (e as { code?: string }).code;
  const message = (e as Error).message ?? String(e);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? argv.find((a) => a.startsWith('-') && message.includes(a));
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing') ? `Option ${option ?? ''} needs a value` : `Option ${option ?? ''} takes no value`;
    default:
      return message.split('\n')[0];
  }
}
