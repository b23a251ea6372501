/**
 * Download throughput: our verified download (undici `request` on the
 * client's dispatcher, streamed to a temp file with SHA-256 on the way, size
 * and hash checked, fsync, rename) against `curl -s -o` of the same
 * presigned link, in one run. "ours" is the engine's default (fsync before the
 * rename); "ours-nosync" the same with `fsync: false`, which is what curl
 * does (it never fsyncs):
 *
 *   npm run build && npm run compile-tests
 *   node out/test/bench/downloadBench.js [sizeMiB=1024] [--runs N] [--json]
 *
 * The sandbox runs in a child process (this file, forked with --serve), so
 * the server never shares our event loop; it seeds one file of `sizeMiB`
 * random bytes through its own upload API. Both contenders then download it
 * `runs` times (default 3), interleaved so drift hits both alike, into the
 * same temp folder; the best and median are reported. MB = 10^6 bytes. The
 * goal is ours ≥ 0.8 × curl.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import { createKooDrive } from '../../src/core/koodrive';
import { downloadFiles } from '../../src/core/download/downloadFiles';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

interface Served {
  url: string;
  token: string;
  userId: string;
  containerId: string;
  fileId: string;
  sha256: string;
  size: number;
  seedSeconds: number;
}

// ---- child: the sandbox ------------------------------------------------------

async function serve(dataDir: string, size: number): Promise<void> {
  // Loaded only here: the parent never runs sandbox code in its own process.
  const { startSandbox } = await import('../../src/sandbox/server');
  const { TestClient } = await import('../sandbox/testing/client');
  const sb = await startSandbox({ dataDir, seed: false });
  const started = Date.now();
  let data: Buffer | undefined = randomBytes(size);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const tc = new TestClient({ url: sb.url, token: sb.token, userId: sb.userId });
  const { fileId } = await tc.upload({ containerId: sb.personalContainerId, name: `bench-${size}.bin`, data, partSize: 64 * MiB });
  data = undefined;
  const served: Served = {
    url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId, fileId, sha256, size, seedSeconds: (Date.now() - started) / 1000,
  };
  process.send!(served);
  process.on('disconnect', () => {
    void sb.close().then(() => process.exit(0));
  });
}

// ---- parent: the benchmark -----------------------------------------------------

function startServer(dataDir: string, size: number): Promise<{ child: ChildProcess; served: Served }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--serve', dataDir, String(size)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, served: m as Served }));
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before it was ready`)));
  });
}

const TIME = '/usr/bin/time';

/** Runs curl; returns its CPU seconds (user + sys) when /usr/bin/time is there to tell. */
function curl(url: string, out: string): Promise<number | undefined> {
  const timed = fs.existsSync(TIME);
  const [cmd, args] = timed ? [TIME, ['-f', 'cpu %U %S', 'curl', '-s', '-f', '-o', out, url]] : ['curl', ['-s', '-f', '-o', out, url]];
  return new Promise((resolve, reject) => {
    execFile(cmd, args, (err, _stdout, stderr) => {
      if (err) return reject(err);
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve(m ? Number(m[1]) + Number(m[2]) : undefined);
    });
  });
}

