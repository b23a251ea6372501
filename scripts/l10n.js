// Extracts every l10n.t('...') string of the extension with @vscode/l10n-dev
// and (run directly: `npm run l10n`) writes the English bundle
// l10n/bundle.l10n.json that translators copy to bundle.l10n.<locale>.json.
//
// Why not plain `npx @vscode/l10n-dev export ./src`: the extension calls
// l10n.t through src/extension/l10n.ts (so its modules also load in plain-Node
// unit tests), and l10n-dev only recognises `l10n` imported from 'vscode' or
// '@vscode/l10n'. Its export would find almost nothing. So each file's import
// of that wrapper is shown to l10n-dev's own parser as the 'vscode' import it
// stands for; the parsing itself is l10n-dev's.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { getL10nJson } = require('@vscode/l10n-dev');

const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIR = path.join(ROOT, 'src', 'extension');
const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');

/** `import { l10n } from '../l10n'` (any depth) → `import { l10n } from 'vscode'`. */
const WRAPPER_IMPORT = /(import\s*\{\s*l10n\s*\}\s*from\s*)(['"])(?:\.{1,2}\/)+(?:[\w.-]+\/)*l10n\2/g;
/** A cross-check independent of the parser: literal first arguments of l10n.t(...). */
const LITERAL_CALL = /\bl10n\.t\(\s*'((?:[^'\\\n]|\\.)*)'\s*[,)]/g;

function sourceFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function unescapeLiteral(s) {
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, c) => {
    if (c[0] === 'u') return String.fromCodePoint(parseInt(c.replace(/[u{}]/g, ''), 16));
    if (c[0] === 'x' && c.length === 3) return String.fromCharCode(parseInt(c.slice(1), 16));
    return { n: '\n', r: '\r', t: '\t' }[c] ?? c;
  });
}

/**
 * Every message of the extension's l10n.t calls, as l10n-dev's bundle object
 * (message → message). Throws when a file calls l10n.t but yields no string,
 * or a literal message is missing: the extraction must never silently shrink.
 */
async function extractBundle(sourceDir = SOURCE_DIR) {
  const bundle = {};
  const problems = [];
  for (const file of sourceFiles(sourceDir)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/\bl10n\.t\(/.test(text)) continue;
    const shown = text.replace(WRAPPER_IMPORT, "$1'vscode'");
    const strings = await getL10nJson([{ contents: shown, extension: path.extname(file) }]);
    const rel = path.relative(ROOT, file);
    if (Object.keys(strings).length === 0 && !/export const l10n\b/.test(text)) {
      problems.push(`${rel}: calls l10n.t but no string was extracted (does it import l10n from the wrapper or 'vscode'?)`);
    }
    for (const m of text.matchAll(LITERAL_CALL)) {
      const msg = unescapeLiteral(m[1]);
      if (!(msg in strings)) problems.push(`${rel}: l10n.t('${m[1]}') was not extracted`);
    }
    Object.assign(bundle, strings);
  }
  if (problems.length) throw new Error(`l10n extraction is incomplete:\n  ${problems.join('\n  ')}`);
  const sorted = {};
  for (const k of Object.keys(bundle).sort()) sorted[k] = bundle[k];
  return sorted;
}

module.exports = { extractBundle, BUNDLE, ROOT };

if (require.main === module) {
  extractBundle()
    .then((bundle) => {
      fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
      fs.writeFileSync(BUNDLE, `${JSON.stringify(bundle, null, 2)}\n`);
      console.log(`${Object.keys(bundle).length} strings written to ${path.relative(process.cwd(), BUNDLE)}`);
    })
    .catch((err) => {
      console.error(err.message ?? err);
      process.exit(1);
    });
}
