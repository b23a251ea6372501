/**
 * Incremental SHA-256 whose chaining state can be read at any 64-byte
 * boundary (`midstate()`) and which can be resumed from such a state
 * (`Sha256.fromState`). This is what KooDrive's concurrent multipart upload
 * needs as `hashCtx` (koodrive-api.md §6.1); node:crypto cannot export it.
 *
 * The compression function is generated WebAssembly (sha256Wasm.ts), with a
 * plain-JS fallback when WebAssembly is unavailable, or — when the caller
 * passes a loaded and self-tested binding (hashImpl.ts) — the native SHA-NI
 * code (sha256Native.ts), which works on the caller's buffers without copies. Input reaches the wasm
 * function in slices of at most 256 KiB: V8 has no on-stack replacement for
 * WebAssembly, so a long first call would run entirely in the baseline tier.
 */
import { INITIAL_STATE } from './sha256Constants';
import { compressJs } from './sha256Js';
import type { NativeSha256Binding } from './sha256Native';
import { STATE_PTR, generateSha256Wasm } from './sha256Wasm';

export type Sha256Engine = 'native' | 'wasm' | 'js';

export interface Sha256Options {
  /** Default: 'wasm' when WebAssembly is available, otherwise 'js'. 'native' needs `native`. */
  engine?: Sha256Engine;
  /** The loaded addon, for engine 'native' (select it through hashImpl.ts, which self-tests it). */
  native?: NativeSha256Binding;
  /**
   * Size of `inputArea()` (default 0): a buffer inside the hasher's own
   * memory. Reading a file straight into it and passing subarrays of it to
   * `update()` saves copying every byte into WebAssembly memory (~5 %).
   */
  inputAreaBytes?: number;
}

/** Largest slice handed to one call of the wasm compression function. */
export const WASM_SLICE_BYTES = 256 * 1024;

/** Absorbs whole blocks into a chaining state that lives in `state`. */
interface Compressor {
  readonly engine: Sha256Engine;
  /** H0..H7 as int32; a live view, valid between calls. */
  readonly state: Int32Array;
  /** Absorbs `data[offset, offset + length)`; `length % 64 === 0`. */
  absorb(data: Uint8Array, offset: number, length: number): void;
  readonly inputArea: Uint8Array;
}

/** Memory layout: state at 0, the staging slice at INPUT_PTR, then the optional input area. */
const INPUT_PTR = 64;
const WASM_PAGES = Math.ceil((INPUT_PTR + WASM_SLICE_BYTES) / 65536);
const PAGE = 65536;

