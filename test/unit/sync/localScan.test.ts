import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeHashFile } from '../../../src/core/sync/hashFilePort';
import { scanLocal, type HashFilePort } from '../../../src/core/sync/localScan';
import type { Base } from '../../../src/core/sync/syncTypes';

describe('sync local scan', () => {
  let root: string;
  const hashed: string[] = [];
  const real = makeHashFile(undefined);
  const counting: HashFilePort = (p, size, mtime, signal) => {
    hashed.push(path.relative(root, p));
    return real(p, size, mtime, signal);
  };
  const put = async (rel: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'kd-sync-scan-'));
    hashed.length = 0;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('hashes new files, and only files whose size, mtime or inode differ from the base', async () => {
    await put('a.txt', 'alpha');
    await put('sub/b.txt', 'beta');
    const first = await scanLocal(root, { base: new Map(), hashFile: counting });
    assert.deepEqual(hashed.sort(), ['a.txt', 'sub/b.txt']);
    assert.equal(first.files.get('a.txt')!.sha256, createHash('sha256').update('alpha').digest('hex'));
    const base: Base = new Map([...first.files].map(([p, f]) => [p, { size: f.size, mtimeMs: f.mtimeMs, ino: f.ino, sha256: f.sha256, fileId: 'x' }]));
    hashed.length = 0;
    const second = await scanLocal(root, { base, hashFile: counting });
    assert.deepEqual(hashed, [], 'nothing read when nothing changed');
    assert.equal(second.files.size, 2);
    // Same size, new mtime: read again.
    await utimes(path.join(root, 'a.txt'), new Date(), new Date(Date.now() + 5000));
    await scanLocal(root, { base, hashFile: counting });
    assert.deepEqual(hashed, ['a.txt']);
  });

  it('honours .gitignore at any depth, .koodriveignore, the exclude list; .git and partial files are always out', async () => {
    await put('.gitignore', '*.log\n');
    await put('sub/.gitignore', 'local-only/\n!keep.log\n');
    await put('.koodriveignore', 'secret.txt\n');
    await put('a.log', 'x');
    await put('sub/keep.log', 'x');
    await put('sub/local-only/x.txt', 'x');
    await put('secret.txt', 'x');
    await put('big.bin', 'x');
    await put('.git/HEAD', 'x');
    await put('.a.txt.F1.koodrive-partial', 'x');
    await put('ok.txt', 'x');
    const scan = await scanLocal(root, { base: new Map(), hashFile: counting, exclude: ['*.bin'] });
    assert.deepEqual([...scan.files.keys()].sort(), ['.gitignore', '.koodriveignore', 'ok.txt', 'sub/.gitignore', 'sub/keep.log']);
    // The same rules apply to paths only KooDrive has.
    assert.equal(scan.isExcluded('sub/local-only/y.txt'), true);
    assert.equal(scan.isExcluded('z.log'), true);
    assert.equal(scan.isExcluded('.git/config'), true);
    assert.equal(scan.isExcluded('z.txt'), false);
  });

  it('base paths that are now excluded (or became symlinks) are set aside, never read as deleted', async () => {
    await put('a.txt', 'x');
    await put('logs/old.log', 'x');
    await symlink('/etc', path.join(root, 'linked'));
    const st = await stat(path.join(root, 'a.txt'));
    const entry = { size: 1, mtimeMs: st.mtimeMs, ino: st.ino, sha256: 'h', fileId: 'f' };
    const base: Base = new Map([['a.txt', entry], ['logs/old.log', entry], ['linked/passwd', entry], ['gone.txt', entry]]);
    const scan = await scanLocal(root, { base, hashFile: counting, exclude: ['logs/'] });
    assert.deepEqual([...scan.excludedBasePaths].sort(), ['linked/passwd', 'logs/old.log']);
    assert.deepEqual(scan.notices.map((n) => [n.path, n.reason]), [['linked', 'symlink']]);
    assert.equal(scan.files.has('gone.txt'), false);
  });

  it('local names KooDrive cannot hold are reported once and left out, with everything below them', async () => {
    await put('a:b.txt', 'x');
    await put('what?/inner.txt', 'x');
    await put('fine.txt', 'x');
    const scan = await scanLocal(root, { base: new Map(), hashFile: counting });
    assert.deepEqual([...scan.files.keys()], ['fine.txt']);
    assert.deepEqual(scan.notices.map((n) => [n.path, n.reason]).sort(), [['a:b.txt', 'invalidName'], ['what?', 'invalidName']]);
    assert.equal(scan.isExcluded('what?/inner.txt'), true);
  });
});
