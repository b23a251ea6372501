import * as assert from 'node:assert/strict';
import { classify, classifyPath, stateOf } from '../../../src/core/sync/classify';
import type { SyncCell } from '../../../src/core/sync/syncTypes';
import { B, L, R } from './fixtures';

/**
 * Every cell of the three-way table (docs/sync.md): (local, remote, base) → cell → contract state.
 * "a"/"b"/"c" stand for three different contents.
 */
describe('sync classify: the three-way table', () => {
  const p = 'f.txt';
  const cases: Array<[string, ReturnType<typeof L> | undefined, ReturnType<typeof R> | undefined, ReturnType<typeof B> | undefined, SyncCell, string | undefined]> = [
    ['unchanged', L(p, 'a'), R(p, 'a'), B(p, 'a'), 'unchanged', undefined],
    ['local modified', L(p, 'b'), R(p, 'a'), B(p, 'a'), 'localModified', 'localModified'],
    ['remote modified', L(p, 'a'), R(p, 'b'), B(p, 'a'), 'remoteModified', 'remoteModified'],
    ['both modified, different → conflict', L(p, 'b'), R(p, 'c'), B(p, 'a'), 'bothModified', 'conflict'],
    ['both modified, equal → recorded', L(p, 'b'), R(p, 'b'), B(p, 'a'), 'bothModifiedSame', undefined],
    ['added local', L(p, 'a'), undefined, undefined, 'localAdded', 'localAdded'],
    ['added remote', undefined, R(p, 'a'), undefined, 'remoteAdded', 'remoteAdded'],
    ['added both, different → conflict', L(p, 'a'), R(p, 'b'), undefined, 'addedBoth', 'conflict'],
    ['added both, equal → recorded', L(p, 'a'), R(p, 'a'), undefined, 'addedBothSame', undefined],
    ['deleted local', undefined, R(p, 'a'), B(p, 'a'), 'localDeleted', 'localDeleted'],
    ['deleted remote', L(p, 'a'), undefined, B(p, 'a'), 'remoteDeleted', 'remoteDeleted'],
    ['deleted local, modified remote → edit wins (download)', undefined, R(p, 'b'), B(p, 'a'), 'localDeletedRemoteModified', 'remoteModified'],
    ['deleted remote, modified local → edit wins (upload)', L(p, 'b'), undefined, B(p, 'a'), 'remoteDeletedLocalModified', 'localModified'],
    ['deleted both', undefined, undefined, B(p, 'a'), 'deletedBoth', undefined],
  ];
  for (const [name, l, r, b, cell, state] of cases) {
    it(name, () => {
      assert.equal(classifyPath(l, r, b), cell);
      assert.equal(stateOf(cell), state);
    });
  }

  describe('a remote file without sha256 is never assumed equal by name', () => {
    it('added on both sides: a conflict even if the local file could be the same', () => {
      assert.equal(classifyPath(L(p, 'a'), R(p, undefined), undefined), 'addedBoth');
    });
    it('same fileId, size and edit time as the base: unchanged', () => {
      assert.equal(classifyPath(L(p, 'a'), R(p, undefined), B(p, 'a')), 'unchanged');
    });
    it('another edit time: remote modified', () => {
      assert.equal(classifyPath(L(p, 'a'), R(p, undefined, { modifiedTime: 't2' }), B(p, 'a')), 'remoteModified');
    });
    it('another fileId (replaced by a different file of that name): remote modified', () => {
      assert.equal(classifyPath(L(p, 'a'), R(p, undefined, { fileId: 'other' }), B(p, 'a')), 'remoteModified');
    });
    it('both changed, remote without hash: a conflict, not "equal"', () => {
      assert.equal(classifyPath(L(p, 'b'), R(p, undefined, { size: 11 }), B(p, 'a')), 'bothModified');
    });
  });

  it('classify() walks the union of the three sides, sorted, and leaves out what it is told to', () => {
    const out = classify({
      base: new Map([['gone', B('gone', 'a')], ['kept', B('kept', 'a')], ['ignored', B('ignored', 'a')]]),
      local: new Map([['kept', L('kept', 'a')], ['new', L('new', 'b')]]),
      remote: new Map([['kept', R('kept', 'a')], ['theirs', R('theirs', 'c')]]),
      isLeftOut: (x) => x === 'ignored',
    });
    assert.deepEqual(out.map((c) => [c.path, c.cell]), [['gone', 'deletedBoth'], ['kept', 'unchanged'], ['new', 'localAdded'], ['theirs', 'remoteAdded']]);
  });
});
