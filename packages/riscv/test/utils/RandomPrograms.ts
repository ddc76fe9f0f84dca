/**
 * Random RV64IMAC programs for differential testing, drawn from a seeded generator (a seed
 * reproduces a program exactly). They mix every integer operation (and the compressed forms),
 * forward branches, bounded loops, calls and returns, direct and indirect jumps (jump tables
 * too), loads and stores of every width into a mapped buffer (misaligned ones, ones crossing into the next page, and ones
 * crossing into a read-only or an unmapped page), AMOs, LR/SC pairs, counter reads, fences,
 * ECALLs, EBREAKs, illegal instructions, accesses through wild pointers, and (in some programs)
 * stores that rewrite an instruction about to run; and the extensions: every F and D operation
 * (every rounding mode, dynamic ones under `frm` values that include the reserved ones), FP loads
 * and stores (compressed too), moves, FP CSR accesses, and every Zba, Zbb and Zbs instruction.
 *
 * Register conventions, so loops stay bounded and memory operations mostly hit the buffer:
 * x1 is the link register, x29/x30 are loop counters, x26 walks through the buffer in strided
 * loops, and x2, x31, x28, x27 point into the buffer (see {@link BASES}); random operations write
 * x3–x25 only.
 */
import * as A from "@zxsim/riscv/Assembler"
import { FP_OPS } from "./FpOps.js"

/** Where the data pages are: two read/write pages, a read-only page, then nothing mapped. */
export const DATA = 0x20_0000
export const PAGE = 4096
/** Bytes of the mapped data (RW, RW, R). */
export const DATA_BYTES = 3 * PAGE

/** Base registers and what they point at. */
export const BASES: ReadonlyArray<readonly [register: number, address: number]> = [
  [2, DATA + 2048], // sp, for the compressed sp-relative forms
  [31, DATA + PAGE], // the boundary between the two read/write pages
  [28, DATA + 2 * PAGE], // read/write below, read-only above
  [27, DATA + 3 * PAGE] // read-only below, unmapped above
]

const FREE_FIRST = 3
const FREE_LAST = 25
const WALKER = 26
const LINK = 1
const LOOP_COUNTERS = [30, 29]

/** A small seeded generator (mulberry32). */
export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed | 0
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n
  }
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }
  chance(p: number): boolean {
    return this.next() / 4294967296 < p
  }
  pick<T>(items: ReadonlyArray<T>): T {
    return items[this.int(items.length)]
  }
  u64(): bigint {
    return (BigInt(this.next()) << 32n) | BigInt(this.next())
  }
}

const EDGES: ReadonlyArray<bigint> = [
  0n,
  1n,
  2n,
  0xffffffffffffffffn,
  0xfffffffffffffffen,
  0x8000000000000000n,
  0x7fffffffffffffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffff80000000n,
  0xffffffffn,
  0x100000000n,
  31n,
  32n,
  63n,
  64n
]

/** The label of the EBREAK that ends a program's main body. */
export const FINAL_LABEL = "final"

/** A generated program and the state it starts from. */
export interface RandomProgram {
  readonly seed: number
  readonly items: A.Program
  /** x0..x31 (x0 is ignored). */
  readonly registers: ReadonlyArray<bigint>
  readonly data: Uint8Array
  /** The budget of each `run` call. */
  readonly budget: number
  /** Whether the program stores into its own code. */
  readonly selfModifying: boolean
  /** f0..f31 (raw bits) and fcsr at the start. */
  readonly fRegisters: ReadonlyArray<bigint>
  readonly fcsr: number
}

type RegisterEncoder = (rd: number, rs1: number, rs2: number) => number
type ImmediateEncoder = (rd: number, rs1: number, imm: number) => number
type MemoryEncoder = (r: number, offset: number, rs1: number) => number
type AmoEncoder = (rd: number, rs2: number, rs1: number, ordering?: A.Ordering) => number

