/**
 * The JIT engine: the kernel's `Cpu` that runs hot guest code as WebAssembly and everything else
 * on the reference interpreter. The stages, each in its own place:
 *
 *   1. Find hot code (here, `probe`): the interpreter runs cold code and reports every taken jump
 *      or branch, and where each indirect jump went; run starts and exits of compiled code count
 *      too. A pc entered `HOTNESS_THRESHOLD` times becomes a region entry.
 *   2. Build its control flow (`region.ts`): blocks and edges inside the entry's page and the
 *      page after any page with code (a region is entered only where each of its pages executes
 *      from the frame it was compiled from, and is dropped by writes to any of them).
 *   3. Emit (`emit.ts`, `wasm.ts`): one function per region, several regions per module.
 *   4. Install (here, `compile` / `install`): functions go into one shared function table; a
 *      region is entered through the dispatch table in linear memory (pc → table slot), filled
 *      when the entry is first looked up in the current address space and epoch, after checking
 *      that the entry's page still translates, for execution, to the frame the region was
 *      compiled from. Compiled code tail-calls the next region through the same table, so hot
 *      loops across regions never return to JavaScript.
 *   5. Invalidate (here, `drop*`): translations are position-independent and keyed by the physical
 *      address of their entry (shared by every address space executing the frame), validated
 *      against the current execute translation of their page whenever the dispatch table is
 *      refilled. The dispatch table, both TLBs and the translation caches are emptied
 *      whenever the epoch or the address space changes (unmap, protect, commit: the kernel bumps
 *      the epoch). Frames holding code never enter the store TLB, so a guest store to one leaves
 *      compiled code and the interpreter performs it; every store to code, the interpreter's or
 *      the atomic helper's, drops the translations compiled from the bytes written (and compiled
 *      code that wrote code through an AMO, or saw the epoch move in the helper, leaves right
 *      after it). The kernel's own writes to a code frame, or its freeing, drop all translations
 *      from it (`codeWritten`). So FENCE.I has nothing left to do, and code written then run is
 *      always the new code.
 *
 * Exactness: compiled code never raises an exception itself. A fault, ECALL, EBREAK or illegal
 * instruction leaves compiled code with precise registers and pc before the instruction, and the
 * interpreter runs it, producing exactly the interpreter's stop reason. Retired instructions are
 * counted exactly (instret, counter reads), and compiled code stops short of its budget where it
 * could overrun it, the interpreter running the rest, so `BudgetSpent` is exact too.
 * @internal
 */
import {
  Access,
  type CpuMemory,
  type CpuShape,
  type CpuStats,
  type CpuThread,
  PC_OFFSET,
  type StopReason
} from "@zxsim/kernel/Cpu"
import { isFloatingPoint, Op } from "../../Decoder.js"
import { INSTRET_OFFSET } from "../../RegisterFile.js"
import { Fpu } from "../fp/fpu.js"
import { Interpreter, type InterpreterHooks, YIELD } from "../interpreter.js"
import { FIRST_REGION, RegionEmitter, Status, TYPES } from "./emit.js"
import { FRAMES, type Layout, layoutAt, SITES_BYTES, State } from "./layout.js"
import {
  buildCfg,
  type Cfg,
  codeRanges,
  entryLoopRanges,
  Exit,
  innerLoopRanges,
  pageFrame,
  type Pages,
  rangesCover,
  stopsAnywhere,
  stopsAtEntries,
  stopsOutsideLoops
} from "./region.js"
import {
  BATCH_REGIONS,
  COMPILE_PATIENCE,
  COUNTER_SLOTS,
  DISPATCH_ENTRIES,
  HOTNESS_THRESHOLD,
  INDIRECT_SITES,
  INDIRECT_TARGETS,
  MAX_CHUNK,
  MAX_REGION_INSTRUCTIONS,
  RARE_ENTRY_INSTRUCTIONS,
  REGION_CORE_INSTRUCTIONS,
  TLB_ENTRIES,
  WARM_DIVISOR
} from "./tuning.js"
import { Bytes, encodeModule, type FuncDef, I32, Opcode as W } from "./wasm.js"

/** Options of a JIT (tests lower the thresholds so the code under test gets compiled). */
export interface JitOptions {
  /** Entries before a pc's region is compiled (default `HOTNESS_THRESHOLD`); 1 compiles on first sight. */
  readonly hotness?: number
  /** Regions per module at most (default `BATCH_REGIONS`). */
  readonly batch?: number
  /** Instructions per region at most (default `MAX_REGION_INSTRUCTIONS`). */
  readonly maxRegionInstructions?: number
  /** Interpreted instructions a hot region waits for others to share its module (default `COMPILE_PATIENCE`). */
  readonly patience?: number
}

const PAGE = 4096
const TWO_32 = 4294967296
const BUDGET_SPENT: StopReason = { _tag: "BudgetSpent" }
const UNCOMPILABLE = -(1 << 30)

type RegionFn = (registers: number, budget: number) => number
/** The trampoline every call from JavaScript goes through: one export whose call stays fast. */
/**
 * Entries filled since the last flush that a flush empties one by one; past this many, it empties
 * the tables whole (about as costly as resetting this many entries one at a time).
 */
const DIRTY_LIMIT = 1024

/**
 * Entries since the last flush (a new address space, or a change of mappings) before a pc that has
 * a compiled region runs compiled: code that runs once or twice, as a process's start-up does, is
 * cheaper interpreted than entered compiled, and a loop reaches this in its first iterations.
 */
const ENTER_AFTER = 8

/** Indirect jumps the ring holds between two builds of regions (see `noteIndirect`). */
const INDIRECT_RING = 16384

/** Slots of the per-flush entry counts (hashed by pc, as the hotness counters). */
const SEEN_SLOTS = 4096

type EnterFn = (slot: number, registers: number, budget: number) => number

const isRegionFn = (value: unknown): value is RegionFn => typeof value === "function"
const isEnterFn = (value: unknown): value is EnterFn => typeof value === "function"

