/**
 * The tree's recycle bin nodes and locating an item for "reveal" (plain
 * model, no VS Code), and the search picker's logic: debounce, minimum
 * length, keyword rules, stale requests aborted by the next keystroke,
 * "Load more results…".
 */
import * as assert from 'node:assert/strict';
import type { DriveItem, Page, Space } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import type { SearchPage, SearchResult } from '../../../src/core/organize/search';
import type { RecycledItem } from '../../../src/core/organize/recycleBin';
import type { SpacesResult } from '../../../src/core/spaces';
import { DriveTreeModel, DriveTreeSource } from '../../../src/extension/views/driveTreeModel';
import type { LoadMoreNode, RecycleBinNode, SpaceNode } from '../../../src/extension/views/treeNodes';
import { SearchSession, SearchViewState } from '../../../src/extension/ui/searchSession';

const personal: Space = { kind: 'personal', name: 'Personal space', containerId: 'C1', rootFolderId: 'root' };
const shared: Space = { kind: 'shared', name: 'Shared', containerId: 'C1', rootFolderId: 'F9', shareFolderId: 'S1' };
const file = (id: string, name: string): DriveItem => ({ id, name, isFolder: false, fileType: '26', size: 1 });
const folder = (id: string, name: string): DriveItem => ({ id, name, isFolder: true, fileType: '10', size: 0 });

class Source implements DriveTreeSource {
  binCalls: string[] = [];
  constructor(private folders: Record<string, DriveItem[]>, private bin: RecycledItem[]) {}
  async listSpaces(): Promise<SpacesResult> {
    return { spaces: [personal, shared], warnings: [] };
  }
  async listFolder(_space: Space, folderId: string, cursor: string | undefined, pageSize: number): Promise<Page<DriveItem>> {
    const all = this.folders[folderId] ?? [];
    const from = Number(cursor ?? 0);
    return { items: all.slice(from, from + pageSize), nextCursor: from + pageSize < all.length ? String(from + pageSize) : undefined };
  }
  async listRecycleBin(space: Space, cursor: string | undefined, pageSize: number): Promise<Page<RecycledItem>> {
    this.binCalls.push(`${space.containerId}@${cursor ?? 0}`);
    const from = Number(cursor ?? 0);
    return { items: this.bin.slice(from, from + pageSize), nextCursor: from + pageSize < this.bin.length ? String(from + pageSize) : undefined };
  }
}

describe('tree: recycle bin and reveal', () => {
  it('ends each space (not shared folders) with a paged Recycle Bin in the service order', async () => {
    const bin = [3, 1, 2].map((i) => ({ item: file(`R${i}`, `gone-${i}.txt`), originalFolder: 'docs', deletedTime: '2026-01-01T00:00:00Z' }));
    const src = new Source({ root: [file('A', 'a.txt')], F9: [] }, bin);
    const model = new DriveTreeModel(src, { pageSize: 2 });
    const [p, s] = (await model.roots()) as SpaceNode[];
    const kids = await model.children(p);
    assert.deepEqual(kids.map((k) => k.kind), ['file', 'recycleBin']);
    assert.ok(!(await model.children(s)).some((k) => k.kind === 'recycleBin'));
    const binNode = kids[1] as RecycleBinNode;
    assert.equal(model.recycleBinOf(personal), binNode);
    let inBin = await model.children(binNode);
    assert.deepEqual(inBin.map((k) => (k.kind === 'recycled' ? k.entry.item.name : k.kind)), ['gone-3.txt', 'gone-1.txt', 'loadMore']);
    await model.loadMore(inBin[2] as LoadMoreNode);
    inBin = await model.children(binNode);
    assert.deepEqual(inBin.map((k) => (k.kind === 'recycled' ? k.entry.item.name : k.kind)), ['gone-3.txt', 'gone-1.txt', 'gone-2.txt']);
    model.invalidate(binNode);
    await model.children(binNode);
    assert.deepEqual(src.binCalls, ['C1@0', 'C1@2', 'C1@0']);
  });

  it('locates an item through its folders, loading further pages on the way', async () => {
    const many = Array.from({ length: 5 }, (_, i) => file(`M${i}`, `m${i}.txt`));
    const src = new Source({ root: [folder('D', 'docs'), file('X', 'x.txt')], D: [folder('E', 'deep')], E: many }, []);
    const model = new DriveTreeModel(src, { pageSize: 2 });
    const node = await model.locate(personal, ['D', 'E'], 'M4');
    assert.equal(node?.kind, 'file');
    assert.equal(node?.item.name, 'm4.txt');
    assert.equal(node?.parent.kind === 'folder' && node.parent.item.id, 'E');
    assert.equal(await model.locate(personal, ['D', 'nope'], 'M4'), undefined);
  });
});

