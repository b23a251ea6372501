/**
 * SHA-256 throughput on one temp file, all contenders in the same run:
 *
 *   npm run build && npm run compile-tests
 *   node out/test/bench/hashBench.js [sizeMiB=1024] [--runs N] [--json]
 *
 * The file is read from page cache in 16 MiB chunks into a reused buffer
 * (the pool's worker reads it itself, with part boundaries every 16 MiB).
 * Every contender first hashes a 64 MiB warm-up file; then each is timed
 * `runs` times (default 3, interleaved round-robin so drift hits all alike)
 * and the best and median are reported. MB = 10^6 bytes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HashPool } from '../../src/core/hash/hashPool';
import type { HashImplPreference } from '../../src/core/hash/hashImpl';
import { Sha256, type Sha256Options } from '../../src/core/hash/sha256';
import { loadNativeSha256, nativeBinaryName } from '../../src/core/hash/sha256Native';

const MiB = 1024 * 1024;
const CHUNK = 16 * MiB;

interface Contender {
  name: string;
  /** Returns the lowercase hex digest of the file. */
  run(file: string, length: number): Promise<string>;
  close?(): Promise<void>;
}

/** The optional dev dependency, typed locally so the bench compiles without it. */
interface HashWasmSha256 {
  init(): HashWasmSha256;
  update(data: Uint8Array): HashWasmSha256;
  digest(encoding: 'hex'): string;
}

async function readChunks(file: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) return;
      onChunk(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

function nodeCrypto(): Contender {
  return {
    name: 'node:crypto (no midstate)',
    async run(file) {
      const h = createHash('sha256');
      await readChunks(file, (c) => h.update(c));
      return h.digest('hex');
    },
  };
}

const ENGINE_NAMES = { native: 'koodrive Sha256 native (SHA-NI), in-process', wasm: 'koodrive Sha256 wasm, in-process', js: 'koodrive Sha256 JS fallback, in-process' };

function inProcess(options: Sha256Options & { engine: keyof typeof ENGINE_NAMES }): Contender {
  return {
    name: ENGINE_NAMES[options.engine],
    async run(file) {
      const h = new Sha256(options);
      await readChunks(file, (c) => h.update(c));
      return h.digestHex();
    },
  };
}

function pooled(implementation: HashImplPreference): Contender {
  const workerPath = path.resolve(__dirname, '../../../dist/hashWorker.js');
  const pool = new HashPool({ workerPath, size: 1, implementation });
  return {
    name: `koodrive HashPool worker (${implementation}), parts/16 MiB`,
    async run(file, length) {
      const partOffsets: number[] = [];
      for (let o = 0; o < Math.max(length, 1); o += 16 * MiB) partOffsets.push(o);
      let parts = 0;
      const r = await pool.hashFile(file, { length, partOffsets, onPartState: () => parts++ });
      if (parts !== partOffsets.length) throw new Error(`expected ${partOffsets.length} part states, got ${parts}`);
      return r.sha256;
    },
    close: () => pool.close(),
  };
}

async function hashWasm(): Promise<Contender | undefined> {
  let mod: { createSHA256(): Promise<HashWasmSha256> };
  try {
    mod = require('hash-wasm') as typeof mod;
  } catch {
    return undefined;
  }
  const h = await mod.createSHA256();
  const version = (() => {
    try {
      return ` ${(require('hash-wasm/package.json') as { version: string }).version}`;
    } catch {
      return '';
    }
  })();
  return {
    name: `hash-wasm${version}`,
    async run(file) {
      h.init();
      await readChunks(file, (c) => h.update(c));
      return h.digest('hex');
    },
  };
}

function opensslPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'openssl');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function openssl(bin: string): Contender {
  return {
    name: 'openssl dgst -sha256 (process)',
    run: (file) =>
      new Promise((resolve, reject) => {
        execFile(bin, ['dgst', '-sha256', '-r', file], (err, stdout) => {
          if (err) return reject(err);
          resolve(stdout.trim().split(/\s+/)[0].toLowerCase());
        });
      }),
  };
}