/** `enter(slot, registers, budget)`: calls the region in table slot `slot`. */
const enterModule = (): Uint8Array<ArrayBuffer> => {
  const body = new Bytes(32)
  body.byte2(W.localGet, 1)
  body.byte2(W.localGet, 2)
  body.byte2(W.localGet, 0)
  body.byte(W.callIndirect)
  body.u32(0)
  body.u32(0)
  return encodeModule({
    types: [{ params: [I32, I32], results: [I32] }, { params: [I32, I32, I32], results: [I32] }],
    funcImports: [],
    funcs: [{ type: 1, locals: [], body }],
    exports: [["enter", 0]]
  })
}

/**
 * A compiled region. Its code is position-independent, so it is keyed by where its entry is in
 * physical memory (frame byte address + page offset): every address space executing that frame
 * uses it, wherever address-space randomization mapped the page.
 */
class Region {
  dead = false
  constructor(
    /** The frame byte address plus the entry's offset in the page. */
    readonly entry: number,
    readonly frame: number,
    /** Its other pages and their frames (`Pages`): where they must still execute from. */
    readonly pages: Pages,
    readonly slot: number,
    /**
     * Byte ranges it was compiled from, as [start, end) pairs of offsets from the start of the
     * entry's page (4096 and up in the next page).
     */
    readonly ranges: ReadonlyArray<number>,
    readonly instructions: number,
    /** The translation-cache slots (byte addresses) its code writes. */
    readonly sites: ReadonlyArray<number>,
    /** The ranges of its loops that do not pass through its entry (`innerLoopRanges`). */
    readonly inner: ReadonlyArray<number>,
    /** The ranges of the loop through its entry (`entryLoopRanges`). */
    readonly loop: ReadonlyArray<number>
  ) {}

  overlaps(start: number, end: number): boolean {
    const r = this.ranges
    for (let i = 0; i < r.length; i += 2) if (r[i] < end && start < r[i + 1]) return true
    return false
  }

  /** Whether it was compiled from any of `size` bytes at frame byte address `phys`. */
  compiledFrom(phys: number, size: number): boolean {
    const offset = phys & 0xfff
    const frame = phys - offset
    if (frame === this.frame && this.overlaps(offset, offset + size)) return true
    const pages = this.pages
    for (let i = 0; i < pages.length; i += 2) {
      const at = pages[i] * PAGE + offset
      if (pages[i + 1] === frame && this.overlaps(at, at + size)) return true
    }
    return false
  }

  /** The frames it was compiled from. */
  frames(): ReadonlyArray<number> {
    const frames = [this.frame]
    for (let i = 1; i < this.pages.length; i += 2) if (!frames.includes(this.pages[i])) frames.push(this.pages[i])
    return frames
  }
}

const toNumber = (lo: number, hi: number): number => (hi >>> 0) * TWO_32 + (lo >>> 0)

/**
 * A region entry to compile: its pc and the frame its page was executed from. Compiling from that
 * frame is right whatever happened since: a region is only ever entered after its page was found
 * to execute from the same frame, and the frame is watched from the moment it is read.
 */
interface Candidate {
  readonly pc: number
  readonly frame: number
}

/** The JIT. One per kernel; threads and address spaces come and go through `run`. */
export class Jit implements CpuShape {
  readonly name = "jit"
  private readonly interp = new Interpreter()
  /** The FP unit compiled code calls for what it does not do inline, and its integer registers (pairs of halves, x0's writes to the sink at 64). */
  private readonly fpu = new Fpu()
  private readonly floatX = new Int32Array(66)
  private readonly hotness: number
  /** Entries of a compiled pc since the last flush before it runs compiled ({@link ENTER_AFTER}, 0 when compiling on first sight). */
  private readonly enterAfter: number
  /** Entries since the last flush of pcs that have a region, hashed like the hotness counters; and which are non-zero. */
  private readonly seen = new Uint8Array(SEEN_SLOTS)
  private readonly seenDirty: Array<number> = []
  private readonly warmAt: number
  private readonly batch: number
  private readonly maxInstructions: number
  private readonly patience: number

  // ---- physical memory and the tables in it ------------------------------------------------------
  private memory: CpuMemory | null = null
  /** The tables' reservation in each memory this CPU has run on. */
  private readonly reservations = new WeakMap<CpuMemory, number>()
  private wasmMemory: WebAssembly.Memory | null = null
  private generation = -1
  private epoch = -1
  private asid = -1
  private layout: Layout = layoutAt(0)
  private i32 = new Int32Array(0)
  private u8 = new Uint8Array(0)
  private u16 = new Uint16Array(0)

  // ---- translations --------------------------------------------------------------------------------
  private table: WebAssembly.Table | null = null
  private enter: EnterFn = () => Exit.INTERPRET
  private freeSlots: Array<number> = []
  private slots = 0
  private readonly regionsByEntry = new Map<number, Region>()
  private readonly regionsByFrame = new Map<number, Set<Region>>()
  private readonly counters = new Int32Array(COUNTER_SLOTS)
  /** Non-zero where some region's entry has this page offset (halfword index): most probes need no map lookup. */
  private readonly entries = new Uint8Array(PAGE / 2)
  /** Entries entered often (not yet hot), with the frame their page executed from then. */
  private warm: Array<Candidate> = []
  /** Hot entries waiting to be compiled, and the interpreter's count when the first became hot. */
  private pending: Array<Candidate> = []
  /** Entries left out of a batch once because other code translated them (`coveredOnce`), with the instructions retired by then. */
  private readonly deferred = new Map<number, number>()
  /**
   * Where the interpreter saw each JALR go: site pc → target pcs (virtual addresses, so a profile
   * from another address space only makes edges that never match; the edges compare the computed
   * target, so none is ever wrong).
   */
  private readonly indirectTargets = new Map<number, Array<number>>()
  /** The latest indirect jumps, as (site, target) halves, not yet in `indirectTargets`. */
  private readonly indirectRing = new Int32Array(4 * INDIRECT_RING)
  private indirectNext = 0
  private pendingSince = 0
  /** Execute translations of virtual pages in the current epoch and address space. */
  private readonly execCache = new Map<number, number>()
  private emitter: RegionEmitter | null = null

