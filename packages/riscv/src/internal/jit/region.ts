/**
 * Stage 2 of the JIT: build a region's control flow. Starting at a hot pc, decode the code
 * reachable through fall-throughs, direct jumps and branches, and the targets the interpreter saw
 * its indirect jumps take, inside the entry's page and the page after any page it has code in
 * (when that one executes; at most `REGION_PAGES`, bounded by `MAX_REGION_INSTRUCTIONS`), and cut
 * it into basic blocks with edges; returns get edges to the return sites of the calls that reach
 * them. Everything the region does not translate becomes an exit edge: to the dispatcher (a jump
 * or fall-through leaving the pages, an indirect jump to a target not seen, the instruction limit)
 * or to the interpreter (ECALL, EBREAK, illegal encodings, operations not compiled yet, an
 * instruction straddling into a page that does not execute), which then runs that instruction
 * itself so its stop reason is exactly the interpreter's.
 * @internal
 */
import {
  DecodedInstruction,
  decodeInto,
  fpReadsX,
  fpWritesX,
  isBitManipulation,
  isFloatingPoint,
  Op
} from "../../Decoder.js"

const PAGE = 4096

/**
 * Pages a region may span: its entry's page and the page after each page it has code in, so a
 * function or a 4-byte instruction running over a page end stays compiled.
 */
export const REGION_PAGES = 3

/**
 * The pages of a region other than its entry's, as flat pairs `[delta, frame, …]`: the page
 * `delta` pages after the entry's (negative: before it) executes from the frame at byte address
 * `frame`. A region is valid only in an address space where each still does.
 */
export type Pages = ReadonlyArray<number>

/**
 * The frame byte address of the page `delta` pages from a region's entry page (`frame` for 0),
 * or -1 when the region has no code there.
 */
export const pageFrame = (frame: number, pages: Pages, delta: number): number => {
  if (delta === 0) return frame
  for (let i = 0; i < pages.length; i += 2) if (pages[i] === delta) return pages[i + 1]
  return -1
}

/**
 * Whether the physical address `phys` lies in one of `ranges` (`[start, end)` offsets from a
 * region's entry page, which may run over page ends) of a region entered in `frame` with `pages`.
 */
export const rangesCover = (frame: number, pages: Pages, ranges: ReadonlyArray<number>, phys: number): boolean => {
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r]
    const end = ranges[r + 1]
    for (let delta = Math.floor(start / PAGE); delta * PAGE < end; delta++) {
      const base = pageFrame(frame, pages, delta)
      if (base < 0) continue
      const from = Math.max(start, delta * PAGE) - delta * PAGE
      const to = Math.min(end, (delta + 1) * PAGE) - delta * PAGE
      if (phys >= base + from && phys < base + to) return true
    }
  }
  return false
}

/** Why a region is left, as compiled code reports it (the function's result). */
export const Exit = {
  /** The budget ran out at a loop head or between regions. */
  BUDGET: 0,
  /** Continue at pc: look it up (another region, or the interpreter). */
  LOOKUP: 1,
  /** The interpreter must run the instruction at pc (a stop, a fault, or state changed under us). */
  INTERPRET: 2
} as const

/** One decoded instruction of a region, with its offset in the page. */
export interface Insn {
  readonly op: number
  readonly rd: number
  readonly rs1: number
  readonly rs2: number
  readonly imm: number
  readonly length: number
  readonly offset: number
}

/**
 * An edge: to a block of the region, or out of it with `why` to the pc at `offset` from the
 * start of the entry's page (outside the region's pages for jumps leaving them).
 */
export interface Edge {
  target: Block | null
  readonly offset: number
  readonly why: number
}

/** A basic block: instructions that run in sequence, then its edges. */
export interface Block {
  readonly id: number
  readonly start: number
  /** Offset just past the last instruction. */
  end: number
  readonly insns: Array<Insn>
  /**
   * Successors. After a conditional branch: [taken, not taken]; after JAL: [target]; after an
   * indirect JALR: the targets it was seen jumping to inside the region, and the return sites of
   * the region when it is a return (`isReturn`), each taken when the computed target is its pc
   * (none matching leaves the region); otherwise [next].
   */
  readonly edges: Array<Edge>
}

