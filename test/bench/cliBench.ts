/**
 * The CLI as a process against the standard tools as processes, native and
 * WebAssembly SHA-256 side by side, all in one run (ratios, never absolute
 * goals in tests):
 *
 *   npm run build && npm run build:native && npm run compile-tests
 *   node out/test/bench/cliBench.js [--hash-mib 600] [--transfer-mib 1024] [--runs 3] [--json]
 *
 *   hash      `koodrive hash F` vs `openssl dgst -sha256 F` (wall time; hyperfine
 *             when installed, else interleaved timed runs; goal ≥ 0.8× openssl's throughput)
 *   upload    CPU seconds (user+sys, /usr/bin/time) per GiB of `koodrive upload`
 *             to the sandbox in sink mode vs `openssl dgst` + `curl -T` to one
 *             presigned part URL of the same sandbox (goal ≤ 1.25×); and upload
 *             wall time vs max(`koodrive hash`, `curl -T`) (goal ≤ 1.10×)
 *   download  CPU seconds per GiB of `koodrive download` vs `curl` GET +
 *             `openssl dgst` of the downloaded file (goal ≤ 1.15×)
 *
 * Best of `runs` for each (the machine may be shared: compare within a run).
 * Each sandbox runs in its own child process (this file with --serve). Every
 * command is printed as it can be re-run by hand. Installs `time` and
 * `hyperfine` with apt only when missing (and only as root).
 */
import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import { createKooDrive, type KooDrive } from '../../src/core/koodrive';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TIME = '/usr/bin/time';
const IMPLS = ['native', 'wasm'] as const;

interface Served {
  url: string;
  token: string;
  userId: string;
  containerId: string;
}

async function serve(dataDir: string, sink: boolean): Promise<void> {
  const { startSandbox } = await import('../../src/sandbox/server');
  const sb = await startSandbox({ dataDir, seed: false, sink });
  process.send!({ url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId } satisfies Served);
  process.on('disconnect', () => void sb.close().then(() => process.exit(0)));
}

