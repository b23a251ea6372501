import * as assert from 'node:assert/strict';
import { maxDeleteFor, parseMaxDelete } from '../../../src/core/sync/safetyRules';
import { planSync } from '../../../src/core/sync/syncPlan';
import type { PlanOptions, SyncAction } from '../../../src/core/sync/syncTypes';
import { B, baseOf, L, link, R, scanOf, treeOf } from './fixtures';

const kinds = (actions: SyncAction[]): string[] => actions.map((a) => `${a.kind}:${'from' in a ? `${a.from}→` : ''}${a.path}${'resolution' in a ? `(${a.resolution})` : ''}`);

/** n files a0..a(n-1) synced, present on both sides. */
function synced(n: number): { base: ReturnType<typeof baseOf>; local: ReturnType<typeof L>[]; remote: ReturnType<typeof R>[] } {
  const names = Array.from({ length: n }, (_, i) => `a${i}`);
  return { base: baseOf(names.map((p) => [p, B(p, 'a')])), local: names.map((p) => L(p, 'a')), remote: names.map((p) => R(p, 'a')) };
}

describe('sync plan', () => {
  it('maps cells to actions: moves first, transfers, deletions last', () => {
    const base = baseOf([['m', B('m', 'a')], ['r', B('r', 'a')], ['dl', B('dl', 'a')], ['dr', B('dr', 'a')], ['keep', B('keep', 'k')]]);
    const plan = planSync({
      link, base,
      scan: scanOf([L('m', 'b'), L('r', 'a'), L('dr', 'a'), L('new', 'n'), L('keep', 'k')]),
      tree: treeOf([R('m', 'a'), R('r', 'c'), R('dl', 'a'), R('theirs', 't'), R('keep', 'k')]),
    }, { maxDelete: { count: 100 } });
    assert.deepEqual(kinds(plan.actions), ['uploadRevision:m', 'upload:new', 'download:r', 'download:theirs', 'recycleRemote:dl', 'trashLocal:dr']);
    assert.deepEqual(plan.summary, { toUpload: 3, toDownload: 3, conflicts: 0, unchanged: 1 });
    assert.deepEqual(plan.stops, []);
  });

  it('same content on both sides is recorded, not transferred; deleted on both is forgotten', () => {
    const plan = planSync({
      link, base: baseOf([['x', B('x', 'a')], ['gone', B('gone', 'a')]]),
      scan: scanOf([L('x', 'b'), L('y', 'c')]), tree: treeOf([R('x', 'b'), R('y', 'c')]),
    });
    assert.deepEqual(kinds(plan.actions), ['forget:gone', 'record:x', 'record:y']);
    assert.equal(plan.changes.length, 0);
    assert.equal(plan.summary.unchanged, 2);
  });

  it('an unchanged path whose stat changed (touch) only refreshes the base', () => {
    const plan = planSync({ link, base: baseOf([['x', B('x', 'a')]]), scan: scanOf([L('x', 'a', { mtimeMs: 2000 })]), tree: treeOf([R('x', 'a')]) });
    assert.deepEqual(kinds(plan.actions), ['record:x']);
    assert.equal(plan.changes.length, 0);
  });

  describe('conflicts', () => {
    const input = () => ({ link, base: baseOf([['c', B('c', 'a')]]), scan: scanOf([L('c', 'b'), L('n', 'x')]), tree: treeOf([R('c', 'c'), R('n', 'y')]) });
    it('are left alone by default (skip)', () => {
      const plan = planSync(input());
      assert.deepEqual(kinds(plan.actions), []);
      assert.equal(plan.summary.conflicts, 2);
      assert.deepEqual(plan.changes.map((c) => c.state), ['conflict', 'conflict']);
    });
    it('get the run-wide resolution, or a per-path one', () => {
      assert.deepEqual(kinds(planSync(input(), { conflict: 'keep-both' }).actions), ['resolve:c(keep-both)', 'resolve:n(keep-both)']);
      assert.deepEqual(kinds(planSync(input(), { resolutions: new Map([['n', 'remote']]) }).actions), ['resolve:n(remote)']);
    });
    it('a resolution the direction forbids is not applied', () => {
      assert.deepEqual(kinds(planSync(input(), { conflict: 'remote', direction: 'push' }).actions), []);
      assert.deepEqual(kinds(planSync(input(), { conflict: 'keep-both', direction: 'pull' }).actions), []);
      assert.deepEqual(kinds(planSync(input(), { conflict: 'local', direction: 'push' }).actions), ['resolve:c(local)', 'resolve:n(local)']);
    });
  });

  it('--direction push/pull only plans that side; the other side stays listed', () => {
    const input = { link, base: baseOf([['m', B('m', 'a')], ['r', B('r', 'a')]]), scan: scanOf([L('m', 'b'), L('r', 'a')]), tree: treeOf([R('m', 'a'), R('r', 'b')]) };
    assert.deepEqual(kinds(planSync(input, { direction: 'push' }).actions), ['uploadRevision:m']);
    assert.deepEqual(kinds(planSync(input, { direction: 'pull' }).actions), ['download:r']);
    assert.equal(planSync(input, { direction: 'push' }).changes.length, 2);
  });

  it('a chosen subset of paths (the view\'s Upload/Download on a selection)', () => {
    const input = { link, base: baseOf([]), scan: scanOf([L('a', 'a'), L('b', 'b')]), tree: treeOf([R('c', 'c')]) };
    assert.deepEqual(kinds(planSync(input, { paths: new Set(['b', 'c']) }).actions), ['upload:b', 'download:c']);
  });

  describe('moves', () => {
    it('a local rename with the same sha256 is a KooDrive move, not delete + upload', () => {
      const plan = planSync({ link, base: baseOf([['old/a.txt', B('old/a.txt', 'a')]]), scan: scanOf([L('new/b.txt', 'a')]), tree: treeOf([R('old/a.txt', 'a')]) });
      assert.deepEqual(kinds(plan.actions), ['moveRemote:old/a.txt→new/b.txt']);
      assert.deepEqual(plan.changes.map((c) => [c.path, c.state, c.movedFrom]), [['new/b.txt', 'localAdded', 'old/a.txt']]);
      assert.equal(plan.deletions, 0);
    });
    it('a remote rename is a local rename', () => {
      const plan = planSync({ link, base: baseOf([['a', B('a', 'a')]]), scan: scanOf([L('a', 'a')]), tree: treeOf([R('b', 'a')]) });
      assert.deepEqual(kinds(plan.actions), ['moveLocal:a→b']);
    });
    it('ambiguous candidates (two added copies) stay delete + add', () => {
      const plan = planSync({ link, base: baseOf([['a', B('a', 'a')]]), scan: scanOf([L('b', 'a'), L('c', 'a')]), tree: treeOf([R('a', 'a')]) });
      assert.deepEqual(kinds(plan.actions), ['upload:b', 'upload:c', 'recycleRemote:a']);
    });
    it('a delete whose other side was edited is not a move source', () => {
      const plan = planSync({ link, base: baseOf([['a', B('a', 'a')]]), scan: scanOf([L('b', 'a')]), tree: treeOf([R('a', 'z')]) });
      assert.deepEqual(kinds(plan.actions), ['download:a', 'upload:b']);
    });
  });

  describe('safety rules', () => {
    it('an incomplete listing stops the run, even with --force', () => {
      const s = synced(3);
      const plan = planSync({ link, base: s.base, scan: scanOf(s.local), tree: treeOf(s.remote.slice(0, 1), { complete: false, failures: ['page 2 failed'] }) }, { force: true });
      assert.deepEqual(plan.stops.map((x) => x.rule), ['listingIncomplete']);
      // What the partial listing lacks is unknown, not deleted: status shows no deletions either.
      assert.deepEqual(plan.changes, []);
      assert.equal(plan.deletions, 0);
    });
    it('an unreadable local folder stops the run', () => {
      const s = synced(3);
      const plan = planSync({ link, base: s.base, scan: scanOf(s.local, { unreadableDirs: ['secret'] }), tree: treeOf(s.remote) });
      assert.deepEqual(plan.stops.map((x) => x.rule), ['localUnreadable']);
    });
    it('an empty side when the base is not empty stops the run (unless forced)', () => {
      const s = synced(30);
      assert.deepEqual(planSync({ link, base: s.base, scan: scanOf([]), tree: treeOf(s.remote) }).stops.map((x) => x.rule), ['emptySide', 'maxDelete']);
      assert.deepEqual(planSync({ link, base: s.base, scan: scanOf(s.local), tree: treeOf([]) }).stops.map((x) => x.rule), ['emptySide', 'maxDelete']);
      assert.deepEqual(planSync({ link, base: s.base, scan: scanOf([]), tree: treeOf(s.remote) }, { force: true }).stops, []);
      // Empty on both with an empty base: a first sync, nothing to stop.
      assert.deepEqual(planSync({ link, base: baseOf([]), scan: scanOf([]), tree: treeOf([]) }).stops, []);
    });
    it('more deletions than --max-delete stop the run; the default is 50 % of the base and at least 10', () => {
      const s = synced(40);
      const plan = (deleted: number, o: PlanOptions = {}) => planSync({ link, base: s.base, scan: scanOf(s.local.slice(deleted)), tree: treeOf(s.remote) }, o);
      assert.deepEqual(plan(20).stops, []);
      assert.deepEqual(plan(21).stops.map((x) => x.rule), ['maxDelete']);
      assert.equal(plan(21).maxDelete, 20);
      assert.deepEqual(plan(21, { force: true }).stops, []);
      assert.deepEqual(plan(5, { maxDelete: { count: 4 } }).stops.map((x) => x.rule), ['maxDelete']);
      assert.deepEqual(plan(5, { maxDelete: { fraction: 0.1 } }).stops.map((x) => x.rule), ['maxDelete']);
      assert.deepEqual(plan(4, { maxDelete: { fraction: 0.1 } }).stops, []);
      const small = synced(4);
      assert.deepEqual(planSync({ link, base: small.base, scan: scanOf(small.local.slice(3)), tree: treeOf(small.remote) }).stops, [], 'at least 10');
      assert.equal(maxDeleteFor(4, undefined), 10);
      assert.equal(maxDeleteFor(1000, undefined), 500);
    });
    it('parses --max-delete N and N%', () => {
      assert.deepEqual(parseMaxDelete('7'), { count: 7 });
      assert.deepEqual(parseMaxDelete('25%'), { fraction: 0.25 });
      assert.equal(parseMaxDelete('x'), undefined);
      assert.equal(parseMaxDelete('101%'), undefined);
      assert.equal(parseMaxDelete('-1'), undefined);
    });
  });

  it('a change of ignore rules never turns excluded files into deletions; their base stays', () => {
    const s = synced(3);
    const plan = planSync({ link, base: s.base, scan: scanOf(s.local.slice(1), { excludedBasePaths: new Set(['a0']) }), tree: treeOf(s.remote) });
    assert.deepEqual(plan.actions, []);
    assert.deepEqual(plan.changes, []);
  });

  it('excluded remote-only paths are not downloaded', () => {
    const plan = planSync({ link, base: baseOf([]), scan: scanOf([], { isExcluded: (p) => p.endsWith('.log') }), tree: treeOf([R('x.log', 'a'), R('y.txt', 'b')]) });
    assert.deepEqual(kinds(plan.actions), ['download:y.txt']);
  });

  it('case-only differences on a case-insensitive volume are reported, not merged', () => {
    const plan = planSync({ link, base: baseOf([]), scan: scanOf([L('Readme.md', 'a')], { caseInsensitive: true }), tree: treeOf([R('README.md', 'b'), R('other', 'c')]) });
    assert.deepEqual(kinds(plan.actions), ['download:other']);
    assert.deepEqual(plan.notices.map((n) => [n.path, n.reason]).sort(), [['README.md', 'caseClash'], ['Readme.md', 'caseClash']]);
    // On a case-sensitive volume they are two files.
    const cs = planSync({ link, base: baseOf([]), scan: scanOf([L('Readme.md', 'a')]), tree: treeOf([R('README.md', 'b')]) });
    assert.deepEqual(kinds(cs.actions), ['download:README.md', 'upload:Readme.md']);
  });
});