/** A region's control flow. */
export interface Cfg {
  /** pc of the entry page's first byte. */
  readonly pagePc: number
  /**
   * The pages other than the entry's that the region has code in (offsets below 0 or from 4096
   * on), with the frames they executed from when it was built.
   */
  readonly pages: Pages
  readonly entry: Block
  readonly blocks: ReadonlyArray<Block>
  readonly instructions: number
  /** Registers read or written anywhere (bit i for x_i), and those written. */
  readonly used: number
  readonly written: number
}

/**
 * The blocks (by id) of each cycle of `cfg` (a loop of the region): Tarjan's strongly connected
 * components over the blocks, keeping those of two or more blocks and blocks that branch to
 * themselves.
 */
const cyclicComponents = (cfg: Cfg): Array<Array<number>> => {
  const n = cfg.blocks.length
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack: Array<number> = []
  const components: Array<Array<number>> = []
  let counter = 0
  const successors = (b: number): Array<number> => {
    const out: Array<number> = []
    for (const edge of cfg.blocks[b].edges) if (edge.target !== null) out.push(edge.target.id)
    return out
  }
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue
    // Iterative Tarjan: frames of (block, its successors, the next one to visit).
    const frames: Array<{ readonly b: number; readonly next: Array<number>; i: number }> = []
    const visit = (b: number) => {
      index[b] = low[b] = counter++
      stack.push(b)
      onStack[b] = 1
      frames.push({ b, next: successors(b), i: 0 })
    }
    visit(root)
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]
      if (frame.i < frame.next.length) {
        const t = frame.next[frame.i++]
        if (index[t] < 0) visit(t)
        else if (onStack[t] !== 0) low[frame.b] = Math.min(low[frame.b], index[t])
        continue
      }
      frames.pop()
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].b
        low[parent] = Math.min(low[parent], low[frame.b])
      }
      if (low[frame.b] !== index[frame.b]) continue
      const component: Array<number> = []
      for (;;) {
        const x = stack.pop()!
        onStack[x] = 0
        component.push(x)
        if (x === frame.b) break
      }
      if (component.length > 1 || successors(frame.b).includes(frame.b)) components.push(component)
    }
  }
  return components
}

const codeCache = new WeakMap<Cfg, ReadonlyArray<number>>()
/**
 * The offsets `[start, end)` of the code `cfg` translates (its blocks with instructions), computed
 * once per control flow.
 */
export const codeRanges = (cfg: Cfg): ReadonlyArray<number> => {
  const cached = codeCache.get(cfg)
  if (cached !== undefined) return cached
  const ranges: Array<number> = []
  for (const block of cfg.blocks) if (block.insns.length > 0) ranges.push(block.start, block.end)
  codeCache.set(cfg, ranges)
  return ranges
}

/** The loops of a region as offset ranges `[start, end)`, from one pass over its blocks. */
interface Loops {
  /** Every block on a cycle. */
  readonly cyclic: ReadonlyArray<number>
  /** The blocks of the cycle through the entry. */
  readonly entry: ReadonlyArray<number>
  /** The ids of those blocks. */
  readonly entryBlocks: ReadonlyArray<number>
  /** The blocks of cycles that do not pass through the entry. */
  readonly inner: ReadonlyArray<number>
}
const loopsCache = new WeakMap<Cfg, Loops>()
/** `cfg`'s loops, computed once per control flow (callers ask for them repeatedly). */
const loopsOf = (cfg: Cfg): Loops => {
  const cached = loopsCache.get(cfg)
  if (cached !== undefined) return cached
  const cyclic: Array<number> = []
  const entry: Array<number> = []
  const inner: Array<number> = []
  let entryBlocks: ReadonlyArray<number> = []
  for (const component of cyclicComponents(cfg)) {
    const onEntry = component.includes(cfg.entry.id)
    if (onEntry) entryBlocks = component
    const into = onEntry ? entry : inner
    for (const x of component) {
      const { end, start } = cfg.blocks[x]
      cyclic.push(start, end)
      into.push(start, end)
    }
  }
  const loops: Loops = { cyclic, entry, entryBlocks, inner }
  loopsCache.set(cfg, loops)
  return loops
}

/**
 * Forgets what was computed about `cfg`'s loops: the emitter cuts edges (those that would make the
 * flow irreducible, those leaving the loop it keeps), and the loops asked for afterwards are the
 * loops of the code it emitted.
 */
