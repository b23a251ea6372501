/**
 * An upload run again after an interrupted one (`again`): a file of the same
 * name and SHA-256 in the folder is the earlier upload — nothing is sent and
 * no copy is made — and the conflict policy applies only to a different file.
 * A first run keeps the policy as it was: `rename` keeps both.
 */
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { KooDriveError } from '../../src/core/errors';
import { uploadFile } from '../../src/core/upload/uploadFile';
import type { ConflictPolicy } from '../../src/core/upload/uploadTarget';
import { MiB, partPuts, startWorld, World, writeRandomFile } from './helpers';
import { remoteNames } from './faults/support';

describe('upload run again: an identical file of the name is the earlier upload', function () {
  this.timeout(120_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  const up = (local: string, conflict: ConflictPolicy, again?: boolean) =>
    uploadFile(w.deps(), local, { kind: 'file', space: w.personal, parentFolderId: 'root', conflict, again });

  for (const conflict of ['rename', 'fail'] as const) {
    it(`${conflict}: identical → skipped, nothing sent, one file; different content → the policy`, async () => {
      const small = path.join(w.tmp, 'a.txt');
      const empty = path.join(w.tmp, 'empty.txt');
      const big = path.join(w.tmp, 'big.bin');
      await writeFile(small, 'hello');
      await writeFile(empty, '');
      await writeRandomFile(big, 40 * MiB + 3, 5); // above the flash threshold: normally not hashed before create
      for (const f of [small, empty, big]) await up(f, conflict);
      const before = remoteNames(w);
      const puts = partPuts(w.sandbox).length;

      for (const f of [small, empty, big]) {
        const again = await up(f, conflict, true);
        assert.equal(again.skipped, true, `${path.basename(f)} recognised`);
      }
      assert.equal(partPuts(w.sandbox).length, puts, 'no bytes sent again');
      assert.deepEqual(remoteNames(w), before, 'no copies');

      await writeFile(small, 'changed');
      if (conflict === 'rename') {
        const r = await up(small, conflict, true);
        assert.equal(r.skipped, false);
        assert.notEqual(r.fileName, 'a.txt', 'a different file of the name is renamed, as before');
      } else {
        await assert.rejects(up(small, conflict, true), (e: unknown) => KooDriveError.is(e, 'Conflict'));
      }
    });
  }

  it('a first run keeps rename as it was: an identical file is uploaded as a renamed copy', async () => {
    const small = path.join(w.tmp, 'b.txt');
    await writeFile(small, 'same');
    await up(small, 'rename');
    const second = await up(small, 'rename');
    assert.notEqual(second.fileName, 'b.txt');
    assert.equal(remoteNames(w).filter((n) => n.startsWith('b')).length, 2);
  });
});
