/**
 * `koodrive completion bash|zsh` prints a completion script (as kubectl and
 * gh do): load it with `source <(koodrive completion bash)`, or save it where
 * the shell loads completions from. The commands, their subcommands and
 * options, and the choices of options such as --conflict are read from each
 * command's usage line, so the script cannot drift from the commands; it is
 * printed again after an upgrade.
 *
 * Container ids and profile names come from the state directory at Tab time,
 * through `koodrive completion --list containers|profiles`, which reads only
 * local files (the spaces of the last `koodrive spaces`, the saved profiles):
 * no request, no token.
 */
import { parseCommandArgs } from '../args';
import type { CliContext } from '../context';
import { readProfiles } from '../profiles';
import { readSpacesCache } from '../spacesCache';
import { stateDir } from '../stateDir';
import { usageError } from '../usage';

export const usage = 'koodrive completion bash|zsh';

/** Global flags every command takes (main.ts takes them out); the valued ones need a value after them. */
const GLOBAL_OPTIONS = ['--profile', '--endpoint', '--token', '--user-id', '--json', '--verbose', '--help'];
const GLOBAL_VALUED = ['--profile', '--endpoint', '--token', '--user-id'];
/** Options whose value is a container id. */
const CONTAINER_OPTIONS = ['--container', '--to-container'];
/** Commands whose first argument is a container id. */
const CONTAINER_FIRST = ['ls', 'mkdir'];

export interface CommandShape {
  name: string;
  subcommands: string[];
  options: string[];
  /** Options followed by a value; with the value's choices when the usage lists them (rename|fail|skip-same). */
  valued: Map<string, string[]>;
}

/** Reads the commands' shapes from their usage lines. */
export function commandShapes(commands: Record<string, { usage: string }>): CommandShape[] {
  return Object.entries(commands).map(([name, c]) => {
    const shape: CommandShape = { name, subcommands: [], options: [], valued: new Map() };
    for (const form of c.usage.split(/\n|\s\|\s/)) {
      const words = form.trim().replace(/^koodrive\s+/, '').split(/\s+/);
      // "trash restore …", "transfers [clear …", "completion bash|zsh": a plain word after the command.
      const sub = words[0] === name ? /^\[?([a-z][a-z|-]*)\]?$/.exec(words[1] ?? '')?.[1] : undefined;
      if (sub) for (const s of sub.split('|')) if (s && !shape.subcommands.includes(s)) shape.subcommands.push(s);
      words.forEach((w, i) => {
        const opt = /^\[?(--[a-z][a-z0-9-]*)/.exec(w)?.[1];
        if (!opt) return;
        if (!shape.options.includes(opt)) shape.options.push(opt);
        const next = words[i + 1]?.replace(/[\]]+(\.\.\.)?$/, '');
        if (w.includes(']') || !next || next.startsWith('-') || next.startsWith('[') || next.startsWith('(')) return;
        const choices = /^[a-z][a-z-]*(\|[a-z][a-z-]*)+$/.test(next) ? next.split('|') : [];
        if (!shape.valued.has(opt) || choices.length > 0) shape.valued.set(opt, choices);
      });
    }
    return shape;
  });
}

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandArgs(argv, { usage, options: { list: { type: 'string' } }, maxPositionals: 1 });
  if (values.list !== undefined) {
    if (positionals.length > 0) throw usageError(usage, `Unexpected argument "${positionals[0]}"`);
    ctx.out(listWords(values.list).join('\n'));
    return;
  }
  const shell = positionals[0];
  if (shell !== 'bash' && shell !== 'zsh') throw usageError(usage, shell ? `No completion for "${shell}" (bash or zsh)` : 'Which shell: bash or zsh');
  // Loaded lazily: main.ts imports this module, and only needs the table when a script is printed.
  const { COMMANDS } = await import('../main');
  const shapes = commandShapes(COMMANDS);
  process.stdout.write(shell === 'bash' ? bashScript(shapes) : zshScript(shapes));
}

function listWords(kind: string): string[] {
  const dir = stateDir();
  if (kind === 'containers') return readSpacesCache(dir).map((s) => s.containerId);
  if (kind === 'profiles') {
    try {
      return Object.keys(readProfiles(`${dir}/config.json`));
    } catch {
      return [];
    }
  }
  throw usageError(usage, `--list takes containers or profiles (got "${kind}")`);
}

const q = (words: readonly string[]): string => words.join(' ');

/** Every option that takes a value, in any command: the word after it is that value, not an argument. */
function allValued(shapes: CommandShape[]): string[] {
  const all = new Set(GLOBAL_VALUED);
  for (const s of shapes) for (const opt of s.valued.keys()) all.add(opt);
  return [...all];
}

/**
 * The body both shells share: $cmd (the command), $sub (its subcommand),
 * $prev and $cur are set by the shell-specific wrapper; `reply` takes words.
 */
function caseTable(shapes: CommandShape[], fn: (s: CommandShape) => string): string {
  return shapes.map((s) => `    ${s.name}) ${fn(s)} ;;`).join('\n');
}