export const edgesCut = (cfg: Cfg): void => {
  loopsCache.delete(cfg)
}

/** The offsets `[start, end)` of the blocks of `cfg` that lie on a cycle (a loop of the region). */
export const cyclicRanges = (cfg: Cfg): ReadonlyArray<number> => loopsOf(cfg).cyclic

/**
 * The offsets `[start, end)` of the blocks on the loop through the entry of `cfg` (its strongly
 * connected component), empty when the entry is on no cycle: the code the region runs over and
 * over once entered. Code elsewhere in the region runs only when the region is entered again.
 */
export const entryLoopRanges = (cfg: Cfg): ReadonlyArray<number> => loopsOf(cfg).entry

/**
 * The offsets `[start, end)` of the blocks of `cfg` on loops that do not pass through its entry:
 * code the region runs over and over only once control is inside the loop. An interpreter already
 * inside such a loop stays there until it ends, entering the region only the next time round.
 */
export const innerLoopRanges = (cfg: Cfg): ReadonlyArray<number> => loopsOf(cfg).inner

/**
 * Where the region `full` (built with nothing stopping it) should stop when built again: at a
 * physical address `isEntry` accepts (where another region begins), except inside `full`'s own
 * loops, which stay whole, since a transition on every iteration costs more than the copy.
 */
export const stopsOutsideLoops = (
  full: Cfg,
  isEntry: (phys: number) => boolean,
  budget: number = Infinity
): (offset: number, phys: number) => boolean => {
  const cyclic = offsetSet(cyclicRanges(full))
  const core = offsetSet(coreRanges(full, budget))
  return (offset, phys) => {
    if (!core.has(offset)) return true
    return isEntry(phys) && !cyclic.has(offset)
  }
}

/**
 * Where the region `full` should stop when its entry lies on the loop of another region: at every
 * physical address `isEntry` accepts, its own loops included. Control entering there (after an
 * exit in the middle of that loop: a spent budget, a TLB miss, an indirect jump to a target not
 * seen before) goes once around to the other region, which then runs the loop; a copy of the whole
 * loop for each such entry point would be compiled, and compiled again by V8's optimizing tier, for
 * a transition saved once per entry.
 */
export const stopsAtEntries = (
  full: Cfg,
  isEntry: (phys: number) => boolean,
  budget: number = Infinity
): (offset: number, phys: number) => boolean => {
  const core = offsetSet(coreRanges(full, budget))
  return (offset, phys) => !core.has(offset) || isEntry(phys)
}

/** A set of instruction offsets in a region's pages, asked about every instruction of a region. */
interface OffsetSet {
  readonly has: (offset: number) => boolean
}

/**
 * The offsets inside `ranges` (`[start, end)` pairs): a mark per halfword of the region's pages
 * (offsets from 0 to `REGION_PAGES` pages), and a scan of the pairs for anything outside them.
 */
const offsetSet = (ranges: ReadonlyArray<number>): OffsetSet => {
  const limit = REGION_PAGES * PAGE
  const marks = new Uint8Array(limit >>> 1)
  const outside: Array<number> = []
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r]
    const end = ranges[r + 1]
    if (start < 0 || end > limit) outside.push(start, end)
    else marks.fill(1, start >>> 1, (end + 1) >>> 1)
  }
  return {
    has: (offset) => {
      if (offset >= 0 && offset < limit && marks[offset >>> 1] !== 0) return true
      for (let r = 0; r < outside.length; r += 2) if (offset >= outside[r] && offset < outside[r + 1]) return true
      return false
    }
  }
}

/**
 * The blocks of `cfg` worth compiling: the loop through its entry, whatever its size (what runs
 * over and over once entered), and the blocks nearest the entry (breadth first) up to `budget`
 * instructions in all. The rest of the code reachable in the pages runs rarely by comparison, and
 * compiling it into every region that reaches it costs more than the transitions it saves.
 */
