/**
 * What the Marketplace shows and what a user downloads: the manifest's
 * listing fields (categories, keywords users search for, a gallery banner
 * matching the icon) and the .vsix contents as vsce itself lists them — the
 * bundles, icons, translations, README, LICENSE and CHANGELOG, nothing of the
 * sources, tests, docs or the CLI.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

describe('Marketplace readiness (package.json and the .vsix file list)', function () {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

  it('has keywords users search for, a category, and a gallery banner', () => {
    const keywords = manifest.keywords as string[];
    for (const k of ['KooDrive', 'Huawei Cloud', 'cloud storage']) assert.ok(keywords.includes(k), `keyword ${k}`);
    assert.ok(keywords.length <= 30, 'the Marketplace takes at most 30 keywords');
    assert.ok(Array.isArray(manifest.categories) && (manifest.categories as string[]).length > 0);
    const banner = manifest.galleryBanner as { color?: string; theme?: string };
    assert.match(banner.color ?? '', /^#[0-9A-Fa-f]{6}$/);
    assert.ok(banner.theme === 'dark' || banner.theme === 'light');
  });

  it('CHANGELOG.md exists with an Unreleased section, and the .vsix holds only what a user needs', function () {
    this.timeout(180_000);
    const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, /^## Unreleased$/m);
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const packaged = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n').map((l) => l.trim()).filter((l) => l !== '');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/extension.js', 'dist/hashWorker.js', 'media/icon.png']) {
      assert.ok(packaged.includes(f), `${f} in the .vsix:\n${packaged.join('\n')}`);
    }
    const allowed = /^(package\.json|package\.nls(\.[\w-]+)?\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(extension|hashWorker)\.js|media\/(walkthrough\/)?[\w.-]+|l10n\/bundle\.l10n(\.[\w-]+)?\.json)$/;
    assert.deepEqual(packaged.filter((f) => !allowed.test(f)), [], 'nothing else (sources, tests, docs, the CLI, source maps)');
    assert.ok(existsSync(path.join(ROOT, 'media', 'icon.png')));
  });
});
