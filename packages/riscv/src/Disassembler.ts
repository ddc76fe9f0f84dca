/**
 * Prints decoded instructions as text, in the canonical form of LLVM's disassembler with aliases
 * off and numeric register names (`addi x10, x0, 1`, `lw x10, 8(x2)`, `amoadd.w.aqrl x5, x6, (x7)`),
 * so the decoder can be checked against `llvm-mc` and traces read like `llvm-objdump -M no-aliases`.
 * Compressed instructions print as the base instruction they expand to.
 *
 * @since 0.1.0
 */
import { Csr, decode, fpReadsX, fpWritesX, type Instruction, isFloatingPoint, mnemonics, Op } from "./Decoder.js"

const x = (r: number) => `x${r}`
const f = (r: number) => `f${r}`

/** Rounding-mode names by `rm` value (5 and 6 are reserved and never decode). */
const RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"]

/**
 * FP operations LLVM prints without a rounding mode: those whose result is always exact, and
 * those that have no `rm` field.
 */
const withoutRm = (op: number): boolean =>
  op === Op.FCVT_D_S || op === Op.FCVT_D_W || op === Op.FCVT_D_WU ||
  (op >= Op.FSGNJ_S && op <= Op.FCLASS_D) || op >= Op.FMV_X_W

/** An FP instruction's text: `f`/`x` register names per operand, the rounding mode last. */
const formatFp = (insn: Instruction, name: string): string => {
  const { imm, op, rd, rs1, rs2 } = insn
  if (op === Op.FLW || op === Op.FLD) return `${name} ${f(rd)}, ${imm}(${x(rs1)})`
  if (op === Op.FSW || op === Op.FSD) return `${name} ${f(rs2)}, ${imm}(${x(rs1)})`
  const dest = fpWritesX(op) ? x(rd) : f(rd)
  const first = fpReadsX(op) ? x(rs1) : f(rs1)
  const rm = withoutRm(op) ? "" : `, ${RM_NAMES[imm & 7]}`
  if (op >= Op.FMADD_S && op <= Op.FNMADD_D) return `${name} ${dest}, ${first}, ${f(rs2)}, ${f(imm >>> 3)}${rm}`
  const binary = (op >= Op.FADD_S && op <= Op.FDIV_D) || (op >= Op.FSGNJ_S && op <= Op.FLE_D)
  return binary ? `${name} ${dest}, ${first}, ${f(rs2)}${rm}` : `${name} ${dest}, ${first}${rm}`
}

/** Zbb's one-source operations, printed `op rd, rs1`. */
const isUnaryBitManipulation = (op: number): boolean =>
  op === Op.CLZ || op === Op.CLZW || op === Op.CTZ || op === Op.CTZW || op === Op.CPOP || op === Op.CPOPW ||
  op === Op.SEXT_B || op === Op.SEXT_H || op === Op.ZEXT_H || op === Op.ORC_B || op === Op.REV8

/** Bit-manipulation operations with an immediate (shift amount or bit index). */
const isImmediateBitManipulation = (op: number): boolean =>
  op === Op.SLLI_UW || op === Op.RORI || op === Op.RORIW || op === Op.BCLRI || op === Op.BEXTI ||
  op === Op.BINVI || op === Op.BSETI

const CSR_NAMES: Readonly<Record<number, string>> = {
  [Csr.FFLAGS]: "fflags",
  [Csr.FRM]: "frm",
  [Csr.FCSR]: "fcsr",
  [Csr.CYCLE]: "cycle",
  [Csr.TIME]: "time",
  [Csr.INSTRET]: "instret"
}

/** A fence's predecessor or successor set as LLVM writes it (`iorw`, `rw`, `0` for empty). */
const fenceSet = (bits: number): string => {
  let s = ""
  if (bits & 8) s += "i"
  if (bits & 4) s += "o"
  if (bits & 2) s += "r"
  if (bits & 1) s += "w"
  return s === "" ? "0" : s
}

const ORDERING = ["", ".rl", ".aq", ".aqrl"]

/**
 * The canonical text of a decoded instruction; an illegal one prints as `illegal 0x<bits>`.
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (insn: Instruction): string => {
  const { imm, op, rd, rs1, rs2 } = insn
  const name = mnemonics[op]
  switch (op) {
    case Op.ILLEGAL:
      return `illegal 0x${(insn.bits >>> 0).toString(16)}`
    case Op.LUI:
    case Op.AUIPC:
      return `${name} ${x(rd)}, ${imm >>> 12}`
    case Op.JAL:
      return `${name} ${x(rd)}, ${imm}`
    case Op.JALR:
    case Op.LB:
    case Op.LH:
    case Op.LW:
    case Op.LD:
    case Op.LBU:
    case Op.LHU:
    case Op.LWU:
      return `${name} ${x(rd)}, ${imm}(${x(rs1)})`
    case Op.SB:
    case Op.SH:
    case Op.SW:
    case Op.SD:
      return `${name} ${x(rs2)}, ${imm}(${x(rs1)})`
    case Op.BEQ:
    case Op.BNE:
    case Op.BLT:
    case Op.BGE:
    case Op.BLTU:
    case Op.BGEU:
      return `${name} ${x(rs1)}, ${x(rs2)}, ${imm}`
    case Op.FENCE:
      if (imm === 0x833) return "fence.tso"
      return `fence ${fenceSet((imm >>> 4) & 15)}, ${fenceSet(imm & 15)}`
    case Op.FENCE_I:
    case Op.ECALL:
    case Op.EBREAK:
      return name
    case Op.CSRRW:
    case Op.CSRRS:
    case Op.CSRRC:
      return `${name} ${x(rd)}, ${CSR_NAMES[imm]}, ${x(rs1)}`
    case Op.CSRRWI:
    case Op.CSRRSI:
    case Op.CSRRCI:
      return `${name} ${x(rd)}, ${CSR_NAMES[imm]}, ${rs1}`
    case Op.LR_W:
    case Op.LR_D:
      return `${name}${ORDERING[imm & 3]} ${x(rd)}, (${x(rs1)})`
    default:
      if (isFloatingPoint(op)) return formatFp(insn, name)
      if (isUnaryBitManipulation(op)) return `${name} ${x(rd)}, ${x(rs1)}`
      if (isImmediateBitManipulation(op)) return `${name} ${x(rd)}, ${x(rs1)}, ${imm}`
      if (op >= Op.SC_W && op <= Op.AMOMAXU_D) return `${name}${ORDERING[imm & 3]} ${x(rd)}, ${x(rs2)}, (${x(rs1)})`
      if (op >= Op.ADDI && op <= Op.SRAI || op >= Op.ADDIW && op <= Op.SRAIW) {
        return `${name} ${x(rd)}, ${x(rs1)}, ${imm}`
      }
      return `${name} ${x(rd)}, ${x(rs1)}, ${x(rs2)}`
  }
}

/**
 * Decodes and prints instruction bits (see {@link decode}).
 *
 * @since 0.1.0
 * @category utils
 */
export const disassemble = (bits: number): string => format(decode(bits))
