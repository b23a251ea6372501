/**
 * One failing space listing must not sink the rest, and "not available here"
 * (404/405/501) is asked once, never retried. The sandbox answers the
 * listings with injected errors; we count the requests it received.
 */
import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../src/core/errors';
import { describeSpaceWarning, loadSpaces, resolveSpace } from '../../src/core/spaces';
import type { FaultMatch } from '../../src/sandbox/faults';
import { cli } from './faults/support';
import { requestsTo, startWorld, World } from './helpers';

/** The three listings besides the personal space, as the sandbox sees them. */
const LISTINGS: Array<{ listing: 'departments' | 'groups' | 'sharedFolders'; kind: string; match: FaultMatch; requests(w: World): number }> = [
  {
    listing: 'sharedFolders',
    kind: 'shared',
    match: { target: 'api', path: '/sharefolder/list' },
    requests: (w) => requestsTo(w.sandbox, '/sharefolder/list').length,
  },
  {
    listing: 'departments',
    kind: 'department',
    match: { target: 'api', path: '/space/teamList', query: { teamType: '0' } },
    requests: (w) => requestsTo(w.sandbox, '/space/teamList').filter((r) => r.query.teamType === '0').length,
  },
  {
    listing: 'groups',
    kind: 'group',
    match: { target: 'api', path: '/space/teamList', query: { teamType: '2' } },
    requests: (w) => requestsTo(w.sandbox, '/space/teamList').filter((r) => r.query.teamType === '2').length,
  },
];

describe('spaces: one failing listing does not sink the rest (real HTTP)', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  for (const l of LISTINGS) {
    it(`${l.listing} answering 501: the other spaces load, one warning, the listing asked once`, async () => {
      w.sandbox.faults.add({ match: l.match, action: { kind: 'status', status: 501 }, times: 100 });
      const { spaces, warnings } = await loadSpaces(w.drive.client, w.sandbox.userId);
      const all = ['personal', 'department', 'group', 'shared'];
      assert.deepEqual(spaces.map((s) => s.kind), all.filter((k) => k !== l.kind));
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].listing, l.listing);
      assert.equal(warnings[0].error.code, 'ServerError');
      assert.equal(warnings[0].error.status, 501);
      assert.match(describeSpaceWarning(warnings[0]), /^Could not list (shared folders|departments|groups): .*HTTP 501/);
      assert.equal(l.requests(w), 1, 'a 501 is not retried');
      assert.equal(w.sandbox.faults.list()[0].fired, 1);
    });
  }

  it('team spaces are labelled with the team\'s name, not the owner\'s', async () => {
    const { spaces } = await loadSpaces(w.drive.client, w.sandbox.userId);
    const teams = spaces.filter((s) => s.kind === 'department' || s.kind === 'group').map((s) => s.name).sort();
    assert.deepEqual(teams, w.sandbox.teams.map((t) => t.name).sort());
  });

  it('a listing failing with a retryable error is retried, then becomes a warning', async () => {
    w.sandbox.faults.add({ match: LISTINGS[0].match, action: { kind: 'status', status: 503 }, times: 100 });
    const { spaces, warnings } = await loadSpaces(w.drive.client, w.sandbox.userId);
    assert.deepEqual(spaces.map((s) => s.kind), ['personal', 'department', 'group']);
    assert.deepEqual(warnings.map((x) => [x.listing, x.error.status]), [['sharedFolders', 503]]);
    assert.equal(LISTINGS[0].requests(w), 5, 'sent maxAttempts (5) times');
  });

  it('several listings failing: one warning each, in order', async () => {
    w.sandbox.faults.add({ match: LISTINGS[2].match, action: { kind: 'status', status: 404 }, times: 100 });
    w.sandbox.faults.add({ match: LISTINGS[0].match, action: { kind: 'status', status: 405 }, times: 100 });
    const { spaces, warnings } = await loadSpaces(w.drive.client, w.sandbox.userId);
    assert.deepEqual(spaces.map((s) => s.kind), ['personal', 'department']);
    assert.deepEqual(warnings.map((x) => [x.listing, x.error.status]), [['groups', 404], ['sharedFolders', 405]]);
    assert.equal(LISTINGS[2].requests(w) + LISTINGS[0].requests(w), 2, '404 and 405 are not retried');
  });

  it('an expired sign-in is not a warning: AuthRequired ends the listing', async () => {
    w.sandbox.faults.add({ match: LISTINGS[1].match, action: { kind: 'status', status: 401 }, times: 100 });
    await assert.rejects(loadSpaces(w.drive.client, w.sandbox.userId), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    assert.equal(requestsTo(w.sandbox, '/sharefolder/list').length, 0, 'nothing listed after it');
  });

  it('when every listing fails, the first error is thrown (no empty list)', async () => {
    w.sandbox.faults.add({ match: { target: 'api', path: '/space/', method: 'GET' }, action: { kind: 'status', status: 501 }, times: 100 });
    w.sandbox.faults.add({ match: { target: 'api', path: '/sharefolder/list' }, action: { kind: 'status', status: 501 }, times: 100 });
    await assert.rejects(loadSpaces(w.drive.client, w.sandbox.userId), (e: unknown) => KooDriveError.is(e, 'ServerError') && e.status === 501);
  });

  it('resolveSpace names the failed listing when the space is not among those that loaded', async () => {
    const shared = (await loadSpaces(w.drive.client, w.sandbox.userId)).spaces.find((s) => s.kind === 'shared')!;
    const dept = (await loadSpaces(w.drive.client, w.sandbox.userId)).spaces.find((s) => s.kind === 'department')!;
    w.sandbox.faults.add({ match: LISTINGS[1].match, action: { kind: 'status', status: 501 }, times: 100 });
    assert.equal((await resolveSpace(w.drive.client, w.sandbox.userId, shared.containerId)).containerId, shared.containerId);
    await assert.rejects(resolveSpace(w.drive.client, w.sandbox.userId, dept.containerId), (e: unknown) =>
      KooDriveError.is(e, 'NotFound') && /Could not list departments: .*HTTP 501/.test(e.message));
  });

  it('Keep Forever answered with 501 is sent once; 503 is retried', async () => {
    const notes = w.sandbox.store.findByName(w.personal.containerId, 'root', 'notes.txt')!;
    const rev = (await w.drive.client.listRevisions(w.personal, notes.id)).items[0];
    assert.ok(rev, 'the seeded file has a revision');
    for (const status of [501, 405, 404]) {
      const before = requestsTo(w.sandbox, '/revision/updateRevision').length;
      w.sandbox.faults.add({ match: { target: 'api', path: '/revision/updateRevision' }, action: { kind: 'status', status }, times: 100 });
      await assert.rejects(w.drive.client.updateRevision(w.personal, notes.id, rev.revisionId, true), (e: unknown) =>
        KooDriveError.is(e) && e.status === status && !e.retryable);
      assert.equal(requestsTo(w.sandbox, '/revision/updateRevision').length - before, 1, `HTTP ${status} sent once`);
      w.sandbox.faults.clear();
    }
    const before = requestsTo(w.sandbox, '/revision/updateRevision').length;
    w.sandbox.faults.add({ match: { target: 'api', path: '/revision/updateRevision' }, action: { kind: 'status', status: 503 }, times: 2 });
    await w.drive.client.updateRevision(w.personal, notes.id, rev.revisionId, true);
    assert.equal(requestsTo(w.sandbox, '/revision/updateRevision').length - before, 3, 'two 503s retried, then done');
  });
});

