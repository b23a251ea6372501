/**
 * The tree with a failing space listing: a real sandbox answering
 * sharefolder/list or a teamList with 501, the tree model bound to the
 * session exactly as the extension binds it (sessionTreeSource). The spaces
 * that loaded are shown, plus one warning item that refreshes on click.
 */
import * as assert from 'node:assert/strict';
import type { FaultMatch } from '../../../src/sandbox/faults';
import { DriveTreeModel } from '../../../src/extension/views/driveTreeModel';
import { sessionTreeSource } from '../../../src/extension/views/driveTreeSource';
import type { DriveNode } from '../../../src/extension/views/treeNodes';
import { presentNode } from '../../../src/extension/views/treePresentation';
import { makeWorld, World } from './fakes';

const describeNode = (n: DriveNode): string => (n.kind === 'space' ? n.space.kind : n.kind === 'message' ? `message:${n.text}` : n.kind);

const CASES: Array<{ name: string; kind: string; match: FaultMatch; label: RegExp }> = [
  { name: 'sharefolder/list', kind: 'shared', match: { target: 'api', path: '/sharefolder/list' }, label: /^Could not list shared folders: This KooDrive server does not offer this \(HTTP 501\)/ },
  { name: 'teamList (departments)', kind: 'department', match: { target: 'api', path: '/space/teamList', query: { teamType: '0' } }, label: /^Could not list departments: .*HTTP 501/ },
  { name: 'teamList (groups)', kind: 'group', match: { target: 'api', path: '/space/teamList', query: { teamType: '2' } }, label: /^Could not list groups: .*HTTP 501/ },
];

describe('tree: a failing space listing', function () {
  this.timeout(30_000);
  let w: World;
  beforeEach(async () => (w = await makeWorld()));
  afterEach(async () => w.close());

  for (const c of CASES) {
    it(`${c.name} answering 501: the other spaces plus one warning item`, async () => {
      w.sandbox.faults.add({ match: c.match, action: { kind: 'status', status: 501 }, times: 100 });
      const errors: unknown[] = [];
      const model = new DriveTreeModel(sessionTreeSource(w.session), { onError: (e) => errors.push(e) });
      const roots = await model.roots();
      const kinds = roots.map(describeNode);
      assert.deepEqual(kinds.slice(0, -1), ['personal', 'department', 'group', 'shared'].filter((k) => k !== c.kind));
      const warning = roots.at(-1)!;
      assert.equal(warning.kind, 'message');
      assert.match(warning.kind === 'message' ? warning.text : '', c.label);
      const p = presentNode(warning);
      assert.equal(p.icon, 'warning');
      assert.equal(p.command?.id, 'koodrive.refreshTree', 'clicking the warning lists again');
      assert.deepEqual(errors, [], 'no error popup for a partial listing');
      // Pickers get the spaces that loaded, without the warning.
      assert.deepEqual((await model.listSpaces()).map((s) => s.kind), kinds.slice(0, -1));
      // Refreshing after the server recovered: all spaces, no warning.
      w.sandbox.faults.clear();
      model.invalidate();
      assert.deepEqual((await model.roots()).map(describeNode), ['personal', 'department', 'group', 'shared']);
    });
  }

  it('two listings failing: still one warning item naming both', async () => {
    w.sandbox.faults.add({ match: CASES[0].match, action: { kind: 'status', status: 501 }, times: 100 });
    w.sandbox.faults.add({ match: CASES[2].match, action: { kind: 'status', status: 405 }, times: 100 });
    const roots = await new DriveTreeModel(sessionTreeSource(w.session)).roots();
    assert.deepEqual(roots.map((n) => n.kind), ['space', 'space', 'message']);
    const text = roots[2].kind === 'message' ? roots[2].text : '';
    assert.match(text, /^Could not list groups: .*HTTP 405.*; shared folders: .*HTTP 501/);
  });
});
