/**
 * `koodrive sandbox`: runs the local KooDrive sandbox in THIS process, so the
 * process a person (or `npm run sandbox`) starts is the server itself: one
 * SIGINT/SIGTERM/SIGHUP or Ctrl-C closes the listening socket and the process
 * exits; nothing is left behind re-parented.
 *
 * The CLI may use src/sandbox; the sandbox never imports src/core (it stays an
 * independent implementation of the contract the client is tested against).
 */
import { KooDriveError } from '../../core/errors';
import { startSandbox, SandboxOptions } from '../../sandbox/server';
import { parseCommandArgs } from '../args';
import { CliContext } from '../context';
import { usageError } from '../usage';

// Defaults: --port $KOODRIVE_SANDBOX_PORT or 8787 (0 = any free port), --host 127.0.0.1,
// --data .koodrive-sandbox (kept between runs), --url-ttl 3600, --token-ttl 1200000 (0 = never),
// --job-run-ms 0 (how long batch jobs stay "running" before doing their work).
export const usage =
  'koodrive sandbox [--port N] [--host ADDR] [--data DIR] [--sink] [--no-seed] [--url-ttl SECONDS] [--token-ttl MS] [--job-run-ms MS]';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function run(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    usage,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, sink: { type: 'boolean' },
      'no-seed': { type: 'boolean' }, 'url-ttl': { type: 'string' }, 'token-ttl': { type: 'string' }, 'job-run-ms': { type: 'string' },
    },
    maxPositionals: 0,
  });
  const options: SandboxOptions = {
    port: wholeNumber(values.port ?? process.env.KOODRIVE_SANDBOX_PORT ?? '8787', '--port', 65535),
    host: values.host ?? '127.0.0.1',
    dataDir: values.data ?? '.koodrive-sandbox',
    sink: values.sink ?? false,
    seed: !values['no-seed'],
    urlTtlSeconds: values['url-ttl'] === undefined ? undefined : wholeNumber(values['url-ttl'], '--url-ttl'),
    tokenTtlMs: values['token-ttl'] === undefined ? undefined : wholeNumber(values['token-ttl'], '--token-ttl'),
    jobRunMs: values['job-run-ms'] === undefined ? undefined : wholeNumber(values['job-run-ms'], '--job-run-ms'),
  };

  // Our own listeners for the whole run: main.ts listens with once(), and a
  // second signal (Ctrl-C reaches both npm and us, and npm forwards it again)
  // must not fall back to Node's default "die now" while we are closing.
  let requestStop!: (why: string) => void;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => requestStop(signal);
  for (const s of STOP_SIGNALS) process.prependListener(s, onSignal);
  const onAbort = (): void => requestStop('cancelled');
  ctx.signal.addEventListener('abort', onAbort);
  try {
    if (ctx.signal.aborted) return;
    const sb = await startSandbox(options).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') throw new KooDriveError('InvalidInput', `Port ${options.port} on ${options.host} is already in use (choose another with --port)`);
      throw e;
    });
    try {
      // The one line that points the command line at this sandbox (the token is the sandbox's fixed, public one).
      const login = `echo ${sb.token} | koodrive login --endpoint ${sb.url} --user-id ${sb.userId} --token-stdin`;
      ctx.out(ctx.flags.json
        ? JSON.stringify({ endpoint: sb.url, token: sb.token, userId: sb.userId, sessionId: sb.sessionId, personalContainerId: sb.personalContainerId, dataDir: sb.dataDir, login })
        : [
          'KooDrive sandbox running',
          `  endpoint:       ${sb.url}   (API under ${sb.url}/koodrive/ose/v1)`,
          `  token:          ${sb.token}   (Authorization: Bearer+${sb.token})`,
          `  user id:        ${sb.userId}   (X-User-Id)`,
          `  session id:     ${sb.sessionId}   (x-session-id for /session/refresh)`,
          `  personal space: ${sb.personalContainerId}`,
          `  data dir:       ${sb.dataDir}${options.sink ? '   (sink mode: uploaded bytes are discarded)' : ''}`,
          `  admin:          ${sb.url}/__sandbox/state`,
          `  sign in:        ${login}`,
          'Stop it with Ctrl-C (or SIGTERM/SIGINT to this process).',
        ].join('\n'));
      const why = await stopRequested;
      if (!ctx.flags.json) ctx.err(`${why}: stopping the sandbox`);
    } finally {
      await sb.close();
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
  }
}

function wholeNumber(value: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw usageError(usage, `${flag} must be a whole number from 0 to ${max} (got "${value}")`);
  }
  return n;
}
