/**
 * `koodrive stat / cat / put / ls <containerId>:<path>` as a user runs them:
 * the esbuild bundle (dist/cli.js) in a child process against the sandbox.
 * Every assertion checks what the sandbox stored or what the CLI printed.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { requireBuiltCli } from './helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface CliRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

describe('koodrive stat / cat / put (CLI against the sandbox)', function () {
  this.timeout(60_000);
  let tmp: string;
  let sb: Sandbox;
  let cid: string;

  before(async function () {
    requireBuiltCli(CLI);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-fs-cli-'));
    sb = await startSandbox({ seed: true, dataDir: path.join(tmp, 'sandbox') });
    cid = sb.personalContainerId;
  });
  after(async () => {
    await sb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function cli(args: string[], stdin?: Buffer): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args, '--endpoint', sb.url, '--token', sb.token, '--user-id', sb.userId], {
        env: { ...process.env, KOODRIVE_TOKEN: '', KOODRIVE_STATE_DIR: path.join(tmp, 'state') },
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
      child.stdin.end(stdin ?? Buffer.alloc(0));
    });
  }

  const find = (rel: string) => {
    let parent = 'root';
    let node;
    for (const name of rel.split('/')) {
      node = sb.store.findByName(cid, parent, name);
      if (!node) return undefined;
      parent = node.id;
    }
    return node;
  };

  it('stat --json prints exactly the pinned fields of a file and of a folder', async () => {
    const r = await cli(['stat', `${cid}:Documents/report.txt`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout.toString());
    assert.deepEqual(Object.keys(j).sort(), ['fileId', 'isFolder', 'modified', 'name', 'sha256', 'size'].sort());
    const node = find('Documents/report.txt')!;
    const content = sb.store.readContent(node.id);
    assert.deepEqual(j, {
      fileId: node.id, name: 'report.txt', isFolder: false, size: content.length, sha256: sha256(content),
      modified: new Date(sb.store.getFile(node.id)!.editedAt).toISOString(),
    });
    assert.match(j.modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const d = JSON.parse((await cli(['stat', `${cid}:Documents`, '--json'])).stdout.toString());
    assert.equal(d.isFolder, true);
    assert.equal(d.fileId, find('Documents')!.id);
  });

  it('stat of a missing path exits 1 naming it; a malformed remote path is a usage error (2)', async () => {
    const r = await cli(['stat', `${cid}:Documents/nope.txt`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"Documents\/nope\.txt" does not exist on KooDrive: there is no "nope\.txt" in Documents \[NotFound\]/);
    const u = await cli(['stat', 'no-colon-here']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /<containerId>:<path>/);
  });

  it('cat prints the verified bytes, binary-safe', async () => {
    const r = await cli(['cat', `${cid}:Projects/sample-data.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(sb.store.readContent(find('Projects/sample-data.bin')!.id)));
  });

  it('cat of a file whose download is corrupted prints nothing and exits 1', async () => {
    const node = find('Documents/report.txt')!;
    // Every attempt delivers a flipped byte: the SHA-256 check must refuse it.
    sb.faults.add({ match: { target: 'download', fileId: node.id }, action: { kind: 'corrupt', atByte: 3 }, times: 20 });
    try {
      const r = await cli(['cat', `${cid}:Documents/report.txt`]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout.length, 0, 'nothing unverified reached stdout');
      assert.match(r.stderr, /IntegrityFailed/);
    } finally {
      sb.faults.clear();
    }
  });

  it('put creates the file and missing parent folders, then revises it, then reports unchanged', async () => {
    const local = path.join(tmp, 'put-me.txt');
    fs.writeFileSync(local, 'first\n');
    const created = await cli(['put', local, `${cid}:New/Nested/put-me.txt`, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const c = JSON.parse(created.stdout.toString());
    const node = find('New/Nested/put-me.txt')!;
    assert.deepEqual(c, { fileId: node.id, name: 'put-me.txt', size: 6, sha256: sha256(Buffer.from('first\n')), created: true });
    assert.equal(sb.store.readContent(node.id).toString(), 'first\n');

    fs.writeFileSync(local, 'second\n');
    const revised = JSON.parse((await cli(['put', local, `${cid}:New/Nested/put-me.txt`, '--json'])).stdout.toString());
    assert.equal(revised.revised, true);
    assert.equal(revised.fileId, node.id);
    assert.equal(sb.store.readContent(node.id).toString(), 'second\n');
    assert.equal(sb.store.revisions(node.id).length, 2);

    const same = JSON.parse((await cli(['put', local, `${cid}:New/Nested/put-me.txt`, '--json'])).stdout.toString());
    assert.deepEqual(Object.keys(same).sort(), ['fileId', 'name', 'sha256', 'size', 'unchanged']);
    assert.equal(same.unchanged, true);
    assert.equal(sb.store.revisions(node.id).length, 2, 'no revision for identical content');
  });

  it('put --if-sha256: the matching hash saves; a different hash leaves the file untouched and prints [RemoteChanged]', async () => {
    const node = find('Documents/meeting-notes.md')!;
    const before = sb.store.readContent(node.id);
    const versions = sb.store.revisions(node.id).length;
    const local = path.join(tmp, 'notes-edit.md');
    fs.writeFileSync(local, Buffer.concat([before, Buffer.from('- edited\n')]));

    const stale = 'ab'.repeat(32);
    const refused = await cli(['put', local, `${cid}:Documents/meeting-notes.md`, '--if-sha256', stale]);
    assert.equal(refused.code, 1);
    const lines = refused.stderr.trim().split('\n');
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(lines[0], /\[RemoteChanged\]/);
    assert.ok(sb.store.readContent(node.id).equals(before), 'untouched');
    assert.equal(sb.store.revisions(node.id).length, versions);

    const ok = await cli(['put', local, `${cid}:Documents/meeting-notes.md`, '--if-sha256', sha256(before).toUpperCase(), '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout.toString()).revised, true);
    assert.ok(sb.store.readContent(node.id).equals(fs.readFileSync(local)));
    assert.equal(sb.store.revisions(node.id).length, versions + 1);

    const bad = await cli(['put', local, `${cid}:Documents/meeting-notes.md`, '--if-sha256', 'xyz']);
    assert.equal(bad.code, 2);
  });

  it('put --if-sha256 into folders that do not exist: refused before anything is created (no folder, no file)', async () => {
    const local = path.join(tmp, 'guarded.txt');
    fs.writeFileSync(local, 'guarded\n');
    const folders = (): number => Object.values(sb.store.listChildren(cid, 'root')).length;
    const before = folders();
    const since = sb.requests.length;
    const refused = await cli(['put', local, `${cid}:Not there/deeper/guarded.txt`, '--if-sha256', 'cd'.repeat(32)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\[RemoteChanged\]/);
    assert.equal(find('Not there'), undefined, 'no parent folder was created');
    assert.equal(folders(), before);
    const creates = sb.requests.slice(since).filter((r) => /\/files\/create|folders/.test(r.path) && r.method === 'POST');
    assert.deepEqual(creates.map((r) => r.path), [], 'no create request was sent');
  });

  it('put - reads stdin (binary, larger than a pipe buffer)', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const r = await cli(['put', '-', `${cid}:Documents/from-stdin.bin`, '--json'], data);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout.toString());
    assert.equal(j.created, true);
    assert.equal(j.sha256, sha256(data));
    assert.ok(sb.store.readContent(find('Documents/from-stdin.bin')!.id).equals(data));
  });

  it('names with spaces, unicode, # % & + \' [ ] { } ~, leading dots and 250 characters round-trip through put/stat/cat/ls', async () => {
    const names = ['with space.txt', 'ünïcødé 文件 ✓.md', "a#b%c&d+e'f[g]h{i}j~k.txt", '.hidden', '..two-dots', 'y'.repeat(246) + '.txt'];
    for (const name of names) {
      const data = Buffer.from(`content of ${name}\n`);
      const local = path.join(tmp, 'rt.bin');
      fs.writeFileSync(local, data);
      const put = await cli(['put', local, `${cid}:Round trip/${name}`, '--json']);
      assert.equal(put.code, 0, `${name}: ${put.stderr}`);
      assert.equal(sb.store.getFile(JSON.parse(put.stdout.toString()).fileId)!.name, name);
      const st = JSON.parse((await cli(['stat', `${cid}:Round trip/${name}`, '--json'])).stdout.toString());
      assert.equal(st.name, name);
      assert.equal(st.sha256, sha256(data));
      const cat = await cli(['cat', `${cid}:Round trip/${name}`]);
      assert.ok(cat.stdout.equals(data), name);
    }
    const ls = await cli(['ls', `${cid}:Round trip`, '--json']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual(JSON.parse(ls.stdout.toString()).map((i: { name: string }) => i.name).sort(), [...names].sort());
  });

  it('ls <containerId>:<path> lists a folder (all pages) and a file path lists the file; the id form still works', async () => {
    const many = await cli(['ls', `${cid}:Many files`, '--json']);
    assert.equal(JSON.parse(many.stdout.toString()).length, 150);
    const one = JSON.parse((await cli(['ls', `${cid}:Documents/report.txt`, '--json'])).stdout.toString());
    assert.deepEqual(one.map((i: { name: string }) => i.name), ['report.txt']);
    const byId = await cli(['ls', cid, '--json']);
    assert.ok(JSON.parse(byId.stdout.toString()).some((i: { name: string }) => i.name === 'Documents'));
    const human = await cli(['ls', `${cid}:Documents`]);
    assert.match(human.stdout.toString(), /report\.txt/);
  });
});
