/**
 * A small .gitignore-style matcher for folder uploads: `*`, `**`, `?`,
 * character classes, leading `/` anchors, trailing `/` for folders only,
 * `!` to re-include; the last matching rule wins. Paths are relative to the
 * uploaded folder, with `/` separators.
 */
export interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
  source: string;
}

export function parseIgnoreRules(lines: readonly string[]): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of lines) {
    let line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    // Without a slash inside, a pattern matches a name at any depth.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    const body = globToRegex(line);
    rules.push({ negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), source: raw });
  }
  return rules;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]);
    } else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}

export class IgnoreMatcher {
  constructor(private readonly rules: IgnoreRule[]) {}

  static from(patterns: readonly string[]): IgnoreMatcher {
    return new IgnoreMatcher(parseIgnoreRules(patterns));
  }

  /** Adds rules that come later (and so win), e.g. a .gitignore after the settings. */
  with(patterns: readonly string[]): IgnoreMatcher {
    return new IgnoreMatcher([...this.rules, ...parseIgnoreRules(patterns)]);
  }

  /** Is `relPath` (posix, relative to the root) excluded? */
  ignores(relPath: string, isDir: boolean): boolean {
    return this.verdict(relPath, isDir) ?? false;
  }

  /**
   * The last matching rule's say: true excluded, false re-included (`!`),
   * undefined when no rule matches. Lets nested .gitignore files be layered:
   * a deeper file only overrides what it matches.
   */
  verdict(relPath: string, isDir: boolean): boolean | undefined {
    let ignored: boolean | undefined;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.regex.test(relPath)) ignored = !r.negate;
    }
    return ignored;
  }
}
