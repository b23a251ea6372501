/**
 * Folder sync at scale (issue #21), against the sandbox in its own process:
 *
 *   npm run build && npm run compile-tests
 *   node out/test/bench/syncBench.js [--files 2000] [--json]
 *
 * One run measures, on a folder of `--files` small files (600 B–2 KB, 1 000 per folder):
 *  0. the folder upload engine alone on files of the same sizes (the push's baseline);
 *  1. push: the first sync (every file new) and, after every file is changed, the
 *     second (every file a new revision): files/s;
 *  2. status of the unchanged linked folder (the second one), against its baseline
 *     measured in the same run: the remote listing alone (every folder listed by
 *     cursor) plus a bare `lstat` of every local file. It must read no file
 *     (hash calls counted);
 *  3. first link of a folder whose files already exist remotely (same bytes): every
 *     file hashed once, nothing transferred; the hashing throughput over those bytes
 *     against `openssl dgst -sha256` over the same files;
 *  4. the peak RSS of this process (the sandbox runs elsewhere).
 * Ratios only: the machine is shared, absolute times move by ±30 %.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { staticCredentials } from '../../src/core/api/credentials';
import { HashPool } from '../../src/core/hash/hashPool';
import { createKooDrive } from '../../src/core/koodrive';
import { makeHashFile } from '../../src/core/sync/hashFilePort';
import { runPool, type HashFilePort } from '../../src/core/sync/localScan';
import { folderTrash } from '../../src/core/sync/localTrash';
import { linkFolder, syncFolder, syncStatus, unlinkFolder, type SyncContext } from '../../src/core/sync/syncRun';
import { linkIdFor } from '../../src/core/sync/syncState';
import { listAllChildren } from '../../src/core/download/downloadPlan';
import { uploadFolder } from '../../src/core/upload/uploadFolder';

const WORKER = path.resolve(__dirname, '../../../dist/hashWorker.js');
const FILES_PER_FOLDER = 1000;

interface Served {
  url: string;
  token: string;
  userId: string;
  containerId: string;
}

async function serve(dataDir: string): Promise<void> {
  const { startSandbox } = await import('../../src/sandbox/server');
  const sb = await startSandbox({ dataDir, seed: false, tokenTtlMs: 0, maxRecordedRequests: 500 });
  process.send!({ url: sb.url, token: sb.token, userId: sb.userId, containerId: sb.personalContainerId } satisfies Served);
  process.on('disconnect', () => void sb.close().then(() => process.exit(0)));
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; served: Served }> {
  const child = fork(__filename, ['--serve', dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, served: m as Served }));
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
}

/** `n` files of 600 B–2 KB; `salt` changes every file's content. */
function makeFolder(dir: string, n: number, salt: string): string[] {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `d${Math.floor(i / FILES_PER_FOLDER)}`);
    if (i % FILES_PER_FOLDER === 0) fs.mkdirSync(sub, { recursive: true });
    const f = path.join(sub, `f${i}.txt`);
    const size = 600 + ((i * 7919) % 1400);
    fs.writeFileSync(f, `${salt} ${i} `.padEnd(size, String.fromCharCode(97 + (i % 26))));
    files.push(f);
  }
  return files;
}