  // ---- the running thread ---------------------------------------------------------------------------
  private thread: CpuThread | null = null

  // ---- counters ---------------------------------------------------------------------------------------
  private compiledRetired = 0
  /** Regions registered and neither dropped nor forgotten with their memory (counted: `stats` is read after every run). */
  private regionsLive = 0
  private compiledCalls = 0
  private regionsCompiled = 0
  private modulesCompiled = 0
  private wasmBytes = 0
  private regionsDropped = 0
  private helperCalls = 0
  private tlbMisses = 0
  private interpreterCalls = 0
  private translations = 0
  private dispatchFills = 0
  /** Since the last flush: TLB sets filled and dispatch entries installed (i32 indices), regions installed. */
  private readonly dirtyTlb: Array<number> = []
  private readonly dirtyDispatch: Array<number> = []
  private readonly entered = new Set<Region>()
  /** Set when the next flush must empty the tables whole (too much was filled, or new tables). */
  private flushAll = true

  constructor(options: JitOptions = {}) {
    this.hotness = Math.max(1, Math.floor(options.hotness ?? HOTNESS_THRESHOLD))
    this.warmAt = Math.max(1, Math.floor(this.hotness / WARM_DIVISOR))
    this.enterAfter = Math.min(ENTER_AFTER, this.hotness - 1)
    this.batch = Math.max(1, Math.floor(options.batch ?? BATCH_REGIONS))
    this.maxInstructions = Math.max(1, Math.floor(options.maxRegionInstructions ?? MAX_REGION_INSTRUCTIONS))
    this.patience = Math.max(0, options.patience ?? COMPILE_PATIENCE)
    const hooks: InterpreterHooks = {
      transfer: (lo, hi) => {
        // Stop the interpreter at compiled code, and whenever this call changed the epoch or
        // grew the memory (the interpreter's caches would be stale).
        const memory = this.memory!
        const epoch = memory.epoch
        const generation = memory.generation
        return this.probe(lo, hi) >= 0 || memory.epoch !== epoch || memory.generation !== generation
      },
      indirect: (siteLo, siteHi, targetLo, targetHi) => this.noteIndirect(siteLo, siteHi, targetLo, targetHi),
      translated: (lo, hi, access, phys) => {
        // Only while the tables are this memory's and current (a translation may have moved the
        // epoch: the interpreter's own check comes first).
        if ((hi >>> 0) < 0x200000 && this.memory!.epoch === this.epoch && this.i32.length > 0) {
          this.fillEntry(lo, hi, access, phys)
        }
      },
      armed: (frame) => this.dropFromWriteTlb(frame),
      codeStored: (phys, size) => this.dropOverlapping(phys, size)
    }
    this.interp.hooks = hooks
  }

  readonly stats = (): CpuStats => {
    const interpreter = this.interp.stats()
    return {
      instructions: interpreter.instructions + this.compiledRetired,
      interpretedInstructions: interpreter.instructions,
      compiledInstructions: this.compiledRetired,
      compiledCalls: this.compiledCalls,
      regionEntries: this.i32.length > 0 ? this.i32[(this.layout.state + 40) >>> 2] : 0,
      regionsCompiled: this.regionsCompiled,
      regionsLive: this.regionsLive,
      regionsDropped: this.regionsDropped,
      modulesCompiled: this.modulesCompiled,
      wasmBytes: this.wasmBytes,
      helperCalls: this.helperCalls,
      tlbMisses: this.tlbMisses,
      interpreterCalls: this.interpreterCalls,
      dispatchFills: this.dispatchFills,
      translations: this.translations + interpreter.translations,
      syscalls: interpreter.syscalls,
      exceptions: interpreter.exceptions
    }
  }

  /**
   * Drops the translations to the zero frame (byte address 0), a page read as zeros having got a
   * frame of its own: the interpreter's, the execute translations, the load TLB's entries and the
   * load translation caches holding it. (Never called while compiled code runs: only the engine
   * translates.)
   */
  readonly zeroFrameReplaced = (): void => {
    this.interp.zeroFrameReplaced()
    for (const [page, phys] of this.execCache) if (phys === 0) this.execCache.delete(page)
    if (this.i32.length === 0) return
    const i32 = this.i32
    // Load TLB ways: { tag: i64, addend: i32, frame: i32 }.
    const tlb = this.layout.readTlb >>> 2
    for (let e = tlb; e < tlb + TLB_ENTRIES * 8; e += 4) {
      if (i32[e + 3] === 0) i32[e] = i32[e + 1] = -1
    }
    // Load translation caches: { page: i64, addend: i32 }; the frame is page + addend (mod 2^32).
    const sites = this.layout.readSites >>> 2
    for (let e = sites; e < sites + SITES_BYTES / 4; e += 4) {
      if (((i32[e] + i32[e + 2]) | 0) === 0) i32[e] = i32[e + 1] = -1
    }
  }

  readonly codeWritten = (frame: number): void => {
    this.dropFrame(frame)
    this.interp.codeWritten(frame)
    // Candidates read from the frame later would arm a frame that may hold data by then.
    const phys = frame * PAGE
    if (this.pending.some((c) => c.frame === phys)) this.pending = this.pending.filter((c) => c.frame !== phys)
    if (this.warm.some((c) => c.frame === phys)) this.warm = this.warm.filter((c) => c.frame !== phys)
  }

  // ---- memory plumbing ---------------------------------------------------------------------------------

  private refreshViews(): void {
    const buffer = this.memory!.memory.buffer
    this.i32 = new Int32Array(buffer)
    this.u8 = new Uint8Array(buffer)
    this.u16 = new Uint16Array(buffer)
    this.generation = this.memory!.generation
    // Compiled LR and SC use the reservation where the interpreter keeps it.
    this.interp.bindReservation(this.i32, (this.layout.state + State.RESERVATION) >>> 2)
  }