/** A command's options without the global ones (offered for every command anyway). */
function ownOptions(s: CommandShape): string[] {
  return s.options.filter((o) => !GLOBAL_OPTIONS.includes(o));
}

/** The per-command value cases; the global and container options are answered before them. */
function commandValued(s: CommandShape): Array<[string, string[]]> {
  return [...s.valued].filter(([opt]) => !GLOBAL_VALUED.includes(opt) && !CONTAINER_OPTIONS.includes(opt));
}

function bashScript(shapes: CommandShape[]): string {
  const valuedCases = shapes.flatMap((s) => commandValued(s).map(([opt, choices]) => `    ${s.name}:${opt}) COMPREPLY=(${choices.length ? `$(compgen -W "${q(choices)}" -- "$cur")` : ''}); return ;;`));
  return `# bash completion for koodrive (generated by "koodrive completion bash").
# Load it now:        source <(koodrive completion bash)
# Load it for good:   koodrive completion bash > ~/.local/share/bash-completion/completions/koodrive
_koodrive_list() {
  command "\${COMP_WORDS[0]}" completion --list "$1" 2>/dev/null
}
_koodrive() {
  local cur prev cmd="" sub="" i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      ${allValued(shapes).join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z "$cmd" ]]; then cmd="$w"; elif [[ -z "$sub" ]]; then sub="$w"; fi ;;
    esac
  done
  case "$prev" in
    --profile) COMPREPLY=($(compgen -W "$(_koodrive_list profiles)" -- "$cur")); return ;;
    ${CONTAINER_OPTIONS.join('|')}) COMPREPLY=($(compgen -W "$(_koodrive_list containers)" -- "$cur")); return ;;
    ${GLOBAL_VALUED.filter((o) => o !== '--profile').join('|')}) COMPREPLY=(); return ;;
  esac
  case "$cmd:$prev" in
${valuedCases.join('\n')}
  esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${q(shapes.map((s) => s.name))} ${q(GLOBAL_OPTIONS)}" -- "$cur"))
    return
  fi
  local opts="" subs=""
  case "$cmd" in
${caseTable(shapes, (s) => `opts="${q(ownOptions(s))}"; subs="${q(s.subcommands)}"`)}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts ${q(GLOBAL_OPTIONS)}" -- "$cur"))
  elif [[ -n "$subs" && -z "$sub" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ -z "$sub" ]] && [[ " ${q(CONTAINER_FIRST)} " == *" $cmd "* ]]; then
    COMPREPLY=($(compgen -W "$(_koodrive_list containers)" -- "$cur"))
  else
    COMPREPLY=()  # "complete -o default" then offers file names
  fi
}
complete -o default -F _koodrive koodrive
`;
}

function zshScript(shapes: CommandShape[]): string {
  const valuedCases = shapes.flatMap((s) => commandValued(s).map(([opt, choices]) => `    ${s.name}:${opt}) ${choices.length ? `compadd -- ${q(choices)}` : '_files'}; return ;;`));
  return `#compdef koodrive
# zsh completion for koodrive (generated by "koodrive completion zsh").
# Load it now:        source <(koodrive completion zsh)
# Load it for good:   koodrive completion zsh > "\${fpath[1]}/_koodrive"   (then start a new shell)
_koodrive_list() {
  command "\${words[1]}" completion --list "$1" 2>/dev/null
}
_koodrive() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" cmd="" sub="" i w
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    case "$w" in
      ${allValued(shapes).join('|')}) ((i++)) ;;
      -*) ;;
      *) if [[ -z "$cmd" ]]; then cmd="$w"; elif [[ -z "$sub" ]]; then sub="$w"; fi ;;
    esac
  done
  case "$prev" in
    --profile) compadd -- \${(f)"$(_koodrive_list profiles)"}; return ;;
    ${CONTAINER_OPTIONS.join('|')}) compadd -- \${(f)"$(_koodrive_list containers)"}; return ;;
    ${GLOBAL_VALUED.filter((o) => o !== '--profile').join('|')}) return ;;
  esac
  case "$cmd:$prev" in
${valuedCases.join('\n')}
  esac
  if [[ -z "$cmd" ]]; then
    compadd -- ${q(shapes.map((s) => s.name))}
    [[ "$cur" == -* ]] && compadd -- ${q(GLOBAL_OPTIONS)}
    return
  fi
  local -a opts subs
  case "$cmd" in
${caseTable(shapes, (s) => `opts=(${q(ownOptions(s))}); subs=(${q(s.subcommands)})`)}
  esac
  if [[ "$cur" == -* ]]; then
    compadd -- $opts ${q(GLOBAL_OPTIONS)}
  elif (( \${#subs} )) && [[ -z "$sub" ]]; then
    compadd -- $subs
  elif [[ -z "$sub" ]] && [[ " ${q(CONTAINER_FIRST)} " == *" $cmd "* ]]; then
    compadd -- \${(f)"$(_koodrive_list containers)"}
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _koodrive "$@"
else
  compdef _koodrive koodrive
fi
`;
}
