/**
 * Inside src/extension only the VS Code adapters may load 'vscode' at run
 * time; commands, view models, prompts logic and stores use `import type`,
 * so they run in these plain-Node tests.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '../../../../src/extension');
const ADAPTERS = new Set([
  'extension.ts',
  'ui/vscodePrompts.ts',
  'ui/vscodeProgress.ts',
  'ui/vscodeHost.ts',
  'ui/searchQuickPick.ts',
  'ui/statusBar.ts',
  'views/driveTreeProvider.ts',
  'views/driveDragAndDrop.ts',
  'views/transfersTreeProvider.ts',
  'testMode.ts',
  'remoteFs/koodriveFileSystemProvider.ts',
  'remoteFs/remoteDocumentWatcher.ts',
  'remoteFs/remoteFilesHost.ts',
  'sync/syncController.ts',
]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('vscode boundary inside the extension', () => {
  it('only the adapters import vscode at run time', () => {
    const offenders: string[] = [];
    for (const f of files(SRC)) {
      const rel = path.relative(SRC, f).split(path.sep).join('/');
      const text = readFileSync(f, 'utf8');
      const runtime = /^import\s+(?!type\b)[^;]*from\s+'vscode'/m.test(text) || /require\('vscode'\)/.test(text);
      if (runtime && !ADAPTERS.has(rel) && rel !== 'l10n.ts') offenders.push(rel);
    }
    assert.deepEqual(offenders, []);
  });

  it('core never imports the extension', () => {
    const core = path.resolve(SRC, '../core');
    const offenders = files(core).filter((f) => /from '(\.\.\/)+extension\//.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
