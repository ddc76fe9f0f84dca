/**
 * Stage 3 of the JIT: emit a region as one WebAssembly function.
 *
 * The function is `(registers: i32, budget: i32) -> exit: i32`. Guest registers live in i64
 * locals: loaded from the register file on entry (those the region uses), stored back at the one
 * shared exit (those it writes). Control flow is structured with the algorithm of Ramsey's
 * "Beyond Relooper" (2022): blocks in reverse postorder, a `loop` around each loop head, a
 * `block` ending just before each merge point, and a node with one forward predecessor placed
 * inline at its branch. Edges that would make the flow irreducible leave the region instead, and
 * so do the edges leaving the innermost loop through the entry of a region entered at a loop head
 * (the hot loop becomes a small function of its own, which V8 allocates registers for well).
 *
 * The budget is decremented by each block's instruction count on entry and checked at the entry
 * and at loop heads against the longest way to the next check, so compiled code never runs past
 * its budget; exits in the middle of a block add back what did not run, so the count of retired
 * instructions is exact. At the shared exit the function either tail-calls the next region through the
 * dispatch table (`return_call_indirect`) while budget remains, or stores pc and the budget left
 * and returns why it stopped.
 *
 * Memory accesses check the inline TLB: hit → a direct load or store at the frame's address
 * (unaligned is fine inside a page); miss, page crossing or a store to a code frame → a helper in
 * JavaScript that returns 0 (done), 1 (done, but state changed: leave after this instruction) or
 * 2 (fault: leave before it, and the interpreter takes the fault exactly as it would).
 * @internal
 */
import { Access, F_REGISTERS_OFFSET, FCSR_OFFSET, PC_OFFSET } from "@zxsim/kernel/Cpu"
import { Csr, fpReadsX, fpWritesX, isBitManipulation, isFloatingPoint, Op } from "../../Decoder.js"
import { emitBitManipulation } from "./bitmanip.js"
import type { Layout } from "./layout.js"
import { State } from "./layout.js"
import type { Block, Cfg, Edge, Insn } from "./region.js"
import { directTarget, edgesCut, Exit, readsRs1, readsRs2, writesRd } from "./region.js"
import { DISPATCH_ENTRIES, SITE_SLOTS, TLB_ENTRIES } from "./tuning.js"
import { Bytes, F64, type FuncDef, type FuncType, I32, I64, Opcode as W, VOID } from "./wasm.js"

/** Function types of every module. */
export const TYPES: ReadonlyArray<FuncType> = [
  { params: [I32, I32], results: [I32] }, // a region
  { params: [I32, I32, I32, I32, I32, I32, I32], results: [I32] } // the FP helper
]
const REGION_TYPE = 0
const DEBUG_ENTRIES = false

/** Function indices: the imported helper (FP), then the regions. */
export const Fn = { FLOAT: 0 } as const
/** Index of the first region function in a module. */
export const FIRST_REGION = 1

/** Results of the FP helper. */
export const Status = { OK: 0, FAULT: 2 } as const

// Locals: 0 = register file address, 1 = budget, x1..x31 at 1 + i, then scratch.
const RF = 0
const BUDGET = 1
const XPC = 33
const ADDR = 34
/** i64 scratch for inline arithmetic: T0..T5. */
const T0 = 35
const T1 = T0 + 1
const T2 = T0 + 2
const I64_LOCALS = 39
const WHY = 41
const E = 42
const ST = 43
/** i32 scratch: I0, I1. */
const I0 = 44
const I1 = 45
/** i32: what the shared exit handler does (see `RegionEmitter.exit`). */
const INFO = 46
const I32_LOCALS = 6
/**
 * i64: the virtual address of the region's page, computed on entry from the pc in the register
 * file. Code is position-independent: one translation serves every address space that maps the
 * same frame, wherever address-space randomization put it.
 */
const PAGE = 47
/**
 * Translations known inside the current block (see `RegionEmitter.known`): i64 page addresses at
 * KNOWN_PAGE + i, i32 addends at KNOWN_ADDEND + i.
 */
const KNOWN = 4
const KNOWN_PAGE = 48
const KNOWN_ADDEND = KNOWN_PAGE + KNOWN
/** f64 scratch for the FP fast paths: FA, FB (operands), FS (result), then FT0..FT4. */
const FA = KNOWN_ADDEND + KNOWN
const FB = FA + 1
const FS = FA + 2
const FT0 = FA + 3
const F64_LOCALS = 8
/** Dekker's splitting constant, 2^27 + 1: splits a double into two 26-bit halves. */
const SPLITTER = 134217729

const xLocal = (i: number) => 1 + i

/** The register file's byte offset of f[r]. */
const fOffset = (r: number): number => F_REGISTERS_OFFSET + 8 * r

const f64c = (b: Bytes, v: number) => {
  b.byte(W.f64Const), b.f64(v)
}

/**
 * Veltkamp's split of the f64 local `v` into `high` + `low`, 26 bits each, for Dekker's exact
 * product (v must be below 2^995, so that v·SPLITTER cannot overflow).
 */
const splitDouble = (b: Bytes, v: number, high: number, low: number) => {
  get(b, v), f64c(b, SPLITTER), b.byte(W.f64Mul), b.byte2(W.localTee, high)
  get(b, high), get(b, v), b.byte(W.f64Sub), b.byte(W.f64Sub), b.byte2(W.localTee, high)
  get(b, v), b.byte(W.f64Sub), b.byte(W.f64Neg), set(b, low)
}

const get = (b: Bytes, i: number) => b.byte2(W.localGet, i)
const set = (b: Bytes, i: number) => b.byte2(W.localSet, i)
const i64c = (b: Bytes, lo: number, hi: number = lo >> 31) => {
  b.byte(W.i64Const)
  b.s64(lo, hi)
}
const i32c = (b: Bytes, v: number) => {
  b.byte(W.i32Const)
  b.s32(v)
}
const op = (b: Bytes, ...codes: ReadonlyArray<number>) => {
  for (const c of codes) b.byte(c)
}

const LOAD_OP: Readonly<Record<number, readonly [opcode: number, size: number]>> = {
  [Op.LB]: [W.i64Load8S, 1],
  [Op.LBU]: [W.i64Load8U, 1],
  [Op.LH]: [W.i64Load16S, 2],
  [Op.LHU]: [W.i64Load16U, 2],
  [Op.LW]: [W.i64Load32S, 4],
  [Op.LWU]: [W.i64Load32U, 4],
  [Op.LD]: [W.i64Load, 8]
}
const STORE_OP: Readonly<Record<number, readonly [opcode: number, size: number]>> = {
  [Op.SB]: [W.i64Store8, 1],
  [Op.SH]: [W.i64Store16, 2],
  [Op.SW]: [W.i64Store32, 4],
  [Op.SD]: [W.i64Store, 8]
}

/** Register-register operations that are one i64 instruction. */
const RR: Readonly<Record<number, number>> = {
  [Op.ADD]: W.i64Add,
  [Op.SUB]: W.i64Sub,
  [Op.XOR]: W.i64Xor,
  [Op.OR]: W.i64Or,
  [Op.AND]: W.i64And,
  [Op.SLL]: W.i64Shl,
  [Op.SRL]: W.i64ShrU,
  [Op.SRA]: W.i64ShrS,
  [Op.MUL]: W.i64Mul
}
/** Register-immediate operations that are one i64 instruction on the sign-extended immediate. */
const RI: Readonly<Record<number, number>> = {
  [Op.ADDI]: W.i64Add,
  [Op.XORI]: W.i64Xor,
  [Op.ORI]: W.i64Or,
  [Op.ANDI]: W.i64And,
  [Op.SLLI]: W.i64Shl,
  [Op.SRLI]: W.i64ShrU,
  [Op.SRAI]: W.i64ShrS
}

const isBranch = (op: number): boolean => op >= Op.BEQ && op <= Op.BGEU

/** Bitwise operations, as 32-bit instructions (on sign-extended operands; see `RegionEmitter.sext`). */
const BITWISE32: Readonly<Record<number, number>> = {
  [Op.XOR]: W.i32Xor,
  [Op.OR]: W.i32Or,
  [Op.AND]: W.i32And,
  [Op.XORI]: W.i32Xor,
  [Op.ORI]: W.i32Or,
  [Op.ANDI]: W.i32And
}

