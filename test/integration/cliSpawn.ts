/**
 * Runs the CLI bundle (dist/cli.js) as a user would: its own process, a
 * HOME of the test's own (so nothing reads or writes the real ~/.koodrive),
 * no KOODRIVE_* variable from the test run's environment, and optional stdin.
 */
import { spawn } from 'node:child_process';
import { CLI_PATH } from './helpers';

export const CLI = CLI_PATH;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  home: string;
  env?: Record<string, string>;
  /** Written to stdin, then stdin is closed; without it stdin is empty (not a terminal). */
  input?: string;
  timeoutMs?: number;
}

export function runCli(args: string[], o: SpawnOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KOODRIVE_')) env[k] = v;
  Object.assign(env, { HOME: o.home, USERPROFILE: o.home }, o.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`koodrive ${args.join(' ')} did not finish in ${o.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, o.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(o.input ?? '');
  });
}

/** stderr's lines without the trace id the CLI appends to service errors. */
export function errLines(r: CliRun): string[] {
  return r.stderr.split('\n').filter((l) => l !== '').map((l) => l.replace(/ \(trace [\w-]+\)$/, ''));
}
