/**
 * `koodrive download` as a user runs it: the esbuild bundle (dist/cli.js, so
 * `npm test` builds first) in a child process against the sandbox.
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
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('koodrive download (CLI against the sandbox)', function () {
  this.timeout(60_000);
  let tmp: string;
  let sb: Sandbox;
  let tc: TestClient;
  let fileId: string;
  let folderId: string;
  let nestedId: string;
  const data = randomBytes(300_000);

  before(async function () {
    requireBuiltCli(CLI);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-dl-cli-'));
    sb = await startSandbox({ seed: false, dataDir: path.join(tmp, 'sandbox') });
    tc = new TestClient({ url: sb.url, token: sb.token, userId: sb.userId });
    const containerId = sb.personalContainerId;
    fileId = (await tc.upload({ containerId, name: 'report.bin', data })).fileId;
    const folder = await tc.ok('/directory', { fileName: 'photos', fileType: '10', containerId, parentFolder: ['root'] });
    folderId = folder.id as string;
    nestedId = (await tc.upload({ containerId, parent: folderId, name: 'cat.jpg', data: Buffer.from('meow') })).fileId;
  });
  after(async () => {
    await sb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function cli(...args: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args, '--endpoint', sb.url, '--token', sb.token, '--user-id', sb.userId],
        { env: { ...process.env, KOODRIVE_TOKEN: '' }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('--json prints one entry per file; a bad id fails alone and makes the exit code 1', async () => {
    const to = path.join(tmp, 'json');
    const r = await cli('download', fileId, folderId, 'NoSuchId', '--container', sb.personalContainerId, '--to', to, '--json');
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    const byId = new Map(out.map((e) => [e.fileId, e]));
    assert.deepEqual(byId.get(fileId), {
      fileId, remotePath: 'report.bin', localPath: path.join(to, 'report.bin'), size: data.length, sha256: sha256(data), status: 'downloaded',
    });
    assert.equal(byId.get(nestedId)?.localPath, path.join(to, 'photos', 'cat.jpg'));
    assert.equal(byId.get(nestedId)?.status, 'downloaded');
    const bad = byId.get('NoSuchId') as { status: string; error: { code: string } };
    assert.equal(bad.status, 'failed');
    assert.equal(bad.error.code, 'NotFound');
    assert.match(r.stderr, /1 of 3 file\(s\) could not be downloaded/);
    assert.ok(fs.readFileSync(path.join(to, 'report.bin')).equals(data));
    assert.equal(fs.readFileSync(path.join(to, 'photos', 'cat.jpg'), 'utf8'), 'meow');
  });

  it("never overwrites by default ('fail'); --conflict skip / rename", async () => {
    const to = path.join(tmp, 'conflict');
    assert.equal((await cli('download', fileId, '--container', sb.personalContainerId, '--to', to, '--json')).code, 0);
    fs.writeFileSync(path.join(to, 'report.bin'), 'local edits');

    const again = await cli('download', fileId, '--container', sb.personalContainerId, '--to', to, '--json');
    assert.equal(again.code, 1);
    const [entry] = JSON.parse(again.stdout) as Array<{ status: string; error: { code: string; message: string } }>;
    assert.equal(entry.status, 'failed');
    assert.equal(entry.error.code, 'Conflict');
    assert.equal(fs.readFileSync(path.join(to, 'report.bin'), 'utf8'), 'local edits');

    const skip = await cli('download', fileId, '--container', sb.personalContainerId, '--to', to, '--conflict', 'skip', '--json');
    assert.equal(skip.code, 0);
    assert.equal((JSON.parse(skip.stdout) as Array<{ status: string }>)[0].status, 'skipped');

    const rename = await cli('download', fileId, '--container', sb.personalContainerId, '--to', to, '--conflict', 'rename');
    assert.equal(rename.code, 0, rename.stderr);
    assert.ok(fs.readFileSync(path.join(to, 'report (1).bin')).equals(data));
    assert.match(rename.stdout, /1 file\(s\) downloaded/);
    assert.equal(fs.readFileSync(path.join(to, 'report.bin'), 'utf8'), 'local edits');
  });

  it('usage errors exit with 2', async () => {
    const r = await cli('download', fileId, '--container', sb.personalContainerId);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: koodrive download/);
    const bad = await cli('download', fileId, '--container', sb.personalContainerId, '--to', tmp, '--conflict', 'clobber');
    assert.equal(bad.code, 2);
  });
});
