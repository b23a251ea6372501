/**
 * Helpers for the fault matrix, the bad-input catalogue and the secrets scan:
 * the CLI as a child process (optionally as an unprivileged user), end-state
 * checks on both sides (sandbox storage and local disk), and "did anything
 * mutate the drive?" from the sandbox's request log.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { staticCredentials } from '../../../src/core/api/credentials';
import type { DriveItem } from '../../../src/core/api/models';
import { createKooDrive, KooDrive } from '../../../src/core/koodrive';
import { isPartialName } from '../../../src/core/bytes/localNames';
import type { UploadDeps } from '../../../src/core/upload/uploadFile';
import type { Sandbox } from '../../../src/sandbox/server';
import { TestClient } from '../../sandbox/testing/client';
import { CLI_PATH, localTree, World } from '../helpers';

export { localTree };

export const NOBODY = { uid: 65534, gid: 65534 };

export const sha256File = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Token for this run (default: the sandbox demo token). */
  token?: string;
  /** Run as this (unprivileged) user: chmod does not stop root, so unreadable files and read-only targets need another uid. */
  user?: { uid: number; gid: number };
  /** Resume state dir (default `<tmp>/cli-state`). */
  stateDir?: string;
  env?: Record<string, string>;
  /** Run through `sh -c "<prefix>; exec node cli ..."` (e.g. `ulimit -f 64`). */
  shellPrefix?: string;
}

