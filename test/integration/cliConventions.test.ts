/**
 * The rough edges a new user meets on the command line (issue #24): paths
 * wherever an id is accepted, errors that name what was not found or is
 * missing, the same JSON field for the same thing, batch commands that name
 * their items and say how many, --quiet transfers, and the sandbox printing
 * its login line. The bundle in a child process against the sandbox, checking
 * what the sandbox and the disk hold afterwards.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { TestClient } from '../sandbox/testing/client';
import { requireBuiltCli } from './helpers';
import { CLI, CliRun, errLines, runCli } from './cliSpawn';

describe('koodrive command line conventions (CLI against the sandbox)', function () {
  this.timeout(90_000);
  let root: string;
  let home: string;
  let sb: Sandbox;
  let tc: TestClient;
  let pc: string;

  before(async function () {
    requireBuiltCli(CLI); // a missing build is an error, not a pending test
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-cli-conv-'));
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    sb = await startSandbox({ dataDir: path.join(root, 'sandbox') });
    tc = new TestClient(sb);
    pc = sb.personalContainerId;
  });
  after(async () => {
    await sb?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const cli = (...args: string[]): Promise<CliRun> =>
    runCli(args, { home, env: { KOODRIVE_STATE_DIR: path.join(home, 'state'), KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: sb.userId } });
  const put = async (name: string, parent = 'root', content = `content of ${name}`): Promise<string> =>
    (await tc.upload({ containerId: pc, parent, name, data: Buffer.from(content) })).fileId;
  const mkdir = async (name: string, parent = 'root'): Promise<string> =>
    (await tc.ok('/directory', { fileName: name, fileType: '10', containerId: pc, parentFolder: [parent] })).id;

  describe('paths wherever an id is accepted', () => {
    it('download <containerId>:<path> (a folder and a file) without --container', async () => {
      const to = path.join(root, 'dl-paths');
      const r = await cli('download', `${pc}:Documents/Archive`, `${pc}:Welcome.md`, '--to', to, '--json');
      assert.equal(r.code, 0, r.stderr);
      const entries = JSON.parse(r.stdout) as Array<{ status: string; localPath: string }>;
      assert.deepEqual(entries.map((e) => e.status), ['downloaded', 'downloaded']);
      assert.equal(fs.readFileSync(path.join(to, 'Archive', '2023-report.txt'), 'utf8'), 'Last year in review.\n'.repeat(50));
      assert.ok(fs.readFileSync(path.join(to, 'Welcome.md'), 'utf8').length > 0);
    });

    it('download of a path that does not exist names it (exit 1), the other items still download', async () => {
      const to = path.join(root, 'dl-missing');
      const r = await cli('download', `${pc}:myproj`, `${pc}:notes.txt`, '--to', to);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /"myproj" does not exist on KooDrive/);
      assert.doesNotMatch(r.stderr, /resource not found/);
      assert.ok(fs.existsSync(path.join(to, 'notes.txt')));
    });

    it('items of two spaces in one download are a usage error naming both', async () => {
      const team = sb.teams[0].containerId;
      const r = await cli('download', `${pc}:notes.txt`, `${team}:x`, '--to', path.join(root, 'dl-two'));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`one space at a time.*${pc}.*${team}`));
    });

    it('mv and cp take paths for the items and for --to; rm names what it removed, by path or by id', async () => {
      const dir = await mkdir('conv-mv');
      await put('a.txt', dir);
      const target = await mkdir('conv-target');
      const mv = await cli('mv', `${pc}:conv-mv/a.txt`, '--to', `${pc}:conv-target`);
      assert.equal(mv.code, 0, mv.stderr);
      assert.ok(sb.store.findByName(pc, target, 'a.txt'), 'moved into conv-target');
      assert.ok(!sb.store.findByName(pc, dir, 'a.txt'));

      const cp = await cli('cp', `${pc}:conv-target/a.txt`, '--to', `${pc}:conv-mv`);
      assert.equal(cp.code, 0, cp.stderr);
      assert.ok(sb.store.findByName(pc, dir, 'a.txt'), 'copied back');

      const rmPath = await cli('rm', `${pc}:conv-mv/a.txt`);
      assert.equal(rmPath.code, 0, rmPath.stderr);
      assert.equal(rmPath.stdout, 'a.txt: moved to the recycle bin\n');
      const id = sb.store.findByName(pc, target, 'a.txt')?.id;
      assert.ok(id);
      const rmId = await cli('rm', id, '--container', pc, '--json');
      assert.equal(rmId.code, 0, rmId.stderr);
      assert.deepEqual(JSON.parse(rmId.stdout), [{ fileId: id, name: 'a.txt', ok: true }]);
      const rmText = await cli('rm', await put('b.txt', target), '--container', pc);
      assert.equal(rmText.stdout, 'b.txt: moved to the recycle bin\n');
    });

    it('mkdir --parent <containerId>:<path>', async () => {
      const r = await cli('mkdir', pc, 'Made-by-path', '--parent', `${pc}:Documents/Archive`, '--json');
      assert.equal(r.code, 0, r.stderr);
      const archive = sb.store.findByName(pc, sb.store.findByName(pc, sb.personalRootId, 'Documents')!.id, 'Archive')!;
      assert.equal(sb.store.findByName(pc, archive.id, 'Made-by-path')?.id, JSON.parse(r.stdout).id);
    });

    it('revision list/save take --file-id <containerId>:<path> without --container', async () => {
      const r = await cli('revision', 'list', '--file-id', `${pc}:notes.txt`, '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
      const local = path.join(root, 'notes-new.txt');
      fs.writeFileSync(local, 'a third version\n');
      const save = await cli('revision', 'save', local, '--file-id', `${pc}:notes.txt`, '--json');
      assert.equal(save.code, 0, save.stderr);
      assert.equal(JSON.parse(save.stdout).unchanged, false);
    });

    it('--container and a path in another space disagree: a usage error, nothing changed', async () => {
      const team = sb.teams[0].containerId;
      const r = await cli('rm', `${pc}:Welcome.md`, '--container', team);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(sb.store.findByName(pc, sb.personalRootId, 'Welcome.md'));
    });
  });

  describe('errors name what was not found or what is missing', () => {
    it('ls <containerId> <badId> names the folder id and the space', async () => {
      const r = await cli('ls', pc, 'no-such-folder');
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(errLines(r), [`koodrive: No folder with id no-such-folder in space ${pc} (run "koodrive ls ${pc}" to see its top folder) [NotFound]`]);
    });

    it('cat of a path whose folder is missing names the path and the missing folder', async () => {
      const r = await cli('cat', `${pc}:does/not/exist.txt`);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(errLines(r), ['koodrive: "does/not/exist.txt" does not exist on KooDrive: there is no "does" at the top of the space [NotFound]']);
      const last = await cli('cat', `${pc}:Documents/nope.txt`);
      assert.deepEqual(errLines(last), ['koodrive: "Documents/nope.txt" does not exist on KooDrive: there is no "nope.txt" in Documents [NotFound]']);
    });

    it('upload without --container and download without ids say what is missing (exit 2)', async () => {
      const f = path.join(root, 'x.txt');
      fs.writeFileSync(f, 'x');
      const up = await cli('upload', f);
      assert.equal(up.code, 2);
      assert.match(errLines(up)[0], /^koodrive: Missing --container \(or a <containerId>:<folder> target with --parent\)\. Usage: koodrive upload /);
      const down = await cli('download', '--container', pc, '--to', root);
      assert.equal(down.code, 2);
      assert.match(errLines(down)[0], /^koodrive: Missing what to download: file or folder ids, or <containerId>:<path>\. Usage: koodrive download /);
      // --parent <containerId>:<folder> is the target and the space at once.
      const byParent = await cli('upload', f, '--parent', `${pc}:Documents`, '--json');
      assert.equal(byParent.code, 0, byParent.stderr);
      assert.ok(sb.store.findByName(pc, sb.store.findByName(pc, sb.personalRootId, 'Documents')!.id, 'x.txt'));
      const noTo = await cli('download', `${pc}:notes.txt`);
      assert.match(errLines(noTo)[0], /^koodrive: Missing --to <dir>\. Usage: koodrive download /);
    });

    it('a usage error shows the forms of ls separated, and the usage shows upload\'s default policy and KOODRIVE_STATE_DIR', async () => {
      const r = await cli('ls');
      assert.equal(r.code, 2);
      assert.match(errLines(r)[0], /Usage: koodrive ls <containerId> \[folderId\] \[--json\] \| koodrive ls <containerId>:<path> \[--json\] \[InvalidInput\]$/);
      const help = await cli('help');
      assert.match(help.stdout, /--conflict rename\|fail\|skip-same \(default rename\)/);
      assert.match(help.stdout, /KOODRIVE_STATE_DIR/);
    });
  });

  describe('the same name for the same thing, and counts', () => {
    it('ls --json has fileId (the name stat and search use) next to id', async () => {
      for (const args of [['ls', pc, '--json'], ['ls', `${pc}:Documents`, '--json']]) {
        const r = await cli(...args);
        assert.equal(r.code, 0, r.stderr);
        const items = JSON.parse(r.stdout) as Array<{ id: string; fileId: string }>;
        assert.ok(items.length > 0);
        for (const i of items) assert.equal(i.fileId, i.id);
      }
    });

    it('trash empty --yes says how many items it deleted, and when there was nothing', async () => {
      const dir = await mkdir('conv-trash');
      const ids = [await put('t1.txt', dir), await put('t2.txt', dir)];
      assert.equal((await cli('rm', ...ids, '--container', pc)).code, 0);
      const binBefore = JSON.parse((await cli('trash', 'ls', '--container', pc, '--json')).stdout) as unknown[];
      const r = await cli('trash', 'empty', '--container', pc, '--yes');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `Deleted ${binBefore.length} item(s) from the recycle bin for good\n`);
      const again = await cli('trash', 'empty', '--container', pc, '--yes', '--json');
      assert.deepEqual(JSON.parse(again.stdout), { emptied: true, deleted: 0 });
      const text = await cli('trash', 'empty', '--container', pc, '--yes');
      assert.equal(text.stdout, 'The recycle bin was already empty\n');
    });
  });

  describe('--quiet transfers', () => {
    it('upload, download and put --quiet print nothing on success; errors still go to stderr', async () => {
      const f = path.join(root, 'quiet.txt');
      fs.writeFileSync(f, 'quiet please');
      const up = await cli('upload', f, '--container', pc, '--quiet');
      assert.equal(up.code, 0, up.stderr);
      assert.equal(up.stdout, '');
      assert.equal(up.stderr, '');
      const down = await cli('download', `${pc}:quiet.txt`, '--to', path.join(root, 'quiet-dl'), '-q');
      assert.equal(down.code, 0, down.stderr);
      assert.equal(down.stdout + down.stderr, '');
      assert.equal(fs.readFileSync(path.join(root, 'quiet-dl', 'quiet.txt'), 'utf8'), 'quiet please');
      const p = await cli('put', f, `${pc}:quiet2.txt`, '--quiet');
      assert.equal(p.code, 0, p.stderr);
      assert.equal(p.stdout + p.stderr, '');
      const bad = await cli('download', `${pc}:nope.txt`, '--to', path.join(root, 'quiet-dl'), '--quiet');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /"nope\.txt" does not exist/);
      // --json is not affected by --quiet.
      const j = await cli('upload', f, '--container', pc, '--quiet', '--json', '--conflict', 'skip-same');
      assert.equal(JSON.parse(j.stdout)[0].status, 'skipped');
    });
  });

  it('the sandbox prints the one-line `koodrive login` for itself, and that line signs in', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--data', path.join(root, 'sb2')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Stop it')) resolve();
        });
        child.on('exit', () => reject(new Error(`sandbox exited: ${out}`)));
      });
      const line = /^ {2}sign in: +(echo sandbox-token \| koodrive login --endpoint (http:\/\/127\.0\.0\.1:\d+) --user-id sandbox-user --token-stdin)$/m.exec(out);
      assert.ok(line, out);
      // Run exactly that line, with `koodrive` being this build.
      const login = await runCli(['login', '--endpoint', line[2], '--user-id', 'sandbox-user', '--token-stdin'], { home, env: { KOODRIVE_STATE_DIR: path.join(root, 'sb2-state') }, input: 'sandbox-token\n' });
      assert.equal(login.code, 0, login.stderr);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
