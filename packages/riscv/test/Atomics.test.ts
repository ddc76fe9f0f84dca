/**
 * The A extension: every AMO at both widths on edge values (rd gets the old memory value,
 * sign-extended for .W; memory gets the operation's result), LR/SC pairing and its failure cases,
 * the alignment rule and the store-side faults of SC and AMOs.
 */
import { assert, describe, it } from "@effect/vitest"
import type { ExceptionKind } from "@zxsim/kernel/Cpu"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, DATA, engines, Machine, PAGE, R } from "./utils/Machine.js"
import { EDGE_VALUES, s64, u64 } from "./utils/Model.js"
import { exception, kindOf as kind } from "./utils/stops.js"

const hex = (x: bigint) => "0x" + x.toString(16)

type AmoEncoder = (rd: number, rs2: number, rs1: number, ordering?: A.Ordering) => number

const s32 = (x: bigint) => BigInt.asIntN(32, x)
const u32 = (x: bigint) => BigInt.asUintN(32, x)

/** The new memory value per AMO, from the manual, on values of the operation's width. */
const amos: ReadonlyArray<
  readonly [string, AmoEncoder, AmoEncoder, (old: bigint, src: bigint, wide: boolean) => bigint]
> = [
  ["amoswap", A.amoswapW, A.amoswapD, (_, v) => v],
  ["amoadd", A.amoaddW, A.amoaddD, (m, v) => m + v],
  ["amoxor", A.amoxorW, A.amoxorD, (m, v) => m ^ v],
  ["amoand", A.amoandW, A.amoandD, (m, v) => m & v],
  ["amoor", A.amoorW, A.amoorD, (m, v) => m | v],
  ["amomin", A.amominW, A.amominD, (m, v, wide) => ((wide ? s64(m) < s64(v) : s32(m) < s32(v)) ? m : v)],
  ["amomax", A.amomaxW, A.amomaxD, (m, v, wide) => ((wide ? s64(m) > s64(v) : s32(m) > s32(v)) ? m : v)],
  ["amominu", A.amominuW, A.amominuD, (m, v, wide) => ((wide ? m < v : u32(m) < u32(v)) ? m : v)],
  ["amomaxu", A.amomaxuW, A.amomaxuD, (m, v, wide) => ((wide ? m > v : u32(m) > u32(v)) ? m : v)]
]

