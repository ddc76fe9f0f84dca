/**
 * The RV64IMAC decoder (plus the Zicsr user counters, Zifencei, FENCE, ECALL and EBREAK). It turns
 * instruction bits into an {@link Instruction}: an operation, three register numbers and one
 * immediate. Every compressed (C) encoding decodes to the base instruction it expands to, with
 * `length` 2, so the interpreter and the JIT implement each operation once. Illegal and reserved
 * encodings, privileged instructions and CSRs other than the readable user counters decode to
 * {@link Op.ILLEGAL}, never to something else.
 *
 * Decoding is a pure function of the bits: {@link decodeInto} writes into a caller-owned
 * {@link DecodedInstruction} so hot paths do not allocate.
 *
 * Hints (encodings the ISA reserves as no-ops, such as `c.nop 5`, `c.li x0, 1`, `c.slli64`) decode
 * to the base instruction their expansion rule gives, which writes `x0` or shifts by 0 and so has
 * no effect, as the ISA requires of hints.
 *
 * @since 0.1.0
 */

/**
 * Operation codes. `0` is never an operation (decoded-instruction caches use it for "empty").
 * Immediate conventions per operation are documented on {@link Instruction.imm}.
 */
export const Op = {
  ILLEGAL: 1,
  LUI: 2,
  AUIPC: 3,
  JAL: 4,
  JALR: 5,
  BEQ: 6,
  BNE: 7,
  BLT: 8,
  BGE: 9,
  BLTU: 10,
  BGEU: 11,
  LB: 12,
  LH: 13,
  LW: 14,
  LD: 15,
  LBU: 16,
  LHU: 17,
  LWU: 18,
  SB: 19,
  SH: 20,
  SW: 21,
  SD: 22,
  ADDI: 23,
  SLTI: 24,
  SLTIU: 25,
  XORI: 26,
  ORI: 27,
  ANDI: 28,
  SLLI: 29,
  SRLI: 30,
  SRAI: 31,
  ADD: 32,
  SUB: 33,
  SLL: 34,
  SLT: 35,
  SLTU: 36,
  XOR: 37,
  SRL: 38,
  SRA: 39,
  OR: 40,
  AND: 41,
  ADDIW: 42,
  SLLIW: 43,
  SRLIW: 44,
  SRAIW: 45,
  ADDW: 46,
  SUBW: 47,
  SLLW: 48,
  SRLW: 49,
  SRAW: 50,
  MUL: 51,
  MULH: 52,
  MULHSU: 53,
  MULHU: 54,
  DIV: 55,
  DIVU: 56,
  REM: 57,
  REMU: 58,
  MULW: 59,
  DIVW: 60,
  DIVUW: 61,
  REMW: 62,
  REMUW: 63,
  LR_W: 64,
  SC_W: 65,
  AMOSWAP_W: 66,
  AMOADD_W: 67,
  AMOXOR_W: 68,
  AMOAND_W: 69,
  AMOOR_W: 70,
  AMOMIN_W: 71,
  AMOMAX_W: 72,
  AMOMINU_W: 73,
  AMOMAXU_W: 74,
  LR_D: 75,
  SC_D: 76,
  AMOSWAP_D: 77,
  AMOADD_D: 78,
  AMOXOR_D: 79,
  AMOAND_D: 80,
  AMOOR_D: 81,
  AMOMIN_D: 82,
  AMOMAX_D: 83,
  AMOMINU_D: 84,
  AMOMAXU_D: 85,
  FENCE: 86,
  FENCE_I: 87,
  ECALL: 88,
  EBREAK: 89,
  CSRRS: 90,
  CSRRC: 91,
  CSRRSI: 92,
  CSRRCI: 93
} as const

/** One of the {@link Op} values. */
export type Op = (typeof Op)[keyof typeof Op]

/** The number of operation codes (one past the largest). */
export const OP_COUNT = 94

/** Lower-case mnemonics by operation code, as the ISA manual spells them. */
export const mnemonics: ReadonlyArray<string> = (() => {
  const names: Array<string> = new Array(OP_COUNT).fill("")
  for (const [name, op] of Object.entries(Op)) names[op] = name.toLowerCase().replace("_", ".")
  return names
})()

/** The user counter CSRs: the only CSRs a guest may access, and only to read them. */
export const Csr = {
  CYCLE: 0xc00,
  TIME: 0xc01,
  INSTRET: 0xc02
} as const

