/**
 * Integer computation, instruction by instruction, on edge values: every register-register and
 * register-immediate operation of RV64IM against the manual's definitions (test/utils/Model.ts),
 * with destination/source aliasing and x0 as destination, plus literal vectors for the cases the
 * manual spells out (division by zero, signed overflow, high multiplication halves).
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, engines, Machine } from "./utils/Machine.js"
import { EDGE_IMMEDIATES, EDGE_VALUES, immediateOps, registerOps, sext32, shiftLimits, u64 } from "./utils/Model.js"

type RegisterEncoder = (rd: number, rs1: number, rs2: number) => number
type ImmediateEncoder = (rd: number, rs1: number, imm: number) => number

const registerEncoders: Readonly<Record<string, RegisterEncoder>> = {
  add: A.add,
  sub: A.sub,
  sll: A.sll,
  slt: A.slt,
  sltu: A.sltu,
  xor: A.xor,
  srl: A.srl,
  sra: A.sra,
  or: A.or,
  and: A.and,
  addw: A.addw,
  subw: A.subw,
  sllw: A.sllw,
  srlw: A.srlw,
  sraw: A.sraw,
  mul: A.mul,
  mulh: A.mulh,
  mulhsu: A.mulhsu,
  mulhu: A.mulhu,
  div: A.div,
  divu: A.divu,
  rem: A.rem,
  remu: A.remu,
  mulw: A.mulw,
  divw: A.divw,
  divuw: A.divuw,
  remw: A.remw,
  remuw: A.remuw
}
const immediateEncoders: Readonly<Record<string, ImmediateEncoder>> = {
  addi: A.addi,
  slti: A.slti,
  sltiu: A.sltiu,
  xori: A.xori,
  ori: A.ori,
  andi: A.andi,
  slli: A.slli,
  srli: A.srli,
  srai: A.srai,
  addiw: A.addiw,
  slliw: A.slliw,
  srliw: A.srliw,
  sraiw: A.sraiw
}

const hex = (x: bigint) => "0x" + x.toString(16)
const MIN = 1n << 63n
const ALL = u64(-1n)

describe.each(engines)("ALU ($name)", ({ make }) => {
  const m = new Machine(make())

  const expectBreak = () => {
    const stop = m.run()
    assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint")
  }

  describe("register-register", () => {
    for (const [name, model] of Object.entries(registerOps)) {
      it(`${name} on every pair of edge values, with aliased and x0 destinations`, () => {
        const op = registerEncoders[name]
        m.load([
          op(7, 5, 6), // distinct registers
          op(8, 8, 9), // rd = rs1
          op(11, 10, 11), // rd = rs2
          op(12, 12, 12), // rd = rs1 = rs2
          op(0, 5, 6), // result discarded
          A.ebreak()
        ])
        for (const a of EDGE_VALUES) {
          for (const b of EDGE_VALUES) {
            for (const [r, v] of [[5, a], [6, b], [7, 0xdeadn], [8, a], [9, b], [10, a], [11, b], [12, a]] as const) {
              m.setX(r, v)
            }
            m.pc = CODE
            expectBreak()
            const want = model(a, b)
            const what = `${name} ${hex(a)}, ${hex(b)}`
            assert.strictEqual(hex(m.x(7)), hex(want), what)
            assert.strictEqual(hex(m.x(8)), hex(want), `${what} (rd = rs1)`)
            assert.strictEqual(hex(m.x(11)), hex(want), `${what} (rd = rs2)`)
            assert.strictEqual(hex(m.x(12)), hex(model(a, a)), `${name} ${hex(a)}, ${hex(a)} (rd = rs1 = rs2)`)
            assert.strictEqual(m.x(0), 0n)
            assert.strictEqual(m.x(5), a)
            assert.strictEqual(m.x(6), b)
          }
        }
      })
    }
  })

  describe("register-immediate", () => {
    for (const [name, model] of Object.entries(immediateOps)) {
      const limit = shiftLimits[name]
      const immediates = limit === undefined ? EDGE_IMMEDIATES : [0, 1, 2, 31, limit === 63 ? 32 : 30, limit]
      it(`${name} on every edge value and immediate`, () => {
        const op = immediateEncoders[name]
        for (const imm of immediates) {
          m.load([op(7, 5, imm), op(8, 8, imm), op(0, 5, imm), A.ebreak()])
          for (const a of EDGE_VALUES) {
            m.setX(5, a)
            m.setX(8, a)
            m.pc = CODE
            expectBreak()
            const want = model(a, BigInt(imm))
            assert.strictEqual(hex(m.x(7)), hex(want), `${name} ${hex(a)}, ${imm}`)
            assert.strictEqual(hex(m.x(8)), hex(want), `${name} ${hex(a)}, ${imm} (rd = rs1)`)
            assert.strictEqual(m.x(0), 0n)
          }
        }
      })
    }
  })

  it("lui and auipc build sign-extended upper immediates", () => {
    const cases: ReadonlyArray<readonly [number, bigint]> = [
      [A.lui(5, 0), 0n],
      [A.lui(5, 1), 0x1000n],
      [A.lui(5, 0x7ffff), 0x7ffff000n],
      [A.lui(5, 0x80000), 0xffffffff80000000n],
      [A.lui(5, 0xfffff), 0xfffffffffffff000n],
      [A.auipc(5, 0), BigInt(CODE)],
      [A.auipc(5, 1), BigInt(CODE + 0x1000)],
      [A.auipc(5, 0xfffff), BigInt(CODE - 0x1000)],
      // pc - 2^31 is negative: the borrow reaches the high word.
      [A.auipc(5, 0x80000), u64(BigInt(CODE) - (1n << 31n))],
      [A.auipc(5, 0x7ffff), BigInt(CODE) + 0x7ffff000n]
    ]
    for (const [word, want] of cases) {
      m.load([word, A.ebreak()])
      expectBreak()
      assert.strictEqual(hex(m.x(5)), hex(want), hex(BigInt(word)))
    }
  })

  it("division follows the manual's table for division by zero and overflow", () => {
    const run = (op: RegisterEncoder, a: bigint, b: bigint) => {
      m.exec([op(7, 5, 6), A.ebreak()], { 5: a, 6: b })
      return m.x(7)
    }
    const x = 0x1234n
    // Division by zero: DIVU 2^64-1, REMU x, DIV -1, REM x.
    assert.strictEqual(run(A.divu, x, 0n), ALL)
    assert.strictEqual(run(A.remu, x, 0n), x)
    assert.strictEqual(run(A.div, x, 0n), ALL)
    assert.strictEqual(run(A.rem, x, 0n), x)
    assert.strictEqual(run(A.rem, u64(-x), 0n), u64(-x))
    // Signed overflow: DIV gives the dividend (-2^63), REM gives 0.
    assert.strictEqual(run(A.div, MIN, ALL), MIN)
    assert.strictEqual(run(A.rem, MIN, ALL), 0n)
    // The 32-bit forms, with results sign-extended.
    assert.strictEqual(run(A.divuw, x, 0xffffffff00000000n), ALL)
    assert.strictEqual(run(A.remuw, 0x80000000n, 0n), 0xffffffff80000000n)
    assert.strictEqual(run(A.divw, x, 0n), ALL)
    assert.strictEqual(run(A.remw, 0x1_8000_0000n, 0n), 0xffffffff80000000n)
    assert.strictEqual(run(A.divw, 0x80000000n, 0xffffffffn), 0xffffffff80000000n)
    assert.strictEqual(run(A.remw, 0x80000000n, 0xffffffffn), 0n)
    // Rounding toward zero, remainder with the dividend's sign.
    assert.strictEqual(run(A.div, u64(-7n), 2n), u64(-3n))
    assert.strictEqual(run(A.rem, u64(-7n), 2n), u64(-1n))
    assert.strictEqual(run(A.div, 7n, u64(-2n)), u64(-3n))
    assert.strictEqual(run(A.rem, 7n, u64(-2n)), 1n)
    assert.strictEqual(run(A.divu, ALL, 10n), 1844674407370955161n)
    assert.strictEqual(run(A.remu, ALL, 10n), 5n)
    assert.strictEqual(run(A.divu, ALL, 0x1_0000_0001n), 0xffffffffn)
    assert.strictEqual(run(A.divu, ALL, MIN + 1n), 1n)
    assert.strictEqual(run(A.remu, ALL, MIN + 1n), MIN - 2n)
  })

  it("the high multiplication halves", () => {
    const run = (op: RegisterEncoder, a: bigint, b: bigint) => {
      m.exec([op(7, 5, 6), A.ebreak()], { 5: a, 6: b })
      return m.x(7)
    }
    // (-1) * (-1) = 1: high half 0 signed; (2^64-1)^2 = 2^128 - 2^65 + 1: high half 2^64 - 2.
    assert.strictEqual(run(A.mulh, ALL, ALL), 0n)
    assert.strictEqual(run(A.mulhu, ALL, ALL), u64(-2n))
    // (-1) * (2^64-1) = -(2^64-1): high half -1.
    assert.strictEqual(run(A.mulhsu, ALL, ALL), ALL)
    // (-2^63)^2 = 2^126.
    assert.strictEqual(run(A.mulh, MIN, MIN), 1n << 62n)
    assert.strictEqual(run(A.mulhu, MIN, 2n), 1n)
    assert.strictEqual(run(A.mulh, MIN, 2n), ALL)
    // -2^63 * (2^64 - 1) = -2^127 + 2^63: high half -2^63.
    assert.strictEqual(run(A.mulhsu, MIN, ALL), MIN)
    assert.strictEqual(run(A.mulhsu, 2n, ALL), 1n)
    assert.strictEqual(run(A.mul, 0xffffffffn, 0xffffffffn), 0xfffffffe00000001n)
    assert.strictEqual(run(A.mulw, 0xffffffffn, 0xffffffffn), 1n)
    assert.strictEqual(run(A.mulw, 0x10000n, 0x8000n), 0xffffffff80000000n)
    assert.strictEqual(sext32(0x80000000n), 0xffffffff80000000n)
  })
})
