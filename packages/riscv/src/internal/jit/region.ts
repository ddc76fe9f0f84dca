/**
 * Stage 2 of the JIT: build a region's control flow. Starting at a hot pc, decode the code
 * reachable through fall-throughs and direct jumps and branches inside the entry's page and the
 * page after it (when that one executes; bounded by `MAX_REGION_INSTRUCTIONS`), and cut it into
 * basic blocks with edges. Everything the region does not translate becomes an exit edge: to the
 * dispatcher (a jump or fall-through leaving the two pages, an indirect jump, the instruction
 * limit) or to the interpreter (ECALL, EBREAK, illegal encodings, operations not compiled yet, an
 * instruction straddling the end of the second page or a page that does not execute), which then
 * runs that instruction itself so its stop reason is exactly the interpreter's.
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

/** Pages a region may span: its entry's page and the next one. */
export const REGION_PAGES = 2

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
   * The frame byte address the page after the entry's executes from, when the region has code
   * there (every offset from 4096 on), else -1. The region is only valid where it still does.
   */
  readonly nextFrame: number
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

/** The offsets `[start, end)` of the blocks of `cfg` that lie on a cycle (a loop of the region). */
export const cyclicRanges = (cfg: Cfg): Array<number> => {
  const ranges: Array<number> = []
  for (const component of cyclicComponents(cfg)) {
    for (const x of component) ranges.push(cfg.blocks[x].start, cfg.blocks[x].end)
  }
  return ranges
}

/**
 * The offsets `[start, end)` of the blocks on the loop through the entry of `cfg` (its strongly
 * connected component), empty when the entry is on no cycle: the code the region runs over and
 * over once entered. Code elsewhere in the region runs only when the region is entered again.
 */
export const entryLoopRanges = (cfg: Cfg): Array<number> => {
  const ranges: Array<number> = []
  for (const component of cyclicComponents(cfg)) {
    if (!component.includes(cfg.entry.id)) continue
    for (const x of component) ranges.push(cfg.blocks[x].start, cfg.blocks[x].end)
  }
  return ranges
}

/**
 * Where the region `full` (built with nothing stopping it) should stop when built again: at a
 * physical address `isEntry` accepts (where another region begins), except inside `full`'s own
 * loops, which stay whole, since a transition on every iteration costs more than the copy.
 */
