/**
 * Folders of many small files through the transfer queue (the path the
 * Transfers view drives), upload then download:
 *
 *   npm run build && npm run compile-tests
 *   node out/test/bench/manyFilesBench.js [--files 5000] [--baseline 500] [--json] [--download-only]
 *
 * The sandbox runs in its own process (this file forked with --serve). Each
 * measurement runs in a fresh child process (forked with --probe) that
 * uploads (or downloads) a folder of 600 B–2 KB files in folders of 1 000,
 * and reports its own peak RSS (process.resourceUsage().maxRSS, worker
 * threads included) and CPU time (user + system) per file. Both are measured
 * for `--baseline` files and for `--files` files in the same run: memory that
 * does not grow with the file count shows as an RSS difference near zero.
 * Goals (issue #12): ≤ 200 MiB peak RSS at 100 000 files, ≤ 3 ms CPU per file.
 * The run is bounded: a probe that takes longer than --timeout-min is killed.
 * `--upload-only` skips the download probes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import { HashPool } from '../../src/core/hash/hashPool';
import { createKooDrive } from '../../src/core/koodrive';
import { downloadFiles } from '../../src/core/download/downloadFiles';
import { ResumeStore } from '../../src/core/upload/resumeStore';
import type { RunContext } from '../../src/core/queue/runContext';
import { TransferQueue } from '../../src/core/queue/transferQueue';
import { runUploadJob } from '../../src/core/queue/uploadRun';
import type { Sandbox } from '../../src/sandbox/server';
import type { NodeRecord, RevisionRecord, Store } from '../../src/sandbox/store';

const WORKER = path.resolve(__dirname, '../../../dist/hashWorker.js');
const FILES_PER_FOLDER = 1000;

interface Served {
  url: string;
  token: string;
  userId: string;
  containerId: string;
}

interface ProbeResult {
  files: number;
  settled: number;
  failed: number;
  seconds: number;
  maxRssMiB: number;
  cpuMsPerFile: number;
  userMsPerFile: number;
  systemMsPerFile: number;
  /** Only for uploads: the remote folder, for the download probe. */
  folderId?: string;
  /** process.memoryUsage() when the run ended: whether peak RSS is live JavaScript memory or not. */
  memoryAtEnd?: NodeJS.MemoryUsage;
  /** CPU time of the sandbox process while this probe ran, per file (set by the parent). */
  sandboxCpuMsPerFile?: number;
}

// ---- child processes -----------------------------------------------------------

async function serve(dataDir: string): Promise<void> {
  const { startSandbox } = await import('../../src/sandbox/server');
  // The bench never reads the request log: keep it short, so its entries do not add to the sandbox's garbage collection.
  const sb = await startSandbox({ dataDir, seed: false, tokenTtlMs: 0, maxRecordedRequests: 500 });
  process.send!({ url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId } satisfies Served);
  // The parent asks for this process's CPU time around each probe: the sandbox's own cost per file.
  process.on('message', (m) => {
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
    const n = (m as { populate?: number }).populate;
    if (n !== undefined) void import('../../src/sandbox/store').then((ids) => process.send!({ folderId: populate(sb, n, ids) }));
  });
  process.on('disconnect', () => void sb.close().then(() => process.exit(0)));
}

/**
 * --download-only: a folder of `n` files (the shapes makeFolder writes)
 * put straight into the sandbox's store, without uploading them: measures the
 * download side at 100 000 files in minutes rather than the upload's hour.
 */
function populate(sb: Sandbox, n: number, { newId, newHex }: typeof import('../../src/sandbox/store')): string {
  const store = sb.store as unknown as Store;
  const containerId = sb.personalContainerId;
  const now = Date.now();
  const node = (parentId: string, name: string, revision?: RevisionRecord): NodeRecord => {
    const rec: NodeRecord = {
      id: newId('F'), containerId, parentId, name, kind: revision ? 'file' : 'folder', fileType: revision ? '26' : '10',
      mimeType: revision ? 'text/plain' : 'application/vnd.huawei-apps.folder', createdAt: now, editedAt: now,
      ownerId: sb.userId, lastEditorId: sb.userId, recycled: false, revisions: revision ? [revision] : [], nextVersion: revision ? 2 : 1,
    };
    store.addNode(rec);
    return rec;
  };
  const top = node(store.rootId(containerId), `seeded-${n}-${newHex(4)}`);
  let sub = top;
  fileShapes(n, (i, size, name) => {
    if (i % FILES_PER_FOLDER === 0) sub = node(top.id, `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(3, '0')}`);
    const buf = Buffer.alloc(size, i & 0xff);
    buf.writeUInt32LE(i, 0);
    const sha256 = store.putBlob(buf);
    node(sub.id, name, {
      versionId: newHex(16), version: 1, sha256, size, createdAt: now, createdBy: sb.userId, keepForever: false, createReason: 1, objectKey: `${newHex(16)}086`,
    });
  });
  return top.id;
}

