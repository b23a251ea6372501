/**
 * "Keep Forever" on a server that does not offer it (HTTP 501): the command
 * fails at once with the server's answer, and the sandbox received the
 * request exactly once (it used to be sent five times with back-off).
 */
import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import { COMMAND_HANDLERS } from '../../../src/extension/commands/registerCommands';
import type { FileNode, SpaceNode } from '../../../src/extension/views/treeNodes';
import { makeWorld, World } from './fakes';

describe('Keep Forever answered with "not available here"', function () {
  this.timeout(30_000);
  let w: World;
  beforeEach(async () => (w = await makeWorld()));
  afterEach(async () => w.close());

  for (const status of [501, 405, 404]) {
    it(`HTTP ${status}: one request, a non-retryable error`, async () => {
      const personal = await w.personal();
      const notes = w.sandbox.store.findByName(personal.containerId, 'root', 'notes.txt')!;
      const space: SpaceNode = { kind: 'space', key: `space:${personal.containerId}`, space: personal };
      const c = await w.session.connection();
      const item = (await c.client.listFiles(personal, 'root')).items.find((i) => i.id === notes.id)!;
      const node: FileNode = { kind: 'file', key: `${personal.containerId}/${notes.id}`, space: personal, parent: space, item };
      w.sandbox.faults.add({ match: { target: 'api', path: '/revision/updateRevision' }, action: { kind: 'status', status }, times: 100 });
      const sent = (): number => w.sandbox.requests.filter((r) => r.path.endsWith('/revision/updateRevision')).length;
      w.prompts.expectPick('revision.pick', (items) => items[0]);
      await assert.rejects(COMMAND_HANDLERS['koodrive.keepRevisionForever'](w.services, node), (e: unknown) =>
        KooDriveError.is(e) && e.status === status && !e.retryable);
      assert.equal(sent(), 1, `HTTP ${status} was sent once`);
      assert.equal(w.notifier.messages('info').length, 0, 'no success message');
    });
  }
});
