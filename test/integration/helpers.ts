/**
 * Shared setup for integration tests: a real sandbox on a loopback port, a
 * real client over undici, a real hash worker pool (the esbuild bundle in
 * dist/, so `npm test` builds first), and temp dirs with real files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { staticCredentials } from '../../src/core/api/credentials';
import type { Space } from '../../src/core/api/models';
import { HashPool } from '../../src/core/hash/hashPool';
import { createKooDrive, KooDrive } from '../../src/core/koodrive';
import { ResumeStore } from '../../src/core/upload/resumeStore';
import type { UploadDeps } from '../../src/core/upload/uploadFile';
import { Sandbox, SandboxOptions, startSandbox } from '../../src/sandbox/server';
import { seededChunks } from './seededData';

export { seededBytes } from './seededData';

export const WORKER_PATH = path.resolve(__dirname, '../../../dist/hashWorker.js');
export const CLI_PATH = path.resolve(__dirname, '../../../dist/cli.js');

/** The CLI suites run the built bundle: a missing build is an error to fix, never a reason to skip tests. */
export function requireBuiltCli(cli: string = CLI_PATH): void {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the CLI tests`);
}
export const MiB = 1024 * 1024;

export interface World {
  sandbox: Sandbox;
  drive: KooDrive;
  hasher: HashPool;
  personal: Space;
  tmp: string;
  deps(opts?: { resume?: boolean }): UploadDeps;
  close(): Promise<void>;
}

export async function startWorld(options: SandboxOptions = {}, driveOptions: { retry?: { baseDelayMs?: number; maxAttempts?: number } } = {}): Promise<World> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'kd-it-'));
  const sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), ...options });
  const drive = createKooDrive({
    endpoint: sandbox.url,
    credentials: staticCredentials({ token: sandbox.token, userId: sandbox.userId }),
    retry: { baseDelayMs: 20, maxDelayMs: 200, ...driveOptions.retry },
  });
  const hasher = new HashPool({ workerPath: WORKER_PATH, size: 2 });
  const personal = await drive.client.getPersonalSpace(sandbox.userId);
  const resumeStore = new ResumeStore(path.join(tmp, 'state'));
  return {
    sandbox, drive, hasher, personal, tmp,
    deps: (o = {}) => ({ client: drive.client, dispatcher: drive.dispatcher, hasher, resumeStore: o.resume === false ? undefined : resumeStore }),
    async close() {
      await hasher.close();
      await drive.close();
      await sandbox.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `size` bytes of the seed's reproducible stream (see seededData.ts;
 * streamed: big files never sit in memory) and returns their sha256. The same
 * seed always writes the same file, so a failure can be reproduced.
 */
export async function writeRandomFile(file: string, size: number, seed = 1): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (const chunk of seededChunks(seed, size)) {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Requests the sandbox received whose path contains `fragment` (and method, if given). */
export function requestsTo(sandbox: Sandbox, fragment: string, method?: string): Sandbox['requests'] {
  return sandbox.requests.filter((r) => r.path.includes(fragment) && (!method || r.method === method));
}

export function partPuts(sandbox: Sandbox): Sandbox['requests'] {
  return sandbox.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/obs/'));
}

/** Polls `cond` every 10 ms until it holds (or fails after `ms`). */
export async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every entry below `dir`, relative, "/"-separated, folders with a trailing "/", sorted. */
export function localTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(path.join(d, e.name), r);
      } else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