/** Operations whose result is always a sign-extended 32-bit value. */
const SEXT_RESULT = new Set<number>([
  Op.ADDIW,
  Op.SLLIW,
  Op.SRLIW,
  Op.SRAIW,
  Op.ADDW,
  Op.SUBW,
  Op.SLLW,
  Op.SRLW,
  Op.SRAW,
  Op.MULW,
  Op.DIVW,
  Op.DIVUW,
  Op.REMW,
  Op.REMUW,
  Op.LB,
  Op.LBU,
  Op.LH,
  Op.LHU,
  Op.LW,
  Op.LUI,
  Op.SLT,
  Op.SLTU,
  Op.SLTI,
  Op.SLTIU
])

/**
 * Immediate dominators of `n` nodes numbered in reverse postorder (node 0 the entry), from their
 * predecessors (Cooper, Harvey and Kennedy's iteration). The entry's is itself.
 */
const dominators = (n: number, preds: ReadonlyArray<ReadonlyArray<number>>): Int32Array => {
  const idom = new Int32Array(n).fill(-1)
  idom[0] = 0
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a > b) a = idom[a]
      while (b > a) b = idom[b]
    }
    return a
  }
  for (let changed = true; changed;) {
    changed = false
    for (let i = 1; i < n; i++) {
      let chosen = -1
      for (const p of preds[i]) {
        if (idom[p] < 0) continue
        chosen = chosen < 0 ? p : intersect(p, chosen)
      }
      if (chosen >= 0 && idom[i] !== chosen) {
        idom[i] = chosen
        changed = true
      }
    }
  }
  return idom
}

/** Emits one region function. */
export class RegionEmitter {
  private b = new Bytes(4096)
  private depth = 0
  private cfg!: Cfg
  // Per block, by `Block.id`: position in reverse postorder (-1: unreachable), loop head, merge
  // point, inside a loop, dominator-tree children, label levels, and for the entry and loop heads
  // the most instructions that can run before the next budget check (see `structure`).
  private rpo = new Int32Array(0)
  private loopHead = new Uint8Array(0)
  private merge = new Uint8Array(0)
  private inLoop = new Uint8Array(0)
  private children: Array<Array<Block>> = []
  private loopLevel = new Int32Array(0)
  private mergeLevel = new Int32Array(0)
  private reach = new Int32Array(0)
  /**
   * The translation-cache slot (a byte address) of a memory access, by block and index
   * (`block.id * 4096 + k`): one per base register and kind of access used inside loops.
   */
  private sites = new Map<number, number>()
  /** The next slot to hand out in each table (loads, stores); round-robin. */
  private nextSlot = [0, 0]
  /**
   * Inside the block being emitted: the translation the last access through a base register
   * used, by `rs1 * 2 + (store ? 1 : 0)` → its index among the KNOWN locals (page and addend).
   * A later access through the same unchanged base in the block checks that page in a local
   * instead of the translation cache slot in memory (off the chain of dependent loads).
   * Translations stay valid inside a block: whatever could change them leaves compiled code.
   */
  private known = new Map<number, number>()
  private nextKnown = 0
  /**
   * Inside the block being emitted: registers (bit i for x_i) whose value is known to be a
   * sign-extended 32-bit value. Bitwise operations on two of them are emitted as 32-bit
   * operations, so chains of 32-bit arithmetic (W-forms, rotates built of shifts and ORs) stay
   * 32-bit for V8, which then drops the extensions between them and recognizes rotates.
   */
  private sext = 1

  constructor(private readonly layout: Layout) {}

  /**
   * Whether the interpreter ran the instruction at an offset of the region being emitted (before
   * it became hot): the cold tier's record of which paths are taken.
   */
  private ran: (offset: number) => boolean = () => true

  /** The function for `cfg`; `ran` tells which instructions the interpreter ran (all, if unknown). */
  emit(cfg: Cfg, ran: (offset: number) => boolean = () => true): FuncDef {
    this.ran = ran
    this.b = new Bytes(4096)
    this.depth = 0
    this.cfg = cfg
    this.structure()
    edgesCut(cfg)
    this.assignSites()
    // Registers of the blocks still reachable (cutting edges may have left some out).
    let used = 0
    let written = 0
    for (const block of cfg.blocks) {
      if (this.rpo[block.id] < 0) continue
      for (const insn of block.insns) {
        if (readsRs1(insn.op)) used |= 1 << insn.rs1
        if (readsRs2(insn.op)) used |= 1 << insn.rs2
        if (writesRd(insn.op) && insn.rd !== 0) written |= 1 << insn.rd
      }
    }
    used = (used | written) & ~1
    const b = this.b
    get(b, RF), b.byte(W.i64Load), b.byte(3), b.u32(PC_OFFSET)
    i64c(b, cfg.entry.start), b.byte(W.i64Sub), set(b, PAGE)
    if (DEBUG_ENTRIES) {
      i32c(b, 0),
        i32c(b, 0),
        b.byte(W.i32Load),
        b.byte(2),
        b.u32(this.layout.state + 40),
        i32c(b, 1),
        b.byte(W.i32Add),
        b.byte(W.i32Store),
        b.byte(2),
        b.u32(this.layout.state + 40)
    }
    for (let i = 1; i < 32; i++) {
      if ((used & (1 << i)) === 0) continue
      get(b, RF)
      b.byte(W.i64Load), b.byte(3), b.u32(8 * i)
      set(b, xLocal(i))
    }
    this.open(W.block) // level 0: exit
    this.open(W.block) // level 1: chain
    this.open(W.block) // level 2: the shared exit handler
    this.doTree(cfg.entry)
    this.close()
    this.exitHandler()
    this.close()
    i32c(b, Exit.LOOKUP), set(b, WHY)
    this.close()
    for (let i = 1; i < 32; i++) {
      if ((written & (1 << i)) === 0) continue
      get(b, RF), get(b, xLocal(i))
      b.byte(W.i64Store), b.byte(3), b.u32(8 * i)
    }
    // Chain to the next region while budget remains.
    get(b, WHY), i32c(b, Exit.LOOKUP), b.byte(W.i32Eq), get(b, BUDGET), i32c(b, 0), b.byte(W.i32GtS), b.byte(W.i32And)
    b.byte2(W.if, VOID)
    get(b, XPC),
      b.byte(W.i32WrapI64),
      i32c(b, 3),
      b.byte(W.i32Shl),
      i32c(b, (DISPATCH_ENTRIES - 1) << 4),
      b.byte(W.i32And)
    b.byte2(W.localTee, E)
    b.byte(W.i64Load), b.byte(3), b.u32(this.layout.dispatch)
    get(b, XPC), b.byte(W.i64Eq)
    b.byte2(W.if, VOID)
    // The next region finds its page from the pc in the register file.
    get(b, RF), get(b, XPC), b.byte(W.i64Store), b.byte(3), b.u32(PC_OFFSET)
    get(b, RF), get(b, BUDGET), get(b, E), b.byte(W.i32Load), b.byte(2), b.u32(this.layout.dispatch + 8)
    b.byte(W.returnCallIndirect), b.u32(REGION_TYPE), b.u32(0)
    b.byte(W.end)
    b.byte(W.end)
    get(b, RF), get(b, XPC), b.byte(W.i64Store), b.byte(3), b.u32(PC_OFFSET)
    i32c(b, 0), get(b, BUDGET), b.byte(W.i32Store), b.byte(2), b.u32(this.layout.state + State.BUDGET_LEFT)
    get(b, WHY)
    return {
      type: REGION_TYPE,
      locals: [[I64_LOCALS, I64], [I32_LOCALS, I32], [1 + KNOWN, I64], [KNOWN, I32], [F64_LOCALS, F64]],
      body: b
    }
  }

  // ---- structure --------------------------------------------------------------------------------

