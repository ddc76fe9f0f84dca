/**
 * The reference interpreter's engine. Plain synchronous TypeScript: the loop runs over a
 * decoded-instruction cache and an `Int32Array` register file, with 64-bit values as pairs of
 * 32-bit halves (no BigInt anywhere in the loop).
 *
 * Stages of one `run`:
 *   1. Load the thread: registers from the register file into `regs` (x0 reads as 0; writes to
 *      x0 go to a sink slot), drop cached translations if the epoch or address space changed.
 *   2. Fetch: the current code page's decode cache holds, for every halfword offset, the packed
 *      decoded instruction starting there (0 = not decoded yet). A miss decodes from memory.
 *   3. Execute: one `switch` over the operation; loads and stores go through per-access-type
 *      software TLBs (direct-mapped, keyed by virtual page) with a slow path into the kernel's
 *      `translate`.
 *   4. Stop on ecall, an exception, or the budget, writing registers and pc back.
 *
 * Coherence of the decode cache: a frame with a decode cache is "armed": the kernel is asked to
 * `watch` it (it then calls `codeWritten` before writing or freeing the frame itself), and the
 * write TLB never holds it, so guest stores to it take the slow path, which clears the cached
 * instructions overlapping the bytes written. An instruction straddling two pages is never
 * cached. So the cache always agrees with memory and `fence.i` has nothing to do.
 * @internal
 */
import {
  Access,
  type CpuMemory,
  type CpuShape,
  type CpuStats,
  type CpuThread,
  type ExceptionKind,
  F_REGISTERS_OFFSET,
  PC_OFFSET,
  type StopReason,
  TranslateFault
} from "@zxsim/kernel/Cpu"
import { Csr, DecodedInstruction, decodeInto, isBitManipulation, Op } from "../Decoder.js"
import { INSTRET_OFFSET } from "../RegisterFile.js"
import { atomicSize, isLoadReserved, performAtomic, type Reservation } from "./atomics.js"
import * as Bitmanip from "./bitmanip.js"
import { Fpu } from "./fp/fpu.js"
import * as I64 from "./int64.js"

/** Bytes per page and frame. */
const PAGE = 4096
/** Int32 slots of a decode cache: two per halfword offset, plus zeroed slots past the page end. */
const CODE_SLOTS = PAGE + 4
/** Entries of each software TLB (direct-mapped). */
const TLB_SIZE = 256
const TLB_MASK = TLB_SIZE - 1
/** Register index pairs in `regs`: x0..x31, then the sink that writes to x0 land in. */
const REGISTER_SLOTS = 66
const TWO_32 = 4294967296
/**
 * Instructions per call of the loop function. V8 optimizes a function well when it is called
 * often; one call per `run` (a whole slice) starves its tiering heuristics after a deoptimization.
 */
const CHUNK = 8192

/** An always-empty decode cache: fetching from it forces the slow path to (re)enter the page. */
const STALE: Int32Array = new Int32Array(CODE_SLOTS)

/**
 * Packs a decoded instruction for the loop: op in bits 0–7, the destination register in 8–13
 * (x0 becomes 32, the sink), rs1 in 14–18, rs2 in 19–23, bit 24 set for 4-byte instructions.
 * The loop extracts `2 * register` directly: `(w >>> 7) & 0x7e`, `(w >>> 13) & 0x3e`, `(w >>> 18) & 0x3e`.
 */
const pack = (insn: DecodedInstruction): number =>
  insn.op | ((insn.rd === 0 ? 32 : insn.rd) << 8) | (insn.rs1 << 14) | (insn.rs2 << 19) |
  (insn.length === 4 ? 1 << 24 : 0)

const PAGE_FAULT: Record<number, ExceptionKind> = {
  [Access.READ]: "load-page-fault",
  [Access.WRITE]: "store-page-fault",
  [Access.EXECUTE]: "fetch-page-fault"
}
const ACCESS_FAULT: Record<number, ExceptionKind> = {
  [Access.READ]: "load-access-fault",
  [Access.WRITE]: "store-access-fault",
  [Access.EXECUTE]: "fetch-access-fault"
}

/**
 * The exception for a failed translation: unmapped pages and permission failures are page
 * faults; a mapping with nothing behind it (past the VMO's end, or no memory to commit a page)
 * is an access fault, like a bus error.
 */
const faultKind = (code: number, access: number): ExceptionKind =>
  code === TranslateFault.NOT_MAPPED || code === TranslateFault.PERMISSION ? PAGE_FAULT[access] : ACCESS_FAULT[access]

/**
 * A 64-bit address as a number. Exact below 2^53; larger values (never mapped, so they only
 * appear in fault reports) are rounded to the nearest double.
 */
const toNumber = (lo: number, hi: number): number => (hi >>> 0) * TWO_32 + (lo >>> 0)

const BUDGET_SPENT: StopReason = { _tag: "BudgetSpent" }

/**
 * What a run with {@link InterpreterHooks} returns when `transfer` asked it to stop: a distinct
 * object (compared by identity), never given to the kernel.
 */
export const YIELD: StopReason = { _tag: "BudgetSpent" }

/** Callbacks through which the JIT drives the interpreter as its cold tier. */
export interface InterpreterHooks {
  /**
   * Called after every taken jump or branch with the target pc's halves; true stops the run
   * there (the jump retired) with {@link YIELD}. It must return true if it changed the epoch or
   * grew the memory.
   */
  readonly transfer: (lo: number, hi: number) => boolean
  /**
   * Called before every JALR other than a return jumps, with its own pc's halves and its target's:
   * the JIT learns where indirect jumps go (switch tables, function pointers) to give them edges.
   */
  readonly indirect: (siteLo: number, siteHi: number, targetLo: number, targetHi: number) => void
  /**
   * A data access the interpreter's TLB did not serve translated to `phys` (the page's frame byte
   * address) for `access`: the JIT fills its own TLB too, so compiled code that runs next hits.
   */
  readonly translated: (lo: number, hi: number, access: number, phys: number) => void
  /** A frame got a decode cache: it holds code from now on and is watched. */
  readonly armed: (frame: number) => void
  /** A guest store wrote `size` bytes at `phys` in an armed frame. */
  readonly codeStored: (phys: number, size: number) => void
}

/** The interpreter: one per kernel, shared by every thread it runs. */
export class Interpreter implements CpuShape, Reservation {
  readonly name = "interpreter"