const REGISTER_OPS: ReadonlyArray<RegisterEncoder> = [
  A.add,
  A.sub,
  A.sll,
  A.slt,
  A.sltu,
  A.xor,
  A.srl,
  A.sra,
  A.or,
  A.and,
  A.addw,
  A.subw,
  A.sllw,
  A.srlw,
  A.sraw,
  A.mul,
  A.mulh,
  A.mulhsu,
  A.mulhu,
  A.div,
  A.divu,
  A.rem,
  A.remu,
  A.mulw,
  A.divw,
  A.divuw,
  A.remw,
  A.remuw
]
const IMMEDIATE_OPS: ReadonlyArray<readonly [ImmediateEncoder, number]> = [
  [A.addi, 0],
  [A.slti, 0],
  [A.sltiu, 0],
  [A.xori, 0],
  [A.ori, 0],
  [A.andi, 0],
  [A.addiw, 0],
  [A.slli, 63],
  [A.srli, 63],
  [A.srai, 63],
  [A.slliw, 31],
  [A.srliw, 31],
  [A.sraiw, 31]
]
const LOADS: ReadonlyArray<readonly [MemoryEncoder, number]> = [
  [A.lb, 1],
  [A.lbu, 1],
  [A.lh, 2],
  [A.lhu, 2],
  [A.lw, 4],
  [A.lwu, 4],
  [A.ld, 8]
]
const STORES: ReadonlyArray<readonly [MemoryEncoder, number]> = [[A.sb, 1], [A.sh, 2], [A.sw, 4], [A.sd, 8]]
const AMOS: ReadonlyArray<readonly [AmoEncoder, number]> = [
  [A.amoswapW, 4],
  [A.amoaddW, 4],
  [A.amoxorW, 4],
  [A.amoandW, 4],
  [A.amoorW, 4],
  [A.amominW, 4],
  [A.amomaxW, 4],
  [A.amominuW, 4],
  [A.amomaxuW, 4],
  [A.amoswapD, 8],
  [A.amoaddD, 8],
  [A.amoxorD, 8],
  [A.amoandD, 8],
  [A.amoorD, 8],
  [A.amominD, 8],
  [A.amomaxD, 8],
  [A.amominuD, 8],
  [A.amomaxuD, 8]
]
const BRANCHES = [A.beq, A.bne, A.blt, A.bge, A.bltu, A.bgeu]
const BITMANIP_REGISTER_OPS: ReadonlyArray<RegisterEncoder> = [
  A.addUw,
  A.sh1add,
  A.sh2add,
  A.sh3add,
  A.sh1addUw,
  A.sh2addUw,
  A.sh3addUw,
  A.andn,
  A.orn,
  A.xnor,
  A.min,
  A.minu,
  A.max,
  A.maxu,
  A.rol,
  A.ror,
  A.rolw,
  A.rorw,
  A.bclr,
  A.bext,
  A.binv,
  A.bset
]
const BITMANIP_IMMEDIATE_OPS: ReadonlyArray<readonly [ImmediateEncoder, number]> = [
  [A.slliUw, 63],
  [A.rori, 63],
  [A.roriw, 31],
  [A.bclri, 63],
  [A.bexti, 63],
  [A.binvi, 63],
  [A.bseti, 63]
]
const BITMANIP_UNARY_OPS: ReadonlyArray<(rd: number, rs1: number) => number> = [
  A.clz,
  A.clzw,
  A.ctz,
  A.ctzw,
  A.cpop,
  A.cpopw,
  A.sextB,
  A.sextH,
  A.zextH,
  A.orcB,
  A.rev8
]

const FLOAT_EDGES: ReadonlyArray<number> = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2.5,
  -2.5,
  3,
  1e-310,
  -1e-310,
  2 ** -1022,
  1.7976931348623157e308,
  Infinity,
  -Infinity,
  NaN,
  2 ** 31,
  2 ** 63,
  2 ** 64,
  -(2 ** 63),
  16777217,
  1 / 3,
  2 ** -149,
  3.4028234663852886e38
]
const float64Bits = (x: number): bigint => {
  const v = new DataView(new ArrayBuffer(8))
  v.setFloat64(0, x, true)
  return v.getBigUint64(0, true)
}
const float32Bits = (x: number): bigint => {
  const v = new DataView(new ArrayBuffer(4))
  v.setFloat32(0, x, true)
  return BigInt(v.getUint32(0, true))
}