  /**
   * Empties both TLBs, the translation caches, the dispatch table and the execute translations.
   * Only what was filled since the last flush is emptied (the TLB sets filled, the dispatch entries
   * installed, the cache slots of the regions installed), unless that is more than a whole flush
   * costs: a process that runs briefly, as most of a spawn's do, pays for the few entries it used,
   * not for the 256 KiB of tables.
   */
  private flushTranslations(): void {
    const l = this.layout
    if (this.flushAll) {
      this.u8.fill(0xff, l.readTlb, l.dispatch + DISPATCH_ENTRIES * 16)
    } else {
      const i32 = this.i32
      for (const e of this.dirtyTlb) i32.fill(-1, e, e + 8)
      for (const e of this.dirtyDispatch) i32.fill(-1, e, e + 4)
      for (const region of this.entered) for (const site of region.sites) i32.fill(-1, site >>> 2, (site >>> 2) + 4)
    }
    this.dirtyTlb.length = 0
    this.dirtyDispatch.length = 0
    this.entered.clear()
    this.flushAll = false
    this.execCache.clear()
    if (this.seenDirty.length > SEEN_SLOTS / 8) this.seen.fill(0)
    else for (const s of this.seenDirty) this.seen[s] = 0
    this.seenDirty.length = 0
  }

  /** Notes that TLB set `e` (an i32 index) or dispatch entry `e` was filled, for the next flush. */
  private dirtied(list: Array<number>, e: number): void {
    if (this.flushAll) return
    if (list.length >= DIRTY_LIMIT) this.flushAll = true
    else list.push(e)
  }

  private flushDispatch(): void {
    const l = this.layout
    this.u8.fill(0xff, l.dispatch, l.dispatch + DISPATCH_ENTRIES * 16)
  }

  /** Starts over on a new physical memory: tables reserved in it, no translations. */
  private adopt(memory: CpuMemory): void {
    this.deferred.clear()
    for (const set of this.regionsByFrame.values()) for (const region of set) region.dead = true
    this.regionsLive = 0
    this.regionsByEntry.clear()
    this.regionsByFrame.clear()
    this.counters.fill(0)
    this.entries.fill(0)
    this.warm = []
    this.pending = []
    this.memory = memory
    this.wasmMemory = memory.memory
    // One reservation per memory for the CPU's life: a CPU that goes back to a kernel it ran
    // before reuses its tables there instead of taking more of that memory's CPU allowance.
    let base = this.reservations.get(memory)
    if (base === undefined) {
      base = memory.reserve(FRAMES)
      this.reservations.set(memory, base)
    }
    this.layout = layoutAt(base)
    this.flushAll = true
    this.emitter = new RegionEmitter(this.layout)
    this.table = new WebAssembly.Table({ element: "anyfunc", initial: 64 })
    const enter = new WebAssembly.Instance(new WebAssembly.Module(enterModule()), {
      env: { memory: memory.memory, table: this.table }
    }).exports["enter"]
    if (!isEnterFn(enter)) throw new Error("jit: the enter export is not a function")
    this.enter = enter
    this.slots = 0
    this.freeSlots = []
    this.refreshViews()
    this.flushTranslations()
    this.epoch = memory.epoch
    this.asid = -1
  }

  private attach(thread: CpuThread): void {
    const memory = thread.memory
    if (memory !== this.memory || memory.memory !== this.wasmMemory) this.adopt(memory)
    if (memory.generation !== this.generation || this.i32.buffer !== memory.memory.buffer) this.refreshViews()
    if (memory.epoch !== this.epoch || thread.addressSpace.id !== this.asid) {
      this.flushTranslations()
      this.epoch = memory.epoch
      this.asid = thread.addressSpace.id
    }
    this.thread = thread
    this.interp.attach(thread)
  }

  /** After anything that may have changed the memory or the epoch. */
  private sync(): void {
    const memory = this.memory!
    if (memory.generation !== this.generation) {
      this.refreshViews()
    }
    if (memory.epoch !== this.epoch) {
      this.flushTranslations()
      this.epoch = memory.epoch
    }
  }

  private translate(lo: number, hi: number, access: number): number {
    // Addresses at or above 2^53 are never mapped (the interpreter's rule).
    if ((hi >>> 0) >= 0x200000) return -1
    this.translations++
    const result = this.thread!.addressSpace.translate(toNumber(lo, hi), access)
    this.sync()
    return result
  }

  /** The frame byte address executing `pc`'s page, or a negative fault. */
  private execFrame(lo: number, hi: number): number {
    const page = toNumber(lo, hi) / PAGE
    const vpage = Math.floor(page)
    const cached = this.execCache.get(vpage)
    if (cached !== undefined) return cached
    const phys = this.translate(lo & ~0xfff, hi, Access.EXECUTE)
    if (phys >= 0) this.execCache.set(vpage, phys)
    return phys
  }

  // ---- stage 1: finding hot code -------------------------------------------------------------------------

