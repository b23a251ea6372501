/**
 * Redaction, form by form: every way a token, a session id or a presigned
 * signature can show up in text, and every caller that must pass the secret
 * list (the transport's own log lines, the CLI's error line and --json, the
 * extension's notifications).
 */
import * as assert from 'node:assert/strict';
import { ApiTransport } from '../../src/core/api/httpTransport';
import { staticCredentials } from '../../src/core/api/credentials';
import { createHttpAgent } from '../../src/core/api/httpAgent';
import { KooDriveError } from '../../src/core/errors';
import { redactingLogger, redactText, secretForms, SecretList } from '../../src/core/redact';
import { tokensInArgv } from '../../src/cli/main';
import { ErrorHandler } from '../../src/extension/ui/errorHandler';
import { FakeNotifier, MemoryLogger } from './extension/fakes';
import { startSandbox } from '../../src/sandbox/server';

const TOKEN = 'tok3n/With+Slash=End';
const absent = (text: string, ...secrets: string[]): void => {
  for (const s of secrets) assert.ok(!text.includes(s), `"${s}" leaked in: ${text}`);
};

describe('redaction: every form', () => {
  it('Bearer tokens: space, "+", URL-encoded separators, any case, tokens containing %', () => {
    const cases: Array<[string, string]> = [
      ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer ***'],
      ['sent Bearer+abc123 to the gateway', 'sent Bearer+*** to the gateway'],
      ['header=Bearer%20abc123&x=1', 'header=Bearer%20***&x=1'],
      ['header=Bearer%2Babc123', 'header=Bearer%2B***'],
      ['bearer abc123', 'bearer ***'],
      // The old pattern stopped at "%": everything after it leaked.
      ['Bearer+ab%2Fcd%3Dsecret-tail', 'Bearer+***'],
      ['{"authorization":"Bearer+ab%2Fcd"}', '{"authorization":"Bearer+***"}'],
    ];
    for (const [input, want] of cases) assert.equal(redactText(input), want, input);
  });

  it('presigned signatures, credentials and security tokens, in URLs and free text', () => {
    const t = redactText('GET https://obs/x?X-Amz-Credential=AK%2F2024&X-Amz-Signature=deadbeef&x-amz-security-token=s3cr3t&partNumber=2 failed');
    absent(t, 'AK%2F2024', 'deadbeef', 's3cr3t');
    assert.match(t, /partNumber=2 failed$/);
  });

  it('listed secrets: as given, without the Bearer scheme, URL-encoded, with + for spaces', () => {
    assert.deepEqual(new Set(secretForms(`Bearer+${TOKEN}`)), new Set([`Bearer+${TOKEN}`, encodeURIComponent(`Bearer+${TOKEN}`), TOKEN, encodeURIComponent(TOKEN)]));
    const texts = [
      `the token ${TOKEN} is invalid`,
      `url?access=${encodeURIComponent(TOKEN)}&y=1`,
      `echo: "${TOKEN}"`,
    ];
    for (const text of texts) {
      const out = redactText(text, [`Bearer ${TOKEN}`]);
      absent(out, TOKEN, encodeURIComponent(TOKEN));
      assert.ok(out.includes('***'), out);
    }
    // Short strings are not treated as secrets (they would garble words), empty ones are ignored.
    assert.equal(redactText('an id of 12345', ['12345', '']), 'an id of 12345');
  });

  it('a redacting logger passes each line through with the current secret list', () => {
    const sink = new MemoryLogger();
    const secrets = new SecretList();
    const log = redactingLogger(sink, () => secrets.list());
    secrets.add('session-id-0042', undefined, 'x');
    log.info('refresh with session-id-0042');
    log.error('Bearer+zzz%2F1');
    assert.deepEqual(sink.lines, ['info refresh with ***', 'error Bearer+***']);
  });

  it('the CLI finds --token X and --token=X in the raw arguments', () => {
    assert.deepEqual(tokensInArgv(['spaces', '--token', 'AAA111', '--json']), ['AAA111']);
    assert.deepEqual(tokensInArgv(['--token=BBB222', 'ls', 'c']), ['BBB222']);
    assert.deepEqual(tokensInArgv(['--token=C=C=C', '--token', 'DDD']), ['C=C=C', 'DDD']);
    assert.deepEqual(tokensInArgv(['--token']), []);
  });

  it("the transport's own log lines redact the token it sent, even when the server echoes it bare", async () => {
    const sb = await startSandbox();
    const dispatcher = createHttpAgent();
    try {
      // The server's message carries the token without its scheme: no pattern can catch that, only the secret list.
      sb.faults.add({ match: { target: 'api', path: '/space/' }, action: { kind: 'status', status: 503, echoToken: true }, times: 2 });
      const lines: string[] = [];
      const plain = { trace: (m: string) => lines.push(m), debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
      const transport = new ApiTransport({
        endpoint: sb.url, dispatcher, logger: plain, retry: { baseDelayMs: 1, maxDelayMs: 2 },
        credentials: staticCredentials({ token: sb.token, userId: sb.userId }),
      });
      await transport.call({ method: 'GET', path: `/koodrive/ose/v1/space/${sb.userId}`, query: { type: 1 }, idempotent: true });
      const echoed = lines.filter((l) => l.includes('***'));
      assert.ok(echoed.length >= 2, `the echoed token was logged (redacted): ${lines.join('\n')}`);
      absent(lines.join('\n'), sb.token);
    } finally {
      await dispatcher.close();
      await sb.close();
    }
  });

  it("the extension's error wrapper keeps the session's token out of notifications and the log", async () => {
    const notifier = new FakeNotifier();
    const logger = new MemoryLogger();
    const handler = new ErrorHandler({ notifier, logger, signIn: async () => undefined, showLog: () => undefined, secrets: () => [TOKEN] });
    await handler.report(new KooDriveError('PermissionDenied', `KooDrive denied access: token ${TOKEN} not allowed`), { source: 'test' });
    assert.equal(notifier.shown.length, 1);
    absent(notifier.shown[0].message + logger.lines.join('\n'), TOKEN);
    assert.match(notifier.shown[0].message, /token \*\*\* not allowed/);
  });
});
