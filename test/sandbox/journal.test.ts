import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type JournalEntry, MetadataFiles } from '../../src/sandbox/journal';

interface Doc {
  journalGen?: number;
  nodes: Record<string, unknown>;
  uploads: Record<string, unknown>;
  blobs: Record<string, unknown>;
}

const apply = (d: Doc, e: JournalEntry): void => {
  if (e.v === undefined) delete d[e.s][e.k];
  else d[e.s][e.k] = e.v;
};

describe('sandbox metadata files (snapshot + journal)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-journal-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const journals = (): string[] => fs.readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();

  it('replays the journal over the snapshot: puts and removals, in order', () => {
    const m = new MetadataFiles(dir);
    m.writeSnapshot<Doc>({ nodes: { a: 1, b: 2 }, uploads: {}, blobs: {} });
    m.append([{ s: 'nodes', k: 'a', v: 10 }, { s: 'nodes', k: 'b' }, { s: 'uploads', k: 'u', v: { x: 1 } }]);
    m.append([{ s: 'nodes', k: 'a', v: 11 }]);
    const loaded = new MetadataFiles(dir).load<Doc>(apply);
    assert.deepEqual({ ...loaded, journalGen: undefined }, { journalGen: undefined, nodes: { a: 11 }, uploads: { u: { x: 1 } }, blobs: {} });
  });

  it('an empty data dir has no state', () => {
    assert.equal(new MetadataFiles(dir).load<Doc>(apply), undefined);
  });

  it('drops a torn last line (crash mid-append) and appends cleanly after it', () => {
    const m = new MetadataFiles(dir);
    m.writeSnapshot<Doc>({ nodes: {}, uploads: {}, blobs: {} });
    m.append([{ s: 'nodes', k: 'a', v: 1 }]);
    fs.appendFileSync(path.join(dir, journals()[0]), '{"s":"nodes","k":"b","v":');
    const again = new MetadataFiles(dir);
    assert.deepEqual(again.load<Doc>(apply)?.nodes, { a: 1 });
    again.append([{ s: 'nodes', k: 'c', v: 3 }]);
    assert.deepEqual(new MetadataFiles(dir).load<Doc>(apply)?.nodes, { a: 1, c: 3 });
  });

  it('refuses a damaged line in the middle of the journal (clear error, nothing guessed)', () => {
    const m = new MetadataFiles(dir);
    m.writeSnapshot<Doc>({ nodes: {}, uploads: {}, blobs: {} });
    fs.appendFileSync(m.journalPath(), 'garbage\n{"s":"nodes","k":"a","v":1}\n');
    assert.throws(() => new MetadataFiles(dir).load<Doc>(apply), /damaged sandbox journal .* line 1/);
  });

  it('compaction is due once the journal outgrows the snapshot; it starts a new journal and removes the old one', () => {
    const m = new MetadataFiles(dir, 0);
    const doc: Doc = { nodes: { a: 'x'.repeat(200) }, uploads: {}, blobs: {} };
    m.writeSnapshot(doc);
    m.append([{ s: 'nodes', k: 'b', v: 'y' }]);
    assert.equal(m.compactionDue, false, 'a journal smaller than the snapshot');
    for (let i = 0; i < 10; i++) m.append([{ s: 'nodes', k: `n${i}`, v: 'z'.repeat(30) }]);
    assert.equal(m.compactionDue, true);
    const full = journals();
    assert.equal(full.length, 1);
    doc.nodes.b = 'y';
    m.writeSnapshot(doc);
    assert.equal(m.compactionDue, false);
    assert.deepEqual(journals(), [], 'the old journal is gone; the new one starts with the next change');
    assert.deepEqual(new MetadataFiles(dir).load<Doc>(apply)?.nodes, doc.nodes);
  });

  it('a journal left by a crash during compaction is never replayed over the newer snapshot', () => {
    const m = new MetadataFiles(dir);
    m.writeSnapshot<Doc>({ nodes: { a: 'old' }, uploads: {}, blobs: {} });
    m.append([{ s: 'nodes', k: 'a', v: 'stale' }]);
    const stale = path.join(dir, journals()[0]);
    const saved = fs.readFileSync(stale);
    m.writeSnapshot<Doc>({ nodes: { a: 'new' }, uploads: {}, blobs: {} });
    fs.writeFileSync(stale, saved); // as if the process died between the rename and the removal
    const loaded = new MetadataFiles(dir).load<Doc>(apply);
    assert.deepEqual(loaded?.nodes, { a: 'new' });
    assert.equal(fs.existsSync(stale), false, 'the stale journal is removed on load');
  });
});