async function writeFile(file: string, sizeMiB: number): Promise<void> {
  const block = Buffer.alloc(CHUNK);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 0x100000000) >>> 0, i);
  const fh = await fs.promises.open(file, 'w');
  try {
    for (let done = 0; done < sizeMiB * MiB; done += CHUNK) {
      block.writeUInt32LE(done / CHUNK, 0);
      await fh.write(block, 0, Math.min(CHUNK, sizeMiB * MiB - done));
    }
  } finally {
    await fh.close();
  }
}

interface Row {
  name: string;
  bestMBps: number;
  medianMBps: number;
  runsMBps: number[];
  vsNodeCrypto?: number;
  vsHashWasm?: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  const sizeMiB = positional[0] ? Number(positional[0]) : 1024;
  if (!(sizeMiB > 0) || !(runs > 0)) throw new Error('usage: hashBench.js [sizeMiB] [--runs N] [--json]');
  const log = (s: string): void => {
    if (!json) process.stdout.write(s);
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-hashbench-'));
  const file = path.join(dir, 'bench.bin');
  const warm = path.join(dir, 'warm.bin');
  const contenders: Contender[] = [nodeCrypto()];
  try {
    const native = loadNativeSha256(path.resolve(__dirname, '../../../dist/native', nativeBinaryName()));
    if (native.hasShaNi()) contenders.push(inProcess({ engine: 'native', native }), pooled('native'));
  } catch (err) {
    log(`(no native SHA-256: ${(err as Error).message}; npm run build:native)\n`);
  }
  contenders.push(inProcess({ engine: 'wasm' }), pooled('wasm'));
  const hw = await hashWasm();
  if (hw) contenders.push(hw);
  contenders.push(inProcess({ engine: 'js' }));
  const ossl = opensslPath();
  if (ossl) contenders.push(openssl(ossl));

  try {
    log(`writing ${sizeMiB} MiB to ${file} ... `);
    await writeFile(file, sizeMiB);
    await writeFile(warm, Math.min(64, sizeMiB));
    const length = fs.statSync(file).size;
    const want = await nodeCrypto().run(file, length); // also pulls the file into page cache
    log('warming up ... ');
    for (const c of contenders) {
      const w = await c.run(warm, fs.statSync(warm).size);
      if (w !== (await nodeCrypto().run(warm, 0))) throw new Error(`${c.name}: wrong digest on the warm-up file`);
    }
    log('timing\n');

    const times = contenders.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      for (const [i, c] of contenders.entries()) {
        const t0 = process.hrtime.bigint();
        const got = await c.run(file, length);
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        if (got !== want) throw new Error(`${c.name}: digest ${got}, expected ${want}`);
        times[i].push(length / secs / 1e6);
      }
    }

    const rows: Row[] = contenders.map((c, i) => {
      const sorted = [...times[i]].sort((a, b) => a - b);
      return {
        name: c.name,
        bestMBps: Math.round(sorted[sorted.length - 1]),
        medianMBps: Math.round(sorted[Math.floor(sorted.length / 2)]),
        runsMBps: times[i].map(Math.round),
      };
    });
    const base = rows[0].bestMBps;
    const hwBest = rows.find((r) => r.name.startsWith('hash-wasm'))?.bestMBps;
    for (const r of rows) {
      r.vsNodeCrypto = +(r.bestMBps / base).toFixed(2);
      if (hwBest) r.vsHashWasm = +(r.bestMBps / hwBest).toFixed(2);
    }

    const env = {
      node: process.version,
      v8: process.versions.v8,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      sizeMiB,
      runs,
      sha256: want,
    };
    if (json) {
      process.stdout.write(`${JSON.stringify({ env, results: rows }, null, 2)}\n`);
      return;
    }
    log(`node ${env.node} (V8 ${env.v8}), ${env.cpu} × ${env.cores}; ${sizeMiB} MiB, best/median of ${runs}\n\n`);
    const head = ['hasher', 'best MB/s', 'median', '× node:crypto', '× hash-wasm'];
    const body = rows.map((r) => [r.name, String(r.bestMBps), String(r.medianMBps), r.vsNodeCrypto!.toFixed(2), r.vsHashWasm?.toFixed(2) ?? '-']);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    log(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n`);
  } finally {
    for (const c of contenders) await c.close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
