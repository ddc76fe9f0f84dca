/**
 * How the JIT cuts code into regions (`buildCfg`): where a region stops for another region's entry,
 * and what it keeps anyway (its own loops, callees and return sites inside the page).
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import {
  buildCfg,
  type Cfg,
  cyclicRanges,
  edgesCut,
  entryLoopRanges,
  innerLoopRanges,
  stopsAtEntries,
  stopsOutsideLoops
} from "../src/internal/jit/region.js"

const { a0, a1, ra } = A.Reg
const PAGE = 4096

/** The region at `entry` over `program` assembled at offset 0 of the page at frame 0. */
const regionOf = (
  program: A.Program,
  entry: number,
  stop: (offset: number, phys: number) => boolean = () => false
): Cfg => {
  const memory = new Uint8Array(2 * PAGE)
  memory.set(A.assemble(program))
  const halfwords = new Uint16Array(memory.buffer)
  const cfg = buildCfg(() => halfwords, 0, 0x10000, entry, 256, () => -1, stop)
  assert.isNotNull(cfg)
  return cfg!
}

/** Regions begin at `entries` (frame 0, so physical addresses are offsets): the engine's rule. */
const stopping = (program: A.Program, entry: number, entries: ReadonlyArray<number>): Cfg =>
  regionOf(program, entry, stopsOutsideLoops(regionOf(program, entry), (phys) => entries.includes(phys)))

const starts = (cfg: Cfg): Array<number> =>
  cfg.blocks.filter((b) => b.insns.length > 0).map((b) => b.start).sort((a, b) => a - b)
const exits = (cfg: Cfg): Array<number> =>
  cfg.blocks.flatMap((b) => b.edges.filter((e) => e.target === null).map((e) => e.offset)).sort((a, b) => a - b)

// 0: entry; 4: a loop of two blocks (4 and 12); 20: code after the loop, then a jump to 28.
const program: A.Program = [
  A.li(a0, 10), // 0
  A.label("loop"),
  A.addi(a0, a0, -1), // 4
  A.beq(a0, 0, "after"), // 8
  A.addi(a1, a1, 1), // 12
  A.j("loop"), // 16
  A.label("after"),
  A.addi(a1, a1, 2), // 20
  A.j("tail"), // 24
  A.label("tail"),
  A.addi(a1, a1, 3), // 28
  A.ebreak() // 32
]

