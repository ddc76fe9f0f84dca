/**
 * Control flow and the rest of the machine: branch conditions on edge values, jump targets and
 * link values (including compressed ones and JALR's cleared bit 0), mixed 16/32-bit code and
 * instructions straddling pages, the counters, budgets, ECALL, FENCE and x0.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { INSTRET_OFFSET } from "@zxsim/riscv/RegisterFile"
import { CODE, DATA, engines, Machine, PAGE, R, X } from "./utils/Machine.js"
import { EDGE_VALUES, s64 } from "./utils/Model.js"
import { budgetSpent, exception, kindOf, syscall } from "./utils/stops.js"

const hex = (x: bigint) => "0x" + x.toString(16)
type BranchEncoder = (rs1: number, rs2: number, target: A.Target) => number | A.Deferred

const branches: ReadonlyArray<readonly [string, BranchEncoder, (a: bigint, b: bigint) => boolean]> = [
  ["beq", A.beq, (a, b) => a === b],
  ["bne", A.bne, (a, b) => a !== b],
  ["blt", A.blt, (a, b) => s64(a) < s64(b)],
  ["bge", A.bge, (a, b) => s64(a) >= s64(b)],
  ["bltu", A.bltu, (a, b) => a < b],
  ["bgeu", A.bgeu, (a, b) => a >= b]
]

describe.each(engines)("Control flow ($name)", ({ make }) => {
  const fresh = () => new Machine(make())

  for (const [name, encode, taken] of branches) {
    it(`${name} is taken exactly when the manual's condition holds`, () => {
      const m = fresh()
      m.load([encode(5, 6, 8), A.addi(7, 0, 1), A.ebreak()])
      for (const a of EDGE_VALUES) {
        for (const b of EDGE_VALUES) {
          m.setX(5, a)
          m.setX(6, b)
          m.setX(7, 0)
          m.pc = CODE
          assert.deepStrictEqual(m.run(), exception("breakpoint", CODE + 8, CODE + 8))
          assert.strictEqual(m.x(7), taken(a, b) ? 0n : 1n, `${name} ${hex(a)}, ${hex(b)}`)
        }
      }
    })
  }

  it("branch and jump offsets reach their extremes, forward and back, across pages", () => {
    const m = fresh()
    const base = 0x100_0000
    m.map(base - 0x10_0000, 0x20_1000, R | X)
    const put = (at: number, program: A.Program) => m.write(at, A.assemble(program))
    // jal +(1 MiB - 2) -> beq -4096 -> bne +4092 -> jal -1 MiB -> jalr to the start + 0x100.
    put(base, [A.jal(1, 0xffffe)])
    put(base + 0xffffe, [A.beq(0, 0, -4096)])
    put(base + 0xfeffe, [A.bne(0, 5, 4092)])
    put(base + 0xffffa, [A.jal(0, -0x100000)])
    put(base - 6, [A.jalr(0, 0x100, 6)])
    put(base + 0x100, [A.ebreak()])
    m.pc = base
    m.setX(5, 1)
    m.setX(6, base)
    assert.deepStrictEqual(m.run(), exception("breakpoint", base + 0x100, base + 0x100))
    assert.strictEqual(m.x(1), BigInt(base + 4))
    assert.strictEqual(m.instret, 5n)
  })

  it("JAL and JALR link the next instruction's address; JALR clears bit 0 and reads rs1 before writing rd", () => {
    const m = fresh()
    m.load([
      A.jal(1, 8), // 0: ra = CODE + 4, to 8
      A.ebreak(), // 4
      A.auipc(5, 0), // 8: x5 = CODE + 8
      A.jalr(5, 13, 5), // 12: to (CODE + 21) & ~1 = CODE + 20; x5 = CODE + 16
      A.ebreak(), // 16
      A.addi(6, 5, 0), // 20: x6 = CODE + 16
      A.jalr(7, -16, 5), // 24: to CODE; x7 = CODE + 28
      A.ebreak()
    ])
    assert.deepStrictEqual(m.run(5), budgetSpent)
    assert.strictEqual(m.pc, BigInt(CODE))
    assert.strictEqual(m.x(1), BigInt(CODE + 4))
    assert.strictEqual(m.x(5), BigInt(CODE + 16))
    assert.strictEqual(m.x(6), BigInt(CODE + 16))
    assert.strictEqual(m.x(7), BigInt(CODE + 28))
  })

  it("compressed and 32-bit instructions mix, 32-bit ones at any even address", () => {
    const m = fresh()
    const program = [
      A.C.li(8, 5),
      A.addi(9, 8, 100), // a 32-bit instruction at 2 mod 4
      A.C.addi(8, -3),
      A.C.mv(10, 9),
      A.C.add(10, 8),
      A.C.slli(10, 32),
      A.C.srai(10, 32),
      A.C.lui(11, -1), // 0xfffffffffffff000
      A.C.addiw(11, 1), // the low word plus one, sign-extended
      A.li(12, DATA),
      A.C.sd(10, 8, 12),
      A.C.lw(13, 8, 12),
      A.C.nop(),
      A.C.j("over"),
      A.ebreak(),
      A.label("over"),
      A.C.jalr(14),
      A.label("return"),
      A.ebreak(),
      A.label("target"),
      A.ebreak()
    ]
    const { labels } = A.assembleAt(program, CODE)
    m.load(program)
    m.setX(14, labels.get("target")!)
    const target = labels.get("target")!
    assert.deepStrictEqual(m.run(), exception("breakpoint", target, target))
    assert.strictEqual(m.x(8), 2n)
    assert.strictEqual(m.x(9), 105n)
    assert.strictEqual(m.x(10), 107n)
    assert.strictEqual(m.x(11), 0xfffffffffffff001n)
    assert.strictEqual(m.x(13), 107n)
    // c.jalr links pc + 2.
    assert.strictEqual(m.x(1), BigInt(labels.get("return")!))
  })

  it("code runs across page boundaries, with a 32-bit instruction straddling two pages", () => {
    const m = fresh()
    const loop = [
      A.label("top"),
      A.addi(5, 5, 1), // straddles when placed at page end - 2
      A.C.addi(6, 1),
      A.bne(5, 7, "top"),
      A.ebreak()
    ]
    // Start 6 bytes before the page end: c.nop, c.nop, then the 32-bit addi across the boundary.
    const start = CODE + PAGE - 6
    m.load([A.ebreak()], { codeSize: 2 * PAGE })
    m.write(start, A.assemble([A.C.nop(), A.C.nop(), ...loop]))
    m.pc = start
    m.setX(7, 10)
    const stop = m.run()
    assert.strictEqual(kindOf(stop), "breakpoint")
    assert.strictEqual(m.x(5), 10n)
    assert.strictEqual(m.x(6), 10n)
    assert.strictEqual(m.instret, 2n + 30n)
  })

  it("cycle, time and instret count retired instructions and persist across runs", () => {
    const m = fresh()
    m.load([
      A.rdinstret(5), // instret before this instruction: 0
      A.nop(),
      A.rdcycle(6), // 2
      A.rdtime(7), // 3
      A.csrrc(8, 0xc02, 0), // 4
      A.csrrsi(9, 0xc00, 0), // 5
      A.csrrci(10, 0xc01, 0), // 6
      A.ebreak()
    ])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.deepStrictEqual([5, 6, 7, 8, 9, 10].map((r) => m.x(r)), [0n, 2n, 3n, 4n, 5n, 6n])
    assert.strictEqual(m.instret, 7n)
    // Across a budget boundary the count goes on.
    m.pc = CODE
    assert.deepStrictEqual(m.run(3), budgetSpent)
    assert.strictEqual(m.instret, 10n)
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.deepStrictEqual([5, 6, 7, 8, 9, 10].map((r) => m.x(r)), [7n, 9n, 10n, 11n, 12n, 13n])
    // The count is 64-bit in the register file.
    new DataView(m.wasm.buffer).setBigUint64(m.registers + INSTRET_OFFSET, 0x1_ffff_fffen, true)
    m.pc = CODE
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 0x1_ffff_fffen)
    assert.strictEqual(m.x(10), 0x2_0000_0004n)
  })

  it("a budget stops after exactly that many instructions, and resuming finishes the same way", () => {
    const program = [
      A.li(5, 0),
      A.li(6, 37),
      A.label("loop"),
      A.add(7, 7, 5),
      A.mul(8, 7, 6),
      A.xor(9, 9, 8),
      A.addi(5, 5, 1),
      A.bne(5, 6, "loop"),
      A.ebreak()
    ]
    const once = fresh()
    once.load(program)
    assert.strictEqual(kindOf(once.run()), "breakpoint")
    const total = once.instret
    for (const step of [1, 2, 3, 7, 100]) {
      const m = fresh()
      m.load(program)
      assert.deepStrictEqual(m.run(0), budgetSpent)
      assert.strictEqual(m.instret, 0n)
      let runs = 0
      for (;;) {
        const before = m.instret
        const stop = m.run(step)
        runs++
        if (stop._tag !== "BudgetSpent") break
        assert.strictEqual(m.instret - before, BigInt(step))
      }
      assert.strictEqual(m.instret, total)
      assert.deepStrictEqual(m.snapshot(), once.snapshot())
      assert.strictEqual(runs, Math.floor(Number(total) / step) + 1)
    }
  })

  it("ECALL stops with the pc of the ECALL, which does not retire; the kernel's resume continues", () => {
    const m = fresh()
    m.load([A.li(10, 1), A.li(5, 7), A.ecall(), A.addi(10, 10, 1), A.ebreak()])
    assert.deepStrictEqual(m.run(), syscall(CODE + 8))
    assert.strictEqual(m.pc, BigInt(CODE + 8))
    assert.strictEqual(m.instret, 2n)
    // What the kernel does: read t0 and a0, write a0, step over the ECALL.
    assert.strictEqual(m.x(5), 7n)
    m.setX(10, 41)
    m.pc = m.pc + 4n
    assert.deepStrictEqual(m.run(), exception("breakpoint", CODE + 16, CODE + 16))
    assert.strictEqual(m.x(10), 42n)
  })

  it("FENCE and FENCE.I in any of their encodings do nothing but retire", () => {
    const m = fresh()
    m.load([A.fence(), A.fence(3, 3), 0x8330000f, A.fenceI(), 0x0010148f, A.li(5, 1), A.ebreak()])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 1n)
    assert.strictEqual(m.instret, 6n)
  })

  it("x0 reads as zero whatever is written to it, even in the register file", () => {
    const m = fresh()
    m.load([A.lui(0, 5), A.addi(0, 0, 1), A.jal(0, 4), A.C.li(0, 3), A.add(5, 0, 0), A.addi(6, 0, 0), A.ebreak()])
    // Garbage in x0's slot is never read.
    new DataView(m.wasm.buffer).setBigUint64(m.registers, 0x1234n, true)
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), 0n)
    assert.strictEqual(m.x(6), 0n)
  })
})