  /**
   * The function-table slot of the region to enter at pc (hi:lo), or -1: from the dispatch table,
   * else from the translations (validated and installed), else by compiling it if pc just became
   * hot.
   */
  private probe(lo: number, hi: number): number {
    // The interpreter may have moved the epoch or grown the memory since the last look.
    this.sync()
    if ((lo & 1) !== 0 || (hi >>> 0) >= 0x200000) return -1
    const i32 = this.i32
    const e = (this.layout.dispatch >>> 2) + (((lo >>> 1) & (DISPATCH_ENTRIES - 1)) << 2)
    if (i32[e] === lo && i32[e + 1] === hi) return i32[e + 2]
    const pc = toNumber(lo, hi)
    const slot = (lo >>> 1) & (COUNTER_SLOTS - 1)
    const offset = lo & 0xfff
    if (this.entries[offset >>> 1] !== 0) {
      // Code entered only a few times in an address space costs less interpreted than entered
      // compiled (installing, translating its page, filling TLB entries on the way), as in the
      // start-up of a short-lived process: a region is used from its pc's ENTER_AFTER-th entry
      // since the last flush on.
      const s = slot & (SEEN_SLOTS - 1)
      if (this.seen[s] < this.enterAfter) {
        if (this.seen[s]++ === 0) this.seenDirty.push(s)
        return -1
      }
      const frame = this.execFrame(lo, hi)
      const region = frame < 0 ? undefined : this.regionsByEntry.get(frame + offset)
      if (region !== undefined && this.pagesMatch(region, lo, hi)) {
        this.install(region, lo, hi)
        return region.slot
      }
    }
    const count = ++this.counters[slot]
    if (count < this.warmAt) return -1
    // Warm or hot: pc is being entered, so its page's execute translation is needed anyway.
    const frame = this.execFrame(lo, hi)
    if (frame < 0) return -1
    if (count < this.hotness) {
      if (count === this.warmAt) {
        if (this.warm.length >= 4 * this.batch) this.warm.shift()
        this.warm.push({ pc, frame })
      }
      return -1
    }
    if (!this.pending.some((c) => c.pc === pc && c.frame === frame)) {
      if (this.pending.length === 0) this.pendingSince = this.interp.retiredInstructions
      this.pending.push({ pc, frame })
    }
    if (this.pending.length < this.batch && this.interp.retiredInstructions - this.pendingSince < this.patience) {
      return -1
    }
    this.compilePending()
    const compiled = this.regionsByEntry.get(frame + offset)
    if (compiled === undefined || !this.pagesMatch(compiled, lo, hi)) return -1
    this.install(compiled, lo, hi)
    return compiled.slot
  }

  /**
   * Whether the region's other pages (relative to pc's, hi:lo) execute, in this address space, from
   * the frames `region` was compiled from (always, for a region inside one page). A region that no
   * longer fits is dropped, so this address space compiles its own when the code is hot.
   */
  private pagesMatch(region: Region, lo: number, hi: number): boolean {
    const pages = region.pages
    if (pages.length === 0) return true
    const pagePc = toNumber(lo & ~0xfff, hi)
    let fits = !region.dead
    for (let i = 0; fits && i < pages.length; i += 2) fits = this.pageFrameAt(pagePc + pages[i] * PAGE) === pages[i + 1]
    if (fits) return true
    this.drop(region)
    this.flushDispatch()
    return false
  }

  /** The frame byte address the page at virtual address `page` executes from, or negative. */
  private pageFrameAt(page: number): number {
    if (page < 0 || page >= 2 ** 53) return -1
    return this.execFrame(page % TWO_32 | 0, Math.floor(page / TWO_32))
  }

  /** Enters `region` in the dispatch table for the pc (hi:lo) of this address space. */
  private install(region: Region, lo: number, hi: number): void {
    const i32 = this.i32
    const e = (this.layout.dispatch >>> 2) + (((lo >>> 1) & (DISPATCH_ENTRIES - 1)) << 2)
    i32[e] = lo
    i32[e + 1] = hi
    i32[e + 2] = region.slot
    this.dispatchFills++
    // Compiled code runs only through installed entries: these are the regions whose cache slots
    // may hold translations of this epoch.
    this.dirtied(this.dirtyDispatch, e)
    if (!this.flushAll) this.entered.add(region)
  }

  // ---- stages 2–4: building, emitting and installing regions ----------------------------------------------

