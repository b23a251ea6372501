/**
 * A tiny WebAssembly binary emitter: just the opcodes and sections the
 * SHA-256 compression function needs (i32 arithmetic, locals, loads/stores,
 * one loop, an imported memory, exported functions). Generating the module
 * from TypeScript keeps the source reviewable: no opaque binary is committed.
 *
 * Reference: WebAssembly Core Specification 2.0, chapter 5 (binary format).
 */

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`uleb: ${value}`);
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (accepts both int32 and uint32 spellings). */
export function sleb32(value: number): number[] {
  let v = value | 0;
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const I32 = 0x7f;

/** Instruction builder for one function body. Locals are plain indices. */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  get(local: number): this { return this.op(0x20, ...uleb(local)); }
  set(local: number): this { return this.op(0x21, ...uleb(local)); }
  tee(local: number): this { return this.op(0x22, ...uleb(local)); }
  const(value: number): this { return this.op(0x41, ...sleb32(value)); }
  /** i32.load with a constant byte offset from the address on the stack. */
  load(offset: number): this { return this.op(0x28, 2, ...uleb(offset)); }
  /** i32.store with a constant byte offset. */
  store(offset: number): this { return this.op(0x36, 2, ...uleb(offset)); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }
  xor(): this { return this.op(0x73); }
  shl(): this { return this.op(0x74); }
  shrU(): this { return this.op(0x76); }
  rotl(): this { return this.op(0x77); }
  rotr(): this { return this.op(0x78); }
  eqz(): this { return this.op(0x45); }
  /** `block` with an empty result type. */
  block(): this { return this.op(0x02, 0x40); }
  /** `loop` with an empty result type. */
  loop(): this { return this.op(0x03, 0x40); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  end(): this { return this.op(0x0b); }
}

export interface FunctionDef {
  name: string;
  /** Number of i32 parameters; the function returns nothing. */
  params: number;
  /** Number of extra i32 locals (indices follow the parameters). */
  locals: number;
  code: Code;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** An ASCII name (all names here are ASCII identifiers). */
function name(s: string): number[] {
  const b = Array.from(s, (c) => c.charCodeAt(0) & 0x7f);
  return [...uleb(b.length), ...b];
}

/**
 * A module that imports its memory as `env.memory` (at least `minPages`
 * 64 KiB pages) and exports the given functions, all `(i32 × params) -> ()`.
 */
export function emitModule(functions: FunctionDef[], minPages: number): Uint8Array {
  const paramCounts = [...new Set(functions.map((f) => f.params))];
  const types = paramCounts.map((n) => [0x60, ...uleb(n), ...new Array<number>(n).fill(I32), 0]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]];
  const funcs = functions.map((f) => uleb(paramCounts.indexOf(f.params)));
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    const locals = vec(f.locals > 0 ? [[...uleb(f.locals), I32]] : []);
    const body = [...locals, ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
