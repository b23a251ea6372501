import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { startSandbox } from '../../src/sandbox/server';
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
});
