/**
 * Exceptions: each stops with the right kind, address and pc, and leaves the state the ISA says:
 * the faulting instruction has no effect and does not retire, pc stays on it (or on the jump
 * target, for a fetch fault after a jump that retired), and running again takes it again.
 */
import { assert, describe, it } from "@effect/vitest"
import { TranslateFault } from "@zxsim/kernel/Cpu"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, DATA, engines, Machine, PAGE, R, W, X } from "./utils/Machine.js"
import { exception } from "./utils/stops.js"

describe.each(engines)("Exceptions ($name)", ({ make }) => {
  const fresh = () => new Machine(make())

  it("illegal instructions report their bits, retire nothing and leave registers alone", () => {
    const cases: ReadonlyArray<readonly [A.Item, number]> = [
      [{ _tag: "Half", bits: 0x0000 }, 0x0000], // c.unimp: all zeros
      [0xffffffff, 0xffffffff], // no such opcode
      [A.csrrw(5, 0xc00, 6), A.csrrw(5, 0xc00, 6)], // writes a read-only counter
      [A.csrrs(5, 0xc00, 6), A.csrrs(5, 0xc00, 6)], // sets bits of it
      [A.csrrs(5, 0x004, 0), A.csrrs(5, 0x004, 0)], // no such user CSR
      [A.csrrs(5, 0xc80, 0), A.csrrs(5, 0xc80, 0)], // cycleh is RV32-only
      [0x30200073, 0x30200073], // mret: privileged
      [0x10500073, 0x10500073], // wfi: privileged
      [0x00005053, 0x00005053], // fadd.s with the reserved rounding mode 5
      [0x04000053, 0x04000053], // fadd.h: no Zfh
      [0x60301013, 0x60301013], // funct12 0x603 beside clz/ctz/cpop: not an instruction
      [{ _tag: "Half", bits: 0x4002 }, 0x4002], // c.lwsp x0: reserved
      [{ _tag: "Half", bits: 0x6081 }, 0x6081], // c.lui x1, 0: reserved
      [0x0000101b | (1 << 25), 0x0000101b | (1 << 25)] // slliw with shamt[5] set
    ]
    for (const [item, bits] of cases) {
      const m = fresh()
      m.load([A.li(5, 55), A.li(6, 66), item, A.ebreak()])
      assert.deepStrictEqual(m.run(), exception("illegal-instruction", bits >>> 0, CODE + 8))
      assert.strictEqual(m.pc, BigInt(CODE + 8))
      assert.strictEqual(m.instret, 2n)
      assert.strictEqual(m.x(5), 55n)
      assert.strictEqual(m.x(6), 66n)
      // Running again takes the same exception.
      assert.deepStrictEqual(m.run(), exception("illegal-instruction", bits >>> 0, CODE + 8))
    }
  })

  it("EBREAK and C.EBREAK stop with a breakpoint at their own address", () => {
    const m = fresh()
    m.load([A.nop(), A.C.ebreak(), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("breakpoint", CODE + 4, CODE + 4))
    assert.strictEqual(m.instret, 1n)
    m.pc = CODE + 6
    assert.deepStrictEqual(m.run(), exception("breakpoint", CODE + 6, CODE + 6))
  })

  it("a jump to an unmapped page retires, then the fetch faults at the target", () => {
    const m = fresh()
    m.load([A.li(5, 0x7000_0000), A.jalr(1, 0, 5)])
    assert.deepStrictEqual(m.run(), exception("fetch-page-fault", 0x7000_0000, 0x7000_0000))
    assert.strictEqual(m.pc, 0x7000_0000n)
    // li is a single lui here; the jalr at CODE + 4 links CODE + 8.
    assert.strictEqual(m.x(1), BigInt(CODE + 8))
    assert.strictEqual(m.instret, 2n)
  })

  it("executing a page without execute permission is a fetch page fault", () => {
    const m = fresh()
    m.load([A.li(5, DATA), A.jalr(0, 0, 5)])
    m.write(DATA, A.assemble([A.ebreak()]))
    assert.deepStrictEqual(m.run(), exception("fetch-page-fault", DATA, DATA))
    // Made executable, the same page runs.
    m.protect(DATA, PAGE, R | X)
    assert.deepStrictEqual(m.run(), exception("breakpoint", DATA, DATA))
  })

  it("a 32-bit instruction straddling into an unmapped or non-executable page faults at the second page", () => {
    for (const neighbour of [0, R | W, R]) {
      const m = fresh()
      const page = 0x40_0000
      m.map(page, PAGE, R | X)
      if (neighbour !== 0) m.map(page + PAGE, PAGE, neighbour)
      m.write(page + PAGE - 4, A.assemble([A.C.nop(), A.addi(5, 5, 1)]).subarray(0, 4))
      m.pc = page + PAGE - 4
      assert.deepStrictEqual(m.run(), exception("fetch-page-fault", page + PAGE, page + PAGE - 2))
      assert.strictEqual(m.x(5), 0n)
      assert.strictEqual(m.instret, 1n)
    }
  })

  it("a 16-bit instruction at the end of a page runs; the fault comes with the next fetch", () => {
    const m = fresh()
    const page = 0x40_0000
    m.map(page, PAGE, R | X)
    m.write(page + PAGE - 2, A.assemble([A.C.li(5, 9)]))
    m.pc = page + PAGE - 2
    assert.deepStrictEqual(m.run(), exception("fetch-page-fault", page + PAGE, page + PAGE))
    assert.strictEqual(m.x(5), 9n)
  })

  it("loads and stores to unmapped pages fault with the address and leave everything unchanged", () => {
    const m = fresh()
    m.load([A.li(5, 0x7000_0010), A.li(6, 0x66), A.ld(6, -16, 5), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("load-page-fault", 0x7000_0000, CODE + 12))
    assert.strictEqual(m.x(6), 0x66n)
    assert.strictEqual(m.instret, 3n)
    m.load([A.li(5, 0x7000_0010), A.sw(0, 3, 5), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("store-page-fault", 0x7000_0013, CODE + 8))
  })

  it("writing a read-only or read+execute page is a store page fault and writes nothing", () => {
    const m = fresh()
    const readOnly = 0x30_0000
    m.map(readOnly, PAGE, R)
    m.load([A.li(5, readOnly), A.li(6, -1), A.sd(6, 8, 5), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("store-page-fault", readOnly + 8, CODE + 8))
    assert.strictEqual(m.readU64(readOnly + 8), 0n)
    // The code page itself.
    m.load([A.li(5, CODE), A.sb(0, 0, 5), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("store-page-fault", CODE, CODE + 4))
    // Reading is fine.
    m.load([A.li(5, readOnly), A.ld(6, 8, 5), A.ebreak()])
    assert.deepStrictEqual(m.run(), exception("breakpoint", CODE + 8, CODE + 8))
  })

  it("a mapping with nothing behind it gives access faults", () => {
    const m = fresh()
    const beyond = 0x30_0000
    const noMemory = 0x31_0000
    m.mapFaulting(beyond, R | W | X, TranslateFault.BEYOND_VMO)
    m.mapFaulting(noMemory, R | W, TranslateFault.NO_MEMORY)
    m.load([A.li(5, beyond), A.ld(6, 0, 5)])
    assert.deepStrictEqual(m.run(), exception("load-access-fault", beyond, CODE + 4))
    m.load([A.li(5, noMemory), A.sd(6, 0, 5)])
    assert.deepStrictEqual(m.run(), exception("store-access-fault", noMemory, CODE + 4))
    m.load([A.li(5, beyond), A.jalr(0, 0, 5)])
    assert.deepStrictEqual(m.run(), exception("fetch-access-fault", beyond, beyond))
  })

  it("an odd pc set by the host is a misaligned fetch", () => {
    const m = fresh()
    m.load([A.nop(), A.ebreak()])
    m.pc = CODE + 1
    assert.deepStrictEqual(m.run(), exception("fetch-misaligned", CODE + 1, CODE + 1))
    assert.strictEqual(m.pc, BigInt(CODE + 1))
  })

  it("a jump far outside the address space keeps pc's exact bits in the register file", () => {
    const m = fresh()
    m.load([A.li(5, 0x8000_0000_0000_1235n), A.jalr(0, 0, 5)])
    const stop = m.run()
    assert.deepStrictEqual(stop, exception("fetch-page-fault", 2 ** 63 + 0x1234, 2 ** 63 + 0x1234))
    assert.strictEqual(m.pc, 0x8000_0000_0000_1234n)
  })
})