  // ---- physical memory --------------------------------------------------------------------
  private memory: CpuMemory | null = null
  private wasmMemory: WebAssembly.Memory | null = null
  private generation = -1
  private epoch = -1
  private asid = -1
  private i8 = new Int8Array(0)
  private u8 = new Uint8Array(0)
  private i16 = new Int16Array(0)
  private u16 = new Uint16Array(0)
  private i32 = new Int32Array(0)

  // ---- software TLBs: tag = virtual page key, value = frame byte address (as int32) ----------
  private readonly readTag = new Int32Array(TLB_SIZE).fill(-1)
  private readonly readPhys = new Int32Array(TLB_SIZE)
  private readonly writeTag = new Int32Array(TLB_SIZE).fill(-1)
  private readonly writePhys = new Int32Array(TLB_SIZE)
  private readonly execTag = new Int32Array(TLB_SIZE).fill(-1)
  private readonly execPhys = new Int32Array(TLB_SIZE)
  private readonly execCode: Array<Int32Array> = new Array(TLB_SIZE).fill(STALE)

  /** Decode caches of armed frames, by frame number (the JIT shares this notion of "code frame"). */
  readonly codeCaches = new Map<number, Int32Array>()
  private readonly decoded = new DecodedInstruction()

  // ---- the running thread --------------------------------------------------------------------
  private thread: CpuThread | null = null
  private readonly regs = new Int32Array(REGISTER_SLOTS)
  /** The current code page: virtual page (halves), frame byte address, decode cache. */
  private pageLo = 0
  private pageHi = 0
  private pcFrame = 0
  private code: Int32Array = STALE
  /** Offset of pc in the current page; the loop keeps it in a local and syncs it around slow paths. */
  private pcOff = 0
  private instretBase = 0
  /**
   * The LR/SC reservation as four words from `reservationAt` in `reservationWords`: held (0 or 1),
   * the address's halves and the byte count. The interpreter's own array, or (`bindReservation`)
   * the JIT's state block in linear memory, where compiled LR and SC use it too.
   */
  private reservationWords: Int32Array<ArrayBufferLike> = new Int32Array(4)
  private reservationAt = 0

  /** Keeps the reservation in `words` from index `at` on (four words), carrying it over. */
  bindReservation(words: Int32Array, at: number): void {
    const old = this.reservationWords
    const from = this.reservationAt
    const held = [old[from] | 0, old[from + 1] | 0, old[from + 2] | 0, old[from + 3] | 0]
    this.reservationWords = words
    this.reservationAt = at
    for (let i = 0; i < 4; i++) words[at + i] = held[i]
  }

  /** Whether an LR's reservation is held (the rest describes it then). */
  get reserved(): boolean {
    return this.reservationWords[this.reservationAt] !== 0
  }
  set reserved(held: boolean) {
    this.reservationWords[this.reservationAt] = held ? 1 : 0
  }
  /** The reserved address's low half. */
  get reservedLo(): number {
    return this.reservationWords[this.reservationAt + 1]
  }
  set reservedLo(lo: number) {
    this.reservationWords[this.reservationAt + 1] = lo
  }
  /** The reserved address's high half. */
  get reservedHi(): number {
    return this.reservationWords[this.reservationAt + 2]
  }
  set reservedHi(hi: number) {
    this.reservationWords[this.reservationAt + 2] = hi
  }
  /** The reserved byte count (4 or 8). */
  get reservedSize(): number {
    return this.reservationWords[this.reservationAt + 3]
  }
  set reservedSize(size: number) {
    this.reservationWords[this.reservationAt + 3] = size
  }
  /** rd's value from the last LR/SC/AMO (see `performAtomic`). */
  private readonly atomicResult = new Int32Array(2)
  /** Set by the JIT that runs this interpreter as its cold tier. */
  hooks: InterpreterHooks | null = null
  private watchTransfers = false

  // ---- results of slow paths -------------------------------------------------------------------
  private fetchedWord = 0
  private fetchedImm = 0
  private valueLo = 0
  private valueHi = 0
  private stopReason: StopReason = BUDGET_SPENT

  // ---- counters ----------------------------------------------------------------------------------
  private retired = 0
  private syscalls = 0
  private exceptions = 0
  private translations = 0
  private decodes = 0
  private codeInvalidations = 0

  /** Instructions retired so far (updated at least every few thousand instructions). */
  get retiredInstructions(): number {
    return this.retired
  }

  readonly stats = (): CpuStats => ({
    instructions: this.retired,
    syscalls: this.syscalls,
    exceptions: this.exceptions,
    translations: this.translations,
    decodes: this.decodes,
    codeInvalidations: this.codeInvalidations,
    codePages: this.codeCaches.size
  })

  /** Drops the translations to the zero frame (byte address 0): a page read as zeros got a frame. */
  readonly zeroFrameReplaced = (): void => {
    for (let i = 0; i < TLB_SIZE; i++) {
      if (this.readPhys[i] === 0) this.readTag[i] = -1
      if (this.execPhys[i] === 0) {
        this.execTag[i] = -1
        this.execCode[i] = STALE
      }
    }
    if (this.pcFrame === 0) this.code = STALE
  }

  readonly codeWritten = (frame: number): void => {
    const cache = this.codeCaches.get(frame)
    if (cache === undefined) return
    cache.fill(0)
    this.codeCaches.delete(frame)
    this.execTag.fill(-1)
    this.execCode.fill(STALE)
    if (this.code === cache) this.code = STALE
    this.codeInvalidations++
  }

  // ---- memory plumbing ---------------------------------------------------------------------------

  private refreshViews(): void {
    const memory = this.memory!
    const buffer = memory.memory.buffer
    this.i8 = new Int8Array(buffer)
    this.u8 = new Uint8Array(buffer)
    this.i16 = new Int16Array(buffer)
    this.u16 = new Uint16Array(buffer)
    this.i32 = new Int32Array(buffer)
    this.generation = memory.generation
  }

  private flushTlbs(): void {
    this.readTag.fill(-1)
    this.writeTag.fill(-1)
    this.execTag.fill(-1)
    this.execCode.fill(STALE)
    this.code = STALE
  }

