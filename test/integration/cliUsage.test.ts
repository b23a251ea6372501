/**
 * The command line's contract with scripts, as a user meets it: the esbuild
 * bundle (dist/cli.js) in a child process. Exit codes (2 usage, 1 failure,
 * 0 success and --help), the one line on stderr, and which sign-in value the
 * sandbox rejected.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { requireBuiltCli } from './helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with no KOODRIVE_* configuration from the environment of the test run. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KOODRIVE_')) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

function stderrLines(r: CliRun): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

/** Every subcommand with arguments that are complete apart from what a case adds. */
const COMMANDS: Array<{ name: string; args: string[]; usage: RegExp }> = [
  { name: 'spaces', args: ['spaces'], usage: /^Usage: koodrive spaces/ },
  { name: 'ls', args: ['ls', 'C1'], usage: /^Usage: koodrive ls <containerId>/ },
  { name: 'mkdir', args: ['mkdir', 'C1', 'Reports'], usage: /^Usage: koodrive mkdir <containerId> <name>/ },
  { name: 'hash', args: ['hash', 'some-file'], usage: /^Usage: koodrive hash <file>/ },
  { name: 'upload', args: ['upload', 'some-file', '--container', 'C1'], usage: /^Usage: koodrive upload <path\.\.\.>/ },
  { name: 'download', args: ['download', 'F1', '--container', 'C1', '--to', 'out'], usage: /^Usage: koodrive download <fileId\|folderId\|containerId:path\.\.\.>/ },
  { name: 'revision', args: ['revision', 'list', '--container', 'C1', '--file-id', 'F1'], usage: /^Usage: koodrive revision save/ },
  { name: 'sandbox', args: ['sandbox', '--port', '0'], usage: /^Usage: koodrive sandbox/ },
];

describe('koodrive command line: usage errors, --help and exit codes', function () {
  this.timeout(120_000);

  before(function () {
    requireBuiltCli(CLI);
  });

  it('a misspelled option exits 2 with one line naming it and the command usage', async () => {
    const r = await cli(['mkdir', 'C1', 'Reports', '--parnet', 'F1'], { KOODRIVE_ENDPOINT: 'http://127.0.0.1:9', KOODRIVE_TOKEN: 't', KOODRIVE_USER_ID: 'u' });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(stderrLines(r), [
      'koodrive: Unknown option --parnet. Usage: koodrive mkdir <containerId> <name> [--parent <folderId|containerId:path>] [--json] [InvalidInput]',
    ]);
    assert.equal(r.stdout, '');
  });

  for (const c of COMMANDS) {
    it(`${c.name}: rejects an unknown option (exit 2, names it) and answers --help with its own usage (exit 0)`, async () => {
      const bad = await cli([...c.args, '--bogus']);
      assert.equal(bad.code, 2, bad.stderr);
      const lines = stderrLines(bad);
      assert.equal(lines.length, 1, bad.stderr);
      assert.match(lines[0], /^koodrive: Unknown option --bogus\. Usage: koodrive /);
      assert.ok(lines[0].includes(`koodrive ${c.name}`), lines[0]);

      const help = await cli([c.name, '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, c.usage);
      assert.equal(help.stderr, '');
      // -h is the same request.
      const h = await cli([c.name, '-h']);
      assert.equal(h.code, 0, h.stderr);
      assert.equal(h.stdout, help.stdout);
    });
  }

  it('a missing endpoint, token or user id is a usage error (exit 2) naming the flag and the variable', async () => {
    const all = { KOODRIVE_ENDPOINT: 'http://127.0.0.1:9', KOODRIVE_TOKEN: 't', KOODRIVE_USER_ID: 'u' };
    const cases: Array<[string, string, string]> = [
      ['KOODRIVE_ENDPOINT', '--endpoint', 'Missing --endpoint (or the KOODRIVE_ENDPOINT environment variable, or a profile saved by "koodrive login")'],
      ['KOODRIVE_TOKEN', '--token', 'Missing --token (or the KOODRIVE_TOKEN environment variable, or a profile saved by "koodrive login")'],
      ['KOODRIVE_USER_ID', '--user-id', 'Missing --user-id (or the KOODRIVE_USER_ID environment variable, or a profile saved by "koodrive login")'],
    ];
    for (const [variable, , message] of cases) {
      const env: Record<string, string> = { ...all };
      delete env[variable];
      const r = await cli(['spaces'], env);
      assert.equal(r.code, 2, `${variable}: ${r.stderr}`);
      assert.deepEqual(stderrLines(r), [`koodrive: ${message} [InvalidInput]`]);
    }
  });

  it('an unknown command exits 2 and prints the usage one command per line', async () => {
    const r = await cli(['frobnicate']);
    assert.equal(r.code, 2);
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], 'koodrive: unknown command "frobnicate"');
    assert.equal(lines[1], 'Usage:');
    for (const c of COMMANDS) {
      assert.ok(lines.some((l) => l.startsWith(`  koodrive ${c.name} `) || l === `  koodrive ${c.name}`), `a line for ${c.name} in:\n${r.stderr}`);
    }
    assert.ok(lines.every((l) => l.length < 250), 'no command squashed onto one line');
  });

  it('no command prints the usage and exits 2; `help` prints it and exits 0', async () => {
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^Usage:\n {2}koodrive login /);
    const help = await cli(['help']);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, none.stdout);
  });

  it('bad values are usage errors too: --concurrency 0, --conflict maybe, --port abc', async () => {
    const env = { KOODRIVE_ENDPOINT: 'http://127.0.0.1:9', KOODRIVE_TOKEN: 't', KOODRIVE_USER_ID: 'u' };
    const conc = await cli(['download', 'F1', '--container', 'C1', '--to', 'out', '--concurrency', '0'], env);
    assert.equal(conc.code, 2, conc.stderr);
    assert.match(conc.stderr, /--concurrency must be a whole number/);
    const conflict = await cli(['download', 'F1', '--container', 'C1', '--to', 'out', '--conflict', 'maybe'], env);
    assert.equal(conflict.code, 2, conflict.stderr);
    assert.match(conflict.stderr, /--conflict must be one of fail, overwrite, skip, rename/);
    const port = await cli(['sandbox', '--port', 'abc']);
    assert.equal(port.code, 2, port.stderr);
    assert.match(port.stderr, /--port must be a whole number from 0 to 65535 \(got "abc"\)/);
  });
});