  /** Reverse postorder, dominators, loop heads and merge nodes; irreducible edges become exits. */
  private structure(): void {
    const blocks = this.cfg.blocks
    const n = blocks.length
    let cut = false
    for (;;) {
      const order = this.reversePostorder()
      const index = new Int32Array(n).fill(-1)
      for (let i = 0; i < order.length; i++) index[order[i].id] = i
      const preds: Array<Array<number>> = order.map(() => [])
      for (let i = 0; i < order.length; i++) {
        for (const edge of order[i].edges) if (edge.target !== null) preds[index[edge.target.id]].push(i)
      }
      const idom = dominators(order.length, preds)
      // Does the block at position a dominate the one at position b?
      const dominates = (a: number, b: number): boolean => {
        for (let x = b;; x = idom[x]) {
          if (x === a) return true
          if (x === 0) return a === 0
        }
      }
      let irreducible = false
      for (let i = 0; i < order.length; i++) {
        for (const edge of order[i].edges) {
          const t = edge.target
          if (t !== null && index[t.id] <= i && !dominates(index[t.id], i)) {
            edge.target = null
            irreducible = true
          }
        }
      }
      if (irreducible) continue
      if (!cut) {
        cut = true
        if (this.cutToEntryLoop(order, index, preds)) continue
      }
      this.rpo = index
      this.loopHead = new Uint8Array(n)
      this.merge = new Uint8Array(n)
      this.inLoop = new Uint8Array(n)
      this.children = blocks.map(() => [])
      this.loopLevel = new Int32Array(n)
      this.mergeLevel = new Int32Array(n)
      this.reach = new Int32Array(n)
      const forwardPreds = new Int32Array(n)
      for (let i = 0; i < order.length; i++) {
        for (const edge of order[i].edges) {
          const t = edge.target
          if (t === null) continue
          if (index[t.id] <= i) this.loopHead[t.id] = 1
          else forwardPreds[t.id]++
        }
      }
      for (let id = 0; id < n; id++) if (forwardPreds[id] >= 2) this.merge[id] = 1
      // Natural loops: each back edge's head and every block reaching its tail without the head.
      const body = new Uint8Array(order.length)
      for (let i = 0; i < order.length; i++) {
        for (const edge of order[i].edges) {
          const t = edge.target
          if (t === null || index[t.id] > i) continue
          body.fill(0)
          body[index[t.id]] = 1
          const work = [i]
          while (work.length > 0) {
            const x = work.pop()!
            if (body[x] !== 0) continue
            body[x] = 1
            for (const p of preds[x]) work.push(p)
          }
          for (let x = 0; x < order.length; x++) if (body[x] !== 0) this.inLoop[order[x].id] = 1
        }
      }
      for (let i = 1; i < order.length; i++) this.children[order[idom[i]].id].push(order[i])
      // Longest paths over forward edges, stopping at loop heads, in reverse postorder backwards.
      for (let i = order.length - 1; i >= 0; i--) {
        const block = order[i]
        let longest = 0
        for (const edge of block.edges) {
          const t = edge.target
          if (t === null || this.loopHead[t.id] !== 0 || index[t.id] <= i) continue
          longest = Math.max(longest, this.reach[t.id])
        }
        this.reach[block.id] = block.insns.length + longest
      }
      return
    }
  }

  /**
   * A region entered at a loop head keeps only the innermost loop through its entry: every edge
   * leaving that loop becomes an exit (to the dispatcher, which finds the code after the loop in
   * another region). The hot loop is then a small function on its own, whose few live values V8
   * keeps in machine registers; code around it, with the registers it keeps live, would make V8
   * spill loop-carried values. True when edges were cut.
   */
  private cutToEntryLoop(
    order: ReadonlyArray<Block>,
    index: Int32Array,
    preds: ReadonlyArray<ReadonlyArray<number>>
  ): boolean {
    let smallest: Uint8Array | null = null
    let size = order.length
    const body = new Uint8Array(order.length)
    // Only back edges the interpreter was seen taking count (a loop through a path never run, as
    // a callee's early return, is not the hot loop), unless it saw none of them.
    const latch = (block: Block): boolean =>
      block.insns.length > 0 && this.ran(block.insns[block.insns.length - 1].offset)
    let anyRan = false
    for (let i = 0; i < order.length; i++) {
      for (const edge of order[i].edges) if (edge.target === order[0] && latch(order[i])) anyRan = true
    }
    for (let i = 0; i < order.length; i++) {
      for (const edge of order[i].edges) {
        if (edge.target !== order[0] || (anyRan && !latch(order[i]))) continue
        // The natural loop of this back edge: the entry and every block reaching i without it.
        body.fill(0)
        body[0] = 1
        const work = [i]
        while (work.length > 0) {
          const x = work.pop()!
          if (body[x] !== 0) continue
          body[x] = 1
          for (const p of preds[x]) work.push(p)
        }
        let count = 0
        for (let x = 0; x < order.length; x++) count += body[x]
        if (count < size) {
          size = count
          smallest = body.slice()
        }
      }
    }
    if (smallest === null) return false
    for (let i = 0; i < order.length; i++) {
      if (smallest[i] === 0) continue
      for (const edge of order[i].edges) {
        if (edge.target !== null && smallest[index[edge.target.id]] === 0) edge.target = null
      }
    }
    return true
  }

  private reversePostorder(): Array<Block> {
    const post: Array<Block> = []
    const seen = new Uint8Array(this.cfg.blocks.length)
    seen[this.cfg.entry.id] = 1
    const blocks: Array<Block> = [this.cfg.entry]
    const next: Array<number> = [0]
    while (blocks.length > 0) {
      const top = blocks.length - 1
      const block = blocks[top]
      const e = next[top]
      if (e < block.edges.length) {
        next[top] = e + 1
        // The taken edge first, so the fall-through comes right after its predecessor in the order.
        const t = block.edges[e].target
        if (t !== null && seen[t.id] === 0) {
          seen[t.id] = 1
          blocks.push(t)
          next.push(0)
        }
      } else {
        blocks.pop()
        next.pop()
        post.push(block)
      }
    }
    return post.reverse()
  }

  // ---- structured emission -----------------------------------------------------------------------

  private open(kind: number): number {
    this.b.byte2(kind, VOID)
    return this.depth++
  }

  private close(): void {
    this.b.byte(W.end)
    this.depth--
  }

  private br(level: number): void {
    this.b.byte(W.br)
    this.b.u32(this.depth - 1 - level)
  }

  private doTree(x: Block): void {
    const merges = this.children[x.id].filter((c) => this.merge[c.id] !== 0)
    merges.sort((a, b) => this.rpo[b.id] - this.rpo[a.id])
    if (this.loopHead[x.id] !== 0) {
      this.loopLevel[x.id] = this.open(W.loop)
      this.nodeWithin(x, merges, 0)
      this.close()
    } else {
      this.nodeWithin(x, merges, 0)
    }
  }

  private nodeWithin(x: Block, merges: ReadonlyArray<Block>, i: number): void {
    if (i < merges.length) {
      this.mergeLevel[merges[i].id] = this.open(W.block)
      this.nodeWithin(x, merges, i + 1)
      this.close()
      this.doTree(merges[i])
      return
    }
    this.blockCode(x)
  }

  /** True when following `edge` from `from` is a plain `br` (to a loop head or a merge point). */
  private isBr(from: Block, edge: Edge): boolean {
    const t = edge.target
    return t !== null && (this.rpo[t.id] <= this.rpo[from.id] || this.merge[t.id] !== 0)
  }

  private brLevel(from: Block, t: Block): number {
    return this.rpo[t.id] <= this.rpo[from.id] ? this.loopLevel[t.id] : this.mergeLevel[t.id]
  }

  private doBranch(from: Block, edge: Edge): void {
    const t = edge.target
    if (t === null) this.exit(edge.offset, edge.why, 0)
    else if (this.isBr(from, edge)) this.br(this.brLevel(from, t))
    else this.doTree(t)
  }

  // ---- blocks and instructions -------------------------------------------------------------------

  /** Pushes the pc at `offset` from the page start (modulo 2^64, as the ISA wraps). */
  private pushPc(offset: number): void {
    get(this.b, PAGE)
    if (offset !== 0) i64c(this.b, offset), this.b.byte(W.i64Add)
  }

  /**
   * Leaves the region for the pc at `offset` in the page: `adjust` instructions of the current
   * block are given back to the budget (they did not run), and `fill` (access bits | size << 2, or
   * 0) asks for the TLB entry of the access at ADDR. Exits inside the region's two pages set one
   * word and branch to a handler shared by the whole function; others are spelled out.
   */
  private exit(offset: number, why: number, adjust: number, fill = 0): void {
    const b = this.b
    // The address is stored here, so ADDR is not live into the shared handler.
    if (fill !== 0) {
      i32c(b, 0), get(b, ADDR), b.byte(W.i64Store), b.byte(3), b.u32(this.layout.state + State.FILL_ADDRESS)
    }
    if (offset >= 0 && offset < 8192 && adjust < 2048) {
      i32c(b, (offset << 19) | (adjust << 8) | (fill << 2) | why), set(b, INFO)
      this.br(2)
      return
    }
    this.exitAt(offset, why, adjust)
  }

