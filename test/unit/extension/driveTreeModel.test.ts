import * as assert from 'node:assert/strict';
import type { DriveItem, Page, Space } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import type { SpacesResult } from '../../../src/core/spaces';
import { compareItems, DriveTreeModel, DriveTreeSource } from '../../../src/extension/views/driveTreeModel';
import type { ContainerNode, DriveNode, FolderNode, LoadMoreNode } from '../../../src/extension/views/treeNodes';
import { displayPath } from '../../../src/extension/views/treeNodes';

const personal: Space = { kind: 'personal', name: 'Personal space', containerId: 'C1', rootFolderId: 'root' };
const dept: Space = { kind: 'department', name: 'Engineering', containerId: 'C2', rootFolderId: 'root', team: { groupId: 'D1', teamType: 0 } };
const shared: Space = { kind: 'shared', name: 'Shared with me', containerId: 'C1', rootFolderId: 'F9', shareFolderId: 'S1' };

const file = (id: string, name: string, size = 10): DriveItem => ({ id, name, isFolder: false, fileType: '26', size });
const folder = (id: string, name: string): DriveItem => ({ id, name, isFolder: true, fileType: '10', size: 0 });

/** A source with folders of any size, paged like the service (cursor = next offset). */
class FakeSource implements DriveTreeSource {
  calls: string[] = [];
  spacesCalls = 0;
  failNext?: unknown;
  constructor(public spaces: Space[], public folders: Record<string, DriveItem[]>) {}
  async listSpaces(): Promise<SpacesResult> {
    this.spacesCalls++;
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    return { spaces: this.spaces, warnings: [] };
  }
  async listFolder(space: Space, folderId: string, cursor: string | undefined, pageSize: number): Promise<Page<DriveItem>> {
    this.calls.push(`${space.containerId}/${folderId}@${cursor ?? 0}`);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    const all = this.folders[`${space.containerId}/${folderId}`] ?? [];
    const from = Number(cursor ?? 0);
    const items = all.slice(from, from + pageSize);
    return { items, nextCursor: from + pageSize < all.length ? String(from + pageSize) : undefined };
  }
}

const labels = (nodes: DriveNode[]): string[] => nodes.map((n) => (n.kind === 'folder' || n.kind === 'file' ? n.item.name : n.kind === 'space' ? n.space.name : n.kind));