const coreRanges = (cfg: Cfg, budget: number): ReadonlyArray<number> => {
  const loops = loopsOf(cfg)
  const ranges = [...loops.entry]
  const taken = new Uint8Array(cfg.blocks.length)
  let count = 0
  for (const id of loops.entryBlocks) {
    taken[id] = 1
    count += cfg.blocks[id].insns.length
  }
  const seen = new Uint8Array(cfg.blocks.length)
  const queue = [cfg.entry]
  seen[cfg.entry.id] = 1
  for (let q = 0; q < queue.length && count < budget; q++) {
    const block = queue[q]
    if (taken[block.id] === 0) {
      taken[block.id] = 1
      ranges.push(block.start, block.end)
      count += block.insns.length
    }
    for (const edge of block.edges) {
      if (edge.target !== null && seen[edge.target.id] === 0) {
        seen[edge.target.id] = 1
        queue.push(edge.target)
      }
    }
  }
  return ranges
}

/**
 * Whether `stop` accepts any instruction of `cfg` (a region entered in `frame`) other than its
 * entry: when none, building the region again with `stop` gives the same region.
 */
export const stopsAnywhere = (
  cfg: Cfg,
  frame: number,
  stop: (offset: number, phys: number) => boolean
): boolean => {
  const entry = cfg.entry.start
  for (const block of cfg.blocks) {
    for (const insn of block.insns) {
      if (insn.offset === entry) continue
      const delta = Math.floor(insn.offset / PAGE)
      const base = pageFrame(frame, cfg.pages, delta)
      if (base >= 0 && stop(insn.offset, base + insn.offset - delta * PAGE)) return true
    }
  }
  return false
}

/** Operations that end a block and stay in the region (targets are edges). */
const isBranch = (op: number): boolean => op >= Op.BEQ && op <= Op.BGEU

/** Operations the region never translates: the interpreter runs them (they stop the thread). */
const isStop = (op: number): boolean => op === Op.ECALL || op === Op.EBREAK || op === Op.ILLEGAL

/**
 * The target (offset from the page start) of a JALR whose base register the AUIPC right before it
 * in the same block set: the call and tail-call sequence of code linked without relaxation. Null
 * for any other JALR, or a target too far to be an i32 offset.
 */
export const directTarget = (before: Insn | null, jalr: Insn): number | null => {
  if (before === null || before.op !== Op.AUIPC || before.rd === 0 || before.rd !== jalr.rs1) return null
  if (before.offset + before.length !== jalr.offset) return null
  const target = (before.offset + before.imm + jalr.imm) & ~1
  return target === before.offset + before.imm + (jalr.imm & ~1) ? target : null
}

/**
 * A JALR that returns (rd = x0, through ra or the alternate link register t0): the region gives it
 * edges to the return sites of the calls it contains.
 */
export const isReturn = (insn: Insn): boolean =>
  insn.op === Op.JALR && insn.rd === 0 && (insn.rs1 === 1 || insn.rs1 === 5)

/** Bit-manipulation operations with a second source register. */
const bitManipulationReadsRs2 = (op: number): boolean =>
  isBitManipulation(op) && !(op >= Op.CLZ && op <= Op.CPOPW) && op !== Op.SEXT_B && op !== Op.SEXT_H &&
  op !== Op.ZEXT_H && op !== Op.ORC_B && op !== Op.REV8 && op !== Op.SLLI_UW && op !== Op.RORI && op !== Op.RORIW &&
  op !== Op.BCLRI && op !== Op.BEXTI && op !== Op.BINVI && op !== Op.BSETI

/** Whether `op` reads x[rs1]. */
export const readsRs1 = (op: number): boolean =>
  isFloatingPoint(op) ? fpReadsX(op) : !(op === Op.LUI || op === Op.AUIPC || op === Op.JAL || op === Op.FENCE ||
    op === Op.FENCE_I || op === Op.CSRRSI || op === Op.CSRRCI || op === Op.CSRRWI)

/** Whether `op` reads x[rs2] (no F or D operation does). */
export const readsRs2 = (op: number): boolean =>
  isBranch(op) || (op >= Op.SB && op <= Op.SD) || (op >= Op.ADD && op <= Op.AND) ||
  (op >= Op.ADDW && op <= Op.SRAW && op !== Op.SLLIW && op !== Op.SRLIW && op !== Op.SRAIW) ||
  (op >= Op.MUL && op <= Op.REMUW) || (op >= Op.SC_W && op <= Op.AMOMAXU_D && op !== Op.LR_D) ||
  bitManipulationReadsRs2(op)

