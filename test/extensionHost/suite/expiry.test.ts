import * as assert from 'assert';
import * as vscode from 'vscode';
import { sandbox } from '../env';
import { children, personalSpaceLabel, rowAt, signInToSandbox } from '../helpers';
import { TestUserInput } from '../testUserInput';

describe('expired session', () => {
  it('an expired token gives one "Sign in" prompt, however many calls fail', async () => {
    const sb = sandbox();
    const personal = await personalSpaceLabel();
    const folders = await Promise.all(['Documents', 'Projects', 'Many files'].map((f) => rowAt(personal, f)));
    // The error wrapper keeps quiet about auth errors for 3 s after an auth
    // prompt closed (errorHandler.ts, authQuietMs); the session suite showed one.
    await new Promise((r) => setTimeout(r, 3500));
    await sb.admin.expireTokens();
    const ui = new TestUserInput();
    try {
      // Several folders of the tree failing at once, as when VS Code re-renders it.
      await vscode.commands.executeCommand('koodrive.refreshTree');
      await Promise.all(folders.map((f) => children(f).catch(() => [])));
      await ui.waitForMessage(/./);
      await new Promise((r) => setTimeout(r, 2000));
      const prompts = ui.messages.filter((m) => m.buttons.includes('Sign in'));
      assert.strictEqual(prompts.length, 1, `one "Sign in" prompt, got: ${JSON.stringify(ui.messages)}`);
      assert.strictEqual(prompts[0].severity === 'info', false);
      ui.assertDone();
    } finally {
      ui.dispose();
    }
    // Signing in again with a new token (the expired one stays expired) brings the tree back.
    await signInToSandbox(await sb.admin.refreshToken());
    assert.ok((await children()).length > 0, 'signed in again');
  });
});
