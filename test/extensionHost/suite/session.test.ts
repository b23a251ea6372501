import * as assert from 'assert';
import * as vscode from 'vscode';
import { sandbox } from '../env';
import { children, signInToSandbox, signOut, testHooks } from '../helpers';
import { TestUserInput } from '../testUserInput';

/** src/extension/auth/session.ts SECRET_KEY */
const SECRET_KEY = 'koodrive.credentials';

describe('session', () => {
  before(async () => {
    await testHooks();
    await signOut();
  });

  it('refuses a wrong token and saves nothing', async () => {
    const sb = sandbox();
    const ui = new TestUserInput();
    try {
      ui.pick('Custom endpoint…').input(sb.url).input('not-the-token').input(sb.userId);
      await ui.run('koodrive.signIn');
      const error = await ui.waitForMessage(/./);
      assert.strictEqual(error.severity === 'info', false, `a failed sign-in must not look like success: ${error.message}`);
    } finally {
      ui.dispose();
    }
    const { secrets } = await testHooks();
    assert.strictEqual(await secrets.get(SECRET_KEY), undefined, 'nothing is stored after a failed sign-in');
    assert.deepStrictEqual(await children(), [], 'the tree stays empty (welcome view)');
  });

  it('signs in with a custom endpoint; the token is kept in SecretStorage only', async () => {
    const sb = sandbox();
    const since = await sb.admin.lastRequestSeq();
    await signInToSandbox();

    const { secrets } = await testHooks();
    const stored = await secrets.get(SECRET_KEY);
    assert.ok(stored?.includes(sb.token), 'the token is in SecretStorage');
    const config = vscode.workspace.getConfiguration('koodrive');
    assert.strictEqual(String(config.inspect('endpoint')?.globalValue).replace(/\/$/, ''), sb.url, 'the endpoint is a user setting');
    assert.ok(!JSON.stringify(config).includes(sb.token), 'the token is not in the settings');

    // The token was checked against the sandbox before it was saved.
    const calls = await sb.admin.requests({ since, path: '/session' });
    assert.ok(calls.some((r) => r.status === 200 && r.headers['x-user-id'] === sb.userId), 'session/auth was called with the user id');
    assert.ok((await children()).length >= 3, 'the tree shows the spaces');
  });

  it('signing out forgets the token and empties the tree', async () => {
    await signOut();
    const { secrets } = await testHooks();
    assert.strictEqual(await secrets.get(SECRET_KEY), undefined);
    assert.deepStrictEqual(await children(), []);
    await signInToSandbox();
  });
});
