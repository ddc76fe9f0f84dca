/**
 * A small WebAssembly binary encoder: just what the JIT emits (one memory, one table, imported
 * helpers, functions over i32/i64). A growable byte buffer with LEB128 writers, the opcodes by
 * name, and the module layout (sections in the order the format requires).
 *
 * Why our own: the JIT emits a few kilobytes per region and compiles synchronously, so the encoder
 * must cost less than V8's own compile; a library would add a dependency and an intermediate tree.
 * Measured on this machine: encoding is a few percent of `new WebAssembly.Module` (Liftoff).
 * @internal
 */

/** Value types. */
export const I32 = 0x7f
export const I64 = 0x7e
export const F64 = 0x7c
/** The empty block type. */
export const VOID = 0x40

/** Opcodes the JIT uses. */
export const Opcode = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  returnCallIndirect: 0x13,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i64Load8S: 0x30,
  i64Load8U: 0x31,
  i64Load16S: 0x32,
  i64Load16U: 0x33,
  i64Load32S: 0x34,
  i64Load32U: 0x35,
  f64Load: 0x2b,
  i32Store: 0x36,
  i64Store: 0x37,
  f64Store: 0x39,
  i64Store8: 0x3c,
  i64Store16: 0x3d,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GtS: 0x55,
  i64GtU: 0x56,
  i64LeU: 0x58,
  i64GeS: 0x59,
  i64GeU: 0x5a,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivS: 0x6d,
  i32DivU: 0x6e,
  i32RemS: 0x6f,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64DivS: 0x7f,
  i64DivU: 0x80,
  i64RemS: 0x81,
  i64RemU: 0x82,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Min: 0xa4,
  f64Max: 0xa5,
  i32WrapI64: 0xa7,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i64Extend32S: 0xc4
} as const

/** A growable byte buffer with the LEB128 writers of the binary format. */
export class Bytes {
  buf: Uint8Array<ArrayBuffer>
  length = 0

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity)
  }

  private grow(extra: number): void {
    let size = this.buf.length * 2
    while (size < this.length + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow(1)
    this.buf[this.length++] = b
  }

  /** Two bytes (an opcode and a one-byte operand). */
  byte2(a: number, b: number): void {
    if (this.length + 2 > this.buf.length) this.grow(2)
    this.buf[this.length++] = a
    this.buf[this.length++] = b
  }

  append(other: Bytes): void {
    if (this.length + other.length > this.buf.length) this.grow(other.length)
    this.buf.set(other.buf.subarray(0, other.length), this.length)
    this.length += other.length
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(value: number): void {
    let v = value >>> 0
    for (;;) {
      const b = v & 0x7f
      v >>>= 7
      if (v === 0) {
        this.byte(b)
        return
      }
      this.byte(b | 0x80)
    }
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(value: number): void {
    let v = value | 0
    for (;;) {
      const b = v & 0x7f
      v >>= 7
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b)
        return
      }
      this.byte(b | 0x80)
    }
  }

  /** Signed LEB128 of the 64-bit integer whose halves are `lo` and `hi` (two's complement). */
  s64(lo: number, hi: number): void {
    // Fits in 32 bits (sign-extended): the short form.
    if ((hi | 0) === (lo | 0) >> 31) {
      this.s32(lo)
      return
    }
    let l = lo >>> 0
    let h = hi | 0
    for (;;) {
      const b = l & 0x7f
      // Shift the 64-bit pair right by 7, arithmetic.
      l = ((l >>> 7) | (h << 25)) >>> 0
      h >>= 7
      const done = (h === 0 && l === 0 && (b & 0x40) === 0) || (h === -1 && l === 0xffffffff && (b & 0x40) !== 0)
      if (done) {
        this.byte(b)
        return
      }
      this.byte(b | 0x80)
    }
  }

  /** A 64-bit float, little-endian (the operand of `f64.const`). */
  f64(value: number): void {
    if (this.length + 8 > this.buf.length) this.grow(8)
    new DataView(this.buf.buffer).setFloat64(this.length, value, true)
    this.length += 8
  }

  /** A name (UTF-8 is not needed: ASCII only). */
  name(s: string): void {
    this.u32(s.length)
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i))
  }

  /** The bytes written so far (a copy). */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length)
  }
}

