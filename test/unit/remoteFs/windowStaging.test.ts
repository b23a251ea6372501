import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimWindowStaging } from '../../../src/core/remoteFs/windowStaging';

/** A folder staged by the window (process) `pid`, with a save in flight. */
async function stagedBy(root: string, pid: number): Promise<string> {
  const dir = path.join(root, `${pid}-0123abcd`);
  await mkdir(path.join(dir, 'koodrive-write-1'), { recursive: true });
  await writeFile(path.join(dir, 'owner.json'), JSON.stringify({ pid }));
  await writeFile(path.join(dir, 'koodrive-write-1', 'content'), 'a save in flight');
  return dir;
}

describe('claimWindowStaging (each window stages koodrive: reads and saves in its own folder)', () => {
  let root: string;
  const children: Array<ReturnType<typeof spawn>> = [];
  beforeEach(async () => (root = path.join(await mkdtemp(path.join(os.tmpdir(), 'kd-staging-')), 'tmp')));
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await rm(path.dirname(root), { recursive: true, force: true });
  });

  it("a window's activation keeps the staging folder of a window that runs and removes those of windows that are gone", async () => {
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
    children.push(live);
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(dead, 'exit');
    const liveDir = await stagedBy(root, live.pid!);
    const deadDir = await stagedBy(root, dead.pid!);
    // What an older version left: one shared folder of temp folders, no owner.
    const legacy = path.join(root, 'koodrive-read-5f1e');
    await mkdir(legacy, { recursive: true });
    await utimes(legacy, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));

    const mine = await claimWindowStaging(root);

    assert.equal(await readFile(path.join(liveDir, 'koodrive-write-1', 'content'), 'utf8'), 'a save in flight', 'the running window keeps its save');
    assert.deepEqual([...mine.removed].sort(), [deadDir, legacy].sort());
    assert.deepEqual((await readdir(root)).sort(), [path.basename(liveDir), path.basename(mine.dir)].sort());
    assert.equal(JSON.parse(await readFile(path.join(mine.dir, 'owner.json'), 'utf8')).pid, process.pid);

    // The other window activates again (a reload): this window's folder is kept too.
    const theirs = await claimWindowStaging(root, live.pid!);
    assert.deepEqual(theirs.removed, [liveDir], 'its own earlier folder (the same process) is reclaimed');
    assert.ok((await readdir(root)).includes(path.basename(mine.dir)));
  });
});
