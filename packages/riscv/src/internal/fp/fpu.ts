/**
 * The F and D execution unit of the interpreter: every floating-point instruction but the loads
 * and stores, and the FP CSRs, on the FP registers and `fcsr` where the register file keeps them
 * (`f0`–`f31` at 512, `fcsr` at 768), so they are per-thread state that survives time slices and
 * moves between the interpreter and the JIT.
 *
 * Exactness: a result is always the IEEE result rounded once in the instruction's rounding mode,
 * with `fflags` accrued exactly. The fast paths use host doubles — JavaScript arithmetic is IEEE
 * binary64 round-to-nearest-even, and binary32 results come from rounding the double result
 * again (`Math.fround`), which is exact for +, −, ×, ÷ and √ because binary64 has more than
 * 2·24 + 2 bits — and recover the exact error with error-free transformations (TwoSum, Dekker's
 * product, the exact remainder of a quotient or square root). The error's sign (and, for ties,
 * its size) moves the nearest result to the neighbour each directed mode wants and decides NX.
 * They only take results well inside the normal range, where no underflow or overflow can
 * happen; the double FMA's fast path (Boldo and Melquiond's emulation) is round-to-nearest only.
 * Everything else (NaNs, infinities, zeros that need the mode's sign, subnormal, overflowing or
 * tiny results) goes to `softfloat.ts`, which computes with exact integers.
 * Single-precision values are NaN-boxed: a 32-bit value whose upper 32 register bits are not all
 * ones reads as the canonical NaN.
 * @internal
 */
import { Op } from "../../Decoder.js"
import * as Soft from "./softfloat.js"

const Flag = Soft.Flag
const F32 = Soft.F32
const F64 = Soft.F64

/** Offsets in the register file, in int32 slots. */
const F_SLOT = 512 >>> 2
const FCSR_SLOT = 768 >>> 2

const TWO_32 = 4294967296
/** Results at least this large (and below {@link SAFE_HIGH}) keep error-free transformations exact. */
const SAFE_LOW = 2 ** -968
/** Operands below this can be split (Veltkamp) without overflow. */
const SAFE_HIGH = 2 ** 995
const MIN_NORMAL_64 = 2 ** -1022
const MIN_NORMAL_32 = 2 ** -126
const MAX_DOUBLE_SAFE = 2 ** 1023
const SPLIT = 134217729 // 2^27 + 1

const scratch = new ArrayBuffer(8)
const f64 = new Float64Array(scratch)
const f32 = new Float32Array(scratch)
const s32 = new Int32Array(scratch)

/** The canonical NaNs' bits. */
const NAN32 = 0x7fc00000
const NAN64_HI = 0x7ff80000

/** The largest finite single. */
const MAX_FLOAT = 3.4028234663852886e38

/** The double next to `x` (finite, nonzero) in direction `dir` (1 up, -1 down). */
const step64 = (x: number, dir: number): number => {
  f64[0] = x
  if ((dir > 0) === (x > 0)) {
    s32[0] = (s32[0] + 1) | 0
    if (s32[0] === 0) s32[1] = (s32[1] + 1) | 0
  } else {
    if (s32[0] === 0) s32[1] = (s32[1] - 1) | 0
    s32[0] = (s32[0] - 1) | 0
  }
  return f64[0]
}

/** The single next to the single `x` (finite, nonzero) in direction `dir`. */
const step32 = (x: number, dir: number): number => {
  f32[0] = x
  s32[0] = (dir > 0) === (x > 0) ? s32[0] + 1 : s32[0] - 1
  return f32[0]
}

