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
  return pushUleb([], value);
}

/** Appends the unsigned LEB128 of `value` to `out` (no temporary array: this runs cold, at start-up). */
function pushUleb(out: number[], value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`uleb: ${value}`);
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
  return pushSleb32([], value);
}

function pushSleb32(out: number[], value: number): number[] {
  let v = value | 0;
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

  private op(code: number, immediate?: number): this {
    this.bytes.push(code);
    if (immediate !== undefined) this.bytes.push(immediate);
    return this;
  }

  /** An opcode and a LEB128 immediate, appended in place: the module is generated at start-up, in V8's cold tiers, where temporary arrays cost. */
  private opU(code: number, immediate: number): this {
    this.bytes.push(code);
    pushUleb(this.bytes, immediate);
    return this;
  }

  get(local: number): this { return this.opU(0x20, local); }
  set(local: number): this { return this.opU(0x21, local); }
  tee(local: number): this { return this.opU(0x22, local); }
  const(value: number): this {
    this.bytes.push(0x41);
    pushSleb32(this.bytes, value);
    return this;
  }
  /** i32.load (alignment 2^2) with a constant byte offset from the address on the stack. */
  load(offset: number): this { return this.opU(0x28, 2).opUImm(offset); }
  /** i32.store with a constant byte offset. */
  store(offset: number): this { return this.opU(0x36, 2).opUImm(offset); }
  /** A further LEB128 immediate. */
  private opUImm(immediate: number): this {
    pushUleb(this.bytes, immediate);
    return this;
  }
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
  br(depth: number): this { return this.opU(0x0c, depth); }
  brIf(depth: number): this { return this.opU(0x0d, depth); }
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

// concat rather than spreads: the function body is ~8 K numbers, and spreading
// it through several array literals in V8's cold tiers cost ~10 ms at start-up.
function section(id: number, payload: number[]): number[] {
  return [id].concat(uleb(payload.length), payload);
}

function vec(items: number[][]): number[] {
  return uleb(items.length).concat(...items);
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
    const body = locals.concat(f.code.bytes, [0x0b]);
    return uleb(body.length).concat(body);
  });
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].concat(
    section(1, vec(types)),
    section(2, vec(imports)),
    section(3, vec(funcs)),
    section(7, vec(exports)),
    section(10, vec(bodies)),
  ));
}