/** CPU seconds a process has used so far (Linux /proc), for the sandbox's share. */
function cpuOf(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (100/s)
  } catch {
    return undefined;
  }
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of fs.createReadStream(file, { highWaterMark: 4 * MiB })) h.update(c as Buffer);
  return h.digest('hex');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
  const sizeArg = argv.find((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--runs');
  const sizeMiB = sizeArg ? Number(sizeArg) : 1024;
  if (!Number.isInteger(runs) || runs < 1 || !(sizeMiB > 0)) {
    console.error('Usage: node out/test/bench/downloadBench.js [sizeMiB=1024] [--runs N] [--json]');
    process.exit(2);
  }
  const size = sizeMiB * MiB;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-dlbench-'));
  const log = (s: string): void => {
    if (!json) console.log(s);
  };
  log(`downloadBench: ${sizeMiB} MiB, ${runs} run(s) each, ${os.cpus().length} CPU(s), Node ${process.version}`);
  const { child, served } = await startServer(path.join(tmp, 'sandbox'), size);
  log(`seeded ${served.fileId} through the sandbox upload API in ${served.seedSeconds.toFixed(1)} s`);

  const drive = createKooDrive({ endpoint: served.url, credentials: staticCredentials({ token: served.token, userId: served.userId }) });
  const space = { containerId: served.containerId };
  const item = await drive.client.getFileDetail(space, served.fileId);
  const contenders = ['ours', 'ours-nosync', 'curl'];
  const results: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c, []]));
  const cpuPerGiB: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c, []]));
  let peakRss = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? contenders : [...contenders].reverse();
      for (const who of order) {
        const dir = path.join(tmp, `${who}-${r}`);
        fs.mkdirSync(dir);
        let secs: number;
        let digest: string;
        let clientCpu: number | undefined;
        const serverCpu0 = cpuOf(child.pid);
        if (who.startsWith('ours')) {
          const sampler = setInterval(() => {
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
          }, 50);
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          const s = await downloadFiles(drive, space, [item], { targetDir: dir, fsync: who === 'ours' });
          secs = Number(process.hrtime.bigint() - t0) / 1e9;
          const c = process.cpuUsage(c0);
          clientCpu = (c.user + c.system) / 1e6;
          clearInterval(sampler);
          const f = s.files[0];
          if (f.status !== 'downloaded') throw new Error(`our download failed: ${f.error?.message}`);
          digest = f.sha256!; // already verified against the listing's sha256
        } else {
          const { links } = await drive.client.getDownloadLinks(space, [served.fileId]);
          const out = path.join(dir, item.name);
          const t0 = process.hrtime.bigint();
          clientCpu = await curl(links[0].url!, out);
          secs = Number(process.hrtime.bigint() - t0) / 1e9;
          digest = await sha256File(out); // checked after the clock stopped
        }
        const serverCpu1 = cpuOf(child.pid);
        const serverCpu = serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : undefined;
        if (digest !== served.sha256) throw new Error(`${who}: the downloaded bytes do not match`);
        results[who].push(size / 1e6 / secs);
        const perGiB = (cpu: number | undefined): string => (cpu === undefined ? '   ?' : ((cpu * GiB) / size).toFixed(2));
        cpuPerGiB[who].push((clientCpu ?? NaN) * (GiB / size));
        log(
          `  run ${r + 1} ${who.padEnd(11)} ${(size / 1e6 / secs).toFixed(0).padStart(6)} MB/s  (${secs.toFixed(2)} s)` +
            `   CPU s/GiB: client ${perGiB(clientCpu)}, sandbox ${perGiB(serverCpu)}`,
        );
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await drive.close();
    child.disconnect();
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const best = (k: string): number => Math.max(...results[k]);
  const med = (k: string): number => median(results[k]);
  const summary = {
    sizeMiB, runs,
    oursBestMBps: best('ours'), oursMedianMBps: med('ours'),
    oursNoSyncBestMBps: best('ours-nosync'), oursNoSyncMedianMBps: med('ours-nosync'),
    curlBestMBps: best('curl'), curlMedianMBps: med('curl'),
    ratioBest: best('ours') / best('curl'), ratioMedian: med('ours') / med('curl'),
    ratioNoSyncBest: best('ours-nosync') / best('curl'), ratioNoSyncMedian: med('ours-nosync') / med('curl'),
    oursPeakRssMiB: Math.round(peakRss / MiB),
    clientCpuSecondsPerGiB: Object.fromEntries(contenders.map((c) => [c, median(cpuPerGiB[c])])),
  };
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const line = (label: string, k: string): string => `${label.padEnd(52)} best ${best(k).toFixed(0).padStart(5)} MB/s, median ${med(k).toFixed(0).padStart(5)} MB/s`;
  log('');
  log(line('ours (sha256 + size verified, fsync, rename):', 'ours'));
  log(line('ours, fsync off (sha256 + size verified, rename):', 'ours-nosync'));
  log(line('curl -s -o:', 'curl'));
  log(`ratio ours/curl:        ${summary.ratioBest.toFixed(2)}× best, ${summary.ratioMedian.toFixed(2)}× median`);
  log(`ratio ours-nosync/curl: ${summary.ratioNoSyncBest.toFixed(2)}× best, ${summary.ratioNoSyncMedian.toFixed(2)}× median   (goal ≥ 0.80×)`);
  log(`our peak RSS: ${summary.oursPeakRssMiB} MiB (the file is streamed, never held in memory)`);
  log(`client CPU s/GiB (median): ${contenders.map((c) => `${c} ${summary.clientCpuSecondsPerGiB[c].toFixed(2)}`).join(', ')}`);
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3], Number(process.argv[4])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
