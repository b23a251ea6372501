import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { startSandbox } from '../../src/sandbox/server';
import type { Store } from '../../src/sandbox/store';
import { TestClient } from './testing/client';

const MiB = 1024 * 1024;

describe('sandbox persistence', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-sandbox-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps files, revisions and pending uploads across a restart, without re-seeding', async () => {
    const data = randomBytes(3000);
    const big = randomBytes(5 * MiB + 500);
    let sb = await startSandbox({ dataDir: dir });
    const pc = sb.personalContainerId;
    let c = new TestClient(sb);
    const { fileId } = await c.upload({ containerId: pc, name: 'kept.bin', data });
    const folder = await c.ok('/directory', { fileName: 'kept-folder', fileType: '10', containerId: pc });
    // An upload with part 1 stored, part 2 not yet.
    const parts = TestClient.parts(big, 5 * MiB);
    const cr = await c.ok('/files/create', {
      fileName: 'resumed.bin', fileType: '45', parentFolder: ['root'], containerId: pc, length: big.length,
      uploadMode: 'multipart', uploadType: 1, autoRename: 2, multiParts: parts,
    });
    assert.equal((await c.put(cr.multiParts[0].uploadUrl, big.subarray(0, 5 * MiB))).status, 200);
    const count = sb.store.listChildren(pc, 'root').length;
    await sb.close();
    assert.ok(fs.existsSync(path.join(dir, 'state.json')));

    // Same port, so the part URL issued before the restart still points here.
    sb = await startSandbox({ dataDir: dir, port: Number(new URL(sb.url).port) });
    const agent = new Agent(); // the global pool may still hold sockets of the stopped server
    c = new TestClient(sb, agent);
    assert.equal(sb.personalContainerId, pc);
    assert.equal(sb.store.listChildren(pc, 'root').length, count);
    assert.equal(sb.store.listChildren(pc, 'root').filter((f) => f.name === 'Welcome.md').length, 1);
    assert.deepEqual(sb.store.readContent(fileId), data);
    assert.equal(sb.store.getFile(folder.id)?.kind, 'folder');
    const listed = await c.ok('/files/0', { containerId: pc, parentFileId: 'root' });
    assert.ok(listed.files.some((f: { id: string }) => f.id === fileId));
    // The URL issued before the restart still works (same secret); complete after the restart.
    assert.equal((await c.put(cr.multiParts[1].uploadUrl, big.subarray(5 * MiB))).status, 200);
    await c.ok('/files/complete', { fileId: cr.fileId, sha256: createHash('sha256').update(big).digest('hex') });
    assert.deepEqual(sb.store.readContent(cr.fileId), big);
    await sb.close();
    await agent.close();
  });

  it('does not seed when asked not to, and cleans its own temp dir', async () => {
    const sb = await startSandbox({ seed: false });
    assert.deepEqual(sb.store.listChildren(sb.personalContainerId, 'root'), []);
    assert.deepEqual(sb.teams, []);
    const own = sb.dataDir;
    assert.ok(fs.existsSync(own));
    await sb.close();
    assert.equal(fs.existsSync(own), false);
  });

  it('writes state atomically (no temp files left behind)', async () => {
    const sb = await startSandbox({ dataDir: dir, seed: false });
    const c = new TestClient(sb);
    for (let i = 0; i < 5; i++) await c.ok('/directory', { fileName: `d${i}`, fileType: '10', containerId: sb.personalContainerId });
    await sb.close();
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    assert.equal(Object.values(state.nodes).filter((n) => (n as { name: string }).name.startsWith('d')).length, 5);
  });

  /** A sandbox in its own process, so the test can kill it without a clean close. */
  async function sandboxProcess(dataDir: string): Promise<{ kill(): Promise<void>; target: { url: string; token: string; userId: string }; containerId: string }> {
    const server = path.resolve(__dirname, '../../src/sandbox/server.js');
    const script = `require(${JSON.stringify(server)}).startSandbox({ dataDir: ${JSON.stringify(dataDir)}, seed: false })
      .then((sb) => process.send({ url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId }));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const info = await new Promise<{ url: string; token: string; userId: string; containerId: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; token: string; userId: string; containerId: string }));
      child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
    });
    return {
      target: info,
      containerId: info.containerId,
      kill: () => new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    };
  }

  /** Waits until the sandbox has written its changes (they are coalesced for a moment after each request). */
  async function journalHolds(dataDir: string, text: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const journals = fs.readdirSync(dataDir).filter((f) => /^journal-\d+\.ndjson$/.test(f));
      if (journals.some((f) => fs.readFileSync(path.join(dataDir, f), 'utf8').includes(text))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the journal never mentioned ${text}`);
  }

  it('a sandbox killed without closing keeps what it wrote: files, folders, a pending upload (journal replayed on restart)', async () => {
    const proc = await sandboxProcess(dir);
    const c = new TestClient(proc.target);
    const pc = proc.containerId;
    const folder = await c.ok('/directory', { fileName: 'kept-folder', fileType: '10', containerId: pc });
    const uploaded: Array<{ fileId: string; data: Buffer }> = [];
    for (let i = 0; i < 12; i++) {
      const data = randomBytes(100 + i);
      uploaded.push({ fileId: (await c.upload({ containerId: pc, parent: folder.id, name: `f${i}.bin`, data })).fileId, data });
    }
    const big = randomBytes(5 * MiB + 10);
    const cr = await c.ok('/files/create', {
      fileName: 'pending.bin', fileType: '45', parentFolder: ['root'], containerId: pc, length: big.length,
      uploadMode: 'multipart', uploadType: 1, autoRename: 2, multiParts: TestClient.parts(big, 5 * MiB),
    });
    assert.equal((await c.put(cr.multiParts[0].uploadUrl, big.subarray(0, 5 * MiB))).status, 200);
    // The last change: the stored part (its file name is in the upload's journaled record).
    await journalHolds(dir, `${cr.uploadId}.1.part`);
    await proc.kill();
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    assert.equal(state.nodes[uploaded[0].fileId], undefined, 'the files are in the journal, not in the snapshot');

    const sb = await startSandbox({ dataDir: dir, seed: false });
    try {
      const listed = sb.store.listChildren(pc, folder.id);
      assert.deepEqual(listed.map((f) => f.name).sort(), uploaded.map((_, i) => `f${i}.bin`).sort());
      for (const u of uploaded) assert.deepEqual(sb.store.readContent(u.fileId), u.data);
      const pending = sb.store.pendingUploads().find((u) => u.uploadId === cr.uploadId);
      assert.deepEqual(pending?.storedParts, [{ partNumber: 1, size: 5 * MiB }]);
      // The space's used bytes were rebuilt from the replayed state (the quota check relies on them).
      const used = uploaded.reduce((n, u) => n + u.data.length, 0);
      assert.equal((sb.store as unknown as Store).spaceUsed(pc), used);
      const c2 = new TestClient(sb);
      // Writes continue after the replay; a clean close folds everything into one state.json.
      await c2.ok('/directory', { fileName: 'after-restart', fileType: '10', containerId: pc });
    } finally {
      await sb.close();
    }
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('journal-')), []);
    const sb2 = await startSandbox({ dataDir: dir, seed: false });
    try {
      assert.ok(sb2.store.findByName(pc, 'root', 'after-restart'));
      assert.equal(sb2.store.listChildren(pc, folder.id).length, 12);
    } finally {
      await sb2.close();
    }
  });
});
