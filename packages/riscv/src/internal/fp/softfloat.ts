/**
 * IEEE 754 binary32/binary64 arithmetic computed exactly, written from the standard and the
 * RISC-V F/D chapters: every operation forms the exact result (BigInt significands) and rounds it
 * once, in any of the five rounding modes, accruing the exception flags as RISC-V defines them
 * (tininess detected after rounding; NaN results are the canonical NaN). It is the slow path of
 * the FP unit: the unit's fast paths handle round-to-nearest-even with host doubles and come here
 * for everything else (directed rounding, subnormal and overflowing results, FMA corner cases).
 * @internal
 */

/** Exception flags, as `fflags` holds them. */
export const Flag = {
  NX: 1,
  UF: 2,
  OF: 4,
  DZ: 8,
  NV: 16
} as const

/** Rounding modes (resolved: never dynamic). */
export const Rm = {
  RNE: 0,
  RTZ: 1,
  RDN: 2,
  RUP: 3,
  RMM: 4
} as const

/** A binary floating-point format. */
export interface Format {
  /** Width in bits (32 or 64). */
  readonly width: number
  /** Precision in bits, the hidden one included. */
  readonly p: number
  readonly bias: number
  /** Exponent of the smallest normal and of the largest finite value. */
  readonly emin: number
  readonly emax: number
  readonly expMax: number
  readonly canonicalNaN: bigint
}

/** binary32. */
export const F32: Format = {
  width: 32,
  p: 24,
  bias: 127,
  emin: -126,
  emax: 127,
  expMax: 255,
  canonicalNaN: 0x7fc00000n
}
/** binary64. */
export const F64: Format = {
  width: 64,
  p: 53,
  bias: 1023,
  emin: -1022,
  emax: 1023,
  expMax: 2047,
  canonicalNaN: 0x7ff8000000000000n
}

/** Flags raised since the caller last cleared them. */
export const status = { flags: 0 }

/** Kinds of unpacked values. */
const ZERO = 0
const FINITE = 1
const INF = 2
const QNAN = 3
const SNAN = 4

/** An unpacked value: `(-1)^sign * sig * 2^exp` when finite. */
interface Value {
  readonly kind: number
  readonly sign: number
  readonly sig: bigint
  readonly exp: number
}

const TWO_32 = 4294967296
/** The number of bits of a positive bigint (0 for 0). */
const bitLength = (n: bigint): number => {
  if (n < 0x20000000000000n) {
    const x = Number(n)
    const hi = Math.floor(x / TWO_32)
    return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(x >>> 0)
  }
  const hex = n.toString(16)
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16))
}

/** Unpacks the `fmt.width` low bits of `bits`. */
export const unpack = (fmt: Format, bits: bigint): Value => {
  const fracBits = fmt.p - 1
  const sign = Number((bits >> BigInt(fmt.width - 1)) & 1n)
  const e = Number((bits >> BigInt(fracBits)) & BigInt(fmt.expMax))
  const frac = bits & ((1n << BigInt(fracBits)) - 1n)
  if (e === fmt.expMax) {
    if (frac === 0n) return { kind: INF, sign, sig: 0n, exp: 0 }
    return { kind: ((frac >> BigInt(fracBits - 1)) & 1n) === 1n ? QNAN : SNAN, sign, sig: 0n, exp: 0 }
  }
  if (e === 0) {
    if (frac === 0n) return { kind: ZERO, sign, sig: 0n, exp: 0 }
    return { kind: FINITE, sign, sig: frac, exp: fmt.emin - fracBits }
  }
  return { kind: FINITE, sign, sig: frac | (1n << BigInt(fracBits)), exp: e - fmt.bias - fracBits }
}

const packBits = (fmt: Format, sign: number, biased: number, frac: bigint): bigint =>
  (BigInt(sign) << BigInt(fmt.width - 1)) | (BigInt(biased) << BigInt(fmt.p - 1)) | frac

const zero = (fmt: Format, sign: number): bigint => packBits(fmt, sign, 0, 0n)
const infinity = (fmt: Format, sign: number): bigint => packBits(fmt, sign, fmt.expMax, 0n)
const maxFinite = (fmt: Format, sign: number): bigint =>
  packBits(fmt, sign, fmt.expMax - 1, (1n << BigInt(fmt.p - 1)) - 1n)

/** Whether rounding up in magnitude is right for a discarded remainder `rem` (of `half` * 2). */
const roundsUp = (rm: number, sign: number, rem: bigint, half: bigint, odd: boolean): boolean => {
  if (rem === 0n) return false
  switch (rm) {
    case Rm.RNE:
      return rem > half || (rem === half && odd)
    case Rm.RTZ:
      return false
    case Rm.RDN:
      return sign === 1
    case Rm.RUP:
      return sign === 0
    default:
      return rem >= half
  }
}

