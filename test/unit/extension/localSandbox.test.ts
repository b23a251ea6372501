/**
 * "Try the local sandbox" pointed at a running sandbox (what `npm run demo`
 * does with KOODRIVE_SANDBOX_URL): the session signs in to THAT sandbox, sees
 * its files, and stopping/signing out never touches it. Real sandbox, real HTTP.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Session } from '../../../src/extension/auth/session';
import { LocalSandbox, runningSandboxFromEnv, SANDBOX_URL_ENV } from '../../../src/extension/sandbox/localSandbox';
import { memoryStore } from '../../../src/extension/stores/keyValueStore';
import { Sandbox, startSandbox } from '../../../src/sandbox/server';
import { fastDrive, memorySecrets, MemoryLogger } from './fakes';

describe('LocalSandbox with a running sandbox (KOODRIVE_SANDBOX_URL)', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'kd-local-sandbox-'));
    // Seeded like the demo's sandbox, with the default demo credentials.
    sb = await startSandbox({ dataDir: path.join(tmp, 'demo-sandbox') });
  });
  after(async () => {
    await sb.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('signs in to the running sandbox and shows its files; nothing embedded is started or stopped', async () => {
    const logger = new MemoryLogger();
    const embeddedDataDir = path.join(tmp, 'embedded');
    const url = runningSandboxFromEnv({ [SANDBOX_URL_ENV]: `${sb.url}/` }, logger);
    assert.equal(url, sb.url);
    const launcher = new LocalSandbox(embeddedDataDir, logger, url);
    const session = new Session({
      secrets: memorySecrets(),
      endpointSetting: { get: () => undefined, set: async () => undefined },
      state: memoryStore(),
      createDrive: fastDrive,
      sandbox: launcher,
      logger,
    });
    // A folder made through the session must appear in the running sandbox's own store.
    const marker = `only-in-the-demo-sandbox-${Date.now()}.txt`;
    sb.requests.length = 0;
    const info = await session.signInSandbox();
    assert.equal(info.url, sb.url);
    assert.ok(sb.requests.some((r) => r.path.endsWith('/session/auth')), 'the sign-in check reached the running sandbox');
    const conn = await session.connection();
    const personal = await conn.client.getPersonalSpace(info.userId);
    await conn.client.createFolder(personal, personal.rootFolderId, marker);
    assert.ok(sb.store.findByName(sb.personalContainerId, sb.personalRootId, marker), 'the folder was created in the running sandbox');
    assert.equal(fs.existsSync(embeddedDataDir), false, 'no embedded sandbox was started');

    await session.signOut();
    const after = await fetch(`${sb.url}/__sandbox/state`);
    assert.equal(after.status, 200, 'signing out does not stop a sandbox the extension did not start');
    await after.arrayBuffer();
    await session.dispose();
  });

  it('ignores anything but a plain-http loopback address, with a warning', () => {
    for (const bad of ['https://127.0.0.1:8787', 'http://example.com:8787', 'http://user:pw@127.0.0.1:1', 'not a url']) {
      const logger = new MemoryLogger();
      assert.equal(runningSandboxFromEnv({ [SANDBOX_URL_ENV]: bad }, logger), undefined, bad);
      assert.ok(logger.lines.some((l) => l.startsWith('warn ') && l.includes(SANDBOX_URL_ENV)), bad);
    }
    assert.equal(runningSandboxFromEnv({}, new MemoryLogger()), undefined);
  });
});