  /** Adopts `thread`'s memory and address space, dropping whatever no longer applies. */
  attach(thread: CpuThread): void {
    const memory = thread.memory
    if (memory !== this.memory || memory.memory !== this.wasmMemory) {
      // Another physical memory: nothing cached about the old one means anything here.
      this.memory = memory
      this.wasmMemory = memory.memory
      this.codeCaches.clear()
      this.generation = -1
      this.epoch = -1
    }
    if (memory.generation !== this.generation || this.i32.buffer !== memory.memory.buffer) this.refreshViews()
    if (memory.epoch !== this.epoch || thread.addressSpace.id !== this.asid) {
      this.flushTlbs()
      this.epoch = memory.epoch
      this.asid = thread.addressSpace.id
    }
    this.thread = thread
  }

  /**
   * The kernel's translation of the page holding (hi:lo), or a negative fault. Addresses at or
   * above 2^53 cannot be passed exactly and are never mapped: they fault without asking. After
   * the call, cached translations are dropped if the epoch moved and views re-made if memory grew.
   */
  private translate(lo: number, hi: number, access: number): number {
    if ((hi >>> 0) >= 0x200000) return TranslateFault.NOT_MAPPED
    this.translations++
    const result = this.thread!.addressSpace.translate(toNumber(lo, hi), access)
    const memory = this.memory!
    if (memory.epoch !== this.epoch) {
      this.flushTlbs()
      this.epoch = memory.epoch
    }
    if (memory.generation !== this.generation) this.refreshViews()
    return result
  }

  /** The frame's decode cache, arming the frame on first use. */
  codeCacheFor(phys: number): Int32Array {
    const frame = phys >>> 12
    let cache = this.codeCaches.get(frame)
    if (cache === undefined) {
      cache = new Int32Array(CODE_SLOTS)
      this.codeCaches.set(frame, cache)
      this.memory!.watch(frame)
      const tags = this.writeTag
      const physs = this.writePhys
      for (let i = 0; i < TLB_SIZE; i++) if (physs[i] === (phys | 0)) tags[i] = -1
      this.hooks?.armed(frame)
    }
    return cache
  }

  /** Clears cached instructions overlapping `size` bytes written at `phys`, if its frame is armed. */
  wroteCode(phys: number, size: number): void {
    const cache = this.codeCaches.get(phys >>> 12)
    if (cache === undefined) return
    const offset = phys & 0xfff
    const end = Math.min(offset + size, PAGE)
    for (let p = Math.max(0, (offset - 2) & ~1); p < end; p += 2) cache[p] = 0
    this.codeInvalidations++
    this.hooks?.codeStored(phys, size)
  }

  // ---- stops ---------------------------------------------------------------------------------------

  private pcNumber(): number {
    return toNumber((this.pageLo + this.pcOff) | 0, this.pageHi)
  }

  /** Records an exception at the current pc; returns false for the caller to pass on. */
  private raise(kind: ExceptionKind, address: number): false {
    this.exceptions++
    this.stopReason = { _tag: "Exception", kind, address, pc: this.pcNumber() }
    return false
  }

  /**
   * Writes the thread's state back and says why it stopped; `retired` counts the instructions
   * retired since `instretBase` was last advanced.
   */
  private finish(retired: number, stop: StopReason): StopReason {
    const thread = this.thread!
    const r = this.regs
    const i32 = this.i32
    const base = thread.registers >>> 2
    for (let i = 2; i < 64; i++) i32[base + i] = r[i]
    // pc may sit just past the end of its page (the budget ran out there): carry into the high half.
    const pcLo = (this.pageLo + this.pcOff) | 0
    i32[base + (PC_OFFSET >>> 2)] = pcLo
    i32[base + (PC_OFFSET >>> 2) + 1] = (this.pageHi + ((pcLo >>> 0) < (this.pageLo >>> 0) ? 1 : 0)) | 0
    this.instretBase += retired
    const instret = this.instretBase
    i32[base + (INSTRET_OFFSET >>> 2)] = instret >>> 0
    i32[base + (INSTRET_OFFSET >>> 2) + 1] = Math.floor(instret / TWO_32)
    this.retired += retired
    this.thread = null
    return stop
  }

  // ---- fetch ---------------------------------------------------------------------------------------

  /** Sets pc to (hi:lo), keeping the decode cache when the page is in the execute TLB. */
  private jump(lo: number, hi: number): void {
    const pageLo = lo & ~0xfff
    this.pcOff = lo & 0xfff
    if (pageLo === this.pageLo && hi === this.pageHi && this.code !== STALE) return
    this.pageLo = pageLo
    this.pageHi = hi
    const key = (hi << 20) | (lo >>> 12)
    const slot = key & TLB_MASK
    if (this.execTag[slot] === key && (hi >>> 11) === 0) {
      this.code = this.execCode[slot]
      this.pcFrame = this.execPhys[slot]
    } else {
      this.code = STALE
    }
  }

  /** Translates the current page for execution and selects its decode cache. */
  private enterPage(): boolean {
    const lo = this.pageLo
    const hi = this.pageHi
    const key = (hi << 20) | (lo >>> 12)
    const slot = key & TLB_MASK
    if (this.execTag[slot] === key && (hi >>> 11) === 0) {
      this.code = this.execCode[slot]
      this.pcFrame = this.execPhys[slot]
      return true
    }
    const phys = this.translate(lo, hi, Access.EXECUTE)
    if (phys < 0) return this.raise(faultKind(phys, Access.EXECUTE), this.pcNumber())
    const cache = this.codeCacheFor(phys)
    if ((hi >>> 11) === 0) {
      this.execTag[slot] = key
      this.execPhys[slot] = phys | 0
      this.execCode[slot] = cache
    }
    this.code = cache
    this.pcFrame = phys | 0
    return true
  }

