/**
 * `node dist/sandbox.js [--port 8787] [--host 127.0.0.1] [--data .koodrive-sandbox]
 *   [--sink] [--no-seed] [--url-ttl <seconds>] [--token-ttl <ms>] [--job-run-ms <ms>]`
 *
 * Starts the KooDrive sandbox, prints how to reach it, and stops cleanly on
 * SIGINT/SIGTERM. The port defaults to $KOODRIVE_SANDBOX_PORT or 8787.
 */
import type { SandboxOptions } from './server';
import { startSandbox } from './server';

const USAGE = `Usage: sandbox [options]
  --port <n>          port (default $KOODRIVE_SANDBOX_PORT or 8787; 0 = any free port)
  --host <addr>       interface (default 127.0.0.1)
  --data <dir>        data directory (default .koodrive-sandbox)
  --sink              discard uploaded bytes (throughput benchmarks)
  --no-seed           start empty (only on a fresh data directory)
  --url-ttl <s>       presigned URL lifetime in seconds (default 3600)
  --token-ttl <ms>    token idle lifetime in ms (default 1200000; 0 = never expires)
  --job-run-ms <ms>   batch jobs stay "running" this long before doing their work (default 0)
  -h, --help          this text`;

function parseArgs(argv: string[]): SandboxOptions {
  const o: SandboxOptions = {
    port: Number(process.env.KOODRIVE_SANDBOX_PORT ?? 8787),
    dataDir: '.koodrive-sandbox',
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const num = (s: string, flag: string): number => {
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const take = (): string => inline ?? value(i++, flag);
    switch (flag) {
      case '--port':
        o.port = num(take(), flag);
        break;
      case '--host':
        o.host = take();
        break;
      case '--data':
        o.dataDir = take();
        break;
      case '--sink':
        o.sink = true;
        break;
      case '--no-seed':
        o.seed = false;
        break;
      case '--url-ttl':
        o.urlTtlSeconds = num(take(), flag);
        break;
      case '--token-ttl':
        o.tokenTtlMs = num(take(), flag);
        break;
      case '--job-run-ms':
        o.jobRunMs = num(take(), flag);
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  let options: SandboxOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const sb = await startSandbox(options);
  console.log(
    [
      'KooDrive sandbox running',
      `  endpoint:     ${sb.url}   (API under ${sb.url}/koodrive/ose/v1)`,
      `  token:        ${sb.token}   (Authorization: Bearer+${sb.token})`,
      `  user id:      ${sb.userId}   (X-User-Id)`,
      `  session id:   ${sb.sessionId}   (x-session-id for /session/refresh)`,
      `  personal space: ${sb.personalContainerId}`,
      `  data dir:     ${sb.dataDir}${options.sink ? '   (sink mode: uploaded bytes are discarded)' : ''}`,
      `  admin:        ${sb.url}/__sandbox/state`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox...`);
    sb.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Only when run as a program (tests and the extension import the server).
if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
