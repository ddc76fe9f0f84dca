/**
 * Exact 64-bit arithmetic on pairs of 32-bit halves, without BigInt. A register file is an
 * `Int32Array` where register `i` is `r[2i]` (low half) and `r[2i + 1]` (high half); every
 * function here reads its operands by index and writes its result the same way, reading all
 * operands before writing so a destination may alias a source.
 * @internal
 */

/** High 32 bits of the unsigned product of two unsigned 32-bit values, as an unsigned number. */
export const mulhu32 = (a: number, b: number): number => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  const p01 = a0 * b1
  const p10 = a1 * b0
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0
}

/** `r[d] = low 64 bits of r[a] * r[b]` (MUL). */
export const mul = (r: Int32Array, d: number, a: number, b: number): void => {
  const alo = r[a]
  const blo = r[b]
  const hi = (mulhu32(alo >>> 0, blo >>> 0) + Math.imul(alo, r[b + 1]) + Math.imul(r[a + 1], blo)) | 0
  r[d] = Math.imul(alo, blo)
  r[d + 1] = hi
}

/** Scratch for results of more than one word. */
const scratch = { lo: 0, hi: 0, remLo: 0, remHi: 0 }

/** High 64 bits of the unsigned 128-bit product of (ahi:alo) and (bhi:blo), into `scratch.lo/hi`. */
const mulhu64 = (alo: number, ahi: number, blo: number, bhi: number): void => {
  alo >>>= 0
  ahi >>>= 0
  blo >>>= 0
  bhi >>>= 0
  const llHigh = mulhu32(alo, blo)
  const lhLow = Math.imul(alo, bhi) >>> 0
  const lhHigh = mulhu32(alo, bhi)
  const hlLow = Math.imul(ahi, blo) >>> 0
  const hlHigh = mulhu32(ahi, blo)
  const hhLow = Math.imul(ahi, bhi) >>> 0
  const hhHigh = mulhu32(ahi, bhi)
  // Column 1 (bits 32..63) only contributes its carry.
  const carry1 = Math.floor((llHigh + lhLow + hlLow) / 4294967296)
  const column2 = lhHigh + hlHigh + hhLow + carry1
  const carry2 = Math.floor(column2 / 4294967296)
  scratch.lo = column2 >>> 0
  scratch.hi = (hhHigh + carry2) >>> 0
}

