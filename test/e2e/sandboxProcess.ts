/**
 * Runs the KooDrive sandbox as its own process (`node dist/cli.js sandbox`), the
 * way a person runs it next to VS Code. Tests then reach it over HTTP only:
 * the API for the extension, /__sandbox/ (SandboxAdmin) for assertions.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freePort, stopGroup } from './codeServer';
import { repoRoot } from './paths';
import { SandboxAdmin } from './sandboxAdmin';

export interface SandboxProcess {
  url: string;
  admin: SandboxAdmin;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface SandboxProcessOptions {
  dataDir: string;
  logFile: string;
  port?: number;
  /** Token idle lifetime in ms; default 0 = never expires (tests expire tokens explicitly). */
  tokenTtlMs?: number;
}

export async function startSandboxProcess(opts: SandboxProcessOptions): Promise<SandboxProcess> {
  const port = opts.port ?? (await freePort());
  const bundle = path.join(repoRoot, 'dist', 'cli.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(
    process.execPath,
    [bundle, 'sandbox', '--port', String(port), '--host', '127.0.0.1', '--data', opts.dataDir, '--token-ttl', String(opts.tokenTtlMs ?? 0)],
    { detached: true, stdio: ['ignore', log, log], cwd: repoRoot },
  );
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const admin = new SandboxAdmin(url);
  const stop = (): Promise<void> => stopGroup(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the sandbox exited (${child.exitCode ?? child.signalCode}); see ${opts.logFile}`);
    }
    try {
      await admin.state();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the sandbox did not answer on ${url}; see ${opts.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, admin, process: child, stop };
}
