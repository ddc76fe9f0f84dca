/**
 * Zba, Zbb and Zbs on the interpreter's register pairs (`r[i]` the low, `r[i + 1]` the high 32
 * bits of a 64-bit register; `d`, `a`, `b` are doubled register numbers, `d` possibly the x0
 * sink). Plain 32-bit integer arithmetic, no BigInt, written from the bit-manipulation
 * specification's pseudocode.
 * @internal
 */
import { Op } from "../Decoder.js"

const popcount32 = (v: number): number => {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24)
}

const ctz32 = (v: number): number => (v === 0 ? 32 : 31 - Math.clz32(v & -v))

/** The byte-wise OR-combine of a 32-bit word: each byte becomes 0xff if any of its bits is set. */
const orcb32 = (v: number): number => {
  let out = 0
  for (let i = 0; i < 32; i += 8) if (((v >>> i) & 0xff) !== 0) out |= 0xff << i
  return out
}

const bswap32 = (v: number): number => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)

/** Writes the 64-bit pair (lo, hi) to x[d]. */
const put = (r: Int32Array, d: number, lo: number, hi: number): void => {
  r[d] = lo
  r[d + 1] = hi
}

/** Shifts the 64-bit (lo, hi) left by s (0–63) into `shifted`. */
const shifted = new Int32Array(2)
const shl = (lo: number, hi: number, s: number): void => {
  shifted[0] = s === 0 ? lo : s < 32 ? lo << s : 0
  shifted[1] = s === 0 ? hi : s < 32 ? (hi << s) | (lo >>> (32 - s)) : lo << (s - 32)
}
/** Shifts the 64-bit (lo, hi) right (logically) by s (0–63) into `shifted`. */
const shr = (lo: number, hi: number, s: number): void => {
  shifted[0] = s === 0 ? lo : s < 32 ? (lo >>> s) | (hi << (32 - s)) : hi >>> (s - 32)
  shifted[1] = s === 0 ? hi : s < 32 ? hi >>> s : 0
}

/** (lo1, hi1) + (lo2, hi2) into x[d]. */
const add64 = (r: Int32Array, d: number, lo1: number, hi1: number, lo2: number, hi2: number): void => {
  const lo = (lo1 + lo2) | 0
  put(r, d, lo, (hi1 + hi2 + ((lo >>> 0) < (lo1 >>> 0) ? 1 : 0)) | 0)
}

/** Executes the bit-manipulation operation `op` (with its decoded immediate `imm`). */
export const exec = (op: number, imm: number, r: Int32Array, d: number, a: number, b: number): void => {
  const alo = r[a]
  const ahi = r[a + 1]
  switch (op) {
    // ---- Zba ----
    case Op.ADD_UW:
      return add64(r, d, alo, 0, r[b], r[b + 1])
    case Op.SH1ADD:
    case Op.SH2ADD:
    case Op.SH3ADD:
      shl(alo, ahi, op - Op.SH1ADD + 1)
      return add64(r, d, shifted[0], shifted[1], r[b], r[b + 1])
    case Op.SH1ADD_UW:
    case Op.SH2ADD_UW:
    case Op.SH3ADD_UW:
      shl(alo, 0, op - Op.SH1ADD_UW + 1)
      return add64(r, d, shifted[0], shifted[1], r[b], r[b + 1])
    case Op.SLLI_UW:
      shl(alo, 0, imm)
      return put(r, d, shifted[0], shifted[1])

    // ---- Zbb ----
    case Op.ANDN:
      return put(r, d, alo & ~r[b], ahi & ~r[b + 1])
    case Op.ORN:
      return put(r, d, alo | ~r[b], ahi | ~r[b + 1])
    case Op.XNOR:
      return put(r, d, ~(alo ^ r[b]), ~(ahi ^ r[b + 1]))
    case Op.CLZ:
      return put(r, d, ahi !== 0 ? Math.clz32(ahi) : 32 + Math.clz32(alo), 0)
    case Op.CLZW:
      return put(r, d, Math.clz32(alo), 0)
    case Op.CTZ:
      return put(r, d, alo !== 0 ? ctz32(alo) : 32 + ctz32(ahi), 0)
    case Op.CTZW:
      return put(r, d, ctz32(alo), 0)
    case Op.CPOP:
      return put(r, d, popcount32(alo) + popcount32(ahi), 0)
    case Op.CPOPW:
      return put(r, d, popcount32(alo), 0)
    case Op.MAX:
    case Op.MIN:
    case Op.MAXU:
    case Op.MINU: {
      const blo = r[b]
      const bhi = r[b + 1]
      const below = op === Op.MAX || op === Op.MIN
        ? ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0))
        : (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0))
      const takeA = op === Op.MIN || op === Op.MINU ? below : !below
      return takeA ? put(r, d, alo, ahi) : put(r, d, blo, bhi)
    }
    case Op.SEXT_B: {
      const v = (alo << 24) >> 24
      return put(r, d, v, v >> 31)
    }
    case Op.SEXT_H: {
      const v = (alo << 16) >> 16
      return put(r, d, v, v >> 31)
    }
    case Op.ZEXT_H:
      return put(r, d, alo & 0xffff, 0)
    case Op.ROL:
    case Op.ROR:
    case Op.RORI: {
      const s0 = op === Op.RORI ? imm : r[b] & 63
      const s = op === Op.ROL ? (64 - s0) & 63 : s0
      // Rotate right by s: (x >> s) | (x << (64 - s)).
      shr(alo, ahi, s)
      const lo = shifted[0]
      const hi = shifted[1]
      shl(alo, ahi, (64 - s) & 63)
      return s === 0 ? put(r, d, alo, ahi) : put(r, d, lo | shifted[0], hi | shifted[1])
    }
    case Op.ROLW:
    case Op.RORW:
    case Op.RORIW: {
      const s0 = op === Op.RORIW ? imm : r[b] & 31
      const s = op === Op.ROLW ? (32 - s0) & 31 : s0
      const v = s === 0 ? alo : (alo >>> s) | (alo << (32 - s))
      return put(r, d, v, v >> 31)
    }
    case Op.ORC_B:
      return put(r, d, orcb32(alo), orcb32(ahi))
    case Op.REV8:
      return put(r, d, bswap32(ahi), bswap32(alo))

    // ---- Zbs: the bit index is rs2 (or the immediate) mod 64 ----
    default: {
      const index = op === Op.BCLRI || op === Op.BEXTI || op === Op.BINVI || op === Op.BSETI ? imm : r[b] & 63
      const mlo = index < 32 ? 1 << index : 0
      const mhi = index < 32 ? 0 : 1 << (index - 32)
      switch (op) {
        case Op.BCLR:
        case Op.BCLRI:
          return put(r, d, alo & ~mlo, ahi & ~mhi)
        case Op.BSET:
        case Op.BSETI:
          return put(r, d, alo | mlo, ahi | mhi)
        case Op.BINV:
        case Op.BINVI:
          return put(r, d, alo ^ mlo, ahi ^ mhi)
        default:
          return put(r, d, (alo & mlo) !== 0 || (ahi & mhi) !== 0 ? 1 : 0, 0)
      }
    }
  }
}
