import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IgnoreMatcher } from '../../../src/core/upload/ignoreRules';
import { walkLocalTree } from '../../../src/core/upload/localTree';

/** Every temp folder a test made, removed after it (pass or fail): nothing is left in the system temp folder. */
const made: string[] = [];
async function tempRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
async function removeTempRoots(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

describe('walkLocalTree', () => {
  afterEach(removeTempRoots);

  it('lists folders before their files, skips symlinks (incl. loops) and special files, honours excludes', async () => {
    const root = await tempRoot('kd-walk-');
    await mkdir(path.join(root, 'a/b'), { recursive: true });
    await mkdir(path.join(root, 'node_modules/x'), { recursive: true });
    await writeFile(path.join(root, 'a/b/c.txt'), 'c');
    await writeFile(path.join(root, 'a/one.txt'), '1');
    await writeFile(path.join(root, 'debug.log'), 'log');
    await writeFile(path.join(root, 'node_modules/x/i.js'), 'i');
    await symlink('/etc/passwd', path.join(root, 'a/link-out'));
    await symlink('..', path.join(root, 'a/loop'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    const tree = await walkLocalTree(root, IgnoreMatcher.from(['node_modules/', '*.log']));
    assert.deepEqual(tree.entries.map((e) => `${e.kind}:${e.relPath}`), ['dir:a', 'dir:a/b', 'file:a/b/c.txt', 'file:a/one.txt']);
    assert.deepEqual(tree.entries.map((e) => e.absPath), ['a', 'a/b', 'a/b/c.txt', 'a/one.txt'].map((r) => path.join(root, r)));
    assert.deepEqual(tree.entries.map((e) => e.size), [0, 0, 1, 1]);
    const why = Object.fromEntries(tree.skipped.map((s) => [s.relPath, s.reason]));
    assert.deepEqual(why, { 'a/link-out': 'symlink', 'a/loop': 'symlink', 'debug.log': 'excluded', node_modules: 'excluded', pipe: 'special' });
  });
});

describe('scanFolderForUpload', () => {
  afterEach(removeTempRoots);

  it('applies .git/, excludes, the folder\'s .gitignore and leaves out KooDrive\'s own files; scanTotals counts what is sent', async () => {
    const { scanFolderForUpload, scanTotals } = await import('../../../src/core/upload/uploadFolder');
    const root = await tempRoot('kd-scan-');
    await mkdir(path.join(root, '.git'), { recursive: true });
    await mkdir(path.join(root, 'state/uploads'), { recursive: true });
    await writeFile(path.join(root, '.git/HEAD'), 'ref');
    await writeFile(path.join(root, '.gitignore'), '*.tmp\n');
    await writeFile(path.join(root, 'keep.txt'), '12345');
    await writeFile(path.join(root, 'drop.tmp'), 'x');
    await writeFile(path.join(root, 'big.bin'), Buffer.alloc(1000));
    await writeFile(path.join(root, '.report.txt.F1.koodrive-partial'), 'half');
    await writeFile(path.join(root, 'state/uploads/abc.json'), '{}');
    const tree = await scanFolderForUpload(root, { exclude: ['big.bin'], resumeStateDir: path.join(root, 'state') });
    assert.deepEqual(tree.entries.filter((e) => e.kind === 'file').map((e) => e.relPath), ['.gitignore', 'keep.txt']);
    assert.deepEqual(scanTotals(tree), { files: 2, bytes: 6 + 5 });
    const noGitignore = await scanFolderForUpload(root, { useGitignore: false, resumeStateDir: path.join(root, 'state') });
    assert.ok(noGitignore.entries.some((e) => e.relPath === 'drop.tmp'));
  });
});
