/**
 * `koodrive sync` as a user runs it: the CLI bundle in a child process
 * against the sandbox. Pins the contract: the JSON of `status`, every exit
 * code (0 in sync, 1 a file failed, 2 usage, 3 conflicts left, 4 stopped by
 * a safety rule with nothing changed), `--dry-run` sending no changing
 * request, and a run killed with SIGKILL in the middle of applying that the
 * next run completes with no duplicate and nothing lost.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_PATH, requireBuiltCli, sha256, startWorld, waitFor, World } from './helpers';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { changingRequests, localContents, remoteContents, sorted, writeFiles } from './syncSupport';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('koodrive sync (CLI contract)', function () {
  this.timeout(120_000);
  let w: World;
  let n = 0;
  let local: string;
  let folderId: string;
  let folderName: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    requireBuiltCli(CLI_PATH); // a missing build is an error, not a pending test
    w = await startWorld({ seed: false });
    env = { ...process.env, KOODRIVE_ENDPOINT: w.sandbox.url, KOODRIVE_TOKEN: w.sandbox.token, KOODRIVE_USER_ID: w.sandbox.userId, KOODRIVE_STATE_DIR: path.join(w.tmp, 'state') };
  });
  after(() => w?.close());
  beforeEach(async () => {
    n++;
    local = path.join(w.tmp, `local${n}`);
    fs.mkdirSync(local, { recursive: true });
    folderName = `cli${n}`;
    folderId = (await w.drive.client.createFolder(w.personal, w.personal.rootFolderId, folderName)).id;
  });
  afterEach(() => w.sandbox.faults.reset());

  const cli = (...args: string[]): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI_PATH, ...args], { env, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
  const remote = (): Record<string, string> => sorted(remoteContents(w.sandbox, w.personal.containerId, folderId));
  const here = (): Record<string, string> => sorted(localContents(local));
  const linkIt = async (): Promise<void> => {
    const r = await cli('sync', 'link', local, `${w.personal.containerId}:/${folderName}`, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { local: fs.realpathSync(local), containerId: w.personal.containerId, folderId, remotePath: `/${folderName}` });
  };
  const lastSeq = (): number => w.sandbox.requests.at(-1)?.seq ?? 0;

  it('link, status --json (the contract shape), sync (exit 0), links, unlink', async () => {
    writeFiles(local, { 'a.txt': 'A', 'sub/b.txt': 'BB' });
    await linkIt();
    const st = await cli('sync', 'status', local, '--json');
    assert.equal(st.code, 0, st.stderr);
    const j = JSON.parse(st.stdout);
    assert.deepEqual(Object.keys(j), ['link', 'changes', 'summary']);
    assert.deepEqual(Object.keys(j.link), ['local', 'containerId', 'folderId', 'remotePath']);
    assert.deepEqual(j.changes, [
      { path: 'a.txt', state: 'localAdded', local: { size: 1, sha256: sha256(Buffer.from('A')) }, remote: null },
      { path: 'sub/b.txt', state: 'localAdded', local: { size: 2, sha256: sha256(Buffer.from('BB')) }, remote: null },
    ]);
    assert.deepEqual(j.summary, { toUpload: 2, toDownload: 0, conflicts: 0, unchanged: 0 });

    const s = await cli('sync', local);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(remote(), here());
    const again = JSON.parse((await cli('sync', 'status', local, '--json')).stdout);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.summary, { toUpload: 0, toDownload: 0, conflicts: 0, unchanged: 2 });
    // A remote change shows with its remote side.
    fs.writeFileSync(path.join(w.tmp, 'r.txt'), 'R!');
    const put = await cli('put', path.join(w.tmp, 'r.txt'), `${w.personal.containerId}:/${folderName}/sub/b.txt`);
    assert.equal(put.code, 0, put.stderr);
    const changed = JSON.parse((await cli('sync', 'status', local, '--json')).stdout);
    assert.equal(changed.changes.length, 1);
    assert.equal(changed.changes[0].state, 'remoteModified');
    assert.deepEqual(Object.keys(changed.changes[0].remote), ['fileId', 'size', 'sha256']);
    assert.equal(changed.changes[0].remote.size, 2);

    const links = JSON.parse((await cli('sync', 'links', '--json')).stdout) as Array<{ local: string }>;
    assert.ok(links.some((l) => l.local === fs.realpathSync(local)));
    const un = await cli('sync', 'unlink', local);
    assert.equal(un.code, 0, un.stderr);
    assert.equal((await cli('sync', 'status', local)).code, 1, 'not linked any more');
    assert.deepEqual(here(), { 'a.txt': 'A', 'sub/b.txt': 'BB' }, 'unlink keeps both sides');
  });

  it('usage errors exit 2', async () => {
    writeFiles(local, { 'a.txt': 'A' });
    await linkIt();
    for (const args of [['--direction', 'sideways'], ['--conflict', 'newest'], ['--max-delete', 'lots'], ['--bogus']]) {
      const r = await cli('sync', local, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.equal((await cli('sync')).code, 2);
    const help = await cli('sync', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /koodrive sync status <localDir> \[--json\]/);
  });

  it('--dry-run prints the plan and sends no request that changes anything', async () => {
    writeFiles(local, { 'a.txt': 'A', 'b.txt': 'B' });
    await linkIt();
    assert.equal((await cli('sync', local)).code, 0);
    writeFiles(local, { 'a.txt': 'A2', 'new/c.txt': 'C' });
    fs.rmSync(path.join(local, 'b.txt'));
    fs.writeFileSync(path.join(w.tmp, 'r.txt'), 'R');
    assert.equal((await cli('put', path.join(w.tmp, 'r.txt'), `${w.personal.containerId}:/${folderName}/r.txt`)).code, 0);
    const before = { remote: remote(), here: here() };
    const seq = lastSeq();
    const r = await cli('sync', local, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Dry run: nothing was changed/);
    assert.match(r.stdout, /upload new version: a\.txt/);
    assert.match(r.stdout, /upload: new\/c\.txt/);
    assert.match(r.stdout, /move to the KooDrive recycle bin: b\.txt/);
    assert.match(r.stdout, /download: r\.txt/);
    assert.ok(w.sandbox.requests.some((q) => q.seq > seq && q.path.includes('/files/0')), 'it did list');
    assert.deepEqual(changingRequests(w.sandbox, seq), []);
    assert.deepEqual({ remote: remote(), here: here() }, before);
    const j = JSON.parse((await cli('sync', local, '--dry-run', '--json')).stdout);
    assert.equal(j.dryRun, true);
    assert.equal(j.result, null);
    assert.deepEqual(j.actions.map((a: { kind: string; path: string }) => `${a.kind}:${a.path}`), ['uploadRevision:a.txt', 'upload:new/c.txt', 'download:r.txt', 'recycleRemote:b.txt']);
    assert.deepEqual(changingRequests(w.sandbox, seq), []);
  });

  it('conflicts left unresolved exit 3; resolved, exit 0', async () => {
    writeFiles(local, { 'c.txt': 'base', 'other.txt': 'o' });
    await linkIt();
    assert.equal((await cli('sync', local)).code, 0);
    writeFiles(local, { 'c.txt': 'mine', 'other.txt': 'o2' });
    fs.writeFileSync(path.join(w.tmp, 'theirs.txt'), 'theirs');
    assert.equal((await cli('put', path.join(w.tmp, 'theirs.txt'), `${w.personal.containerId}:/${folderName}/c.txt`)).code, 0);
    const r = await cli('sync', local, '--json');
    assert.equal(r.code, 3, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.result.conflicts, ['c.txt']);
    assert.equal(j.exitCode, 3);
    assert.equal(remote()['other.txt'], 'o2', 'the rest was synced');
    const kept = await cli('sync', local, '--conflict', 'keep-both');
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(Object.keys(here()).length, 3);
    assert.deepEqual(remote(), here());
  });

  it('a file that fails exits 1', async () => {
    writeFiles(local, { 'a.txt': 'A' });
    await linkIt();
    fs.writeFileSync(path.join(w.tmp, 'r.txt'), 'R');
    assert.equal((await cli('put', path.join(w.tmp, 'r.txt'), `${w.personal.containerId}:/${folderName}/r.txt`)).code, 0);
    const rId = w.sandbox.store.findByName(w.personal.containerId, folderId, 'r.txt')!.id;
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/download', fileId: rId }, action: { kind: 'failItem', code: '13000408' }, times: 100 });
    const r = await cli('sync', local);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /failed: r\.txt/);
    assert.ok(w.sandbox.faults.firings().length > 0);
    assert.equal(remote()['a.txt'], 'A', 'the other file was synced');
    w.sandbox.faults.reset();
    assert.equal((await cli('sync', local)).code, 0);
    assert.deepEqual(here(), { 'a.txt': 'A', 'r.txt': 'R' });
  });

  it('safety rules exit 4 with nothing changed: --max-delete, an emptied folder, a listing failing at page 2', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 130; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `content ${i}`;
    writeFiles(local, files);
    await linkIt();
    assert.equal((await cli('sync', local)).code, 0);

    for (let i = 0; i < 12; i++) fs.rmSync(path.join(local, `f${String(i).padStart(3, '0')}.txt`));
    let seq = lastSeq();
    const capped = await cli('sync', local, '--max-delete', '5');
    assert.equal(capped.code, 4, capped.stderr);
    assert.match(capped.stderr, /12 files would be deleted, more than the limit of 5/);
    assert.deepEqual(changingRequests(w.sandbox, seq), []);
    assert.equal((await cli('sync', local, '--max-delete', '10%')).code, 0, '12 ≤ 13');
    assert.equal(Object.keys(remote()).length, 118);

    // Everything gone locally (a wrong checkout, an unmounted disk): stop.
    const aside = `${local}-aside`;
    fs.renameSync(local, aside);
    fs.mkdirSync(local);
    seq = lastSeq();
    const empty = await cli('sync', local, '--json');
    assert.equal(empty.code, 4, empty.stderr);
    assert.deepEqual(JSON.parse(empty.stdout).stopped.map((s: { rule: string }) => s.rule), ['emptySide', 'maxDelete']);
    assert.deepEqual(changingRequests(w.sandbox, seq), []);
    fs.rmSync(local, { recursive: true });
    fs.renameSync(aside, local);

    // A listing that fails at its second page: nothing reads as deleted, nothing changes.
    writeFiles(local, { 'new.txt': 'N' });
    w.sandbox.faults.add({ match: { target: 'api', path: '/files/0', fileId: folderId }, action: { kind: 'status', status: 500 }, skip: 1, times: 100 });
    seq = lastSeq();
    const broken = await cli('sync', local, '--force');
    assert.equal(broken.code, 4, broken.stderr);
    assert.match(broken.stderr, /listing is incomplete/);
    assert.ok(w.sandbox.faults.firings().length > 0, 'the fault fired');
    assert.deepEqual(changingRequests(w.sandbox, seq), []);
    assert.equal(Object.keys(remote()).length, 118);
    assert.equal(Object.keys(here()).length, 119);
  });

  it('killed with SIGKILL in the middle of applying, the next run converges: no duplicate, nothing lost', async function () {
    this.timeout(300_000);
    const mine: Record<string, string> = {};
    for (let i = 0; i < 300; i++) mine[`up/d${i % 7}/u${i}.txt`] = `local file ${i} ${'x'.repeat(i)}`;
    writeFiles(local, mine);
    const theirs: Record<string, string> = {};
    // Put in-process (not 40 CLI start-ups: on a loaded machine those alone took most of the timeout).
    const sub = (await w.drive.client.createFolder(w.personal, folderId, 'down')).id;
    for (let i = 0; i < 40; i++) {
      const f = path.join(w.tmp, `t${n}-${i}`);
      fs.writeFileSync(f, `remote file ${i}`);
      theirs[`down/r${i}.txt`] = `remote file ${i}`;
      await uploadFile(w.deps({ resume: false }), f, { kind: 'file', space: w.personal, parentFolderId: sub, fileName: `r${i}.txt`, conflict: 'fail' });
    }
    await linkIt();
    const seq = lastSeq();
    const child = spawn(process.execPath, [CLI_PATH, 'sync', local], { env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const completes = (): number => w.sandbox.requests.filter((q) => q.seq > seq && q.path.endsWith('/files/complete')).length;
    await waitFor(() => completes() >= 60, 60_000);
    child.kill('SIGKILL');
    await exited;
    const done = completes();
    assert.ok(done < 300, `killed too late (${done} uploads completed)`);

    const again = await cli('sync', local, '--json');
    assert.equal(again.code, 0, again.stderr);
    const expected = sorted({ ...mine, ...theirs });
    assert.deepEqual(here(), expected, 'local: everything, once');
    assert.deepEqual(remote(), expected, 'KooDrive: everything, once (no "name (1).txt" copies)');
    const status = JSON.parse((await cli('sync', 'status', local, '--json')).stdout);
    assert.deepEqual(status.changes, []);
    assert.equal(status.summary.unchanged, 340);
  });
});