/** Dekker's product error: `a * b - RN(a * b)` exactly (both split without overflow). */
const productError = (a: number, b: number, p: number): number => {
  let c = SPLIT * a
  const ah = c - (c - a)
  const al = a - ah
  c = SPLIT * b
  const bh = c - (c - b)
  const bl = b - bh
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

/** Knuth's TwoSum error: `a + b - s` exactly, where s = RN(a + b). */
const sumError = (a: number, b: number, s: number): number => {
  const bb = s - a
  return (a - (s - bb)) + (b - bb)
}

/** `((-1)^sign) * magnitude` for 64-bit (hi:lo) as a bigint magnitude and sign. */
const magnitude64 = (lo: number, hi: number, signed: boolean): { sign: number; magnitude: bigint } => {
  const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
  if (signed && hi < 0) return { sign: 1, magnitude: (1n << 64n) - value }
  return { sign: 0, magnitude: value }
}

/** Rounds a double to an integer (exactly) in mode `rm`. */
const roundToInteger = (x: number, rm: number): number => {
  if (!(Math.abs(x) < 4503599627370496)) return x // |x| >= 2^52 (or not finite): already integral
  switch (rm) {
    case Soft.Rm.RTZ:
      return Math.trunc(x)
    case Soft.Rm.RDN:
      return Math.floor(x)
    case Soft.Rm.RUP:
      return Math.ceil(x)
    default: {
      const f = Math.floor(x)
      const frac = x - f
      if (frac > 0.5) return f + 1
      if (frac < 0.5) return f
      if (rm === Soft.Rm.RMM) return x < 0 ? f : f + 1
      return f % 2 === 0 ? f : f + 1
    }
  }
}

/** The FP unit; one per interpreter. */
export class Fpu {
  /** The physical memory as int32, refreshed by the interpreter before every call. */
  i32: Int32Array<ArrayBufferLike> = new Int32Array(0)
  /** The same memory as float64 (the register file is 8-byte aligned). */
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0)
  /** Int32 index of the running thread's register file. */
  base = 0

  /** Points the unit at the memory (as the interpreter's int32 view) and a register file. */
  attach(i32: Int32Array, registers: number): void {
    if (this.i32 !== i32) {
      this.i32 = i32
      this.f64 = new Float64Array(i32.buffer)
    }
    this.base = registers >>> 2
  }

  // ---- register access ------------------------------------------------------------------------

  private readD(reg: number): number {
    return this.f64[((this.base + F_SLOT) >>> 1) + reg]
  }

  private readDBits(reg: number): bigint {
    const i = this.base + F_SLOT + 2 * reg
    return (BigInt(this.i32[i + 1] >>> 0) << 32n) | BigInt(this.i32[i] >>> 0)
  }

  /** The NaN-boxed single in `reg` as its 32 bits (the canonical NaN if improperly boxed). */
  private readSRaw(reg: number): number {
    const i = this.base + F_SLOT + 2 * reg
    return this.i32[i + 1] === -1 ? this.i32[i] : NAN32
  }

  private readS(reg: number): number {
    s32[0] = this.readSRaw(reg)
    return f32[0]
  }

  private readSBits(reg: number): bigint {
    return BigInt(this.readSRaw(reg) >>> 0)
  }

  /** Writes a double that is not a NaN (NaNs are written by their bits). */
  private writeD(reg: number, value: number): void {
    this.f64[((this.base + F_SLOT) >>> 1) + reg] = value
  }

  private writeRawD(reg: number, lo: number, hi: number): void {
    const i = this.base + F_SLOT + 2 * reg
    this.i32[i] = lo
    this.i32[i + 1] = hi
  }

  private writeDBits(reg: number, bits: bigint): void {
    this.writeRawD(reg, Number(bits & 0xffffffffn) | 0, Number(bits >> 32n) | 0)
  }

  /** Writes a single (its 32 bits), NaN-boxed. */
  private writeRawS(reg: number, bits: number): void {
    const i = this.base + F_SLOT + 2 * reg
    this.i32[i] = bits
    this.i32[i + 1] = -1
  }

  private writeS(reg: number, value: number): void {
    f32[0] = value
    this.writeRawS(reg, s32[0])
  }

  private writeSBits(reg: number, bits: bigint): void {
    this.writeRawS(reg, Number(bits) | 0)
  }

  private raise(flags: number): void {
    this.i32[this.base + FCSR_SLOT] |= flags
  }

  /** Runs a softfloat operation's flags into fflags. */
  private soft(): void {
    if (Soft.status.flags !== 0) this.raise(Soft.status.flags)
    Soft.status.flags = 0
  }

  /** The rounding mode of an instruction's `rm` field, or -1 when it (or `frm`) is reserved. */
  private roundingMode(rm: number): number {
    if (rm !== 7) return rm
    const frm = (this.i32[this.base + FCSR_SLOT] >>> 5) & 7
    return frm <= 4 ? frm : -1
  }

  // ---- rounding from an error-free result ------------------------------------------------------

  /**
   * The double in mode `rm` for an inexact exact value `r + err`, where `r` is its
   * round-to-nearest-even result, well inside the normal range, and `err` the exact error (or
   * just its sign, as ±MIN_VALUE, when the value cannot be halfway between doubles). Raises NX.
   */
  private inexact64(r: number, err: number, rm: number): number {
    this.raise(Flag.NX)
    if (rm === Soft.Rm.RNE) return r
    const towardErr = step64(r, err > 0 ? 1 : -1)
    switch (rm) {
      case Soft.Rm.RTZ:
        return (err > 0) !== (r > 0) ? towardErr : r
      case Soft.Rm.RDN:
        return err < 0 ? towardErr : r
      case Soft.Rm.RUP:
        return err > 0 ? towardErr : r
      default:
        // RMM differs from RNE only on a tie that RNE broke toward zero.
        return 2 * err === towardErr - r && (err > 0) === (r > 0) ? towardErr : r
    }
  }

  /**
   * The single in mode `rm` for the exact value `d + e` (`d` a double, `e` its exact error, 0 if
   * `d` is exact), whose single rounding lies well inside the normal range. Raises NX.
   */
  private round32(d: number, e: number, rm: number): number {
    const r = Math.fround(d)
    const dr = d - r
    if (dr === 0 && e === 0) return r
    this.raise(Flag.NX)
    const side = dr !== 0 ? (dr > 0 ? 1 : -1) : e > 0 ? 1 : -1
    const next = step32(r, side)
    // Where the exact value lies between r and next: before (-1), past (1) or on (0) the midpoint.
    // fround(d) is the nearest single to d, so |dr| is at most half the gap.
    const position = 2 * dr !== next - r ? -1 : e === 0 ? 0 : (e > 0) === (side > 0) ? 1 : -1
    switch (rm) {
      case Soft.Rm.RNE:
        // On a tie fround(d) already chose the even one.
        return position > 0 ? next : r
      case Soft.Rm.RMM:
        return position > 0 || (position === 0 && Math.abs(next) > Math.abs(r)) ? next : r
      case Soft.Rm.RTZ:
        return (side > 0) !== (r > 0) ? next : r
      case Soft.Rm.RDN:
        return side < 0 ? next : r
      default:
        return side > 0 ? next : r
    }
  }

  /**
   * The single in mode `rm` when `r` is the round-to-nearest-even result of an inexact value
   * on `side` of it that is never halfway between singles (quotients, square roots). Raises NX.
   */
  private side32(r: number, side: number, rm: number): number {
    this.raise(Flag.NX)
    switch (rm) {
      case Soft.Rm.RNE:
      case Soft.Rm.RMM:
        return r
      case Soft.Rm.RTZ:
        return (side > 0) !== (r > 0) ? step32(r, side) : r
      case Soft.Rm.RDN:
        return side < 0 ? step32(r, side) : r
      default:
        return side > 0 ? step32(r, side) : r
    }
  }

  // ---- CSRs ------------------------------------------------------------------------------------

  /**
   * `fflags`, `frm` or `fcsr` (csr 1, 2, 3) with the CSR instruction `op`: `source` is the value
   * rs1 or the immediate gives, `writes` whether the instruction writes (CSRRW always; CSRRS and
   * CSRRC unless rs1 = x0 / uimm = 0). Returns the old value.
   */
  csr(op: number, csr: number, source: number, writes: boolean): number {
    const slot = this.base + FCSR_SLOT
    const fcsr = this.i32[slot] & 0xff
    const shift = csr === 2 ? 5 : 0
    const mask = csr === 1 ? 0x1f : csr === 2 ? 0x7 : 0xff
    const old = (fcsr >>> shift) & mask
    if (writes) {
      let value = source & mask
      if (op === Op.CSRRS || op === Op.CSRRSI) value = old | value
      else if (op === Op.CSRRC || op === Op.CSRRCI) value = old & ~value
      this.i32[slot] = (fcsr & ~(mask << shift)) | (value << shift)
    }
    return old
  }

  // ---- execution -------------------------------------------------------------------------------

  /**
   * Executes the FP operation `op` (not a load or store) with `imm` as the decoder gave it.
   * Integer registers are `x` (32-bit halves, `2 * reg` indexing; `d` may be the x0 sink) and
   * `d`, `a`, `b` the doubled register numbers. Returns false when the rounding mode is reserved
   * (an illegal instruction; nothing was changed).
   */
  exec(op: number, imm: number, d: number, a: number, b: number, x: Int32Array): boolean {
    const rd = (d >>> 1) & 31
    const rs1 = a >>> 1
    const rs2 = b >>> 1
    switch (op) {
      case Op.FADD_D:
      case Op.FSUB_D: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readD(rs1)
        const q = op === Op.FSUB_D ? -this.readD(rs2) : this.readD(rs2)
        const s = p + q
        const m = Math.abs(s)
        if (m > MIN_NORMAL_64 && m < MAX_DOUBLE_SAFE) {
          const err = sumError(p, q, s)
          this.writeD(rd, err === 0 ? s : this.inexact64(s, err, rm))
          return true
        }
        // An exact zero sum of finite operands: +0 (or -0 for -0 + -0) except in RDN.
        if (s === 0 && p === -q && rm !== Soft.Rm.RDN) {
          this.writeD(rd, s)
          return true
        }
        this.writeDBits(rd, Soft.add(F64, this.readDBits(rs1), this.readDBits(rs2), op === Op.FSUB_D, rm))
        this.soft()
        return true
      }
      case Op.FADD_S:
      case Op.FSUB_S: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readS(rs1)
        const q = op === Op.FSUB_S ? -this.readS(rs2) : this.readS(rs2)
        const s = p + q
        const m = Math.abs(Math.fround(s))
        if (m > MIN_NORMAL_32 && m < MAX_FLOAT) {
          this.writeS(rd, this.round32(s, sumError(p, q, s), rm))
          return true
        }
        if (s === 0 && p === -q && rm !== Soft.Rm.RDN) {
          this.writeS(rd, s)
          return true
        }
        this.writeSBits(rd, Soft.add(F32, this.readSBits(rs1), this.readSBits(rs2), op === Op.FSUB_S, rm))
        this.soft()
        return true
      }
      case Op.FMUL_D: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readD(rs1)
        const q = this.readD(rs2)
        const s = p * q
        const m = Math.abs(s)
        if (m >= SAFE_LOW && m < MAX_DOUBLE_SAFE && Math.abs(p) < SAFE_HIGH && Math.abs(q) < SAFE_HIGH) {
          const err = productError(p, q, s)
          this.writeD(rd, err === 0 ? s : this.inexact64(s, err, rm))
          return true
        }
        this.writeDBits(rd, Soft.mul(F64, this.readDBits(rs1), this.readDBits(rs2), rm))
        this.soft()
        return true
      }
      case Op.FMUL_S: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        // The product of two singles is exact in a double.
        const s = this.readS(rs1) * this.readS(rs2)
        const m = Math.abs(Math.fround(s))
        if (m > MIN_NORMAL_32 && m < MAX_FLOAT) {
          this.writeS(rd, this.round32(s, 0, rm))
          return true
        }
        this.writeSBits(rd, Soft.mul(F32, this.readSBits(rs1), this.readSBits(rs2), rm))
        this.soft()
        return true
      }
      case Op.FDIV_D: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readD(rs1)
        const q = this.readD(rs2)
        const s = p / q
        const m = Math.abs(s)
        const mp = Math.abs(p)
        const mq = Math.abs(q)
        if (m >= SAFE_LOW && m < SAFE_HIGH && mp >= SAFE_LOW && mp < SAFE_HIGH && mq >= SAFE_LOW && mq < SAFE_HIGH) {
          // The remainder p - s*q is a double, computed exactly; the exact quotient is s + rem/q
          // (never halfway between doubles).
          const ph = s * q
          const rem = (p - ph) - productError(s, q, ph)
          this.writeD(
            rd,
            rem === 0 ? s : this.inexact64(s, (rem > 0) === (q > 0) ? Number.MIN_VALUE : -Number.MIN_VALUE, rm)
          )
          return true
        }
        this.writeDBits(rd, Soft.div(F64, this.readDBits(rs1), this.readDBits(rs2), rm))
        this.soft()
        return true
      }
      case Op.FDIV_S: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readS(rs1)
        const q = this.readS(rs2)
        const r = Math.fround(p / q)
        const m = Math.abs(r)
        if (m > MIN_NORMAL_32 && m < MAX_FLOAT && q !== 0 && Math.abs(q) < Infinity) {
          // r * q is exact in a double, and so is p - r * q: its sign gives the exact quotient's side.
          const rem = p - r * q
          this.writeS(rd, rem === 0 ? r : this.side32(r, (rem > 0) === (q > 0) ? 1 : -1, rm))
          return true
        }
        this.writeSBits(rd, Soft.div(F32, this.readSBits(rs1), this.readSBits(rs2), rm))
        this.soft()
        return true
      }
      case Op.FSQRT_D: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readD(rs1)
        if (p >= SAFE_LOW && p < SAFE_HIGH) {
          const s = Math.sqrt(p)
          const ph = s * s
          const rem = (p - ph) - productError(s, s, ph)
          this.writeD(rd, rem === 0 ? s : this.inexact64(s, rem > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE, rm))
          return true
        }
        this.writeDBits(rd, Soft.sqrt(F64, this.readDBits(rs1), rm))
        this.soft()
        return true
      }
      case Op.FSQRT_S: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const p = this.readS(rs1)
        if (p > 0 && p < Infinity) {
          const r = Math.fround(Math.sqrt(p))
          const rem = p - r * r
          this.writeS(rd, rem === 0 ? r : this.side32(r, rem > 0 ? 1 : -1, rm))
          return true
        }
        this.writeSBits(rd, Soft.sqrt(F32, this.readSBits(rs1), rm))
        this.soft()
        return true
      }
      case Op.FMADD_S:
      case Op.FMSUB_S:
      case Op.FNMSUB_S:
      case Op.FNMADD_S:
        return this.fmaS(op, imm, rd, rs1, rs2)
      case Op.FMADD_D:
      case Op.FMSUB_D:
      case Op.FNMSUB_D:
      case Op.FNMADD_D:
        return this.fmaD(op, imm, rd, rs1, rs2)

      case Op.FSGNJ_S:
      case Op.FSGNJN_S:
      case Op.FSGNJX_S: {
        const p = this.readSRaw(rs1)
        const q = this.readSRaw(rs2)
        const sign = op === Op.FSGNJ_S ? q : op === Op.FSGNJN_S ? ~q : p ^ q
        this.writeRawS(rd, (p & 0x7fffffff) | (sign & 0x80000000))
        return true
      }
      case Op.FSGNJ_D:
      case Op.FSGNJN_D:
      case Op.FSGNJX_D: {
        const i = this.base + F_SLOT
        const lo = this.i32[i + 2 * rs1]
        const p = this.i32[i + 2 * rs1 + 1]
        const q = this.i32[i + 2 * rs2 + 1]
        const sign = op === Op.FSGNJ_D ? q : op === Op.FSGNJN_D ? ~q : p ^ q
        this.writeRawD(rd, lo, (p & 0x7fffffff) | (sign & 0x80000000))
        return true
      }
      case Op.FMIN_S:
      case Op.FMAX_S: {
        const pb = this.readSRaw(rs1)
        const qb = this.readSRaw(rs2)
        if (isSignalling32(pb) || isSignalling32(qb)) this.raise(Flag.NV)
        const pn = isNaN32(pb)
        const qn = isNaN32(qb)
        if (pn && qn) this.writeRawS(rd, NAN32)
        else if (pn) this.writeRawS(rd, qb)
        else if (qn) this.writeRawS(rd, pb)
        else {
          const p = this.readS(rs1)
          const q = this.readS(rs2)
          // -0 < +0 here: on equal values, the one with the sign bit is the minimum.
          const pFirst = p < q || (p === q && pb < 0)
          this.writeRawS(rd, (op === Op.FMIN_S) === pFirst ? pb : qb)
        }
        return true
      }
      case Op.FMIN_D:
      case Op.FMAX_D: {
        const i = this.base + F_SLOT
        const plo = this.i32[i + 2 * rs1]
        const phi = this.i32[i + 2 * rs1 + 1]
        const qlo = this.i32[i + 2 * rs2]
        const qhi = this.i32[i + 2 * rs2 + 1]
        if (isSignalling64(plo, phi) || isSignalling64(qlo, qhi)) this.raise(Flag.NV)
        const pn = isNaN64(plo, phi)
        const qn = isNaN64(qlo, qhi)
        if (pn && qn) this.writeRawD(rd, 0, NAN64_HI)
        else if (pn) this.writeRawD(rd, qlo, qhi)
        else if (qn) this.writeRawD(rd, plo, phi)
        else {
          const p = this.readD(rs1)
          const q = this.readD(rs2)
          const pFirst = p < q || (p === q && phi < 0)
          if ((op === Op.FMIN_D) === pFirst) this.writeRawD(rd, plo, phi)
          else this.writeRawD(rd, qlo, qhi)
        }
        return true
      }
      case Op.FEQ_S:
      case Op.FLT_S:
      case Op.FLE_S: {
        const pb = this.readSRaw(rs1)
        const qb = this.readSRaw(rs2)
        const unordered = isNaN32(pb) || isNaN32(qb)
        if (unordered && (op !== Op.FEQ_S || isSignalling32(pb) || isSignalling32(qb))) this.raise(Flag.NV)
        const p = this.readS(rs1)
        const q = this.readS(rs2)
        x[d] = op === Op.FEQ_S ? (p === q ? 1 : 0) : op === Op.FLT_S ? (p < q ? 1 : 0) : (p <= q ? 1 : 0)
        x[d + 1] = 0
        return true
      }
      case Op.FEQ_D:
      case Op.FLT_D:
      case Op.FLE_D: {
        const i = this.base + F_SLOT
        const unordered = isNaN64(this.i32[i + 2 * rs1], this.i32[i + 2 * rs1 + 1]) ||
          isNaN64(this.i32[i + 2 * rs2], this.i32[i + 2 * rs2 + 1])
        const signalling = isSignalling64(this.i32[i + 2 * rs1], this.i32[i + 2 * rs1 + 1]) ||
          isSignalling64(this.i32[i + 2 * rs2], this.i32[i + 2 * rs2 + 1])
        if (unordered && (op !== Op.FEQ_D || signalling)) this.raise(Flag.NV)
        const p = this.readD(rs1)
        const q = this.readD(rs2)
        x[d] = op === Op.FEQ_D ? (p === q ? 1 : 0) : op === Op.FLT_D ? (p < q ? 1 : 0) : (p <= q ? 1 : 0)
        x[d + 1] = 0
        return true
      }
      case Op.FCLASS_S: {
        const v = this.readSRaw(rs1)
        x[d] = classify(v < 0, (v >>> 23) & 0xff, 0xff, (v & 0x7fffff) !== 0, (v & 0x400000) !== 0)
        x[d + 1] = 0
        return true
      }
      case Op.FCLASS_D: {
        const i = this.base + F_SLOT + 2 * rs1
        const lo = this.i32[i]
        const hi = this.i32[i + 1]
        x[d] = classify(hi < 0, (hi >>> 20) & 0x7ff, 0x7ff, lo !== 0 || (hi & 0xfffff) !== 0, (hi & 0x80000) !== 0)
        x[d + 1] = 0
        return true
      }
      case Op.FMV_X_W: {
        const v = this.i32[this.base + F_SLOT + 2 * rs1]
        x[d] = v
        x[d + 1] = v >> 31
        return true
      }
      case Op.FMV_W_X:
        this.writeRawS(rd, x[a])
        return true
      case Op.FMV_X_D: {
        const i = this.base + F_SLOT + 2 * rs1
        x[d] = this.i32[i]
        x[d + 1] = this.i32[i + 1]
        return true
      }
      case Op.FMV_D_X:
        this.writeRawD(rd, x[a], x[a + 1])
        return true
      case Op.FCVT_S_D: {
        const rm = this.roundingMode(imm & 7)
        if (rm < 0) return false
        const v = this.readD(rs1)
        const m = Math.abs(Math.fround(v))
        if ((m > MIN_NORMAL_32 && m < MAX_FLOAT) || v === 0) {
          this.writeS(rd, this.round32(v, 0, rm))
          return true
        }
        this.writeSBits(rd, Soft.convert(F64, F32, this.readDBits(rs1), rm))
        this.soft()
        return true
      }
      case Op.FCVT_D_S: {
        if (this.roundingMode(imm & 7) < 0) return false
        const v = this.readS(rs1)
        if (v === v) this.writeD(rd, v)
        else {
          this.writeDBits(rd, Soft.convert(F32, F64, this.readSBits(rs1), 0))
          this.soft()
        }
        return true
      }
      default:
        return this.convert(op, imm, d, a, x)
    }
  }

  /** FMADD/FMSUB/FNMSUB/FNMADD.S. */
  private fmaS(op: number, imm: number, rd: number, rs1: number, rs2: number): boolean {
    const rm = this.roundingMode(imm & 7)
    if (rm < 0) return false
    const rs3 = imm >>> 3
    const kind = (op - Op.FMADD_S) >>> 1
    const negateProduct = kind >= 2
    const negateAddend = kind === 1 || kind === 3
    let p = this.readS(rs1) * this.readS(rs2)
    if (negateProduct) p = -p
    const c = negateAddend ? -this.readS(rs3) : this.readS(rs3)
    const s = p + c
    const m = Math.abs(Math.fround(s))
    if (m > MIN_NORMAL_32 && m < MAX_FLOAT) {
      this.writeS(rd, this.round32(s, sumError(p, c, s), rm))
      return true
    }
    const bits = Soft.fma(
      F32,
      this.readSBits(rs1),
      this.readSBits(rs2),
      this.readSBits(rs3),
      negateProduct,
      negateAddend,
      rm
    )
    this.writeSBits(rd, bits)
    this.soft()
    return true
  }

  /**
   * FMADD/FMSUB/FNMSUB/FNMADD.D. The fast path is Boldo and Melquiond's emulation: the exact
   * product and sum as unevaluated pairs, the low part rounded to odd, then one rounding to
   * nearest even, which is the correctly rounded a·b + c.
   */
  private fmaD(op: number, imm: number, rd: number, rs1: number, rs2: number): boolean {
    const rm = this.roundingMode(imm & 7)
    if (rm < 0) return false
    const rs3 = imm >>> 3
    const kind = (op - Op.FMADD_D) >>> 1
    const negateProduct = kind >= 2
    const negateAddend = kind === 1 || kind === 3
    let a = this.readD(rs1)
    if (negateProduct) a = -a
    const b = this.readD(rs2)
    const c = negateAddend ? -this.readD(rs3) : this.readD(rs3)
    const uh = a * b
    const mu = Math.abs(uh)
    if (
      rm === 0 && mu >= SAFE_LOW && mu < SAFE_HIGH && Math.abs(a) < SAFE_HIGH && Math.abs(b) < SAFE_HIGH &&
      Math.abs(c) < SAFE_HIGH
    ) {
      const ul = productError(a, b, uh)
      const th = c + ul
      const tl = sumError(c, ul, th)
      const vh = uh + th
      const vl = sumError(uh, th, vh)
      let v = vl + tl
      const ve = sumError(vl, tl, v)
      if (ve !== 0) {
        // Round to odd: of the two doubles around the exact vl + tl, the one with an odd significand.
        f64[0] = v
        if ((s32[0] & 1) === 0) {
          if ((ve > 0) === (v > 0)) s32[0] += 1
          else if (s32[0] === 0) {
            s32[0] = -1
            s32[1] -= 1
          } else s32[0] -= 1
          v = f64[0]
        }
      }
      const z = vh + v
      const mz = Math.abs(z)
      if (mz > MIN_NORMAL_64 && mz < MAX_DOUBLE_SAFE) {
        if (ve !== 0 || sumError(vh, v, z) !== 0) this.raise(Flag.NX)
        this.writeD(rd, z)
        return true
      }
    }
    const bits = Soft.fma(
      F64,
      this.readDBits(rs1),
      this.readDBits(rs2),
      this.readDBits(rs3),
      negateProduct,
      negateAddend,
      rm
    )
    this.writeDBits(rd, bits)
    this.soft()
    return true
  }

  /** Conversions between integers and both precisions. */
  private convert(op: number, imm: number, d: number, a: number, x: Int32Array): boolean {
    const rm = this.roundingMode(imm & 7)
    if (rm < 0) return false
    const rd = (d >>> 1) & 31
    const rs1 = a >>> 1
    if ((op >= Op.FCVT_W_S && op <= Op.FCVT_LU_S) || (op >= Op.FCVT_W_D && op <= Op.FCVT_LU_D)) {
      const double = op >= Op.FCVT_W_D
      const kind = op - (double ? Op.FCVT_W_D : Op.FCVT_W_S)
      const v = double ? this.readD(rs1) : this.readS(rs1)
      this.toInteger(v, kind, rm, d, x)
      return true
    }
    // Integer to float: FCVT.S.W ... FCVT.S.LU, FCVT.D.W ... FCVT.D.LU.
    const double = op >= Op.FCVT_D_W
    const kind = op - (double ? Op.FCVT_D_W : Op.FCVT_S_W)
    const lo = x[a]
    const hi = x[a + 1]
    let value: number
    if (kind === 0) value = lo
    else if (kind === 1) value = lo >>> 0
    else if (kind === 2 && (hi === 0 || hi === -1) && hi === lo >> 31) value = lo
    else if (hi >>> 21 === 0) value = hi * TWO_32 + (lo >>> 0) // below 2^53, either signedness
    else value = NaN
    if (value === value) {
      if (double) {
        this.writeD(rd, value)
        return true
      }
      if (Math.fround(value) === value) {
        this.writeS(rd, value)
        return true
      }
    }
    const { magnitude, sign } = kind < 2
      ? { sign: kind === 0 && lo < 0 ? 1 : 0, magnitude: BigInt(kind === 0 ? Math.abs(lo) : lo >>> 0) }
      : magnitude64(lo, hi, kind === 2)
    const bits = Soft.fromInteger(double ? F64 : F32, sign, magnitude, rm)
    if (double) this.writeDBits(rd, bits)
    else this.writeSBits(rd, bits)
    this.soft()
    return true
  }

  /**
   * `v` rounded to an integer of `kind` (0 W, 1 WU, 2 L, 3 LU) into x[d]; NaN and values out of
   * range saturate with NV (NaN to the largest value), inexact results raise NX. W and WU
   * results are sign-extended from 32 bits.
   */
  private toInteger(v: number, kind: number, rm: number, d: number, x: Int32Array): void {
    let lo: number
    let hi: number
    const r = roundToInteger(v, rm)
    const unsigned = (kind & 1) === 1
    const min = unsigned ? 0 : kind === 0 ? -2147483648 : -9223372036854775808
    // The first value past the largest: 2^31, 2^32, 2^63, 2^64.
    const limit = kind === 0
      ? 2147483648
      : kind === 1
      ? TWO_32
      : kind === 2
      ? 9223372036854775808
      : 18446744073709551616
    if (v !== v || r >= limit) {
      // NaN and too large: the largest value (W, L), all ones (WU, LU: 2^32 - 1 sign-extended).
      this.raise(Flag.NV)
      lo = kind === 0 ? 0x7fffffff : -1
      hi = kind === 0 ? 0 : kind === 2 ? 0x7fffffff : -1
    } else if (r < min) {
      this.raise(Flag.NV)
      lo = !unsigned && kind === 0 ? -2147483648 : 0
      hi = unsigned ? 0 : kind === 0 ? -1 : -2147483648
    } else {
      if (r !== v) this.raise(Flag.NX)
      // r is an integer in range: split it into halves exactly.
      const high = Math.floor(r / TWO_32)
      lo = (r - high * TWO_32) | 0
      hi = high | 0
      if (kind < 2) hi = lo >> 31
    }
    x[d] = lo
    x[d + 1] = hi
  }
}

const isNaN32 = (v: number): boolean => (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0
const isSignalling32 = (v: number): boolean => isNaN32(v) && (v & 0x400000) === 0
const isNaN64 = (lo: number, hi: number): boolean =>
  (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)
const isSignalling64 = (lo: number, hi: number): boolean => isNaN64(lo, hi) && (hi & 0x80000) === 0

/** FCLASS's one-hot mask from a value's sign, biased exponent, fraction and quiet bit. */
const classify = (negative: boolean, exponent: number, expMax: number, fraction: boolean, quiet: boolean): number => {
  if (exponent === expMax) {
    if (fraction) return quiet ? 1 << 9 : 1 << 8
    return negative ? 1 << 0 : 1 << 7
  }
  if (exponent === 0) {
    if (!fraction) return negative ? 1 << 3 : 1 << 4
    return negative ? 1 << 2 : 1 << 5
  }
  return negative ? 1 << 1 : 1 << 6
}
