import * as assert from 'node:assert/strict';
import { compareWalkOrder, SettledCursor } from '../../../src/core/queue/settledFiles';

describe('SettledCursor (which files of a folder upload are settled, compactly)', () => {
  it('orders paths like the depth-first walk: a folder\'s contents right after it', () => {
    const walk = ['a', 'a/b', 'a/b/c.txt', 'a/z', 'a.txt', 'b'];
    const shuffled = ['b', 'a.txt', 'a/z', 'a', 'a/b/c.txt', 'a/b'];
    assert.deepEqual([...shuffled].sort(compareWalkOrder), walk);
  });

  it('keeps a contiguous prefix plus only the files settled out of order', () => {
    const c = new SettledCursor();
    for (const p of ['d/1', 'd/2', 'd/3', 'd/4']) c.start(p);
    c.settle('d/2');
    c.settle('d/3');
    assert.deepEqual(c.state(), { through: undefined, ahead: ['d/2', 'd/3'] });
    assert.equal(c.isSettled('d/1'), false);
    assert.equal(c.isSettled('d/2'), true);
    c.settle('d/1');
    assert.deepEqual(c.state(), { through: 'd/3', ahead: [] });
    assert.equal(c.isSettled('d/4'), false);
    c.settle('d/4');
    assert.deepEqual(c.state(), { through: 'd/4', ahead: [] });
  });

  it('stays small for thousands of files (state does not grow with the count)', () => {
    const c = new SettledCursor();
    const names = Array.from({ length: 5000 }, (_, i) => `f/${String(i).padStart(5, '0')}`);
    let started = 0;
    const running: string[] = [];
    // Four in flight, finishing in a scrambled order.
    while (started < names.length || running.length) {
      while (running.length < 4 && started < names.length) {
        c.start(names[started]);
        running.push(names[started++]);
      }
      const pick = running.splice((started * 7) % running.length, 1)[0];
      c.settle(pick);
      assert.ok(c.state().ahead.length <= 4);
    }
    assert.deepEqual(c.state(), { through: names.at(-1), ahead: [] });
  });

  it('a file refused before any request (never started) does not mark the files before it', () => {
    const c = new SettledCursor();
    c.settle('m/refused');
    assert.equal(c.isSettled('a/earlier'), false);
    assert.equal(c.isSettled('m/refused'), true);
    c.start('a/earlier');
    c.settle('a/earlier');
    assert.equal(c.isSettled('m/refused'), true);
    assert.equal(c.isSettled('m/later'), false);
  });

  it('round-trips through its state (a resumed session skips what the first one settled)', () => {
    const c = new SettledCursor();
    ['x/1', 'x/2', 'x/3'].forEach((p) => c.start(p));
    c.settle('x/1');
    c.settle('x/3');
    const again = new SettledCursor(JSON.parse(JSON.stringify(c.state())));
    assert.deepEqual(['x/1', 'x/2', 'x/3'].map((p) => again.isSettled(p)), [true, false, true]);
  });
});
