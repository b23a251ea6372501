/**
 * "Try the local sandbox": the sandbox server (src/sandbox, Node built-ins
 * only; esbuild bundles it into dist/extension.js) run inside the extension
 * host on 127.0.0.1 with an ephemeral port, its data kept under the
 * extension's global storage so the demo files survive a reload. Its token
 * never expires, and its admin/fault API is off.
 *
 * When the environment names a sandbox that is already running on this
 * computer (KOODRIVE_SANDBOX_URL, set by `npm run demo` for the code-server it
 * starts), "Try the local sandbox" signs in to THAT one instead, so both
 * sign-in paths of the demo show the same files.
 */
import { isLoopbackHost } from '../../core/endpoint';
import type { Logger } from '../../core/logger';
import { DEFAULT_USERS } from '../../sandbox/seed';
import { Sandbox, startSandbox } from '../../sandbox/server';
import type { SandboxInfo, SandboxLauncher } from '../auth/session';

/** The variable that points "Try the local sandbox" at a running sandbox. */
export const SANDBOX_URL_ENV = 'KOODRIVE_SANDBOX_URL';

export class LocalSandbox implements SandboxLauncher {
  private running?: Promise<Sandbox>;

  /** `existingUrl`: a sandbox someone else runs (see runningSandboxFromEnv); it is used, never started or stopped. */
  constructor(private readonly dataDir: string, private readonly logger: Logger, private readonly existingUrl?: string) {}

  start(): Promise<SandboxInfo> {
    if (this.existingUrl) {
      // The sandbox's fixed demo credentials: the same for every sandbox started with the defaults.
      const { token = '', userId } = DEFAULT_USERS[0];
      return Promise.resolve({ url: this.existingUrl, token, userId });
    }
    if (!this.running) {
      const pending = startSandbox({ host: '127.0.0.1', port: 0, dataDir: this.dataDir, tokenTtlMs: 0, admin: false, maxRecordedRequests: 0 });
      this.running = pending;
      pending.then(
        (sb) => this.logger.info(`Local sandbox listening on ${sb.url} (data in ${sb.dataDir})`),
        (e: unknown) => {
          if (this.running === pending) this.running = undefined;
          this.logger.error(`The local sandbox did not start: ${(e as Error).message}`);
        },
      );
    }
    return this.running.then((sb) => ({ url: sb.url, token: sb.token, userId: sb.userId }));
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    const sb = await running.catch(() => undefined);
    if (sb) {
      await sb.close();
      this.logger.info('Local sandbox stopped');
    }
  }
}

/**
 * The running sandbox named by KOODRIVE_SANDBOX_URL, if it is a plain-http
 * loopback origin. Anything else is ignored with a warning: "local" must stay
 * local, so an environment variable can never send even the demo token to
 * another machine.
 */
export function runningSandboxFromEnv(env: NodeJS.ProcessEnv, logger: Logger): string | undefined {
  const raw = env[SANDBOX_URL_ENV]?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.username || url.password) {
    logger.warn(`Ignoring ${SANDBOX_URL_ENV}="${raw}": it must be an http://127.0.0.1:<port> (loopback) address`);
    return undefined;
  }
  logger.info(`"Try the local sandbox" uses the running sandbox at ${url.origin} (${SANDBOX_URL_ENV})`);
  return url.origin;
}
