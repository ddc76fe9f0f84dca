/**
 * The floating-point operations the FP result oracle covers (test/fixtures/fp-oracle.bin.gz), in
 * the order of their numbers in the oracle's records and in scripts/fp-oracle/generator.c: each
 * with its precision, operand kinds and an encoder. Shared by the oracle's generator script and
 * its test.
 */
import * as A from "@zxsim/riscv/Assembler"

/** An operand or result: an f register of the op's precision, or an x register. */
export type Kind = "f" | "x"

/** One operation of the oracle. */
export interface FpOp {
  readonly name: string
  /** Width in bytes of f operands (4 single, 8 double). */
  readonly width: 4 | 8
  /** Width of the result when it is an f register (differs for conversions). */
  readonly resultWidth: 4 | 8
  readonly sources: ReadonlyArray<Kind>
  readonly result: Kind
  /** Whether the instruction has a rounding mode. */
  readonly rounds: boolean
  /** The instruction: rd, rs1, rs2, rs3 by number, and the rm field. */
  readonly encode: (rd: number, rs1: number, rs2: number, rs3: number, rm: number) => number
}

const ops: Array<FpOp> = []
const fmts = [["s", 0, 4], ["d", 1, 8]] as const

for (const [p, fmt, width] of fmts) {
  const w = width
  for (const [name, funct5] of [["fadd", 0], ["fsub", 1], ["fmul", 2], ["fdiv", 3]] as const) {
    ops.push({
      name: `${name}.${p}`,
      width: w,
      resultWidth: w,
      sources: ["f", "f"],
      result: "f",
      rounds: true,
      encode: (rd, a, b, _c, rm) => A.opFp(funct5, fmt, rd, a, b, rm)
    })
  }
  ops.push({
    name: `fsqrt.${p}`,
    width: w,
    resultWidth: w,
    sources: ["f"],
    result: "f",
    rounds: true,
    encode: (rd, a, _b, _c, rm) => A.opFp(0x0b, fmt, rd, a, 0, rm)
  })
  for (const [name, opcode] of [["fmadd", 0x43], ["fmsub", 0x47], ["fnmsub", 0x4b], ["fnmadd", 0x4f]] as const) {
    ops.push({
      name: `${name}.${p}`,
      width: w,
      resultWidth: w,
      sources: ["f", "f", "f"],
      result: "f",
      rounds: true,
      encode: (rd, a, b, c, rm) => A.fusedMultiplyAdd(opcode, fmt, rd, a, b, c, rm)
    })
  }
  for (
    const [name, funct5, funct3] of [["fsgnj", 4, 0], ["fsgnjn", 4, 1], ["fsgnjx", 4, 2], ["fmin", 5, 0], [
      "fmax",
      5,
      1
    ]] as const
  ) {
    ops.push({
      name: `${name}.${p}`,
      width: w,
      resultWidth: w,
      sources: ["f", "f"],
      result: "f",
      rounds: false,
      encode: (rd, a, b) => A.opFp(funct5, fmt, rd, a, b, funct3)
    })
  }
  for (const [name, funct3] of [["feq", 2], ["flt", 1], ["fle", 0]] as const) {
    ops.push({
      name: `${name}.${p}`,
      width: w,
      resultWidth: w,
      sources: ["f", "f"],
      result: "x",
      rounds: false,
      encode: (rd, a, b) => A.opFp(0x14, fmt, rd, a, b, funct3)
    })
  }
  ops.push({
    name: `fclass.${p}`,
    width: w,
    resultWidth: w,
    sources: ["f"],
    result: "x",
    rounds: false,
    encode: (rd, a) => A.opFp(0x1c, fmt, rd, a, 0, 1)
  })
  for (const [i, int] of ["w", "wu", "l", "lu"].entries()) {
    ops.push({
      name: `fcvt.${int}.${p}`,
      width: w,
      resultWidth: w,
      sources: ["f"],
      result: "x",
      rounds: true,
      encode: (rd, a, _b, _c, rm) => A.opFp(0x18, fmt, rd, a, i, rm)
    })
    // FCVT.D.W and FCVT.D.WU are exact and written without a rounding mode.
    const exact = p === "d" && i < 2
    ops.push({
      name: `fcvt.${p}.${int}`,
      width: w,
      resultWidth: w,
      sources: ["x"],
      result: "f",
      rounds: !exact,
      encode: (rd, a, _b, _c, rm) => A.opFp(0x1a, fmt, rd, a, i, exact ? 0 : rm)
    })
  }
}
ops.push({
  name: "fcvt.s.d",
  width: 8,
  resultWidth: 4,
  sources: ["f"],
  result: "f",
  rounds: true,
  encode: (rd, a, _b, _c, rm) => A.opFp(0x08, 0, rd, a, 1, rm)
})
ops.push({
  name: "fcvt.d.s",
  width: 4,
  resultWidth: 8,
  sources: ["f"],
  result: "f",
  rounds: false,
  encode: (rd, a) => A.opFp(0x08, 1, rd, a, 0, 0)
})

/** The operations, by their number in the oracle. */
export const FP_OPS: ReadonlyArray<FpOp> = ops
