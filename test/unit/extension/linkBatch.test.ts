import * as assert from 'node:assert/strict';
import { LinkBatch } from '../../../src/extension/transfers/linkBatch';

const link = (i: number) => ({ localPath: `/w/f${i}`, fileId: `id${i}`, space: { kind: 'personal', containerId: 'c' } as never, name: `f${i}` });

describe('LinkBatch: a run\'s links saved as files settle', () => {
  it('after 10 000 links it holds less than one batch; the store got every link once, in order', async () => {
    const saved: string[] = [];
    let saves = 0;
    const b = new LinkBatch(async (l) => {
      saves++;
      await new Promise((r) => setImmediate(r));
      for (const x of l) saved.push(x.fileId);
    }, (e) => assert.fail(String(e)), 500);
    for (let i = 0; i < 10_003; i++) {
      b.add(link(i));
      assert.ok(b.held < 500, `${b.held} links held`);
    }
    await b.flush();
    assert.equal(b.held, 0);
    assert.equal(saves, 21);
    assert.deepEqual(saved, Array.from({ length: 10_003 }, (_, i) => `id${i}`));
  });

  it('a failed save is reported and the later ones still happen', async () => {
    const errors: unknown[] = [];
    const saved: number[] = [];
    let n = 0;
    const b = new LinkBatch(async (l) => {
      if (n++ === 0) throw new Error('disk full');
      saved.push(l.length);
    }, (e) => errors.push(e), 2);
    for (let i = 0; i < 5; i++) b.add(link(i));
    await b.flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(saved, [2, 1]);
  });
});
