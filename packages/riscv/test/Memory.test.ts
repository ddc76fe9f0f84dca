/**
 * Loads and stores: every width and sign extension, what a store leaves alone, 64-bit address
 * arithmetic, misaligned accesses (emulated, also across pages, all-or-nothing when part of one
 * faults), and the translation contract: permission and mapping changes take effect through the
 * epoch, pages committed and memory grown in the middle of a run, separate address spaces.
 */
import { assert, describe, it } from "@effect/vitest"
import type { StopReason } from "@zxsim/kernel/Cpu"
import * as A from "@zxsim/riscv/Assembler"
import { CODE, DATA, engines, Machine, PAGE, R, W, X } from "./utils/Machine.js"

const hex = (x: bigint) => "0x" + x.toString(16)
const bytesOf = (...xs: ReadonlyArray<number>) => new Uint8Array(xs)
const fault = (
  stop: StopReason
) => (stop._tag === "Exception" ? `${stop.kind} @${stop.address.toString(16)} pc ${stop.pc.toString(16)}` : stop._tag)

describe.each(engines)("Memory ($name)", ({ make }) => {
  const fresh = () => new Machine(make())
  const expectBreak = (m: Machine, stop: StopReason) =>
    assert.strictEqual(fault(stop), `breakpoint @${Number(m.pc).toString(16)} pc ${Number(m.pc).toString(16)}`)

  it("loads sign- or zero-extend each width", () => {
    const m = fresh()
    m.load([A.ebreak()])
    m.write(
      DATA,
      bytesOf(0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87, 0x7f, 0x7f, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f)
    )
    const cases: ReadonlyArray<readonly [(rd: number, offset: number, rs1: number) => number, number, bigint]> = [
      [A.lb, 0, 0xfffffffffffffff0n],
      [A.lbu, 0, 0xf0n],
      [A.lb, 7, 0xffffffffffffff87n],
      [A.lbu, 7, 0x87n],
      [A.lb, 8, 0x7fn],
      [A.lh, 0, 0xffffffffffffe1f0n],
      [A.lhu, 0, 0xe1f0n],
      [A.lh, 6, 0xffffffffffff8796n],
      [A.lh, 8, 0x7f7fn],
      [A.lw, 0, 0xffffffffc3d2e1f0n],
      [A.lwu, 0, 0xc3d2e1f0n],
      [A.lw, 4, 0xffffffff8796a5b4n],
      [A.lw, 12, 0x7fffffffn],
      [A.lwu, 12, 0x7fffffffn],
      [A.ld, 0, 0x8796a5b4c3d2e1f0n],
      [A.ld, 8, 0x7fffffff7fff7f7fn]
    ]
    for (const [op, offset, want] of cases) {
      expectBreak(m, m.exec([op(6, offset, 5), A.ebreak()], { 5: DATA, 6: 0x5555n }))
      assert.strictEqual(hex(m.x(6)), hex(want), `${hex(BigInt(op(6, offset, 5)))}`)
    }
  })

  it("stores write only their width, little-endian", () => {
    const m = fresh()
    const value = 0x1122334455667788n
    const cases: ReadonlyArray<readonly [(rs2: number, offset: number, rs1: number) => number, ReadonlyArray<number>]> =
      [
        [A.sb, [0xaa, 0xaa, 0xaa, 0xaa, 0x88, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]],
        [A.sh, [0xaa, 0xaa, 0xaa, 0xaa, 0x88, 0x77, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]],
        [A.sw, [0xaa, 0xaa, 0xaa, 0xaa, 0x88, 0x77, 0x66, 0x55, 0xaa, 0xaa, 0xaa, 0xaa]],
        [A.sd, [0xaa, 0xaa, 0xaa, 0xaa, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]]
      ]
    for (const [op, want] of cases) {
      m.load([op(6, 4, 5), A.ebreak()])
      m.write(DATA, new Uint8Array(12).fill(0xaa))
      expectBreak(m, m.exec([op(6, 4, 5), A.ebreak()], { 5: DATA, 6: value }))
      assert.deepStrictEqual([...m.read(DATA, 12)], want)
    }
  })

  it("effective addresses are 64-bit sums with a sign-extended offset", () => {
    const m = fresh()
    m.load([A.ebreak()])
    // Pages on both sides of 4 GiB and just below 2^38, the top of the user range.
    m.map(0xffff_f000, PAGE, R | W)
    m.map(0x1_0000_0000, PAGE, R | W)
    m.map(0x3f_ffff_f000, PAGE, R | W)
    m.writeU64(0xffff_fff8, 0x1111n)
    m.writeU64(0x1_0000_0000, 0x2222n)
    m.writeU64(0x3f_ffff_fff8, 0x3333n)
    const load = (base: bigint, offset: number) => {
      expectBreak(m, m.exec([A.ld(6, offset, 5), A.ebreak()], { 5: base }))
      return m.x(6)
    }
    assert.strictEqual(load(0xffff_f800n, 0x7f8), 0x1111n)
    // The carry out of the low word reaches the high word...
    assert.strictEqual(load(0xffff_fff8n, 8), 0x2222n)
    assert.strictEqual(load(0xffff_fc00n, 0x400), 0x2222n)
    // ...and so does the borrow of a negative offset.
    assert.strictEqual(load(0x1_0000_0010n, -0x18), 0x1111n)
    assert.strictEqual(load(0x40_0000_0000n, -8), 0x3333n)
    // A store through a base in the high page.
    expectBreak(m, m.exec([A.sd(6, -8, 5), A.ebreak()], { 5: 0x40_0000_0000n, 6: 0xabcdn }))
    assert.strictEqual(m.readU64(0x3f_ffff_fff8), 0xabcdn)
  })

  it("misaligned loads and stores are emulated, within a page and across one", () => {
    const m = fresh()
    m.load([A.ebreak()])
    const value = 0x8877665544332211n
    const widths: ReadonlyArray<
      readonly [
        number,
        (rs2: number, o: number, rs1: number) => number,
        (rd: number, o: number, rs1: number) => number,
        (v: bigint) => bigint
      ]
    > = [
      [2, A.sh, A.lh, (v) => BigInt.asUintN(64, BigInt.asIntN(16, v))],
      [2, A.sh, A.lhu, (v) => BigInt.asUintN(16, v)],
      [4, A.sw, A.lw, (v) => BigInt.asUintN(64, BigInt.asIntN(32, v))],
      [4, A.sw, A.lwu, (v) => BigInt.asUintN(32, v)],
      [8, A.sd, A.ld, (v) => v]
    ]
    for (const base of [DATA + 0x100, DATA + PAGE - 8]) {
      for (const [size, store, load, extend] of widths) {
        for (let misalign = 1; misalign < 8; misalign++) {
          const at = base + misalign
          m.write(at - 8, new Uint8Array(24).fill(0xee))
          expectBreak(m, m.exec([store(6, 0, 5), load(7, 0, 5), A.ebreak()], { 5: at, 6: value }))
          assert.strictEqual(hex(m.x(7)), hex(extend(value)), `size ${size} at ${at.toString(16)}`)
          const want = [
            ...new Uint8Array(8).fill(0xee),
            ...[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88].slice(0, size)
          ]
          assert.deepStrictEqual([...m.read(at - 8, 8 + size)], want)
          assert.deepStrictEqual([...m.read(at + size, 8)], new Array(8).fill(0xee))
        }
      }
    }
  })

  it("an access that crosses into a page it may not use faults and changes nothing", () => {
    const m = fresh()
    m.load([A.ebreak()])
    const page = 0x40_0000
    m.map(page, PAGE, R | W)
    m.map(page + PAGE, PAGE, R) // read-only neighbour
    m.map(page + 3 * PAGE, PAGE, R | W) // with nothing mapped after it
    m.write(page + PAGE - 8, new Uint8Array(8).fill(0xcc))
    // Store into the read-only neighbour: a store page fault at the first byte there.
    let stop = m.exec([A.sd(6, 0, 5), A.ebreak()], { 5: page + PAGE - 3, 6: -1n })
    assert.strictEqual(fault(stop), `store-page-fault @${(page + PAGE).toString(16)} pc ${CODE.toString(16)}`)
    assert.deepStrictEqual([...m.read(page + PAGE - 8, 8)], new Array(8).fill(0xcc))
    // Loads may cross into it.
    m.write(page + PAGE, bytesOf(0x01, 0x02))
    expectBreak(m, m.exec([A.lw(7, 0, 5), A.ebreak()], { 5: page + PAGE - 2 }))
    assert.strictEqual(m.x(7), 0x0201ccccn)
    // Into an unmapped page: faults for both directions, registers and memory unchanged.
    const end = page + 4 * PAGE
    m.write(end - 4, bytesOf(1, 2, 3, 4))
    stop = m.exec([A.sw(6, 0, 5), A.ebreak()], { 5: end - 2, 6: -1n })
    assert.strictEqual(fault(stop), `store-page-fault @${end.toString(16)} pc ${CODE.toString(16)}`)
    assert.deepStrictEqual([...m.read(end - 4, 4)], [1, 2, 3, 4])
    stop = m.exec([A.ld(7, 0, 5), A.ebreak()], { 5: end - 4, 7: 0x77n })
    assert.strictEqual(fault(stop), `load-page-fault @${end.toString(16)} pc ${CODE.toString(16)}`)
    assert.strictEqual(m.x(7), 0x77n)
  })

  it("a load into x0 still accesses memory, and faults", () => {
    const m = fresh()
    const stop = m.exec([A.lw(0, 0, 5), A.ebreak()], { 5: 0x7000_0000 })
    assert.strictEqual(fault(stop), `load-page-fault @70000000 pc ${CODE.toString(16)}`)
    assert.strictEqual(m.x(0), 0n)
  })

  it("addresses that are not safe integers fault without reaching translate", () => {
    const m = fresh()
    expectBreak(m, m.exec([A.ld(6, 0, 5), A.ebreak()], { 5: DATA }))
    for (const address of [0xffff_ffff_ffff_f000n, 1n << 53n, 1n << 63n, 0x20_0000_0000_0000n + 8n]) {
      const before = m.translateCalls
      m.setX(5, address)
      m.pc = CODE
      const stop = m.run()
      assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "load-page-fault")
      assert.strictEqual(m.translateCalls, before)
    }
    // Just below 2^53 the address is exact and translate decides.
    const stop = m.exec([A.sd(6, 0, 5), A.ebreak()], { 5: (1n << 53n) - 8n })
    assert.strictEqual(fault(stop), `store-page-fault @${((2 ** 53) - 8).toString(16)} pc ${CODE.toString(16)}`)
  })

  it("mapping and permission changes take effect through the epoch", () => {
    const m = fresh()
    const program = [A.sd(6, 0, 5), A.ld(7, 0, 5), A.ebreak()]
    expectBreak(m, m.exec(program, { 5: DATA, 6: 5n }))
    assert.strictEqual(m.x(7), 5n)
    m.protect(DATA, PAGE, R)
    assert.strictEqual(
      fault(m.exec(program, { 5: DATA, 6: 6n })),
      `store-page-fault @${DATA.toString(16)} pc ${CODE.toString(16)}`
    )
    assert.strictEqual(m.readU64(DATA), 5n)
    m.unmap(DATA, PAGE)
    assert.strictEqual(
      fault(m.exec([A.ld(7, 0, 5), A.ebreak()], { 5: DATA })),
      `load-page-fault @${DATA.toString(16)} pc ${CODE.toString(16)}`
    )
    // Mapped again, to a fresh (zero) frame.
    m.map(DATA, PAGE, R | W)
    expectBreak(m, m.exec([A.ld(7, 0, 5), A.ebreak()], { 5: DATA, 7: 9n }))
    assert.strictEqual(m.x(7), 0n)
  })

  it("pages committed and memory grown in the middle of a run", () => {
    // One wasm page: 16 frames, so committing 64 pages grows the memory several times mid-run.
    const m = new Machine(make(), { wasmPages: 1 })
    const region = 0x100_0000
    const pages = 64
    m.map(region, pages * PAGE, R | W, true)
    m.load([
      // for (i = 0; i < pages; i++) *(u64*)(region + i * PAGE + 8) = i + 1
      A.li(5, region),
      A.li(6, 0),
      A.li(7, pages),
      A.label("fill"),
      A.addi(8, 6, 1),
      A.sd(8, 8, 5),
      A.addi(6, 6, 1),
      A.li(9, PAGE),
      A.add(5, 5, 9),
      A.blt(6, 7, "fill"),
      // sum them back
      A.li(5, region),
      A.li(6, 0),
      A.li(10, 0),
      A.label("sum"),
      A.ld(8, 8, 5),
      A.add(10, 10, 8),
      A.addi(6, 6, 1),
      A.li(9, PAGE),
      A.add(5, 5, 9),
      A.blt(6, 7, "sum"),
      A.ebreak()
    ])
    const generation = m.physical.generation
    const stop = m.run()
    assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint")
    assert.strictEqual(m.x(10), BigInt((pages * (pages + 1)) / 2))
    assert.isAbove(m.physical.generation, generation)
    for (let i = 0; i < pages; i++) assert.strictEqual(m.readU64(region + i * PAGE + 8), BigInt(i + 1))
  })

  it("the TLB spares translate calls on a page used again and again", () => {
    const m = fresh()
    m.load([
      A.li(5, DATA),
      A.li(6, 1000),
      A.label("loop"),
      A.ld(7, 0, 5),
      A.addi(7, 7, 1),
      A.sd(7, 0, 5),
      A.addi(6, 6, -1),
      A.bne(6, 0, "loop"),
      A.ebreak()
    ])
    const before = m.translateCalls
    m.run()
    assert.strictEqual(m.readU64(DATA), 1000n)
    assert.isAtMost(m.translateCalls - before, 8)
  })

  it("two address spaces over one physical memory each see their own pages", () => {
    const a = fresh()
    const b = new Machine(a.cpu, { share: a })
    const program = [A.ld(7, 0, 5), A.addi(7, 7, 1), A.sd(7, 0, 5), A.ebreak()]
    a.load(program)
    b.load(program)
    a.writeU64(DATA, 100n)
    b.writeU64(DATA, 200n)
    for (let i = 0; i < 3; i++) {
      for (const m of [a, b]) {
        m.setX(5, DATA)
        m.pc = CODE
        expectBreak(m, m.run())
      }
    }
    assert.strictEqual(a.readU64(DATA), 103n)
    assert.strictEqual(b.readU64(DATA), 203n)
  })
})

describe.each(engines)("Memory without a standard layout ($name)", ({ make }) => {
  it("code may run from a page that is also writable", () => {
    const m = new Machine(make())
    m.map(0x5000, PAGE, R | W | X)
    m.write(0x5000, A.assemble([A.li(5, 42), A.ebreak()]))
    m.pc = 0x5000
    const stop = m.run()
    assert.strictEqual(stop._tag === "Exception" ? stop.kind : stop._tag, "breakpoint")
    assert.strictEqual(m.x(5), 42n)
  })
})