describe('DriveTreeModel', () => {
  it('lists spaces personal first, then departments, groups and shared folders', async () => {
    const group: Space = { kind: 'group', name: 'Design', containerId: 'C3', rootFolderId: 'root', team: { groupId: 'G1', teamType: 2 } };
    const src = new FakeSource([shared, group, dept, personal], {});
    const roots = await new DriveTreeModel(src).roots();
    assert.deepEqual(labels(roots), ['Personal space', 'Engineering', 'Design', 'Shared with me']);
    // A shared folder in the owner's personal container still gets its own node.
    assert.equal(new Set(roots.map((r) => r.key)).size, 4);
  });

  it('caches the spaces until invalidated', async () => {
    const src = new FakeSource([personal], {});
    const model = new DriveTreeModel(src);
    await model.roots();
    await model.roots();
    assert.equal(src.spacesCalls, 1);
    model.invalidate();
    await model.roots();
    assert.equal(src.spacesCalls, 2);
  });

  it('lists a folder lazily, folders first, names in natural order', async () => {
    const src = new FakeSource([personal], {
      'C1/root': [file('1', 'b.txt'), folder('2', 'Zeta'), file('3', 'a10.txt'), file('4', 'A2.txt'), folder('5', 'alpha')],
    });
    const model = new DriveTreeModel(src);
    const [space] = await model.roots();
    assert.deepEqual(src.calls, []);
    const children = await model.children(space as ContainerNode);
    assert.deepEqual(labels(children), ['alpha', 'Zeta', 'A2.txt', 'a10.txt', 'b.txt']);
    assert.deepEqual(src.calls, ['C1/root@0']);
    await model.children(space as ContainerNode);
    assert.deepEqual(src.calls, ['C1/root@0'], 'a listing is loaded once');
  });

  it('pages a large folder with a "Load more…" node', async () => {
    const many = Array.from({ length: 250 }, (_, i) => file(`f${i}`, `file-${String(i).padStart(3, '0')}.txt`));
    const src = new FakeSource([personal], { 'C1/root': many });
    const model = new DriveTreeModel(src);
    const [space] = (await model.roots()) as ContainerNode[];
    let children = await model.children(space);
    assert.equal(children.length, 101);
    const more = children[100] as LoadMoreNode;
    assert.equal(more.kind, 'loadMore');
    assert.equal(more.loaded, 100);
    assert.equal(await model.loadMore(more), space);
    children = await model.children(space);
    assert.equal(children.length, 201);
    assert.equal((children[200] as LoadMoreNode).loaded, 200);
    await model.loadMore(children[200] as LoadMoreNode);
    children = await model.children(space);
    assert.equal(children.length, 250, 'no load-more node after the last page');
    assert.deepEqual(src.calls, ['C1/root@0', 'C1/root@100', 'C1/root@200']);
  });

  it('keeps node identity across refreshes and finds shown folders', async () => {
    const src = new FakeSource([personal], { 'C1/root': [folder('D', 'Docs')], 'C1/D': [file('x', 'x.txt')] });
    const model = new DriveTreeModel(src);
    const [space] = (await model.roots()) as ContainerNode[];
    const [docs] = (await model.children(space)) as FolderNode[];
    assert.equal(displayPath(docs), 'Personal space/Docs');
    assert.equal(model.findContainer(personal, 'D'), docs);
    assert.equal(model.findContainer(personal, 'root'), space);
    assert.equal(model.findContainer(personal, 'nope'), undefined);
    model.invalidate(space);
    const [again] = await model.children(space);
    assert.equal(again, docs, 'same object after a refresh');
  });

  it('invalidating a folder reloads it and everything below it, not its siblings', async () => {
    const src = new FakeSource([personal], {
      'C1/root': [folder('A', 'A'), folder('B', 'B')],
      'C1/A': [folder('A1', 'A1')],
      'C1/A1': [file('a', 'a.txt')],
      'C1/B': [file('b', 'b.txt')],
    });
    const model = new DriveTreeModel(src);
    const [space] = (await model.roots()) as ContainerNode[];
    const [a, b] = (await model.children(space)) as FolderNode[];
    const [a1] = (await model.children(a)) as FolderNode[];
    await model.children(a1);
    await model.children(b);
    src.calls = [];
    model.invalidate(a);
    const [a1again] = (await model.children(a)) as FolderNode[];
    await model.children(a1again);
    await model.children(b);
    assert.deepEqual(src.calls, ['C1/A@0', 'C1/A1@0']);
  });

  it('shows an empty folder as a message', async () => {
    const src = new FakeSource([personal], {});
    const model = new DriveTreeModel(src);
    const [space] = (await model.roots()) as ContainerNode[];
    const [msg] = await model.children(space);
    assert.equal(msg.kind, 'message');
    assert.equal(msg.kind === 'message' && msg.isError, false);
  });

  it('turns a load error into a message node, reports it, and tries again next time', async () => {
    const errors: unknown[] = [];
    const src = new FakeSource([personal], { 'C1/root': [file('1', 'a.txt')] });
    const model = new DriveTreeModel(src, { onError: (e) => errors.push(e) });
    const [space] = (await model.roots()) as ContainerNode[];
    src.failNext = new KooDriveError('Network', 'connection refused', { retryable: true });
    const [msg] = await model.children(space);
    assert.equal(msg.kind, 'message');
    assert.ok(msg.kind === 'message' && msg.isError && msg.text.includes('connection refused'));
    assert.equal(errors.length, 1);
    assert.deepEqual(labels(await model.children(space)), ['a.txt']);
  });

  it('empties the tree on AuthRequired (the welcome view takes over) and stays quiet on cancellation', async () => {
    const errors: unknown[] = [];
    const src = new FakeSource([personal], {});
    const model = new DriveTreeModel(src, { onError: (e) => errors.push(e) });
    src.failNext = new KooDriveError('AuthRequired', 'expired');
    assert.deepEqual(await model.roots(), []);
    assert.equal(errors.length, 1);
    src.failNext = new KooDriveError('Cancelled', 'stop');
    assert.deepEqual(await model.roots(), []);
    assert.equal(errors.length, 1);
  });

  it('shares one request between concurrent expansions', async () => {
    const src = new FakeSource([personal], { 'C1/root': [file('1', 'a.txt')] });
    const model = new DriveTreeModel(src);
    const [space] = (await model.roots()) as ContainerNode[];
    await Promise.all([model.children(space), model.children(space), model.children(space)]);
    assert.equal(src.calls.length, 1);
  });

  it('compareItems: folders first, then case-insensitive natural order', () => {
    const sorted = [file('1', 'b'), folder('2', 'z'), file('3', 'B10'), file('4', 'b2')].sort(compareItems).map((i) => i.name);
    assert.deepEqual(sorted, ['z', 'b', 'b2', 'B10']);
  });
});
