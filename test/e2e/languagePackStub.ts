/**
 * A stand-in VS Code language pack for zh-cn, packaged as a .vsix for a test.
 *
 * VS Code (and code-server's `--locale`) only switches its display language
 * to a locale that an installed language pack provides; otherwise it stays in
 * English and extensions get English too. The real pack comes from the
 * marketplace, which tests must not depend on. This stub declares zh-cn with
 * no translations of VS Code itself, so the workbench runs in zh-cn (VS Code's
 * own labels stay English) and the extension's package.nls.zh-cn.json and
 * l10n/bundle.l10n.zh-cn.json are what is tested.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installedExtensionDir } from './codeServer';
import { repoRoot } from './paths';

const PUBLISHER = 'koodrive-dev';
const packName = (languageId: string): string => `koodrive-test-language-pack-${languageId}`;

export function packageStubLanguagePack(dir: string, languageId = 'zh-cn'): string {
  const stage = path.join(dir, `language-pack-${languageId}`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'translations'), { recursive: true });
  const manifest = {
    name: packName(languageId),
    displayName: `Test language pack (${languageId}, VS Code itself untranslated)`,
    publisher: PUBLISHER,
    version: '0.0.1',
    engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId,
          languageName: languageId,
          localizedLanguageName: languageId,
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(stage, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(stage, 'README.md'), '# Test language pack\n\nTests only; see test/e2e/languagePackStub.ts.\n');
  const vsix = path.join(dir, `language-pack-${languageId}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix], { cwd: stage, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging the test language pack failed:\n${r.stdout}\n${r.stderr}`);
  return vsix;
}

/**
 * Registers the installed stub pack in `<userDataDir>/languagepacks.json`, the
 * cache VS Code's server reads to resolve a display language. VS Code fills it
 * when a pack is installed from its UI; `--install-extension` in a separate
 * process does not, so the test writes the same entry (after installing,
 * before code-server starts).
 */
export function registerStubLanguagePack(dirs: { extensionsDir: string; userDataDir: string }, languageId = 'zh-cn'): void {
  const id = `${PUBLISHER}.${packName(languageId)}`;
  const installed = installedExtensionDir(dirs.extensionsDir, id);
  const entry = {
    hash: `test-${languageId}-0.0.1`,
    extensions: [{ extensionIdentifier: { id }, version: '0.0.1' }],
    translations: { vscode: path.join(installed, 'translations', 'main.i18n.json') },
    label: languageId,
  };
  fs.writeFileSync(path.join(dirs.userDataDir, 'languagepacks.json'), JSON.stringify({ [languageId]: entry }, null, 2));
}
