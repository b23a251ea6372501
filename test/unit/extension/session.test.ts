/** Sign-in, sign-out, the user-settings-only endpoint, session refresh and expiry, against a real in-process sandbox. */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import { MODE_KEY, SECRET_KEY, Session } from '../../../src/extension/auth/session';
import { signIn } from '../../../src/extension/commands/signIn';
import { memoryStore } from '../../../src/extension/stores/keyValueStore';
import { Sandbox, startSandbox } from '../../../src/sandbox/server';
import { fastDrive, makeWorld, memorySecrets, MemoryLogger, World } from './fakes';

describe('session', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'kd-session-'));
    sb = await startSandbox({ dataDir: path.join(tmp, 'sb') });
  });
  after(async () => {
    await sb.close();
    await rm(tmp, { recursive: true, force: true });
  });

  function newSession(endpointInSettings?: string) {
    const secrets = memorySecrets();
    const state = memoryStore();
    const setting = { value: endpointInSettings };
    const sandboxCalls = { start: 0, stop: 0 };
    const logger = new MemoryLogger();
    const session = new Session({
      secrets,
      endpointSetting: { get: () => setting.value, set: async (v) => void (setting.value = v) },
      state,
      createDrive: fastDrive,
      sandbox: {
        start: async () => (sandboxCalls.start++, { url: sb.url, token: sb.token, userId: sb.userId }),
        stop: async () => void sandboxCalls.stop++,
      },
      logger,
    });
    return { session, secrets, state, setting, sandboxCalls, logger };
  }

  it('checks the token before saving anything; a wrong token saves nothing', async () => {
    const { session, secrets, setting } = newSession();
    await assert.rejects(session.signIn({ endpoint: sb.url, token: 'wrong', userId: sb.userId }), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    assert.equal(secrets.data.size, 0);
    assert.equal(setting.value, undefined);
    assert.equal(session.state.signedIn, false);
    await assert.rejects(session.connection(), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
  });

  it('refuses plain http to a non-loopback endpoint', async () => {
    const { session } = newSession();
    await assert.rejects(session.signIn({ endpoint: 'http://example.com', token: 't', userId: 'u' }), (e: unknown) => KooDriveError.is(e, 'InvalidInput'));
  });

  it('keeps the token in secrets only, the endpoint in user settings, and restores both', async () => {
    const { session, secrets, setting, state } = newSession();
    const events: boolean[] = [];
    session.onDidChange((s) => events.push(s.signedIn));
    await session.signIn({ endpoint: `${sb.url}/`, token: sb.token, userId: sb.userId });
    assert.equal(setting.value, sb.url);
    const saved = JSON.parse(secrets.data.get(SECRET_KEY) ?? '{}') as Record<string, string>;
    assert.equal(saved.token, sb.token);
    assert.equal(JSON.stringify(state.data.get(MODE_KEY)), '"remote"');
    assert.ok(![...state.data.values()].some((v) => JSON.stringify(v).includes(sb.token)), 'no token in globalState');
    assert.deepEqual(events, [true]);
    const conn = await session.connection();
    assert.ok((await conn.client.checkSession()).userId);

    // A new window: same secrets, same settings.
    const again = new Session({ secrets, endpointSetting: { get: () => setting.value, set: async () => undefined }, state, createDrive: fastDrive, sandbox: { start: async () => { throw new Error('no'); }, stop: async () => undefined }, logger: new MemoryLogger() });
    await again.restore();
    assert.equal(again.state.signedIn, true);
    await again.dispose();
    await session.dispose();
  });

  it('is signed out when the user setting names another endpoint (the token is never sent there)', async () => {
    const { session, secrets, setting, state } = newSession();
    await session.signIn({ endpoint: sb.url, token: sb.token, userId: sb.userId });
    setting.value = 'https://attacker.example.com';
    await session.endpointSettingChanged();
    assert.equal(session.state.signedIn, false);
    const other = new Session({ secrets, endpointSetting: { get: () => 'https://attacker.example.com', set: async () => undefined }, state, createDrive: fastDrive, sandbox: { start: async () => { throw new Error('no'); }, stop: async () => undefined }, logger: new MemoryLogger() });
    await other.restore();
    assert.equal(other.state.signedIn, false);
    await assert.rejects(other.connection(), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    await session.dispose();
  });

  it('signs out: clears the secrets and stops the sandbox', async () => {
    const { session, secrets, sandboxCalls } = newSession();
    await session.signIn({ endpoint: sb.url, token: sb.token, userId: sb.userId });
    await session.signOut();
    assert.equal(secrets.data.size, 0);
    assert.equal(session.state.signedIn, false);
    assert.ok(sandboxCalls.stop >= 1);
  });

  it('refreshes an expired token once (with a session id) and saves the new one', async () => {
    const { session, secrets } = newSession();
    // A private token so expiring it does not disturb the other tests.
    const created = await fetch(`${sb.url}/koodrive/ose/v1/session/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'sandbox' }) }).then((r) => r.json()) as { data?: { accessToken?: string; sessionId?: string } };
    const token = created.data?.accessToken;
    assert.ok(token && created.data?.sessionId, 'createSession gave a token and a session id');
    await session.signIn({ endpoint: sb.url, token, userId: sb.userId, sessionId: created.data?.sessionId });
    const conn = await session.connection();
    sb.faults.expireTokens();
    await Promise.all([conn.client.checkSession(), conn.client.checkSession(), conn.client.checkSession()]);
    const saved = JSON.parse(secrets.data.get(SECRET_KEY) ?? '{}') as { token: string };
    assert.notEqual(saved.token, token, 'the refreshed token is saved');
    assert.equal(session.state.signedIn, true);
    await session.dispose();
  });

  it('marks the session expired when the token cannot be refreshed', async () => {
    const { session } = newSession();
    const created = await fetch(`${sb.url}/koodrive/ose/v1/session/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'sandbox' }) }).then((r) => r.json()) as { data?: { accessToken?: string } };
    const token = created.data?.accessToken;
    assert.ok(token);
    await session.signIn({ endpoint: sb.url, token, userId: sb.userId }); // pasted: no session id
    const states: boolean[] = [];
    session.onDidChange((s) => states.push(s.expired));
    const conn = await session.connection();
    sb.faults.expireTokens();
    await assert.rejects(conn.client.checkSession(), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    assert.equal(session.state.signedIn, false);
    assert.equal(session.state.expired, true);
    assert.deepEqual(states, [true]);
    await assert.rejects(session.connection(), /expired/);
    await session.dispose();
  });
});

