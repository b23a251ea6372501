import * as assert from 'node:assert/strict';
import { readdir, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { MiB, partPuts, requestsTo, startWorld, waitFor, World, writeRandomFile } from './helpers';
import { spawnCli } from './faults/support';

interface Listed {
  kind: 'upload' | 'download';
  resumable: boolean;
  stale: string | null;
  localPath?: string;
  size?: number;
  bytesDone: number;
  partsDone?: number;
  partsTotal?: number;
  targetDir?: string;
  partialFiles?: Array<{ path: string; bytes: number }>;
}

async function listed(w: World): Promise<Listed[]> {
  const r = await spawnCli(w, ['transfers', '--json']).done;
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Listed[];
}

describe('koodrive transfers: resumable uploads and downloads in the state directory', function () {
  this.timeout(300_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  it('lists an interrupted upload with the bytes already sent; clear keeps it while resumable, removes it once the file changed', async () => {
    assert.deepEqual(await listed(w), []);
    const local = path.join(w.tmp, 'big.bin');
    await writeRandomFile(local, 20 * MiB + 5, 7);
    w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'delay', ms: 300 }, times: 1000 });
    const up = spawnCli(w, ['upload', local, '--container', w.personal.containerId, '--part-size', String(5 * MiB), '--concurrency', '1', '--json']);
    await waitFor(() => partPuts(w.sandbox).filter((q) => q.status === 200).length >= 2, 60_000);
    up.child.kill('SIGKILL');
    await up.done;
    w.sandbox.faults.clear();

    const [entry, ...rest] = await listed(w);
    assert.deepEqual(rest, []);
    assert.equal(entry.kind, 'upload');
    assert.equal(entry.localPath, local);
    assert.equal(entry.resumable, true);
    assert.equal(entry.partsTotal, 5);
    assert.ok(entry.partsDone! >= 1 && entry.bytesDone === entry.partsDone! * 5 * MiB, JSON.stringify(entry));

    const human = await spawnCli(w, ['transfers']).done;
    assert.equal(human.code, 0);
    assert.match(human.stdout, /upload\s+resumable/);

    const keep = await spawnCli(w, ['transfers', 'clear']).done;
    assert.equal(keep.code, 0, keep.stderr);
    assert.equal((await listed(w)).length, 1, 'a resumable upload is kept without --all');

    await utimes(local, new Date(), new Date(Date.now() + 5000));
    const [stale] = await listed(w);
    assert.equal(stale.resumable, false);
    assert.equal(stale.stale, 'the local file changed');
    const cleared = await spawnCli(w, ['transfers', 'clear', '--json']).done;
    assert.equal((JSON.parse(cleared.stdout) as { removed: unknown[] }).removed.length, 1);
    assert.deepEqual(await listed(w), []);
    // No resume state is left; the killed command's run mark (uploads/runs) stays until that upload completes,
    // so running it again recognises what was already uploaded instead of making renamed copies.
    assert.deepEqual(await readdir(path.join(w.tmp, 'cli-state', 'uploads')), ['runs']);
    assert.equal((await readdir(path.join(w.tmp, 'cli-state', 'uploads', 'runs'))).length, 1);
  });

  it('lists an interrupted download with its partial file; clear --all removes the note and the partial file', async () => {
    const local = path.join(w.tmp, 'src.bin');
    await writeRandomFile(local, 6 * MiB, 9);
    const r = await uploadFile(w.deps(), local, { kind: 'file', space: w.personal, parentFolderId: 'root', conflict: 'rename' });
    // Send the first MiB, then stall: the CLI is killed with a partial file on disk.
    w.sandbox.faults.add({ match: { target: 'download' }, action: { kind: 'stall', ms: 60_000, afterBytes: MiB }, times: 1 });
    const to = path.join(w.tmp, 'dl');
    const down = spawnCli(w, ['download', r.fileId, '--container', w.personal.containerId, '--to', to]);
    const partialBytes = async (): Promise<number> => {
      const l = await listed(w).catch(() => []);
      return l.find((e) => e.kind === 'download')?.bytesDone ?? 0;
    };
    for (let i = 0; i < 300 && (await partialBytes()) < MiB; i++) await new Promise((res) => setTimeout(res, 100));
    down.child.kill('SIGKILL');
    await down.done;
    w.sandbox.faults.clear();

    const [entry] = await listed(w);
    assert.equal(entry.kind, 'download');
    assert.equal(entry.targetDir, to);
    assert.equal(entry.resumable, true);
    assert.equal(entry.partialFiles!.length, 1);
    assert.ok(entry.bytesDone >= MiB);

    const all = await spawnCli(w, ['transfers', 'clear', '--all']).done;
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(await listed(w), []);
    assert.deepEqual(await readdir(to), [], 'the partial file is gone too');
    assert.equal(requestsTo(w.sandbox, '/files/complete').length, 1);
  });

  it('a download that finishes leaves no note behind', async () => {
    const local = path.join(w.tmp, 'small.txt');
    await writeRandomFile(local, 1000, 3);
    const r = await uploadFile(w.deps(), local, { kind: 'file', space: w.personal, parentFolderId: 'root', conflict: 'rename' });
    const d = await spawnCli(w, ['download', r.fileId, '--container', w.personal.containerId, '--to', path.join(w.tmp, 'out')]).done;
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(await listed(w), []);
  });

  it('usage errors exit 2 and name the problem', async () => {
    const bad = await spawnCli(w, ['transfers', 'wipe']).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown subcommand "wipe"/);
    const all = await spawnCli(w, ['transfers', '--all']).done;
    assert.equal(all.code, 2);
    assert.match(all.stderr, /--all goes with "clear"/);
    const opt = await spawnCli(w, ['transfers', '--force']).done;
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /Unknown option --force/);
    const help = await spawnCli(w, ['transfers', '--help']).done;
    assert.equal(help.code, 0);
    assert.match(help.stdout, /koodrive transfers \[clear \[--all\]\] \[--json\]/);
  });
});