/** Writes `value` (low 32 bits) into `rd` with exactly two instructions. */
const li32 = (rd: number, value: number): Array<number> => {
  const v = value | 0
  const lo = (v << 20) >> 20
  const hi = ((v - lo) >>> 12) & 0xfffff
  return [A.lui(rd, hi), A.addiw(rd, rd, lo)]
}

/** Generates programs; labels are unique per generator. */
export class Generator {
  private out: Array<A.Item | A.Program> = []
  private functions: Array<A.Program> = []
  private selfModifying = false
  /** Inside this many bodies of compressed branches (short reach). */
  private short = 0

  constructor(private readonly rng: Rng, private readonly labels: { next: number } = { next: 0 }) {}

  private label(): string {
    return `L${this.labels.next++}`
  }

  private free(): number {
    return this.rng.range(FREE_FIRST, FREE_LAST)
  }

  private freePrime(): number {
    return this.rng.range(8, 15)
  }

  private any(): number {
    return this.rng.int(32)
  }

  private emit(...items: ReadonlyArray<A.Item | A.Program>): void {
    for (const item of items) this.out.push(item)
  }

  /** An offset from a base register: mostly near the page boundary it points at. */
  private offset(size: number): number {
    const rng = this.rng
    if (rng.chance(0.5)) return rng.range(-2 * size - 2, size + 1)
    if (rng.chance(0.3)) return rng.range(-256, 256)
    return rng.range(-2048, 2047)
  }

  private base(): number {
    const rng = this.rng
    const r = rng.next() % 100
    if (r < 55) return 31
    if (r < 75) return 28
    if (r < 85) return 27
    if (r < 97) return 2
    // A wild pointer: whatever a free register holds.
    return this.free()
  }

  private memoryOp(): void {
    const rng = this.rng
    if (rng.chance(0.55)) {
      const [op, size] = rng.pick(LOADS)
      this.emit(op(rng.chance(0.05) ? 0 : this.free(), this.offset(size), this.base()))
    } else {
      const [op, size] = rng.pick(STORES)
      this.emit(op(this.any(), this.offset(size), this.base()))
    }
  }

  private compressedMemory(): void {
    const rng = this.rng
    const kind = rng.int(4)
    if (kind === 0) {
      // sp-relative.
      const wide = rng.chance(0.5)
      const uimm = wide ? 8 * rng.int(64) : 4 * rng.int(64)
      if (rng.chance(0.5)) this.emit(wide ? A.C.ldsp(this.free(), uimm) : A.C.lwsp(this.free(), uimm))
      else this.emit(wide ? A.C.sdsp(this.any(), uimm) : A.C.swsp(this.any(), uimm))
      return
    }
    // Point a prime register somewhere in the buffer first.
    const base = this.freePrime()
    const [baseReg] = rng.pick(BASES)
    this.emit(A.addi(base, baseReg, rng.range(-300, 100) & ~3))
    const wide = rng.chance(0.5)
    const uimm = wide ? 8 * rng.int(32) : 4 * rng.int(32)
    const other = this.freePrime()
    if (rng.chance(0.5)) this.emit(wide ? A.C.ld(other, uimm, base) : A.C.lw(other, uimm, base))
    else this.emit(wide ? A.C.sd(other, uimm, base) : A.C.sw(other, uimm, base))
  }

  private alu(): void {
    const rng = this.rng
    if (rng.chance(0.6)) {
      this.emit(rng.pick(REGISTER_OPS)(rng.chance(0.03) ? 0 : this.free(), this.any(), this.any()))
    } else {
      const [op, limit] = rng.pick(IMMEDIATE_OPS)
      const imm = limit > 0
        ? rng.range(0, limit)
        : rng.chance(0.3)
        ? rng.pick([0, 1, -1, 2047, -2048])
        : rng.range(-2048, 2047)
      this.emit(op(rng.chance(0.03) ? 0 : this.free(), this.any(), imm))
    }
  }

  private upper(): void {
    const rng = this.rng
    this.emit(rng.chance(0.5) ? A.lui(this.free(), rng.int(0x100000)) : A.auipc(this.free(), rng.int(0x100000)))
  }