describe('koodrive.signIn', function () {
  this.timeout(30_000);
  let w: World;
  beforeEach(async () => {
    w = await makeWorld({ signIn: false });
  });
  afterEach(async () => w.close());

  it('custom endpoint (pre-filled from KOODRIVE_ENDPOINT), token, user id; validated before saving', async () => {
    w.host.envVars.KOODRIVE_ENDPOINT = w.sandbox.url;
    w.prompts
      .expectPick('signIn.endpoint', 'custom', (items) => {
        assert.deepEqual(items.map((i) => i.id), ['beijing', 'singapore', 'custom', 'sandbox']);
        assert.equal(items[0].description, 'cn.myhuaweicloud-koodrive.com');
      })
      .expectInput('signIn.customEndpoint', w.sandbox.url, (o) => {
        assert.equal(o.value, w.sandbox.url);
        assert.ok(o.validate?.('http://example.com'), 'plain http elsewhere is refused');
        assert.equal(o.validate?.('https://example.com'), undefined);
      })
      .expectInput('signIn.token', w.sandbox.token, (o) => assert.equal(o.password, true))
      .expectInput('signIn.userId', w.sandbox.userId);
    await signIn(w.services);
    w.prompts.assertDone();
    assert.equal(w.session.state.signedIn, true);
    assert.equal(w.session.state.sandbox, false);
    assert.match(w.notifier.messages('info')[0], /^Signed in to KooDrive as /);
    assert.deepEqual(w.progress.runs.map((r) => r.options.title), ['Checking the access token…']);
  });

  it('"Local sandbox" signs in without asking for a token', async () => {
    w.prompts.expectPick('signIn.endpoint', 'sandbox');
    await signIn(w.services);
    w.prompts.assertDone();
    assert.equal(w.session.state.sandbox, true);
    assert.match(w.notifier.messages('info')[0], /local KooDrive sandbox/);
  });

  it('Escape at any step cancels quietly and saves nothing', async () => {
    w.prompts.expectPick('signIn.endpoint', 'beijing').expectInput('signIn.token', undefined);
    await assert.rejects(signIn(w.services), (e: unknown) => KooDriveError.is(e, 'Cancelled'));
    assert.equal(w.session.state.signedIn, false);
  });

  it('a rejected token fails with AuthRequired (the wrapper offers "Sign in")', async () => {
    w.prompts.expectPick('signIn.endpoint', 'custom').expectInput('signIn.customEndpoint', w.sandbox.url).expectInput('signIn.token', 'nope').expectInput('signIn.userId', w.sandbox.userId);
    await assert.rejects(signIn(w.services), (e: unknown) => KooDriveError.is(e, 'AuthRequired'));
    assert.equal(w.session.state.signedIn, false);
  });
});
