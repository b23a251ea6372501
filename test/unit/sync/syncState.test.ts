import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireSyncLock, currentHolder, lockPath, SyncLockedError } from '../../../src/core/sync/syncLock';
import { appendJournalLine, linkIdFor, SyncStateStore } from '../../../src/core/sync/syncState';
import { B, link } from './fixtures';

describe('sync state and lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kd-sync-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves the link and base, and replays the journal of an interrupted run (a torn last line is ignored)', async () => {
    const store = new SyncStateStore(dir);
    await store.save({ link, base: new Map([['a', B('a', 'a')], ['b', B('b', 'b')]]) });
    const j = await store.openJournal(link.id);
    await j.put('c', B('c', 'c'));
    await j.remove('a');
    await j.close();
    await appendJournalLine(store, link.id, '{"p":"d","e":{"size":');
    const st = await store.load(link.id);
    assert.deepEqual([...st!.base.keys()].sort(), ['b', 'c']);
    assert.deepEqual(st!.link, link);
    // Saving folds the journal in and removes it.
    await store.save(st!);
    await assert.rejects(readFile(store.journalPath(link.id)), { code: 'ENOENT' });
    assert.deepEqual([...(await store.load(link.id))!.base.keys()].sort(), ['b', 'c']);
    assert.deepEqual((await store.listLinks()).map((l) => l.id), [link.id]);
    await store.remove(link.id);
    assert.equal(await store.load(link.id), undefined);
  });

  it('link ids are stable per real path', () => {
    assert.equal(linkIdFor('/a/b'), linkIdFor('/a/b'));
    assert.notEqual(linkIdFor('/a/b'), linkIdFor('/a/c'));
  });

  it('a second sync of the link says who holds it, or waits for it', async () => {
    const first = await acquireSyncLock(dir, 'l1', '/x', { owner: 'test one' });
    await assert.rejects(acquireSyncLock(dir, 'l1', '/x'), (e: unknown) => e instanceof SyncLockedError && e.holder.pid === process.pid && /test one/.test(e.message));
    assert.equal((await currentHolder(dir, 'l1'))?.owner, 'test one');
    setTimeout(() => void first.release(), 100);
    const second = await acquireSyncLock(dir, 'l1', '/x', { waitMs: 5000 });
    await second.release();
    assert.equal(await currentHolder(dir, 'l1'), undefined);
  });

  it('the lock of a dead process is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const file = lockPath(dir, 'l2');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ pid: Number(dead), host: os.hostname(), since: 'then', owner: 'crashed' }));
    const lock = await acquireSyncLock(dir, 'l2', '/x');
    assert.equal(JSON.parse(await readFile(file, 'utf8')).pid, process.pid);
    await lock.release();
  });
});
