/**
 * The test assembler: each encoder produces the instruction its name says (read back through the
 * decoder, itself checked against llvm-mc), compressed encoders produce the manual's expansions,
 * operands out of range are refused, labels resolve, and `li` loads any 64-bit value.
 */
import { assert, describe, it } from "@effect/vitest"
import { RiscvInterpreter } from "@zxsim/riscv"
import * as A from "@zxsim/riscv/Assembler"
import { disassemble } from "@zxsim/riscv/Disassembler"
import * as FastCheck from "effect/FastCheck"
import { Machine } from "./utils/Machine.js"
import { EDGE_VALUES } from "./utils/Model.js"
import { kindOf } from "./utils/stops.js"

const registerEncoders: Readonly<Record<string, (rd: number, rs1: number, rs2: number) => number>> = {
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

const text = (item: number | A.Half | A.Deferred | A.Label) =>
  typeof item === "number" ? disassemble(item) : item._tag === "Half" ? disassemble(item.bits) : "not an instruction"

describe("Assembler", () => {
  it("32-bit encoders", () => {
    const cases: ReadonlyArray<readonly [number | A.Deferred, string]> = [
      [A.lui(5, 0xfffff), "lui x5, 1048575"],
      [A.lui(5, -1), "lui x5, 1048575"],
      [A.auipc(6, 1), "auipc x6, 1"],
      [A.jal(1, -2048), "jal x1, -2048"],
      [A.jal(0, 0xffffe), "jal x0, 1048574"],
      [A.jalr(1, -1, 5), "jalr x1, -1(x5)"],
      [A.beq(1, 2, -4096), "beq x1, x2, -4096"],
      [A.bne(3, 4, 4094), "bne x3, x4, 4094"],
      [A.blt(5, 6, 8), "blt x5, x6, 8"],
      [A.bge(5, 6, -8), "bge x5, x6, -8"],
      [A.bltu(5, 6, 2), "bltu x5, x6, 2"],
      [A.bgeu(5, 6, 16), "bgeu x5, x6, 16"],
      [A.lb(1, -2048, 2), "lb x1, -2048(x2)"],
      [A.lh(1, 2047, 2), "lh x1, 2047(x2)"],
      [A.lw(1, 4, 2), "lw x1, 4(x2)"],
      [A.ld(1, 8, 2), "ld x1, 8(x2)"],
      [A.lbu(1, 0, 2), "lbu x1, 0(x2)"],
      [A.lhu(1, 0, 2), "lhu x1, 0(x2)"],
      [A.lwu(1, 0, 2), "lwu x1, 0(x2)"],
      [A.sb(3, -1, 4), "sb x3, -1(x4)"],
      [A.sh(3, -2048, 4), "sh x3, -2048(x4)"],
      [A.sw(3, 2047, 4), "sw x3, 2047(x4)"],
      [A.sd(3, 40, 4), "sd x3, 40(x4)"],
      [A.addi(1, 2, -2048), "addi x1, x2, -2048"],
      [A.slti(1, 2, 5), "slti x1, x2, 5"],
      [A.sltiu(1, 2, -1), "sltiu x1, x2, -1"],
      [A.xori(1, 2, -1), "xori x1, x2, -1"],
      [A.ori(1, 2, 3), "ori x1, x2, 3"],
      [A.andi(1, 2, 255), "andi x1, x2, 255"],
      [A.slli(1, 2, 63), "slli x1, x2, 63"],
      [A.srli(1, 2, 32), "srli x1, x2, 32"],
      [A.srai(1, 2, 1), "srai x1, x2, 1"],
      [A.addiw(1, 2, -1), "addiw x1, x2, -1"],
      [A.slliw(1, 2, 31), "slliw x1, x2, 31"],
      [A.srliw(1, 2, 0), "srliw x1, x2, 0"],
      [A.sraiw(1, 2, 31), "sraiw x1, x2, 31"],
      ...Object.entries(registerEncoders).map(([name, encode]) =>
        [encode(31, 30, 29), `${name} x31, x30, x29`] as const
      ),
      [A.lrW(5, 6), "lr.w x5, (x6)"],
      [A.lrD(5, 6, { aq: true }), "lr.d.aq x5, (x6)"],
      [A.scW(5, 7, 6, { rl: true }), "sc.w.rl x5, x7, (x6)"],
      [A.scD(5, 7, 6, { aq: true, rl: true }), "sc.d.aqrl x5, x7, (x6)"],
      [A.amoswapW(1, 2, 3), "amoswap.w x1, x2, (x3)"],
      [A.amoaddD(1, 2, 3), "amoadd.d x1, x2, (x3)"],
      [A.amoxorW(1, 2, 3), "amoxor.w x1, x2, (x3)"],
      [A.amoandD(1, 2, 3), "amoand.d x1, x2, (x3)"],
      [A.amoorW(1, 2, 3), "amoor.w x1, x2, (x3)"],
      [A.amominD(1, 2, 3), "amomin.d x1, x2, (x3)"],
      [A.amomaxW(1, 2, 3), "amomax.w x1, x2, (x3)"],
      [A.amominuD(1, 2, 3), "amominu.d x1, x2, (x3)"],
      [A.amomaxuW(1, 2, 3), "amomaxu.w x1, x2, (x3)"],
      [A.fence(), "fence iorw, iorw"],
      [A.fence(2, 1), "fence r, w"],
      [A.fenceI(), "fence.i"],
      [A.ecall(), "ecall"],
      [A.ebreak(), "ebreak"],
      [A.rdcycle(5), "csrrs x5, cycle, x0"],
      [A.rdtime(5), "csrrs x5, time, x0"],
      [A.rdinstret(5), "csrrs x5, instret, x0"],
      [A.csrrc(5, 0xc00, 0), "csrrc x5, cycle, x0"],
      [A.csrrsi(5, 0xc02, 0), "csrrsi x5, instret, 0"],
      [A.csrrci(5, 0xc01, 0), "csrrci x5, time, 0"],
      [A.nop(), "addi x0, x0, 0"],
      [A.mv(5, 6), "addi x5, x6, 0"],
      [A.j(-4), "jal x0, -4"],
      [A.ret(), "jalr x0, 0(x1)"]
    ]
    for (const [item, want] of cases) {
      if (typeof item !== "number") assert.fail("expected an encoded word")
      assert.strictEqual(text(item), want)
    }
  })

  it("compressed encoders give the manual's expansions", () => {
    const cases: ReadonlyArray<readonly [A.Half | A.Deferred, string]> = [
      [A.C.addi4spn(8, 1020), "addi x8, x2, 1020"],
      [A.C.lw(9, 124, 10), "lw x9, 124(x10)"],
      [A.C.ld(15, 248, 8), "ld x15, 248(x8)"],
      [A.C.sw(9, 64, 10), "sw x9, 64(x10)"],
      [A.C.sd(15, 8, 8), "sd x15, 8(x8)"],
      [A.C.nop(), "addi x0, x0, 0"],
      [A.C.addi(5, -32), "addi x5, x5, -32"],
      [A.C.addiw(5, 31), "addiw x5, x5, 31"],
      [A.C.li(31, -1), "addi x31, x0, -1"],
      [A.C.addi16sp(-512), "addi x2, x2, -512"],
      [A.C.addi16sp(496), "addi x2, x2, 496"],
      [A.C.lui(5, -32), "lui x5, 1048544"],
      [A.C.lui(5, 31), "lui x5, 31"],
      [A.C.srli(8, 63), "srli x8, x8, 63"],
      [A.C.srai(9, 32), "srai x9, x9, 32"],
      [A.C.andi(10, -1), "andi x10, x10, -1"],
      [A.C.sub(8, 9), "sub x8, x8, x9"],
      [A.C.xor(8, 9), "xor x8, x8, x9"],
      [A.C.or(8, 9), "or x8, x8, x9"],
      [A.C.and(8, 9), "and x8, x8, x9"],
      [A.C.subw(14, 15), "subw x14, x14, x15"],
      [A.C.addw(14, 15), "addw x14, x14, x15"],
      [A.C.j(-2048), "jal x0, -2048"],
      [A.C.j(2046), "jal x0, 2046"],
      [A.C.beqz(8, -256), "beq x8, x0, -256"],
      [A.C.bnez(15, 254), "bne x15, x0, 254"],
      [A.C.slli(5, 63), "slli x5, x5, 63"],
      [A.C.lwsp(5, 252), "lw x5, 252(x2)"],
      [A.C.ldsp(5, 504), "ld x5, 504(x2)"],
      [A.C.jr(1), "jalr x0, 0(x1)"],
      [A.C.mv(5, 6), "add x5, x0, x6"],
      [A.C.ebreak(), "ebreak"],
      [A.C.jalr(5), "jalr x1, 0(x5)"],
      [A.C.add(5, 6), "add x5, x5, x6"],
      [A.C.swsp(5, 252), "sw x5, 252(x2)"],
      [A.C.sdsp(5, 504), "sd x5, 504(x2)"]
    ]
    for (const [item, want] of cases) assert.strictEqual(text(item), want)
  })

  it("refuses operands that do not fit", () => {
    assert.throws(() => A.addi(1, 2, 2048), RangeError)
    assert.throws(() => A.addi(32, 2, 0), RangeError)
    assert.throws(() => A.beq(1, 2, 3), RangeError)
    assert.throws(() => A.beq(1, 2, 4096), RangeError)
    assert.throws(() => A.jal(1, 1 << 20), RangeError)
    assert.throws(() => A.slli(1, 2, 64), RangeError)
    assert.throws(() => A.slliw(1, 2, 32), RangeError)
    assert.throws(() => A.C.lw(1, 0, 8), RangeError)
    assert.throws(() => A.C.addi4spn(8, 0), RangeError)
    assert.throws(() => A.C.lui(2, 1), RangeError)
    assert.throws(() => A.C.jr(0), RangeError)
    assert.throws(() => A.assemble([A.j("nowhere")]), RangeError)
    assert.throws(() => A.assemble([A.label("x"), A.label("x")]), RangeError)
  })

  it("lays out programs with labels, 16- and 32-bit items and raw bytes", () => {
    const { bytes, labels } = A.assembleAt([
      A.label("start"),
      A.C.nop(),
      A.beq(0, 0, "end"),
      new Uint8Array([1, 2]),
      [A.C.j("start"), [A.label("end")]],
      A.j("start")
    ], 0x1000)
    assert.strictEqual(bytes.length, 2 + 4 + 2 + 2 + 4)
    assert.strictEqual(labels.get("start"), 0x1000)
    assert.strictEqual(labels.get("end"), 0x100a)
    const view = new DataView(bytes.buffer)
    assert.strictEqual(disassemble(view.getUint32(2, true)), "beq x0, x0, 8")
    assert.deepStrictEqual([...bytes.subarray(6, 8)], [1, 2])
    assert.strictEqual(disassemble(view.getUint16(8, true)), "jal x0, -8")
    assert.strictEqual(disassemble(view.getUint32(10, true)), "jal x0, -10")
  })

  const m = new Machine(RiscvInterpreter.make())
  it.prop("li loads any 64-bit value", [
    FastCheck.oneof(FastCheck.constantFrom(...EDGE_VALUES), FastCheck.bigUintN(64), FastCheck.bigUintN(33))
  ], ([v]) => {
    m.load([A.li(5, v), A.ebreak()])
    assert.strictEqual(kindOf(m.run()), "breakpoint")
    assert.strictEqual(m.x(5), v)
  }, { fastCheck: { numRuns: 500 } })
})
