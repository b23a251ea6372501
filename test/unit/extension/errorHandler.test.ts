import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import { ErrorHandler } from '../../../src/extension/ui/errorHandler';
import { presentError } from '../../../src/extension/ui/errorPresentation';
import { FakeNotifier, MemoryLogger } from './fakes';

function setup(now = { t: 0 }) {
  const notifier = new FakeNotifier();
  const logger = new MemoryLogger();
  const calls = { signIn: 0, showLog: 0 };
  const handler = new ErrorHandler({
    notifier, logger, now: () => now.t,
    signIn: async () => void calls.signIn++,
    showLog: () => void calls.showLog++,
  });
  return { notifier, logger, calls, handler, now };
}

describe('the one error wrapper', () => {
  it('chooses buttons from the error code', () => {
    assert.deepEqual(presentError(new KooDriveError('AuthRequired', 'x'))?.actions, ['signIn', 'showLog']);
    for (const code of ['Network', 'Timeout', 'ServerError', 'RateLimited'] as const) {
      assert.deepEqual(presentError(new KooDriveError(code, 'x'))?.actions, ['retry', 'showLog'], code);
    }
    for (const code of ['NotFound', 'Conflict', 'QuotaExceeded', 'InvalidInput', 'PermissionDenied', 'IntegrityFailed'] as const) {
      assert.deepEqual(presentError(new KooDriveError(code, 'x'))?.actions, ['showLog'], code);
    }
    assert.equal(presentError(new KooDriveError('Cancelled', 'x')), undefined);
    assert.equal(presentError(Object.assign(new Error('aborted'), { name: 'AbortError' })), undefined);
    assert.match(presentError(new Error('boom'))?.message ?? '', /Unexpected error: boom/);
  });

  it('never shows a token', () => {
    const p = presentError(new KooDriveError('ApiError', 'sent Authorization: Bearer+abcdef123456 and got 400'));
    assert.ok(p && !p.message.includes('abcdef123456'));
  });

  it('wraps a command: logs, shows, and never rejects', async () => {
    const { notifier, logger, handler } = setup();
    const run = handler.wrap('koodrive.test', async () => {
      throw new KooDriveError('Conflict', 'name taken', { traceId: 'T123' });
    });
    await run();
    assert.deepEqual(notifier.shown.map((s) => [s.level, s.message, s.buttons]), [['warn', 'name taken', ['Show log']]]);
    assert.ok(logger.lines.some((l) => l.includes('koodrive.test failed') && l.includes('trace=T123')));
  });

  it('is silent on cancellation', async () => {
    const { notifier, handler } = setup();
    await handler.wrap('x', async () => {
      throw new KooDriveError('Cancelled', 'user');
    })();
    assert.deepEqual(notifier.shown, []);
  });

  it('Retry runs the command again with the same arguments', async () => {
    const { notifier, handler } = setup();
    const seen: unknown[][] = [];
    notifier.clicks.push('Retry');
    await handler.wrap('x', async (...args: unknown[]) => {
      seen.push(args);
      if (seen.length === 1) throw new KooDriveError('Network', 'refused', { retryable: true });
    })('a', 2);
    assert.deepEqual(seen, [['a', 2], ['a', 2]]);
    assert.equal(notifier.shown[0].level, 'error');
    assert.deepEqual(notifier.shown[0].buttons, ['Retry', 'Show log']);
  });

  it('Show log and Sign in do what they say', async () => {
    const { notifier, handler, calls } = setup();
    notifier.clicks.push('Show log', 'Sign in');
    await handler.report(new KooDriveError('NotFound', 'gone'), { source: 't' });
    await handler.report(new KooDriveError('AuthRequired', 'expired'), { source: 't' });
    assert.deepEqual(calls, { signIn: 1, showLog: 1 });
  });

  it('shows ONE sign-in prompt for a burst of AuthRequired errors', async () => {
    const now = { t: 1000 };
    const { notifier, handler } = setup(now);
    let release!: (v: string | undefined) => void;
    notifier.warn = (message: string, ...buttons: string[]) => {
      notifier.shown.push({ level: 'warn', message, buttons });
      return new Promise((r) => (release = r));
    };
    const first = handler.report(new KooDriveError('AuthRequired', 'expired'), { source: 'tree' });
    await Promise.all([1, 2, 3].map(() => handler.report(new KooDriveError('AuthRequired', 'expired'), { source: 'tree' })));
    assert.equal(notifier.shown.length, 1);
    release(undefined);
    await first;
    now.t += 1000; // stragglers right after the prompt closed stay quiet
    await handler.report(new KooDriveError('AuthRequired', 'expired'), { source: 'tree' });
    assert.equal(notifier.shown.length, 1);
    now.t += 10_000;
    const later = handler.report(new KooDriveError('AuthRequired', 'expired'), { source: 'cmd' });
    release(undefined);
    await later;
    assert.equal(notifier.shown.length, 2, 'a later, separate failure asks again');
  });
});