/** A decoded instruction. */
export interface Instruction {
  readonly op: number
  /** Destination register number (0–31), 0 when the operation has none. */
  readonly rd: number
  /** First source register number, 0 when the operation has none. */
  readonly rs1: number
  /** Second source register number, 0 when the operation has none. */
  readonly rs2: number
  /**
   * The immediate, as a signed 32-bit integer that the ISA sign-extends to 64 bits: the offset of
   * loads, stores, branches and jumps; the value added or compared by I-type ALU operations; the
   * shift amount of shifts (0–63, or 0–31 for W forms); the already shifted value of LUI and AUIPC
   * (`imm20 << 12`). Other operations: FENCE the 12-bit `fm|pred|succ` field; CSR reads the CSR
   * number; AMOs, LR and SC the ordering bits `aq << 1 | rl`; ILLEGAL the instruction bits
   * (unsigned); everything else 0.
   */
  readonly imm: number
  /** 2 for a compressed instruction, 4 otherwise. */
  readonly length: number
  /** The instruction bits: 16 of them for a compressed instruction, 32 otherwise (unsigned). */
  readonly bits: number
}

/** A mutable {@link Instruction} that {@link decodeInto} fills, so hot paths reuse one. */
export class DecodedInstruction implements Instruction {
  op = 0
  rd = 0
  rs1 = 0
  rs2 = 0
  imm = 0
  length = 4
  bits = 0
}

/**
 * The length in bytes of the instruction whose first 16 bits are `low16`: 2 for compressed, 4
 * for standard encodings. Longer encodings (low five bits all ones) are reported as 4; they
 * decode as illegal, since this processor's longest instruction is 32 bits.
 */
export const instructionLength = (low16: number): number => ((low16 & 3) === 3 ? 4 : 2)

const set = (out: DecodedInstruction, op: number, rd: number, rs1: number, rs2: number, imm: number): void => {
  out.op = op
  out.rd = rd
  out.rs1 = rs1
  out.rs2 = rs2
  out.imm = imm
}

const illegal = (out: DecodedInstruction): void => set(out, Op.ILLEGAL, 0, 0, 0, out.bits)

const BRANCH_OPS = [Op.BEQ, Op.BNE, 0, 0, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU]
const LOAD_OPS = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, 0]
const STORE_OPS = [Op.SB, Op.SH, Op.SW, Op.SD, 0, 0, 0, 0]
const OP_IMM_OPS = [Op.ADDI, Op.SLLI, Op.SLTI, Op.SLTIU, Op.XORI, Op.SRLI, Op.ORI, Op.ANDI]
const OP_BASE = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND]
const OP_MUL = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU]
const OP32_BASE = [Op.ADDW, Op.SLLW, 0, 0, 0, Op.SRLW, 0, 0]
const OP32_MUL = [Op.MULW, 0, 0, 0, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW]
/** AMO operations by funct5, for the W width; the D width is the W op + 11. */
const AMO_OPS: ReadonlyArray<number> = (() => {
  const ops: Array<number> = new Array(32).fill(0)
  ops[0x02] = Op.LR_W
  ops[0x03] = Op.SC_W
  ops[0x01] = Op.AMOSWAP_W
  ops[0x00] = Op.AMOADD_W
  ops[0x04] = Op.AMOXOR_W
  ops[0x0c] = Op.AMOAND_W
  ops[0x08] = Op.AMOOR_W
  ops[0x10] = Op.AMOMIN_W
  ops[0x14] = Op.AMOMAX_W
  ops[0x18] = Op.AMOMINU_W
  ops[0x1c] = Op.AMOMAXU_W
  return ops
})()
const AMO_D_DELTA = Op.LR_D - Op.LR_W

