import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunView } from '../../../src/core/queue/runView';
import type { RunState } from '../../../src/core/queue/transferRun';
import { childrenOf, MAX_FAILED_SHOWN, presentChild, presentRun, summarize } from '../../../src/extension/views/transfersPresentation';

const ROOT = path.resolve(__dirname, '../../../..');
/** formatBytes counts in binary units, with IEC labels. */
const MB = 1024 * 1024;

function run(over: Partial<RunView> = {}): RunView {
  return {
    id: 'r1', seq: 1, direction: 'upload', name: 'docs', request: {}, state: 'running', createdAt: 0, updatedAt: 0,
    totals: { files: 10, bytes: 10 * MB }, done: { files: 3, bytes: 3 * MB, noTransfer: 0 }, failed: [], cursor: {}, settledKeys: [],
    active: [], bytesDone: 3 * MB, speed: 0, ...over,
  };
}

describe('Transfers view presentation', () => {
  it('a row: direction, name, state, files and bytes of total, speed and time left', () => {
    const p = presentRun(run({ speed: MB, etaSeconds: 7, active: [{ key: 'k', path: '/w/docs/a.bin', size: 2 * MB, bytes: MB / 2 }] }));
    assert.equal(p.label, '↑ docs');
    assert.equal(p.contextValue, 'koodrive:transfer:upload:running');
    assert.equal(p.collapsible, true);
    assert.match(p.description!, /^Running · 3 of 10 files · 3\.0 MiB of 10 MiB \(30%\) · 1\.0 MiB\/s · 7 s left$/);
  });

  it('failed rows say why; their children list the failed files with the reason, capped, the rest counted', () => {
    const failed = Array.from({ length: MAX_FAILED_SHOWN + 5 }, (_, i) => ({ key: `k${i}`, path: `/w/f${i}.txt`, code: 'ServerError', message: 'HTTP 500' }));
    const r = run({ state: 'failed', failed, direction: 'download' });
    assert.match(presentRun(r).description!, new RegExp(`${MAX_FAILED_SHOWN + 5} failed`));
    assert.equal(presentRun(r).contextValue, 'koodrive:transfer:download:failed');
    const kids = childrenOf(r);
    assert.equal(kids.length, MAX_FAILED_SHOWN + 1);
    const first = presentChild(kids[0] as Exclude<typeof kids[0], { kind: 'transfer' }>);
    assert.deepEqual([first.label, first.description, first.contextValue], ['f0.txt', 'HTTP 500', 'koodrive:transferFile:failed']);
    assert.match(presentChild(kids.at(-1) as Exclude<typeof kids[0], { kind: 'transfer' }>).label, /and 5 more failed files/);
    const whole = presentRun(run({ state: 'failed', error: { code: 'AuthRequired', message: 'Sign in again' } }));
    assert.match(whole.description!, /Sign in again$/);
  });

  it('the status bar summary counts running and queued runs by direction, else paused ones', () => {
    assert.equal(summarize([]), undefined);
    assert.equal(summarize([run({ state: 'done' })]), undefined);
    const s = summarize([run({ speed: 1.5 * MB }), run({ id: 'r2', state: 'queued' }), run({ id: 'r3', direction: 'download', speed: MB / 2 })]);
    assert.match(s!.text, /^↑ 2 · ↓ 1 · 2\.0 MiB\/s$/);
    assert.equal(summarize([run({ state: 'paused' }), run({ id: 'r2', state: 'paused' })])!.text, '2 paused');
  });

  it('the menus offer each action exactly in the states where the queue accepts it', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ command?: string; when?: string; group?: string }>> } };
    const offered = (command: string, state: RunState): boolean => pkg.contributes.menus['view/item/context']
      .filter((m) => m.command === command && m.group?.startsWith('inline'))
      .some((m) => {
        const re = /viewItem =~ \/(.*)\/$/.exec(m.when ?? '')?.[1];
        return re !== undefined && new RegExp(re).test(presentRun(run({ state })).contextValue);
      });
    const states: RunState[] = ['queued', 'running', 'paused', 'failed', 'cancelled', 'done'];
    const where = (command: string): RunState[] => states.filter((s) => offered(command, s));
    assert.deepEqual(where('koodrive.pauseTransfer'), ['queued', 'running']);
    assert.deepEqual(where('koodrive.resumeTransfer'), ['paused']);
    assert.deepEqual(where('koodrive.retryTransfer'), ['failed']);
    assert.deepEqual(where('koodrive.cancelTransfer'), ['queued', 'running', 'paused', 'failed']);
  });
});