  /** The shared exit handler: decodes INFO (pc offset 31..19, adjust 18..8, fill 7..2, why 1..0). */
  private exitHandler(): void {
    const b = this.b
    i32c(b, 0), get(b, INFO), i32c(b, 2), op(b, W.i32ShrU), i32c(b, 0x3f), op(b, W.i32And)
    b.byte(W.i32Store), b.byte(2), b.u32(this.layout.state + State.FILL_ACCESS)
    get(b, BUDGET),
      get(b, INFO),
      i32c(b, 8),
      op(b, W.i32ShrU),
      i32c(b, 0x7ff),
      op(b, W.i32And, W.i32Add),
      set(b, BUDGET)
    this.pushPc(0), get(b, INFO), i32c(b, 19), op(b, W.i32ShrU, W.i64ExtendI32U, W.i64Add), set(b, XPC)
    get(b, INFO), i32c(b, 3), op(b, W.i32And)
    b.byte2(W.localTee, WHY)
    i32c(b, Exit.LOOKUP), op(b, W.i32Eq)
    b.byte(W.brIf), b.u32(this.depth - 1 - 1)
    this.br(0)
  }

  /** Leaves the region for the pc at `offset` from the page start (any offset), spelled out. */
  private exitAt(offset: number, why: number, adjust: number): void {
    const b = this.b
    if (adjust !== 0) get(b, BUDGET), i32c(b, adjust), b.byte(W.i32Add), set(b, BUDGET)
    this.pushPc(offset)
    set(b, XPC)
    if (why === Exit.LOOKUP) {
      this.br(1)
    } else {
      i32c(b, why), set(b, WHY)
      this.br(0)
    }
  }

  private blockCode(x: Block): void {
    const b = this.b
    const n = x.insns.length
    // The entry and each loop head leave if what may run before the next check could overrun
    // the budget, so compiled code never runs past it (the interpreter runs what is left).
    if (x === this.cfg.entry || this.loopHead[x.id] !== 0) {
      get(b, BUDGET), i32c(b, this.reach[x.id]), b.byte(W.i32LtS)
      this.open(W.if)
      this.exit(x.start, Exit.BUDGET, 0)
      this.close()
    }
    get(b, BUDGET), i32c(b, n), b.byte(W.i32Sub), set(b, BUDGET)
    this.known.clear()
    this.sext = 1
    for (let k = 0; k < n; k++) {
      const insn = x.insns[k]
      const op = insn.op
      const bitwise = BITWISE32[op] !== undefined
      // Whether rd's new value is a sign-extended 32-bit value (computed before rd changes).
      const sext = SEXT_RESULT.has(op) ||
        (bitwise && (this.sext & (1 << insn.rs1)) !== 0 &&
          (op !== Op.XOR && op !== Op.OR && op !== Op.AND || (this.sext & (1 << insn.rs2)) !== 0)) ||
        (op === Op.SRAI && (this.sext & (1 << insn.rs1)) !== 0)
      this.insn(x, k)
      if (writesRd(op) && insn.rd !== 0) this.sext = sext ? this.sext | (1 << insn.rd) : this.sext & ~(1 << insn.rd)
    }
    const last = x.insns[n - 1]
    if (isBranch(last.op)) {
      const [taken, notTaken] = x.edges
      this.condition(last)
      if (this.isBr(x, taken)) {
        b.byte(W.brIf), b.u32(this.depth - 1 - this.brLevel(x, taken.target!))
        this.doBranch(x, notTaken)
      } else if (this.isBr(x, notTaken)) {
        b.byte(W.i32Eqz)
        b.byte(W.brIf), b.u32(this.depth - 1 - this.brLevel(x, notTaken.target!))
        this.doBranch(x, taken)
      } else {
        this.open(W.if)
        this.doBranch(x, taken)
        b.byte(W.else)
        this.doBranch(x, notTaken)
        this.close()
      }
    } else if (last.op === Op.JALR && (n < 2 || directTarget(x.insns[n - 2], last) === null)) {
      // A return: to a return site of the region when the target is its pc, else out.
      for (const edge of x.edges) {
        get(b, XPC), this.pushPc(edge.offset), b.byte(W.i64Eq)
        if (this.isBr(x, edge)) {
          b.byte(W.brIf), b.u32(this.depth - 1 - this.brLevel(x, edge.target!))
        } else {
          this.open(W.if)
          this.doBranch(x, edge)
          this.close()
        }
      }
      this.br(1)
    } else {
      this.doBranch(x, x.edges[0])
    }
  }

  private getX(r: number): void {
    if (r === 0) i64c(this.b, 0)
    else get(this.b, xLocal(r))
  }

  private setX(r: number): void {
    if (r === 0) return this.b.byte(W.drop)
    set(this.b, xLocal(r))
    this.known.delete(2 * r)
    this.known.delete(2 * r + 1)
  }

  private condition(insn: Insn): void {
    const b = this.b
    this.getX(insn.rs1)
    if (insn.rs2 === 0 && (insn.op === Op.BEQ || insn.op === Op.BNE)) {
      b.byte(W.i64Eqz)
      if (insn.op === Op.BNE) b.byte(W.i32Eqz)
      return
    }
    this.getX(insn.rs2)
    switch (insn.op) {
      case Op.BEQ:
        return b.byte(W.i64Eq)
      case Op.BNE:
        return b.byte(W.i64Ne)
      case Op.BLT:
        return b.byte(W.i64LtS)
      case Op.BGE:
        return b.byte(W.i64GeS)
      case Op.BLTU:
        return b.byte(W.i64LtU)
      default:
        return b.byte(W.i64GeU)
    }
  }

  /** Emits the effective address of a load or store into ADDR, leaving nothing on the stack. */
  private address(insn: Insn): void {
    const b = this.b
    this.getX(insn.rs1)
    if (insn.imm !== 0) i64c(b, insn.imm), b.byte(W.i64Add)
    set(b, ADDR)
  }

  /**
   * The TLB check of an access of `size` bytes at ADDR in the TLB at `tlb`: falls through with the
   * byte offset of the entry that hit (either way of its set) in E, or leaves the region through
   * `miss` (a page-crossing access never hits). A helper call here, filling the entry and going
   * on, would save the exit, but a call on any path of a hot loop makes V8 spill the values live
   * across it on every path: matmul ran 1.6 times slower, crc32 1.15.
   */
  private tlbLookup(tlb: number, size: number, miss: () => void): void {
    const b = this.b
    this.open(W.block)
    get(b, ADDR), i64c(b, 7), op(b, W.i64ShrU, W.i32WrapI64), i32c(b, (TLB_ENTRIES - 1) << 5), op(b, W.i32And)
    b.byte2(W.localTee, E)
    b.byte(W.i64Load), b.byte(3), b.u32(tlb)
    get(b, ADDR)
    if (size > 1) i64c(b, size - 1), op(b, W.i64Add)
    i64c(b, 12), op(b, W.i64ShrU)
    b.byte2(W.localTee, T0)
    op(b, W.i64Eq)
    b.byte2(W.brIf, 0)
    // Way 1.
    get(b, E), b.byte(W.i64Load), b.byte(3), b.u32(tlb + 16), get(b, T0), op(b, W.i64Ne)
    this.open(W.if)
    miss()
    this.close()
    get(b, E), i32c(b, 16), op(b, W.i32Add), set(b, E)
    this.close()
  }

  /** After a helper call whose status is in ST: a fault leaves before the instruction. */
  private faultCheck(x: Block, k: number): void {
    const b = this.b
    get(b, ST), i32c(b, 2), b.byte(W.i32Eq)
    this.open(W.if)
    this.exit(x.insns[k].offset, Exit.INTERPRET, x.insns.length - k)
    this.close()
  }

