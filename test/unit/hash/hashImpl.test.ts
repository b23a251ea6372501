/**
 * Choosing the SHA-256 implementation: native when the addon loads, the CPU
 * has SHA-NI and the self-test passes; otherwise wasm with the reason logged.
 * The failing paths use real files: a path with no binary, and a real build
 * of the addon whose results are deliberately wrong (--broken-for-tests).
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KooDriveError } from '../../../src/core/errors';
import { HASH_IMPL_ENV, hashImplPreference, parseHashImplPreference, selectHashImpl, selfTestNative } from '../../../src/core/hash/hashImpl';
import { HashPool } from '../../../src/core/hash/hashPool';
import type { Logger } from '../../../src/core/logger';
import { loadNativeSha256 } from '../../../src/core/hash/sha256Native';
import { fallbackBinaries, NATIVE_EXPECTED, NATIVE_PATH, nativeBinding } from './engines';

const WORKER = path.resolve('dist/hashWorker.js');
const isInvalidInput = (message: RegExp) => (err: unknown): boolean => KooDriveError.is(err, 'InvalidInput') && message.test((err as Error).message);

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (m: string): void => void lines.push(`${level} ${m}`);
  return { lines, trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

describe('hash/hashImpl (implementation selection)', () => {
  let dir: string;
  let missing: string;
  let broken: string;
  let unloadable: string;
  let lenient: string;
  let file: string;
  let data: Buffer;

  before(function () {
    this.timeout(120_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koodrive-hashimpl-'));
    ({ missing, broken, unloadable, lenient } = fallbackBinaries(dir));
    data = randomBytes(3 * 1024 * 1024 + 5);
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('preference', () => {
    it('KOODRIVE_HASH_IMPL wins over the setting; empty means unset; default auto', () => {
      assert.equal(hashImplPreference({}, undefined), 'auto');
      assert.equal(hashImplPreference({}, 'wasm'), 'wasm');
      assert.equal(hashImplPreference({ [HASH_IMPL_ENV]: 'js' }, 'wasm'), 'js');
      assert.equal(hashImplPreference({ [HASH_IMPL_ENV]: ' Native ' }, 'wasm'), 'native');
      assert.equal(hashImplPreference({ [HASH_IMPL_ENV]: '' }, 'wasm'), 'wasm');
    });

    it('anything else is InvalidInput naming the source and the choices', () => {
      assert.throws(() => hashImplPreference({ [HASH_IMPL_ENV]: 'fast' }), isInvalidInput(/KOODRIVE_HASH_IMPL must be one of auto, native, wasm, js; got 'fast'/));
      assert.throws(() => parseHashImplPreference('sse', 'koodrive.hash.implementation'), isInvalidInput(/koodrive.hash.implementation/));
    });
  });

  describe('selectHashImpl', () => {
    it('auto picks native where the addon is built and the CPU has SHA-NI', function () {
      if (!nativeBinding()) this.skip();
      const c = selectHashImpl('auto', NATIVE_PATH);
      assert.equal(c.impl, 'native');
      assert.equal(c.degraded, false);
      assert.match(c.reason, /self-test passed/);
      assert.ok(c.native);
    });

    it('the self-test passes on the real addon and fails on one that computes wrong results', function () {
      if (!nativeBinding()) this.skip();
      selfTestNative(nativeBinding()!);
      assert.throws(() => selfTestNative(loadNativeSha256(broken)), /known answer for a 0-byte message/);
    });

    it('the self-test refuses an addon that hashes right but accepts a misaligned length', function () {
      if (!nativeBinding()) this.skip();
      const binding = loadNativeSha256(lenient);
      // It does hash right: only the length check is missing.
      const state = new Int32Array(8);
      binding.compress(state, new Uint8Array(64), 0, 63);
      assert.throws(() => selfTestNative(binding), /a misaligned length was not refused/);
      const c = selectHashImpl('auto', lenient);
      assert.equal(c.impl, 'wasm');
      assert.equal(c.degraded, true);
      assert.match(c.reason, /self-test failed: a misaligned length was not refused/);
    });

    it('auto with a binary that exists but does not load falls back to wasm and flags it', () => {
      const c = selectHashImpl('auto', unloadable);
      assert.equal(c.impl, 'wasm');
      assert.equal(c.degraded, true, 'a file that is there but cannot be loaded is worth a warning');
      assert.equal(c.native, undefined);
      assert.match(c.reason, /native SHA-256 not used: cannot load .*unloadable/);
      assert.doesNotMatch(c.reason, /: not found$/);
    });

    it('auto without a binary falls back to wasm, saying the file is not there (not a degradation)', () => {
      const c = selectHashImpl('auto', missing);
      assert.equal(c.impl, 'wasm');
      assert.equal(c.degraded, false);
      assert.equal(c.native, undefined);
      assert.match(c.reason, /native SHA-256 not used: cannot load .*no-such-dir.*: not found/);
    });

    it('auto with a failing self-test falls back to wasm and flags it', function () {
      if (!NATIVE_EXPECTED) this.skip();
      const c = selectHashImpl('auto', broken);
      assert.equal(c.impl, 'wasm');
      assert.equal(c.degraded, true);
      assert.match(c.reason, /self-test failed: known answer/);
    });

    it('a forced implementation that cannot run is a clear InvalidInput, not a silent fallback', function () {
      assert.throws(() => selectHashImpl('native', missing), isInvalidInput(/'native' was requested but cannot be used: cannot load .*not found/));
      if (NATIVE_EXPECTED) assert.throws(() => selectHashImpl('native', broken), isInvalidInput(/'native' was requested .*self-test failed/));
    });

    it('forced wasm and js are used as asked', () => {
      assert.equal(selectHashImpl('wasm', NATIVE_PATH).impl, 'wasm');
      assert.equal(selectHashImpl('js', NATIVE_PATH).impl, 'js');
    });
  });

  describe('in the worker pool (real worker threads)', () => {
    const want = (): string => createHash('sha256').update(data).digest('hex');
    const offsets = [0, 1024 * 1024, 2 * 1024 * 1024];

    async function hashWith(opts: ConstructorParameters<typeof HashPool>[0]): Promise<{ impl: string; sha256: string; lines: string[]; pool: HashPool }> {
      const logger = recordingLogger();
      const pool = new HashPool({ size: 2, ...opts, logger });
      try {
        // Two files at once: both workers start and report, yet one line is logged.
        const [a, b] = await Promise.all([1, 2].map(() => pool.hashFile(file, { length: data.length, partOffsets: offsets })));
        assert.equal(a.impl, b.impl);
        return { impl: a.impl, sha256: a.sha256, lines: logger.lines, pool };
      } finally {
        await pool.close();
      }
    }

    it('default: the native addon next to the worker, one info line', async function () {
      if (!nativeBinding()) this.skip();
      const r = await hashWith({ workerPath: WORKER, implementation: 'auto' });
      assert.equal(r.impl, 'native');
      assert.equal(r.sha256, want());
      assert.deepEqual(r.lines, ['info SHA-256: native (SHA-NI present, self-test passed)']);
      assert.deepEqual(r.pool.implementation, { impl: 'native', reason: 'SHA-NI present, self-test passed', degraded: false });
    });

    it('missing binary: wasm, right digest, one info line saying why', async () => {
      const r = await hashWith({ workerPath: WORKER, implementation: 'auto', nativePath: missing });
      assert.equal(r.impl, 'wasm');
      assert.equal(r.sha256, want());
      assert.equal(r.lines.length, 1);
      assert.match(r.lines[0], /^info SHA-256: wasm \(native SHA-256 not used: cannot load .*: not found\)$/);
    });

    it('failing self-test: wasm, right digest, one warning saying why', async function () {
      if (!NATIVE_EXPECTED) this.skip();
      const r = await hashWith({ workerPath: WORKER, implementation: 'auto', nativePath: broken });
      assert.equal(r.impl, 'wasm');
      assert.equal(r.sha256, want());
      assert.equal(r.lines.length, 1);
      assert.match(r.lines[0], /^warn SHA-256: wasm \(native SHA-256 not used: self-test failed: known answer/);
    });

    it('a binary that does not load: wasm, right digest, one warning saying why', async () => {
      const r = await hashWith({ workerPath: WORKER, implementation: 'auto', nativePath: unloadable });
      assert.equal(r.impl, 'wasm');
      assert.equal(r.sha256, want());
      assert.equal(r.lines.length, 1);
      assert.match(r.lines[0], /^warn SHA-256: wasm \(native SHA-256 not used: cannot load .*unloadable/);
    });

    it('forced native without a binary: every request fails with InvalidInput; forced js uses js', async () => {
      const logger = recordingLogger();
      const pool = new HashPool({ workerPath: WORKER, implementation: 'native', nativePath: missing, logger });
      try {
        await assert.rejects(pool.hashFile(file, { length: data.length, partOffsets: offsets }), isInvalidInput(/'native' was requested but cannot be used/));
        assert.equal(logger.lines.length, 1);
        assert.match(logger.lines[0], /^warn SHA-256: .*'native' was requested/);
      } finally {
        await pool.close();
      }
      const js = await hashWith({ workerPath: WORKER, implementation: 'js' });
      assert.equal(js.impl, 'js');
      assert.equal(js.sha256, want());
    });

    it('KOODRIVE_HASH_IMPL is the default when the host passes nothing', async () => {
      const saved = process.env[HASH_IMPL_ENV];
      process.env[HASH_IMPL_ENV] = 'wasm';
      try {
        const r = await hashWith({ workerPath: WORKER });
        assert.equal(r.impl, 'wasm');
      } finally {
        if (saved === undefined) delete process.env[HASH_IMPL_ENV];
        else process.env[HASH_IMPL_ENV] = saved;
      }
    });
  });
});