describe.each(engines)("Atomics ($name)", ({ make }) => {
  const m = new Machine(make())

  for (const [name, encodeW, encodeD, model] of amos) {
    it(`${name}.w and ${name}.d on every pair of edge values`, () => {
      for (const [wide, encode] of [[false, encodeW], [true, encodeD]] as const) {
        m.load([encode(7, 6, 5, { aq: wide, rl: true }), encode(0, 6, 8), A.ebreak()])
        for (const old of EDGE_VALUES) {
          for (const src of EDGE_VALUES) {
            m.writeU64(DATA, old)
            m.writeU64(DATA + 8, old)
            for (const [r, v] of [[5, DATA], [6, src], [7, 0x5555n], [8, DATA + 8]] as const) m.setX(r, BigInt(v))
            m.pc = CODE
            assert.strictEqual(kind(m.run()), "breakpoint")
            const what = `${name}.${wide ? "d" : "w"} [${hex(old)}], ${hex(src)}`
            const result = wide
              ? u64(model(old, src, true))
              : (old & 0xffffffff00000000n) | u32(model(u32(old), u32(src), false))
            assert.strictEqual(hex(m.x(7)), hex(wide ? old : u64(s32(old))), `${what}: rd`)
            assert.strictEqual(hex(m.readU64(DATA)), hex(result), `${what}: memory`)
            // With x0 as destination the memory still changes.
            assert.strictEqual(hex(m.readU64(DATA + 8)), hex(result), `${what}: memory (rd = x0)`)
            assert.strictEqual(m.x(0), 0n)
          }
        }
      }
    })
  }

  it("an AMO may use its source register as destination", () => {
    m.writeU64(DATA, 7n)
    assert.strictEqual(kind(m.exec([A.amoswapD(6, 6, 5), A.ebreak()], { 5: DATA, 6: 9n })), "breakpoint")
    assert.strictEqual(m.x(6), 7n)
    assert.strictEqual(m.readU64(DATA), 9n)
  })

  it("LR then SC to the same address succeeds; SC reports 0 and stores", () => {
    m.writeU64(DATA, 0x8000_0000n)
    m.exec([A.lrW(6, 5), A.scW(7, 8, 5), A.ebreak()], { 5: DATA, 8: 0x1234n })
    assert.strictEqual(m.x(6), 0xffffffff80000000n)
    assert.strictEqual(m.x(7), 0n)
    assert.strictEqual(m.readU64(DATA), 0x1234n)
    m.exec([A.lrD(6, 5, { aq: true, rl: true }), A.scD(7, 8, 5, { rl: true }), A.ebreak()], { 5: DATA, 8: -2n })
    assert.strictEqual(m.x(6), 0x1234n)
    assert.strictEqual(m.x(7), 0n)
    assert.strictEqual(m.readU64(DATA), u64(-2n))
  })

  it("SC fails without a reservation, after another SC, and outside the reserved bytes", () => {
    const scFails = (program: A.Program) => {
      m.writeU64(DATA, 5n)
      m.writeU64(DATA + 8, 6n)
      m.exec([...program, A.ebreak()], { 5: DATA, 8: 99n, 9: DATA + 4 })
      assert.notStrictEqual(m.x(7), 0n)
      return m.readU64(DATA)
    }
    assert.strictEqual(scFails([A.scD(7, 8, 5)]), 5n)
    // The first SC consumes the reservation, whatever it does.
    assert.strictEqual(scFails([A.lrD(6, 5), A.scD(10, 8, 5), A.li(8, 77), A.scD(7, 8, 5)]), 99n)
    // LR.W reserved bytes 0-3; SC.W at 4-7 is outside.
    assert.strictEqual(scFails([A.lrW(6, 5), A.scW(7, 8, 9)]), 5n)
    // LR.W reserved 4 bytes; SC.D needs 8.
    assert.strictEqual(scFails([A.lrW(6, 5), A.scD(7, 8, 5)]), 5n)
    // SC.W inside the 8 bytes LR.D reserved succeeds.
    m.exec([A.lrD(6, 5), A.scW(7, 8, 9), A.ebreak()], { 5: DATA, 8: 0xabn, 9: DATA + 4 })
    assert.strictEqual(m.x(7), 0n)
    assert.strictEqual(m.readU64(DATA) >> 32n, 0xabn)
  })

  it("a reservation does not survive the end of a run", () => {
    m.writeU64(DATA, 1n)
    m.load([A.lrD(6, 5), A.scD(7, 8, 5), A.ebreak()])
    m.setX(5, DATA)
    m.setX(8, 2n)
    assert.strictEqual(kind(m.run(1)), "BudgetSpent")
    assert.strictEqual(kind(m.run()), "breakpoint")
    assert.strictEqual(m.x(7), 1n)
    assert.strictEqual(m.readU64(DATA), 1n)
  })

  it("misaligned LR, SC and AMOs raise address-misaligned exceptions and change nothing", () => {
    const cases: ReadonlyArray<readonly [number, ExceptionKind, number]> = [
      [A.lrW(6, 5), "load-misaligned", DATA + 2],
      [A.lrD(6, 5), "load-misaligned", DATA + 4],
      [A.scW(6, 8, 5), "store-misaligned", DATA + 1],
      [A.scD(6, 8, 5), "store-misaligned", DATA + 4],
      [A.amoaddW(6, 8, 5), "store-misaligned", DATA + 2],
      [A.amoswapD(6, 8, 5), "store-misaligned", DATA + 12]
    ]
    for (const [word, want, address] of cases) {
      m.writeU64(DATA, 0x1111n)
      m.writeU64(DATA + 8, 0x2222n)
      const stop = m.exec([word, A.ebreak()], { 5: address, 6: 0x66n, 8: 0x88n })
      assert.deepStrictEqual(stop, exception(want, address, CODE))
      assert.strictEqual(m.x(6), 0x66n)
      assert.strictEqual(m.readU64(DATA), 0x1111n)
      assert.strictEqual(m.readU64(DATA + 8), 0x2222n)
    }
  })

  it("SC and AMOs need a writable page; LR only a readable one", () => {
    const page = 0x30_0000
    m.map(page, PAGE, R)
    m.writeU64(page, 3n)
    const store = (word: number) => m.exec([A.lrD(9, 5), word, A.ebreak()], { 5: page, 6: 0x66n, 8: 1n })
    for (const word of [A.scD(6, 8, 5), A.amoaddD(6, 8, 5), A.amoswapW(6, 8, 5)]) {
      assert.deepStrictEqual(store(word), exception("store-page-fault", page, CODE + 4))
      assert.strictEqual(m.x(9), 3n)
      assert.strictEqual(m.x(6), 0x66n)
      assert.strictEqual(m.readU64(page), 3n)
    }
    assert.deepStrictEqual(
      m.exec([A.lrD(6, 5), A.ebreak()], { 5: 0x31_0000 }),
      exception("load-page-fault", 0x31_0000, CODE)
    )
  })
})