/**
 * The slice of the WebAssembly JS API used here. Typed locally: the project's
 * lib (ES2022, no DOM) and @types/node 20 do not declare the global.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}
type WasmModule = { readonly __wasmModule?: never };

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let wasmModule: WasmModule | null | undefined;

/** Compiled once per thread, synchronously (the module is ~8 KiB). Null if unavailable. */
function getWasmModule(): WasmModule | null {
  if (wasmModule === undefined) {
    try {
      wasmModule = wasmApi ? new wasmApi.Module(generateSha256Wasm(WASM_PAGES)) : null;
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}

class WasmCompressor implements Compressor {
  readonly engine = 'wasm';
  readonly state: Int32Array;
  readonly inputArea: Uint8Array;
  private readonly staging: Uint8Array;
  private readonly memory: ArrayBuffer;
  private readonly compress: (ptr: number, blocks: number) => void;

  constructor(api: WasmApi, module: WasmModule, inputAreaBytes: number) {
    // The memory never grows, so these views stay valid.
    const pages = WASM_PAGES + Math.ceil(inputAreaBytes / PAGE);
    const memory = new api.Memory({ initial: pages, maximum: pages });
    const instance = new api.Instance(module, { env: { memory } });
    this.compress = instance.exports.compress as (ptr: number, blocks: number) => void;
    this.memory = memory.buffer;
    this.state = new Int32Array(memory.buffer, STATE_PTR, 8);
    this.staging = new Uint8Array(memory.buffer, INPUT_PTR, WASM_SLICE_BYTES);
    this.inputArea = new Uint8Array(memory.buffer, WASM_PAGES * PAGE, inputAreaBytes);
  }

  absorb(data: Uint8Array, offset: number, length: number): void {
    // Bytes already in our memory (the input area) are hashed where they are.
    const inPlace = data.buffer === this.memory;
    while (length > 0) {
      const n = length < WASM_SLICE_BYTES ? length : WASM_SLICE_BYTES;
      if (inPlace) {
        this.compress(data.byteOffset + offset, n >>> 6);
      } else {
        this.staging.set(data.subarray(offset, offset + n));
        this.compress(INPUT_PTR, n >>> 6);
      }
      offset += n;
      length -= n;
    }
  }
}

class JsCompressor implements Compressor {
  readonly engine = 'js';
  readonly state = new Int32Array(8);
  readonly inputArea: Uint8Array;
  private readonly w = new Int32Array(64);

  constructor(inputAreaBytes: number) {
    this.inputArea = new Uint8Array(inputAreaBytes);
  }

  absorb(data: Uint8Array, offset: number, length: number): void {
    compressJs(this.state, this.w, data, offset, length / 64);
  }
}

/**
 * The addon absorbs straight from the caller's buffer: no staging copy and no
 * slicing (native code has no tier-up problem). The addon re-checks offset and
 * length against the buffer itself before it touches memory.
 */
class NativeCompressor implements Compressor {
  readonly engine = 'native';
  readonly state = new Int32Array(8);
  readonly inputArea: Uint8Array;

  constructor(private readonly binding: NativeSha256Binding, inputAreaBytes: number) {
    this.inputArea = new Uint8Array(inputAreaBytes);
  }

  absorb(data: Uint8Array, offset: number, length: number): void {
    this.binding.compress(this.state, data, offset, length);
  }
}

function createCompressor({ engine, native, inputAreaBytes = 0 }: Sha256Options): Compressor {
  if (!Number.isSafeInteger(inputAreaBytes) || inputAreaBytes < 0) throw new RangeError(`inputAreaBytes: ${inputAreaBytes}`);
  if (engine === 'native') {
    if (!native) throw new Error("engine 'native' needs the loaded binding (options.native)");
    return new NativeCompressor(native, inputAreaBytes);
  }
  if (engine !== 'js') {
    const module = getWasmModule();
    if (module && wasmApi) return new WasmCompressor(wasmApi, module, inputAreaBytes);
    if (engine === 'wasm') throw new Error('WebAssembly is not available in this runtime');
  }
  return new JsCompressor(inputAreaBytes);
}

/** The engine a `new Sha256()` uses in this runtime. */
export function defaultSha256Engine(): Sha256Engine {
  return getWasmModule() ? 'wasm' : 'js';
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Sha256 {
  private readonly c: Compressor;
  /** Bytes of an unfinished block. */
  private readonly tail = new Uint8Array(64);
  private tailLength = 0;
  private total = 0;

  constructor(options: Sha256Options = {}) {
    this.c = createCompressor(options);
    this.c.state.set(INITIAL_STATE);
  }

  /**
   * Resumes from a chaining state H0..H7 taken after `bytesHashed` bytes
   * (a multiple of 64), e.g. a part's `hashCtx` and `partOffset`.
   */
  static fromState(h: ArrayLike<number>, bytesHashed: number, options: Sha256Options = {}): Sha256 {
    if (h.length !== 8) throw new RangeError(`SHA-256 state must have 8 words, got ${h.length}`);
    for (let i = 0; i < 8; i++) {
      const x = h[i];
      if (!Number.isInteger(x) || x < -0x80000000 || x > 0xffffffff) {
        throw new RangeError(`SHA-256 state word ${i} is not a 32-bit integer: ${x}`);
      }
    }
    if (!Number.isSafeInteger(bytesHashed) || bytesHashed < 0 || bytesHashed % 64 !== 0) {
      throw new RangeError(`bytesHashed must be a non-negative multiple of 64, got ${bytesHashed}`);
    }
    const s = new Sha256(options);
    for (let i = 0; i < 8; i++) s.c.state[i] = h[i] | 0;
    s.total = bytesHashed;
    return s;
  }

  /** Starts over at H(0) with nothing hashed, keeping the engine and input area (cheaper than a new hasher). */
  reset(): this {
    this.c.state.set(INITIAL_STATE);
    this.tailLength = 0;
    this.total = 0;
    return this;
  }

  /**
   * The hasher's own buffer of `inputAreaBytes` (empty by default). Fill it
   * (e.g. fs read) and pass subarrays to `update()` to skip one copy; it is
   * only read during `update()`, so it may be refilled afterwards.
   */
  inputArea(): Uint8Array {
    return this.c.inputArea;
  }

  /** Which compression engine this instance runs on. */
  get engine(): Sha256Engine {
    return this.c.engine;
  }

  /** Total message bytes so far, including those before `fromState`. */
  get bytesHashed(): number {
    return this.total;
  }

  update(data: Uint8Array): this {
    const length = data.length;
    let offset = 0;
    if (this.tailLength > 0) {
      const take = Math.min(64 - this.tailLength, length);
      this.tail.set(data.subarray(0, take), this.tailLength);
      this.tailLength += take;
      offset = take;
      if (this.tailLength < 64) {
        this.total += length;
        return this;
      }
      this.c.absorb(this.tail, 0, 64);
      this.tailLength = 0;
    }
    const rest = length - offset;
    const whole = rest - (rest % 64);
    if (whole > 0) this.c.absorb(data, offset, whole);
    offset += whole;
    if (offset < length) {
      this.tail.set(data.subarray(offset), 0);
      this.tailLength = length - offset;
    }
    this.total += length;
    return this;
  }

  /** H0..H7 as unsigned numbers (the `hashCtx`); only at a 64-byte boundary. */
  midstate(): number[] {
    if (this.tailLength !== 0) {
      throw new RangeError(`midstate is only defined at a 64-byte boundary (bytesHashed = ${this.total})`);
    }
    return Array.from(this.c.state, (x) => x >>> 0);
  }

  /**
   * The digest of everything absorbed, padded for the total length (including
   * the bytes before `fromState`). Does not change the hasher: more data can
   * be added and digested again.
   */
  digest(): Uint8Array {
    const saved = Int32Array.from(this.c.state);
    const n = this.tailLength;
    const padded = new Uint8Array(n < 56 ? 64 : 128);
    padded.set(this.tail.subarray(0, n));
    padded[n] = 0x80;
    const bits = this.total * 8;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    this.c.absorb(padded, 0, padded.length);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(4 * i, this.c.state[i] >>> 0);
    this.c.state.set(saved);
    return out;
  }

  /** Lowercase hex of `digest()`. */
  digestHex(): string {
    let s = '';
    for (const b of this.digest()) s += HEX[b];
    return s;
  }
}
