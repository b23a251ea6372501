/**
 * `koodrive revision save` of content identical to the latest version is
 * skipped ("unchanged"; --json says "unchanged": true) unless --force: the
 * sandbox must store no new revision and receive no upload. The CLI bundle
 * in a child process, against the sandbox over HTTP.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { TestClient } from '../sandbox/testing/client';
import { requireBuiltCli } from './helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('koodrive revision save: unchanged content is not saved again', function () {
  this.timeout(60_000);
  let tmp: string;
  let sb: Sandbox;
  let fileId: string;
  let local: string;
  const data = randomBytes(200_000);

  before(async function () {
    requireBuiltCli(CLI);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-rev-cli-'));
    sb = await startSandbox({ seed: false, dataDir: path.join(tmp, 'sandbox') });
    const tc = new TestClient({ url: sb.url, token: sb.token, userId: sb.userId });
    fileId = (await tc.upload({ containerId: sb.personalContainerId, name: 'plan.bin', data })).fileId;
    local = path.join(tmp, 'plan.bin');
    fs.writeFileSync(local, data);
  });
  after(async () => {
    await sb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function save(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'revision', 'save', local, '--container', sb.personalContainerId, '--file-id', fileId, ...extra],
        { env: { ...process.env, KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: sb.userId, KOODRIVE_STATE_DIR: path.join(tmp, 'state') }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  const uploadsSent = (): number => sb.requests.filter((r) => r.path.endsWith('/files/create') || r.path.includes('/revision/create')).length;

  it('identical content: says "unchanged", stores nothing, sends no upload', async () => {
    const before = sb.store.revisions(fileId).length;
    sb.requests.length = 0;
    const text = await save();
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Unchanged: .*plan\.bin is identical to the latest version of \S+; no new version saved/);
    const json = await save('--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      unchanged: true, localPath: local, fileId, size: data.length, sha256: createHash('sha256').update(data).digest('hex'),
    });
    assert.equal(sb.store.revisions(fileId).length, before, 'no new revision');
    assert.equal(uploadsSent(), 0, 'no create call reached the sandbox');
    assert.ok(sb.requests.some((r) => r.path.endsWith(`/files/${fileId}/detail`)), 'the check asked for the file detail');
  });

  it('--force saves identical content as a new version anyway', async () => {
    const before = sb.store.revisions(fileId).length;
    sb.requests.length = 0;
    const r = await save('--force', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).unchanged, false);
    assert.ok(uploadsSent() >= 1, 'the save went through the upload endpoint the unchanged case never reached');
    assert.equal(sb.store.revisions(fileId).length, before + 1);
  });

  it('changed content (same size) is saved: a new latest version with the new bytes', async () => {
    const before = sb.store.revisions(fileId).length;
    const changed = Buffer.from(data);
    changed[1234] ^= 0xff;
    fs.writeFileSync(local, changed);
    const r = await save('--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { unchanged: boolean; sha256: string };
    assert.equal(out.unchanged, false);
    assert.equal(out.sha256, createHash('sha256').update(changed).digest('hex'));
    assert.equal(sb.store.revisions(fileId).length, before + 1);
    assert.ok(sb.store.readContent(fileId).equals(changed));
  });

  it('a missing local file is a clear error and stores nothing', async () => {
    const before = sb.store.revisions(fileId).length;
    fs.rmSync(local);
    const r = await save();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot read .*plan\.bin: it does not exist/);
    assert.equal(sb.store.revisions(fileId).length, before);
  });
});
