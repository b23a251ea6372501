/**
 * "Move to…", "Copy to…" and "Restore" as commands: the real handlers and
 * core against an in-process sandbox, the folder picker answered as a person
 * would (scripted prompts fail on any question not expected). What happened
 * is read from the sandbox's store, never from the client under test.
 */
import * as assert from 'node:assert/strict';
import type { Space } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import { recycleItems } from '../../../src/core/organize/organizeItems';
import { listRecycleBin } from '../../../src/core/organize/recycleBin';
import type { CommandId } from '../../../src/extension/commands/commandIds';
import { COMMAND_HANDLERS } from '../../../src/extension/commands/registerCommands';
import type { FileNode, FolderNode, RecycleBinNode, RecycledNode, SpaceNode } from '../../../src/extension/views/treeNodes';
import { TestClient } from '../../sandbox/testing/client';
import { makeWorld, World } from './fakes';

const run = (w: World, id: CommandId, ...args: unknown[]) => COMMAND_HANDLERS[id](w.services, ...args);

describe('organize commands against the sandbox (Move to…, Copy to…, Restore)', function () {
  this.timeout(60_000);
  let w: World;
  let tc: TestClient;
  let personal: Space;
  let team: Space;
  let personalNode: SpaceNode;

  before(async () => {
    w = await makeWorld();
    tc = new TestClient(w.sandbox);
    personal = await w.personal();
    team = (await w.tree.listSpaces()).find((s) => s.name === 'Engineering') as Space;
    assert.ok(team, 'the seeded team space');
    personalNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
  });
  afterEach(() => w.prompts.assertDone());
  after(() => w?.close());

  const mkdir = async (space: Space, parent: string, name: string): Promise<string> =>
    (await tc.ok('/directory', { fileName: name, fileType: '10', containerId: space.containerId, parentFolder: [parent] })).id as string;
  const upload = async (space: Space, parent: string, name: string): Promise<string> =>
    (await tc.upload({ containerId: space.containerId, parent, name, data: Buffer.from(`bytes of ${name}`) })).fileId;
  const folderNode = (space: Space, parent: SpaceNode, id: string, name: string): FolderNode => {
    const item = w.sandbox.store.getFile(id);
    assert.ok(item);
    return { kind: 'folder', key: `${space.containerId}/${id}`, space, parent, item: { id, name, isFolder: true, size: 0 } as FolderNode['item'] };
  };
  const fileNode = (space: Space, parent: FolderNode, id: string, name: string): FileNode =>
    ({ kind: 'file', key: `${space.containerId}/${id}`, space, parent, item: { id, name, isFolder: false, size: 0 } as FileNode['item'] });
  const jobPosts = (): number => w.sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/v1/jobs')).length;

  it('Move to…: drills down to a folder two levels deep; the items are there and gone from where they were', async () => {
    const src = await mkdir(personal, 'root', 'move-cmd-src');
    const dest = await mkdir(personal, 'root', 'move-cmd-dest');
    const inner = await mkdir(personal, dest, 'inner');
    const a = await upload(personal, src, 'a.txt');
    const b = await upload(personal, src, 'b.txt');
    const srcNode = folderNode(personal, personalNode, src, 'move-cmd-src');
    const nodes = [fileNode(personal, srcNode, a, 'a.txt'), fileNode(personal, srcNode, b, 'b.txt')];

    w.prompts
      .expectPick('browse.space', 'Personal space', (_items, o) => assert.equal(o.title, 'Move 2 items to…'))
      .expectPick('browse.folder', 'move-cmd-dest')
      .expectPick('browse.folder', 'inner')
      .expectPick('browse.folder', 'accept', (items) => assert.equal(items[0].label, '$(check) Move Here'));
    await run(w, 'koodrive.moveItems', nodes[0], nodes);

    for (const id of [a, b]) assert.equal(w.sandbox.store.getFile(id)?.parentId, inner);
    assert.deepEqual(w.sandbox.store.listChildren(personal.containerId, src), []);
    assert.deepEqual(w.sandbox.store.listChildren(personal.containerId, dest).map((f) => f.name), ['inner']);
    assert.deepEqual(w.notifier.shown.at(-1), { level: 'flash', message: 'Moved 2 items to Personal space/move-cmd-dest/inner', buttons: [] });
    assert.ok(w.tree.refreshedNodes.includes(srcNode), 'the folder they left is refreshed');
    assert.deepEqual(w.tree.refreshed.at(-1), { containerId: personal.containerId, folderId: inner });
  });

  it('Copy to…: into a folder of a team space, same bytes there, the original untouched', async () => {
    const src = await mkdir(personal, 'root', 'copy-cmd-src');
    const a = await upload(personal, src, 'report.txt');
    const teamDest = await mkdir(team, team.rootFolderId, 'copy-cmd-dest');
    const srcNode = folderNode(personal, personalNode, src, 'copy-cmd-src');
    const node = fileNode(personal, srcNode, a, 'report.txt');

    w.prompts
      .expectPick('browse.space', 'Engineering', (_items, o) => assert.equal(o.title, 'Copy "report.txt" to…'))
      .expectPick('browse.folder', 'copy-cmd-dest')
      .expectPick('browse.folder', 'accept', (items) => assert.equal(items[0].label, '$(check) Copy Here'));
    await run(w, 'koodrive.copyItems', node, [node]);

    const copy = w.sandbox.store.findByName(team.containerId, teamDest, 'report.txt');
    assert.ok(copy, 'the copy is in the chosen folder');
    assert.notEqual(copy.id, a);
    assert.equal(w.sandbox.store.readContent(copy.id).toString(), 'bytes of report.txt');
    assert.ok(!w.sandbox.store.listChildren(team.containerId, team.rootFolderId).some((f) => f.name === 'report.txt'), 'nothing at the top of the team space');
    assert.equal(w.sandbox.store.getFile(a)?.parentId, src, 'the original stays');
    assert.deepEqual(w.notifier.shown.at(-1), { level: 'flash', message: 'Copied report.txt to Engineering/copy-cmd-dest', buttons: [] });
    assert.deepEqual(w.tree.refreshed.at(-1), { containerId: team.containerId, folderId: teamDest });
  });

  it('Restore refuses items of two recycle bins at once and restores nothing; one bin at a time works', async () => {
    const c = await w.session.connection();
    const mine = await upload(personal, 'root', 'restore-mine.txt');
    const theirs = await upload(team, team.rootFolderId, 'restore-team.txt');
    await recycleItems(c.client, personal, [{ fileId: mine }]);
    await recycleItems(c.client, team, [{ fileId: theirs }]);
    const recycled = async (space: Space, id: string): Promise<RecycledNode> => {
      const spaceNode: SpaceNode = { kind: 'space', key: `space:${space.containerId}`, space };
      const bin: RecycleBinNode = { kind: 'recycleBin', key: `bin:${space.containerId}`, space, parent: spaceNode };
      const entry = (await listRecycleBin(c.client, space, { rootFolderId: space.rootFolderId })).items.find((x) => x.item.id === id);
      assert.ok(entry, `${id} is in the bin`);
      return { kind: 'recycled', key: `recycled:${id}`, space, parent: bin, entry };
    };
    const nodes = [await recycled(personal, mine), await recycled(team, theirs)];

    const before = jobPosts();
    await assert.rejects(run(w, 'koodrive.restoreItems', nodes[0], nodes),
      (e: unknown) => KooDriveError.is(e, 'InvalidInput') && /one recycle bin at a time/.test((e as Error).message));
    assert.equal(jobPosts(), before, 'no job was sent');
    assert.equal(w.sandbox.store.getFile(mine)?.recycled, true);
    assert.equal(w.sandbox.store.getFile(theirs)?.recycled, true);

    await run(w, 'koodrive.restoreItems', nodes[1], [nodes[1]]);
    assert.equal(w.sandbox.store.getFile(theirs)?.recycled, false);
    assert.equal(w.sandbox.store.getFile(mine)?.recycled, true);
  });
});