  /**
   * Compiles the pending hot regions, and warm ones up to the batch size, into one module. An
   * entry whose first instruction cannot be translated is marked so it is never tried again.
   */
  private compilePending(): void {
    this.takeIndirect()
    const batch: Array<{ readonly pc: number; readonly frame: number; readonly cfg: Cfg }> = []
    // Candidates taken, left out ones included: a batch holds hot spots and then warm ones up to
    // its size, and a spot left out does not make room for another warm one.
    const taken = new Set<number>()
    // Entries hot again only long after they were left out (see RARE_ENTRY_INSTRUCTIONS).
    const rare = new Set<number>()
    const consider = ({ frame, pc }: Candidate): void => {
      const entry = frame + (pc % PAGE)
      if (taken.size >= this.batch || taken.has(entry)) return
      const counter = ((pc % TWO_32) >>> 1) & (COUNTER_SLOTS - 1)
      if (this.regionsByEntry.has(entry)) return
      taken.add(entry)
      const leftOutAt = this.deferred.get(entry)
      // Decided before building: a left-out candidate's region would be built for nothing.
      if (this.coveredOnce(entry, batch)) {
        this.counters[counter] = 0
        return
      }
      const cfg = this.cfgAt(pc, frame)
      if (cfg === null) {
        this.counters[counter] = UNCOMPILABLE
        return
      }
      this.counters[counter] = 0
      if (leftOutAt !== undefined && this.retired() - leftOutAt >= this.hotness * RARE_ENTRY_INSTRUCTIONS) {
        rare.add(entry)
      }
      batch.push({ pc, frame, cfg })
    }
    const pending = this.pending
    const warm = this.warm
    this.pending = []
    this.warm = []
    for (const candidate of pending) consider(candidate)
    for (const candidate of warm) consider(candidate)
    if (batch.length === 0) return
    // Each region stops where another begins (live, or compiled in this batch), except inside its
    // own loops, which stay whole (a transition per iteration costs more than the copy).
    const entries = new Set(batch.map((item) => item.frame + (item.pc % PAGE)))
    const isEntry = (phys: number): boolean => entries.has(phys) || this.regionsByEntry.has(phys)
    const emitter = this.emitter!
    const funcs: Array<FuncDef> = []
    const sites: Array<ReadonlyArray<number>> = []
    const codeCaches = this.interp.codeCaches
    for (let i = 0; i < batch.length; i++) {
      // Entered rarely, on the loop that a region compiled before it runs (live, or emitted
      // earlier in the batch): it runs up to that region, not the whole loop again.
      const entry = batch[i].frame + (batch[i].pc % PAGE)
      const stop = rare.has(entry) && this.onLoopOfAnother(entry, batch.slice(0, i))
        ? stopsAtEntries(batch[i].cfg, isEntry, REGION_CORE_INSTRUCTIONS)
        : stopsOutsideLoops(batch[i].cfg, isEntry, REGION_CORE_INSTRUCTIONS)
      // Building a region costs about a microsecond per instruction: only again if it changes.
      if (stopsAnywhere(batch[i].cfg, batch[i].frame, stop)) {
        const cfg = this.cfgAt(batch[i].pc, batch[i].frame, stop)
        if (cfg !== null) batch[i] = { ...batch[i], cfg }
      }
      const item = batch[i]
      // The interpreter decoded (so ran) an instruction when its code cache holds it.
      const ran = (offset: number): boolean => {
        const delta = Math.floor(offset / PAGE)
        const frame = pageFrame(item.frame, item.cfg.pages, delta)
        const cache = frame < 0 ? undefined : codeCaches.get(frame / PAGE)
        return cache !== undefined && cache[offset - delta * PAGE] !== 0
      }
      funcs.push(emitter.emit(item.cfg, ran))
      sites.push(emitter.siteSlots())
    }
    const exports: Array<readonly [string, number]> = batch.map((_, i) => [`r${i}`, FIRST_REGION + i])
    const bytes = encodeModule({
      types: TYPES,
      funcImports: [{ module: "env", name: "float", type: 1 }],
      funcs,
      exports
    })
    const module = new WebAssembly.Module(bytes)
    const instance = new WebAssembly.Instance(module, {
      env: { memory: this.wasmMemory!, table: this.table!, float: this.float }
    })
    this.modulesCompiled++
    this.wasmBytes += bytes.length
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]
      const fn = instance.exports[`r${i}`]
      if (!isRegionFn(fn)) throw new Error("jit: region export is not a function")
      const slot = this.allocateSlot()
      this.table!.set(slot, fn)
      this.register(
        new Region(
          item.frame + (item.pc % PAGE),
          item.frame,
          item.cfg.pages,
          slot,
          codeRanges(item.cfg),
          item.cfg.instructions,
          sites[i],
          innerLoopRanges(item.cfg),
          entryLoopRanges(item.cfg)
        )
      )
    }
  }

  /**
   * Whether to leave the candidate at physical address `entry` out of this batch: its entry is
   * code that a region already in `batch`, or a live region, translates, and it was not left out
   * for that before (each is left out once; the next time it is hot, it is compiled). A pc
   * becomes hot by being entered from the interpreter, and while a loop is still interpreted every
   * branch target inside it is entered as often as its head: compiled, each would be another copy
   * of the loop (lexer compiled 12 times more instructions than it has), or, in code a function
   * runs once per call, another region to pass through on every call (the region of the function
   * stops where another begins). Once that code runs compiled those targets are no longer entered
   * at all; a real entry (a return site, code after the loop) is entered through the dispatcher,
   * becomes hot again, and is compiled the second time. Not left out: targets on a loop of that
   * region that does not pass through its entry, since an interpreter inside such a loop (an inner
   * loop of the region's own) reaches the region only after the loop ends. Compiling on first
   * sight (`hotness` 1) means every entry: nothing waits then. Decided before the candidate's
   * region is built, since building costs about a microsecond per instruction.
   */
  private coveredOnce(
    entry: number,
    batch: ReadonlyArray<{ readonly pc: number; readonly frame: number; readonly cfg: Cfg }>
  ): boolean {
    if (this.hotness > 1 && !this.deferred.has(entry) && this.translatedElsewhere(entry, batch)) {
      this.deferred.set(entry, this.retired())
      return true
    }
    this.deferred.delete(entry)
    return false
  }

  /**
   * Whether physical address `entry` starts an instruction one of `items` or a live region
   * translates, outside the loops of that region that do not pass through its entry (an
   * interpreter inside such a loop would not reach the region before the loop ends).
   */
  private translatedElsewhere(
    entry: number,
    items: ReadonlyArray<{ readonly pc: number; readonly frame: number; readonly cfg: Cfg }>
  ): boolean {
    const covers = (frame: number, pages: Pages, ranges: ReadonlyArray<number>, inner: ReadonlyArray<number>) =>
      rangesCover(frame, pages, ranges, entry) && !rangesCover(frame, pages, inner, entry)
    for (const item of items) {
      if (covers(item.frame, item.cfg.pages, codeRanges(item.cfg), innerLoopRanges(item.cfg))) return true
    }
    const live = this.regionsByFrame.get(Math.floor(entry / PAGE))
    if (live !== undefined) {
      for (const region of live) if (covers(region.frame, region.pages, region.ranges, region.inner)) return true
    }
    return false
  }

  /** Instructions retired so far (the interpreter's and compiled code's, as of the last exit). */
  private retired(): number {
    return this.interp.retiredInstructions + this.compiledRetired
  }

  /**
   * Whether physical address `entry` starts an instruction on the loop through the entry of one
   * of `items` (emitted already) or of a live region: the loop its compiled code runs, after the
   * emitter cut what leaves it.
   */
  private onLoopOfAnother(
    entry: number,
    items: ReadonlyArray<{ readonly pc: number; readonly frame: number; readonly cfg: Cfg }>
  ): boolean {
    for (const item of items) if (rangesCover(item.frame, item.cfg.pages, entryLoopRanges(item.cfg), entry)) return true
    const live = this.regionsByFrame.get(Math.floor(entry / PAGE))
    if (live !== undefined) {
      for (const region of live) if (rangesCover(region.frame, region.pages, region.loop, entry)) return true
    }
    return false
  }

  /**
   * Remembers that the JALR at site (hi:lo) jumped to target (hi:lo): into a ring of the latest
   * jumps, read when regions are built (`takeIndirect`). The interpreter calls this for every JALR
   * but returns, so it must cost next to nothing: a short-lived process runs most of its code
   * interpreted, and recording each call straight into a map cost the spawn benchmark 2% of its
   * time.
   */
  private noteIndirect(siteLo: number, siteHi: number, targetLo: number, targetHi: number): void {
    const e = (this.indirectNext++ & (INDIRECT_RING - 1)) << 2
    const ring = this.indirectRing
    ring[e] = siteLo
    ring[e + 1] = siteHi
    ring[e + 2] = targetLo
    ring[e + 3] = targetHi
  }

  /** Moves the jumps in the ring into the per-site targets (those near enough to share a region). */
  private takeIndirect(): void {
    const count = Math.min(this.indirectNext, INDIRECT_RING)
    const ring = this.indirectRing
    for (let i = this.indirectNext - count; i < this.indirectNext; i++) {
      const e = (i & (INDIRECT_RING - 1)) << 2
      const site = toNumber(ring[e], ring[e + 1])
      const target = toNumber(ring[e + 2], ring[e + 3])
      if (Math.abs(target - site) >= 2 * PAGE) continue
      let targets = this.indirectTargets.get(site)
      if (targets === undefined) {
        if (this.indirectTargets.size >= INDIRECT_SITES) this.indirectTargets.clear()
        targets = []
        this.indirectTargets.set(site, targets)
      }
      if (targets.length < INDIRECT_TARGETS && !targets.includes(target)) targets.push(target)
    }
    this.indirectNext = 0
  }

  private cfgAt(pc: number, frame: number, stop?: (offset: number, phys: number) => boolean): Cfg | null {
    const offset = pc % PAGE
    const pagePc = pc - offset
    const indirect = (site: number): ReadonlyArray<number> => {
      const targets = this.indirectTargets.get(pagePc + site)
      return targets === undefined ? [] : targets.map((target) => target - pagePc)
    }
    return buildCfg(
      () => this.u16,
      frame,
      pagePc,
      offset,
      this.maxInstructions,
      (delta) => this.pageFrameAt(pagePc + delta * PAGE),
      stop,
      indirect
    )
  }

  private allocateSlot(): number {
    const free = this.freeSlots.pop()
    if (free !== undefined) return free
    const slot = this.slots++
    const table = this.table!
    if (slot >= table.length) table.grow(Math.max(64, table.length))
    return slot
  }

  /** Records a region and arms its frame (watched by the kernel, never in the store TLB). */
  private register(region: Region): void {
    this.regionsByEntry.set(region.entry, region)
    this.entries[(region.entry & 0xfff) >>> 1] = 1
    for (const frame of region.frames()) {
      const frameNumber = frame >>> 12
      let set = this.regionsByFrame.get(frameNumber)
      if (set === undefined) {
        set = new Set()
        this.regionsByFrame.set(frameNumber, set)
      }
      set.add(region)
      this.interp.codeCacheFor(frame)
    }
    this.regionsCompiled++
    this.regionsLive++
  }

  // ---- stage 5: invalidation -----------------------------------------------------------------------------

  private drop(region: Region): void {
    if (region.dead) return
    region.dead = true
    if (this.regionsByEntry.get(region.entry) === region) this.regionsByEntry.delete(region.entry)
    for (const frame of region.frames()) {
      const set = this.regionsByFrame.get(frame >>> 12)
      if (set !== undefined) {
        set.delete(region)
        if (set.size === 0) this.regionsByFrame.delete(frame >>> 12)
      }
    }
    this.table!.set(region.slot, null)
    this.freeSlots.push(region.slot)
    this.regionsDropped++
    this.regionsLive--
  }

  /** Drops every translation made from `frame` (the kernel is about to write or free it). */
  private dropFrame(frame: number): void {
    const set = this.regionsByFrame.get(frame)
    if (set === undefined) return
    for (const region of [...set]) this.drop(region)
    this.flushDispatch()
  }

  /** Drops the translations compiled from any of `size` bytes written at `phys`. */
  private dropOverlapping(phys: number, size: number): void {
    const set = this.regionsByFrame.get(phys >>> 12)
    if (set === undefined) return
    let dropped = false
    for (const region of [...set]) {
      if (region.compiledFrom(phys, size)) {
        this.drop(region)
        dropped = true
      }
    }
    if (dropped) this.flushDispatch()
  }

  /** A frame became code: stores to it must take the slow path from now on. */
  private dropFromWriteTlb(frame: number): void {
    if (this.memory === null) return
    // The store caches do not record frames: empty them all (frames rarely become code).
    this.u8.fill(0xff, this.layout.writeSites, this.layout.writeSites + SITES_BYTES)
    const i32 = this.i32
    const base = this.layout.writeTlb >>> 2
    const phys = (frame * PAGE) | 0
    for (let i = 0; i < 2 * TLB_ENTRIES; i++) {
      const e = base + 4 * i
      if (i32[e + 3] === phys) {
        i32[e] = -1
        i32[e + 1] = -1
      }
    }
  }

  // ---- helpers called by compiled code ------------------------------------------------------------------

  /**
   * The physical address of (hi:lo) for `access`, filling the TLB; -1 on a fault. Code frames
   * never enter the store TLB.
   */
  private dataPage(lo: number, hi: number, access: number): number {
    const phys = this.translate(lo, hi, access)
    if (phys < 0) return -1
    this.fillEntry(lo, hi, access, phys)
    return phys + (lo & 0xfff)
  }

  /** Enters the translation of (hi:lo)'s page to frame `phys` for `access` in the TLB. */
  private fillEntry(lo: number, hi: number, access: number, phys: number): void {
    const write = access === Access.WRITE
    if (!write || !this.interp.codeCaches.has(phys / PAGE)) {
      // Two ways per set: the newest entry goes to way 0, the one it displaces to way 1.
      const vpnLo = (lo >>> 12) | (hi << 20)
      const e = ((write ? this.layout.writeTlb : this.layout.readTlb) >>> 2) + ((vpnLo & (TLB_ENTRIES - 1)) << 3)
      const i32 = this.i32
      if (i32[e] !== vpnLo || i32[e + 1] !== hi >>> 12) {
        i32[e + 4] = i32[e]
        i32[e + 5] = i32[e + 1]
        i32[e + 6] = i32[e + 2]
        i32[e + 7] = i32[e + 3]
      }
      i32[e] = vpnLo
      i32[e + 1] = hi >>> 12
      i32[e + 2] = (phys - (lo & ~0xfff)) | 0
      i32[e + 3] = phys | 0
      this.dirtied(this.dirtyTlb, e)
    }
  }

  private setValue(lo: number, hi: number): void {
    const e = (this.layout.state + State.VALUE) >>> 2
    this.i32[e] = lo
    this.i32[e + 1] = hi
  }

  /**
   * After compiled code left on a TLB miss: fills the entry for the access it recorded (unless it
   * crosses a page, faults, or stores to code: the interpreter runs those every time).
   */
  private fillTlb(): void {
    const state = this.layout.state >>> 2
    const info = this.i32[state + (State.FILL_ACCESS >>> 2)]
    if (info === 0) return
    this.tlbMisses++
    this.i32[state + (State.FILL_ACCESS >>> 2)] = 0
    const lo = this.i32[state + (State.FILL_ADDRESS >>> 2)]
    const hi = this.i32[state + (State.FILL_ADDRESS >>> 2) + 1]
    const size = info >>> 2
    if ((lo & 0xfff) + size > PAGE) return
    this.dataPage(lo, hi, info & 3)
  }

  /**
   * An access to `fflags`, `frm` or `fcsr` (`Fpu.csr`), or an F or D operation other than loads,
   * stores, moves, the double-precision sign injections and the fast paths, on the running
   * thread's register file, by the interpreter's FP unit (`Fpu.exec`):
   * x[rs1] is (hi:lo) when the operation reads it; an x result goes to the state's value. A
   * reserved rounding mode changes nothing and answers FAULT (the interpreter then raises the
   * illegal instruction).
   */
  private readonly float = (
    op: number,
    imm: number,
    rd: number,
    rs1: number,
    rs2: number,
    lo: number,
    hi: number
  ): number => {
    this.helperCalls++
    this.fpu.attach(this.i32, this.thread!.registers)
    if (!isFloatingPoint(op)) {
      // An FP CSR (imm): the immediate forms' source is the rs1 field itself; CSRRS and CSRRC
      // with x0 or 0 do not write.
      const immediate = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI
      const writes = op === Op.CSRRW || op === Op.CSRRWI || rs1 !== 0
      this.setValue(this.fpu.csr(op, imm, immediate ? rs1 : lo, writes), 0)
      return Status.OK
    }
    const x = this.floatX
    x[2 * rs1] = lo
    x[2 * rs1 + 1] = hi
    const d = rd === 0 ? 64 : 2 * rd
    if (!this.fpu.exec(op, imm, d, 2 * rs1, 2 * rs2, x)) return Status.FAULT
    this.setValue(x[d], x[d + 1])
    return Status.OK
  }

  // ---- the run loop ---------------------------------------------------------------------------------------

  private instret(): number {
    const e = (this.thread!.registers + INSTRET_OFFSET) >>> 2
    return (this.i32[e] >>> 0) + (this.i32[e + 1] >>> 0) * TWO_32
  }

  private setInstret(value: number): void {
    const e = (this.thread!.registers + INSTRET_OFFSET) >>> 2
    this.i32[e] = value % TWO_32 | 0
    this.i32[e + 1] = Math.floor(value / TWO_32)
  }

  readonly run = (thread: CpuThread, budget: number): StopReason => {
    this.attach(thread)
    const interp = this.interp
    // A reservation never survives a context switch.
    interp.reserved = false
    const rf = thread.registers
    const pcIndex = (rf + PC_OFFSET) >>> 2
    let remaining = budget > 0 ? Math.floor(budget) : 0
    // An odd pc (only a host can set one) and an empty budget: the interpreter says what happens.
    if ((this.i32[pcIndex] & 1) !== 0 || remaining <= 0) return interp.runSlice(thread, remaining, true, false)
    let interpret = false
    let tail = false
    for (;;) {
      if (remaining <= 0) {
        this.thread = null
        return BUDGET_SPENT
      }
      // Compiled code stops where it could overrun its budget; the interpreter runs what is
      // left of it (less than a region's worth), so every stop is exact.
      if (!interpret && !tail) {
        const slot = this.probe(this.i32[pcIndex], this.i32[pcIndex + 1])
        if (slot >= 0) {
          const chunk = Math.min(remaining, MAX_CHUNK)
          const before = this.instret()
          const bias = before + chunk
          const biasIndex = (this.layout.state + State.INSTRET_BIAS) >>> 2
          this.i32[biasIndex] = bias % TWO_32 | 0
          this.i32[biasIndex + 1] = Math.floor(bias / TWO_32)
          this.compiledCalls++
          const why = this.enter(slot, rf, chunk)
          if (this.memory!.generation !== this.generation) this.refreshViews()
          const retired = chunk - this.i32[(this.layout.state + State.BUDGET_LEFT) >>> 2]
          this.setInstret(before + retired)
          this.compiledRetired += retired
          remaining -= retired
          interpret = why === Exit.INTERPRET
          if (interpret) this.fillTlb()
          // Stopped short of the budget (less than a region's worth left): the rest goes to the
          // interpreter, without yields. (A budget above MAX_CHUNK comes back here for more.)
          else if (why === Exit.BUDGET) tail = remaining < 4096
          continue
        }
      }
      interpret = false
      const before = this.instret()
      this.interpreterCalls++
      const stop = interp.runSlice(thread, remaining, true, !tail)
      if (this.memory!.generation !== this.generation) this.refreshViews()
      remaining -= this.instret() - before
      if (stop === YIELD) continue
      this.thread = null
      return stop
    }
  }
}
