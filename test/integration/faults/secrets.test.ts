/**
 * Secrets never leak: the CLI runs with --verbose through uploads, downloads
 * and failures (retries, refreshed URLs, integrity failures, an expired
 * token), and everything it printed and everything it left on disk is
 * scanned for the access token, the session id and every presigned-URL
 * signature and credential the sandbox handed out.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { MIN_PART_SIZE } from '../../../src/core/upload/partPlan';
import { startWorld, waitFor, World, writeRandomFile } from '../helpers';
import { cli, CliOptions, CliResult, mark, newSessionToken, remoteAt, since, spawnCli } from './support';

describe('secrets: token, session id and presigned signatures never appear in output, logs or files', function () {
  this.timeout(90_000);
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(async () => w?.close());

  it('a --verbose CLI session through uploads, downloads and failures leaks none of them', async () => {
    const { token, sessionId } = await newSessionToken(w);
    assert.ok(token.length >= 16 && sessionId.length >= 8);
    const home = path.join(w.tmp, 'home');
    const stateDir = path.join(w.tmp, 'sec-state');
    await mkdir(home);
    const o: CliOptions = { token, stateDir, env: { HOME: home } };
    const c = ['--container', w.personal.containerId, '--verbose'];
    const runs: Array<[string, CliResult]> = [];
    const run = async (what: string, args: string[], expectCode: number, opts: CliOptions = o): Promise<CliResult> => {
      const r = await cli(w, args, opts);
      runs.push([what, r]);
      assert.equal(r.code, expectCode, `${what}: ${r.stderr}`);
      return r;
    };

    // Uploads: a throttled create, a rejected URL (refreshed), a 500 on a part.
    const big = path.join(w.tmp, 'sec-big.bin');
    await writeRandomFile(big, 2 * MIN_PART_SIZE + 3, 1);
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/create' }, action: { kind: 'status', status: 429, retryAfter: 0 } });
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 2 }, action: { kind: 'status', status: 403 } });
    w.sandbox.faults.add({ match: { target: 'part', partNumber: 3 }, action: { kind: 'status', status: 500 } });
    await run('upload with retries', ['upload', big, ...c, '--part-size', String(MIN_PART_SIZE), '--json'], 0);
    const folder = path.join(w.tmp, 'sec-folder');
    await mkdir(folder);
    await writeFile(path.join(folder, 'ok.txt'), 'ok');
    await writeFile(path.join(folder, 'bad:name.txt'), 'bad');
    await run('folder upload with a refused name', ['upload', folder, ...c], 1);
    await run('usage error', ['upload', big, ...c, '--part-size', '123'], 2);

    // Downloads: an expired link (refreshed), a corrupted body, a per-file failure.
    const id = remoteAt(w, 'sec-big.bin')!.id;
    const ok = remoteAt(w, 'sec-folder', 'ok.txt')!.id;
    w.sandbox.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'status', status: 403 } });
    await run('download with a refreshed link', ['download', id, ...c, '--to', path.join(w.tmp, 'dl1')], 0);
    w.sandbox.faults.add({ match: { target: 'download', fileId: id }, action: { kind: 'corrupt' }, times: 10 });
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/download', fileId: ok }, action: { kind: 'failItem', code: '13000410' }, times: 10 });
    await run('download with failures', ['download', id, ok, ...c, '--to', path.join(w.tmp, 'dl2'), '--json'], 1);
    w.sandbox.faults.reset();

    // The token on the command line instead of the environment, with a failure.
    w.sandbox.faults.add({ match: { target: 'api' }, action: { kind: 'malformed', body: 'html' }, times: 100 });
    await run('--token flag, HTML answers', ['spaces', '--verbose', '--token', token], 1, { ...o, env: { HOME: home, KOODRIVE_TOKEN: '' } });
    w.sandbox.faults.reset();

    // The token expires mid-upload: AuthRequired, resume state left on disk.
    const seq = mark(w.sandbox);
    w.sandbox.faults.add({ match: { target: 'part' }, action: { kind: 'delay', ms: 300 }, times: 100 });
    const other = path.join(w.tmp, 'sec-other.bin'); // new content: no flash upload
    await writeRandomFile(other, 2 * MIN_PART_SIZE + 3, 2);
    const killed = spawnCli(w, ['upload', other, ...c, '--part-size', String(MIN_PART_SIZE)], o);
    await waitFor(() => since(w.sandbox, seq).some((r) => r.target === 'part'), 20_000);
    w.sandbox.faults.expireUrls();
    w.sandbox.faults.expireTokens();
    const expired = await killed.done;
    runs.push(['expired token', expired]);
    assert.equal(expired.code, 1, expired.stderr);
    assert.match(expired.stderr, /sign in again.*\[AuthRequired\]/);

    // What the sandbox handed out that must never be shown.
    const secrets = new Map<string, string>([[token, 'token'], [sessionId, 'session id']]);
    for (const r of w.sandbox.requests) {
      for (const k of ['X-Amz-Signature', 'X-Amz-Credential']) {
        const v = r.query?.[k];
        if (v) secrets.set(String(v), `${k} of ${r.method} ${r.path}`);
      }
    }
    assert.ok([...secrets.values()].filter((k) => k.startsWith('X-Amz-Signature')).length >= 5, 'presigned URLs were used');

    const output = runs.map(([what, r]) => `### ${what}\n${r.stdout}\n${r.stderr}`).join('\n');
    assert.match(output, /\[(debug|info)\] POST \/koodrive\/ose\/v1\/files\/create 429/, 'verbose logging was on');
    assert.match(output, /failed verification/);
    for (const [value, name] of secrets) assert.ok(!output.includes(value), `the ${name} appears in the CLI output`);
    assert.doesNotMatch(output, /X-Amz-(Signature|Credential|Security-Token)=(?!\*\*\*)/i);
    assert.doesNotMatch(output, /Bearer[+ ](?!\*\*\*)[A-Za-z0-9]/);

    // Files the CLI left behind (resume state; nothing else may appear in HOME).
    const left = [...listFiles(stateDir), ...listFiles(home)];
    assert.ok(left.some((f) => f.endsWith('.json')), 'resume state was written');
    for (const f of left) {
      const text = fs.readFileSync(f, 'utf8');
      for (const [value, name] of secrets) assert.ok(!text.includes(value), `the ${name} appears in ${f}`);
      assert.doesNotMatch(text, /X-Amz-|uploadUrl|Bearer/i, f);
    }

    // The sandbox's own request log (what a failing test prints) holds no token either.
    for (const r of w.sandbox.requests) {
      if (r.headers.authorization) assert.match(r.headers.authorization, /<redacted>$/);
      assert.ok(!JSON.stringify(r).includes(token), 'the sandbox request log holds no token');
    }
  });
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}
