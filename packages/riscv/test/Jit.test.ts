/**
 * What only the JIT has to get right, each checked against the interpreter on the same machine
 * layout and with the JIT's counters showing the code ran compiled: hot loops that rewrite their
 * own code (with FENCE.I and without), permission faults raised in compiled code, accesses
 * crossing into the next page, budget stops inside a hot loop, stores from compiled code into
 * another compiled page, the kernel's writes to compiled code, unmap and protect under compiled
 * code, and counter reads.
 */
import { assert, describe, it } from "@effect/vitest"
import type { CpuShape, StopReason } from "@zxsim/kernel/Cpu"
import * as A from "@zxsim/riscv/Assembler"
import * as RiscvInterpreter from "@zxsim/riscv/RiscvInterpreter"
import * as RiscvJit from "@zxsim/riscv/RiscvJit"
import { CODE, DATA, Machine, PAGE, R, W, X } from "./utils/Machine.js"
import { exception, kindOf } from "./utils/stops.js"

const { a0, a1, a2, a3, a4, t0, t1, t2 } = A.Reg

/** A JIT that compiles everything it enters, at once. */
const jit = (): CpuShape => RiscvJit.make({ hotness: 1, patience: 0 })

const stat = (cpu: CpuShape, key: string): number => cpu.stats()[key] ?? 0

/** Runs the same setup on a fresh interpreter and a fresh JIT and returns both machines and stops. */
const both = (setup: (m: Machine) => void, budget = 10_000_000) => {
  const results = [RiscvInterpreter.make(), jit()].map((cpu) => {
    const m = new Machine(cpu)
    setup(m)
    const stop = m.run(budget)
    return { m, stop, cpu }
  })
  const [interpreter, compiled] = results
  assert.deepStrictEqual(compiled.stop, interpreter.stop)
  assert.deepStrictEqual(compiled.m.snapshot(), interpreter.m.snapshot())
  assert.strictEqual(compiled.m.instret, interpreter.m.instret)
  return { interpreter, compiled }
}