describe('koodrive command line against the sandbox: what exactly was refused', function () {
  this.timeout(60_000);
  let tmp: string;
  let sb: Sandbox;

  before(async function () {
    requireBuiltCli(CLI);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-cli-auth-'));
    sb = await startSandbox({ dataDir: path.join(tmp, 'sandbox') });
  });
  after(async () => {
    await sb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a wrong user id is named as the user id, not blamed on the token (exit 1, AuthRequired)', async () => {
    const r = await cli(['spaces'], { KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: 'somebody-else' });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(stderrLines(r).map((l) => l.replace(/ \(trace \w+\)$/, '')), [
      'koodrive: KooDrive rejected the user id: it does not belong to this access token. Check the user id (the token came from KOODRIVE_TOKEN, the user id from KOODRIVE_USER_ID). ' +
        'Run "koodrive login" to sign in again, or give a valid token with KOODRIVE_TOKEN or --token. [AuthRequired]',
    ]);
    // The sandbox answered the gateway's app-authentication code for exactly this.
    assert.ok(sb.requests.some((q) => q.status === 401 && q.headers['x-user-id'] === 'somebody-else'));
  });

  it('a wrong token is named as the token, with where it came from and what to fix on the command line (exit 1, AuthRequired)', async () => {
    const r = await cli(['spaces'], { KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: 'not-the-token', KOODRIVE_USER_ID: sb.userId });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(stderrLines(r).map((l) => l.replace(/ \(trace \w+\)$/, '')), [
      'koodrive: Your KooDrive sign-in has expired or the access token was rejected (the token came from KOODRIVE_TOKEN, the user id from KOODRIVE_USER_ID). ' +
        'Run "koodrive login" to sign in again, or give a valid token with KOODRIVE_TOKEN or --token. [AuthRequired]',
    ]);
  });

  it('a refused connection names the endpoint it tried and where it came from (exit 1, Network)', async () => {
    const r = await cli(['spaces', '--endpoint', 'http://127.0.0.1:9'], { KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: sb.userId });
    assert.equal(r.code, 1, r.stderr);
    const lines = stderrLines(r).map((l) => l.replace(/ \(trace \w+\)$/, ''));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^koodrive: Could not connect to http:\/\/127\.0\.0\.1:9 \(from --endpoint\): .*\(ECONNREFUSED\) \[Network\]$/);
  });

  const signedIn = (): Record<string, string> => ({ KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: sb.userId });

  it('a taken folder name is named once, with its kind and its folder', async () => {
    const documents = sb.store.findByName(sb.personalContainerId, sb.personalRootId, 'Documents');
    assert.ok(documents && documents.kind === 'folder', 'the seed has Documents');
    const first = await cli(['mkdir', sb.personalContainerId, 'Reports', '--parent', documents.id], signedIn());
    assert.equal(first.code, 0, first.stderr);
    const again = await cli(['mkdir', sb.personalContainerId, 'Reports', '--parent', documents.id], signedIn());
    assert.equal(again.code, 1, again.stderr);
    assert.deepEqual(stderrLines(again).map((l) => l.replace(/ \(trace \w+\)$/, '')), [
      'koodrive: A folder named "Reports" already exists in Documents [Conflict]',
    ]);
    // Only one Reports in Documents.
    assert.equal(sb.store.listChildren(sb.personalContainerId, documents.id).filter((f) => f.name === 'Reports').length, 1);
  });

  it('a folder whose name a file already has says "A file named …" (one namespace for both)', async () => {
    const r = await cli(['mkdir', sb.personalContainerId, 'Welcome.md'], signedIn());
    assert.equal(r.code, 1, r.stderr);
    const line = stderrLines(r)[0].replace(/ \(trace \w+\)$/, '');
    assert.match(line, /^koodrive: A file named "Welcome\.md" already exists in .+ \[Conflict\]$/);
    assert.doesNotMatch(line, /same name|\(a file/);
  });

  it('upload --conflict fail names the file and the folder', async () => {
    const documents = sb.store.findByName(sb.personalContainerId, sb.personalRootId, 'Documents');
    assert.ok(documents);
    const existing = sb.store.listChildren(sb.personalContainerId, documents.id).find((f) => f.kind === 'file');
    assert.ok(existing, 'the seed has a file in Documents');
    const local = path.join(tmp, existing.name);
    fs.writeFileSync(local, 'different content');
    const r = await cli(['upload', local, '--container', sb.personalContainerId, '--parent', documents.id, '--conflict', 'fail'], signedIn());
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`A file named "${existing.name}" already exists in Documents`), r.stderr);
  });
});
