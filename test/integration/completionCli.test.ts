/**
 * `koodrive completion bash|zsh`: the printed script loaded into a real bash,
 * its completion function called as bash calls it on Tab (COMP_WORDS,
 * COMP_CWORD), with `koodrive` on PATH running the bundle, and container ids
 * coming from the last `koodrive spaces` against the sandbox.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { requireBuiltCli } from './helpers';
import { CLI, runCli } from './cliSpawn';

describe('koodrive completion (bash script in a real bash)', function () {
  this.timeout(60_000);
  let root: string;
  let home: string;
  let state: string;
  let bin: string;
  let sb: Sandbox;

  before(async function () {
    requireBuiltCli(CLI); // a missing build is an error, not a pending test
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-completion-'));
    home = path.join(root, 'home');
    state = path.join(home, 'state');
    bin = path.join(root, 'bin');
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(bin);
    // `koodrive` as an installed user has it: a command on PATH.
    fs.writeFileSync(path.join(bin, 'koodrive'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    sb = await startSandbox({ dataDir: path.join(root, 'sandbox') });
  });
  after(async () => {
    await sb?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KOODRIVE_')) e[k] = v;
    return { ...e, HOME: home, KOODRIVE_STATE_DIR: state, PATH: `${bin}:${process.env.PATH}` };
  };

  /** What Tab offers after `words` (the last one is the word being completed, '' for a new one). */
  function complete(...words: string[]): string[] {
    const script = execFileSync('koodrive', ['completion', 'bash'], { env: env(), encoding: 'utf8' });
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const run = `${script}\nCOMP_WORDS=(koodrive ${quoted}); COMP_CWORD=${words.length}; COMPREPLY=(); _koodrive; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', run], { env: env(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout.split('\n').filter((l) => l !== '').sort();
  }

  it('completes command names, then each command\'s options (its own and the global ones), subcommands and choices', () => {
    assert.deepEqual(complete('up'), ['upload']);
    assert.deepEqual(complete('lo'), ['login', 'logout']);
    assert.ok(complete('').includes('whoami') && complete('').includes('completion'));
    assert.deepEqual(complete('upload', 'file.txt', '--con'), ['--concurrency', '--conflict', '--container']);
    assert.deepEqual(complete('upload', '--conflict', ''), ['fail', 'rename', 'skip-same']);
    assert.deepEqual(complete('download', 'F1', '--conflict', 'o'), ['overwrite']);
    assert.deepEqual(complete('login', '--'), ['--endpoint', '--help', '--json', '--profile', '--token', '--token-stdin', '--user-id', '--verbose'].sort());
    assert.deepEqual(complete('trash', ''), ['empty', 'ls', 'restore']);
    assert.deepEqual(complete('revision', 'r'), ['restore']);
    assert.deepEqual(complete('completion', ''), ['bash', 'zsh']);
    // Global flags with their values before the command do not confuse it.
    assert.deepEqual(complete('--profile', 'work', 'trash', 'e'), ['empty']);
  });

  it('offers the container ids of the last `koodrive spaces` (from the state directory, no request) and the saved profiles', async () => {
    assert.deepEqual(complete('ls', ''), [], 'nothing cached yet');
    const spaces = await runCli(['spaces', '--json'], { home, env: { KOODRIVE_STATE_DIR: state, KOODRIVE_ENDPOINT: sb.url, KOODRIVE_TOKEN: sb.token, KOODRIVE_USER_ID: sb.userId } });
    assert.equal(spaces.code, 0, spaces.stderr);
    const ids = (JSON.parse(spaces.stdout).spaces as Array<{ containerId: string }>).map((s) => s.containerId).sort();
    assert.ok(ids.length >= 3);
    const requests = sb.requests.length;
    assert.deepEqual(complete('ls', ''), [...new Set(ids)].sort());
    assert.deepEqual(complete('upload', 'a.txt', '--container', ''), [...new Set(ids)].sort());
    assert.deepEqual(complete('cp', 'F1', '--to-container', sb.personalContainerId.slice(0, 6)), ids.filter((i) => i.startsWith(sb.personalContainerId.slice(0, 6))));
    assert.equal(sb.requests.length, requests, 'completion asks the service nothing');
    assert.ok(!fs.readFileSync(path.join(state, 'cache', 'spaces.json'), 'utf8').includes(sb.token));

    const login = await runCli(['login', '--profile', 'work', '--endpoint', sb.url, '--user-id', sb.userId, '--token-stdin'], { home, env: { KOODRIVE_STATE_DIR: state }, input: sb.token });
    assert.equal(login.code, 0, login.stderr);
    assert.deepEqual(complete('spaces', '--profile', ''), ['work']);
  });

  it('zsh: prints a #compdef script with the same commands (syntax-checked when zsh is installed)', async () => {
    const r = await runCli(['completion', 'zsh'], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^#compdef koodrive\n/);
    assert.match(r.stdout, /compadd -- login logout whoami spaces/);
    assert.match(r.stdout, /upload:--conflict\) compadd -- rename fail skip-same; return ;;/);
    const zsh = spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' });
    if (zsh.error) return; // zsh not installed: the text checks above are what ran
    assert.equal(zsh.status, 0, zsh.stderr);
  });

  it('an unknown shell is a usage error (exit 2)', async () => {
    const r = await runCli(['completion', 'fish'], { home });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^koodrive: No completion for "fish" \(bash or zsh\)\. Usage: koodrive completion bash\|zsh \[InvalidInput\]\n$/);
  });
});
