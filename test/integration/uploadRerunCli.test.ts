/**
 * Running an interrupted `koodrive upload` again: a folder upload killed
 * (SIGKILL) at several points — in the middle of the walk, and between a
 * file's completion on the server and anything the CLI could write about it —
 * then run to the end, leaves each file on the drive exactly once. The
 * sandbox is the judge: what it holds, not what the CLI says.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startWorld, waitFor, World } from './helpers';
import { cli, remoteAt, remoteNames, spawnCli } from './faults/support';

const FILES = 500;

describe('koodrive upload run again after a crash: each file exactly once', function () {
  this.timeout(600_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  async function folderOf(n: number): Promise<{ dir: string; names: string[] }> {
    const dir = path.join(w.tmp, 'many');
    await mkdir(dir, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const name = `f${String(i).padStart(3, '0')}.txt`;
      await writeFile(path.join(dir, name), `file ${i}\n${'x'.repeat(i)}`);
      names.push(name);
    }
    return { dir, names: names.sort() };
  }

  /** Starts the upload and kills it (SIGKILL) once `when` holds. */
  async function killedWhen(args: string[], when: () => boolean): Promise<void> {
    const run = spawnCli(w, args);
    let exited = false;
    void run.done.then(() => (exited = true));
    await waitFor(() => when() || exited, 300_000);
    assert.equal(exited, false, 'the upload was still running when it was killed');
    run.child.kill('SIGKILL');
    const r = await run.done;
    assert.equal(r.signal, 'SIGKILL');
  }

  it(`a folder of ${FILES} files killed three times (mid-walk, right after a completion) then run to the end`, async () => {
    const { dir, names } = await folderOf(FILES);
    const args = ['upload', dir, '--container', w.personal.containerId, '--json'];
    const onDrive = (): number => remoteNames(w, 'many').length;

    // 1. Killed in the middle of the walk.
    await killedWhen(args, () => onDrive() >= 60);

    // 2. Killed after the server completed a file but before its answer arrived:
    //    the CLI has no way to know that file is done.
    const held = w.sandbox.faults.add({ match: { target: 'api', path: '/files/complete' }, action: { kind: 'stall', ms: 20_000 }, skip: 40 });
    await killedWhen(args, () => {
      const fired = w.sandbox.faults.firings(held).at(0);
      const fileId = fired?.fileIds?.[0];
      return fileId !== undefined && w.sandbox.store.getFile(fileId) !== undefined;
    });
    w.sandbox.faults.clear();

    // 3. Killed once more, later in the walk.
    const before = onDrive();
    await killedWhen(args, () => onDrive() >= before + 100);

    // 4. To the end.
    const last = await cli(w, args);
    assert.equal(last.code, 0, last.stderr);
    const entries = JSON.parse(last.stdout) as Array<{ status: string }>;
    assert.equal(entries.length, FILES);

    const stored = remoteNames(w, 'many');
    assert.deepEqual(stored.filter((n) => !names.includes(n)), [], 'no renamed copies');
    assert.deepEqual(stored, names, 'each file exactly once');
    assert.ok(entries.some((e) => e.status === 'skipped'), 'files the interrupted runs uploaded are recognised, not uploaded again');
    for (const name of names) {
      const local = readFileSync(path.join(dir, name));
      assert.equal(remoteAt(w, 'many', name)?.sha256, createHash('sha256').update(local).digest('hex'), name);
    }
    assert.deepEqual(await readdir(path.join(w.tmp, 'cli-state', 'uploads')).then((l) => l.filter((f) => f.endsWith('.json'))), [], 'no resume state left');
  });
});
