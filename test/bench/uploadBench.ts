/**
 * Upload throughput, memory and many-small-files rate, in one run:
 *
 *   npm run build && npm run compile-tests
 *   node out/test/bench/uploadBench.js [sizeMiB=1024] [--runs N] [--rss-mib 4096] [--files 2000] [--json]
 *
 * The sandbox runs in a child process (this file forked with --serve) in
 * sink mode (part bodies are discarded, not hashed), so the server neither
 * shares our event loop nor competes for the hash CPU: we measure the client.
 * On the same file, interleaved `runs` times (best and median reported):
 *   hash only  — our worker hashing the file (the sequential part of an upload)
 *   curl -T    — the whole file PUT to one presigned part URL of the sandbox
 *   upload     — `uploadFile` (hash in a worker, 16 MiB parts, 4 in flight)
 *   upload 8 / 32 MiB parts — the same with other part sizes (the default's evidence)
 * Goal: upload time ≤ 1.1 × max(hash only, curl).
 * Then peak RSS of a child process uploading a `--rss-mib` file (sparse, so
 * creating it costs nothing; goal ≤ 200 MiB), and a folder of `--files` small
 * files with 4 files in flight against 1 at a time. MB = 10^6 bytes.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import { HashPool } from '../../src/core/hash/hashPool';
import { createKooDrive, KooDrive } from '../../src/core/koodrive';
import { planParts } from '../../src/core/upload/partPlan';
import { uploadFile } from '../../src/core/upload/uploadFile';
import { uploadFolder } from '../../src/core/upload/uploadFolder';

const MiB = 1024 * 1024;
const WORKER = path.resolve(__dirname, '../../../dist/hashWorker.js');

interface Served {
  url: string;
  token: string;
  userId: string;
  containerId: string;
}

// ---- child processes -----------------------------------------------------------

async function serve(dataDir: string): Promise<void> {
  const { startSandbox } = await import('../../src/sandbox/server');
  const sb = await startSandbox({ dataDir, seed: false, sink: true });
  process.send!({ url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId } satisfies Served);
  process.on('disconnect', () => void sb.close().then(() => process.exit(0)));
}

/** Uploads one file and reports its own peak RSS (workers included: they share the process). */
async function rssProbe(served: Served, file: string): Promise<void> {
  const drive = connect(served);
  const hasher = new HashPool({ workerPath: WORKER });
  const t0 = Date.now();
  await uploadFile({ client: drive.client, dispatcher: drive.dispatcher, hasher }, file, target(served, 'rss.bin'));
  const seconds = (Date.now() - t0) / 1000;
  await hasher.close();
  await drive.close();
  process.send!({ maxRssKiB: process.resourceUsage().maxRSS, seconds });
}

// ---- helpers -------------------------------------------------------------------------

function connect(s: Served): KooDrive {
  return createKooDrive({ endpoint: s.url, credentials: staticCredentials({ token: s.token, userId: s.userId }) });
}

function target(s: Served, name: string) {
  return { kind: 'file' as const, space: { containerId: s.containerId }, parentFolderId: 'root', fileName: name, conflict: 'rename' as const };
}

function startChild(args: string[]): Promise<{ child: ChildProcess; msg: unknown }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (msg) => resolve({ child, msg }));
    child.once('exit', (code) => reject(new Error(`child ${args[0]} exited with ${code}`)));
  });
}

function writeRandom(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  const block = randomBytes(16 * MiB);
  for (let left = bytes; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(left, block.length));
  fs.closeSync(fd);
}

function curlPut(url: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Expect:', '-T', file, url], (err, stdout) => {
      if (err) return reject(err);
      if (stdout.trim() !== '200') return reject(new Error(`curl got HTTP ${stdout}`));
      resolve(Number(process.hrtime.bigint() - t0) / 1e9);
    });
  });
}