function secondsOf<T>(fn: () => Promise<T>): Promise<{ value: T; s: number }> {
  const t = process.hrtime.bigint();
  return fn().then((value) => ({ value, s: Number(process.hrtime.bigint() - t) / 1e9 }));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') return serve(argv[1]);
  const i = argv.indexOf('--files');
  const n = i >= 0 ? Number(argv[i + 1]) : 2000;
  const json = argv.includes('--json');
  const ci = argv.indexOf('--concurrency');
  const concurrency = ci >= 0 ? Number(argv[ci + 1]) : 8;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-syncbench-'));
  const { child, served } = await startServer(path.join(tmp, 'sandbox'));
  const drive = createKooDrive({ endpoint: served.url, credentials: staticCredentials({ token: served.token, userId: served.userId }) });
  const pool = new HashPool({ workerPath: WORKER });
  let hashCalls = 0;
  const real = makeHashFile(pool);
  const counting: HashFilePort = (p, size, mtime, signal) => {
    hashCalls++;
    return real(p, size, mtime, signal);
  };
  try {
    const space = await drive.client.getPersonalSpace(served.userId);
    const folder = await drive.client.createFolder(space, space.rootFolderId, 'bench');
    const local = path.join(tmp, 'local');
    const files = makeFolder(local, n, 'v1');
    const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
    let stateDir = path.join(tmp, 'state1');
    const ctx = (): SyncContext => ({ stateDir, client: drive.client, hashFile: counting });
    const deps = () => ({ dispatcher: drive.dispatcher, hasher: pool, trash: folderTrash(stateDir, linkIdFor(fs.realpathSync(local))) });
    await linkFolder(ctx(), local, { space, folderId: folder.id, remotePath: '/bench' });

    // 0. baseline for the push: files of the same sizes (other bytes, so neither run is a flash upload of the
    // other's content) through the folder upload engine alone, same run.
    const plainDir = path.join(tmp, 'plain');
    makeFolder(plainDir, n, 'v0');
    const plain = await secondsOf(() => uploadFolder({ client: drive.client, dispatcher: drive.dispatcher, hasher: pool }, plainDir, { space, parentFolderId: space.rootFolderId }, { conflict: 'rename', fileConcurrency: concurrency, keepOutcomes: false }));
    void plain.value;
    // 1. push: new files, then every file changed (revisions).
    const first = await secondsOf(() => syncFolder(ctx(), deps(), local, { concurrency }));
    if (first.value.applied?.failed.length) throw new Error(`push failed: ${first.value.applied.failed[0].message}`);
    makeFolder(local, n, 'v2');
    const changed = await secondsOf(() => syncFolder(ctx(), deps(), local, { concurrency }));
    if (changed.value.applied?.failed.length) throw new Error(`push failed: ${changed.value.applied.failed[0].message}`);

    // 2. status of the unchanged folder (the first status after a sync warms the page cache like the baseline's).
    await syncStatus(ctx(), local);
    hashCalls = 0;
    const status = await secondsOf(() => syncStatus(ctx(), local));
    const readsInStatus = hashCalls;
    if (status.value.plan.changes.length !== 0) throw new Error('status of an unchanged folder found changes');
    const listing = await secondsOf(async () => {
      const folders = [folder.id];
      let count = 0;
      while (folders.length) {
        const batch = folders.splice(0, 4);
        const lists = await Promise.all(batch.map((id) => listAllChildren(drive.client, space, id)));
        for (const items of lists) for (const it of items) if (it.isFolder) folders.push(it.id); else count++;
      }
      return count;
    });
    const stats = await secondsOf(async () => {
      // readdir of every folder, then lstat of every file, 16 at a time (as the scan does).
      const paths: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await fs.promises.readdir(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else paths.push(p);
        }
      };
      await walk(local);
      await runPool(paths.map((p) => async () => void (await fs.promises.lstat(p))), 16);
    });

    // 3. first link of a folder that already exists remotely with the same bytes.
    await unlinkFolder(ctx(), local);
    stateDir = path.join(tmp, 'state2');
    await linkFolder(ctx(), local, { space, folderId: folder.id, remotePath: '/bench' });
    hashCalls = 0;
    const relink = await secondsOf(() => syncFolder(ctx(), deps(), local, { concurrency }));
    const relinkHashed = hashCalls;
    const transferred = relink.value.plan.actions.filter((a) => a.kind !== 'record').length;
    const scanOnly = await secondsOf(async () => {
      // The hashing alone, as the relink did it: every file through the scan's hash port.
      for (let k = 0; k < files.length; k += 64) await Promise.all(files.slice(k, k + 64).map(async (f) => {
        const st = await fs.promises.stat(f);
        await real(f, st.size, st.mtimeMs);
      }));
    });
    const openssl = await secondsOf(async () => {
      for (let k = 0; k < files.length; k += 1000) execFileSync('openssl', ['dgst', '-sha256', ...files.slice(k, k + 1000)], { stdio: ['ignore', 'ignore', 'inherit'] });
    });

    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    const result = {
      files: n, bytes,
      push: { newFilesPerS: n / first.s, changedFilesPerS: n / changed.s, newS: first.s, changedS: changed.s, uploadFolderFilesPerS: n / plain.s, newVsUploadFolder: plain.s / first.s },
      status: { s: status.s, filesRead: readsInStatus, baselineListingS: listing.s, baselineStatS: stats.s, ratio: status.s / (listing.s + stats.s) },
      firstLink: { s: relink.s, hashed: relinkHashed, transferred, hashS: scanOnly.s, opensslS: openssl.s, throughputVsOpenssl: openssl.s / scanOnly.s },
      maxRssMiB,
    };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`folder sync, ${n} small files (600 B–2 KB), ${(bytes / 1048576).toFixed(1)} MiB, sandbox in its own process`);
    console.log(`  push       new files ${result.push.newFilesPerS.toFixed(0)} files/s (×${result.push.newVsUploadFolder.toFixed(2)} of the folder upload engine alone, ${result.push.uploadFolderFilesPerS.toFixed(0)} files/s, same sizes, same run) · every file changed (new revisions) ${result.push.changedFilesPerS.toFixed(0)} files/s (goal ≥ 150)`);
    console.log(`  status     unchanged folder ${status.s.toFixed(2)} s, ${readsInStatus} files read · baseline: listing ${listing.s.toFixed(2)} s + lstat of every file ${stats.s.toFixed(2)} s → ×${result.status.ratio.toFixed(2)} (goal ≤ 1.5)`);
    console.log(`  first link ${relink.s.toFixed(2)} s · ${relinkHashed} files hashed, ${transferred} transferred · hashing ${scanOnly.s.toFixed(2)} s vs openssl dgst -sha256 ${openssl.s.toFixed(2)} s → ×${result.firstLink.throughputVsOpenssl.toFixed(2)} of openssl's throughput (goal ≥ 0.8)`);
    console.log(`  peak RSS   ${maxRssMiB.toFixed(0)} MiB (this process: sync, hash pool and the test folder's creation)`);
  } finally {
    await pool.close();
    await drive.close();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