describe('koodrive spaces with a failing listing (CLI, real HTTP)', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => (w = await startWorld()));
  afterEach(async () => w.close());

  const warningLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('warning:'));

  for (const l of LISTINGS) {
    it(`${l.listing} answering 501: prints the other spaces and one warning line, exit 0`, async () => {
      w.sandbox.faults.add({ match: l.match, action: { kind: 'status', status: 501 }, times: 100 });
      const r = await cli(w, ['spaces']);
      assert.equal(r.code, 0, r.stderr);
      const kinds = r.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
      assert.deepEqual(kinds, ['personal', 'department', 'group', 'shared'].filter((k) => k !== l.kind));
      const warnings = warningLines(r.stderr);
      assert.equal(warnings.length, 1, r.stderr);
      const what = { sharedFolders: 'shared folders', departments: 'departments', groups: 'groups' }[l.listing];
      assert.match(warnings[0], new RegExp(`^warning: Could not list ${what}: This KooDrive server does not offer this \\(HTTP 501\\)`));
      assert.equal(l.requests(w), 1, 'the 501 was not retried');
    });
  }

  it('--json: {spaces, warnings} with the failed listing, its code and status', async () => {
    w.sandbox.faults.add({ match: LISTINGS[0].match, action: { kind: 'status', status: 501 }, times: 100 });
    const r = await cli(w, ['spaces', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { spaces: Array<{ kind: string }>; warnings: Array<Record<string, unknown>> };
    assert.deepEqual(out.spaces.map((s) => s.kind), ['personal', 'department', 'group']);
    assert.equal(out.warnings.length, 1);
    assert.equal(out.warnings[0].listing, 'sharedFolders');
    assert.equal(out.warnings[0].code, 'ServerError');
    assert.equal(out.warnings[0].status, 501);
    assert.match(String(out.warnings[0].message), /^Could not list shared folders: .*HTTP 501/);
    assert.equal(warningLines(r.stderr).length, 0, 'with --json the warning is in the document, not on stderr');
  });

  it('--json without failures: an empty warnings array', async () => {
    const r = await cli(w, ['spaces', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { spaces: Array<{ kind: string }>; warnings: unknown[] };
    assert.deepEqual(out.spaces.map((s) => s.kind), ['personal', 'department', 'group', 'shared']);
    assert.deepEqual(out.warnings, []);
    assert.equal(r.stderr, '');
  });
});