describe('search picker logic', () => {
  const result = (name: string): SearchResult => ({ item: { ...file(name, name), namePath: '', idPath: '' }, containerId: 'C1', folderPath: '', folderIds: [] });
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  function harness(answer: (keyword: string, cursor: string | undefined, signal: AbortSignal) => Promise<SearchPage>) {
    const states: SearchViewState[] = [];
    const aborted: string[] = [];
    const session = new SearchSession(async (k, c, signal) => {
      signal.addEventListener('abort', () => aborted.push(k));
      return answer(k, c, signal);
    }, (s) => states.push(s), 20);
    return { session, states, aborted, last: () => states[states.length - 1] };
  }

  it('waits for a pause in typing and sends nothing under 2 characters or with spaces', async () => {
    const h = harness(async (k) => ({ results: [result(`${k}.txt`)] }));
    h.session.onInput('a');
    assert.match(h.last().message ?? '', /at least 2/);
    h.session.onInput('ab');
    h.session.onInput('abc');
    h.session.onInput('abcd');
    await tick(60);
    assert.deepEqual(h.session.sent, ['abcd']);
    assert.deepEqual(h.last().results.map((r) => r.item.name), ['abcd.txt']);
    h.session.onInput('two words');
    await tick(60);
    assert.deepEqual(h.session.sent, ['abcd']);
    assert.match(h.last().message ?? '', /spaces/);
    h.session.dispose();
  });

  it('a keystroke aborts the request in flight; its late answer is dropped', async () => {
    let release: (() => void) | undefined;
    const h = harness((k, _c, signal) => new Promise((resolve, reject) => {
      if (k === 'slow') {
        release = () => resolve({ results: [result('stale.txt')] });
        signal.addEventListener('abort', () => reject(new KooDriveError('Cancelled', 'replaced')));
      } else resolve({ results: [result('fresh.txt')] });
    }));
    h.session.onInput('slow');
    await tick(50);
    assert.deepEqual(h.session.sent, ['slow']);
    h.session.onInput('fresh');
    assert.deepEqual(h.aborted, ['slow'], 'aborted on the keystroke, before the debounce ends');
    release?.();
    await tick(60);
    assert.deepEqual(h.last().results.map((r) => r.item.name), ['fresh.txt']);
    assert.ok(!h.states.some((s) => s.results.some((r) => r.item.name === 'stale.txt')));
  });

  it('"Load more results…" follows the cursor and appends', async () => {
    const h = harness(async (_k, cursor) => (cursor ? { results: [result('b.txt')] } : { results: [result('a.txt')], nextCursor: 'c2' }));
    h.session.onInput('xy');
    await tick(60);
    assert.equal(h.last().hasMore, true);
    h.session.loadMore();
    await tick(20);
    assert.deepEqual(h.last().results.map((r) => r.item.name), ['a.txt', 'b.txt']);
    assert.equal(h.last().hasMore, false);
  });

  it('shows an error as a message, not as results', async () => {
    const h = harness(async () => {
      throw new KooDriveError('ServerError', 'KooDrive is down');
    });
    h.session.onInput('zz');
    await tick(60);
    assert.equal(h.last().busy, false);
    assert.match(h.last().message ?? '', /down/);
  });
});

