/**
 * `npm run sandbox` as a person runs it: started in the background, then
 * stopped with SIGTERM or SIGINT sent to the npm process, or with Ctrl-C (SIGINT
 * to the whole foreground process group). Afterwards nothing may listen on
 * the port and no process npm started may still be alive (the bug this guards
 * against: a shell between npm and the server died and left the server
 * running, re-parented, on its port).
 *
 * Linux only: the process tree is read from /proc.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Every live descendant of `root` (pid → command line), from /proc. */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may contain spaces; fields after ")" are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found = new Map<number, string>();
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        /* gone */
      }
      found.set(c, cmd);
      walk(c);
    }
  };
  walk(root);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0): it no longer runs or listens.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (child && child.exitCode !== null) throw new Error(`npm exited (${child.exitCode}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm run sandbox: stopping it leaves nothing behind', function () {
  this.timeout(180_000);
  let tmp: string;
  let started: ChildProcess[] = [];

  before(function () {
    if (process.platform !== 'linux') this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-sandbox-cmd-'));
  });
  afterEach(() => {
    // Only if a test failed half-way: never leave our own children running.
    for (const c of started) {
      try {
        if (c.pid) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // the group is already gone: the normal case
      }
    }
    started = [];
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; stop: (npm: ChildProcess) => void }> = [
    { name: 'SIGTERM to the npm process', stop: (npm) => npm.kill('SIGTERM') },
    { name: 'SIGINT to the npm process', stop: (npm) => npm.kill('SIGINT') },
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    { name: 'Ctrl-C (SIGINT to the process group)', stop: (npm) => process.kill(-(npm.pid as number), 'SIGINT') },
  ];
  for (const { name, stop } of cases) {
    it(name, async () => {
      const port = await freePort();
      const dataDir = path.join(tmp, `data-${port}`);
      let output = '';
      // detached: its own process group, like a job started from a shell.
      const npm = spawn('npm', ['run', 'sandbox', '--', '--port', String(port), '--data', dataDir, '--no-seed'], {
        cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.push(npm);
      npm.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      npm.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));

      // Listening, and its banner read from the pipe (the two can arrive in either order).
      const banner = new RegExp(`endpoint:\\s+http://127\\.0\\.0\\.1:${port}`);
      await waitFor(`the sandbox to listen on ${port}`, async () => banner.test(output) && (await canConnect(port)), 150_000, npm).catch((e: Error) => {
        throw new Error(`${e.message}\n${output}`);
      });
      const tree = descendants(npm.pid as number);
      const server = [...tree].find(([, cmd]) => /dist\/cli\.js sandbox/.test(cmd));
      assert.ok(server, `the server process is one of npm's descendants: ${JSON.stringify([...tree])}`);

      stop(npm);
      await exited;
      await waitFor('the port to close', async () => !(await canConnect(port)), 15_000);
      const survivors = [...tree].filter(([pid]) => isAlive(pid));
      assert.deepEqual(survivors, [], 'no process npm started is still running');
      // Its last words may still be in the pipe when npm's exit is reported.
      await waitFor('the sandbox to say it stopped', () => /stopping the sandbox/.test(output), 10_000).catch(() => undefined);
      assert.match(output, /stopping the sandbox/, output);
      // The data directory is the sandbox's store: it survives for the next run.
      assert.ok(fs.existsSync(dataDir));
    });
  }
});
