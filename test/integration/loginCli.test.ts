/**
 * `koodrive login / logout / whoami` and profiles, as a user meets them: the
 * bundle in a child process against the sandbox over loopback, each test with
 * its own HOME and state directory, checking the files on disk afterwards.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { requireBuiltCli } from './helpers';
import { CLI, CliRun, errLines, runCli } from './cliSpawn';

describe('koodrive login, logout, whoami and profiles (CLI against the sandbox)', function () {
  this.timeout(60_000);
  let root: string;
  let sb: Sandbox;
  let home: string;
  let state: string;
  let n = 0;

  before(async function () {
    requireBuiltCli(CLI); // a missing build is an error, not a pending test
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-login-cli-'));
    sb = await startSandbox({ dataDir: path.join(root, 'sandbox') });
  });
  after(async () => {
    await sb?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    home = path.join(root, `home-${++n}`);
    state = path.join(home, 'state');
    fs.mkdirSync(home, { recursive: true });
  });

  /** The CLI with this test's HOME and KOODRIVE_STATE_DIR. */
  const cli = (args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> =>
    runCli(args, { home, env: { KOODRIVE_STATE_DIR: state, ...env }, input });
  const login = (extra: string[] = [], token = sb.token, env: Record<string, string> = {}): Promise<CliRun> =>
    cli(['login', '--endpoint', sb.url, '--user-id', sb.userId, '--token-stdin', ...extra], env, `${token}\n`);
  const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

  it('login --token-stdin checks the sign-in, then saves endpoint + user id in config.json and the token alone in credentials (0600)', async () => {
    const before = sb.requests.length;
    const r = await login();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Signed in to http:\/\/127\.0\.0\.1:\d+ as sandbox-user; saved as profile "default"/);
    assert.ok(!r.stdout.includes(sb.token) && !r.stderr.includes(sb.token), 'the token is never printed');
    // One authenticated call checked it.
    assert.ok(sb.requests.slice(before).some((q) => q.path.includes(`/space/${sb.userId}`) && q.status === 200));

    const config = JSON.parse(fs.readFileSync(path.join(state, 'config.json'), 'utf8'));
    assert.deepEqual(config, { profiles: { default: { endpoint: sb.url, userId: sb.userId } } });
    const credentials = path.join(state, 'credentials');
    assert.equal(modeOf(credentials), 0o600);
    assert.match(fs.readFileSync(credentials, 'utf8'), /^\[default\]\ntoken = sandbox-token$/m);
    assert.ok(!fs.readFileSync(path.join(state, 'config.json'), 'utf8').includes(sb.token));

    // Every command now works with no flag and no variable.
    const spaces = await cli(['spaces', '--json']);
    assert.equal(spaces.code, 0, spaces.stderr);
    assert.ok(JSON.parse(spaces.stdout).spaces.some((s: { containerId: string }) => s.containerId === sb.personalContainerId));
  });

  it('without KOODRIVE_STATE_DIR the profile lives in ~/.koodrive, the folder 0700', async () => {
    const r = await runCli(['login', '--endpoint', sb.url, '--user-id', sb.userId, '--token-stdin'], { home, input: sb.token });
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(home, '.koodrive');
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(path.join(dir, 'credentials')), 0o600);
    const who = await runCli(['whoami', '--json'], { home });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).endpoint, sb.url);
  });

  /**
   * `koodrive login` on a real pseudo-terminal (python3's pty: Node has none), answering the prompts as a person
   * would; the transcript is what the screen showed.
   */
  async function loginOnTerminal(args: string[], answers: Array<[string, string]>): Promise<{ code: number; transcript: string; unanswered: string[] } | undefined> {
    const helper = path.resolve(__dirname, '../../../test/integration/tty/answerPrompts.py');
    const argv = ['env', `HOME=${home}`, `KOODRIVE_STATE_DIR=${state}`, process.execPath, CLI, 'login', ...args];
    // Not spawnSync: the sandbox answering the login's check runs in this process.
    return new Promise((resolve, reject) => {
      execFile('python3', [helper, JSON.stringify({ argv, answers })], { timeout: 40_000 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve(undefined); // no python3 here
        else if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      });
    });
  }

  it('login on a terminal asks for endpoint, user id and token, does not echo the token, and Enter keeps the saved values', async function () {
    const first = await loginOnTerminal([], [['KooDrive endpoint', sb.url], ['User id', sb.userId], ['Access token (not shown): ', sb.token]]);
    if (!first) this.skip();
    assert.deepEqual(first.unanswered, []);
    assert.equal(first.code, 0, first.transcript);
    assert.ok(first.transcript.includes(sb.userId), 'the user id is echoed as typed');
    assert.ok(!first.transcript.includes(sb.token), `the token is not shown:\n${first.transcript}`);
    assert.match(first.transcript, /Signed in to http:\/\/127\.0\.0\.1:\d+ as sandbox-user/);
    assert.match(fs.readFileSync(path.join(state, 'credentials'), 'utf8'), /^token = sandbox-token$/m);
    assert.equal(modeOf(path.join(state, 'credentials')), 0o600);

    // Again: the saved endpoint and user id are offered, Enter keeps them; only the token is typed.
    const again = await loginOnTerminal([], [[`KooDrive endpoint (e.g. https://intl.myhuaweicloud-koodrive.com) [${sb.url}]: `, ''], [`User id [${sb.userId}]: `, ''], ['Access token', sb.token]]);
    assert.ok(again);
    assert.deepEqual(again.unanswered, []);
    assert.equal(again.code, 0, again.transcript);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(state, 'config.json'), 'utf8')).profiles.default, { endpoint: sb.url, userId: sb.userId });
  });

  it('a rejected token is not saved (exit 1, says nothing was saved); an unreachable endpoint is named', async () => {
    const bad = await login([], 'not-the-token');
    assert.equal(bad.code, 1, bad.stderr);
    const line = errLines(bad)[0];
    assert.match(line, /^koodrive: http:\/\/127\.0\.0\.1:\d+ rejected the token or the user id .*Nothing was saved\. \[AuthRequired\]$/);
    assert.ok(!fs.existsSync(path.join(state, 'credentials')));
    assert.ok(!fs.existsSync(path.join(state, 'config.json')));

    const refused = await cli(['login', '--endpoint', 'http://127.0.0.1:9', '--user-id', 'u', '--token-stdin'], {}, 't');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(errLines(refused)[0], /^koodrive: Could not check the sign-in at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*Nothing was saved\. \[Network\]$/);
    assert.ok(!fs.existsSync(path.join(state, 'credentials')));
  });

  it('a server that echoes the token in its error: login and whoami print it nowhere', async () => {
    sb.faults.add({ match: { target: 'api' }, action: { kind: 'status', status: 403, echoToken: true }, times: 10 });
    const r = await login([], 'typed-secret-token');
    assert.equal(r.code, 1, r.stderr);
    assert.ok((sb.faults.list()[0]?.fired ?? 0) >= 1, 'the echoing fault answered');
    assert.ok(!r.stderr.includes('typed-secret-token') && !r.stdout.includes('typed-secret-token'), r.stderr);
    assert.match(r.stderr, /\*\*\*/);
    sb.faults.reset();
    assert.equal((await login()).code, 0);
    sb.faults.add({ match: { target: 'api' }, action: { kind: 'status', status: 403, echoToken: true }, times: 10 });
    const who = await cli(['whoami', '--json']);
    sb.faults.reset();
    assert.equal(who.code, 1);
    assert.ok(!who.stderr.includes(sb.token) && !who.stdout.includes(sb.token), who.stdout + who.stderr);
  });

  it('login with stdin not a terminal and no --token-stdin fails at once naming what is missing (exit 2), instead of waiting', async () => {
    const started = Date.now();
    const r = await cli(['login', '--endpoint', sb.url, '--user-id', sb.userId]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(errLines(r)[0], /^koodrive: No terminal to ask for the token: in a script give --endpoint and --user-id, and pipe the token with --token-stdin\. Usage: koodrive login /);
    assert.ok(Date.now() - started < 10_000);
    const none = await cli(['login']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No terminal to ask for --endpoint, --user-id, the token/);
    const empty = await cli(['login', '--endpoint', sb.url, '--user-id', sb.userId, '--token-stdin'], {}, '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /Nothing on stdin/);
    const twoLines = await cli(['login', '--endpoint', sb.url, '--user-id', sb.userId, '--token-stdin'], {}, 'first-line\nsecond-line\n');
    assert.equal(twoLines.code, 2);
    assert.match(twoLines.stderr, /The token contains a line break or control character/);
    assert.ok(!fs.existsSync(path.join(state, 'credentials')));
  });

  it('refuses a credentials file that others can read, as ssh does (exit 1, names the file and the fix); chmod 600 makes it work again', async () => {
    assert.equal((await login()).code, 0);
    const credentials = path.join(state, 'credentials');
    fs.chmodSync(credentials, 0o644);
    const requestsBefore = sb.requests.length;
    const r = await cli(['spaces']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(errLines(r), [
      `koodrive: ${credentials} is accessible by other users (mode 0644), so its token is not used. Run "chmod 600 ${credentials}", and "koodrive login" again if others may have read it. [InvalidInput]`,
    ]);
    assert.equal(r.stdout, '');
    assert.equal(sb.requests.length, requestsBefore, 'no request was made with that token');
    // Group-readable is refused too.
    fs.chmodSync(credentials, 0o640);
    assert.equal((await cli(['whoami'])).code, 1);
    fs.chmodSync(credentials, 0o600);
    const ok = await cli(['spaces']);
    assert.equal(ok.code, 0, ok.stderr);
    // A token given by the environment does not need the file: the too-open file does not stop that run.
    fs.chmodSync(credentials, 0o644);
    const byEnv = await cli(['spaces'], { KOODRIVE_TOKEN: sb.token });
    assert.equal(byEnv.code, 0, byEnv.stderr);
  });

  it('precedence: a flag beats the environment, which beats the profile (endpoint, user id and token)', async () => {
    assert.equal((await login()).code, 0); // the profile: the sandbox, the right token
    const who = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number; json: Record<string, any>; stderr: string }> => {
      const r = await cli(['whoami', '--json', ...args], env);
      return { code: r.code, json: r.stdout ? JSON.parse(r.stdout) : {}, stderr: r.stderr };
    };
    const fromProfile = await who([]);
    assert.equal(fromProfile.code, 0, fromProfile.stderr);
    assert.deepEqual(fromProfile.json.sources, { endpoint: 'profile', userId: 'profile', token: 'profile' });
    assert.equal(fromProfile.json.tokenValid, true);

    // The environment's wrong token beats the profile's right one...
    const envToken = await who([], { KOODRIVE_TOKEN: 'wrong-from-env' });
    assert.equal(envToken.code, 1);
    assert.equal(envToken.json.tokenValid, false);
    assert.equal(envToken.json.sources.token, 'environment');
    // ...and the flag's right token beats the environment's wrong one.
    const flagToken = await who(['--token', sb.token], { KOODRIVE_TOKEN: 'wrong-from-env' });
    assert.equal(flagToken.code, 0, flagToken.stderr);
    assert.equal(flagToken.json.sources.token, 'flag');
    // The flag wins the other way round too: a wrong flag over a right environment fails.
    const wrongFlag = await cli(['spaces', '--token', 'wrong-flag'], { KOODRIVE_TOKEN: sb.token });
    assert.equal(wrongFlag.code, 1);
    assert.match(errLines(wrongFlag)[0], /the token came from --token/);

    // Endpoint: environment over profile, flag over environment.
    const envEndpoint = await who([], { KOODRIVE_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(envEndpoint.code, 1);
    assert.equal(envEndpoint.json.endpoint, 'http://127.0.0.1:9');
    assert.equal(envEndpoint.json.sources.endpoint, 'environment');
    assert.equal(envEndpoint.json.tokenValid, null); // not checked: the endpoint did not answer
    assert.match(envEndpoint.stderr, /^koodrive: Could not connect to http:\/\/127\.0\.0\.1:9 \(from KOODRIVE_ENDPOINT\): .*ECONNREFUSED/);
    const flagEndpoint = await who(['--endpoint', sb.url], { KOODRIVE_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(flagEndpoint.code, 0, flagEndpoint.stderr);
    assert.equal(flagEndpoint.json.sources.endpoint, 'flag');

    // User id: environment over profile.
    const envUser = await who([], { KOODRIVE_USER_ID: 'somebody-else' });
    assert.equal(envUser.code, 1);
    assert.equal(envUser.json.userId, 'somebody-else');
    assert.equal(envUser.json.sources.userId, 'environment');
  });

  it('--profile and KOODRIVE_PROFILE pick a named profile; an unknown one is a usage error naming the login to run', async () => {
    assert.equal((await login(['--profile', 'work'])).code, 0);
    // The default profile does not exist: a run without a profile is not signed in.
    const plain = await cli(['spaces']);
    assert.equal(plain.code, 2);
    assert.deepEqual(errLines(plain), ['koodrive: Missing --endpoint (or the KOODRIVE_ENDPOINT environment variable, or a profile saved by "koodrive login") [InvalidInput]']);
    const byFlag = await cli(['spaces', '--profile', 'work', '--json']);
    assert.equal(byFlag.code, 0, byFlag.stderr);
    const byEnv = await cli(['whoami', '--json'], { KOODRIVE_PROFILE: 'work' });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.equal(JSON.parse(byEnv.stdout).profile, 'work');
    // The flag beats the environment for the profile name too.
    const both = await cli(['whoami', '--json', '--profile', 'work'], { KOODRIVE_PROFILE: 'nope' });
    assert.equal(both.code, 0, both.stderr);

    const unknown = await cli(['spaces', '--profile', 'typo']);
    assert.equal(unknown.code, 2);
    assert.deepEqual(errLines(unknown), [
      `koodrive: No profile "typo" in ${path.join(state, 'config.json')}: run "koodrive login --profile typo" to create it [InvalidInput]`,
    ]);
    const badName = await cli(['spaces', '--profile', '../etc']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /"\.\.\/etc" is not a profile name/);
  });

  it('whoami prints endpoint, user, where each came from and whether the token is accepted; never the token', async () => {
    assert.equal((await login()).code, 0);
    const r = await cli(['whoami']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'Profile:   default');
    assert.equal(lines[1], `Endpoint:  ${sb.url}   from profile "default" (${path.join(state, 'config.json')})`);
    assert.equal(lines[3], `Token:     accepted   from profile "default" (${path.join(state, 'credentials')})`);
    const j = await cli(['whoami', '--json']);
    const doc = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['endpoint', 'profile', 'sources', 'tokenValid', 'userId']);
    assert.ok(!j.stdout.includes(sb.token) && !r.stdout.includes(sb.token));

    const rejected = await cli(['whoami'], { KOODRIVE_TOKEN: 'expired-token' });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stdout, /^Token: {5}rejected {3}from KOODRIVE_TOKEN$/m);
    assert.ok(!rejected.stdout.includes('expired-token') && !rejected.stderr.includes('expired-token'));
    assert.match(errLines(rejected)[0], /\(the token came from KOODRIVE_TOKEN, the user id from profile "default"\)\. Run "koodrive login" to sign in again, or give a valid token with KOODRIVE_TOKEN or --token\. \[AuthRequired\]$/);
  });

  it('logout forgets the token but keeps endpoint and user id; a new login --token-stdin needs only the token', async () => {
    assert.equal((await login(['--profile', 'w'])).code, 0);
    const out = await cli(['logout', '--profile', 'w', '--json']);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { profile: 'w', removed: true, credentialsFile: path.join(state, 'credentials') });
    assert.doesNotMatch(fs.readFileSync(path.join(state, 'credentials'), 'utf8'), /token =/);
    const after = await cli(['spaces', '--profile', 'w']);
    assert.equal(after.code, 2);
    assert.deepEqual(errLines(after), [
      'koodrive: Profile "w" has no saved token: run "koodrive login --profile w" (or give --token or KOODRIVE_TOKEN) [InvalidInput]',
    ]);
    const again = await cli(['logout', '--profile', 'w']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, 'Profile "w" has no saved token.\n');
    const relogin = await cli(['login', '--profile', 'w', '--token-stdin'], {}, sb.token);
    assert.equal(relogin.code, 0, relogin.stderr);
    assert.equal((await cli(['spaces', '--profile', 'w'])).code, 0);
  });

  it('the token of a profile is redacted from error output like any other token', async () => {
    assert.equal((await login()).code, 0);
    // An error whose text would carry the token: the raw argument echoed back by a usage error is not it, so use a
    // profile whose token is the same string as a path we ask for.
    const r = await cli(['stat', `${sb.personalContainerId}:${sb.token}/x.txt`]);
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes(sb.token), r.stderr);
  });
});
