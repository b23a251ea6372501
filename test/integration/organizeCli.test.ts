/**
 * `koodrive search|mv|cp|rm|trash` as a user runs them: the esbuild bundle
 * (dist/cli.js, so `npm test` builds first) in a child process against the
 * sandbox, checking what the sandbox holds afterwards.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, SandboxTeam, startSandbox } from '../../src/sandbox/server';
import { TestClient } from '../sandbox/testing/client';
import { requireBuiltCli } from './helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('koodrive search, mv, cp, rm, trash (CLI against the sandbox)', function () {
  this.timeout(90_000);
  let tmp: string;
  let sb: Sandbox;
  let tc: TestClient;
  let pc: string;
  let team: SandboxTeam;

  before(async function () {
    requireBuiltCli(CLI);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-org-cli-'));
    sb = await startSandbox({ seed: true, dataDir: path.join(tmp, 'sandbox') });
    tc = new TestClient(sb);
    pc = sb.personalContainerId;
    team = sb.teams.find((t) => t.name === 'Design Team') as SandboxTeam;
  });
  after(async () => {
    await sb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => sb.setJobRunMs(0));

  function cli(...args: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args, '--endpoint', sb.url, '--token', sb.token, '--user-id', sb.userId],
        { env: { ...process.env, KOODRIVE_TOKEN: '' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
  const mkdir = async (name: string, parent = 'root', containerId = pc): Promise<string> =>
    (await tc.ok('/directory', { fileName: name, fileType: '10', containerId, parentFolder: [parent] })).id;
  const upload = async (name: string, parent = 'root', data: Buffer = randomBytes(1000)): Promise<string> =>
    (await tc.upload({ containerId: pc, parent, name, data })).fileId;

  it('search --json lists every page with the documented fields, in all spaces or one', async () => {
    const dir = await mkdir('cli-search');
    for (let i = 0; i < 105; i++) await upload(`quokka-${i}.txt`, dir, Buffer.from(String(i)));
    const r = await cli('search', 'quokka', '--json');
    assert.equal(r.code, 0, r.stderr);
    const hits = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(hits.length, 105); // two pages of 100
    assert.deepEqual(Object.keys(hits[0]).sort(), ['containerId', 'fileId', 'isFolder', 'modified', 'name', 'path', 'size'].sort());
    const one = hits.find((h) => h.name === 'quokka-7.txt');
    assert.equal(one?.path, '/cli-search/quokka-7.txt');
    assert.equal(one?.containerId, pc);
    assert.equal(one?.isFolder, false);
    assert.equal(one?.size, 1);
    const inTeam = await cli('search', 'quokka', '--container', team.containerId, '--json');
    assert.equal(inTeam.code, 0, inTeam.stderr);
    assert.deepEqual(JSON.parse(inTeam.stdout), []);
  });

  it('search refuses a keyword with spaces before sending it (exit 2)', async () => {
    const before = sb.requests.filter((x) => x.path.endsWith('/files/search')).length;
    const r = await cli('search', 'two words');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /spaces/);
    assert.equal(sb.requests.filter((x) => x.path.endsWith('/files/search')).length, before);
  });

  it('mv moves folders with content and reports failures per item with --json (exit 1)', async () => {
    const src = await mkdir('cli-mv-src');
    const inner = await upload('inner.txt', src);
    const dst = await mkdir('cli-mv-dst');
    sb.setJobRunMs(400); // the CLI must really poll
    const r = await cli('mv', src, 'Fnosuchfile', '--to', dst, '--container', pc, '--json');
    assert.equal(r.code, 1, r.stderr);
    const items = JSON.parse(r.stdout) as Array<{ fileId: string; ok: boolean; error?: { code: string; apiCode: string; message: string } }>;
    assert.deepEqual(items.map((i) => [i.fileId, i.ok]), [[src, true], ['Fnosuchfile', false]]);
    assert.equal(items[1].error?.apiCode, '13000309');
    assert.equal(sb.store.getFile(src)?.parentId, dst);
    assert.equal(sb.store.getFile(inner)?.parentId, src);
  });

  it('cp --to-container copies a folder deeply into a team space, bytes checked', async () => {
    const src = await mkdir('cli-cp-src');
    const data = randomBytes(40_000);
    await upload('payload.bin', src, data);
    const r = await cli('cp', src, '--to', 'root', '--container', pc, '--to-container', team.containerId, '--json');
    assert.equal(r.code, 0, r.stderr);
    const [item] = JSON.parse(r.stdout) as Array<{ ok: boolean; newFileId: string }>;
    assert.equal(item.ok, true);
    const copy = sb.store.getFile(item.newFileId);
    assert.equal(copy?.containerId, team.containerId);
    const payload = sb.store.findByName(team.containerId, item.newFileId, 'payload.bin');
    assert.ok(payload && sb.store.readContent(payload.id).equals(data));
  });

  it('rm to the bin, trash ls shows it with its folder, trash restore brings it back', async () => {
    const dir = await mkdir('cli-bin');
    const f = await upload('doomed.txt', dir, Buffer.from('keep me'));
    // An unknown id fails alone (exit 1); the real one still goes to the bin.
    let r = await cli('rm', 'Fnosuchfile', f, '--container', pc, '--json');
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Array<{ fileId: string; ok: boolean }>).map((i) => [i.fileId, i.ok]), [['Fnosuchfile', false], [f, true]]);
    assert.equal(sb.store.getFile(f)?.recycled, true);
    r = await cli('trash', 'ls', '--container', pc, '--json');
    assert.equal(r.code, 0, r.stderr);
    const bin = JSON.parse(r.stdout) as Array<{ fileId: string; name: string; originalFolder: string; deleted: string }>;
    const entry = bin.find((b) => b.fileId === f);
    assert.equal(entry?.name, 'doomed.txt');
    assert.equal(entry?.originalFolder, '/cli-bin');
    assert.ok(entry?.deleted);
    r = await cli('trash', 'restore', f, '--container', pc);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sb.store.getFile(f)?.recycled, false);
    assert.equal(sb.store.getFile(f)?.parentId, dir);
    assert.equal(sb.store.readContent(f).toString(), 'keep me');
  });

  it('rm --permanent deletes for good; trash empty refuses without --yes and empties with it', async () => {
    const p = await upload('perm.txt');
    let r = await cli('rm', p, '--container', pc, '--permanent');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sb.store.getFile(p), undefined);

    const q = await upload('binned.txt');
    assert.equal((await cli('rm', q, '--container', pc)).code, 0);
    const jobsBefore = sb.requests.filter((x) => x.path.endsWith('/jobs') && x.method === 'POST').length;
    r = await cli('trash', 'empty', '--container', pc);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--yes/);
    assert.equal(sb.requests.filter((x) => x.path.endsWith('/jobs') && x.method === 'POST').length, jobsBefore);
    assert.equal(sb.store.getFile(q)?.recycled, true);
    r = await cli('trash', 'empty', '--container', pc, '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sb.store.getFile(q), undefined);
    r = await cli('trash', 'ls', '--container', pc, '--json');
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('usage errors name the problem', async () => {
    assert.equal((await cli('mv', 'x', '--container', pc)).code, 2);
    assert.equal((await cli('trash', 'bogus', '--container', pc)).code, 2);
    assert.equal((await cli('trash', 'restore', '--container', pc)).code, 2);
    const help = await cli('trash', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /trash empty --container <containerId> --yes/);
  });
});