  private insn(x: Block, k: number): void {
    const b = this.b
    const insn = x.insns[k]
    const { imm, op, rd, rs1, rs2 } = insn
    const bitwise = BITWISE32[op]
    if (bitwise !== undefined && (this.sext & (1 << rs1)) !== 0) {
      const immediate = op === Op.XORI || op === Op.ORI || op === Op.ANDI
      if (immediate || (this.sext & (1 << rs2)) !== 0) {
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64)
        if (immediate) i32c(b, imm)
        else this.getX(rs2), b.byte(W.i32WrapI64)
        b.byte(bitwise), b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      }
    }
    if (isBitManipulation(op)) {
      if (rd === 0) return
      emitBitManipulation({ b, getX: (r) => this.getX(r), const64: (lo, hi) => i64c(b, lo, hi), scratch: T0 }, insn)
      this.setX(rd)
      return
    }
    const rr = RR[op]
    if (rr !== undefined) {
      if (rd === 0) return
      this.getX(rs1), this.getX(rs2), b.byte(rr), this.setX(rd)
      return
    }
    const ri = RI[op]
    if (ri !== undefined) {
      if (rd === 0) return
      this.getX(rs1)
      if (
        !(imm === 0 &&
          (op === Op.ADDI || op === Op.ORI || op === Op.XORI || ri === W.i64Shl || ri === W.i64ShrU ||
            ri === W.i64ShrS))
      ) {
        i64c(b, imm), b.byte(ri)
      }
      this.setX(rd)
      return
    }
    if (op >= Op.MULH && op <= Op.REMUW && op !== Op.MULW) {
      if (rd === 0) return
      this.arithmetic(op, rs1, rs2)
      this.setX(rd)
      return
    }
    const load = LOAD_OP[op]
    if (load !== undefined) return this.load(x, k, load[0], load[1])
    const store = STORE_OP[op]
    if (store !== undefined) return this.store(x, k, store[0], store[1])
    if (op >= Op.LR_W && op <= Op.AMOMAXU_D) return this.atomic(x, k)
    if (isFloatingPoint(op)) return this.float(x, k)
    switch (op) {
      case Op.LUI:
        if (rd !== 0) i64c(b, imm), this.setX(rd)
        return
      case Op.AUIPC:
        if (rd !== 0) this.pushPc(insn.offset + imm), this.setX(rd)
        return
      case Op.SLTI:
      case Op.SLTIU:
        if (rd === 0) return
        this.getX(rs1),
          i64c(b, imm),
          b.byte(op === Op.SLTI ? W.i64LtS : W.i64LtU),
          b.byte(W.i64ExtendI32U),
          this.setX(rd)
        return
      case Op.SLT:
      case Op.SLTU:
        if (rd === 0) return
        this.getX(rs1),
          this.getX(rs2),
          b.byte(op === Op.SLT ? W.i64LtS : W.i64LtU),
          b.byte(W.i64ExtendI32U),
          this.setX(rd)
        return
      case Op.ADDIW:
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64)
        if (imm !== 0) i32c(b, imm), b.byte(W.i32Add)
        b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.SLLIW:
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64), i32c(b, imm), b.byte(W.i32Shl), b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.SRLIW:
      case Op.SRAIW:
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64), i32c(b, imm), b.byte(op === Op.SRLIW ? W.i32ShrU : W.i32ShrS)
        b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.ADDW:
      case Op.SUBW:
      case Op.MULW:
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64), this.getX(rs2), b.byte(W.i32WrapI64)
        b.byte(op === Op.ADDW ? W.i32Add : op === Op.SUBW ? W.i32Sub : W.i32Mul)
        b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.SLLW:
      case Op.SRLW:
      case Op.SRAW:
        if (rd === 0) return
        this.getX(rs1), b.byte(W.i32WrapI64), this.getX(rs2), b.byte(W.i32WrapI64)
        b.byte(op === Op.SLLW ? W.i32Shl : op === Op.SRLW ? W.i32ShrU : W.i32ShrS)
        b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.JAL:
        if (rd !== 0) this.pushPc(insn.offset + insn.length), this.setX(rd)
        return
      case Op.JALR:
        // The target first: rd may be rs1.
        this.getX(rs1)
        if (imm !== 0) i64c(b, imm), b.byte(W.i64Add)
        i64c(b, -2), b.byte(W.i64And), set(b, XPC)
        if (rd !== 0) this.pushPc(insn.offset + insn.length), this.setX(rd)
        return
      case Op.CSRRW:
      case Op.CSRRWI:
        return this.floatHelper(x, k)
      case Op.CSRRS:
      case Op.CSRRC:
      case Op.CSRRSI:
      case Op.CSRRCI:
        // fflags, frm, fcsr: the FP helper.
        if (imm < Csr.CYCLE) return this.floatHelper(x, k)
        // A counter: the count of instructions retired before this one.
        if (rd === 0) return
        i32c(b, 0), b.byte(W.i64Load), b.byte(3), b.u32(this.layout.state + State.INSTRET_BIAS)
        get(b, BUDGET), b.byte(W.i64ExtendI32S), b.byte(W.i64Sub)
        i64c(b, x.insns.length - k), b.byte(W.i64Sub)
        this.setX(rd)
        return
      case Op.FENCE:
      case Op.FENCE_I:
        return
      default:
        if (isBranch(op)) return
        throw new Error(`jit: no translation for op ${op}`)
    }
  }

  /** The translation-cache slots (byte addresses) the last emitted region writes. */
  siteSlots(): ReadonlyArray<number> {
    return Array.from(new Set(this.sites.values()))
  }

  /** Gives the loads and stores inside loops a translation-cache slot, shared per base register. */
  private assignSites(): void {
    this.sites = new Map()
    const byBase = new Map<string, number>()
    // A base loaded from memory (the next node of a list) moves to another page at random, where
    // a slot is a miss to check and refill every time: no slot where the base's value comes from
    // a load, which is the last write in the block before the access, or, with none, the last
    // write to it in some block of the loop.
    let loadedOut = 0
    for (const block of this.cfg.blocks) {
      if (this.inLoop[block.id] === 0 || this.rpo[block.id] < 0) continue
      let written = 0
      for (let k = block.insns.length - 1; k >= 0; k--) {
        const insn = block.insns[k]
        if (!writesRd(insn.op) || insn.rd === 0 || (written & (1 << insn.rd)) !== 0) continue
        written |= 1 << insn.rd
        if (LOAD_OP[insn.op] !== undefined) loadedOut |= 1 << insn.rd
      }
    }
    for (const block of this.cfg.blocks) {
      if (this.inLoop[block.id] === 0 || this.rpo[block.id] < 0) continue
      // Per register: 1 once written in this block by a load, 2 once by anything else.
      const lastWrite = new Uint8Array(32)
      block.insns.forEach((insn, k) => {
        const store = STORE_OP[insn.op] !== undefined
        const load = LOAD_OP[insn.op] !== undefined
        const base = insn.rs1
        const fromLoad = lastWrite[base] === 0 ? (loadedOut & (1 << base)) !== 0 : lastWrite[base] === 1
        if (writesRd(insn.op) && insn.rd !== 0) lastWrite[insn.rd] = load ? 1 : 2
        if ((!store && !load) || fromLoad) return
        const key = `${insn.rs1}:${store}`
        let slot = byBase.get(key)
        if (slot === undefined) {
          const kind = store ? 1 : 0
          const index = this.nextSlot[kind]
          this.nextSlot[kind] = (index + 1) % SITE_SLOTS
          slot = (store ? this.layout.writeSites : this.layout.readSites) + 16 * index
          byBase.set(key, slot)
        }
        this.sites.set(block.id * 4096 + k, slot)
      })
    }
  }

  /**
   * The access of `size` bytes at ADDR; `access` emits the load or store given the host address
   * on the stack. With a cache slot, an aligned access to the page last seen there skips the TLB;
   * a TLB hit refills the slot. A miss leaves the region before the instruction, asking for the
   * TLB entry to be filled; the interpreter then runs the instruction (a fault, a page crossing
   * and a store to code are all misses, so compiled code never calls out for memory).
   */
  private access(x: Block, k: number, size: number, write: boolean, access: () => void): void {
    const b = this.b
    const tlb = write ? this.layout.writeTlb : this.layout.readTlb
    const miss = () => this.missExit(x, k, size, write)
    const slot = this.sites.get(x.id * 4096 + k)
    const key = 2 * x.insns[k].rs1 + (write ? 1 : 0)
    const previous = this.known.get(key)
    let index = previous
    if (index === undefined) {
      index = this.nextKnown
      this.nextKnown = (index + 1) % KNOWN
      for (const [other, i] of this.known) if (i === index) this.known.delete(other)
    }
    // Set before `access` runs: an access writing its own base register forgets it again.
    this.known.set(key, index)
    const page = KNOWN_PAGE + index
    const addend = KNOWN_ADDEND + index
    // Every way to the translation leaves its addend in `addend` and branches to the end of this
    // block, where the one copy of the access is: the access is emitted once however it is found.
    this.open(W.block)
    if (previous !== undefined) {
      // The page this block translated through the same base register before.
      get(b, ADDR), i64c(b, ~0xfff | (size - 1), -1), op(b, W.i64And), get(b, page), op(b, W.i64Eq)
      b.byte2(W.brIf, 0)
    }
    if (slot !== undefined) {
      // The slot's page: its addend is read first, and a miss overwrites it below.
      i32c(b, 0), b.byte(W.i32Load), b.byte(2), b.u32(slot + 8), set(b, addend)
      get(b, ADDR), i64c(b, ~0xfff | (size - 1), -1), op(b, W.i64And)
      i32c(b, 0), b.byte(W.i64Load), b.byte(3), b.u32(slot)
      op(b, W.i64Eq)
      b.byte2(W.brIf, 0)
    }
    this.tlbLookup(tlb, size, miss)
    if (slot !== undefined) {
      i32c(b, 0), get(b, ADDR), i64c(b, ~0xfff), op(b, W.i64And), b.byte(W.i64Store), b.byte(3), b.u32(slot)
      i32c(b, 0), get(b, E), b.byte(W.i32Load), b.byte(2), b.u32(tlb + 8), b.byte2(W.localTee, addend)
      b.byte(W.i32Store), b.byte(2), b.u32(slot + 8)
    } else {
      get(b, E), b.byte(W.i32Load), b.byte(2), b.u32(tlb + 8), set(b, addend)
    }
    this.close()
    // The page, for later accesses through the same base in this block.
    get(b, ADDR), i64c(b, ~0xfff), op(b, W.i64And), set(b, page)
    get(b, ADDR), op(b, W.i32WrapI64), get(b, addend), op(b, W.i32Add)
    access()
  }

  /** Leaves before instruction k, recording the address and access for the engine to translate. */
  private missExit(x: Block, k: number, size: number, write: boolean): void {
    this.exit(x.insns[k].offset, Exit.INTERPRET, x.insns.length - k, (write ? Access.WRITE : Access.READ) | (size << 2))
  }

  private load(x: Block, k: number, opcode: number, size: number): void {
    const b = this.b
    const insn = x.insns[k]
    this.address(insn)
    this.access(x, k, size, false, () => {
      b.byte(opcode), b.byte(0), b.u32(0)
      this.setX(insn.rd)
    })
  }

  private store(x: Block, k: number, opcode: number, size: number): void {
    const b = this.b
    const insn = x.insns[k]
    this.address(insn)
    this.access(x, k, size, true, () => {
      this.getX(insn.rs2)
      b.byte(opcode), b.byte(0), b.u32(0)
    })
  }

  /**
   * The M extension's operations WebAssembly has no instruction for (the high half of a
   * 128-bit product) or traps on (division by zero, MIN / -1), inline: leaves the result.
   */
  private arithmetic(code: number, rs1: number, rs2: number): void {
    const b = this.b
    const [T3, T4, T5] = [T0 + 3, T0 + 4, T0 + 5]
    switch (code) {
      case Op.MULH:
      case Op.MULHU:
      case Op.MULHSU: {
        this.getX(rs1), set(b, T0)
        this.getX(rs2), set(b, T1)
        // Unsigned high product from 32-bit partial products: T2 = alo, T3 = ahi, T4 = blo, T5 = bhi.
        get(b, T0), i64c(b, -1, 0), op(b, W.i64And), set(b, T2)
        get(b, T0), i64c(b, 32), op(b, W.i64ShrU), set(b, T3)
        get(b, T1), i64c(b, -1, 0), op(b, W.i64And), set(b, T4)
        get(b, T1), i64c(b, 32), op(b, W.i64ShrU), set(b, T5)
        // ahi*bhi + (alo*bhi >> 32) + (ahi*blo >> 32) + ((alo*blo >> 32) + lo32(alo*bhi) + lo32(ahi*blo)) >> 32
        get(b, T3), get(b, T5), op(b, W.i64Mul)
        get(b, T2), get(b, T5), op(b, W.i64Mul), set(b, T5) // T5 = alo*bhi
        get(b, T3), get(b, T4), op(b, W.i64Mul), set(b, T3) // T3 = ahi*blo
        get(b, T5), i64c(b, 32), op(b, W.i64ShrU, W.i64Add)
        get(b, T3), i64c(b, 32), op(b, W.i64ShrU, W.i64Add)
        get(b, T2), get(b, T4), op(b, W.i64Mul), i64c(b, 32), op(b, W.i64ShrU)
        get(b, T5), i64c(b, -1, 0), op(b, W.i64And, W.i64Add)
        get(b, T3), i64c(b, -1, 0), op(b, W.i64And, W.i64Add)
        i64c(b, 32), op(b, W.i64ShrU, W.i64Add)
        // Signed corrections: minus (rs1 < 0 ? rs2 : 0), and for MULH minus (rs2 < 0 ? rs1 : 0).
        if (code !== Op.MULHU) get(b, T0), i64c(b, 63), op(b, W.i64ShrS), get(b, T1), op(b, W.i64And, W.i64Sub)
        if (code === Op.MULH) get(b, T1), i64c(b, 63), op(b, W.i64ShrS), get(b, T0), op(b, W.i64And, W.i64Sub)
        return
      }
      case Op.DIV:
        // By zero: all ones; MIN / -1: MIN.
        this.getX(rs2), op(b, W.i64Eqz), b.byte2(W.if, I64), i64c(b, -1), b.byte(W.else)
        this.getX(rs1),
          i64c(b, 0, 0x80000000 | 0),
          op(b, W.i64Eq),
          this.getX(rs2),
          i64c(b, -1),
          op(b, W.i64Eq, W.i32And)
        b.byte2(W.if, I64), this.getX(rs1), b.byte(W.else), this.getX(rs1), this.getX(rs2), op(b, W.i64DivS, W.end)
        b.byte(W.end)
        return
      case Op.DIVU:
        this.getX(rs2), op(b, W.i64Eqz), b.byte2(W.if, I64), i64c(b, -1), b.byte(W.else)
        this.getX(rs1), this.getX(rs2), op(b, W.i64DivU, W.end)
        return
      case Op.REM:
      case Op.REMU:
        // By zero: the dividend. MIN % -1 is 0, which rem_s gives without trapping.
        this.getX(rs2), op(b, W.i64Eqz), b.byte2(W.if, I64), this.getX(rs1), b.byte(W.else)
        this.getX(rs1), this.getX(rs2), op(b, code === Op.REM ? W.i64RemS : W.i64RemU, W.end)
        return
      default: {
        // DIVW, DIVUW, REMW, REMUW on the low words: I0 = a32, I1 = b32.
        this.getX(rs1), op(b, W.i32WrapI64), set(b, I0)
        this.getX(rs2), op(b, W.i32WrapI64), set(b, I1)
        get(b, I1), op(b, W.i32Eqz), b.byte2(W.if, I64)
        if (code === Op.DIVW || code === Op.DIVUW) i64c(b, -1)
        else get(b, I0), op(b, W.i64ExtendI32S)
        b.byte(W.else)
        if (code === Op.DIVW) {
          get(b, I0), i32c(b, 0x80000000 | 0), op(b, W.i32Eq), get(b, I1), i32c(b, -1), op(b, W.i32Eq, W.i32And)
          b.byte2(W.if, I64), get(b, I0), op(b, W.i64ExtendI32S), b.byte(W.else)
          get(b, I0), get(b, I1), op(b, W.i32DivS, W.i64ExtendI32S, W.end)
        } else {
          get(b, I0), get(b, I1)
          op(b, code === Op.DIVUW ? W.i32DivU : code === Op.REMW ? W.i32RemS : W.i32RemU, W.i64ExtendI32S)
        }
        b.byte(W.end)
      }
    }
  }

  /**
   * F and D. The FP registers and `fcsr` stay in the register file (compiled code reads and
   * writes them there, so nothing about them is saved or restored at exits). Loads and stores go
   * through the TLB like the integer ones; moves between register files and the double-precision
   * sign injections are bit operations, done inline; every other operation calls the FP helper,
   * which runs the interpreter's exact FP unit on the register file (rounding in every mode,
   * NaN-boxing, `fflags`), and leaves before the instruction when it is illegal (a reserved
   * rounding mode).
   */
  private float(x: Block, k: number): void {
    const b = this.b
    const insn = x.insns[k]
    const { op, rd, rs1, rs2 } = insn
    const f = fOffset
    const loadF = (r: number) => {
      get(b, RF), b.byte(W.i64Load), b.byte(3), b.u32(f(r))
    }
    const storeF = (r: number) => {
      // The value is on the stack: keep it in T0 while the address goes below it.
      set(b, T0), get(b, RF), get(b, T0), b.byte(W.i64Store), b.byte(3), b.u32(f(r))
    }
    switch (op) {
      case Op.FLW:
      case Op.FLD:
        this.address(insn)
        return this.access(x, k, op === Op.FLW ? 4 : 8, false, () => {
          b.byte(op === Op.FLW ? W.i64Load32U : W.i64Load), b.byte(0), b.u32(0)
          // A single is NaN-boxed: the upper 32 bits all ones.
          if (op === Op.FLW) i64c(b, 0, -1), b.byte(W.i64Or)
          storeF(rd)
        })
      case Op.FSW:
      case Op.FSD:
        this.address(insn)
        return this.access(x, k, op === Op.FSW ? 4 : 8, true, () => {
          loadF(rs2)
          b.byte(op === Op.FSW ? W.i64Store32 : W.i64Store), b.byte(0), b.u32(0)
        })
      case Op.FMV_X_D:
        if (rd !== 0) loadF(rs1), this.setX(rd)
        return
      case Op.FMV_X_W:
        if (rd !== 0) loadF(rs1), b.byte(W.i32WrapI64), b.byte(W.i64ExtendI32S), this.setX(rd)
        return
      case Op.FMV_D_X:
        this.getX(rs1), storeF(rd)
        return
      case Op.FMV_W_X:
        this.getX(rs1), i64c(b, -1, 0), b.byte(W.i64And), i64c(b, 0, -1), b.byte(W.i64Or), storeF(rd)
        return
      case Op.FSGNJ_D:
      case Op.FSGNJN_D:
      case Op.FSGNJX_D:
        // Magnitude (or, for FSGNJX, everything) of rs1; the sign of rs2, negated for FSGNJN.
        loadF(rs1)
        if (op !== Op.FSGNJX_D) i64c(b, -1, 0x7fffffff), b.byte(W.i64And)
        loadF(rs2)
        if (op === Op.FSGNJN_D) i64c(b, -1), b.byte(W.i64Xor)
        i64c(b, 0, 0x80000000 | 0), b.byte(W.i64And)
        b.byte(op === Op.FSGNJX_D ? W.i64Xor : W.i64Or)
        storeF(rd)
        return
      case Op.FADD_D:
      case Op.FSUB_D:
      case Op.FMUL_D:
        if ((insn.imm & 7) === 0 || (insn.imm & 7) === 7) return this.fastDouble(x, k)
        break
      case Op.FDIV_D:
      case Op.FSQRT_D:
        if ((insn.imm & 7) === 0 || (insn.imm & 7) === 7) return this.fastDivideOrRoot(x, k)
    }
    this.floatHelper(x, k)
  }

  /**
   * FADD.D, FSUB.D and FMUL.D rounding to nearest, even (statically, or dynamically with frm =
   * RNE) as one WebAssembly f64 operation, which rounds the same way, when the result is
   * finite and normal and no intermediate below can overflow or underflow: then the only flag is
   * inexact, and it is raised exactly when the operation's exact error, which an error-free
   * transformation gives (Knuth's TwoSum, Dekker's product), is not zero. Anything else (NaNs,
   * infinities, zeros, subnormal or huge values, another rounding mode) goes to the helper.
   */
  private fastDouble(x: Block, k: number): void {
    const b = this.b
    const { imm, op, rs1, rs2 } = x.insns[k]
    get(b, RF), b.byte(W.f64Load), b.byte(3), b.u32(fOffset(rs1)), set(b, FA)
    get(b, RF), b.byte(W.f64Load), b.byte(3), b.u32(fOffset(rs2))
    if (op === Op.FSUB_D) b.byte(W.f64Neg)
    set(b, FB)
    get(b, FA), get(b, FB), b.byte(op === Op.FMUL_D ? W.f64Mul : W.f64Add), b.byte2(W.localTee, FS)
    // Normal and finite (false for NaN), with room for the error terms.
    b.byte(W.f64Abs), f64c(b, op === Op.FMUL_D ? 2 ** -960 : 2 ** -1021), b.byte(W.f64Gt)
    get(b, FS), b.byte(W.f64Abs), f64c(b, 2 ** 1000), b.byte(W.f64Lt), b.byte(W.i32And)
    get(b, FA), b.byte(W.f64Abs), get(b, FB), b.byte(W.f64Abs), b.byte(W.f64Max)
    f64c(b, op === Op.FMUL_D ? 2 ** 995 : 2 ** 1000), b.byte(W.f64Lt), b.byte(W.i32And)
    if ((imm & 7) === 7) {
      get(b, RF), b.byte(W.i32Load), b.byte(2), b.u32(FCSR_OFFSET)
      i32c(b, 0xe0), b.byte(W.i32And), b.byte(W.i32Eqz), b.byte(W.i32And)
    }
    this.open(W.if)
    this.finishFast(x, k, () => {
      if (op === Op.FMUL_D) {
        // Dekker: a = ah + al, b = bh + bl (26-bit halves); the error is exact in this order.
        const [ah, al, bh, bl] = [FT0, FT0 + 1, FT0 + 2, FT0 + 3]
        splitDouble(b, FA, ah, al)
        splitDouble(b, FB, bh, bl)
        get(b, ah), get(b, bh), b.byte(W.f64Mul), get(b, FS), b.byte(W.f64Sub)
        get(b, ah), get(b, bl), b.byte(W.f64Mul), b.byte(W.f64Add)
        get(b, al), get(b, bh), b.byte(W.f64Mul), b.byte(W.f64Add)
        get(b, al), get(b, bl), b.byte(W.f64Mul), b.byte(W.f64Add)
      } else {
        // TwoSum: bb = s - a; error = (a - (s - bb)) + (b - bb).
        const bb = FT0
        get(b, FS), get(b, FA), b.byte(W.f64Sub), set(b, bb)
        get(b, FA), get(b, FS), get(b, bb), b.byte(W.f64Sub), b.byte(W.f64Sub)
        get(b, FB), get(b, bb), b.byte(W.f64Sub), b.byte(W.f64Add)
      }
      f64c(b, 0), b.byte(W.f64Ne)
    })
  }

  /**
   * The end of a fast FP path, inside the `if` of its conditions: raises NX when `inexact` (code
   * leaving an i32) says the operation was inexact, writes the result (local FS) to f[rd], and else
   * (the conditions failed) calls the helper. Flags are sticky, so once NX is set (in most FP code,
   * from the first inexact operation on) nothing can change it and the error is not computed.
   */
  private finishFast(x: Block, k: number, inexact: () => void): void {
    const b = this.b
    get(b, RF), b.byte(W.i32Load), b.byte(2), b.u32(FCSR_OFFSET), i32c(b, 1), b.byte(W.i32And), b.byte(W.i32Eqz)
    this.open(W.if)
    inexact()
    this.open(W.if)
    get(b, RF), get(b, RF), b.byte(W.i32Load), b.byte(2), b.u32(FCSR_OFFSET), i32c(b, 1), b.byte(W.i32Or)
    b.byte(W.i32Store), b.byte(2), b.u32(FCSR_OFFSET)
    this.close()
    this.close()
    get(b, RF), get(b, FS), b.byte(W.f64Store), b.byte(3), b.u32(fOffset(x.insns[k].rd))
    b.byte(W.else)
    this.floatHelper(x, k)
    this.close()
  }

  /**
   * FDIV.D and FSQRT.D rounding to nearest, even (statically, or dynamically with frm = RNE) as one
   * WebAssembly f64 division or square root, which rounds the same way, when the operands and the
   * result are normal and well inside the range (a positive operand for the root): then the only
   * flag is inexact. The result q is exact exactly when q·b (q·q for the root) equals the operand
   * a, and Dekker's product gives q·b exactly as p + e: inexact is p ≠ a or e ≠ 0. Anything else
   * goes to the helper.
   */
  private fastDivideOrRoot(x: Block, k: number): void {
    const b = this.b
    const { imm, op, rs1, rs2 } = x.insns[k]
    const root = op === Op.FSQRT_D
    const [qh, ql, bh, bl, p] = [FT0, FT0 + 1, FT0 + 2, FT0 + 3, FT0 + 4]
    get(b, RF), b.byte(W.f64Load), b.byte(3), b.u32(fOffset(rs1)), set(b, FA)
    if (root) {
      get(b, FA), b.byte(W.f64Sqrt), set(b, FS)
      // The root of a in (2^-960, 2^995) is in (2^-480, 2^498) (false for NaN and negatives).
      get(b, FA), f64c(b, 2 ** -960), b.byte(W.f64Gt)
      get(b, FA), f64c(b, 2 ** 995), b.byte(W.f64Lt), b.byte(W.i32And)
    } else {
      get(b, RF), b.byte(W.f64Load), b.byte(3), b.u32(fOffset(rs2)), set(b, FB)
      get(b, FA), get(b, FB), b.byte(W.f64Div), b.byte2(W.localTee, FS)
      // |a|, |b| and |q| all in (2^-960, 2^995): the splits cannot overflow, nor the partial
      // products underflow (false for NaN, zeros and infinities).
      b.byte(W.f64Abs), f64c(b, 2 ** -960), b.byte(W.f64Gt)
      get(b, FS), b.byte(W.f64Abs), f64c(b, 2 ** 995), b.byte(W.f64Lt), b.byte(W.i32And)
      get(b, FA), b.byte(W.f64Abs), get(b, FB), b.byte(W.f64Abs), b.byte(W.f64Min)
      f64c(b, 2 ** -960), b.byte(W.f64Gt), b.byte(W.i32And)
      get(b, FA), b.byte(W.f64Abs), get(b, FB), b.byte(W.f64Abs), b.byte(W.f64Max)
      f64c(b, 2 ** 995), b.byte(W.f64Lt), b.byte(W.i32And)
    }
    if ((imm & 7) === 7) {
      get(b, RF), b.byte(W.i32Load), b.byte(2), b.u32(FCSR_OFFSET)
      i32c(b, 0xe0), b.byte(W.i32And), b.byte(W.i32Eqz), b.byte(W.i32And)
    }
    this.open(W.if)
    this.finishFast(x, k, () => {
      // The divisor (the root itself for FSQRT) times the result, exactly: p + e.
      const [other, oh, ol] = root ? [FS, qh, ql] : [FB, bh, bl]
      splitDouble(b, FS, qh, ql)
      if (!root) splitDouble(b, FB, bh, bl)
      get(b, FS), get(b, other), b.byte(W.f64Mul), set(b, p)
      get(b, qh), get(b, oh), b.byte(W.f64Mul), get(b, p), b.byte(W.f64Sub)
      get(b, qh), get(b, ol), b.byte(W.f64Mul), b.byte(W.f64Add)
      get(b, ql), get(b, oh), b.byte(W.f64Mul), b.byte(W.f64Add)
      get(b, ql), get(b, ol), b.byte(W.f64Mul), b.byte(W.f64Add)
      f64c(b, 0), b.byte(W.f64Ne)
      get(b, p), get(b, FA), b.byte(W.f64Ne), b.byte(W.i32Or)
    })
  }

  /**
   * Calls the FP helper for instruction k (see {@link float}), an FP operation or an access to
   * `fflags`, `frm` or `fcsr`.
   */
  private floatHelper(x: Block, k: number): void {
    const b = this.b
    const insn = x.insns[k]
    const { op, rd, rs1, rs2 } = insn
    const csr = !isFloatingPoint(op)
    i32c(b, op), i32c(b, insn.imm), i32c(b, rd), i32c(b, rs1), i32c(b, rs2)
    if (csr ? readsRs1(op) : fpReadsX(op)) {
      this.getX(rs1), b.byte(W.i32WrapI64)
      this.getX(rs1), i64c(b, 32), b.byte(W.i64ShrU), b.byte(W.i32WrapI64)
    } else {
      i32c(b, 0), i32c(b, 0)
    }
    b.byte(W.call), b.u32(Fn.FLOAT), set(b, ST)
    this.faultCheck(x, k)
    if ((csr || fpWritesX(op)) && rd !== 0) {
      i32c(b, 0), b.byte(W.i64Load), b.byte(3), b.u32(this.layout.state + State.VALUE)
      this.setX(rd)
    }
  }

  /**
   * LR, SC and the AMOs, inline: an aligned access through the TLB (a store TLB for SC and the
   * AMOs, so a store to code leaves for the interpreter, as does a misaligned address) and the
   * reservation in the state block, which the interpreter shares (`atomics.ts` has the rules).
   * The AMOs read, combine and write in one go: nothing else runs in between.
   */
  private atomic(x: Block, k: number): void {
    const b = this.b
    const insn = x.insns[k]
    const wide = insn.op >= Op.LR_D
    const size = wide ? 8 : 4
    const base = wide ? insn.op - (Op.LR_D - Op.LR_W) : insn.op
    const reservation = this.layout.state + State.RESERVATION
    this.getX(insn.rs1), set(b, ADDR)
    // Misaligned: the interpreter raises the exception.
    get(b, ADDR), op(b, W.i32WrapI64), i32c(b, size - 1), op(b, W.i32And)
    this.open(W.if)
    this.exit(insn.offset, Exit.INTERPRET, x.insns.length - k)
    this.close()
    const load = () => {
      get(b, I0), b.byte(wide ? W.i64Load : W.i64Load32S), b.byte(0), b.u32(0)
    }
    const store = (value: () => void) => {
      get(b, I0), value(), b.byte(wide ? W.i64Store : W.i64Store32), b.byte(0), b.u32(0)
    }
    if (base === Op.LR_W) {
      this.access(x, k, size, false, () => {
        b.byte2(W.localSet, I0)
        load(), set(b, T1)
        i32c(b, 0), i32c(b, 1), b.byte(W.i32Store), b.byte(2), b.u32(reservation)
        i32c(b, 0), get(b, ADDR), b.byte(W.i64Store), b.byte(3), b.u32(reservation + 4)
        i32c(b, 0), i32c(b, size), b.byte(W.i32Store), b.byte(2), b.u32(reservation + 12)
        if (insn.rd !== 0) get(b, T1), this.setX(insn.rd)
      })
      return
    }
    if (base === Op.SC_W) {
      this.access(x, k, size, true, () => {
        b.byte2(W.localSet, I0)
        // Held, the same high half, and [lo, lo + size) inside the reserved bytes (unsigned).
        i32c(b, 0), b.byte(W.i32Load), b.byte(2), b.u32(reservation)
        get(b, ADDR), i64c(b, 32), op(b, W.i64ShrU, W.i32WrapI64)
        i32c(b, 0), b.byte(W.i32Load), b.byte(2), b.u32(reservation + 8)
        op(b, W.i32Eq, W.i32And)
        get(b, ADDR), i64c(b, 0xffffffff, 0), op(b, W.i64And)
        i32c(b, 0), b.byte(W.i64Load32U), b.byte(2), b.u32(reservation + 4)
        op(b, W.i64GeU, W.i32And)
        get(b, ADDR), i64c(b, 0xffffffff, 0), op(b, W.i64And), i64c(b, size), op(b, W.i64Add)
        i32c(b, 0), b.byte(W.i64Load32U), b.byte(2), b.u32(reservation + 4)
        i32c(b, 0), b.byte(W.i64Load32U), b.byte(2), b.u32(reservation + 12)
        op(b, W.i64Add, W.i64LeU, W.i32And)
        b.byte2(W.localTee, I1)
        this.open(W.if)
        store(() => this.getX(insn.rs2))
        this.close()
        i32c(b, 0), i32c(b, 0), b.byte(W.i32Store), b.byte(2), b.u32(reservation)
        if (insn.rd !== 0) get(b, I1), op(b, W.i32Eqz, W.i64ExtendI32U), this.setX(insn.rd)
      })
      return
    }
    this.access(x, k, size, true, () => {
      b.byte2(W.localSet, I0)
      load(), set(b, T1)
      store(() => this.amoResult(base, wide, insn.rs2))
      if (insn.rd !== 0) get(b, T1), this.setX(insn.rd)
    })
  }

  /** An AMO's new memory value from the old one (T1) and x[rs2]. */
  private amoResult(base: number, wide: boolean, rs2: number): void {
    const b = this.b
    const bitwise: Record<number, number> = {
      [Op.AMOADD_W]: W.i64Add,
      [Op.AMOXOR_W]: W.i64Xor,
      [Op.AMOAND_W]: W.i64And,
      [Op.AMOOR_W]: W.i64Or
    }
    if (base === Op.AMOSWAP_W) return this.getX(rs2)
    if (bitwise[base] !== undefined) return get(b, T1), this.getX(rs2), op(b, bitwise[base])
    // MIN, MAX, MINU, MAXU: compare as 64 or 32 bits, signed or not, and keep one.
    get(b, T1), this.getX(rs2)
    get(b, T1), this.getX(rs2)
    const unsigned = base === Op.AMOMINU_W || base === Op.AMOMAXU_W
    const min = base === Op.AMOMIN_W || base === Op.AMOMINU_W
    if (wide) {
      op(b, min ? (unsigned ? W.i64LtU : W.i64LtS) : (unsigned ? W.i64GtU : W.i64GtS))
    } else {
      // Both as 32-bit values.
      set(b, T2), op(b, W.i32WrapI64), get(b, T2), op(b, W.i32WrapI64)
      op(b, min ? (unsigned ? W.i32LtU : W.i32LtS) : (unsigned ? W.i32GtU : W.i32GtS))
    }
    b.byte(W.select)
  }
}
