import * as assert from 'node:assert/strict';
import { JsonArrayWriter } from '../../../src/cli/jsonArrayWriter';

function capture(): { chunks: string[]; text: () => string; w: JsonArrayWriter } {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), w: new JsonArrayWriter((c) => chunks.push(c)) };
}

describe('JsonArrayWriter: a JSON array written item by item', () => {
  const item = (i: number) => ({ status: 'uploaded', localPath: `/tmp/f${i} "q"\n`, size: i, nested: { ok: i % 2 === 0 }, none: null });

  it('0, 1 and n items give the document JSON.stringify gives for the whole array', () => {
    for (const n of [0, 1, 2, 250]) {
      const { w, text } = capture();
      const all = Array.from({ length: n }, (_, i) => item(i));
      for (const x of all) w.push(x);
      w.close();
      assert.equal(text(), `${JSON.stringify(all)}\n`, `${n} item(s)`);
      assert.deepEqual(JSON.parse(text()), all);
      assert.equal(w.count, n);
    }
  });

  it('writes each item when pushed and keeps nothing of it (the writer holds no array)', () => {
    const { w, chunks } = capture();
    w.push(item(1));
    assert.equal(chunks.length, 1, 'the first item is out before the next one comes');
    w.push(item(2));
    assert.equal(chunks.length, 2);
    // Only counters and the sink: nothing that grows with the items.
    for (let i = 0; i < 1000; i++) w.push(item(i));
    for (const v of Object.values(w)) {
      assert.ok(typeof v !== 'object' || v === null, `the writer holds an object: ${JSON.stringify(v)?.slice(0, 80)}`);
    }
  });

  it('abort ends a started document (valid JSON of what was written) and writes nothing when none was started', () => {
    const started = capture();
    started.w.push(item(1));
    started.w.abort();
    assert.deepEqual(JSON.parse(started.text()), [item(1)]);
    const empty = capture();
    empty.w.abort();
    assert.equal(empty.text(), '', 'nothing on stdout, as when a run failed before any file settled');
    empty.w.close();
    assert.equal(empty.text(), '', 'close after abort adds nothing');
  });
});