/** Decodes a 32-bit instruction word into `out`. */
const decode32 = (w: number, out: DecodedInstruction): void => {
  const rd = (w >>> 7) & 31
  const funct3 = (w >>> 12) & 7
  const rs1 = (w >>> 15) & 31
  const rs2 = (w >>> 20) & 31
  const funct7 = w >>> 25
  const immI = w >> 20
  switch (w & 0x7f) {
    case 0x37:
      return set(out, Op.LUI, rd, 0, 0, w & 0xfffff000)
    case 0x17:
      return set(out, Op.AUIPC, rd, 0, 0, w & 0xfffff000)
    case 0x6f: {
      const imm = ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1)
      return set(out, Op.JAL, rd, 0, 0, imm)
    }
    case 0x67:
      return funct3 === 0 ? set(out, Op.JALR, rd, rs1, 0, immI) : illegal(out)
    case 0x63: {
      const op = BRANCH_OPS[funct3]
      if (op === 0) return illegal(out)
      const imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1)
      return set(out, op, 0, rs1, rs2, imm)
    }
    case 0x03: {
      const op = LOAD_OPS[funct3]
      return op === 0 ? illegal(out) : set(out, op, rd, rs1, 0, immI)
    }
    case 0x23: {
      const op = STORE_OPS[funct3]
      return op === 0 ? illegal(out) : set(out, op, 0, rs1, rs2, ((w >> 25) << 5) | rd)
    }
    case 0x13: {
      const op = OP_IMM_OPS[funct3]
      if (funct3 === 1) return (w >>> 26) === 0 ? set(out, op, rd, rs1, 0, (w >>> 20) & 63) : illegal(out)
      if (funct3 === 5) {
        const funct6 = w >>> 26
        if (funct6 === 0) return set(out, Op.SRLI, rd, rs1, 0, (w >>> 20) & 63)
        if (funct6 === 0x10) return set(out, Op.SRAI, rd, rs1, 0, (w >>> 20) & 63)
        return illegal(out)
      }
      return set(out, op, rd, rs1, 0, immI)
    }
    case 0x1b:
      if (funct3 === 0) return set(out, Op.ADDIW, rd, rs1, 0, immI)
      if (funct3 === 1 && funct7 === 0) return set(out, Op.SLLIW, rd, rs1, 0, rs2)
      if (funct3 === 5 && funct7 === 0) return set(out, Op.SRLIW, rd, rs1, 0, rs2)
      if (funct3 === 5 && funct7 === 0x20) return set(out, Op.SRAIW, rd, rs1, 0, rs2)
      return illegal(out)
    case 0x33:
      if (funct7 === 0) return set(out, OP_BASE[funct3], rd, rs1, rs2, 0)
      if (funct7 === 1) return set(out, OP_MUL[funct3], rd, rs1, rs2, 0)
      if (funct7 === 0x20 && funct3 === 0) return set(out, Op.SUB, rd, rs1, rs2, 0)
      if (funct7 === 0x20 && funct3 === 5) return set(out, Op.SRA, rd, rs1, rs2, 0)
      return illegal(out)
    case 0x3b: {
      let op = 0
      if (funct7 === 0) op = OP32_BASE[funct3]
      else if (funct7 === 1) op = OP32_MUL[funct3]
      else if (funct7 === 0x20) op = funct3 === 0 ? Op.SUBW : funct3 === 5 ? Op.SRAW : 0
      return op === 0 ? illegal(out) : set(out, op, rd, rs1, rs2, 0)
    }
    case 0x2f: {
      if (funct3 !== 2 && funct3 !== 3) return illegal(out)
      const op = AMO_OPS[w >>> 27]
      if (op === 0 || (op === Op.LR_W && rs2 !== 0)) return illegal(out)
      return set(out, funct3 === 3 ? op + AMO_D_DELTA : op, rd, rs1, op === Op.LR_W ? 0 : rs2, (w >>> 25) & 3)
    }
    case 0x0f:
      // Base implementations ignore the reserved fields (rd, rs1, and for FENCE.I the
      // immediate; unknown fm/pred/succ combinations) and treat them as the plain fence.
      if (funct3 === 0) return set(out, Op.FENCE, 0, 0, 0, w >>> 20)
      if (funct3 === 1) return set(out, Op.FENCE_I, 0, 0, 0, 0)
      return illegal(out)
    case 0x73: {
      if (funct3 === 0) {
        if (w === 0x00000073) return set(out, Op.ECALL, 0, 0, 0, 0)
        if (w === 0x00100073) return set(out, Op.EBREAK, 0, 0, 0, 0)
        return illegal(out)
      }
      const csr = w >>> 20
      if (csr !== Csr.CYCLE && csr !== Csr.TIME && csr !== Csr.INSTRET) return illegal(out)
      // Only the forms that do not write the CSR (rs1 = x0 or uimm = 0) may touch a read-only one.
      if (rs1 !== 0) return illegal(out)
      if (funct3 === 2) return set(out, Op.CSRRS, rd, 0, 0, csr)
      if (funct3 === 3) return set(out, Op.CSRRC, rd, 0, 0, csr)
      if (funct3 === 6) return set(out, Op.CSRRSI, rd, 0, 0, csr)
      if (funct3 === 7) return set(out, Op.CSRRCI, rd, 0, 0, csr)
      return illegal(out)
    }
    default:
      return illegal(out)
  }
}

