/**
 * Every SHA-256 compression engine available in this test run. The native
 * addon is required on linux-x64 (`npm run build:native` builds it before
 * the tests): a missing binary there fails the suite instead of silently
 * testing less.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultSha256Engine, type Sha256Options } from '../../../src/core/hash/sha256';
import { loadNativeSha256, nativeBinaryName, type NativeSha256Binding } from '../../../src/core/hash/sha256Native';

export const NATIVE_PATH = path.resolve('dist/native', nativeBinaryName());
/** Where we build and must run the native code. */
export const NATIVE_EXPECTED = process.platform === 'linux' && process.arch === 'x64';

let binding: NativeSha256Binding | undefined;

/** The addon, or undefined where it is not built; throws on linux-x64 if it is missing. */
export function nativeBinding(): NativeSha256Binding | undefined {
  if (!NATIVE_EXPECTED) return undefined;
  if (!binding) {
    binding = loadNativeSha256(NATIVE_PATH);
    assert.ok(binding.hasShaNi() || process.env.KOODRIVE_TEST_ALLOW_NO_SHA_NI === '1', 'this x86-64 CPU has no SHA-NI: set KOODRIVE_TEST_ALLOW_NO_SHA_NI=1 to test wasm/js only');
  }
  return binding.hasShaNi() ? binding : undefined;
}

export interface EngineUnderTest {
  name: 'native' | 'wasm' | 'js';
  options: Sha256Options;
}

export function enginesUnderTest(): EngineUnderTest[] {
  const out: EngineUnderTest[] = [];
  const native = nativeBinding();
  if (native) out.push({ name: 'native', options: { engine: 'native', native } });
  if (defaultSha256Engine() === 'wasm') out.push({ name: 'wasm', options: { engine: 'wasm' } });
  out.push({ name: 'js', options: { engine: 'js' } });
  return out;
}

/**
 * Paths for the fallback tests, inside `dir`: `missing` (no binary there),
 * `unloadable` (a file with the binary's name that is not a shared object:
 * a truncated or foreign download), `broken` (a real build of the addon whose
 * compression is deliberately wrong, so its self-test fails) and `lenient`
 * (a real build that hashes right but accepts a misaligned length, which the
 * self-test must refuse too). The builds are made only where native code is
 * expected.
 */
export function fallbackBinaries(dir: string): { missing: string; unloadable: string; broken: string; lenient: string } {
  const missing = path.join(dir, 'no-such-dir', nativeBinaryName());
  const unloadable = path.join(dir, 'unloadable', nativeBinaryName());
  fs.mkdirSync(path.dirname(unloadable), { recursive: true });
  fs.writeFileSync(unloadable, 'not a shared object\n');
  const broken = path.join(dir, 'sha256-broken.node');
  const lenient = path.join(dir, 'sha256-lenient.node');
  if (NATIVE_EXPECTED) {
    for (const [flag, out] of [['--broken-for-tests', broken], ['--lenient-for-tests', lenient]]) {
      const r = spawnSync(process.execPath, ['src/native/buildNative.js', flag, out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `building the ${flag} variant failed: ${r.stderr}`);
    }
  }
  return { missing, unloadable, broken, lenient };
}
