/**
 * The native SHA-256 compression (src/native/sha256_ni.c, SHA-NI through
 * Node-API): where the binary lives, and loading it. Whether it is *used*
 * is decided by hashImpl.ts (CPU check + known-answer self-test).
 *
 * Loaded with process.dlopen rather than require(): the bundler must not try
 * to resolve a platform binary at build time, and a missing or foreign file
 * becomes an ordinary error we can report.
 */
import * as path from 'node:path';

/** The addon's interface (see the comment at the top of sha256_ni.c). */
export interface NativeSha256Binding {
  /** CPUID says the SHA extensions (and SSSE3/SSE4.1) are there. */
  hasShaNi(): boolean;
  /**
   * Absorbs `data[offset, offset + length)` into `state` (H0..H7) in place.
   * Throws RangeError/TypeError for anything out of range or misaligned.
   */
  compress(state: Int32Array, data: Uint8Array, offset: number, length: number): void;
  readonly abiVersion: number;
}

/** The interface version this code was written for (KOODRIVE_SHA256_ABI in the C file). */
export const NATIVE_SHA256_ABI = 1;

/** The file name for this platform, e.g. sha256-linux-x64.node. */
export function nativeBinaryName(platform: string = process.platform, arch: string = process.arch): string {
  return `sha256-${platform}-${arch}.node`;
}

/** Where a bundle in `bundleDir` (dist/) finds the binary: dist/native/<name>. */
export function defaultNativeBinaryPath(bundleDir: string): string {
  return path.join(bundleDir, 'native', nativeBinaryName());
}

/** Loads the addon; throws an Error whose message says why it cannot be used. */
export function loadNativeSha256(file: string): NativeSha256Binding {
  const mod: { exports: Partial<NativeSha256Binding> } = { exports: {} };
  try {
    process.dlopen(mod, file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // dlopen's message for a missing file is long and OS-specific.
    const why = e?.code === 'ERR_DLOPEN_FAILED' && /No such file|cannot open shared object/i.test(e.message) ? 'not found' : (e?.message ?? String(err));
    throw new Error(`cannot load ${file}: ${why}`);
  }
  const b = mod.exports;
  if (typeof b.compress !== 'function' || typeof b.hasShaNi !== 'function') throw new Error(`${file} is not the KooDrive SHA-256 addon`);
  if (b.abiVersion !== NATIVE_SHA256_ABI) throw new Error(`${file} has interface version ${String(b.abiVersion)}, expected ${NATIVE_SHA256_ABI}`);
  return b as NativeSha256Binding;
}
