/**
 * Random straight-line programs of integer instructions (every RV64IM register and immediate
 * operation, LUI, AUIPC, and the compressed ALU forms) end with the same registers as a BigInt
 * model run over the same program. The compressed forms are modelled by their expansion as the
 * manual's C chapter gives it, independently of the decoder.
 */
import { assert, describe, it } from "@effect/vitest"
import * as A from "@zxsim/riscv/Assembler"
import { disassemble } from "@zxsim/riscv/Disassembler"
import * as FastCheck from "effect/FastCheck"
import { CODE, engines, Machine } from "./utils/Machine.js"
import { EDGE_VALUES, immediateOps, registerOps, sext32, shiftLimits, u64 } from "./utils/Model.js"
import { kindOf } from "./utils/stops.js"

/** One generated instruction: its encoding and its effect on the model's registers. */
interface Step {
  readonly item: number | A.Half
  readonly length: number
  readonly apply: (x: Array<bigint>, pc: bigint) => void
}

const set = (x: Array<bigint>, rd: number, value: bigint) => {
  if (rd !== 0) x[rd] = u64(value)
}

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

const reg = FastCheck.integer({ min: 0, max: 31 })
const regPrime = FastCheck.integer({ min: 8, max: 15 })
const nonZero = FastCheck.integer({ min: 1, max: 31 })
const imm12 = FastCheck.oneof(
  FastCheck.integer({ min: -2048, max: 2047 }),
  FastCheck.constantFrom(0, 1, -1, 2047, -2048)
)
const imm6 = FastCheck.integer({ min: -32, max: 31 })

const registerStep: FastCheck.Arbitrary<Step> = FastCheck.tuple(
  FastCheck.constantFrom(...Object.keys(registerOps)),
  reg,
  reg,
  reg
)
  .map(([name, rd, rs1, rs2]) => ({
    item: registerEncoders[name](rd, rs1, rs2),
    length: 4,
    apply: (x) => set(x, rd, registerOps[name](x[rs1], x[rs2]))
  }))

const immediateStep: FastCheck.Arbitrary<Step> = FastCheck.constantFrom(...Object.keys(immediateOps)).chain((name) => {
  const limit = shiftLimits[name]
  const imm = limit === undefined ? imm12 : FastCheck.integer({ min: 0, max: limit })
  return FastCheck.tuple(reg, reg, imm).map(([rd, rs1, value]): Step => ({
    item: immediateEncoders[name](rd, rs1, value),
    length: 4,
    apply: (x) => set(x, rd, immediateOps[name](x[rs1], BigInt(value)))
  }))
})

const upperStep: FastCheck.Arbitrary<Step> = FastCheck.tuple(
  FastCheck.boolean(),
  reg,
  FastCheck.integer({ min: 0, max: 0xfffff })
)
  .map(([isLui, rd, imm20]) => {
    const value = BigInt.asIntN(32, BigInt(imm20) << 12n)
    return {
      item: isLui ? A.lui(rd, imm20) : A.auipc(rd, imm20),
      length: 4,
      apply: (x, pc) => set(x, rd, isLui ? value : pc + value)
    }
  })

/** The compressed register-register forms, by the name of the operation they expand to. */
const compressedRegisterOps: Readonly<Record<string, (rd: number, rs2: number) => A.Half>> = {
  sub: A.C.sub,
  xor: A.C.xor,
  or: A.C.or,
  and: A.C.and,
  subw: A.C.subw,
  addw: A.C.addw
}
const c = (item: A.Half, apply: Step["apply"]): Step => ({ item, length: 2, apply })