describe("RiscvJit", () => {
  it("runs a hot loop compiled, with the interpreter's result and instret", () => {
    const { compiled } = both((m) =>
      m.load([
        A.li(a0, 100_000),
        A.li(a1, 0),
        A.label("loop"),
        A.add(a1, a1, a0),
        A.xori(a1, a1, 0x55),
        A.addi(a0, a0, -1),
        A.bne(a0, 0, "loop"),
        A.rdinstret(a2),
        A.ebreak()
      ])
    )
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 390_000)
    // li (lui + addiw), li, then four instructions a pass.
    assert.strictEqual(compiled.m.x(a2), 400_003n)
  })

  it("a loop that rewrites an instruction in its own body runs the new code after fence.i", () => {
    // The loop adds `t2` (initially 1) into a1; on the 50th pass it rewrites `addi t2, x0, 1` into
    // `addi t2, x0, 1000` and executes fence.i.
    const patched = A.addi(t2, 0, 1000)
    const program = [
      A.li(a0, 100),
      A.li(a1, 0),
      A.li(a3, patched),
      A.label("loop"),
      A.auipc(a4, 0),
      A.addi(t2, 0, 1), // a4 + 4
      A.add(a1, a1, t2),
      A.addi(t1, a0, -50),
      A.bne(t1, 0, "skip"),
      A.sw(a3, 4, a4),
      A.fenceI(),
      A.label("skip"),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const { compiled } = both((m) => {
      m.map(0x5000, PAGE, R | W | X)
      m.write(0x5000, A.assemble(program))
      m.pc = 0x5000
    })
    // Passes 100..50 add 1 (51 of them), passes 49..1 add 1000.
    assert.strictEqual(compiled.m.x(a1), 51n + 49n * 1000n)
    assert.isAbove(stat(compiled.cpu, "regionsDropped"), 0)
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 500)
  })

  it("a store from compiled code into another compiled page is seen the next time that code runs", () => {
    // `callee` (its own page) returns a constant; the hot caller rewrites the constant halfway.
    const callee = 0x6000
    const caller = [
      A.li(a0, 40),
      A.li(a1, 0),
      A.li(t0, callee),
      A.li(a3, A.addi(a2, 0, 7)),
      A.label("loop"),
      A.jalr(1, 0, t0),
      A.add(a1, a1, a2),
      A.addi(t1, a0, -20),
      A.bne(t1, 0, "skip"),
      A.sw(a3, 0, t0),
      A.label("skip"),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const { compiled } = both((m) => {
      m.map(0x5000, PAGE, R | X)
      m.map(callee, PAGE, R | W | X)
      m.write(0x5000, A.assemble(caller))
      m.write(callee, A.assemble([A.addi(a2, 0, 1), A.ret()]))
      m.pc = 0x5000
    })
    // 21 calls return 1 (40..20), then 19 return 7.
    assert.strictEqual(compiled.m.x(a1), 21n + 19n * 7n)
    assert.isAbove(stat(compiled.cpu, "regionsDropped"), 0)
  })

  it("a loop across a page boundary runs compiled, and changes to either page take effect", () => {
    // The loop's 4-byte `addi a1, a1, 7` straddles 0x6000; its branch back is in the second page.
    const start = 0x5ff2
    const loop = (step: number) => [
      A.label("loop"),
      A.C.addi(a1, 1), // 0x5ff2
      A.addi(a1, a1, 3), // 0x5ff4
      A.addi(a1, a1, 5), // 0x5ff8
      A.C.addi(a1, 1), // 0x5ffc
      A.addi(a1, a1, step), // 0x5ffe, straddling
      A.addi(a0, a0, -1), // 0x6002
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const setup = (m: Machine) => {
      m.map(0x5000, 2 * PAGE, R | X)
      m.write(start, A.assemble(loop(7)))
      m.setX(a0, 1000)
      m.pc = start
    }
    const { compiled } = both(setup)
    assert.strictEqual(compiled.m.x(a1), 17_000n)
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 6000)
    assert.isBelow(stat(compiled.cpu, "interpreterCalls"), 10)
    const m = compiled.m
    const again = (want: bigint) => {
      m.setX(a0, 1000)
      m.setX(a1, 0)
      m.pc = start
      assert.strictEqual(kindOf(m.run()), "breakpoint")
      assert.strictEqual(m.x(a1), want)
    }
    // The kernel's write to the second page changes the straddling instruction's upper half.
    m.write(start, A.assemble(loop(100)))
    again(110_000n)
    // The second page mapped again to a fresh frame holding other code.
    m.unmap(0x6000, PAGE)
    m.map(0x6000, PAGE, R | X)
    m.write(start, A.assemble(loop(-10)))
    again(0n)
    // The second page no longer executes: the straddling fetch faults, as on the interpreter.
    m.protect(0x6000, PAGE, R)
    m.setX(a0, 1000)
    m.pc = start
    const interpreter = new Machine(RiscvInterpreter.make())
    setup(interpreter)
    interpreter.protect(0x6000, PAGE, R)
    assert.deepStrictEqual(m.run(), interpreter.run())
    assert.strictEqual(m.pc, interpreter.pc)
  })

  it("a loop over three pages runs compiled, and changes to the third page take effect", () => {
    // 0x5ff8 runs into 0x6000, which jumps to 0x6ffa; the 4-byte `addi a1, a1, step` at 0x6ffc
    // straddles 0x7000, and the loop jumps back from 0x7000's page.
    const third = (step: number) => [
      A.addi(a1, a1, step), // 0x6ffc, straddling
      A.addi(a0, a0, -1), // 0x7000
      A.beq(a0, 0, 8), // 0x7004
      A.jal(0, 0x5ff8 - 0x7008), // 0x7008
      A.ebreak() // 0x700c
    ]
    const setup = (m: Machine) => {
      m.map(0x5000, 3 * PAGE, R | X)
      m.write(0x5ff8, A.assemble([A.addi(a1, a1, 3), A.C.addi(a1, 1), A.C.addi(a1, 1), A.jal(0, 0x6ffa - 0x6000)]))
      m.write(0x6ffa, A.assemble([A.C.addi(a1, 5), ...third(7)]))
      m.setX(a0, 1000)
      m.pc = 0x5ff8
    }
    const { compiled } = both(setup)
    assert.strictEqual(compiled.m.x(a1), 17_000n)
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 7000)
    assert.isBelow(stat(compiled.cpu, "interpreterCalls"), 10)
    const m = compiled.m
    const again = (want: bigint) => {
      m.setX(a0, 1000)
      m.setX(a1, 0)
      m.pc = 0x5ff8
      assert.strictEqual(kindOf(m.run()), "breakpoint")
      assert.strictEqual(m.x(a1), want)
    }
    // The kernel's write to the third page changes the straddling instruction's upper half.
    m.write(0x6ffc, A.assemble(third(100)))
    again(110_000n)
    // The third page mapped again to a fresh frame holding other code.
    m.unmap(0x7000, PAGE)
    m.map(0x7000, PAGE, R | X)
    m.write(0x6ffc, A.assemble(third(-4)))
    again(6_000n)
  })

  it("F and D run compiled with the interpreter's results, fflags and rounding under frm", () => {
    const fadd = (rd: number, rs1: number, rs2: number) => A.opFp(0x00, 1, rd, rs1, rs2, A.Rm.DYN)
    const fmul = (rd: number, rs1: number, rs2: number) => A.opFp(0x02, 1, rd, rs1, rs2, A.Rm.DYN)
    const fdivS = (rd: number, rs1: number, rs2: number) => A.opFp(0x03, 0, rd, rs1, rs2, A.Rm.DYN)
    const fsgnjn = (rd: number, rs1: number, rs2: number) => A.opFp(0x04, 1, rd, rs1, rs2, 1)
    const loop = (label: string) => [
      A.li(a0, 200),
      A.li(a2, DATA),
      A.label(label),
      A.fld(1, 0, a2),
      fadd(2, 2, 1),
      fmul(3, 2, 1),
      fsgnjn(4, 3, 2),
      A.fsd(4, 8, a2),
      A.flw(5, 4, a2),
      fdivS(6, 5, 5),
      A.fsw(6, 16, a2),
      A.fmvXD(a3, 4),
      A.xor(a4, a4, a3),
      A.fmvXW(a3, 6),
      A.add(a4, a4, a3),
      A.addi(a2, a2, 24),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, label)
    ]
    const { compiled, interpreter } = both((m) => {
      m.load([
        ...loop("first"),
        A.csrrs(t0, 3, 0), // fcsr after the round-to-nearest pass
        A.fsrmi(0, A.Rm.RUP),
        ...loop("second"),
        A.csrrs(t1, 3, 0),
        A.ebreak()
      ])
      const values = new Float64Array(3 * 200)
      for (let i = 0; i < values.length; i++) values[i] = 1 + i / 7
      m.write(DATA, new Uint8Array(values.buffer))
    })
    for (let i = 0; i < 8; i++) assert.strictEqual(compiled.m.f(i), interpreter.m.f(i))
    assert.deepStrictEqual(compiled.m.read(DATA, 3 * 8 * 200), interpreter.m.read(DATA, 3 * 8 * 200))
    // Inexact was raised, and the second pass rounded up.
    assert.strictEqual(compiled.m.x(t0) & 1n, 1n)
    assert.strictEqual(compiled.m.x(t1) >> 5n, BigInt(A.Rm.RUP))
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 2 * 200 * 14)
  })

  it("a permission fault in compiled code stops exactly where the interpreter stops", () => {
    // Stores walk up a read/write page into a read-only one.
    const { compiled, interpreter } = both((m) => {
      m.load([
        A.li(a0, DATA + PAGE - 64),
        A.li(a1, 0),
        A.label("loop"),
        A.sd(a1, 0, a0),
        A.addi(a1, a1, 1),
        A.addi(a0, a0, 8),
        A.j("loop")
      ])
      m.protect(DATA + PAGE, PAGE, R)
    })
    // li (lui + addiw) and li before the loop: the sd is at CODE + 12.
    assert.deepStrictEqual(compiled.stop, exception("store-page-fault", DATA + PAGE, CODE + 12))
    assert.strictEqual(compiled.m.x(a1), 8n)
    assert.deepStrictEqual(compiled.m.read(DATA + PAGE - 64, 64), interpreter.m.read(DATA + PAGE - 64, 64))
    assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 0)
  })

  it("TLB misses in compiled code leave it exactly, on committed pages and on pages committed lazily", () => {
    // A loop storing to and loading from 600 pages, twice: each first access to a page misses the
    // TLB, leaves compiled code before the instruction and the interpreter runs it (lazily
    // committed pages also move the epoch, emptying every table). The interpreter's translations
    // fill the compiled code's TLB too, so the second pass over mapped pages runs compiled.
    const BASE = 0x100_0000
    const PAGES = 600
    const program = [
      A.li(a2, 2),
      A.label("pass"),
      A.li(a0, BASE),
      A.li(a1, PAGES),
      A.label("loop"),
      A.sd(a1, 8, a0),
      A.ld(a3, 8, a0),
      A.add(a4, a4, a3),
      A.li(t0, PAGE),
      A.add(a0, a0, t0),
      A.addi(a1, a1, -1),
      A.bne(a1, 0, "loop"),
      A.addi(a2, a2, -1),
      A.bne(a2, 0, "pass"),
      A.ebreak()
    ]
    for (const lazy of [false, true]) {
      const { compiled } = both((m) => {
        m.map(BASE, PAGES * PAGE, R | W, lazy)
        m.load(program)
      })
      assert.strictEqual(compiled.m.x(a4), 2n * BigInt((PAGES * (PAGES + 1)) / 2))
      assert.isAtLeast(stat(compiled.cpu, "tlbMisses"), PAGES)
      if (!lazy) {
        assert.isBelow(stat(compiled.cpu, "tlbMisses"), PAGES + 10)
        assert.isAbove(stat(compiled.cpu, "compiledInstructions"), 6 * PAGES)
      }
    }
  })

  it("accesses crossing into the next page load and store the right bytes, and fault all-or-nothing", () => {
    const { compiled, interpreter } = both((m) => {
      m.load([
        A.li(a0, DATA + PAGE - 3),
        A.li(a1, 0x1122334455667788n),
        A.li(a2, 200),
        A.label("loop"),
        A.sd(a1, 0, a0),
        A.ld(a3, 0, a0),
        A.lw(a4, 1, a0),
        A.addi(a1, a1, 3),
        A.addi(a2, a2, -1),
        A.bne(a2, 0, "loop"),
        // Then one that crosses into an unmapped page: nothing may be written.
        A.li(a0, DATA + 0x10000 - 4),
        A.sd(a1, 0, a0),
        A.ebreak()
      ])
    })
    assert.strictEqual(kindOf(compiled.stop), "store-page-fault")
    assert.strictEqual(compiled.stop._tag === "Exception" ? compiled.stop.address : 0, DATA + 0x10000)
    assert.strictEqual(compiled.m.x(a3), BigInt.asUintN(64, 0x1122334455667788n + 3n * 199n))
    assert.deepStrictEqual(compiled.m.read(DATA + PAGE - 8, 16), interpreter.m.read(DATA + PAGE - 8, 16))
    assert.deepStrictEqual([...compiled.m.read(DATA + 0x10000 - 4, 4)], [0, 0, 0, 0])
  })

  it("a budget stops a hot loop after exactly that many instructions, and the loop resumes", () => {
    const cpu = jit()
    const m = new Machine(cpu)
    m.load([A.li(a0, 0), A.label("loop"), A.addi(a0, a0, 1), A.j("loop")])
    const stops: Array<StopReason> = []
    for (let i = 0; i < 5; i++) stops.push(m.run(200_000))
    assert.deepStrictEqual(stops.map(kindOf), [
      "BudgetSpent",
      "BudgetSpent",
      "BudgetSpent",
      "BudgetSpent",
      "BudgetSpent"
    ])
    assert.strictEqual(m.instret, 1_000_000n)
    // li, then 999,999 instructions of the loop, alternating addi and j.
    assert.strictEqual(m.x(a0), 500_000n)
    assert.isAbove(stat(cpu, "compiledInstructions"), 990_000)
  })

  it("the kernel's writes to compiled code, and unmap and protect under it, take effect", () => {
    const cpu = jit()
    const m = new Machine(cpu)
    const loop = (
      value: number
    ) => [
      A.li(a0, 1000),
      A.li(a1, 0),
      A.label("l"),
      A.addi(a1, a1, value),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "l"),
      A.ebreak()
    ]
    m.load(loop(1))
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(a1), 1000n)
    // A host write (the kernel's own) to the compiled page.
    m.write(CODE, A.assemble(loop(2)))
    m.pc = CODE
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(a1), 2000n)
    // Execute permission taken away: the fetch faults.
    m.protect(CODE, PAGE, R)
    m.pc = CODE
    assert.deepStrictEqual(m.run(), exception("fetch-page-fault", CODE, CODE))
    // Mapped again to a fresh frame holding other code.
    m.unmap(CODE, PAGE)
    m.map(CODE, PAGE, R | X)
    m.write(CODE, A.assemble(loop(3)))
    m.pc = CODE
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(a1), 3000n)
    assert.isAbove(stat(cpu, "compiledInstructions"), 5000)
  })

  it("two address spaces mapping different code at the same address each run their own", () => {
    const a = new Machine(jit())
    const b = new Machine(a.cpu, { share: a })
    const loop = (
      value: number
    ) => [
      A.li(a0, 500),
      A.li(a1, 0),
      A.label("l"),
      A.addi(a1, a1, value),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "l"),
      A.ebreak()
    ]
    a.load(loop(1))
    b.load(loop(5))
    for (let i = 0; i < 3; i++) {
      for (const [m, want] of [[a, 500n], [b, 2500n]] as const) {
        m.pc = CODE
        assert.strictEqual(kindOf(m.run()), "breakpoint")
        assert.strictEqual(m.x(a1), want)
      }
    }
  })

  it("syscalls, breakpoints and illegal instructions in compiled code stop with the interpreter's reasons", () => {
    for (const item of [A.ecall(), A.ebreak(), 0xffffffff, A.csrrw(5, 0xc00, 6)]) {
      both((m) =>
        m.load([
          A.li(a0, 300),
          A.label("loop"),
          A.addi(a0, a0, -1),
          A.bne(a0, 0, "loop"),
          A.rdcycle(a1),
          item,
          A.ebreak()
        ])
      )
    }
  })
})