/** `sig` rounded to a multiple of 2^shift (shift > 0), as the multiple; sets `lastInexact`. */
let lastInexact = false
const roundShift = (sig: bigint, shift: number, rm: number, sign: number): bigint => {
  if (shift <= 0) {
    lastInexact = false
    return sig << BigInt(-shift)
  }
  const s = BigInt(shift)
  const m = sig >> s
  const rem = sig - (m << s)
  lastInexact = rem !== 0n
  return roundsUp(rm, sign, rem, 1n << (s - 1n), (m & 1n) === 1n) ? m + 1n : m
}

/**
 * Rounds the exact value `(-1)^sign * sig * 2^exp` (sig > 0) to `fmt` in mode `rm`, raising
 * NX, UF (tiny after rounding and inexact) and OF. Returns the bits.
 */
export const roundPack = (fmt: Format, sign: number, sig: bigint, exp: number, rm: number): bigint => {
  const p = fmt.p
  const top = exp + bitLength(sig) - 1
  let q = Math.max(top, fmt.emin) - (p - 1)
  let m = roundShift(sig, q - exp, rm, sign)
  const inexact = lastInexact
  if (m === 1n << BigInt(p)) {
    m >>= 1n
    q += 1
  }
  if (m !== 0n && q + bitLength(m) - 1 > fmt.emax) {
    status.flags |= Flag.OF | Flag.NX
    const toInfinity = rm === Rm.RNE || rm === Rm.RMM || (rm === Rm.RDN && sign === 1) || (rm === Rm.RUP && sign === 0)
    return toInfinity ? infinity(fmt, sign) : maxFinite(fmt, sign)
  }
  if (inexact) {
    status.flags |= Flag.NX
    if (top < fmt.emin) {
      // Tiny after rounding: rounded to p bits with an unbounded exponent, still below 2^emin.
      const unbounded = roundShift(sig, top - (p - 1) - exp, rm, sign)
      const reaches = top === fmt.emin - 1 && unbounded === 1n << BigInt(p)
      if (!reaches) status.flags |= Flag.UF
    }
  }
  if (m === 0n) return zero(fmt, sign)
  const hidden = 1n << BigInt(p - 1)
  if (m >= hidden) return packBits(fmt, sign, q + p - 1 + fmt.bias, m - hidden)
  return packBits(fmt, sign, 0, m)
}

/** The canonical NaN, raising NV when any operand is a signalling NaN. */
const nanResult = (fmt: Format, ...values: ReadonlyArray<Value>): bigint => {
  for (const v of values) if (v.kind === SNAN) status.flags |= Flag.NV
  return fmt.canonicalNaN
}
const isNaN = (v: Value): boolean => v.kind === QNAN || v.kind === SNAN

const invalid = (fmt: Format): bigint => {
  status.flags |= Flag.NV
  return fmt.canonicalNaN
}

/** The exact sum of two finite nonzero values, rounded; an exact zero takes the mode's sign. */
const addFinite = (
  fmt: Format,
  as: number,
  asig: bigint,
  aexp: number,
  bs: number,
  bsig: bigint,
  bexp: number,
  rm: number
) => {
  const e = Math.min(aexp, bexp)
  const a = (as === 1 ? -asig : asig) << BigInt(aexp - e)
  const b = (bs === 1 ? -bsig : bsig) << BigInt(bexp - e)
  const sum = a + b
  if (sum === 0n) return zero(fmt, rm === Rm.RDN ? 1 : 0)
  return sum < 0n ? roundPack(fmt, 1, -sum, e, rm) : roundPack(fmt, 0, sum, e, rm)
}

/** a + b (negate `b` for subtraction with `negateB`). */
export const add = (fmt: Format, abits: bigint, bbits: bigint, negateB: boolean, rm: number): bigint => {
  const a = unpack(fmt, abits)
  const b0 = unpack(fmt, bbits)
  const b = negateB ? { ...b0, sign: b0.sign ^ 1 } : b0
  if (isNaN(a) || isNaN(b)) return nanResult(fmt, a, b)
  if (a.kind === INF || b.kind === INF) {
    if (a.kind === INF && b.kind === INF && a.sign !== b.sign) return invalid(fmt)
    return infinity(fmt, a.kind === INF ? a.sign : b.sign)
  }
  if (a.kind === ZERO && b.kind === ZERO) return zero(fmt, a.sign === b.sign ? a.sign : rm === Rm.RDN ? 1 : 0)
  if (a.kind === ZERO) return roundPack(fmt, b.sign, b.sig, b.exp, rm)
  if (b.kind === ZERO) return roundPack(fmt, a.sign, a.sig, a.exp, rm)
  return addFinite(fmt, a.sign, a.sig, a.exp, b.sign, b.sig, b.exp, rm)
}

/** a * b. */
export const mul = (fmt: Format, abits: bigint, bbits: bigint, rm: number): bigint => {
  const a = unpack(fmt, abits)
  const b = unpack(fmt, bbits)
  if (isNaN(a) || isNaN(b)) return nanResult(fmt, a, b)
  const sign = a.sign ^ b.sign
  if (a.kind === INF || b.kind === INF) {
    if (a.kind === ZERO || b.kind === ZERO) return invalid(fmt)
    return infinity(fmt, sign)
  }
  if (a.kind === ZERO || b.kind === ZERO) return zero(fmt, sign)
  return roundPack(fmt, sign, a.sig * b.sig, a.exp + b.exp, rm)
}