/** The compressed ALU forms and the base instruction the manual expands each to. */
const compressedStep: FastCheck.Arbitrary<Step> = FastCheck.oneof(
  FastCheck.tuple(reg, imm6).map(([rd, i]) => c(A.C.addi(rd, i), (x) => set(x, rd, x[rd] + BigInt(i)))),
  FastCheck.tuple(nonZero, imm6).map(([rd, i]) => c(A.C.addiw(rd, i), (x) => set(x, rd, sext32(x[rd] + BigInt(i))))),
  FastCheck.tuple(reg, imm6).map(([rd, i]) => c(A.C.li(rd, i), (x) => set(x, rd, BigInt(i)))),
  FastCheck.tuple(nonZero.filter((r) => r !== 2), imm6.filter((i) => i !== 0)).map(([rd, i]) =>
    c(A.C.lui(rd, i), (x) => set(x, rd, BigInt(i) << 12n))
  ),
  FastCheck.integer({ min: -32, max: 31 }).filter((i) => i !== 0).map((i) =>
    c(A.C.addi16sp(i * 16), (x) => set(x, 2, x[2] + BigInt(i * 16)))
  ),
  FastCheck.tuple(regPrime, FastCheck.integer({ min: 1, max: 255 })).map(([rd, i]) =>
    c(A.C.addi4spn(rd, i * 4), (x) => set(x, rd, x[2] + BigInt(i * 4)))
  ),
  FastCheck.tuple(reg, FastCheck.integer({ min: 0, max: 63 })).map(([rd, s]) =>
    c(A.C.slli(rd, s), (x) => set(x, rd, x[rd] << BigInt(s)))
  ),
  FastCheck.tuple(regPrime, FastCheck.integer({ min: 0, max: 63 })).map(([rd, s]) =>
    c(A.C.srli(rd, s), (x) => set(x, rd, x[rd] >> BigInt(s)))
  ),
  FastCheck.tuple(regPrime, FastCheck.integer({ min: 0, max: 63 })).map(([rd, s]) =>
    c(A.C.srai(rd, s), (x) => set(x, rd, BigInt.asIntN(64, x[rd]) >> BigInt(s)))
  ),
  FastCheck.tuple(regPrime, imm6).map(([rd, i]) => c(A.C.andi(rd, i), (x) => set(x, rd, x[rd] & u64(BigInt(i))))),
  FastCheck.tuple(FastCheck.constantFrom(...Object.keys(compressedRegisterOps)), regPrime, regPrime).map((
    [name, rd, rs2]
  ) => c(compressedRegisterOps[name](rd, rs2), (x) => set(x, rd, registerOps[name](x[rd], x[rs2])))),
  FastCheck.tuple(reg, nonZero).map(([rd, rs2]) => c(A.C.mv(rd, rs2), (x) => set(x, rd, x[rs2]))),
  FastCheck.tuple(reg, nonZero).map(([rd, rs2]) => c(A.C.add(rd, rs2), (x) => set(x, rd, x[rd] + x[rs2]))),
  FastCheck.constant(c(A.C.nop(), () => {}))
)

const step = FastCheck.oneof(
  { weight: 4, arbitrary: registerStep },
  { weight: 3, arbitrary: immediateStep },
  { weight: 1, arbitrary: upperStep },
  { weight: 3, arbitrary: compressedStep }
)
const value64 = FastCheck.oneof(FastCheck.constantFrom(...EDGE_VALUES), FastCheck.bigUintN(64))

describe.each(engines)("Random ALU programs ($name)", ({ make }) => {
  const m = new Machine(make())

  it.prop(
    "end with the registers of the BigInt model",
    {
      registers: FastCheck.array(value64, { minLength: 32, maxLength: 32 }),
      steps: FastCheck.array(step, { minLength: 1, maxLength: 64 })
    },
    ({ registers, steps }) => {
      const x = registers.map((v, i) => (i === 0 ? 0n : v))
      m.load([...steps.map((s) => s.item), A.ebreak()])
      for (let i = 1; i < 32; i++) m.setX(i, x[i])
      let pc = BigInt(CODE)
      for (const s of steps) {
        s.apply(x, pc)
        pc += BigInt(s.length)
      }
      const instret = m.instret
      const stop = m.run()
      assert.strictEqual(kindOf(stop), "breakpoint")
      assert.strictEqual(m.pc, pc)
      for (let i = 0; i < 32; i++) {
        if (m.x(i) !== x[i]) {
          const listing = steps.map((s) => disassemble(typeof s.item === "number" ? s.item : s.item.bits)).join("; ")
          assert.fail(`x${i}: 0x${m.x(i).toString(16)}, model 0x${x[i].toString(16)} after ${listing}`)
        }
      }
      assert.strictEqual(m.instret - instret, BigInt(steps.length))
    },
    { fastCheck: { numRuns: 1000 } }
  )
})