  private compressedAlu(): void {
    const rng = this.rng
    const rd = this.free()
    const p = this.freePrime()
    const q = this.freePrime()
    const imm6 = rng.range(-32, 31)
    switch (rng.int(14)) {
      case 0:
        return this.emit(A.C.addi(rd, imm6))
      case 1:
        return this.emit(A.C.addiw(rd, imm6))
      case 2:
        return this.emit(A.C.li(rd, imm6))
      case 3:
        return this.emit(A.C.lui(rd, imm6 === 0 ? 1 : imm6))
      case 4:
        return this.emit(A.C.slli(rd, rng.int(64)))
      case 5:
        return this.emit(A.C.srli(p, rng.int(64)))
      case 6:
        return this.emit(A.C.srai(p, rng.int(64)))
      case 7:
        return this.emit(A.C.andi(p, imm6))
      case 8:
        return this.emit(A.C.mv(rd, rng.range(1, 31)))
      case 9:
        return this.emit(A.C.add(rd, rng.range(1, 31)))
      case 10:
        return this.emit(rng.pick([A.C.sub, A.C.xor, A.C.or, A.C.and, A.C.subw, A.C.addw])(p, q))
      case 11:
        return this.emit(A.C.nop())
      case 12:
        return this.emit(A.C.addi4spn(p, 4 * rng.range(1, 255)))
      default:
        return this.emit(A.addi(rd, this.any(), rng.range(-2048, 2047)))
    }
  }

  private atomic(): void {
    const rng = this.rng
    const [op, size] = rng.pick(AMOS)
    const address = this.free()
    const [baseReg] = rng.pick(BASES)
    const misaligned = rng.chance(0.05) ? rng.range(1, size - 1) : 0
    this.emit(A.addi(address, baseReg, (rng.range(-64, 64) & ~(size - 1)) + misaligned))
    this.emit(op(rng.chance(0.1) ? 0 : this.free(), this.any(), address, { aq: rng.chance(0.5), rl: rng.chance(0.5) }))
  }

  private lrsc(): void {
    const rng = this.rng
    const wide = rng.chance(0.5)
    const size = wide ? 8 : 4
    const address = this.free()
    const [baseReg] = rng.pick(BASES)
    this.emit(A.addi(address, baseReg, rng.range(-32, 32) & ~(size - 1)))
    const value = this.free()
    if (rng.chance(0.9)) this.emit(wide ? A.lrD(value, address) : A.lrW(value, address))
    if (rng.chance(0.5)) this.emit(A.addi(value, value, rng.range(-8, 8)))
    // Sometimes the SC goes elsewhere (it fails, or faults) or something intervenes.
    if (rng.chance(0.2)) this.emit(A.addi(address, address, rng.pick([size, -size, 1, 0])))
    if (rng.chance(0.1)) this.emit(A.ecall())
    this.emit(wide ? A.scD(this.free(), value, address) : A.scW(this.free(), value, address))
  }

  private forwardBranch(depth: number, inFunction: boolean): void {
    const rng = this.rng
    const skip = this.label()
    const compressed = rng.chance(0.2)
    if (compressed) {
      const r = this.freePrime()
      this.emit(rng.chance(0.5) ? A.C.beqz(r, skip) : A.C.bnez(r, skip))
    } else {
      this.emit(rng.pick(BRANCHES)(this.any(), this.any(), skip))
    }
    // A compressed branch reaches 256 bytes: no jump tables inside.
    if (compressed) this.short++
    this.body(rng.range(1, 4), depth + 1, inFunction)
    if (compressed) this.short--
    this.emit(A.label(skip))
  }

  private forwardJump(): void {
    const rng = this.rng
    const target = this.label()
    const kind = rng.int(3)
    if (kind === 0) this.emit(A.jal(rng.chance(0.5) ? 0 : this.free(), target))
    else if (kind === 1) this.emit(A.C.j(target))
    else {
      // auipc + addi + jalr to just past a few skipped instructions.
      const r = this.free()
      const skipped = rng.range(0, 3)
      this.emit(A.auipc(r, 0), A.addi(r, r, 12 + 4 * skipped), A.jalr(rng.chance(0.5) ? 0 : this.free(), 0, r))
      for (let i = 0; i < skipped; i++) this.emit(A.addi(this.free(), this.any(), rng.range(-100, 100)))
    }
    if (kind !== 2) { for (let i = rng.range(0, 3); i > 0; i--) this.alu() }
    this.emit(A.label(target))
  }