function startServer(dataDir: string, sink: boolean): Promise<{ child: ChildProcess; served: Served }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--serve', dataDir, sink ? 'sink' : 'store'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, served: m as Served }));
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before it was ready`)));
  });
}

// ---- tools ---------------------------------------------------------------------------

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** Benchmarks are not CI: installing their tools here is fine, and only when missing. */
function ensureTools(log: (s: string) => void): void {
  const missing = [...(fs.existsSync(TIME) ? [] : ['time']), ...(onPath('hyperfine') ? [] : ['hyperfine'])];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    log(`(not root: cannot apt-get install ${missing.join(' ')}; using what is there)`);
    return;
  }
  log(`apt-get install ${missing.join(' ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'ignore', env });
}

interface Measured {
  wall: number;
  /** user + sys */
  cpu: number;
  user: number;
  sys: number;
}

/** Runs a command under /usr/bin/time; wall and user+sys CPU seconds of it and its children. */
function measure(cmd: string[], env: NodeJS.ProcessEnv = process.env): Measured {
  const out = path.join(os.tmpdir(), `kd-time-${process.pid}`);
  const r = spawnSync(TIME, ['-f', '%e %U %S', '-o', out, ...cmd], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const [wall, user, sys] = fs.readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  fs.rmSync(out, { force: true });
  return { wall, cpu: user + sys, user, sys };
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const show = (cmd: string[], env: Record<string, string> = {}): string =>
  [...Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`), ...cmd.map(quote)].join(' ');

function writeRandom(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = randomBytes(16 * MiB);
  for (let left = bytes, i = 0; left > 0; left -= block.length, i++) {
    block.writeUInt32LE(i, 0);
    fs.writeSync(fd, block, 0, Math.min(left, block.length));
  }
  fs.closeSync(fd);
  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 }); // into the page cache
}

const best = (xs: number[]): number => Math.min(...xs);
/** The run with the least CPU, shown as "user + sys" (where the CPU goes: JavaScript and hashing vs kernel copies). */
const bestRun = (ms: Measured[]): Measured => ms.reduce((a, b) => (b.cpu < a.cpu ? b : a));
const split = (m: Measured, perGiB: (x: number) => number): string => `${perGiB(m.user).toFixed(2)} + ${perGiB(m.sys).toFixed(2)}`;
/** The machine's load: other work on it shows in wall times (and some in CPU times). */
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

// ---- the measurements ----------------------------------------------------------------

interface HashRow {
  name: string;
  command: string;
  bestS: number;
  MBps: number;
  /** user+sys CPU seconds (hyperfine's mean, or the best timed run): steadier than wall time on a busy machine. */
  cpuS: number;
}

function hashComparison(file: string, size: number, runs: number, log: (s: string) => void): { rows: HashRow[]; reproduce: string } {
  const cmds = [
    ...IMPLS.map((impl) => ({ name: `koodrive hash (${impl})`, cmd: ['env', `KOODRIVE_HASH_IMPL=${impl}`, process.execPath, CLI, 'hash', file] })),
    { name: 'openssl dgst -sha256', cmd: ['openssl', 'dgst', '-sha256', file] },
  ];
  const times: number[][] = cmds.map(() => []);
  const cpus: number[][] = cmds.map(() => []);
  let reproduce: string;
  if (onPath('hyperfine')) {
    const json = path.join(os.tmpdir(), `kd-hyperfine-${process.pid}.json`);
    const args = ['-N', '--warmup', '1', '--runs', String(runs), '--export-json', json, ...cmds.flatMap((c) => ['-n', c.name, show(c.cmd)])];
    reproduce = show(['hyperfine', ...args.filter((a, i) => a !== '--export-json' && args[i - 1] !== '--export-json')]);
    log(`  ${reproduce}`);
    const r = spawnSync('hyperfine', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
    const res = (JSON.parse(fs.readFileSync(json, 'utf8')) as { results: Array<{ times: number[]; user: number; system: number }> }).results;
    res.forEach((x, i) => {
      times[i].push(...x.times);
      cpus[i].push(x.user + x.system);
    });
    fs.rmSync(json, { force: true });
  } else {
    reproduce = cmds.map((c) => show(['/usr/bin/time', '-f', '%e s', ...c.cmd])).join('\n  ');
    log(`  (no hyperfine) interleaved runs of:\n  ${reproduce}`);
    for (const c of cmds) measure(c.cmd); // warm-up
    for (let r = 0; r < runs; r++) {
      cmds.forEach((c, i) => {
        const m = measure(c.cmd);
        times[i].push(m.wall);
        cpus[i].push(m.cpu);
      });
    }
  }
  return {
    rows: cmds.map((c, i) => ({ name: c.name, command: show(c.cmd), bestS: best(times[i]), MBps: size / 1e6 / best(times[i]), cpuS: best(cpus[i]) })),
    reproduce,
  };
}

interface CpuRow {
  name: string;
  cpuPerGiB: number;
  wallS: number;
  commands: string[];
}

/**
 * A client for one call: between calls the bench runs for many seconds, and a
 * kept-alive socket the sandbox has closed meanwhile fails a POST (which is
 * not retried) with "other side closed".
 */
async function withDrive<T>(s: Served, f: (drive: KooDrive) => Promise<T>): Promise<T> {
  const drive = createKooDrive({ endpoint: s.url, credentials: staticCredentials({ token: s.token, userId: s.userId }) });
  try {
    return await f(drive);
  } finally {
    await drive.close();
  }
}

function presignedPut(s: Served, size: number, name: string): Promise<string> {
  return withDrive(s, async (drive) => {
    const created = await drive.client.createFile({ containerId: s.containerId }, {
      fileName: name, fileType: '45', parentFolder: ['root'], length: size, uploadMode: 'multipart', uploadType: 1, autoRename: 2,
      multiParts: [{ partNumber: 1, partSize: size, partOffset: 0 }],
    });
    return created.multiParts![0].uploadUrl!;
  });
}

function cliEnv(s: Served, stateDir: string, impl: string): Record<string, string> {
  return { KOODRIVE_ENDPOINT: s.url, KOODRIVE_TOKEN: s.token, KOODRIVE_USER_ID: s.userId, KOODRIVE_STATE_DIR: stateDir, KOODRIVE_HASH_IMPL: impl };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') return serve(argv[1], argv[2] === 'sink');
  const flag = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const hashMiB = flag('--hash-mib', 600);
  const transferMiB = flag('--transfer-mib', 1024);
  const runs = flag('--runs', 3);
  const json = argv.includes('--json');
  const log = (s: string): void => {
    if (!json) console.log(s);
  };
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: npm run build first`);
  ensureTools(log);
  if (!fs.existsSync(TIME)) throw new Error(`${TIME} is needed (apt-get install time)`);
  const nativeChoice = spawnSync(process.execPath, [CLI, 'hash', '--json', CLI], { encoding: 'utf8', env: { ...process.env, KOODRIVE_HASH_IMPL: 'auto' } });
  const autoImpl = (JSON.parse(nativeChoice.stdout) as { impl: string }).impl;
  if (autoImpl !== 'native') log(`WARNING: auto selects ${autoImpl} here (run npm run build:native): the native rows will fail`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-clibench-'));
  const servers: ChildProcess[] = [];
  const results: Record<string, unknown> = { node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, runs, hashMiB, transferMiB, loadAverageAtStart: os.loadavg() };
  try {
    // 1. hash throughput, process vs process
    const hashFile = path.join(tmp, 'hash.bin');
    writeRandom(hashFile, hashMiB * MiB);
    log(`\n== koodrive hash vs openssl dgst, ${hashMiB} MiB (best of ${runs}; goal ≥ 0.80× openssl)   load average ${load()}`);
    const hash = hashComparison(hashFile, hashMiB * MiB, runs, log);
    const ossl = hash.rows.at(-1)!;
    for (const r of hash.rows) {
      log(`  ${r.name.padEnd(24)} ${r.bestS.toFixed(2)} s  ${r.MBps.toFixed(0).padStart(5)} MB/s  ${(r.MBps / ossl.MBps).toFixed(2)}× openssl` +
        `   CPU ${r.cpuS.toFixed(2)} s = ${(ossl.cpuS / r.cpuS).toFixed(2)}× openssl's CPU efficiency`);
    }
    results.hash = hash.rows.map((r) => ({ ...r, vsOpenssl: r.MBps / ossl.MBps, cpuVsOpenssl: ossl.cpuS / r.cpuS }));
    fs.rmSync(hashFile);

    // 2. upload: CPU per GiB and wall time, against the sink sandbox
    const size = transferMiB * MiB;
    const file = path.join(tmp, 'transfer.bin');
    writeRandom(file, size);
    const sink = await startServer(path.join(tmp, 'sink'), true);
    servers.push(sink.child);
    log(`\n== upload ${transferMiB} MiB to the sandbox in sink mode: client CPU-s per GiB (user+sys, best of ${runs}; goal ≤ 1.25× openssl + curl)   load average ${load()}`);
    const up: Record<string, { cpu: number[]; wall: number[]; hashWall: number[]; runs: Measured[]; cmd: string }> = {};
    const base = { openssl: [] as number[], curl: [] as number[], curlWall: [] as number[], opensslRuns: [] as Measured[], curlRuns: [] as Measured[] };
    let curlCmd = '';
    for (let r = 0; r < runs; r++) {
      for (const impl of IMPLS) {
        const env = cliEnv(sink.served, path.join(tmp, 'state'), impl);
        const cmd = [process.execPath, CLI, 'upload', file, '--container', sink.served.containerId, '--no-resume', '--json'];
        const m = measure(cmd, { ...process.env, ...env });
        const h = measure([process.execPath, CLI, 'hash', file], { ...process.env, KOODRIVE_HASH_IMPL: impl });
        up[impl] ??= { cpu: [], wall: [], hashWall: [], runs: [], cmd: show(cmd, env) };
        up[impl].runs.push(m);
        up[impl].cpu.push(m.cpu);
        up[impl].wall.push(m.wall);
        up[impl].hashWall.push(h.wall);
      }
      const o = measure(['openssl', 'dgst', '-sha256', file]);
      base.openssl.push(o.cpu);
      base.opensslRuns.push(o);
      const url = await presignedPut(sink.served, size, `curl-${r}.bin`);
      const curl = ['curl', '-s', '-f', '-o', '/dev/null', '-H', 'Expect:', '-T', file, url];
      curlCmd = show([...curl.slice(0, -1), '<presigned part URL>']);
      const c = measure(curl);
      base.curl.push(c.cpu);
      base.curlRuns.push(c);
      base.curlWall.push(c.wall);
    }
    const perGiB = (cpu: number): number => (cpu * GiB) / size;
    const upBase = perGiB(best(base.openssl)) + perGiB(best(base.curl));
    log(`  baseline openssl dgst + curl -T      ${upBase.toFixed(2)} CPU-s/GiB  (${perGiB(best(base.openssl)).toFixed(2)} + ${perGiB(best(base.curl)).toFixed(2)}; user + sys: openssl ${split(bestRun(base.opensslRuns), perGiB)}, curl ${split(bestRun(base.curlRuns), perGiB)})`);
    const upRows: Array<CpuRow & { ratio: number; wallRatio: number }> = [];
    for (const impl of IMPLS) {
      const u = up[impl];
      const bound = Math.max(best(u.hashWall), best(base.curlWall));
      const row = { name: `koodrive upload (${impl})`, cpuPerGiB: perGiB(best(u.cpu)), wallS: best(u.wall), commands: [u.cmd], ratio: perGiB(best(u.cpu)) / upBase, wallRatio: best(u.wall) / bound };
      upRows.push(row);
      log(`  ${row.name.padEnd(36)} ${row.cpuPerGiB.toFixed(2)} CPU-s/GiB (${split(bestRun(u.runs), perGiB)})  ${row.ratio.toFixed(2)}×   wall ${row.wallS.toFixed(2)} s = ${row.wallRatio.toFixed(2)}× max(hash ${best(u.hashWall).toFixed(2)} s, curl -T ${best(base.curlWall).toFixed(2)} s)`);
    }
    log(`  commands: ${upRows.map((r) => r.commands[0]).join('\n            ')}\n            openssl dgst -sha256 ${file}\n            ${curlCmd}`);
    results.upload = { baselineCpuPerGiB: upBase, opensslCpuPerGiB: perGiB(best(base.openssl)), curlCpuPerGiB: perGiB(best(base.curl)), curlWallS: best(base.curlWall), rows: upRows };

    // 3. download: CPU per GiB from a storing sandbox
    const store = await startServer(path.join(tmp, 'store'), false);
    servers.push(store.child);
    const seeded = spawnSync(process.execPath, [CLI, 'upload', file, '--container', store.served.containerId, '--no-resume', '--json'], {
      env: { ...process.env, ...cliEnv(store.served, path.join(tmp, 'state'), 'auto') }, encoding: 'utf8',
    });
    if (seeded.status !== 0) throw new Error(`seeding the download file failed: ${seeded.stderr}`);
    const fileId = (JSON.parse(seeded.stdout) as Array<{ fileId: string }>)[0].fileId;
    log(`\n== download ${transferMiB} MiB: client CPU-s per GiB (best of ${runs}; goal ≤ 1.15× curl + openssl dgst)   load average ${load()}`);
    const dl = { ours: [] as number[], oursWall: [] as number[], curl: [] as number[], openssl: [] as number[], oursRuns: [] as Measured[], curlRuns: [] as Measured[] };
    const to = path.join(tmp, 'down');
    const dlEnv = cliEnv(store.served, path.join(tmp, 'state'), 'auto');
    const dlCmd = [process.execPath, CLI, 'download', fileId, '--container', store.served.containerId, '--to', to, '--conflict', 'overwrite', '--json'];
    let curlGet = '';
    for (let r = 0; r < runs; r++) {
      fs.rmSync(to, { recursive: true, force: true });
      fs.mkdirSync(to);
      const m = measure(dlCmd, { ...process.env, ...dlEnv });
      dl.ours.push(m.cpu);
      dl.oursRuns.push(m);
      dl.oursWall.push(m.wall);
      const { links } = await withDrive(store.served, (d) => d.client.getDownloadLinks({ containerId: store.served.containerId }, [fileId]));
      const out = path.join(tmp, 'curl-get.bin');
      const get = ['curl', '-s', '-f', '-o', out, links[0].url!];
      curlGet = show([...get.slice(0, -1), '<presigned download URL>']);
      const c = measure(get);
      dl.curl.push(c.cpu);
      dl.curlRuns.push(c);
      dl.openssl.push(measure(['openssl', 'dgst', '-sha256', out]).cpu);
      fs.rmSync(out, { force: true });
    }
    const dlBase = perGiB(best(dl.curl)) + perGiB(best(dl.openssl));
    const dlOurs = perGiB(best(dl.ours));
    log(`  baseline curl + openssl dgst         ${dlBase.toFixed(2)} CPU-s/GiB  (curl user + sys ${split(bestRun(dl.curlRuns), perGiB)})`);
    log(`  koodrive download                    ${dlOurs.toFixed(2)} CPU-s/GiB (${split(bestRun(dl.oursRuns), perGiB)})  ${(dlOurs / dlBase).toFixed(2)}×   wall ${best(dl.oursWall).toFixed(2)} s`);
    log(`  commands: ${show(dlCmd, dlEnv)}\n            ${curlGet}\n            openssl dgst -sha256 <downloaded file>`);
    results.download = { baselineCpuPerGiB: dlBase, oursCpuPerGiB: dlOurs, ratio: dlOurs / dlBase, oursWallS: best(dl.oursWall) };
    results.loadAverageAtEnd = os.loadavg();
    log(`\nload average at the end ${load()}`);
    if (json) console.log(JSON.stringify(results));
  } finally {
    for (const s of servers) s.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
