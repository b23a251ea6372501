/**
 * Hashing on the calling thread (what `koodrive hash` uses): the same
 * implementation choice, fallbacks and log line as the worker pool, midstates
 * that resume to the right digest, SourceChanged and cancellation. The
 * failing native paths use real files: a path with no binary, and a real
 * build of the addon whose results are deliberately wrong.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import { hashFileInProcess, type InProcessHashOptions } from '../../../src/core/hash/inProcessHash';
import type { Logger } from '../../../src/core/logger';
import { Sha256 } from '../../../src/core/hash/sha256';
import { fallbackBinaries, NATIVE_EXPECTED, NATIVE_PATH, nativeBinding } from './engines';

const MiB = 1024 * 1024;

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (m: string): void => void lines.push(`${level} ${m}`);
  return { lines, trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

describe('hash/inProcessHash (hashing on the calling thread)', function () {
  this.timeout(120_000);
  let dir: string;
  let missing: string;
  let broken: string;
  let file: string;
  let data: Buffer;
  const offsets = [0, 5 * MiB, 10 * MiB];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-inprocess-'));
    ({ missing, broken } = fallbackBinaries(dir));
    data = randomBytes(17 * MiB + 3);
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function hash(o: Partial<InProcessHashOptions>): Promise<{ impl: string; lines: string[] }> {
    const logger = recordingLogger();
    const states = new Map<number, number[]>();
    const r = await hashFileInProcess(
      { path: file, length: data.length, partOffsets: offsets, mtimeMs: fs.statSync(file).mtimeMs },
      { nativePath: NATIVE_PATH, logger, onPartState: (i, _off, ctx) => states.set(i, ctx), ...o },
    );
    assert.equal(r.sha256, createHash('sha256').update(data).digest('hex'));
    assert.equal(r.length, data.length);
    assert.deepEqual(states.get(0), []);
    for (const i of [1, 2]) {
      const resumed = Sha256.fromState(states.get(i)!, offsets[i]).update(data.subarray(offsets[i])).digestHex();
      assert.equal(resumed, r.sha256, `midstate of part ${i + 1}`);
    }
    return { impl: r.impl, lines: logger.lines };
  }

  it('auto: native where the addon works, one info line', async function () {
    if (!nativeBinding()) this.skip();
    const r = await hash({ implementation: 'auto' });
    assert.equal(r.impl, 'native');
    assert.deepEqual(r.lines, ['info SHA-256: native (SHA-NI present, self-test passed)']);
  });

  it('auto with no binary: wasm, right digest and midstates, one info line saying why', async () => {
    const r = await hash({ implementation: 'auto', nativePath: missing });
    assert.equal(r.impl, 'wasm');
    assert.equal(r.lines.length, 1);
    assert.match(r.lines[0], /^info SHA-256: wasm \(native SHA-256 not used: cannot load .*: not found\)$/);
  });

  it('auto with a binary that fails its self-test: wasm, one warning', async function () {
    if (!NATIVE_EXPECTED) this.skip();
    const r = await hash({ implementation: 'auto', nativePath: broken });
    assert.equal(r.impl, 'wasm');
    assert.equal(r.lines.length, 1);
    assert.match(r.lines[0], /^warn SHA-256: wasm \(native SHA-256 not used: self-test failed: known answer/);
  });

  it('forced js and wasm are used as asked', async () => {
    assert.equal((await hash({ implementation: 'js' })).impl, 'js');
    assert.equal((await hash({ implementation: 'wasm' })).impl, 'wasm');
  });

  it('forced native that cannot run: InvalidInput and a warning, nothing hashed', async () => {
    const logger = recordingLogger();
    let progressed = false;
    await assert.rejects(
      hashFileInProcess({ path: file, length: data.length, partOffsets: offsets }, {
        implementation: 'native', nativePath: missing, logger, onProgress: () => (progressed = true),
      }),
      (e: unknown) => KooDriveError.is(e, 'InvalidInput') && /'native' was requested but cannot be used/.test((e as Error).message),
    );
    assert.equal(progressed, false);
    assert.equal(logger.lines.length, 1);
    assert.match(logger.lines[0], /^warn SHA-256: .*'native' was requested/);
  });

  it('a file that is not the size it was planned with: SourceChanged', async () => {
    await assert.rejects(
      hashFileInProcess({ path: file, length: data.length + 64, partOffsets: [0] }, { nativePath: NATIVE_PATH }),
      (e: unknown) => KooDriveError.is(e, 'SourceChanged'),
    );
  });

  for (const implementation of ['auto', 'wasm'] as const) {
    it(`${implementation}: an abort while hashing stops it with Cancelled`, async () => {
      const controller = new AbortController();
      let lastProgress = 0;
      await assert.rejects(
        hashFileInProcess({ path: file, length: data.length, partOffsets: [0] }, {
          implementation, nativePath: NATIVE_PATH, signal: controller.signal,
          onProgress: (n) => {
            lastProgress = n;
            controller.abort();
          },
        }),
        (e: unknown) => KooDriveError.is(e, 'Cancelled'),
      );
      assert.ok(lastProgress > 0 && lastProgress < data.length, `stopped early (${lastProgress} of ${data.length})`);
    });
  }
});