  /**
   * A switch through a jump table: an index from a register (mostly one that changes between loop
   * iterations), `auipc` + `jalr` into a table of jumps to the cases, each case jumping to the join.
   */
  private jumpTable(): void {
    const rng = this.rng
    const cases = rng.pick([2, 4])
    const index = this.free()
    let base = this.free()
    while (base === index) base = this.free()
    const join = this.label()
    const labels = Array.from({ length: cases }, () => this.label())
    const source = rng.chance(0.6) ? rng.pick([...LOOP_COUNTERS, WALKER]) : this.any()
    // auipc at P, add at P + 4, jalr at P + 8: the table starts at P + 12.
    this.emit(A.andi(index, source, cases - 1), A.slli(index, index, 2), A.auipc(base, 0), A.add(base, base, index))
    this.emit(A.jalr(rng.chance(0.8) ? 0 : this.free(), 12, base))
    for (const label of labels) this.emit(A.jal(0, label))
    for (const label of labels) {
      this.emit(A.label(label))
      for (let i = rng.range(0, 3); i > 0; i--) this.alu()
      this.emit(A.jal(0, join))
    }
    this.emit(A.label(join))
  }

  private loop(depth: number, inFunction: boolean): void {
    const rng = this.rng
    const counter = LOOP_COUNTERS[depth]
    const head = this.label()
    this.emit(A.addi(counter, 0, rng.range(1, depth === 0 ? 24 : 6)), A.label(head))
    this.body(rng.range(2, 10), depth + 1, inFunction)
    this.emit(A.addi(counter, counter, -1))
    this.emit(A.bne(counter, 0, head))
  }

  /** A loop walking x26 through the buffer with a stride, so one access sees many pages and alignments. */
  private walk(depth: number, inFunction: boolean): void {
    const rng = this.rng
    const counter = LOOP_COUNTERS[depth]
    const head = this.label()
    const [baseReg] = rng.pick(BASES)
    const stride = rng.pick([1, 2, 3, 4, 5, 7, 8, 16, -1, -3, -8])
    this.emit(A.addi(WALKER, baseReg, -stride * rng.range(0, 8) + rng.range(-8, 8)))
    this.emit(A.addi(counter, 0, rng.range(2, 16)), A.label(head))
    for (let i = rng.range(1, 2); i > 0; i--) {
      if (rng.chance(0.6)) {
        const [op, size] = rng.pick(LOADS)
        this.emit(op(this.free(), rng.range(-size, size), WALKER))
      } else {
        const [op, size] = rng.pick(STORES)
        this.emit(op(this.any(), rng.range(-size, size), WALKER))
      }
    }
    this.body(rng.range(0, 4), depth + 1, inFunction)
    this.emit(A.addi(WALKER, WALKER, stride), A.addi(counter, counter, -1), A.bne(counter, 0, head))
  }

  private call(): void {
    const name = this.label()
    const direct = this.rng.chance(0.8)
    if (direct) this.emit(A.jal(LINK, name))
    else this.emit(A.auipc(LINK, 0), A.jal(0, `${name}_via`))
    const fn = new Generator(this.rng, this.labels)
    fn.body(this.rng.range(2, 10), 2, true)
    this.functions.push([A.label(name), ...fn.out, this.rng.chance(0.7) ? A.ret() : A.C.jr(LINK)])
    // The auipc form goes through a trampoline that makes the link the address after the jal.
    if (!direct) this.functions.push([A.label(`${name}_via`), A.addi(LINK, LINK, 8), A.jal(0, name)])
  }

