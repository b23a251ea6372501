/**
 * The Simplified Chinese translation covers the extension: every l10n.t
 * string in src/extension (re-extracted from the source now, with
 * @vscode/l10n-dev, through scripts/l10n.js) has an entry in
 * l10n/bundle.l10n.zh-cn.json, and every package.nls.json key has one in
 * package.nls.zh-cn.json. A failure lists every missing string, so whoever
 * adds strings knows exactly what to translate.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
// Plain JS shared with `npm run l10n` (it runs without compiling the project).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractBundle } = require(path.join(ROOT, 'scripts', 'l10n.js')) as { extractBundle(): Promise<Record<string, string>> };

const readJson = (rel: string): Record<string, string> => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8')) as Record<string, string>;
const placeholders = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
/** Chinese characters or full-width punctuation: something was translated. */
const HAS_CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
/** English values that are the same in Chinese (product names, identifiers). */
const SAME_IN_CHINESE = new Set(['ID', 'KooDrive']);

function listing(title: string, items: string[]): string {
  return `${title} (${items.length}):\n${items.map((s) => `  ${JSON.stringify(s)}`).join('\n')}`;
}

describe('Simplified Chinese translation (zh-cn)', function () {
  this.timeout(60_000);
  let source: Record<string, string>;
  const zhBundle = readJson('l10n/bundle.l10n.zh-cn.json');
  const nls = readJson('package.nls.json');
  const zhNls = readJson('package.nls.zh-cn.json');

  before(async () => {
    source = await extractBundle();
  });

  it('finds the strings of the source (the extraction is not silently empty)', () => {
    // Strings that exist in src/extension today; if these vanish, the extraction broke.
    for (const s of ['Sign in to KooDrive', 'Uploading {0}', 'KooDrive: {0} transfers']) assert.ok(s in source, `extracted ${JSON.stringify(s)}`);
    assert.ok(Object.keys(source).length > 100, `only ${Object.keys(source).length} strings extracted`);
  });

  it('the English bundle l10n/bundle.l10n.json is current (run `npm run l10n` to regenerate it)', () => {
    const english = readJson('l10n/bundle.l10n.json');
    const missing = Object.keys(source).filter((k) => !(k in english));
    const stale = Object.keys(english).filter((k) => !(k in source));
    assert.deepEqual([missing, stale], [[], []], `${listing('not in l10n/bundle.l10n.json', missing)}\n${listing('no longer in the source', stale)}`);
  });

  it('l10n/bundle.l10n.zh-cn.json translates every l10n.t string of src/extension', () => {
    const missing = Object.keys(source).filter((k) => !(k in zhBundle));
    assert.deepEqual(missing, [], listing('strings missing from l10n/bundle.l10n.zh-cn.json', missing));
  });

  it('package.nls.zh-cn.json translates every key of package.nls.json', () => {
    const missing = Object.keys(nls).filter((k) => !(k in zhNls));
    assert.deepEqual(missing, [], listing('keys missing from package.nls.zh-cn.json', missing));
  });

  it('the .vsix carries every bundle and nls file (vsce\'s own file list)', function () {
    this.timeout(180_000);
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const packaged = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).split('\n').map((l) => l.trim());
    const wanted = [
      ...readdirSync(path.join(ROOT, 'l10n')).filter((f) => f.endsWith('.json')).map((f) => `l10n/${f}`),
      ...readdirSync(ROOT).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f)),
    ];
    assert.ok(wanted.includes('l10n/bundle.l10n.zh-cn.json') && wanted.includes('package.nls.zh-cn.json'));
    const missing = wanted.filter((f) => !packaged.includes(f));
    assert.deepEqual(missing, [], listing('translation files left out of the .vsix (see .vscodeignore)', missing));
  });

  it('translations keep every {n} placeholder and command link, and are Chinese', () => {
    const problems: string[] = [];
    const check = (file: string, key: string, english: string, chinese: string): void => {
      if (placeholders(english).join() !== placeholders(chinese).join()) problems.push(`${file}: ${JSON.stringify(key)} placeholders ${placeholders(english).join()} → ${placeholders(chinese).join()}`);
      const links = (s: string): string[] => (s.match(/\(command:[\w.]+\)/g) ?? []).sort();
      if (links(english).join() !== links(chinese).join()) problems.push(`${file}: ${JSON.stringify(key)} command links differ`);
      if (!HAS_CJK.test(chinese) && !SAME_IN_CHINESE.has(english)) problems.push(`${file}: ${JSON.stringify(key)} is not translated: ${JSON.stringify(chinese)}`);
    };
    for (const [k, v] of Object.entries(zhBundle)) check('l10n/bundle.l10n.zh-cn.json', k, k, v);
    for (const [k, v] of Object.entries(zhNls)) if (k in nls) check('package.nls.zh-cn.json', k, nls[k], v);
    assert.deepEqual(problems, []);
  });
});