describe("RiscvJit regions", () => {
  it("a branch target inside a hot loop is compiled once, inside the loop's region, not as a region of its own", () => {
    // While the loop is interpreted, the loop head and both arms are entered as often as each
    // other and heat up together; once the loop runs compiled only its head is ever entered again.
    const program = [
      A.li(a0, 200_000),
      A.li(a1, 0),
      A.label("loop"),
      A.andi(t0, a0, 1),
      A.beq(t0, 0, "even"),
      A.addi(a1, a1, 3),
      A.j("next"),
      A.label("even"),
      A.xori(a1, a1, 5),
      A.label("next"),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const run = (cpu: CpuShape) => {
      const m = new Machine(cpu)
      m.load(program)
      return { stop: m.run(10_000_000), m }
    }
    const reference = run(RiscvInterpreter.make())
    const cpu = RiscvJit.make({ hotness: 20, batch: 16, patience: 100_000 })
    const compiled = run(cpu)
    assert.deepStrictEqual(compiled.stop, reference.stop)
    assert.deepStrictEqual(compiled.m.snapshot(), reference.m.snapshot())
    assert.isAbove(stat(cpu, "compiledInstructions"), 900_000)
    assert.strictEqual(stat(cpu, "regionsCompiled"), 1)
  })

  it("a loop resumed in its middle by time slices gets short regions there, not more copies of the loop", () => {
    // Each run ends at a block boundary of the loop once its budget is spent, and the next starts
    // there, interpreted until it reaches compiled code. Those pcs become hot too, but rarely
    // (an entry per slice): each gets a region running up to the loop's head.
    const stretch = (r: number) => Array.from({ length: 8 }, (_, i) => A.addi(r, r, i + 1))
    const program = [
      A.li(a0, 1_000_000),
      A.li(a1, 0),
      A.li(t1, 0),
      A.label("loop"),
      ...[a1, t1, a1, t1, a1, t1].flatMap(stretch),
      A.andi(t0, a0, 1),
      A.beq(t0, 0, "even"),
      ...stretch(t1),
      A.label("even"),
      A.xor(t1, t1, a1),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const run = (cpu: CpuShape, slice: number) => {
      const m = new Machine(cpu)
      m.load(program)
      let stop = m.run(slice)
      while (kindOf(stop) === "BudgetSpent") stop = m.run(slice)
      return { stop, m }
    }
    const options = { hotness: 20, batch: 16, patience: 1_000 }
    const reference = run(RiscvInterpreter.make(), 10_000_000)
    const whole = RiscvJit.make(options)
    run(whole, 100_000_000)
    const sliced = RiscvJit.make(options)
    const result = run(sliced, 100_003)
    assert.deepStrictEqual(result.stop, reference.stop)
    assert.deepStrictEqual(result.m.snapshot(), reference.m.snapshot())
    assert.isAbove(stat(sliced, "compiledInstructions"), 0.99 * stat(sliced, "instructions"))
    // Resumed in the middle 250 times: one more region, from "even" to the loop's head, far
    // smaller than the loop (a copy of the loop from there would be about as big as the first).
    assert.strictEqual(stat(whole, "regionsCompiled"), 1)
    assert.strictEqual(stat(sliced, "regionsCompiled"), 2)
    assert.isBelow(stat(sliced, "wasmBytes") - stat(whole, "wasmBytes"), 0.5 * stat(whole, "wasmBytes"))
  })

  it("a switch through a jump table stays inside its loop's region: the cases seen are edges of the indirect jump", () => {
    // Each iteration jumps through a table to one of four cases chosen by the counter; the cases
    // the interpreter saw become edges of the JALR, so the loop is one region and no case is
    // entered through the dispatcher. A case never seen before compiling (the fifth, taken only
    // near the end) leaves the region and is still run exactly.
    const program = [
      A.li(a0, 100_000),
      A.li(a1, 0),
      A.label("loop"),
      A.andi(t0, a0, 3),
      A.li(t1, 17),
      A.bne(a0, t1, "table"),
      A.li(t0, 4),
      A.label("table"),
      A.slli(t0, t0, 2),
      A.auipc(t1, 0),
      A.add(t1, t1, t0),
      A.jalr(0, 12, t1),
      A.j("case0"),
      A.j("case1"),
      A.j("case2"),
      A.j("case3"),
      A.j("case4"),
      A.label("case0"),
      A.addi(a1, a1, 3),
      A.j("next"),
      A.label("case1"),
      A.xori(a1, a1, 5),
      A.j("next"),
      A.label("case2"),
      A.slli(a1, a1, 1),
      A.j("next"),
      A.label("case3"),
      A.srli(a1, a1, 1),
      A.j("next"),
      A.label("case4"),
      A.addi(a1, a1, 1000),
      A.label("next"),
      A.addi(a0, a0, -1),
      A.bne(a0, 0, "loop"),
      A.ebreak()
    ]
    const run = (cpu: CpuShape) => {
      const m = new Machine(cpu)
      m.load(program)
      return { stop: m.run(10_000_000), m }
    }
    const reference = run(RiscvInterpreter.make())
    const cpu = RiscvJit.make({ hotness: 20, batch: 16, patience: 100_000 })
    const compiled = run(cpu)
    assert.deepStrictEqual(compiled.stop, reference.stop)
    assert.deepStrictEqual(compiled.m.snapshot(), reference.m.snapshot())
    assert.isAbove(stat(cpu, "compiledInstructions"), 900_000)
    // The loop's region, and at most the unseen case's own.
    assert.isAtMost(stat(cpu, "regionsCompiled"), 2)
    // Entering compiled code from JavaScript happens a few times, not once per iteration.
    assert.isBelow(stat(cpu, "compiledCalls"), 20)
  })
})