  private selfModify(): void {
    // auipc r, 0; lui+addiw v, <new instruction>; sw v, 20(r); fence.i or a filler; then the
    // instruction replaced.
    const rng = this.rng
    const r = this.free()
    let v = this.free()
    while (v === r) v = this.free()
    const replacement = rng.chance(0.8)
      ? A.addi(this.free(), this.any(), rng.range(-2048, 2047))
      : rng.pick([A.ebreak(), 0xffffffff, A.ecall()])
    this.emit(A.auipc(r, 0), li32(v, replacement), A.sw(v, 20, r))
    if (rng.chance(0.5)) this.emit(A.fenceI())
    else this.emit(A.addi(this.free(), this.any(), 0))
    this.emit(A.xori(this.free(), this.any(), rng.range(-2048, 2047)))
    this.selfModifying = true
  }

  private bitManipulation(): void {
    const rng = this.rng
    const rd = rng.chance(0.03) ? 0 : this.free()
    const kind = rng.int(3)
    if (kind === 0) this.emit(rng.pick(BITMANIP_REGISTER_OPS)(rd, this.any(), this.any()))
    else if (kind === 1) {
      const [op, limit] = rng.pick(BITMANIP_IMMEDIATE_OPS)
      this.emit(op(rd, this.any(), rng.range(0, limit)))
    } else this.emit(rng.pick(BITMANIP_UNARY_OPS)(rd, this.any()))
  }

  /** An F or D instruction: arithmetic, conversions, moves, loads and stores, or an FP CSR access. */
  private floatingPoint(): void {
    const rng = this.rng
    const r = rng.int(100)
    const f = () => rng.int(32)
    if (r < 60) {
      const op = rng.pick(FP_OPS)
      // Mostly dynamic, sometimes a static mode, rarely a reserved one (illegal).
      const rm = rng.chance(0.4) ? A.Rm.DYN : rng.chance(0.97) ? rng.int(5) : rng.pick([5, 6])
      const rd = op.result === "f" ? f() : rng.chance(0.03) ? 0 : this.free()
      const sources = op.sources.map((k) => (k === "f" ? f() : this.any()))
      this.emit(op.encode(rd, sources[0] ?? 0, sources[1] ?? 0, sources[2] ?? 0, op.rounds ? rm : 0))
      return
    }
    if (r < 75) {
      const wide = rng.chance(0.5)
      const size = wide ? 8 : 4
      if (rng.chance(0.5)) this.emit((wide ? A.fld : A.flw)(f(), this.offset(size), this.base()))
      else this.emit((wide ? A.fsd : A.fsw)(f(), this.offset(size), this.base()))
      return
    }
    if (r < 80) {
      if (rng.chance(0.5)) {
        const uimm = 8 * rng.int(64)
        this.emit(rng.chance(0.5) ? A.C.fldsp(f(), uimm) : A.C.fsdsp(f(), uimm))
        return
      }
      const base = this.freePrime()
      const [baseReg] = rng.pick(BASES)
      this.emit(A.addi(base, baseReg, rng.range(-300, 100) & ~7))
      const uimm = 8 * rng.int(32)
      this.emit(rng.chance(0.5) ? A.C.fld(rng.range(8, 15), uimm, base) : A.C.fsd(rng.range(8, 15), uimm, base))
      return
    }
    if (r < 90) {
      const moves = [A.fmvDX, A.fmvWX]
      const reads = [A.fmvXD, A.fmvXW]
      if (rng.chance(0.5)) this.emit(rng.pick(moves)(f(), this.any()))
      else this.emit(rng.pick(reads)(rng.chance(0.05) ? 0 : this.free(), f()))
      return
    }
    // FP CSRs: fflags, frm, fcsr, every form; frm may become a reserved value.
    const csr = rng.range(1, 3)
    const rd = rng.chance(0.2) ? 0 : this.free()
    switch (rng.int(6)) {
      case 0:
        return this.emit(A.csrrw(rd, csr, this.any()))
      case 1:
        return this.emit(A.csrrs(rd, csr, rng.chance(0.5) ? 0 : this.any()))
      case 2:
        return this.emit(A.csrrc(rd, csr, rng.chance(0.5) ? 0 : this.any()))
      case 3:
        return this.emit(A.csrrwi(rd, csr, rng.chance(0.8) && csr === 2 ? rng.int(5) : rng.int(32)))
      case 4:
        return this.emit(A.csrrsi(rd, csr, rng.int(32)))
      default:
        return this.emit(A.csrrci(rd, csr, rng.int(32)))
    }
  }