export const stopsOutsideLoops = (
  full: Cfg,
  isEntry: (phys: number) => boolean
): (offset: number, phys: number) => boolean => {
  const cyclic = cyclicRanges(full)
  return (offset, phys) => {
    if (!isEntry(phys)) return false
    for (let r = 0; r < cyclic.length; r += 2) if (offset >= cyclic[r] && offset < cyclic[r + 1]) return false
    return true
  }
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
 * `frame` (virtual address `pagePc`). `next` gives the frame byte address the following page
 * executes from (negative when it does not), and is called only when the region reaches that
 * page; `view` gives the memory's current halfwords (`next` may grow the memory). Code at a
 * physical address `stop` accepts (the entry of another region) is left out: the region leaves for
 * it through the dispatcher instead of translating it again. Null when not even the first
 * instruction can be translated.
 */
export const buildCfg = (
  view: () => Uint16Array,
  frame: number,
  pagePc: number,
  entry: number,
  limit: number,
  next: () => number,
  stop: (offset: number, phys: number) => boolean = () => false,
  indirect: (offset: number) => ReadonlyArray<number> = () => []
): Cfg | null => {
  const scratch = new DecodedInstruction()
  let nextFrame: number | undefined
  const second = (): number => {
    if (nextFrame === undefined) nextFrame = next()
    return nextFrame
  }
  /** The frame byte address holding `offset` (one of the region's pages), or -1. */
  const frameOf = (offset: number): number => offset < PAGE ? frame : second() < 0 ? -1 : nextFrame! - PAGE
  /** offset -> instruction; null when it cannot be fetched from the region's pages. */
  const decoded = new Map<number, Insn | null>()
  const decodeAt = (offset: number): Insn | null => {
    let insn = decoded.get(offset)
    if (insn !== undefined) return insn
    const base = frameOf(offset)
    if (base < 0) {
      decoded.set(offset, null)
      return null
    }
    const u16 = view()
    const low = u16[(base + offset) >>> 1]
    let bits = low
    if ((low & 3) === 3) {
      const high = offset + 2 === PAGE ? frameOf(PAGE) : base
      if (offset + 2 === REGION_PAGES * PAGE || high < 0) {
        decoded.set(offset, null)
        return null
      }
      bits = low | (view()[(high + offset + 2) >>> 1] << 16)
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
  /** Whether `target` is in the region's pages (the second one only if it executes). */
  const inPage = (target: number): boolean =>
    target >= 0 && (target < PAGE || (target < REGION_PAGES * PAGE && second() >= 0))

  // Pass 1: find the leaders (block starts) and the instructions translated.
  const leaders = new Set<number>([entry])
  const translated = new Set<number>()
  const returnSites = new Set<number>()
  const work = [entry]
  // Callees and return sites of calls inside the region stay in it whatever `stop` says: the call
  // and its return are then compiled code's own (see `isReturn`).
  const called = new Set<number>()
  while (work.length > 0) {
    const start = work.pop()!
    let o = start
    let previous: Insn | null = null
    for (;;) {
      if (!inPage(o) || translated.has(o) || translated.size >= limit) break
      if (o !== entry && !(o === start && called.has(o)) && stop(o, frameOf(o) + o)) break
      const insn = decodeAt(o)
      if (insn === null || isStop(insn.op)) break
      translated.add(o)
      const op = insn.op
      const before = previous
      previous = insn
      if (isBranch(op)) {
        const target = o + insn.imm
        if (inPage(target) && !leaders.has(target)) {
          leaders.add(target)
          work.push(target)
        }
        const next = o + insn.length
        if (inPage(next) && !leaders.has(next)) {
          leaders.add(next)
          work.push(next)
        }
        break
      }
      const direct = op === Op.JAL ? o + insn.imm : op === Op.JALR ? directTarget(before, insn) : null
      if (direct !== null) {
        const target = direct
        if (inPage(target) && !leaders.has(target)) {
          leaders.add(target)
          work.push(target)
        }
        // A call inside the page: where it returns joins the region, and the returns of the
        // region branch there when their target matches (see `isReturn`).
        const next = o + insn.length
        if (insn.rd !== 0 && inPage(target) && inPage(next)) {
          called.add(target)
          called.add(next)
          returnSites.add(next)
          if (!leaders.has(next)) {
            leaders.add(next)
            work.push(next)
          }
        }
        break
      }
      if (op === Op.JALR) {
        // An indirect jump: where it was seen going, inside the pages, joins the region (not for
        // returns: the code after a call site belongs to the caller's regions).
        for (const target of isReturn(insn) ? [] : indirect(o)) {
          if ((target & 1) === 0 && inPage(target) && !leaders.has(target)) {
            leaders.add(target)
            work.push(target)
          }
        }
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
      const insn = inPage(offset) ? decodeAt(offset) : undefined
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
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]
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
        block.edges.push(inPage(target) ? edgeTo(target) : { target: null, offset: target, why: Exit.LOOKUP })
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
        block.edges.push(inPage(direct) ? edgeTo(direct) : { target: null, offset: direct, why: Exit.LOOKUP })
        break
      }
      if (op === Op.JALR) {
        const targets = new Set<number>(isReturn(insn) ? returnSites : indirect(insn.offset))
        for (const target of targets) {
          if (translated.has(target) && leaders.has(target)) block.edges.push(edgeTo(target))
        }
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
  used &= ~1
  let reaches = false
  for (const block of blocks) if (block.end > PAGE) reaches = true
  return {
    pagePc,
    nextFrame: reaches ? nextFrame! : -1,
    entry: blocks[0],
    blocks,
    instructions,
    used: used | written,
    written
  }
}