const mbps = (bytes: number, s: number): number => bytes / 1e6 / s;
const best = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// ---- main ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') return serve(argv[1]);
  if (argv[0] === '--rss') return rssProbe(JSON.parse(argv[1]) as Served, argv[2]);
  const flag = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const sizeMiB = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')) ?? 1024);
  const runs = flag('--runs', 3);
  const rssMiB = flag('--rss-mib', 4096);
  const fileCount = flag('--files', 2000);
  const json = argv.includes('--json');
  const size = sizeMiB * MiB;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-upbench-'));
  const { child: server, msg } = await startChild(['--serve', path.join(tmp, 'sandbox')]);
  const served = msg as Served;
  const drive = connect(served);
  const hasher = new HashPool({ workerPath: WORKER });
  const deps = { client: drive.client, dispatcher: drive.dispatcher, hasher };
  const results: Record<string, unknown> = { sizeMiB, runs, cpus: os.cpus().length, node: process.version };
  try {
    const file = path.join(tmp, 'bench.bin');
    writeRandom(file, size);
    fs.readFileSync(file).length; // into the page cache
    const offsets = planParts(size).parts.map((p) => p.partOffset);

    const t: Record<string, number[]> = { hash: [], curl: [], upload: [], upload8: [], upload32: [] };
    for (let r = 0; r < runs && !argv.includes('--skip-throughput'); r++) {
      t.hash.push(await timed(() => hasher.hashFile(file, { partOffsets: offsets, length: size })));
      const created = await drive.client.createFile({ containerId: served.containerId }, {
        fileName: `curl-${r}.bin`, fileType: '45', parentFolder: ['root'], length: size, uploadMode: 'multipart', uploadType: 1, autoRename: 2,
        multiParts: [{ partNumber: 1, partSize: size, partOffset: 0 }],
      });
      t.curl.push(await curlPut(created.multiParts![0].uploadUrl!, file));
      t.upload.push(await timed(() => uploadFile(deps, file, target(served, `ours-${r}.bin`))));
      t.upload8.push(await timed(() => uploadFile(deps, file, target(served, `p8-${r}.bin`), { partSize: 8 * MiB })));
      t.upload32.push(await timed(() => uploadFile(deps, file, target(served, `p32-${r}.bin`), { partSize: 32 * MiB })));
    }
    if (argv.includes('--skip-throughput')) t.hash = t.curl = t.upload = t.upload8 = t.upload32 = [NaN];
    const row = (name: string, xs: number[]) => ({ name, bestS: best(xs), medianS: median(xs), bestMBps: mbps(size, best(xs)) });
    const rows = [
      row('hash only (worker)', t.hash), row('curl -T (one PUT)', t.curl), row('upload, 16 MiB parts ×4', t.upload),
      row('upload, 8 MiB parts ×4', t.upload8), row('upload, 32 MiB parts ×4', t.upload32),
    ];
    const bound = Math.max(best(t.hash), best(t.curl));
    const ratio = best(t.upload) / bound;
    results.throughput = rows;
    results.uploadOverBound = ratio;

    // Peak RSS of a whole upload of a big (sparse) file, in its own process.
    const big = path.join(tmp, 'big-sparse.bin');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, rssMiB * MiB);
    const probe = await startChild(['--rss', JSON.stringify(served), big]);
    const { maxRssKiB, seconds } = probe.msg as { maxRssKiB: number; seconds: number };
    probe.child.kill();
    fs.rmSync(big, { force: true });
    results.rss = { fileMiB: rssMiB, peakRssMiB: maxRssKiB / 1024, seconds, MBps: mbps(rssMiB * MiB, seconds) };

    // Many small files.
    const folder = path.join(tmp, 'small');
    fs.mkdirSync(folder);
    for (let i = 0; i < fileCount; i++) fs.writeFileSync(path.join(folder, `f${String(i).padStart(5, '0')}.txt`), randomBytes(1024 + (i % 7) * 1024));
    const seq = await timed(() => uploadFolder(deps, folder, { space: { containerId: served.containerId }, parentFolderId: 'root' }, { conflict: 'rename', fileConcurrency: 1 }));
    const par = await timed(() => uploadFolder(deps, folder, { space: { containerId: served.containerId }, parentFolderId: 'root' }, { conflict: 'rename', fileConcurrency: 4 }));
    results.smallFiles = { files: fileCount, oneAtATimeFilesPerS: fileCount / seq, fourInFlightFilesPerS: fileCount / par, speedup: seq / par };

    if (json) {
      console.log(JSON.stringify(results));
    } else {
      console.log(`Upload benchmark: ${sizeMiB} MiB file, ${runs} runs, ${os.cpus().length} CPUs, Node ${process.version}, sandbox in sink mode (separate process)`);
      for (const r of rows) console.log(`  ${r.name.padEnd(26)} best ${r.bestS.toFixed(2)} s  ${r.bestMBps.toFixed(0).padStart(5)} MB/s   median ${r.medianS.toFixed(2)} s`);
      console.log(`  upload / max(hash only, curl) = ${ratio.toFixed(2)}   (goal ≤ 1.10)`);
      console.log(`  8 MiB parts / 16 MiB = ${(best(t.upload8) / best(t.upload)).toFixed(2)}, 32 MiB parts / 16 MiB = ${(best(t.upload32) / best(t.upload)).toFixed(2)}  (time ratios)`);
      const rss = results.rss as { peakRssMiB: number; seconds: number; MBps: number };
      console.log(`  peak RSS uploading ${rssMiB} MiB: ${rss.peakRssMiB.toFixed(0)} MiB (goal ≤ 200), ${rss.MBps.toFixed(0)} MB/s`);
      const sf = results.smallFiles as { oneAtATimeFilesPerS: number; fourInFlightFilesPerS: number; speedup: number };
      console.log(`  ${fileCount} small files: ${sf.fourInFlightFilesPerS.toFixed(0)} files/s with 4 in flight, ${sf.oneAtATimeFilesPerS.toFixed(0)} files/s one at a time (×${sf.speedup.toFixed(2)})`);
    }
  } finally {
    await hasher.close();
    await drive.close();
    server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
