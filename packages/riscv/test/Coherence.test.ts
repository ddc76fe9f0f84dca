/**
 * The decode cache never lets stale code run: guest stores (of any width, misaligned, atomic,
 * through another mapping of the frame) and host writes to code are seen by the next fetch,
 * and so is a page mapped anew.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, engines, Machine, PAGE, R, W, X } from "./utils/Machine.js"
import { exception, kindOf } from "./utils/stops.js"

const RWX = R | W | X
const PATCHED = A.addi(5, 0, 42)

describe.each(engines)("Code coherence ($name)", ({ make }) => {
  /** A machine with one RWX page at 0x5000 holding `program`, pc at its start. */
  const rwx = (program: A.Program) => {
    const m = new Machine(make())
    m.map(0x5000, PAGE, RWX)
    m.write(0x5000, A.assemble(program))
    m.pc = 0x5000
    return m
  }

  it("a store to an instruction already run changes what runs next time", () => {
    // Runs `target` twice; after the first time, overwrites it.
    const m = rwx([
      A.li(7, 2),
      A.label("loop"),
      A.label("target"),
      A.addi(5, 0, 1),
      A.add(6, 6, 5),
      A.li(8, PATCHED),
      A.auipc(9, 0),
      A.sw(8, -16, 9), // target is 4 instructions before the auipc... see the assert below
      A.addi(7, 7, -1),
      A.bne(7, 0, "loop"),
      A.ebreak()
    ])
    const { labels } = A.assembleAt([
      A.li(7, 2),
      A.label("target"),
      A.addi(5, 0, 1),
      A.add(6, 6, 5),
      A.li(8, PATCHED),
      A.label("auipc")
    ], 0x5000)
    assert.strictEqual(labels.get("auipc")! - labels.get("target")!, 16)
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    // First pass adds 1, second adds 42.
    assert.strictEqual(m.x(6), 43n)
  })

  it("a store to the very next instruction is seen", () => {
    // The first pass stores the original instruction over itself, the second the patched one.
    const m = rwx([
      A.li(7, 2),
      A.li(8, A.addi(5, 0, 1)),
      A.label("loop"),
      A.auipc(9, 0),
      A.sw(8, 8, 9), // overwrites the instruction right after this one
      A.addi(5, 0, 1),
      A.add(6, 6, 5),
      A.li(8, PATCHED),
      A.addi(7, 7, -1),
      A.bne(7, 0, "loop"),
      A.ebreak()
    ])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(6), 43n)
  })

  it("a store to the upper half of a 32-bit instruction, or to one byte of it, is seen", () => {
    // addi x5, x0, 0 keeps its immediate in the upper half: rewrite it after the first pass.
    for (
      const [store, offset, value, want] of [
        [A.sh, 2, PATCHED >>> 16, 42n],
        [A.sb, 3, PATCHED >>> 24, 32n]
      ] as const
    ) {
      const m = rwx([
        A.li(7, 2),
        A.label("loop"),
        A.addi(5, 0, 0),
        A.add(6, 6, 5),
        A.auipc(9, 0),
        A.li(8, value),
        store(8, -8 + offset, 9),
        A.addi(7, 7, -1),
        A.bne(7, 0, "loop"),
        A.ebreak()
      ])
      assert.strictEqual(kindOf(m.run()), "breakpoint")
      assert.strictEqual(m.x(6), want)
    }
  })

  it("misaligned, page-crossing and atomic stores to code are seen", () => {
    const m = new Machine(make())
    m.map(0x5000, 2 * PAGE, RWX)
    // A 32-bit instruction at the start of the second page, rewritten by a misaligned store that
    // starts on the first page; then an amoswap rewrites it again.
    const second = 0x6000
    m.write(second, A.assemble([A.addi(5, 0, 1), A.ebreak()]))
    m.write(0x5000, A.assemble([A.li(9, second), A.jalr(1, 0, 9)]))
    m.pc = 0x5000
    assert.deepStrictEqual(m.run(), exception("breakpoint", second + 4, second + 4))
    assert.strictEqual(m.x(5), 1n)
    // Store 8 bytes at second - 2: two bytes of padding, then the new instruction, then ebreak's low half.
    m.write(
      0x5000,
      A.assemble([
        A.li(9, second),
        A.li(8, (BigInt(PATCHED) << 16n) | (BigInt(A.ebreak() & 0xffff) << 48n)),
        A.sd(8, -2, 9),
        A.jalr(1, 0, 9)
      ])
    )
    m.pc = 0x5000
    assert.deepStrictEqual(m.run(), exception("breakpoint", second + 4, second + 4))
    assert.strictEqual(m.x(5), 42n)
    m.write(0x5000, A.assemble([A.li(9, second), A.li(8, A.addi(5, 0, 7)), A.amoswapW(0, 8, 9), A.jalr(1, 0, 9)]))
    m.pc = 0x5000
    assert.deepStrictEqual(m.run(), exception("breakpoint", second + 4, second + 4))
    assert.strictEqual(m.x(5), 7n)
  })

  it("a store through a writable alias of the code's frame is seen through the executable view", () => {
    const m = new Machine(make())
    const code = 0x5000
    const alias = 0x9000
    m.map(code, PAGE, R | X)
    m.alias(alias, code, R | W)
    m.write(code, A.assemble([A.addi(5, 0, 1), A.ebreak()]))
    m.pc = code
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 1n)
    m.map(0x20_0000, PAGE, R | X)
    m.write(
      0x20_0000,
      A.assemble([A.li(9, alias), A.li(8, PATCHED), A.sw(8, 0, 9), A.fenceI(), A.li(9, code), A.jalr(0, 0, 9)])
    )
    m.pc = 0x20_0000
    assert.deepStrictEqual(m.run(), exception("breakpoint", code + 4, code + 4))
    assert.strictEqual(m.x(5), 42n)
  })

  it("host writes to code between runs are seen", () => {
    const m = new Machine(make())
    m.load([A.addi(5, 0, 1), A.ebreak()])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 1n)
    m.write(CODE, A.assemble([PATCHED]))
    m.pc = CODE
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 42n)
  })

  it("a code page mapped to another frame runs the new frame's code", () => {
    const m = new Machine(make())
    m.load([A.addi(5, 0, 1), A.ebreak()])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    m.unmap(CODE, PAGE)
    m.map(CODE, PAGE, R | X)
    m.write(CODE, A.assemble([PATCHED, A.ebreak()]))
    m.pc = CODE
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 42n)
  })
})