describe("regions", () => {
  it("a region translates everything reachable when nothing stops it", () => {
    const cfg = regionOf(program, 0)
    assert.deepStrictEqual(starts(cfg), [0, 4, 12, 20, 28])
    assert.deepStrictEqual(exits(cfg), [32])
  })

  it("stops at another region's entry outside its loops, leaving for it through the dispatcher", () => {
    // 12 begins a region too, but it is inside the loop: the loop stays whole.
    const cfg = stopping(program, 0, [12, 20, 28])
    assert.deepStrictEqual(starts(cfg), [0, 4, 12])
    assert.deepStrictEqual(exits(cfg), [20])
  })

  it("entered on another region's loop, runs only up to that region, its own loops included", () => {
    // 12 is inside the loop headed at 4; with a region at 4, the region at 12 runs 12 and 16 and
    // leaves for 4 instead of copying the loop (and the code after it, which 20 begins).
    const cfg = regionOf(program, 12, stopsAtEntries(regionOf(program, 12), (phys) => [4, 20].includes(phys)))
    assert.deepStrictEqual(starts(cfg), [12])
    assert.deepStrictEqual(exits(cfg), [4])
    // The same entries under the usual rule keep the loop through 12 whole.
    const whole = regionOf(program, 12, stopsOutsideLoops(regionOf(program, 12), (phys) => [4, 20].includes(phys)))
    assert.deepStrictEqual(starts(whole), [4, 12])
  })

  it("splits loops into the one through the entry and the others, and forgets them once edges are cut", () => {
    const ranges = (r: ReadonlyArray<number>) => r.filter((_, i) => i % 2 === 0).slice().sort((a, b) => a - b)
    const atLoop = regionOf(program, 4)
    assert.deepStrictEqual(ranges(entryLoopRanges(atLoop)), [4, 12])
    assert.deepStrictEqual(innerLoopRanges(atLoop), [])
    const before = regionOf(program, 0)
    assert.deepStrictEqual(ranges(entryLoopRanges(before)), [])
    assert.deepStrictEqual(ranges(innerLoopRanges(before)), [4, 12])
    // The emitter cuts edges in place; the loops asked for afterwards are those left.
    for (const block of atLoop.blocks) for (const edge of block.edges) if (edge.offset === 4) edge.target = null
    assert.deepStrictEqual(ranges(entryLoopRanges(atLoop)), [4, 12])
    edgesCut(atLoop)
    assert.deepStrictEqual(entryLoopRanges(atLoop), [])
  })

  it("finds the blocks on cycles", () => {
    const cfg = regionOf(program, 0)
    const ranges = cyclicRanges(cfg)
    const cyclic: Array<number> = []
    for (let i = 0; i < ranges.length; i += 2) cyclic.push(ranges[i])
    assert.deepStrictEqual(cyclic.sort((a, b) => a - b), [4, 12])
    // A block branching to itself is a cycle of one.
    const self = regionOf([A.label("spin"), A.addi(a0, a0, -1), A.bne(a0, 0, "spin"), A.ebreak()], 0)
    assert.deepStrictEqual(cyclicRanges(self), [0, 8])
    assert.deepStrictEqual(cyclicRanges(regionOf([A.addi(a0, a0, 1), A.ebreak()], 0)), [])
  })

  it("keeps a callee in the page and its return site even where another region begins", () => {
    const calls: A.Program = [
      A.jal(ra, "callee"), // 0
      A.addi(a1, a1, 1), // 4: the return site
      A.ebreak(), // 8
      A.label("callee"),
      A.addi(a0, a0, 1), // 12
      A.ret() // 16
    ]
    const cfg = stopping(calls, 0, [4, 12])
    assert.deepStrictEqual(starts(cfg), [0, 4, 12])
    // The return's only edge goes to the return site, inside the region.
    const ret = cfg.blocks.find((b) => b.start === 12)!
    assert.deepStrictEqual(ret.edges.map((e) => e.target?.start ?? null), [4])
  })

  it("gives each return edges only to the return sites of the calls that reach it", () => {
    // f calls g; main calls f, then calls through a pointer (seen going to g). g's return may go
    // back into f or to main's indirect call; f's only to main; main's own return leaves.
    const calls: A.Program = [
      A.jal(ra, "f"), // 0
      A.addi(a1, a1, 1), // 4: f returns here
      A.jalr(ra, 0, a0), // 8: seen calling g
      A.addi(a1, a1, 2), // 12: g returns here
      A.ret(), // 16: main's return
      A.label("f"),
      A.jal(ra, "g"), // 20
      A.addi(a1, a1, 3), // 24: g returns here
      A.ret(), // 28
      A.label("g"),
      A.addi(a0, a0, 1), // 32
      A.ret() // 36
    ]
    const memory = new Uint8Array(2 * PAGE)
    memory.set(A.assemble(calls))
    const halfwords = new Uint16Array(memory.buffer)
    const cfg = buildCfg(
      () => halfwords,
      0,
      0x10000,
      0,
      256,
      () => -1,
      () => false,
      (offset) => offset === 8 ? [32] : []
    )!
    const edgesOf = (start: number) =>
      cfg.blocks.find((b) => b.start === start)!.edges.map((e) => e.target?.start ?? null).sort((a, b) => a! - b!)
    assert.deepStrictEqual(starts(cfg), [0, 4, 12, 20, 24, 32])
    assert.deepStrictEqual(edgesOf(32), [12, 24])
    assert.deepStrictEqual(edgesOf(24), [4])
    assert.deepStrictEqual(edgesOf(12), [])
  })
})
