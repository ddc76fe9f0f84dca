/**
 * The JIT's tables in linear memory (frames set aside with `CpuMemory.reserve`), shared by all
 * compiled code and the engine's helpers:
 *
 * - state: the retired-instruction bias for counter reads, the budget left at an exit, the
 *   value a slow-path helper loaded, and the LR/SC reservation;
 * - two software TLBs (loads, stores), two-way set-associative by virtual page number: sets of
 *   two 16-byte entries `{ tag: i64 virtual page number (-1 = empty), addend: i32 (frame - page,
 *   mod 2^32), frame: i32 }`, the newest first;
 * - two tables of translation caches for the loads and stores inside loops (one table per kind
 *   of access): 16-byte slots `{ page: i64 (the page's address; -1 = empty), addend: i32 }`. A slot
 *   only ever holds a translation that is valid in the current epoch and address space for its
 *   kind of access, so slots may be shared by any code;
 * - the dispatch table, direct-mapped by pc: 16-byte entries `{ pc: i64 (-1 = empty), slot: i32 }`
 *   giving the function-table slot of the region entered at that pc.
 * @internal
 */
import { DISPATCH_ENTRIES, SITE_SLOTS, TLB_ENTRIES } from "./tuning.js"

/** Byte offsets inside the state block. */
export const State = {
  /** i64: instret at the call into compiled code plus the budget given; minus the budget left = instret. */
  INSTRET_BIAS: 0,
  /** i32: the budget left when compiled code returned. */
  BUDGET_LEFT: 8,
  /** i64: the value the atomic helper produced. */
  VALUE: 16,
  /** i64: the address whose TLB miss made compiled code leave. */
  FILL_ADDRESS: 24,
  /** i32: that access: `Access` bits | size << 2; 0 when the exit was not a TLB miss. */
  FILL_ACCESS: 32,
  /**
   * i32 × 4: the LR/SC reservation, shared with the interpreter (`Interpreter.bindReservation`):
   * held (0 or 1), the address's low and high halves, the byte count.
   */
  RESERVATION: 44
} as const

const STATE_BYTES = 64

/** Absolute byte addresses of the tables for one reservation. */
export interface Layout {
  readonly base: number
  readonly state: number
  readonly readTlb: number
  readonly writeTlb: number
  readonly readSites: number
  readonly writeSites: number
  readonly dispatch: number
  readonly frames: number
}

/** Bytes of one TLB (`TLB_ENTRIES` sets of two ways). */
export const TLB_BYTES = TLB_ENTRIES * 32
/** Bytes of one table of translation caches. */
export const SITES_BYTES = SITE_SLOTS * 16
/** Bytes of the dispatch table. */
export const DISPATCH_BYTES = DISPATCH_ENTRIES * 16

/** Frames to reserve for the tables. */
export const FRAMES = Math.ceil((STATE_BYTES + 2 * TLB_BYTES + 2 * SITES_BYTES + DISPATCH_BYTES) / 4096)

/** The layout of a reservation starting at byte address `base`. */
export const layoutAt = (base: number): Layout => ({
  base,
  state: base,
  readTlb: base + STATE_BYTES,
  writeTlb: base + STATE_BYTES + TLB_BYTES,
  readSites: base + STATE_BYTES + 2 * TLB_BYTES,
  writeSites: base + STATE_BYTES + 2 * TLB_BYTES + SITES_BYTES,
  dispatch: base + STATE_BYTES + 2 * TLB_BYTES + 2 * SITES_BYTES,
  frames: FRAMES
})