/** A function type: parameter and result value types. */
export interface FuncType {
  readonly params: ReadonlyArray<number>
  readonly results: ReadonlyArray<number>
}

/** An imported function. */
export interface FuncImport {
  readonly module: string
  readonly name: string
  readonly type: number
}

/** A defined function: its type, its locals after the parameters (as runs of one type), its body. */
export interface FuncDef {
  readonly type: number
  readonly locals: ReadonlyArray<readonly [count: number, type: number]>
  /** The body's instructions, without the final `end`. */
  readonly body: Bytes
}

/** What a module is made of. */
export interface ModuleSpec {
  readonly types: ReadonlyArray<FuncType>
  /** Imports in order: memory `env.memory`, table `env.table` (funcref), then these functions. */
  readonly funcImports: ReadonlyArray<FuncImport>
  readonly funcs: ReadonlyArray<FuncDef>
  /** Exported functions: name and function index (imports first). */
  readonly exports: ReadonlyArray<readonly [string, number]>
}

const section = (out: Bytes, id: number, content: Bytes): void => {
  out.byte(id)
  out.u32(content.length)
  out.append(content)
}

/** Encodes a module that imports `env.memory` and `env.table`. */
export const encodeModule = (spec: ModuleSpec): Uint8Array<ArrayBuffer> => {
  let bodySize = 0
  for (const f of spec.funcs) bodySize += f.body.length + 16
  const out = new Bytes(bodySize + 512)
  // Magic and version.
  out.byte2(0x00, 0x61)
  out.byte2(0x73, 0x6d)
  out.byte2(0x01, 0x00)
  out.byte2(0x00, 0x00)

  const types = new Bytes()
  types.u32(spec.types.length)
  for (const t of spec.types) {
    types.byte(0x60)
    types.u32(t.params.length)
    for (const p of t.params) types.byte(p)
    types.u32(t.results.length)
    for (const r of t.results) types.byte(r)
  }
  section(out, 1, types)

  const imports = new Bytes()
  imports.u32(2 + spec.funcImports.length)
  imports.name("env")
  imports.name("memory")
  imports.byte(0x02) // memory
  imports.byte(0x00) // limits: min only
  imports.u32(0)
  imports.name("env")
  imports.name("table")
  imports.byte(0x01) // table
  imports.byte(0x70) // funcref
  imports.byte(0x00)
  imports.u32(0)
  for (const f of spec.funcImports) {
    imports.name(f.module)
    imports.name(f.name)
    imports.byte(0x00)
    imports.u32(f.type)
  }
  section(out, 2, imports)

  const funcs = new Bytes()
  funcs.u32(spec.funcs.length)
  for (const f of spec.funcs) funcs.u32(f.type)
  section(out, 3, funcs)

  const exports = new Bytes()
  exports.u32(spec.exports.length)
  for (const [name, index] of spec.exports) {
    exports.name(name)
    exports.byte(0x00)
    exports.u32(index)
  }
  section(out, 7, exports)

  const code = new Bytes(bodySize + 16)
  code.u32(spec.funcs.length)
  const entry = new Bytes(64)
  for (const f of spec.funcs) {
    entry.length = 0
    entry.u32(f.locals.length)
    for (const [count, type] of f.locals) {
      entry.u32(count)
      entry.byte(type)
    }
    code.u32(entry.length + f.body.length + 1)
    code.append(entry)
    code.append(f.body)
    code.byte(Opcode.end)
  }
  section(out, 10, code)
  return out.toBytes()
}