/** Spawns dist/cli.js against the world's sandbox. Credentials go through the environment, as a user would set them. */
export function spawnCli(w: World, args: string[], o: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: o.user ? '/tmp' : process.env.HOME,
    KOODRIVE_ENDPOINT: w.sandbox.url,
    KOODRIVE_TOKEN: o.token ?? w.sandbox.token,
    KOODRIVE_USER_ID: w.sandbox.userId,
    KOODRIVE_STATE_DIR: o.stateDir ?? path.join(w.tmp, 'cli-state'),
    ...o.env,
  };
  const cmd = o.shellPrefix ? '/bin/sh' : process.execPath;
  const argv = o.shellPrefix
    ? ['-c', `${o.shellPrefix}; exec "$0" "$@"`, process.execPath, CLI_PATH, ...args]
    : [CLI_PATH, ...args];
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(o.user ?? {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function cli(w: World, args: string[], o: CliOptions = {}): Promise<CliResult> {
  return spawnCli(w, args, o).done;
}

/** Makes a directory (and its parents below `w.tmp`) usable by an unprivileged user. */
export function shareWith(dir: string, user = NOBODY): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.chownSync(dir, user.uid, user.gid);
}

/** True when this process may spawn children as another user (root on Linux). */
export function canSwitchUser(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0;
}

/** A client with its own credentials (a fresh session token) and short retries: for tests that expire tokens. */
export function driveWithToken(w: World, token: string, http?: { bodyTimeoutMs?: number; headersTimeoutMs?: number }): KooDrive {
  return createKooDrive({
    endpoint: w.sandbox.url,
    credentials: staticCredentials({ token, userId: w.sandbox.userId }),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    http,
  });
}

export function depsFor(w: World, drive: KooDrive, resume = true): UploadDeps {
  const base = w.deps({ resume });
  return { ...base, client: drive.client, dispatcher: drive.dispatcher };
}

/** A new session on the sandbox (POST /session/ with the sandbox's code): a token that expireTokens() can kill. */
export async function newSessionToken(w: World): Promise<{ token: string; sessionId: string }> {
  const s = await w.drive.client.createSession('sandbox');
  return { token: s.accessToken.replace(/^Bearer[+ ]/, ''), sessionId: s.sessionId ?? '' };
}

/** API paths whose requests change the drive; any PUT to the object store does too. */
const MUTATING = ['/files/create', '/files/complete', '/files/multipart/uploadUrl', '/directory', '/files/rename', '/jobs', '/revision/createRevision', '/revision/completeRevision', '/revision/restoreRevision'];

export function mark(sb: Sandbox): number {
  return sb.requests.length ? sb.requests[sb.requests.length - 1].seq : 0;
}

export function since(sb: Sandbox, seq: number): Sandbox['requests'] {
  return sb.requests.filter((r) => r.seq > seq);
}

export function mutatingSince(sb: Sandbox, seq: number): string[] {
  return since(sb, seq)
    .filter((r) => (r.method === 'PUT' && r.path.startsWith('/obs/')) || (r.method !== 'GET' && MUTATING.some((m) => r.path.endsWith(m))))
    .map((r) => `${r.method} ${r.path}`);
}

export function statuses(sb: Sandbox, seq: number, fragment: string): number[] {
  return since(sb, seq).filter((r) => r.path.includes(fragment)).map((r) => r.status);
}

/** The remote file at `names` (below the personal root), or undefined. */
export function remoteAt(w: World, ...names: string[]): ReturnType<Sandbox['store']['getFile']> {
  const c = w.personal.containerId;
  let parent = w.sandbox.store.rootId(c);
  let hit: ReturnType<Sandbox['store']['getFile']>;
  for (const name of names) {
    hit = w.sandbox.store.findByName(c, parent, name);
    if (!hit) return undefined;
    parent = hit.id;
  }
  return hit;
}

/** Names directly below a remote folder (the personal root by default). */
export function remoteNames(w: World, ...names: string[]): string[] {
  const c = w.personal.containerId;
  const folder = names.length ? remoteAt(w, ...names)?.id : w.sandbox.store.rootId(c);
  return folder ? w.sandbox.store.listChildren(c, folder).map((f) => f.name).sort() : [];
}

/** The drive holds exactly the local bytes under `names`, and says so in its metadata. */
export function assertStoredAs(w: World, local: string, ...names: string[]): string {
  const f = remoteAt(w, ...names);
  assert.ok(f, `${names.join('/')} is on the drive`);
  const bytes = fs.readFileSync(local);
  assert.equal(f.size, bytes.length, `${names.join('/')} size`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  assert.equal(f.sha256, digest, `${names.join('/')} sha256`);
  assert.ok(w.sandbox.store.readContent(f.id).equals(bytes), `${names.join('/')}: stored bytes equal the local bytes`);
  return f.id;
}

/** Nothing of that name on the drive, and no upload task for it left half-finished and visible. */
export function assertNotOnDrive(w: World, ...names: string[]): void {
  assert.equal(remoteAt(w, ...names), undefined, `${names.join('/')} must not be on the drive`);
}

export function partialsIn(dir: string): string[] {
  return localTree(dir).filter((p) => isPartialName(path.posix.basename(p)));
}

/** Uploads `data` straight through the sandbox API (independent of the engine under test). */
export async function putRemote(w: World, name: string, data: Buffer, parent = 'root', token = w.sandbox.token): Promise<string> {
  const tc = new TestClient({ url: w.sandbox.url, token, userId: w.sandbox.userId });
  return (await tc.upload({ containerId: w.personal.containerId, parent, name, data, autoRename: 3 })).fileId;
}

export async function itemsOf(w: World, ...ids: string[]): Promise<DriveItem[]> {
  return itemsVia(w.drive, w, ...ids);
}

export async function itemsVia(drive: KooDrive, w: World, ...ids: string[]): Promise<DriveItem[]> {
  return Promise.all(ids.map((id) => drive.client.getFileDetail(w.personal, id)));
}

/** Resume-state files left in a ResumeStore folder (the engine's `<tmp>/state`, the CLI's `<state dir>/uploads`). */
export function stateFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
}

/** A 1 MiB tmpfs at `dir` (root with CAP_SYS_ADMIN only); undefined when that is impossible here. */
export function mountTinyTmpfs(dir: string): (() => void) | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0777', 'tmpfs', dir], { stdio: 'ignore' });
    return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

/** Lines of CLI stderr that are errors (not progress or warnings). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('koodrive:') || l.startsWith('✗'));
}

/**
 * Asserts that fault `faultId` really fired (`times` times exactly, or at
 * least once), from the sandbox's firing log. A fault test whose fault never
 * fired proves nothing: it would pass with injection broken.
 */
export function assertFired(sb: Sandbox, faultId: string, times?: number): void {
  const firings = sb.faults.firings(faultId);
  const what = firings.map((f) => `${f.kind} ${f.method} ${f.path}${f.partNumber ? ` part ${f.partNumber}` : ''}`).join('; ');
  if (times === undefined) assert.ok(firings.length >= 1, 'the injected fault never fired');
  else assert.equal(firings.length, times, `the injected fault fired ${firings.length} time(s), expected ${times}: ${what}`);
}