/** `r[d] = high 64 bits of unsigned r[a] * unsigned r[b]` (MULHU). */
export const mulhu = (r: Int32Array, d: number, a: number, b: number): void => {
  mulhu64(r[a], r[a + 1], r[b], r[b + 1])
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

/** Subtracts (shi:slo) from (scratch.hi:scratch.lo), modulo 2^64. */
const subtractFromScratch = (slo: number, shi: number): void => {
  const lo = scratch.lo >>> 0
  const borrow = lo < (slo >>> 0) ? 1 : 0
  scratch.lo = (lo - (slo >>> 0)) >>> 0
  scratch.hi = (scratch.hi - shi - borrow) >>> 0
}

/**
 * `r[d] = high 64 bits of signed r[a] * signed r[b]` (MULH). The signed high half is the unsigned
 * one minus `b` when `a` is negative and minus `a` when `b` is negative (mod 2^64).
 */
export const mulh = (r: Int32Array, d: number, a: number, b: number): void => {
  const alo = r[a]
  const ahi = r[a + 1]
  const blo = r[b]
  const bhi = r[b + 1]
  mulhu64(alo, ahi, blo, bhi)
  if (ahi < 0) subtractFromScratch(blo, bhi)
  if (bhi < 0) subtractFromScratch(alo, ahi)
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

/** `r[d] = high 64 bits of signed r[a] * unsigned r[b]` (MULHSU). */
export const mulhsu = (r: Int32Array, d: number, a: number, b: number): void => {
  const ahi = r[a + 1]
  const blo = r[b]
  const bhi = r[b + 1]
  mulhu64(r[a], ahi, blo, bhi)
  if (ahi < 0) subtractFromScratch(blo, bhi)
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

const TWO_32 = 4294967296

/**
 * Unsigned 64-bit division of (nhi:nlo) by a non-zero (dhi:dlo): quotient into `scratch.lo/hi`,
 * remainder into `scratch.remLo/remHi` (all unsigned). Doubles divide exactly while the dividend
 * is below 2^52 (the rounding error of `n / d` is then under `1 / 2d`, less than the distance to
 * the next integer); a small divisor takes two such steps; anything else takes the bitwise path.
 */
const udivmod = (nlo: number, nhi: number, dlo: number, dhi: number): void => {
  nlo >>>= 0
  nhi >>>= 0
  dlo >>>= 0
  dhi >>>= 0
  if (nhi < 0x100000) {
    const n = nhi * TWO_32 + nlo
    const dv = dhi * TWO_32 + dlo
    const q = Math.floor(n / dv)
    const rem = n - q * dv
    scratch.lo = q >>> 0
    scratch.hi = Math.floor(q / TWO_32)
    scratch.remLo = rem >>> 0
    scratch.remHi = Math.floor(rem / TWO_32)
    return
  }
  if (dhi === 0 && dlo < 0x100000) {
    const qHigh = Math.floor(nhi / dlo)
    const t = (nhi - qHigh * dlo) * TWO_32 + nlo
    const qLow = Math.floor(t / dlo)
    scratch.lo = qLow >>> 0
    scratch.hi = qHigh
    scratch.remLo = t - qLow * dlo
    scratch.remHi = 0
    return
  }
  // Restoring division, one quotient bit at a time.
  let qlo = 0
  let qhi = 0
  let rlo = 0
  let rhi = 0
  for (let i = 63; i >= 0; i--) {
    const bit = i >= 32 ? (nhi >>> (i - 32)) & 1 : (nlo >>> i) & 1
    // The bit shifted out of the top: when set, the partial remainder is at least 2^64 > d.
    const out = rhi >>> 31
    rhi = ((rhi << 1) | (rlo >>> 31)) >>> 0
    rlo = ((rlo << 1) | bit) >>> 0
    if (out === 1 || rhi > dhi || (rhi === dhi && rlo >= dlo)) {
      const borrow = rlo < dlo ? 1 : 0
      rlo = (rlo - dlo) >>> 0
      rhi = (rhi - dhi - borrow) >>> 0
      if (i >= 32) qhi |= 1 << (i - 32)
      else qlo |= 1 << i
    }
  }
  scratch.lo = qlo >>> 0
  scratch.hi = qhi >>> 0
  scratch.remLo = rlo
  scratch.remHi = rhi
}

/** `r[d] = r[a] / r[b]` unsigned (DIVU); division by zero gives all ones. */
export const divu = (r: Int32Array, d: number, a: number, b: number): void => {
  const blo = r[b]
  const bhi = r[b + 1]
  if ((blo | bhi) === 0) {
    r[d] = -1
    r[d + 1] = -1
    return
  }
  udivmod(r[a], r[a + 1], blo, bhi)
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

/** `r[d] = r[a] % r[b]` unsigned (REMU); the remainder of division by zero is the dividend. */
export const remu = (r: Int32Array, d: number, a: number, b: number): void => {
  const blo = r[b]
  const bhi = r[b + 1]
  if ((blo | bhi) === 0) {
    r[d + 1] = r[a + 1]
    r[d] = r[a]
    return
  }
  udivmod(r[a], r[a + 1], blo, bhi)
  r[d] = scratch.remLo
  r[d + 1] = scratch.remHi
}

/** Negates (hi:lo) into `scratch.lo/hi` (two's complement). */
const negate = (lo: number, hi: number): void => {
  scratch.lo = (-lo) >>> 0
  scratch.hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0
}

/**
 * Signed division and remainder through the unsigned one on magnitudes. The overflow case
 * (INT64_MIN / -1) needs no special path: the magnitude quotient 2^63 reads back as INT64_MIN and
 * the remainder is 0, which is what the ISA specifies.
 */
const divmodSigned = (alo: number, ahi: number, blo: number, bhi: number, wantRemainder: boolean): void => {
  let nlo = alo
  let nhi = ahi
  if (ahi < 0) {
    negate(alo, ahi)
    nlo = scratch.lo
    nhi = scratch.hi
  }
  let dlo = blo
  let dhi = bhi
  if (bhi < 0) {
    negate(blo, bhi)
    dlo = scratch.lo
    dhi = scratch.hi
  }
  udivmod(nlo, nhi, dlo, dhi)
  if (wantRemainder) {
    if (ahi < 0) negate(scratch.remLo, scratch.remHi)
    else {
      scratch.lo = scratch.remLo
      scratch.hi = scratch.remHi
    }
  } else if ((ahi < 0) !== (bhi < 0)) negate(scratch.lo, scratch.hi)
}

/** `r[d] = r[a] / r[b]` signed, rounding toward zero (DIV); division by zero gives -1. */
export const div = (r: Int32Array, d: number, a: number, b: number): void => {
  const blo = r[b]
  const bhi = r[b + 1]
  if ((blo | bhi) === 0) {
    r[d] = -1
    r[d + 1] = -1
    return
  }
  divmodSigned(r[a], r[a + 1], blo, bhi, false)
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

/** `r[d] = r[a] % r[b]` signed, with the dividend's sign (REM); by zero gives the dividend. */
export const rem = (r: Int32Array, d: number, a: number, b: number): void => {
  const blo = r[b]
  const bhi = r[b + 1]
  if ((blo | bhi) === 0) {
    r[d + 1] = r[a + 1]
    r[d] = r[a]
    return
  }
  divmodSigned(r[a], r[a + 1], blo, bhi, true)
  r[d] = scratch.lo
  r[d + 1] = scratch.hi
}

/** DIVW: signed 32-bit division, sign-extended; by zero gives -1, overflow gives INT32_MIN. */
export const divw = (r: Int32Array, d: number, a: number, b: number): void => {
  const x = r[a]
  const y = r[b]
  const q = y === 0 ? -1 : x === -0x80000000 && y === -1 ? x : (x / y) | 0
  r[d] = q
  r[d + 1] = q >> 31
}

/** DIVUW: unsigned 32-bit division, sign-extended; by zero gives all ones. */
export const divuw = (r: Int32Array, d: number, a: number, b: number): void => {
  const x = r[a] >>> 0
  const y = r[b] >>> 0
  const q = y === 0 ? -1 : Math.floor(x / y) | 0
  r[d] = q
  r[d + 1] = q >> 31
}

/** REMW: signed 32-bit remainder, sign-extended; by zero gives the dividend, overflow gives 0. */
export const remw = (r: Int32Array, d: number, a: number, b: number): void => {
  const x = r[a]
  const y = r[b]
  const m = y === 0 ? x : y === -1 ? 0 : (x % y) | 0
  r[d] = m
  r[d + 1] = m >> 31
}

/** REMUW: unsigned 32-bit remainder, sign-extended; by zero gives the dividend. */
export const remuw = (r: Int32Array, d: number, a: number, b: number): void => {
  const x = r[a] >>> 0
  const y = r[b] >>> 0
  const m = y === 0 ? x | 0 : (x % y) | 0
  r[d] = m
  r[d + 1] = m >> 31
}