  /** `n` random items at loop depth `depth`. */
  body(n: number, depth: number, inFunction: boolean): void {
    const rng = this.rng
    for (let i = 0; i < n; i++) {
      const r = rng.next() % 1000
      if (r < 260) this.alu()
      else if (r < 300) this.upper()
      else if (r < 400) this.compressedAlu()
      else if (r < 560) this.memoryOp()
      else if (r < 610) this.compressedMemory()
      else if (r < 650) this.atomic()
      else if (r < 670) this.lrsc()
      else if (r < 730) depth < 3 ? this.forwardBranch(depth, inFunction) : this.alu()
      else if (r < 755) depth < 2 && !inFunction ? this.loop(depth, inFunction) : this.alu()
      else if (r < 770) depth < 2 && !inFunction ? this.walk(depth, inFunction) : this.alu()
      else if (r < 800) !inFunction ? this.call() : this.alu()
      else if (r < 830) this.forwardJump()
      else if (r < 845) this.emit(A.ecall())
      else if (r < 870) this.emit(rng.pick([A.rdcycle, A.rdtime, A.rdinstret])(rng.chance(0.1) ? 0 : this.free()))
      else if (r < 880) this.emit(rng.chance(0.5) ? A.fence() : A.fenceI())
      else if (r < 884) this.emit(rng.chance(0.5) ? A.ebreak() : A.C.ebreak())
      else if (r < 888) this.emit(rng.chance(0.5) ? 0xffffffff : { _tag: "Half", bits: 0 })
      else if (r < 900 && this.allowSelfModifying) this.selfModify()
      else if (r >= 900 && r < 960) this.floatingPoint()
      else if (r >= 960 && r < 985) this.bitManipulation()
      else if (r >= 985 && r < 995 && this.short === 0) this.jumpTable()
      else this.alu()
    }
  }

  private allowSelfModifying = false

  /** A whole program: `main` body, a final EBREAK, then the functions it calls. */
  program(seed: number): RandomProgram {
    const rng = this.rng
    this.allowSelfModifying = rng.chance(0.05)
    this.body(rng.range(10, 60), 0, false)
    const items: A.Program = [...this.out, A.label(FINAL_LABEL), A.ebreak(), ...this.functions]
    const registers: Array<bigint> = []
    for (let i = 0; i < 32; i++) {
      registers.push(rng.chance(0.3) ? rng.pick(EDGES) : rng.chance(0.3) ? BigInt(rng.range(-100, 100)) : rng.u64())
    }
    registers[0] = 0n
    registers[LINK] = 0n
    for (const c of LOOP_COUNTERS) registers[c] = 0n
    for (const [r, address] of BASES) registers[r] = BigInt(address)
    const data = new Uint8Array(DATA_BYTES)
    for (let i = 0; i < DATA_BYTES; i += 4) {
      const v = rng.next()
      data[i] = v
      data[i + 1] = v >>> 8
      data[i + 2] = v >>> 16
      data[i + 3] = v >>> 24
    }
    const budget = rng.chance(0.75) ? 100_000 : rng.pick([1, 2, 3, 5, 17, 40, 100, 300, 1000])
    const fRegisters: Array<bigint> = []
    for (let i = 0; i < 32; i++) {
      const roll = rng.int(10)
      if (roll < 4) fRegisters.push(float64Bits(rng.pick(FLOAT_EDGES)))
      else if (roll < 7) fRegisters.push(0xffffffff00000000n | float32Bits(rng.pick(FLOAT_EDGES)))
      else if (roll < 8) fRegisters.push(0xffffffff00000000n | BigInt(rng.next()))
      else fRegisters.push(rng.u64())
    }
    const fcsr = rng.chance(0.8) ? rng.int(5) << 5 : rng.int(256)
    return { seed, items, registers, data, budget, selfModifying: this.selfModifying, fRegisters, fcsr }
  }
}

/** The program for `seed`. */
export const randomProgram = (seed: number): RandomProgram => new Generator(new Rng(seed)).program(seed)