  /**
   * The slow half of fetch, for an empty decode-cache slot: moves to the next page when pc ran
   * off the end of this one, (re)enters the page if needed, then decodes from memory. Leaves the
   * packed instruction in `fetchedWord` / `fetchedImm`.
   */
  private fetch(): boolean {
    if (this.pcOff >= PAGE) {
      this.pcOff -= PAGE
      const next = (this.pageLo + PAGE) | 0
      if (next === 0) this.pageHi = (this.pageHi + 1) | 0
      this.pageLo = next
      this.code = STALE
    }
    if (this.code === STALE && !this.enterPage()) return false
    let code = this.code
    const offset = this.pcOff
    if (code[offset] !== 0) {
      this.fetchedWord = code[offset]
      this.fetchedImm = code[offset + 1]
      return true
    }
    const low = this.u16[(this.pcFrame + offset) >>> 1]
    let bits = low
    let cacheable = true
    if ((low & 3) === 3) {
      if (offset === PAGE - 2) {
        // The upper half lives on the next page, which must be executable too.
        const nextLo = (this.pageLo + PAGE) | 0
        const nextHi = nextLo === 0 ? (this.pageHi + 1) | 0 : this.pageHi
        const phys = this.translate(nextLo, nextHi, Access.EXECUTE)
        if (phys < 0) return this.raise(faultKind(phys, Access.EXECUTE), toNumber(nextLo, nextHi))
        bits = low | (this.u16[phys >>> 1] << 16)
        cacheable = false
        // The translation may have dropped cached state; the current page is still this one.
        if (this.code === STALE && !this.enterPage()) return false
        code = this.code
      } else {
        bits = low | (this.u16[(this.pcFrame + offset + 2) >>> 1] << 16)
      }
    }
    const insn = this.decoded
    decodeInto(bits, insn)
    this.decodes++
    const word = pack(insn)
    if (cacheable) {
      code[offset] = word
      code[offset + 1] = insn.imm
    }
    this.fetchedWord = word
    this.fetchedImm = insn.imm
    return true
  }

  // ---- data access slow paths ------------------------------------------------------------------------

  /**
   * Translates a data access of `size` bytes at (hi:lo) that the TLB fast path did not serve,
   * filling the TLB. Returns the physical address of the first byte, or -1 after raising the
   * fault. Accesses crossing a page boundary return -2: the caller goes byte by byte.
   */
  private dataPage(lo: number, hi: number, access: number): number {
    const tag = access === Access.WRITE ? this.writeTag : this.readTag
    const physs = access === Access.WRITE ? this.writePhys : this.readPhys
    const key = (hi << 20) | (lo >>> 12)
    const slot = key & TLB_MASK
    if (tag[slot] === key && (hi >>> 11) === 0) return (physs[slot] + (lo & 0xfff)) >>> 0
    const phys = this.translate(lo, hi, access)
    if (phys < 0) {
      this.raise(faultKind(phys, access), toNumber(lo, hi))
      return -1
    }
    // Armed code frames stay out of the write TLB so stores to them come here.
    if ((hi >>> 11) === 0 && (access !== Access.WRITE || !this.codeCaches.has(phys >>> 12))) {
      tag[slot] = key
      physs[slot] = phys | 0
    }
    this.hooks?.translated(lo, hi, access, phys)
    return phys + (lo & 0xfff)
  }

