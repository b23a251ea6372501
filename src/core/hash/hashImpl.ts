/**
 * Which SHA-256 compression a hash worker runs, chosen once when it starts:
 *
 *   auto    native when the addon loads, the CPU has SHA-NI and a known-answer
 *           self-test passes; otherwise WebAssembly (JS where there is no
 *           WebAssembly), with the reason for the log.
 *   native | wasm | js
 *           exactly that one; if it cannot run, hashing fails with a clear
 *           'InvalidInput' error instead of silently using another.
 *
 * The preference comes from KOODRIVE_HASH_IMPL when set, else from the host
 * (the `koodrive.hash.implementation` setting), else 'auto'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { KooDriveError } from '../errors';
import { defaultSha256Engine, Sha256, type Sha256Engine } from './sha256';
import { loadNativeSha256, type NativeSha256Binding } from './sha256Native';

export type HashImpl = Sha256Engine;
export type HashImplPreference = 'auto' | HashImpl;

export const HASH_IMPL_ENV = 'KOODRIVE_HASH_IMPL';
export const HASH_IMPL_PREFERENCES: readonly HashImplPreference[] = ['auto', 'native', 'wasm', 'js'];

export interface HashImplChoice {
  impl: HashImpl;
  /** One line for the log: why this one. */
  reason: string;
  /** True when native should have worked here but did not (e.g. a failed self-test): worth a warning. */
  degraded: boolean;
  /** The self-tested addon, when impl is 'native'. */
  native?: NativeSha256Binding;
}

export function parseHashImplPreference(value: string, source: string): HashImplPreference {
  const v = value.trim().toLowerCase();
  if ((HASH_IMPL_PREFERENCES as readonly string[]).includes(v)) return v as HashImplPreference;
  throw new KooDriveError('InvalidInput', `${source} must be one of ${HASH_IMPL_PREFERENCES.join(', ')}; got '${value}'`, { subject: source });
}

/** KOODRIVE_HASH_IMPL when set (and not empty), else `fallback` (a setting's value), else 'auto'. */
export function hashImplPreference(env: NodeJS.ProcessEnv = process.env, fallback?: string): HashImplPreference {
  const fromEnv = env[HASH_IMPL_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseHashImplPreference(fromEnv, HASH_IMPL_ENV);
  if (fallback !== undefined && fallback.trim() !== '') return parseHashImplPreference(fallback, 'koodrive.hash.implementation');
  return 'auto';
}

/** Why native cannot be used here, or the working binding. */
function tryNative(nativePath: string): { binding?: NativeSha256Binding; why?: string; degraded: boolean } {
  let binding: NativeSha256Binding;
  try {
    binding = loadNativeSha256(nativePath);
  } catch (err) {
    const why = (err as Error).message;
    // No binary is normal (the universal package, other platforms); a binary that does not load is not.
    return { why, degraded: !/: not found$/.test(why) };
  }
  if (!binding.hasShaNi()) return { why: 'this CPU has no SHA extensions (SHA-NI)', degraded: false };
  try {
    selfTestNative(binding);
  } catch (err) {
    return { why: `self-test failed: ${(err as Error).message}`, degraded: true };
  }
  return { binding, degraded: false };
}

export function selectHashImpl(preference: HashImplPreference, nativePath: string): HashImplChoice {
  const unavailable = (impl: HashImpl, why: string): never => {
    throw new KooDriveError('InvalidInput', `SHA-256 implementation '${impl}' was requested but cannot be used: ${why}`, { subject: HASH_IMPL_ENV });
  };
  switch (preference) {
    case 'js':
      return { impl: 'js', reason: "'js' requested", degraded: false };
    case 'wasm':
      if (defaultSha256Engine() !== 'wasm') unavailable('wasm', 'WebAssembly is not available in this runtime');
      return { impl: 'wasm', reason: "'wasm' requested", degraded: false };
    case 'native': {
      const n = tryNative(nativePath);
      if (!n.binding) return unavailable('native', n.why ?? 'unknown');
      return { impl: 'native', reason: "'native' requested; SHA-NI present, self-test passed", degraded: false, native: n.binding };
    }
    case 'auto': {
      const n = tryNative(nativePath);
      if (n.binding) return { impl: 'native', reason: 'SHA-NI present, self-test passed', degraded: false, native: n.binding };
      const impl = defaultSha256Engine();
      return { impl, reason: `native SHA-256 not used: ${n.why}`, degraded: n.degraded };
    }
  }
}

/** FIPS 180-2 / NIST CSRC example messages and their digests. */
const KNOWN_ANSWERS: ReadonlyArray<[message: string | (() => Uint8Array), sha256: string]> = [
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  [
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  ],
  [() => new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

/**
 * Throws unless the addon computes SHA-256 exactly like the portable code:
 * the NIST vectors, then a midstate round trip on random data (native's
 * midstate resumed by the portable hasher and vice versa, both checked
 * against node:crypto), and a misaligned call must be refused, not run.
 */
export function selfTestNative(binding: NativeSha256Binding): void {
  const native = (): Sha256 => new Sha256({ engine: 'native', native: binding });
  for (const [message, want] of KNOWN_ANSWERS) {
    const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message();
    const got = native().update(bytes).digestHex();
    if (got !== want) throw new Error(`known answer for a ${bytes.length}-byte message: got ${got}, expected ${want}`);
  }

  // A few KiB are enough for the midstate round trip (every code path of the
  // compression runs from the first block); the WebAssembly side runs in
  // V8's baseline tier here, so a large buffer would only slow start-up.
  const data = randomBytes(64 * (16 + Math.floor(Math.random() * 48)) + Math.floor(Math.random() * 64));
  const split = 64 * (1 + Math.floor(Math.random() * Math.floor(data.length / 64 - 1)));
  const want = createHash('sha256').update(data).digest('hex');
  const portable = defaultSha256Engine();
  const a = native().update(data.subarray(0, split));
  const b = new Sha256({ engine: portable }).update(data.subarray(0, split));
  if (a.midstate().join() !== b.midstate().join()) throw new Error(`midstate after ${split} bytes differs from ${portable}`);
  const viaPortable = Sha256.fromState(a.midstate(), split, { engine: portable }).update(data.subarray(split)).digestHex();
  const viaNative = Sha256.fromState(b.midstate(), split, { engine: 'native', native: binding }).update(data.subarray(split)).digestHex();
  if (viaPortable !== want || viaNative !== want) throw new Error(`midstate round trip over ${data.length} random bytes does not give the digest`);

  let refused = false;
  try {
    binding.compress(new Int32Array(8), new Uint8Array(64), 0, 63);
  } catch {
    refused = true;
  }
  if (!refused) throw new Error('a misaligned length was not refused');
}