/**
 * `±(a * b) ± c` with one rounding: `negateProduct` and `negateAddend` give FMADD (false, false),
 * FMSUB (false, true), FNMSUB (true, false) and FNMADD (true, true).
 */
export const fma = (
  fmt: Format,
  abits: bigint,
  bbits: bigint,
  cbits: bigint,
  negateProduct: boolean,
  negateAddend: boolean,
  rm: number
): bigint => {
  const a = unpack(fmt, abits)
  const b = unpack(fmt, bbits)
  const c0 = unpack(fmt, cbits)
  const c = negateAddend ? { ...c0, sign: c0.sign ^ 1 } : c0
  // ∞ × 0 is invalid even when the addend is a quiet NaN.
  if ((a.kind === INF && b.kind === ZERO) || (a.kind === ZERO && b.kind === INF)) {
    status.flags |= Flag.NV
    return nanResult(fmt, a, b, c)
  }
  if (isNaN(a) || isNaN(b) || isNaN(c)) return nanResult(fmt, a, b, c)
  const ps = a.sign ^ b.sign ^ (negateProduct ? 1 : 0)
  if (a.kind === INF || b.kind === INF) {
    if (c.kind === INF && c.sign !== ps) return invalid(fmt)
    return infinity(fmt, ps)
  }
  if (c.kind === INF) return infinity(fmt, c.sign)
  if (a.kind === ZERO || b.kind === ZERO) {
    if (c.kind === ZERO) return zero(fmt, ps === c.sign ? ps : rm === Rm.RDN ? 1 : 0)
    return roundPack(fmt, c.sign, c.sig, c.exp, rm)
  }
  if (c.kind === ZERO) return roundPack(fmt, ps, a.sig * b.sig, a.exp + b.exp, rm)
  return addFinite(fmt, ps, a.sig * b.sig, a.exp + b.exp, c.sign, c.sig, c.exp, rm)
}

/** a / b. */
export const div = (fmt: Format, abits: bigint, bbits: bigint, rm: number): bigint => {
  const a = unpack(fmt, abits)
  const b = unpack(fmt, bbits)
  if (isNaN(a) || isNaN(b)) return nanResult(fmt, a, b)
  const sign = a.sign ^ b.sign
  if (a.kind === INF) return b.kind === INF ? invalid(fmt) : infinity(fmt, sign)
  if (b.kind === INF) return zero(fmt, sign)
  if (b.kind === ZERO) {
    if (a.kind === ZERO) return invalid(fmt)
    status.flags |= Flag.DZ
    return infinity(fmt, sign)
  }
  if (a.kind === ZERO) return zero(fmt, sign)
  // A quotient with at least p + 2 bits, and a sticky bit for the remainder.
  const k = Math.max(0, fmt.p + 3 + bitLength(b.sig) - bitLength(a.sig))
  const n = a.sig << BigInt(k)
  const q = n / b.sig
  const sticky = n - q * b.sig === 0n ? 0n : 1n
  return roundPack(fmt, sign, (q << 1n) | sticky, a.exp - b.exp - k - 1, rm)
}

/** The integer square root (floor). */
const isqrt = (n: bigint): bigint => {
  if (n < 2n) return n
  let x = 1n << BigInt((bitLength(n) >> 1) + 1)
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}

/** The square root. */
export const sqrt = (fmt: Format, abits: bigint, rm: number): bigint => {
  const a = unpack(fmt, abits)
  if (isNaN(a)) return nanResult(fmt, a)
  if (a.kind === ZERO) return abits
  if (a.sign === 1) return invalid(fmt)
  if (a.kind === INF) return abits
  let sig = a.sig
  let exp = a.exp
  if ((exp & 1) !== 0) {
    sig <<= 1n
    exp -= 1
  }
  // At least 2(p + 2) bits under the root, keeping the exponent even.
  const extra = Math.max(0, 2 * (fmt.p + 3) - bitLength(sig))
  const k = extra + (extra & 1)
  const n = sig << BigInt(k)
  const r = isqrt(n)
  const sticky = n - r * r === 0n ? 0n : 1n
  return roundPack(fmt, 0, (r << 1n) | sticky, (exp - k) / 2 - 1, rm)
}

/** Converts between the formats (binary32 <-> binary64). */
export const convert = (from: Format, to: Format, bits: bigint, rm: number): bigint => {
  const a = unpack(from, bits)
  if (isNaN(a)) return nanResult(to, a)
  if (a.kind === INF) return infinity(to, a.sign)
  if (a.kind === ZERO) return zero(to, a.sign)
  return roundPack(to, a.sign, a.sig, a.exp, rm)
}

/** An integer `(-1)^sign * magnitude` rounded to `fmt`. */
export const fromInteger = (fmt: Format, sign: number, magnitude: bigint, rm: number): bigint =>
  magnitude === 0n ? zero(fmt, 0) : roundPack(fmt, sign, magnitude, 0, rm)
