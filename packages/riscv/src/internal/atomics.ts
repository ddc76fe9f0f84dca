/**
 * LR, SC and the AMOs on physical memory, shared by the interpreter and the JIT's atomic helper so
 * the two cannot disagree: the reservation rules, SC's check and the read-modify-write of every
 * AMO at 32 and 64 bits. Callers do what differs between them first (the alignment check, the
 * translation, how a fault is reported) and report the bytes written to code watchers after.
 * @internal
 */
import { Op } from "../Decoder.js"

/** The LR/SC reservation: the address (halves) and byte count LR read; `reserved` false when none. */
export interface Reservation {
  reserved: boolean
  reservedLo: number
  reservedHi: number
  reservedSize: number
}

/** Bytes an LR/SC/AMO operation accesses (8 for the .D forms, 4 for the .W forms). */
export const atomicSize = (op: number): number => (op >= Op.LR_D ? 8 : 4)

/** True for LR (it translates for reading; SC and the AMOs translate for writing). */
export const isLoadReserved = (op: number): boolean => op === Op.LR_W || op === Op.LR_D

/**
 * Performs `op` at the guest address (lo, hi), already checked aligned and translated to the
 * physical byte address `phys`, with rs2's value (blo, bhi). Leaves rd's new value in `out[0]`
 * (low) and `out[1]` (high), updates `reservation`, and returns true when memory was written.
 */
export const performAtomic = (
  op: number,
  i32: Int32Array,
  phys: number,
  lo: number,
  hi: number,
  blo: number,
  bhi: number,
  reservation: Reservation,
  out: Int32Array
): boolean => {
  const wide = op >= Op.LR_D
  const size = wide ? 8 : 4
  const base = wide ? op - (Op.LR_D - Op.LR_W) : op
  const index = phys >>> 2
  if (base === Op.LR_W) {
    const vlo = i32[index]
    out[0] = vlo
    out[1] = wide ? i32[index + 1] : vlo >> 31
    reservation.reserved = true
    reservation.reservedLo = lo
    reservation.reservedHi = hi
    reservation.reservedSize = size
    return false
  }
  if (base === Op.SC_W) {
    // Succeeds only while the reservation is held and covers the bytes written; always gives it up.
    const start = reservation.reservedLo >>> 0
    const ok = reservation.reserved && hi === reservation.reservedHi && (lo >>> 0) >= start &&
      (lo >>> 0) + size <= start + reservation.reservedSize
    reservation.reserved = false
    if (ok) {
      i32[index] = blo
      if (wide) i32[index + 1] = bhi
    }
    out[0] = ok ? 0 : 1
    out[1] = 0
    return ok
  }
  const olo = i32[index]
  const ohi = wide ? i32[index + 1] : olo >> 31
  let nlo = 0
  let nhi = 0
  switch (base) {
    case Op.AMOSWAP_W:
      nlo = blo
      nhi = bhi
      break
    case Op.AMOADD_W:
      nlo = (olo + blo) | 0
      nhi = (ohi + bhi + ((nlo >>> 0) < (olo >>> 0) ? 1 : 0)) | 0
      break
    case Op.AMOXOR_W:
      nlo = olo ^ blo
      nhi = ohi ^ bhi
      break
    case Op.AMOAND_W:
      nlo = olo & blo
      nhi = ohi & bhi
      break
    case Op.AMOOR_W:
      nlo = olo | blo
      nhi = ohi | bhi
      break
    default: {
      // MIN/MAX/MINU/MAXU: compare the old value with rs2 at the operation's width.
      const chi = wide ? bhi : blo >> 31
      const signed = base === Op.AMOMIN_W || base === Op.AMOMAX_W
      const oldBelow = signed
        ? ohi < chi || (ohi === chi && (olo >>> 0) < (blo >>> 0))
        : (ohi >>> 0) < (chi >>> 0) || (ohi === chi && (olo >>> 0) < (blo >>> 0))
      const takeOld = base === Op.AMOMIN_W || base === Op.AMOMINU_W ? oldBelow : !oldBelow
      nlo = takeOld ? olo : blo
      nhi = takeOld ? ohi : bhi
    }
  }
  i32[index] = nlo
  if (wide) i32[index + 1] = nhi
  out[0] = olo
  out[1] = ohi
  return true
}