/** Whether `op` writes x[rd]. */
export const writesRd = (op: number): boolean =>
  isFloatingPoint(op) ?
    fpWritesX(op) :
    !(isBranch(op) || (op >= Op.SB && op <= Op.SD) || op === Op.FENCE || op === Op.FENCE_I || op === Op.ECALL ||
      op === Op.EBREAK || op === Op.ILLEGAL)

/**
 * Decodes the region entered at `entry` (an even offset) of the page at frame byte address
 * `frame` (virtual address `pagePc`). `frameAt(delta)` gives the frame byte address the page
 * `delta` pages from the entry's executes from (negative when it does not), and is called only
 * when the region reaches that page, the page after one it has code in (at most `REGION_PAGES` in
 * all); `view` gives the memory's current halfwords (`frameAt` may grow
 * the memory). Code at a physical address `stop` accepts (the entry of another region) is left
 * out: the region leaves for it through the dispatcher instead of translating it again.
 * `indirect(offset)` gives the targets (offsets from the entry page) the indirect jump at `offset`
 * was seen taking. Null when not even the first instruction can be translated.
 */
export const buildCfg = (
  view: () => Uint16Array,
  frame: number,
  pagePc: number,
  entry: number,
  limit: number,
  frameAt: (delta: number) => number,
  stop: (offset: number, phys: number) => boolean = () => false,
  indirect: (offset: number) => ReadonlyArray<number> = () => []
): Cfg | null => {
  const scratch = new DecodedInstruction()
  /** Pages looked at, by delta from the entry's: their frame, or -1 when they do not execute. */
  const frames = new Map<number, number>([[0, frame]])
  let admitted = 1
  const pageOf = (offset: number): number => Math.floor(offset / PAGE)
  /** Whether page `delta` executes, looking it up (within the page limit) if not seen yet. */
  const admit = (delta: number): boolean => {
    const known = frames.get(delta)
    if (known !== undefined) return known >= 0
    if (admitted >= REGION_PAGES) return false
    const f = frameAt(delta)
    frames.set(delta, f < 0 ? -1 : f)
    if (f >= 0) admitted++
    return f >= 0
  }
  /** Whether `offset` is in a page of the region (known to execute), without looking up more. */
  const known = (offset: number): boolean => (frames.get(pageOf(offset)) ?? -1) >= 0
  /**
   * Whether `target` is in the region's pages: one already in, or the page after one already in
   * (code running over a page end).
   */
  const inPage = (target: number): boolean => {
    const delta = pageOf(target)
    return known(target) || ((frames.get(delta - 1) ?? -1) >= 0 && !frames.has(delta) && admit(delta))
  }
  /** The physical address of `offset` (in one of the region's pages), or -1. */
  const physOf = (offset: number): number => {
    const delta = pageOf(offset)
    const f = frames.get(delta) ?? -1
    return f < 0 ? -1 : f + (offset - delta * PAGE)
  }
  /** offset -> instruction; null when it cannot be fetched from the region's pages. */
  const decoded = new Map<number, Insn | null>()
  const decodeAt = (offset: number): Insn | null => {
    let insn = decoded.get(offset)
    if (insn !== undefined) return insn
    const at = physOf(offset)
    if (at < 0) {
      decoded.set(offset, null)
      return null
    }
    const u16 = view()
    const low = u16[at >>> 1]
    let bits = low
    if ((low & 3) === 3) {
      // The upper half may be the first of the next page.
      const straddles = (offset + 2) % PAGE === 0
      const high = straddles ? (admit(pageOf(offset) + 1) ? physOf(offset + 2) : -1) : at + 2
      if (high < 0) {
        decoded.set(offset, null)
        return null
      }
      bits = low | (view()[high >>> 1] << 16)
    }
    decodeInto(bits, scratch)
    insn = {
      op: scratch.op,
      rd: scratch.rd,
      rs1: scratch.rs1,
      rs2: scratch.rs2,
      imm: scratch.imm,
      length: scratch.length,
      offset
    }
    decoded.set(offset, insn)
    return insn
  }
  // Pass 1: find the leaders (block starts) and the instructions translated.
  const leaders = new Set<number>([entry])
  const translated = new Set<number>()
  const returnSites = new Set<number>()
  const work = [entry]
  // Callees and return sites of calls inside the region stay in it whatever `stop` says: the call
  // and its return are then compiled code's own (see `isReturn`).
  const called = new Set<number>()
  /** Makes `offset` a block start still to walk. */
  const lead = (offset: number): void => {
    if (leaders.has(offset)) return
    leaders.add(offset)
    work.push(offset)
  }
  /** A call's return site: it joins the region, and returns may branch there. */
  const returnsTo = (next: number): void => {
    called.add(next)
    returnSites.add(next)
    lead(next)
  }
  while (work.length > 0) {
    const start = work.pop()!
    let o = start
    let previous: Insn | null = null
    for (;;) {
      if (!inPage(o) || translated.has(o) || translated.size >= limit) break
      if (o !== entry && !(o === start && called.has(o)) && stop(o, physOf(o))) break
      const insn = decodeAt(o)
      if (insn === null || isStop(insn.op)) break
      translated.add(o)
      const op = insn.op
      const before = previous
      previous = insn
      if (isBranch(op)) {
        const target = o + insn.imm
        if (inPage(target)) lead(target)
        const next = o + insn.length
        if (inPage(next)) lead(next)
        break
      }
      const direct = op === Op.JAL ? o + insn.imm : op === Op.JALR ? directTarget(before, insn) : null
      if (direct !== null) {
        const target = direct
        // A call inside the region's pages: where it returns joins the region, and the returns
        // of the region branch there when their target matches (see `isReturn`).
        const next = o + insn.length
        const call = insn.rd !== 0 && inPage(next) && inPage(target)
        if (call || inPage(target)) lead(target)
        if (call) {
          called.add(target)
          returnsTo(next)
        }
        break
      }
      if (op === Op.JALR) {
        // An indirect jump: where it was seen going, inside the pages, joins the region (not for
        // returns: the code after a call site belongs to the caller's regions). An indirect call
        // (through a function pointer) is a call: its return site joins too.
        let seen = false
        for (const target of isReturn(insn) ? [] : indirect(o)) {
          if ((target & 1) !== 0 || !inPage(target)) continue
          seen = true
          if (insn.rd !== 0) called.add(target)
          lead(target)
        }
        const next = o + insn.length
        if (seen && insn.rd !== 0 && inPage(next)) returnsTo(next)
        break
      }
      if (op === Op.FENCE_I) break
      o += insn.length
    }
  }

  // Pass 2: blocks, walking from each leader to its end.
  const blocks: Array<Block> = []
  const byStart = new Map<number, Block>()
  let used = 0
  let written = 0
  const exitAt = (offset: number): Edge => {
    if (!translated.has(offset)) {
      // Past the pages, past the limit, or not translatable here.
      const insn = known(offset) ? decodeAt(offset) : undefined
      const interpret = insn === null || (insn !== undefined && isStop(insn.op))
      return { target: null, offset, why: interpret ? Exit.INTERPRET : Exit.LOOKUP }
    }
    return { target: null, offset, why: Exit.LOOKUP }
  }
  const blockAt = (start: number): Block => {
    const existing = byStart.get(start)
    if (existing !== undefined) return existing
    const block: Block = { id: blocks.length, start, end: start, insns: [], edges: [] }
    blocks.push(block)
    byStart.set(start, block)
    return block
  }
  const edgeTo = (offset: number): Edge =>
    translated.has(offset) && leaders.has(offset)
      ? { target: blockAt(offset), offset, why: Exit.LOOKUP }
      : exitAt(offset)

  if (!translated.has(entry)) return null
  blockAt(entry)
  let instructions = 0
  /** Blocks ending in a call inside the region, with the call's return site. */
  const calls = new Map<Block, number>()
  /** Blocks ending in a return (`isReturn`). */
  const returns = new Set<Block>()
  const build = (block: Block): void => {
    let o = block.start
    for (;;) {
      if (o !== block.start && leaders.has(o) && translated.has(o)) {
        block.edges.push(edgeTo(o))
        break
      }
      if (!translated.has(o)) {
        block.edges.push(exitAt(o))
        break
      }
      const insn = decoded.get(o)!
      block.insns.push(insn)
      instructions++
      const op = insn.op
      if (readsRs1(op)) used |= 1 << insn.rs1
      if (readsRs2(op)) used |= 1 << insn.rs2
      if (writesRd(op) && insn.rd !== 0) written |= 1 << insn.rd
      o += insn.length
      block.end = o
      if (isBranch(op)) {
        const target = insn.offset + insn.imm
        block.edges.push(known(target) ? edgeTo(target) : { target: null, offset: target, why: Exit.LOOKUP })
        block.edges.push(edgeTo(o))
        break
      }
      const n = block.insns.length
      const direct = op === Op.JAL
        ? insn.offset + insn.imm
        : op === Op.JALR && n >= 2
        ? directTarget(block.insns[n - 2], insn)
        : null
      if (direct !== null) {
        block.edges.push(known(direct) ? edgeTo(direct) : { target: null, offset: direct, why: Exit.LOOKUP })
        if (insn.rd !== 0 && returnSites.has(o)) calls.set(block, o)
        break
      }
      if (op === Op.JALR) {
        if (isReturn(insn)) {
          // Its edges come once every block is known (`returnEdges`).
          returns.add(block)
          break
        }
        for (const target of new Set(indirect(insn.offset))) {
          if (translated.has(target) && leaders.has(target)) block.edges.push(edgeTo(target))
        }
        if (insn.rd !== 0 && returnSites.has(o) && block.edges.length > 0) calls.set(block, o)
        break
      }
      if (op === Op.FENCE_I) {
        // Translations are dropped eagerly when code is written, so nothing is stale here; the
        // region still ends, and whatever follows is looked up afresh.
        block.edges.push({ target: null, offset: o, why: Exit.LOOKUP })
        break
      }
    }
  }
  /**
   * Gives each return an edge to the return site of every call whose callee reaches it without
   * returning first (stepping over the calls it makes to their own return sites, following jumps
   * and tail calls): only where it can really go back to. An edge to a site it cannot reach back
   * to would be harmless at run time but could make the flow irreducible for the structuring.
   */
  const returnEdges = (): void => {
    const sites = new Map<Block, Set<number>>()
    // The returns reached from a callee's first block, found once per callee however many calls
    // it has.
    const reached = new Map<Block, Array<Block>>()
    const returnsFrom = (first: Block): Array<Block> => {
      const known = reached.get(first)
      if (known !== undefined) return known
      const found: Array<Block> = []
      const stack: Array<Block> = [first]
      const visited = new Set<Block>()
      while (stack.length > 0) {
        const block = stack.pop()!
        if (visited.has(block)) continue
        visited.add(block)
        if (returns.has(block)) {
          found.push(block)
          continue
        }
        const over = calls.get(block)
        if (over !== undefined) {
          const after = byStart.get(over)
          if (after !== undefined) stack.push(after)
          else if (translated.has(over) && leaders.has(over)) stack.push(blockAt(over))
          continue
        }
        for (const edge of block.edges) if (edge.target !== null) stack.push(edge.target)
      }
      reached.set(first, found)
      return found
    }
    for (const [call, site] of calls) {
      const seen = new Set<Block>()
      for (const edge of call.edges) {
        if (edge.target === null) continue
        for (const block of returnsFrom(edge.target)) {
          if (seen.has(block)) continue
          seen.add(block)
          let set = sites.get(block)
          if (set === undefined) sites.set(block, set = new Set())
          set.add(site)
        }
      }
    }
    for (const block of returns) {
      block.edges.length = 0
      for (const site of sites.get(block) ?? []) {
        if (translated.has(site) && leaders.has(site)) block.edges.push(edgeTo(site))
      }
    }
  }
  // Building blocks finds more calls and returns, and return edges may bring in blocks reached
  // only through them: until nothing new appears.
  for (let built = 0;;) {
    for (; built < blocks.length; built++) build(blocks[built])
    returnEdges()
    if (built === blocks.length) break
  }
  used &= ~1
  // The pages other than the entry's holding translated bytes (a straddling instruction's upper
  // half included).
  const touched = new Set<number>()
  for (const block of blocks) {
    for (const insn of block.insns) {
      touched.add(pageOf(insn.offset))
      touched.add(pageOf(insn.offset + insn.length - 1))
    }
  }
  touched.delete(0)
  const pages: Array<number> = []
  for (const delta of [...touched].sort((a, b) => a - b)) pages.push(delta, frames.get(delta)!)
  return {
    pagePc,
    pages,
    entry: blocks[0],
    blocks,
    instructions,
    used: used | written,
    written
  }
}