/** Sign-extends the low `bits` bits of `x`. */
const sext = (x: number, bits: number): number => (x << (32 - bits)) >> (32 - bits)

/** Decodes a 16-bit compressed instruction into `out`, as the base instruction it expands to. */
const decode16 = (h: number, out: DecodedInstruction): void => {
  const funct3 = h >>> 13
  const rdFull = (h >>> 7) & 31
  const rs2Full = (h >>> 2) & 31
  const rdPrime = ((h >>> 2) & 7) + 8
  const rs1Prime = ((h >>> 7) & 7) + 8
  // CI-format 6-bit immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
  const imm6 = (((h >>> 12) & 1) << 5) | ((h >>> 2) & 31)
  switch (((h & 3) << 3) | funct3) {
    // Quadrant 0
    case 0: {
      // C.ADDI4SPN: nzuimm[5:4|9:6|2|3] in bits 12:5.
      const imm = (((h >>> 11) & 3) << 4) | (((h >>> 7) & 15) << 6) | (((h >>> 6) & 1) << 2) | (((h >>> 5) & 1) << 3)
      return imm === 0 ? illegal(out) : set(out, Op.ADDI, rdPrime, 2, 0, imm)
    }
    case 2: {
      // C.LW: uimm[5:3] = 12:10, uimm[2] = 6, uimm[6] = 5.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 6) & 1) << 2) | (((h >>> 5) & 1) << 6)
      return set(out, Op.LW, rdPrime, rs1Prime, 0, imm)
    }
    case 3: {
      // C.LD: uimm[5:3] = 12:10, uimm[7:6] = 6:5.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)
      return set(out, Op.LD, rdPrime, rs1Prime, 0, imm)
    }
    case 6: {
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 6) & 1) << 2) | (((h >>> 5) & 1) << 6)
      return set(out, Op.SW, 0, rs1Prime, rdPrime, imm)
    }
    case 7: {
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)
      return set(out, Op.SD, 0, rs1Prime, rdPrime, imm)
    }
    // Quadrant 1
    case 8:
      // C.ADDI (C.NOP when rd = x0; hints when the result is discarded or imm = 0).
      return set(out, Op.ADDI, rdFull, rdFull, 0, sext(imm6, 6))
    case 9:
      // C.ADDIW; rd = x0 is reserved.
      return rdFull === 0 ? illegal(out) : set(out, Op.ADDIW, rdFull, rdFull, 0, sext(imm6, 6))
    case 10:
      // C.LI.
      return set(out, Op.ADDI, rdFull, 0, 0, sext(imm6, 6))
    case 11: {
      if (rdFull === 2) {
        // C.ADDI16SP: nzimm[9] = 12, nzimm[4|6|8:7|5] = 6:2.
        const imm = (((h >>> 12) & 1) << 9) | (((h >>> 6) & 1) << 4) | (((h >>> 5) & 1) << 6) |
          (((h >>> 3) & 3) << 7) | (((h >>> 2) & 1) << 5)
        return imm === 0 ? illegal(out) : set(out, Op.ADDI, 2, 2, 0, sext(imm, 10))
      }
      // C.LUI: nzimm[17] = 12, nzimm[16:12] = 6:2; nzimm = 0 is reserved.
      return imm6 === 0 ? illegal(out) : set(out, Op.LUI, rdFull, 0, 0, sext(imm6, 6) << 12)
    }
    case 12: {
      const rd = rs1Prime
      switch ((h >>> 10) & 3) {
        case 0:
          return set(out, Op.SRLI, rd, rd, 0, imm6)
        case 1:
          return set(out, Op.SRAI, rd, rd, 0, imm6)
        case 2:
          return set(out, Op.ANDI, rd, rd, 0, sext(imm6, 6))
        default: {
          const funct2 = (h >>> 5) & 3
          if ((h & 0x1000) === 0) return set(out, [Op.SUB, Op.XOR, Op.OR, Op.AND][funct2], rd, rd, rdPrime, 0)
          if (funct2 === 0) return set(out, Op.SUBW, rd, rd, rdPrime, 0)
          if (funct2 === 1) return set(out, Op.ADDW, rd, rd, rdPrime, 0)
          return illegal(out)
        }
      }
    }
    case 13: {
      // C.J: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2.
      const imm = (((h >>> 12) & 1) << 11) | (((h >>> 11) & 1) << 4) | (((h >>> 9) & 3) << 8) |
        (((h >>> 8) & 1) << 10) | (((h >>> 7) & 1) << 6) | (((h >>> 6) & 1) << 7) |
        (((h >>> 3) & 7) << 1) | (((h >>> 2) & 1) << 5)
      return set(out, Op.JAL, 0, 0, 0, sext(imm, 12))
    }
    case 14:
    case 15: {
      // C.BEQZ / C.BNEZ: offset[8|4:3] in 12:10, offset[7:6|2:1|5] in 6:2.
      const imm = (((h >>> 12) & 1) << 8) | (((h >>> 10) & 3) << 3) | (((h >>> 5) & 3) << 6) |
        (((h >>> 3) & 3) << 1) | (((h >>> 2) & 1) << 5)
      return set(out, funct3 === 6 ? Op.BEQ : Op.BNE, 0, rs1Prime, 0, sext(imm, 9))
    }
    // Quadrant 2
    case 16:
      // C.SLLI (hints when rd = x0 or the shift amount is 0).
      return set(out, Op.SLLI, rdFull, rdFull, 0, imm6)
    case 18: {
      // C.LWSP: uimm[5] = 12, uimm[4:2] = 6:4, uimm[7:6] = 3:2; rd = x0 is reserved.
      const imm = (((h >>> 12) & 1) << 5) | (((h >>> 4) & 7) << 2) | (((h >>> 2) & 3) << 6)
      return rdFull === 0 ? illegal(out) : set(out, Op.LW, rdFull, 2, 0, imm)
    }
    case 19: {
      // C.LDSP: uimm[5] = 12, uimm[4:3] = 6:5, uimm[8:6] = 4:2; rd = x0 is reserved.
      const imm = (((h >>> 12) & 1) << 5) | (((h >>> 5) & 3) << 3) | (((h >>> 2) & 7) << 6)
      return rdFull === 0 ? illegal(out) : set(out, Op.LD, rdFull, 2, 0, imm)
    }
    case 20:
      if ((h & 0x1000) === 0) {
        if (rs2Full === 0) return rdFull === 0 ? illegal(out) : set(out, Op.JALR, 0, rdFull, 0, 0) // C.JR
        return set(out, Op.ADD, rdFull, 0, rs2Full, 0) // C.MV
      }
      if (rs2Full === 0) {
        if (rdFull === 0) return set(out, Op.EBREAK, 0, 0, 0, 0) // C.EBREAK
        return set(out, Op.JALR, 1, rdFull, 0, 0) // C.JALR
      }
      return set(out, Op.ADD, rdFull, rdFull, rs2Full, 0) // C.ADD
    case 22: {
      // C.SWSP: uimm[5:2] = 12:9, uimm[7:6] = 8:7.
      const imm = (((h >>> 9) & 15) << 2) | (((h >>> 7) & 3) << 6)
      return set(out, Op.SW, 0, 2, rs2Full, imm)
    }
    case 23: {
      // C.SDSP: uimm[5:3] = 12:10, uimm[8:6] = 9:7.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 7) & 7) << 6)
      return set(out, Op.SD, 0, 2, rs2Full, imm)
    }
    default:
      // C.FLD, C.FSD, C.FLDSP, C.FSDSP (no F/D yet) and the reserved quadrant-0 slot.
      return illegal(out)
  }
}

/**
 * Decodes the instruction whose bits are `bits` into `out`. When the low two bits are not `11`
 * the instruction is compressed and only the low 16 bits are used; otherwise all 32 are.
 */
export const decodeInto = (bits: number, out: DecodedInstruction): void => {
  if ((bits & 3) === 3) {
    out.length = 4
    out.bits = bits >>> 0
    // Encodings longer than 32 bits (low five bits all ones) are not supported.
    if ((bits & 0x1f) === 0x1f) return illegal(out)
    decode32(bits | 0, out)
  } else {
    out.length = 2
    out.bits = bits & 0xffff
    decode16(bits & 0xffff, out)
  }
}

/** Decodes `bits` (see {@link decodeInto}) into a new {@link Instruction}. */
export const decode = (bits: number): Instruction => {
  const out = new DecodedInstruction()
  decodeInto(bits, out)
  return out
}
