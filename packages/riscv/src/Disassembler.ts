/**
 * Prints decoded instructions as text, in the canonical form of LLVM's disassembler with aliases
 * off and numeric register names (`addi x10, x0, 1`, `lw x10, 8(x2)`, `amoadd.w.aqrl x5, x6, (x7)`),
 * so the decoder can be checked against `llvm-mc` and traces read like `llvm-objdump -M no-aliases`.
 * Compressed instructions print as the base instruction they expand to.
 *
 * @since 0.1.0
 */
import { Csr, decode, type Instruction, mnemonics, Op } from "./Decoder.js"

const x = (r: number) => `x${r}`

const CSR_NAMES: Readonly<Record<number, string>> = {
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

/** The canonical text of a decoded instruction; an illegal one prints as `illegal 0x<bits>`. */
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
    case Op.CSRRS:
    case Op.CSRRC:
      return `${name} ${x(rd)}, ${CSR_NAMES[imm]}, ${x(rs1)}`
    case Op.CSRRSI:
    case Op.CSRRCI:
      return `${name} ${x(rd)}, ${CSR_NAMES[imm]}, ${rs1}`
    case Op.LR_W:
    case Op.LR_D:
      return `${name}${ORDERING[imm & 3]} ${x(rd)}, (${x(rs1)})`
    default:
      if (op >= Op.SC_W && op <= Op.AMOMAXU_D) return `${name}${ORDERING[imm & 3]} ${x(rd)}, ${x(rs2)}, (${x(rs1)})`
      if (op >= Op.ADDI && op <= Op.SRAI || op >= Op.ADDIW && op <= Op.SRAIW) return `${name} ${x(rd)}, ${x(rs1)}, ${imm}`
      return `${name} ${x(rd)}, ${x(rs1)}, ${x(rs2)}`
  }
}

/** Decodes and prints instruction bits (see {@link decode}). */
export const disassemble = (bits: number): string => format(decode(bits))
