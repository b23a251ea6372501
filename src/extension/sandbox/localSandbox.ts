/**
 * "Try the local sandbox": the sandbox server (src/sandbox, Node built-ins
 * only; esbuild bundles it into dist/extension.js) run inside the extension
 * host on 127.0.0.1 with an ephemeral port, its data kept under the
 * extension's global storage so the demo files survive a reload. Its token
 * never expires, and its admin/fault API is off.
 */
import type { Logger } from '../../core/logger';
import { Sandbox, startSandbox } from '../../sandbox/server';
import type { SandboxInfo, SandboxLauncher } from '../auth/session';

export class LocalSandbox implements SandboxLauncher {
  private running?: Promise<Sandbox>;

  constructor(private readonly dataDir: string, private readonly logger: Logger) {}

  start(): Promise<SandboxInfo> {
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
