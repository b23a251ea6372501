/**
 * The CLI keeps the token out of what it prints in every spelling the user
 * may give it: `--token=X` (its error line used to hide only `--token X`),
 * `--token X` and the environment. The sandbox echoes the token, without its
 * "Bearer" scheme, in its error message, so no pattern can catch it: only
 * the secret list can.
 */
import * as assert from 'node:assert/strict';
import { cli, newSessionToken } from './faults/support';
import { startWorld, World } from './helpers';

describe('CLI redaction of the token in every spelling (real HTTP)', function () {
  this.timeout(60_000);
  let w: World;
  let token: string;
  before(async () => {
    w = await startWorld();
    token = (await newSessionToken(w)).token;
  });
  after(async () => w?.close());
  afterEach(() => w.sandbox.faults.reset());

  const bare = (t: string): string => t.replace(/^Bearer[+ ]/i, '');
  const forms: Array<[string, (t: string) => string[], (t: string) => Record<string, string>]> = [
    ['--token=X', (t) => [`--token=${t}`], () => ({ KOODRIVE_TOKEN: '' })],
    ['--token X', (t) => ['--token', t], () => ({ KOODRIVE_TOKEN: '' })],
    ['KOODRIVE_TOKEN', () => [], (t) => ({ KOODRIVE_TOKEN: t })],
  ];

  for (const [name, args, env] of forms) {
    for (const verbose of [false, true]) {
      it(`${name}${verbose ? ' --verbose' : ''}: messages that echo the token print it as ***`, async () => {
        const run = () => cli(w, ['spaces', ...args(token), ...(verbose ? ['--verbose'] : [])], { token: '', env: env(token) });
        const assertNoToken = (r: { stdout: string; stderr: string }): void => {
          for (const leaked of [bare(token), encodeURIComponent(bare(token))]) {
            assert.ok(!r.stderr.includes(leaked) && !r.stdout.includes(leaked), `the token leaked with ${name}:\n${r.stderr}`);
          }
        };
        // Every listing fails: the command fails with one error line.
        w.sandbox.faults.add({ match: { target: 'api' }, action: { kind: 'status', status: 403, echoToken: true }, times: 10 });
        const failed = await run();
        assert.equal(failed.code, 1, failed.stderr);
        assert.equal(w.sandbox.faults.list()[0]?.fired, 4, 'the echoing fault answered each of the four listings once');
        const errorLine = failed.stderr.split('\n').find((l) => l.startsWith('koodrive:')) ?? '';
        assert.match(errorLine, /^koodrive: KooDrive denied access: the access token \*\*\* was not accepted here \[PermissionDenied\]/);
        assertNoToken(failed);
        // One listing fails: its warning line echoes the token too.
        w.sandbox.faults.reset();
        w.sandbox.faults.add({ match: { target: 'api', path: '/sharefolder/list' }, action: { kind: 'status', status: 403, echoToken: true }, times: 10 });
        const partial = await run();
        assert.equal(partial.code, 0, partial.stderr);
        assert.match(partial.stderr, /^warning: Could not list shared folders: KooDrive denied access: the access token \*\*\* was not accepted here$/m);
        assertNoToken(partial);
      });
    }
  }
});