/** Ask the sandbox process something and wait for the answer that has `key`. */
function askServer<T>(server: ChildProcess, message: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !(key in m)) return;
      server.off('message', onMessage);
      resolve((m as Record<string, T>)[key]);
    };
    server.on('message', onMessage);
    server.send(message as string);
  });
}

/** CPU time (user + system, ms) the sandbox process has used so far. */
async function sandboxCpuMs(server: ChildProcess): Promise<number> {
  const cpu = await askServer<NodeJS.CpuUsage>(server, 'cpu', 'cpu');
  return (cpu.user + cpu.system) / 1000;
}

/** One run of the queue in this process: upload `dir`, or download remote folder `folderId` into `dir`. */
async function probe(served: Served, mode: 'upload' | 'download', dir: string, folderId: string | undefined): Promise<void> {
  const drive = createKooDrive({ endpoint: served.url, credentials: staticCredentials({ token: served.token, userId: served.userId }) });
  const hasher = new HashPool({ workerPath: WORKER });
  const space = { containerId: served.containerId };
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let remoteFolderId: string | undefined;
  const upload = async (ctx: RunContext): Promise<void> => {
    // With a resume store, as the CLI and the extension upload.
    const resumeStore = new ResumeStore(`${dir}-state`);
    await runUploadJob({ client: drive.client, dispatcher: drive.dispatcher, hasher, resumeStore }, { paths: [dir], space, parentFolderId: 'root', conflict: 'rename' }, ctx);
  };
  const download = async (ctx: RunContext): Promise<void> => {
    const item = await drive.client.getFileDetail(space, folderId!);
    await downloadFiles({ client: drive.client, dispatcher: drive.dispatcher }, space, [item], {
      targetDir: dir, conflict: 'fail', signal: ctx.signal, fsync: false, keepResults: 'failed',
      shouldDownload: (id) => !ctx.isSettled(id),
      acquireSlot: () => ctx.acquireSlot(),
      onFileStart: (f) => ctx.fileStarted(f.subject, f.remotePath, f.size),
      onProgress: (ev) => ctx.fileProgress(ev.subject, ev.bytesDone, ev.phase),
      onFileDone: (r) => ctx.fileSettled(r.localPath ?? r.remotePath, r.status === 'failed' ? { ok: false, path: r.remotePath, code: r.error?.code ?? '', message: r.error?.message ?? '' } : { ok: true, bytes: r.size }, r.fileId),
    });
  };
  const queue = new TransferQueue({ maxFiles: () => 4, executors: { upload, download } });
  const run = queue.add(mode, path.basename(dir), {});
  const end = (await queue.settled(run.id))!;
  if (end.error) throw new Error(`${end.error.code}: ${end.error.message}`);
  if (mode === 'upload') {
    const page = await drive.client.listFiles(space, 'root', { pageSize: 100 });
    remoteFolderId = page.items.find((i) => i.name === path.basename(dir))?.id;
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await hasher.close();
  await drive.close();
  const files = end.totals.files ?? end.done.files + end.failed.length;
  // Exit on our own (not killed), so --cpu-prof can write this process's profile.
  process.send!({
    files, settled: end.done.files, failed: end.failed.length, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMsPerFile: (cpu.user + cpu.system) / 1000 / files, userMsPerFile: cpu.user / 1000 / files, systemMsPerFile: cpu.system / 1000 / files,
    folderId: remoteFolderId, memoryAtEnd: process.memoryUsage(),
  } satisfies ProbeResult, () => process.disconnect());
}

// ---- parent ----------------------------------------------------------------------

function startChild(args: string[], timeoutMs = 0): Promise<{ child: ChildProcess; msg: unknown }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.once('message', (msg) => {
      if (timer) clearTimeout(timer);
      resolve({ child, msg });
    });
    child.once('exit', (code, sig) => reject(new Error(`child ${args[0]} exited with ${code ?? sig}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The files of a bench folder: index, size (600 B – 2 KB) and name. */
function fileShapes(n: number, each: (i: number, size: number, name: string) => void): void {
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    each(i, 600 + (seed % 1449), `f${String(i).padStart(6, '0')}.txt`);
  }
}

function makeFolder(root: string, n: number): void {
  fs.mkdirSync(root, { recursive: true });
  fileShapes(n, (i, size, name) => {
    const sub = path.join(root, `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(3, '0')}`);
    if (i % FILES_PER_FOLDER === 0) fs.mkdirSync(sub);
    const buf = Buffer.alloc(size, i & 0xff);
    buf.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(sub, name), buf);
  });
}

/** Which directions a run measures: both (upload, then download of what was uploaded), or one alone. */
type Mode = 'both' | 'upload-only' | 'download-only';

async function measure(server: ChildProcess, served: Served, tmp: string, n: number, timeoutMs: number, mode: Mode): Promise<{ upload?: ProbeResult; download?: ProbeResult }> {
  let upload: ProbeResult | undefined;
  let folderId: string;
  const src = path.join(tmp, `src-${n}`);
  const cleanSource = (): void => {
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(`${src}-state`, { recursive: true, force: true });
  };
  if (mode === 'download-only') {
    folderId = await askServer<string>(server, { populate: n }, 'folderId');
  } else {
    makeFolder(src, n);
    const cpu0 = await sandboxCpuMs(server);
    const up = await startChild(['--probe', JSON.stringify(served), 'upload', src, ''], timeoutMs);
    upload = up.msg as ProbeResult;
    upload.sandboxCpuMsPerFile = ((await sandboxCpuMs(server)) - cpu0) / upload.files;
    await exited(up.child);
    folderId = upload.folderId ?? '';
    if (mode === 'upload-only') {
      cleanSource();
      return { upload };
    }
  }
  const dst = path.join(tmp, `dst-${n}`);
  const cpu0 = await sandboxCpuMs(server);
  const down = await startChild(['--probe', JSON.stringify(served), 'download', dst, folderId], timeoutMs);
  const download = down.msg as ProbeResult;
  download.sandboxCpuMsPerFile = ((await sandboxCpuMs(server)) - cpu0) / download.files;
  await exited(down.child);
  cleanSource();
  fs.rmSync(dst, { recursive: true, force: true });
  return { upload, download };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') return serve(argv[1]);
  if (argv[0] === '--probe') return probe(JSON.parse(argv[1]) as Served, argv[2] as 'upload' | 'download', argv[3], argv[4] || undefined);
  const flag = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const files = flag('--files', 5000);
  const baseline = flag('--baseline', Math.max(100, Math.round(files / 10)));
  const timeoutMs = flag('--timeout-min', 30) * 60_000;
  const json = argv.includes('--json');
  // One direction alone: --upload-only is the quicker loop on the upload side; --download-only fills
  // the sandbox directly (no upload probe) and measures the download side alone.
  const mode: Mode = argv.includes('--upload-only') ? 'upload-only' : argv.includes('--download-only') ? 'download-only' : 'both';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-many-'));
  const server = await startChild(['--serve', path.join(tmp, 'sandbox')]);
  const served = server.msg as Served;
  try {
    const small = await measure(server.child, served, tmp, baseline, timeoutMs, mode);
    const large = await measure(server.child, served, tmp, files, timeoutMs, mode);
    const perFileKiB = (a: ProbeResult, b: ProbeResult): number => ((b.maxRssMiB - a.maxRssMiB) * 1024) / (b.files - a.files);
    const projected = (a: ProbeResult, b: ProbeResult): number => b.maxRssMiB + (Math.max(0, perFileKiB(a, b)) * (100_000 - files)) / 1024;
    const directions = mode === 'upload-only' ? (['upload'] as const) : mode === 'download-only' ? (['download'] as const) : (['upload', 'download'] as const);
    // CPU of the extra files alone: start-up (module loading, the first connections) is paid once per run,
    // so at 100 000 files the per-file figure tends to this one.
    const marginalCpu = (a: ProbeResult, b: ProbeResult): number => (b.cpuMsPerFile * b.files - a.cpuMsPerFile * a.files) / (b.files - a.files);
    const marginal: Record<string, number> = {};
    const growth: Record<string, number> = {};
    const projectedAt100k: Record<string, number> = {};
    for (const dir of directions) {
      growth[dir] = perFileKiB(small[dir]!, large[dir]!);
      projectedAt100k[dir] = projected(small[dir]!, large[dir]!);
      marginal[dir] = marginalCpu(small[dir]!, large[dir]!);
    }
    const result = { baseline: small, measured: large, rssGrowthKiBPerFile: growth, projectedRssMiBAt100k: projectedAt100k, marginalCpuMsPerFile: marginal };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`many small files (600 B–2 KB) through the transfer queue, 4 files in flight`);
    for (const [label, r] of [[`${baseline} files`, small], [`${files} files`, large]] as const) {
      for (const dir of directions) {
        const p = r[dir]!;
        console.log(`  ${label.padEnd(12)} ${dir.padEnd(8)} peak RSS ${p.maxRssMiB.toFixed(0)} MiB · CPU ${p.cpuMsPerFile.toFixed(2)} ms/file (user ${p.userMsPerFile.toFixed(2)}, system ${p.systemMsPerFile.toFixed(2)}) · ${(p.files / p.seconds).toFixed(0)} files/s · sandbox CPU ${(p.sandboxCpuMsPerFile ?? 0).toFixed(2)} ms/file${p.failed ? ` · ${p.failed} FAILED` : ''}`);
      }
    }
    for (const dir of directions) {
      console.log(`  ${dir}: RSS growth ${growth[dir].toFixed(2)} KiB/file · projected peak RSS at 100 000 files ${projectedAt100k[dir].toFixed(0)} MiB (goal ≤ 200) · CPU ${large[dir]!.cpuMsPerFile.toFixed(2)} ms/file = ×${(large[dir]!.cpuMsPerFile / 3).toFixed(2)} of the 3 ms goal (${marginal[dir].toFixed(2)} ms per extra file beyond the baseline)`);
    }
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.disconnect();
    await exited;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
