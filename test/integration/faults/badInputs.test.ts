/**
 * The bad-input catalogue against the sandbox: the CLI and the engines get
 * names, sizes, files and answers they must refuse or make safe. Each case
 * checks the message the user sees AND that nothing was sent that could lose
 * or corrupt data (mostly: no request at all, or no mutating one), and the
 * local end state. Unit-level cases: test/unit/badInputs.test.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmod, mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../../src/core/api/credentials';
import type { DriveItem } from '../../../src/core/api/models';
import { KooDriveError } from '../../../src/core/errors';
import { createKooDrive } from '../../../src/core/koodrive';
import { downloadFiles } from '../../../src/core/download/downloadFiles';
import { MAX_FILE_SIZE, MAX_PARTS, MIN_PART_SIZE } from '../../../src/core/upload/partPlan';
import { uploadFile } from '../../../src/core/upload/uploadFile';
import type { UploadTarget } from '../../../src/core/upload/uploadTarget';
import { uploadFolder } from '../../../src/core/upload/uploadFolder';
import type { Store } from '../../../src/sandbox/store';
import { startWorld, World } from '../helpers';
import {
  assertNotOnDrive, assertStoredAs, canSwitchUser, cli, localTree, mark, mutatingSince, NOBODY, putRemote, remoteAt, remoteNames,
  shareWith, since,
} from './support';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('bad inputs (integration): a clear message and no request that could lose data', function () {
  this.timeout(60_000);
  let w: World;
  let n = 0;
  const local = (name: string): string => path.join(w.tmp, name);
  const toRoot = (fileName?: string): UploadTarget => ({ kind: 'file', space: w.personal, parentFolderId: 'root', conflict: 'fail', fileName });
  const container = (): string[] => ['--container', w.personal.containerId];
  /** No request of any kind reached the sandbox since `seq`. */
  const nothingSent = (seq: number, what: string): void => assert.deepEqual(since(w.sandbox, seq).map((r) => `${r.method} ${r.path}`), [], `${what}: nothing sent`);
  const rejectsWith = (re: RegExp, code: KooDriveError['code'] = 'InvalidInput') => (e: unknown): boolean => {
    assert.ok(KooDriveError.is(e, code), `expected ${code}, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  };
  const createdNames = (seq: number): string[] => since(w.sandbox, seq)
    .filter((r) => r.path.endsWith('/files/create') || r.path.endsWith('/directory'))
    .map((r) => String((r.bodyJson as { fileName?: string }).fileName));

  before(async () => {
    w = await startWorld();
    fs.chmodSync(w.tmp, 0o755); // the unprivileged-user cases need to traverse it
  });
  after(async () => w?.close());
  afterEach(() => w.sandbox.faults.reset());

  // ---- names ------------------------------------------------------------------

  describe('names KooDrive refuses', () => {
    for (const c of ['<', '>', '|', ':', '"', '*', '?', '\\']) {
      it(`a local file named with ${c}: refused before any request`, async () => {
        const f = local(`bad${c}name.txt`);
        await writeFile(f, 'x');
        const seq = mark(w.sandbox);
        await assert.rejects(uploadFile(w.deps(), f, toRoot()), rejectsWith(/^Cannot upload as "bad.name\.txt" .*KooDrive names cannot contain/));
        nothingSent(seq, c);
      });
    }

    it('"/", ".", ".." and "" as the name to upload under: refused before any request', async () => {
      const f = local('plain.txt');
      await writeFile(f, 'x');
      const seq = mark(w.sandbox);
      await assert.rejects(uploadFile(w.deps(), f, toRoot('a/b.txt')), rejectsWith(/cannot contain '\/'/));
      await assert.rejects(uploadFile(w.deps(), f, toRoot('.')), rejectsWith(/"\." is not allowed as a name/));
      await assert.rejects(uploadFile(w.deps(), f, toRoot('..')), rejectsWith(/"\.\." is not allowed as a name/));
      await assert.rejects(uploadFile(w.deps(), f, toRoot('')), rejectsWith(/the name is empty/));
      nothingSent(seq, 'names');
    });

    it('a 251-character name is refused before any request; 250 characters upload', async () => {
      const long = local(`${'n'.repeat(247)}.txt`); // 251
      const ok = local(`${'n'.repeat(246)}.txt`); // 250
      await writeFile(long, 'long');
      await writeFile(ok, 'ok');
      const seq = mark(w.sandbox);
      await assert.rejects(uploadFile(w.deps(), long, toRoot()), rejectsWith(/251 characters; KooDrive allows 250/));
      nothingSent(seq, '251 characters');
      const r = await uploadFile(w.deps(), ok, toRoot());
      assert.equal(r.fileName, path.basename(ok));
      assertStoredAs(w, ok, path.basename(ok));
    });

    it('CLI: one bad name among several paths → exit 1 naming it, and nothing at all is sent (not even the good file)', async () => {
      const good = local('cli-good.txt');
      const bad = local('cli-bad:name.txt');
      await writeFile(good, 'g');
      await writeFile(bad, 'b');
      const seq = mark(w.sandbox);
      const r = await cli(w, ['upload', good, bad, ...container()]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Cannot upload as "cli-bad:name\.txt" .*cannot contain ':'.*\[InvalidInput\]/);
      nothingSent(seq, 'CLI');
      assertNotOnDrive(w, 'cli-good.txt');
    });

    it('folder upload: files and folders with refused names fail alone, without a request; the rest is uploaded', async () => {
      const root = local('bi-names');
      await mkdir(path.join(root, 'q?', 'deeper'), { recursive: true });
      await mkdir(path.join(root, 'sub'));
      await writeFile(path.join(root, 'ok.txt'), 'ok');
      await writeFile(path.join(root, 'x:y.txt'), 'colon');
      await writeFile(path.join(root, 'q?', 'inner.txt'), 'inner');
      await writeFile(path.join(root, 'q?', 'deeper', 'z.txt'), 'z');
      await writeFile(path.join(root, 'sub', 'fine.txt'), 'fine');
      const seq = mark(w.sandbox);
      const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail' });
      assert.deepEqual(s.files.map((f) => `${f.status}:${f.relPath}`), ['uploaded:ok.txt', 'failed:q?/deeper/z.txt', 'failed:q?/inner.txt', 'uploaded:sub/fine.txt', 'failed:x:y.txt']);
      const inner = s.files.find((f) => f.relPath === 'q?/inner.txt')!;
      assert.ok(inner.status === 'failed' && /inner\.txt was not uploaded: Cannot upload as "q\?"/.test(inner.error.message), inner.status === 'failed' ? inner.error.message : '');
      assert.deepEqual(createdNames(seq).sort(), ['bi-names', 'fine.txt', 'ok.txt', 'sub'], 'no create for a refused name');
      assert.deepEqual(remoteNames(w, 'bi-names'), ['ok.txt', 'sub']);
      assertStoredAs(w, path.join(root, 'sub', 'fine.txt'), 'bi-names', 'sub', 'fine.txt');
    });
  });

  // ---- sizes and plans --------------------------------------------------------

  describe('sizes and part plans', () => {
    it('a sparse file over 200 GB: CLI and engine refuse it before any request; in a folder it fails alone', async () => {
      const root = local('bi-huge');
      await mkdir(root);
      const huge = path.join(root, 'huge.img');
      await writeFile(huge, '');
      await truncate(huge, MAX_FILE_SIZE + 1);
      await writeFile(path.join(root, 'small.txt'), 'small');
      let seq = mark(w.sandbox);
      const r = await cli(w, ['upload', huge, ...container()]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /huge\.img is 200000000001 bytes; KooDrive accepts files up to 200 GB/);
      await assert.rejects(uploadFile(w.deps(), huge, toRoot()), rejectsWith(/accepts files up to 200 GB/));
      nothingSent(seq, '200 GB');
      seq = mark(w.sandbox);
      const s = await uploadFolder(w.deps(), root, { space: w.personal, parentFolderId: 'root' }, { conflict: 'fail' });
      assert.deepEqual(s.files.map((f) => `${f.status}:${f.relPath}`), ['failed:huge.img', 'uploaded:small.txt']);
      assert.deepEqual(createdNames(seq).sort(), ['bi-huge', 'small.txt']);
    });

    it('a part size that needs over 10 000 parts: refused before any request', async () => {
      const f = local('many-parts.img');
      await writeFile(f, '');
      await truncate(f, MAX_PARTS * MIN_PART_SIZE + 1);
      const seq = mark(w.sandbox);
      const r = await cli(w, ['upload', f, ...container(), '--part-size', '5MiB']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /would need 10001 parts; KooDrive allows 10000\. Use at least \d+ bytes/);
      nothingSent(seq, '10 001 parts');
    });

    it('--part-size not a multiple of 64, or below 5 MiB: usage error (exit 2) before any request', async () => {
      const f = local('ps.txt');
      await writeFile(f, 'x');
      const seq = mark(w.sandbox);
      const a = await cli(w, ['upload', f, ...container(), '--part-size', '5242881']);
      assert.equal(a.code, 2);
      assert.match(a.stderr, /--part-size: Part size must be a multiple of 64 bytes.*try 5242944/);
      const b = await cli(w, ['upload', f, ...container(), '--part-size', '4MiB']);
      assert.equal(b.code, 2);
      assert.match(b.stderr, /--part-size: Part size must be between 5 MiB/);
      nothingSent(seq, 'part size');
    });

    it('an empty file goes up as 0 bytes and comes down as 0 bytes', async () => {
      const f = local('empty.dat');
      await writeFile(f, '');
      const up = await cli(w, ['upload', f, ...container(), '--json']);
      assert.equal(up.code, 0, up.stderr);
      const stored = remoteAt(w, 'empty.dat')!;
      assert.equal(stored.size, 0);
      assert.equal(stored.sha256, EMPTY_SHA256);
      const dir = local(`down${++n}`);
      const down = await cli(w, ['download', stored.id, ...container(), '--to', dir]);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(fs.statSync(path.join(dir, 'empty.dat')).size, 0);
      assert.deepEqual(localTree(dir), ['empty.dat']);
    });
  });

  // ---- local files that are not plain readable files ---------------------------

  describe('local files', () => {
    it('symbolic links and link loops in a folder upload are listed as not uploaded and never followed', async () => {
      const root = local('bi-links');
      await mkdir(root);
      await writeFile(path.join(root, 'real.txt'), 'real');
      await symlink('.', path.join(root, 'loop'));
      await symlink('..', path.join(root, 'parent'));
      await symlink('/etc/hostname', path.join(root, 'outside'));
      await symlink('missing', path.join(root, 'dangling'));
      const seq = mark(w.sandbox);
      const r = await cli(w, ['upload', root, ...container()]);
      assert.equal(r.code, 1, r.stderr);
      for (const l of ['loop', 'parent', 'outside', 'dangling']) assert.match(r.stderr, new RegExp(`- ${path.join(root, l)}: symbolic link not followed`));
      assert.match(r.stderr, /4 of 5 file\(s\) were not uploaded/);
      assert.deepEqual(remoteNames(w, 'bi-links'), ['real.txt']);
      assert.deepEqual(createdNames(seq).sort(), ['bi-links', 'real.txt']);
    });

    it('an unreadable file (CLI as an unprivileged user): LocalIo "permission denied", no mutating request', async function () {
      if (!canSwitchUser()) this.skip(); // root reads anything: the CLI runs as nobody
      const dir = local('bi-locked');
      await mkdir(dir, { mode: 0o755 });
      const secret = path.join(dir, 'secret.txt');
      await writeFile(secret, 'secret', { mode: 0o600 });
      shareWith(path.join(w.tmp, 'cli-state'));
      const seq = mark(w.sandbox);
      const r = await cli(w, ['upload', secret, ...container()], { user: NOBODY });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`Cannot read ${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied \\[LocalIo\\]`));
      assert.deepEqual(mutatingSince(w.sandbox, seq), []);
      assertNotOnDrive(w, 'secret.txt');
    });

    it('a folder with an unreadable file and an unreadable subfolder (as nobody): both listed, the rest uploaded', async function () {
      if (!canSwitchUser()) this.skip();
      const root = local('bi-partly');
      await mkdir(path.join(root, 'closed'), { recursive: true });
      await writeFile(path.join(root, 'open.txt'), 'open');
      await writeFile(path.join(root, 'secret.txt'), 'secret', { mode: 0o600 });
      await writeFile(path.join(root, 'closed', 'inner.txt'), 'inner');
      await chmod(path.join(root, 'closed'), 0o700);
      shareWith(path.join(w.tmp, 'cli-state'));
      const seq = mark(w.sandbox);
      const r = await cli(w, ['upload', root, ...container()], { user: NOBODY });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /✗ .*secret\.txt: Cannot read .*secret\.txt: permission denied/);
      assert.match(r.stderr, /- .*closed: cannot read folder: EACCES/);
      assert.deepEqual(remoteNames(w, 'bi-partly'), ['open.txt'], 'the unreadable folder is not created as an empty folder');
      // The unreadable folder on its own: refused before anything is created.
      const own = mark(w.sandbox);
      const alone = await cli(w, ['upload', path.join(root, 'closed'), ...container()], { user: NOBODY });
      assert.equal(alone.code, 1);
      assert.match(alone.stderr, /Cannot upload .*closed: cannot read folder: EACCES \[LocalIo\]/);
      assert.deepEqual(mutatingSince(w.sandbox, own), []);
      assert.ok(!createdNames(seq).includes('secret.txt'), 'no create for the unreadable file');
      assertStoredAs(w, path.join(root, 'open.txt'), 'bi-partly', 'open.txt');
    });

    it('a path that does not exist, a FIFO, a folder given as a file: refused before any request', async () => {
      const fifo = local('a-fifo');
      execFileSync('mkfifo', [fifo]);
      const seq = mark(w.sandbox);
      const missing = await cli(w, ['upload', local('no-such-file.txt'), ...container()]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Cannot upload .*no-such-file\.txt: it does not exist \[LocalIo\]/);
      const special = await cli(w, ['upload', fifo, ...container()]);
      assert.equal(special.code, 1);
      assert.match(special.stderr, /a-fifo is neither a file nor a folder/);
      await assert.rejects(uploadFile(w.deps(), w.tmp, toRoot()), rejectsWith(/is not a regular file/));
      nothingSent(seq, 'not a file');
    });

    it("a folder upload that contains KooDrive's own files (the CLI's resume state, an unfinished download) leaves them out", async () => {
      // Interpretation of "a folder upload containing the destination": the state folder the upload itself
      // writes to, and a download target (with its half-written temp files) inside the folder being uploaded.
      const root = local('bi-self');
      const stateDir = path.join(root, '.koodrive');
      await mkdir(path.join(stateDir, 'uploads'), { recursive: true });
      await writeFile(path.join(stateDir, 'uploads', '0123456789abcdef.json'), '{"version":1,"stale":true}');
      await mkdir(path.join(root, 'downloads'));
      await writeFile(path.join(root, 'downloads', '.report.pdf.F00000000000000000001.koodrive-partial'), 'half a report');
      await writeFile(path.join(root, 'notes.txt'), 'notes');
      const r = await cli(w, ['upload', root, ...container(), '--json'], { stateDir });
      assert.equal(r.code, 0, r.stderr);
      // The state folder's own files stay out (".koodrive" itself is the user's folder; only "uploads" in it is ours).
      assert.deepEqual(remoteNames(w, 'bi-self').filter((x) => x !== '.koodrive'), ['downloads', 'notes.txt']);
      assert.deepEqual(remoteNames(w, 'bi-self', '.koodrive'), [], 'no resume-state file uploaded');
      assert.deepEqual(remoteNames(w, 'bi-self', 'downloads'), [], 'the unfinished download is not uploaded');
      assertStoredAs(w, path.join(root, 'notes.txt'), 'bi-self', 'notes.txt');
    });
  });

  // ---- what the server sends ---------------------------------------------------

  describe('answers and names from the server', () => {
    it('hostile names in a listing (CLI download): made safe inside --to; ".." fails alone; nothing written outside', async () => {
      const folder = (await w.drive.client.createFolder(w.personal, 'root', 'bi-hostile')).id;
      const hostile = ['../escape.txt', '/abs.txt', 'nul\u0000byte', 'CON', '..', 'C:\\evil.txt'];
      const ids: string[] = [];
      for (let i = 0; i < hostile.length; i++) ids.push(await putRemote(w, `h${i}`, Buffer.from(`content ${i}`), folder));
      // The sandbox refuses such names on create (as KooDrive does): rename in its store, as a compromised or buggy server would.
      const store = w.sandbox.store as unknown as Store;
      ids.forEach((id, i) => (store.state.nodes[id].name = hostile[i]));
      const outer = local(`outer${++n}`);
      const to = path.join(outer, 'target');
      await mkdir(to, { recursive: true });
      const r = await cli(w, ['download', folder, ...container(), '--to', to, '--json']);
      assert.equal(r.code, 1);
      const entries = JSON.parse(r.stdout) as Array<{ remotePath: string; status: string; error?: { code: string; message: string } }>;
      assert.deepEqual(entries.filter((e) => e.status === 'failed').map((e) => `${e.remotePath}:${e.error?.code}`), ['bi-hostile/..:InvalidInput']);
      assert.deepEqual(fs.readdirSync(outer), ['target'], 'nothing next to the target');
      assert.deepEqual(localTree(to), ['bi-hostile/', 'bi-hostile/.._escape.txt', 'bi-hostile/CON_', 'bi-hostile/C__evil.txt', 'bi-hostile/_abs.txt', 'bi-hostile/nul_byte']);
      assert.equal(fs.readFileSync(path.join(to, 'bi-hostile', '.._escape.txt'), 'utf8'), 'content 0');
    });

    it('a custom endpoint over plain http to a non-loopback host: refused before connecting', async function () {
      // A listener on this machine's own non-loopback address: it sees any connection attempt.
      const address = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (!address) this.skip();
      let connections = 0;
      const listener = net.createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, address, resolve));
      try {
        const port = (listener.address() as AddressInfo).port;
        const r = await cli(w, ['spaces', '--endpoint', `http://${address}:${port}`]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`Refusing plain http to ${address!.replace(/\./g, '\\.')}: the access token would travel unencrypted`));
        assert.equal(connections, 0, 'no connection was attempted');
      } finally {
        await new Promise((resolve) => listener.close(resolve));
      }
    });

    it('oversized answers: a 17 MiB JSON body is refused (BadResponse); a download body longer than listed is discarded (IntegrityFailed)', async () => {
      const big = Buffer.alloc(17 * 1024 * 1024, 0x20);
      const server = http.createServer((req, res) => {
        if (req.url?.startsWith('/long')) {
          res.writeHead(200, { 'content-length': 2000 }); // the listing said 1000
          res.end(Buffer.alloc(2000, 1));
        } else if (req.url?.startsWith('/chunked')) {
          res.writeHead(200); // no length: more and more bytes
          res.write(Buffer.alloc(800, 1));
          setTimeout(() => res.end(Buffer.alloc(800, 1)), 20);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(Buffer.concat([Buffer.from('{"code":0,"msg":"'), big, Buffer.from('"}')]));
        }
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const drive = createKooDrive({ endpoint: base, credentials: staticCredentials({ token: 't', userId: 'u' }), retry: { maxAttempts: 1 } });
      try {
        await assert.rejects(drive.client.checkSession(), rejectsWith(/larger than 16 MiB; refusing to read it/, 'BadResponse'));
        const dir = local(`long${++n}`);
        const item = (id: string, name: string): DriveItem => ({ id, name, isFolder: false, fileType: '45', size: 1000 });
        const links: Record<string, string> = { 'f-long': '/long', 'f-chunked': '/chunked' };
        const client = {
          listFiles: () => Promise.reject(new Error('not used')),
          getDownloadLinks: async (_s: unknown, ids: string[]) => ({
            batchCode: 1,
            links: ids.map((id) => ({ fileId: id, code: 0, url: `${base}${links[id]}` })),
          }),
        };
        const s = await downloadFiles({ client, dispatcher: drive.dispatcher, retry: { maxAttempts: 1 } }, { containerId: 'c' }, [item('f-long', 'long.bin'), item('f-chunked', 'chunked.bin')], { targetDir: dir });
        assert.deepEqual(s.files.map((f) => `${f.remotePath}:${f.error?.code}`), ['long.bin:IntegrityFailed', 'chunked.bin:IntegrityFailed']);
        assert.match(s.files[0].error!.message, /long\.bin has changed on the server: it is 2000 bytes, the listing said 1000/);
        assert.match(s.files[1].error!.message, /chunked\.bin: the server sent more than the expected 1000 bytes/);
        assert.deepEqual(localTree(dir), [], 'nothing kept, not even a temp file');
      } finally {
        await drive.close();
        server.close();
      }
    });
  });
});