  /**
   * Physical addresses of each byte of an access (1–8 bytes) into `byteAddresses`, translating
   * both pages of one that crosses a boundary before touching either, so a faulting access
   * changes nothing.
   */
  private readonly byteAddresses = new Float64Array(8)
  /** How many bytes of the last resolved access fall in its first page. */
  private bytesInFirstPage = 0
  private resolveBytes(lo: number, hi: number, size: number, access: number): boolean {
    const first = this.dataPage(lo, hi, access)
    if (first < 0) return false
    const inFirst = Math.min(size, PAGE - (lo & 0xfff))
    this.bytesInFirstPage = inFirst
    for (let i = 0; i < inFirst; i++) this.byteAddresses[i] = first + i
    if (inFirst < size) {
      const nextLo = (lo + inFirst) | 0
      const nextHi = (nextLo >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi
      const second = this.dataPage(nextLo, nextHi, access)
      if (second < 0) return false
      for (let i = inFirst; i < size; i++) this.byteAddresses[i] = second + i - inFirst
    }
    return true
  }

  /**
   * A load the fast path did not serve (TLB miss, misaligned, or crossing a page): into
   * `valueLo` / `valueHi`, sign- or zero-extended per `op`. Misaligned loads are emulated.
   */
  private load(lo: number, hi: number, op: number): boolean {
    const size = op === Op.LB || op === Op.LBU ? 1 : op === Op.LH || op === Op.LHU ? 2 : op === Op.LD ? 8 : 4
    if (!this.resolveBytes(lo, hi, size, Access.READ)) return false
    const u8 = this.u8
    const at = this.byteAddresses
    let vlo = 0
    let vhi = 0
    for (let i = 0; i < size; i++) {
      const byte = u8[at[i]]
      if (i < 4) vlo |= byte << (8 * i)
      else vhi |= byte << (8 * (i - 4))
    }
    switch (op) {
      case Op.LB:
        vlo = (vlo << 24) >> 24
        vhi = vlo >> 31
        break
      case Op.LH:
        vlo = (vlo << 16) >> 16
        vhi = vlo >> 31
        break
      case Op.LW:
        vhi = vlo >> 31
        break
    }
    this.valueLo = vlo
    this.valueHi = vhi
    return true
  }

  /** A store the fast path did not serve; misaligned stores are emulated, all-or-nothing. */
  private store(lo: number, hi: number, size: number, vlo: number, vhi: number): boolean {
    if (!this.resolveBytes(lo, hi, size, Access.WRITE)) return false
    const u8 = this.u8
    const at = this.byteAddresses
    for (let i = 0; i < size; i++) u8[at[i]] = i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))
    const inFirst = this.bytesInFirstPage
    this.wroteCode(at[0], inFirst)
    if (inFirst < size) this.wroteCode(at[inFirst], size - inFirst)
    return true
  }

  // ---- atomics ---------------------------------------------------------------------------------------

  /**
   * LR, SC and the AMOs. They must be naturally aligned (misaligned ones raise load-misaligned for
   * LR, store-misaligned otherwise); SC and AMOs translate for writing, so a read-only page gives a
   * store page fault. The reservation covers the bytes LR read; SC succeeds only when it is still
   * held and covers the bytes written, and always gives it up.
   */
  private atomic(op: number, d: number, a: number, b: number): boolean {
    const r = this.regs
    const lo = r[a]
    const hi = r[a + 1]
    const size = atomicSize(op)
    const load = isLoadReserved(op)
    if ((lo & (size - 1)) !== 0) return this.raise(load ? "load-misaligned" : "store-misaligned", toNumber(lo, hi))
    const phys = this.dataPage(lo, hi, load ? Access.READ : Access.WRITE)
    if (phys < 0) return false
    const out = this.atomicResult
    if (performAtomic(op, this.i32, phys, lo, hi, r[b], r[b + 1], this, out)) this.wroteCode(phys, size)
    r[d] = out[0]
    r[d + 1] = out[1]
    return true
  }

  // ---- extensions ------------------------------------------------------------------------------------

  private readonly fpu = new Fpu()

  /** CSRRW/CSRRS/CSRRC and their immediate forms on `fflags`, `frm` or `fcsr`. */
  private fpCsr(op: number, csr: number, d: number, a: number): void {
    const r = this.regs
    const fpu = this.fpu
    fpu.attach(this.i32, this.thread!.registers)
    const immediate = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI
    // a is 2 * rs1; for the immediate forms rs1 is the immediate itself.
    const source = immediate ? a >>> 1 : r[a]
    const writes = op === Op.CSRRW || op === Op.CSRRWI || a !== 0
    const old = fpu.csr(op, csr, source, writes)
    r[d] = old
    r[d + 1] = 0
  }

  /**
   * Runs an F, D, FP CSR or bit-manipulation instruction; false after raising its exception
   * (a fault of an FP load or store, or a reserved rounding mode).
   */
  private extension(op: number, imm: number, d: number, a: number, b: number): boolean {
    const r = this.regs
    if (isBitManipulation(op)) {
      Bitmanip.exec(op, imm, r, d, a, b)
      return true
    }
    if (op === Op.CSRRW || op === Op.CSRRWI) {
      this.fpCsr(op, imm, d, a)
      return true
    }
    const fpu = this.fpu
    const base = this.thread!.registers >>> 2
    if (op >= Op.FLW && op <= Op.FSD) {
      const alo = r[a]
      const lo = (alo + imm) | 0
      const hi = (r[a + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
      const f = base + (F_REGISTERS_OFFSET >>> 2)
      if (op === Op.FLW || op === Op.FLD) {
        if (!this.load(lo, hi, op === Op.FLW ? Op.LW : Op.LD)) return false
        const i32 = this.i32
        const rd = (d >>> 1) & 31
        i32[f + 2 * rd] = this.valueLo
        i32[f + 2 * rd + 1] = op === Op.FLW ? -1 : this.valueHi
        return true
      }
      const rs2 = b >>> 1
      return this.store(lo, hi, op === Op.FSW ? 4 : 8, this.i32[f + 2 * rs2], this.i32[f + 2 * rs2 + 1])
    }
    fpu.attach(this.i32, this.thread!.registers)
    if (fpu.exec(op, imm, d, a, b, r)) return true
    return this.raise("illegal-instruction", this.instructionBits())
  }

  /** The bits of the instruction at pc (for an illegal-instruction report), 0 if unreadable. */
  private instructionBits(): number {
    const low = this.u16[(this.pcFrame + this.pcOff) >>> 1]
    if ((low & 3) !== 3) return low
    if (this.pcOff < PAGE - 2) return (low | (this.u16[(this.pcFrame + this.pcOff + 2) >>> 1] << 16)) >>> 0
    const nextLo = (this.pageLo + PAGE) | 0
    const phys = this.thread!.addressSpace.translate(
      toNumber(nextLo, nextLo === 0 ? this.pageHi + 1 : this.pageHi),
      Access.EXECUTE
    )
    return phys < 0 ? 0 : (low | (this.u16[phys >>> 1] << 16)) >>> 0
  }

  // ---- the loop --------------------------------------------------------------------------------------

  readonly run = (thread: CpuThread, budget: number): StopReason => this.runSlice(thread, budget, false, false)

  /**
   * `run` for the JIT: optionally keeping the LR/SC reservation (the JIT calls this many times
   * within one of its own runs, and drops the reservation itself once per run), and optionally
   * asking `hooks.transfer` after each taken jump or branch.
   */
  runSlice(thread: CpuThread, budget: number, keepReservation: boolean, watchTransfers: boolean): StopReason {
    this.watchTransfers = watchTransfers
    this.attach(thread)
    const r = this.regs
    {
      const i32 = this.i32
      const base = thread.registers >>> 2
      for (let i = 0; i < 64; i++) r[i] = i32[base + i]
      r[0] = 0
      r[1] = 0
      const pcLo = i32[base + (PC_OFFSET >>> 2)]
      this.pageHi = i32[base + (PC_OFFSET >>> 2) + 1]
      this.pageLo = pcLo & ~0xfff
      this.pcOff = pcLo & 0xfff
      this.instretBase = (i32[base + (INSTRET_OFFSET >>> 2)] >>> 0) +
        (i32[base + (INSTRET_OFFSET >>> 2) + 1] >>> 0) * TWO_32
    }
    // A reservation never survives a context switch.
    if (!keepReservation) this.reserved = false
    this.code = STALE
    // Jumps cannot make pc odd, but a host can: the fetch there is misaligned.
    if ((this.pcOff & 1) !== 0) {
      this.raise("fetch-misaligned", this.pcNumber())
      return this.finish(0, this.stopReason)
    }
    // A budget that is not a positive number runs nothing (and never loops forever on NaN).
    for (let remaining = budget > 0 ? Math.floor(budget) : 0;;) {
      const chunk = remaining < CHUNK ? remaining : CHUNK
      const stop = this.loop(chunk)
      if (stop !== null) return stop
      remaining -= chunk
      if (remaining <= 0) return this.finish(0, BUDGET_SPENT)
    }
  }

  /**
   * Runs up to `budget` instructions. Returns the stop (after `finish`), or null when the budget
   * ran out: then pc is in `pcOff` and the retired instructions are added to `instretBase`.
   */
  private loop(budget: number): StopReason | null {
    const r = this.regs
    let code = this.code
    let pcOff = this.pcOff
    let i8 = this.i8
    let u8 = this.u8
    let i16 = this.i16
    let u16 = this.u16
    let i32 = this.i32
    const readTag = this.readTag
    const readPhys = this.readPhys
    const writeTag = this.writeTag
    const writePhys = this.writePhys
    const hooks = this.watchTransfers ? this.hooks : null
    let count = 0
    for (;;) {
      if (count >= budget) {
        this.pcOff = pcOff
        this.instretBase += count
        this.retired += count
        return null
      }
      let w = code[pcOff]
      let imm: number
      if (w === 0) {
        this.pcOff = pcOff
        if (!this.fetch()) return this.finish(count, this.stopReason)
        code = this.code
        pcOff = this.pcOff
        w = this.fetchedWord
        imm = this.fetchedImm
        i8 = this.i8
        u8 = this.u8
        i16 = this.i16
        u16 = this.u16
        i32 = this.i32
      } else {
        imm = code[pcOff + 1]
      }
      count++
      const d = (w >>> 7) & 0x7e
      const a = (w >>> 13) & 0x3e
      const b = (w >>> 18) & 0x3e
      switch (w & 0xff) {
        case 23 satisfies typeof Op.ADDI: {
          const alo = r[a]
          const lo = (alo + imm) | 0
          r[d + 1] = (r[a + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
          r[d] = lo
          break
        }
        case 32 satisfies typeof Op.ADD: {
          const alo = r[a]
          const lo = (alo + r[b]) | 0
          r[d + 1] = (r[a + 1] + r[b + 1] + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
          r[d] = lo
          break
        }
        case 33 satisfies typeof Op.SUB: {
          const alo = r[a]
          const blo = r[b]
          r[d + 1] = (r[a + 1] - r[b + 1] - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0
          r[d] = (alo - blo) | 0
          break
        }
        case 42 satisfies typeof Op.ADDIW: {
          const lo = (r[a] + imm) | 0
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 46 satisfies typeof Op.ADDW: {
          const lo = (r[a] + r[b]) | 0
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 47 satisfies typeof Op.SUBW: {
          const lo = (r[a] - r[b]) | 0
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 2 satisfies typeof Op.LUI:
          r[d] = imm
          r[d + 1] = imm >> 31
          break
        case 3 satisfies typeof Op.AUIPC: {
          const pcLo = this.pageLo | pcOff
          const lo = (pcLo + imm) | 0
          r[d + 1] = (this.pageHi + (imm >> 31) + ((lo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0
          r[d] = lo
          break
        }
        case 26 satisfies typeof Op.XORI:
          r[d + 1] = r[a + 1] ^ (imm >> 31)
          r[d] = r[a] ^ imm
          break
        case 27 satisfies typeof Op.ORI:
          r[d + 1] = r[a + 1] | (imm >> 31)
          r[d] = r[a] | imm
          break
        case 28 satisfies typeof Op.ANDI:
          r[d + 1] = r[a + 1] & (imm >> 31)
          r[d] = r[a] & imm
          break
        case 37 satisfies typeof Op.XOR:
          r[d + 1] = r[a + 1] ^ r[b + 1]
          r[d] = r[a] ^ r[b]
          break
        case 40 satisfies typeof Op.OR:
          r[d + 1] = r[a + 1] | r[b + 1]
          r[d] = r[a] | r[b]
          break
        case 41 satisfies typeof Op.AND:
          r[d + 1] = r[a + 1] & r[b + 1]
          r[d] = r[a] & r[b]
          break
        case 24 satisfies typeof Op.SLTI: {
          const ahi = r[a + 1]
          const ihi = imm >> 31
          r[d] = ahi < ihi || (ahi === ihi && (r[a] >>> 0) < (imm >>> 0)) ? 1 : 0
          r[d + 1] = 0
          break
        }
        case 25 satisfies typeof Op.SLTIU: {
          const ahi = r[a + 1] >>> 0
          const ihi = (imm >> 31) >>> 0
          r[d] = ahi < ihi || (ahi === ihi && (r[a] >>> 0) < (imm >>> 0)) ? 1 : 0
          r[d + 1] = 0
          break
        }
        case 35 satisfies typeof Op.SLT: {
          const ahi = r[a + 1]
          const bhi = r[b + 1]
          r[d] = ahi < bhi || (ahi === bhi && (r[a] >>> 0) < (r[b] >>> 0)) ? 1 : 0
          r[d + 1] = 0
          break
        }
        case 36 satisfies typeof Op.SLTU: {
          const ahi = r[a + 1] >>> 0
          const bhi = r[b + 1] >>> 0
          r[d] = ahi < bhi || (ahi === bhi && (r[a] >>> 0) < (r[b] >>> 0)) ? 1 : 0
          r[d + 1] = 0
          break
        }
        case 29 satisfies typeof Op.SLLI:
        case 34 satisfies typeof Op.SLL: {
          const s = (w & 0xff) === (29 satisfies typeof Op.SLLI) ? imm : r[b] & 63
          const alo = r[a]
          if (s < 32) {
            r[d + 1] = (r[a + 1] << s) | ((alo >>> 1) >>> (31 - s))
            r[d] = alo << s
          } else {
            r[d + 1] = alo << (s - 32)
            r[d] = 0
          }
          break
        }
        case 30 satisfies typeof Op.SRLI:
        case 38 satisfies typeof Op.SRL: {
          const s = (w & 0xff) === (30 satisfies typeof Op.SRLI) ? imm : r[b] & 63
          const ahi = r[a + 1]
          if (s < 32) {
            r[d] = (r[a] >>> s) | ((ahi << 1) << (31 - s))
            r[d + 1] = ahi >>> s
          } else {
            r[d] = ahi >>> (s - 32)
            r[d + 1] = 0
          }
          break
        }
        case 31 satisfies typeof Op.SRAI:
        case 39 satisfies typeof Op.SRA: {
          const s = (w & 0xff) === (31 satisfies typeof Op.SRAI) ? imm : r[b] & 63
          const ahi = r[a + 1]
          if (s < 32) {
            r[d] = (r[a] >>> s) | ((ahi << 1) << (31 - s))
            r[d + 1] = ahi >> s
          } else {
            r[d] = ahi >> (s - 32)
            r[d + 1] = ahi >> 31
          }
          break
        }
        case 43 satisfies typeof Op.SLLIW: {
          const lo = r[a] << imm
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 44 satisfies typeof Op.SRLIW: {
          const lo = (r[a] >>> imm) | 0
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 45 satisfies typeof Op.SRAIW: {
          const lo = r[a] >> imm
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 48 satisfies typeof Op.SLLW: {
          const lo = r[a] << (r[b] & 31)
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 49 satisfies typeof Op.SRLW: {
          const lo = (r[a] >>> (r[b] & 31)) | 0
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 50 satisfies typeof Op.SRAW: {
          const lo = r[a] >> (r[b] & 31)
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 51 satisfies typeof Op.MUL:
          I64.mul(r, d, a, b)
          break
        case 59 satisfies typeof Op.MULW: {
          const lo = Math.imul(r[a], r[b])
          r[d] = lo
          r[d + 1] = lo >> 31
          break
        }
        case 52 satisfies typeof Op.MULH:
          I64.mulh(r, d, a, b)
          break
        case 53 satisfies typeof Op.MULHSU:
          I64.mulhsu(r, d, a, b)
          break
        case 54 satisfies typeof Op.MULHU:
          I64.mulhu(r, d, a, b)
          break
        case 55 satisfies typeof Op.DIV:
          I64.div(r, d, a, b)
          break
        case 56 satisfies typeof Op.DIVU:
          I64.divu(r, d, a, b)
          break
        case 57 satisfies typeof Op.REM:
          I64.rem(r, d, a, b)
          break
        case 58 satisfies typeof Op.REMU:
          I64.remu(r, d, a, b)
          break
        case 60 satisfies typeof Op.DIVW:
          I64.divw(r, d, a, b)
          break
        case 61 satisfies typeof Op.DIVUW:
          I64.divuw(r, d, a, b)
          break
        case 62 satisfies typeof Op.REMW:
          I64.remw(r, d, a, b)
          break
        case 63 satisfies typeof Op.REMUW:
          I64.remuw(r, d, a, b)
          break

        // ---- control flow: each sets pcOff itself and continues ----
        case 4 satisfies typeof Op.JAL: {
          const pcLo = this.pageLo | pcOff
          const linkLo = (pcLo + 2 + ((w >>> 23) & 2)) | 0
          r[d + 1] = (this.pageHi + ((linkLo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0
          r[d] = linkLo
          const target = pcOff + imm
          if ((target >>> 12) === 0) {
            pcOff = target
          } else {
            const lo = (pcLo + imm) | 0
            this.jump(lo, (this.pageHi + (imm >> 31) + ((lo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0)
            code = this.code
            pcOff = this.pcOff
          }
          if (hooks !== null && hooks.transfer(this.pageLo | pcOff, this.pageHi)) {
            this.pcOff = pcOff
            return this.finish(count, YIELD)
          }
          continue
        }
        case 5 satisfies typeof Op.JALR: {
          const alo = r[a]
          const sum = (alo + imm) | 0
          const hi = (r[a + 1] + (imm >> 31) + ((sum >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
          const lo = sum & ~1
          const pcLo = this.pageLo | pcOff
          // Returns (rd = x0 through ra or t0) are left out: their targets are the calls' own.
          if (hooks !== null && (d !== 0 || (a !== 2 && a !== 10))) hooks.indirect(pcLo, this.pageHi, lo, hi)
          const linkLo = (pcLo + 2 + ((w >>> 23) & 2)) | 0
          r[d + 1] = (this.pageHi + ((linkLo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0
          r[d] = linkLo
          if ((lo & ~0xfff) === this.pageLo && hi === this.pageHi) {
            pcOff = lo & 0xfff
          } else {
            this.jump(lo, hi)
            code = this.code
            pcOff = this.pcOff
          }
          if (hooks !== null && hooks.transfer(this.pageLo | pcOff, this.pageHi)) {
            this.pcOff = pcOff
            return this.finish(count, YIELD)
          }
          continue
        }
        case 6 satisfies typeof Op.BEQ:
        case 7 satisfies typeof Op.BNE:
        case 8 satisfies typeof Op.BLT:
        case 9 satisfies typeof Op.BGE:
        case 10 satisfies typeof Op.BLTU:
        case 11 satisfies typeof Op.BGEU: {
          const op = w & 0xff
          const ahi = r[a + 1]
          const bhi = r[b + 1]
          const alo = r[a]
          const blo = r[b]
          let taken: boolean
          if (op === (6 satisfies typeof Op.BEQ)) taken = alo === blo && ahi === bhi
          else if (op === (7 satisfies typeof Op.BNE)) taken = alo !== blo || ahi !== bhi
          else if (op === (8 satisfies typeof Op.BLT)) taken = ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0))
          else if (op === (9 satisfies typeof Op.BGE)) {
            taken = !(ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0)))
          } else if (op === (10 satisfies typeof Op.BLTU)) {
            taken = (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0))
          } else taken = !((ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0)))
          if (!taken) break
          const target = pcOff + imm
          if ((target >>> 12) === 0) {
            pcOff = target
          } else {
            const pcLo = this.pageLo | pcOff
            const lo = (pcLo + imm) | 0
            this.jump(lo, (this.pageHi + (imm >> 31) + ((lo >>> 0) < (pcLo >>> 0) ? 1 : 0)) | 0)
            code = this.code
            pcOff = this.pcOff
          }
          if (hooks !== null && hooks.transfer(this.pageLo | pcOff, this.pageHi)) {
            this.pcOff = pcOff
            return this.finish(count, YIELD)
          }
          continue
        }

        // ---- loads ----
        case 12 satisfies typeof Op.LB:
        case 16 satisfies typeof Op.LBU:
        case 13 satisfies typeof Op.LH:
        case 17 satisfies typeof Op.LHU:
        case 14 satisfies typeof Op.LW:
        case 18 satisfies typeof Op.LWU:
        case 15 satisfies typeof Op.LD: {
          const op = w & 0xff
          const alo = r[a]
          const lo = (alo + imm) | 0
          const hi = (r[a + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
          const key = (hi << 20) | (lo >>> 12)
          const slot = key & TLB_MASK
          if (readTag[slot] === key && (hi >>> 11) === 0) {
            const p = (readPhys[slot] + (lo & 0xfff)) >>> 0
            if (op === (14 satisfies typeof Op.LW)) {
              if ((p & 3) === 0) {
                const v = i32[p >>> 2]
                r[d] = v
                r[d + 1] = v >> 31
                break
              }
            } else if (op === (15 satisfies typeof Op.LD)) {
              if ((p & 7) === 0) {
                r[d] = i32[p >>> 2]
                r[d + 1] = i32[(p >>> 2) + 1]
                break
              }
            } else if (op === (16 satisfies typeof Op.LBU)) {
              r[d] = u8[p]
              r[d + 1] = 0
              break
            } else if (op === (12 satisfies typeof Op.LB)) {
              const v = i8[p]
              r[d] = v
              r[d + 1] = v >> 31
              break
            } else if (op === (18 satisfies typeof Op.LWU)) {
              if ((p & 3) === 0) {
                r[d] = i32[p >>> 2]
                r[d + 1] = 0
                break
              }
            } else if ((p & 1) === 0) {
              const v = op === (13 satisfies typeof Op.LH) ? i16[p >>> 1] : u16[p >>> 1]
              r[d] = v
              r[d + 1] = v >> 31
              break
            }
          }
          this.pcOff = pcOff
          if (!this.load(lo, hi, op)) return this.finish(count - 1, this.stopReason)
          r[d] = this.valueLo
          r[d + 1] = this.valueHi
          code = this.code
          i8 = this.i8
          u8 = this.u8
          i16 = this.i16
          u16 = this.u16
          i32 = this.i32
          break
        }

        // ---- stores ----
        case 19 satisfies typeof Op.SB:
        case 20 satisfies typeof Op.SH:
        case 21 satisfies typeof Op.SW:
        case 22 satisfies typeof Op.SD: {
          const op = w & 0xff
          const alo = r[a]
          const lo = (alo + imm) | 0
          const hi = (r[a + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0
          const key = (hi << 20) | (lo >>> 12)
          const slot = key & TLB_MASK
          if (writeTag[slot] === key && (hi >>> 11) === 0) {
            const p = (writePhys[slot] + (lo & 0xfff)) >>> 0
            if (op === (22 satisfies typeof Op.SD)) {
              if ((p & 7) === 0) {
                i32[p >>> 2] = r[b]
                i32[(p >>> 2) + 1] = r[b + 1]
                break
              }
            } else if (op === (21 satisfies typeof Op.SW)) {
              if ((p & 3) === 0) {
                i32[p >>> 2] = r[b]
                break
              }
            } else if (op === (19 satisfies typeof Op.SB)) {
              u8[p] = r[b]
              break
            } else if ((p & 1) === 0) {
              u16[p >>> 1] = r[b]
              break
            }
          }
          this.pcOff = pcOff
          const size = op === (19 satisfies typeof Op.SB)
            ? 1
            : op === (20 satisfies typeof Op.SH)
            ? 2
            : op === (21 satisfies typeof Op.SW)
            ? 4
            : 8
          if (!this.store(lo, hi, size, r[b], r[b + 1])) return this.finish(count - 1, this.stopReason)
          code = this.code
          i8 = this.i8
          u8 = this.u8
          i16 = this.i16
          u16 = this.u16
          i32 = this.i32
          break
        }

        // ---- atomics ----
        case 64 satisfies typeof Op.LR_W:
        case 65 satisfies typeof Op.SC_W:
        case 66 satisfies typeof Op.AMOSWAP_W:
        case 67 satisfies typeof Op.AMOADD_W:
        case 68 satisfies typeof Op.AMOXOR_W:
        case 69 satisfies typeof Op.AMOAND_W:
        case 70 satisfies typeof Op.AMOOR_W:
        case 71 satisfies typeof Op.AMOMIN_W:
        case 72 satisfies typeof Op.AMOMAX_W:
        case 73 satisfies typeof Op.AMOMINU_W:
        case 74 satisfies typeof Op.AMOMAXU_W:
        case 75 satisfies typeof Op.LR_D:
        case 76 satisfies typeof Op.SC_D:
        case 77 satisfies typeof Op.AMOSWAP_D:
        case 78 satisfies typeof Op.AMOADD_D:
        case 79 satisfies typeof Op.AMOXOR_D:
        case 80 satisfies typeof Op.AMOAND_D:
        case 81 satisfies typeof Op.AMOOR_D:
        case 82 satisfies typeof Op.AMOMIN_D:
        case 83 satisfies typeof Op.AMOMAX_D:
        case 84 satisfies typeof Op.AMOMINU_D:
        case 85 satisfies typeof Op.AMOMAXU_D:
          this.pcOff = pcOff
          if (!this.atomic(w & 0xff, d, a, b)) return this.finish(count - 1, this.stopReason)
          code = this.code
          i8 = this.i8
          u8 = this.u8
          i16 = this.i16
          u16 = this.u16
          i32 = this.i32
          break

        // ---- system ----
        case 90 satisfies typeof Op.CSRRS:
        case 91 satisfies typeof Op.CSRRC:
        case 92 satisfies typeof Op.CSRRSI:
        case 93 satisfies typeof Op.CSRRCI: {
          if (imm < Csr.CYCLE) {
            this.fpCsr(w & 0xff, imm, d, a)
            break
          }
          // cycle, time and instret all read the count of instructions retired before this one.
          const value = this.instretBase + count - 1
          r[d] = value >>> 0
          r[d + 1] = Math.floor(value / TWO_32)
          break
        }
        case 86 satisfies typeof Op.FENCE:
        case 87 satisfies typeof Op.FENCE_I:
          // One hart, sequentially consistent memory, and a decode cache kept coherent on every
          // store: nothing to order or flush.
          break
        case 88 satisfies typeof Op.ECALL:
          this.pcOff = pcOff
          this.syscalls++
          return this.finish(count - 1, { _tag: "Syscall", pc: this.pcNumber() })
        case 89 satisfies typeof Op.EBREAK:
          this.pcOff = pcOff
          this.raise("breakpoint", this.pcNumber())
          return this.finish(count - 1, this.stopReason)
        default:
          if ((w & 0xff) !== Op.ILLEGAL) {
            // The extensions: F, D, the FP CSRs, Zba, Zbb, Zbs.
            this.pcOff = pcOff
            if (!this.extension(w & 0xff, imm, d, a, b)) return this.finish(count - 1, this.stopReason)
            code = this.code
            i8 = this.i8
            u8 = this.u8
            i16 = this.i16
            u16 = this.u16
            i32 = this.i32
            break
          }
          // Op.ILLEGAL: the immediate holds the instruction bits.
          this.pcOff = pcOff
          this.raise("illegal-instruction", imm >>> 0)
          return this.finish(count - 1, this.stopReason)
      }
      pcOff += 2 + ((w >>> 23) & 2)
    }
  }
}

/** A fresh interpreter. */
export const make = (): CpuShape => new Interpreter()
