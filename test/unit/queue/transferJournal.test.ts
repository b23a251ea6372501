import * as assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { TransferJournal } from '../../../src/core/queue/transferJournal';
import type { TransferRun } from '../../../src/core/queue/transferRun';

function run(id: string, seq: number): TransferRun {
  return {
    id, seq, direction: 'upload', name: id, request: {}, state: 'paused', createdAt: 1, updatedAt: 1,
    totals: {}, done: { files: seq, bytes: 0, noTransfer: 0 }, failed: [], cursor: {}, settledKeys: [],
  };
}

describe('TransferJournal (transfers.json on disk)', () => {
  let dir: string;
  let file: string;
  let warnings: string[];
  let journal: TransferJournal;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kd-journal-'));
    file = path.join(dir, 'transfers.json');
    warnings = [];
    journal = new TransferJournal(file, { trace() {}, debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) });
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a save replaces the file whole (tmp + rename): a reader of the earlier file still reads the earlier list, complete', async () => {
    await journal.save([run('one', 1)]);
    const earlier = await open(file, 'r');
    try {
      await journal.save([run('two', 2), run('three', 3)]);
      const seen = JSON.parse(await earlier.readFile('utf8')) as { runs: TransferRun[] };
      assert.deepEqual(seen.runs.map((r) => r.id), ['one'], 'written in place, the open file would show the new (or a half-written) list');
    } finally {
      await earlier.close();
    }
    assert.deepEqual((await journal.load()).map((r) => r.id), ['two', 'three']);
  });

  it('a current list that a power loss left empty: it is set aside and the previous list is loaded, not nothing', async () => {
    await journal.save([run('one', 1)]);
    await journal.save([run('one', 1), run('two', 2)]);
    await writeFile(file, '');
    assert.deepEqual((await journal.load()).map((r) => r.id), ['one']);
    assert.equal(await readFile(`${file}.bad`, 'utf8'), '');
    assert.match(warnings.join('\n'), /unreadable[\s\S]*previous transfer list/);
  });

  it('a crash between moving the current list aside and renaming the new one into place: the previous list is loaded', async () => {
    await journal.save([run('one', 1)]);
    await journal.save([run('two', 2)]);
    await rm(file);
    assert.deepEqual((await journal.load()).map((r) => r.id), ['one']);
  });

  it('no list at all is an empty list, without a warning', async () => {
    assert.deepEqual(await journal.load(), []);
    assert.deepEqual(warnings, []);
  });
});
