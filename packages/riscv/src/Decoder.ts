/**
 * The RV64GC decoder with the Zba, Zbb and Zbs bit-manipulation extensions: RV64I, M, A, F, D, C,
 * Zicsr (the floating-point CSRs and the read-only user counters), Zifencei, FENCE, ECALL and
 * EBREAK. It turns instruction bits into an {@link Instruction}: an operation, three register
 * numbers and one immediate. Every compressed (C) encoding decodes to the base instruction it
 * expands to, with `length` 2, so the interpreter and the JIT implement each operation once.
 * Illegal and reserved encodings (including the reserved static rounding modes 5 and 6),
 * privileged instructions, writes to the counters and every other CSR decode to
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
 *
 * @since 0.1.0
 * @category utils
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
  CSRRCI: 93,
  CSRRW: 94,
  CSRRWI: 95,
  ADD_UW: 96,
  SH1ADD: 97,
  SH2ADD: 98,
  SH3ADD: 99,
  SH1ADD_UW: 100,
  SH2ADD_UW: 101,
  SH3ADD_UW: 102,
  SLLI_UW: 103,
  ANDN: 104,
  ORN: 105,
  XNOR: 106,
  CLZ: 107,
  CLZW: 108,
  CTZ: 109,
  CTZW: 110,
  CPOP: 111,
  CPOPW: 112,
  MAX: 113,
  MAXU: 114,
  MIN: 115,
  MINU: 116,
  SEXT_B: 117,
  SEXT_H: 118,
  ZEXT_H: 119,
  ROL: 120,
  ROLW: 121,
  ROR: 122,
  RORI: 123,
  RORIW: 124,
  RORW: 125,
  ORC_B: 126,
  REV8: 127,
  BCLR: 128,
  BCLRI: 129,
  BEXT: 130,
  BEXTI: 131,
  BINV: 132,
  BINVI: 133,
  BSET: 134,
  BSETI: 135,
  FLW: 136,
  FLD: 137,
  FSW: 138,
  FSD: 139,
  FMADD_S: 140,
  FMADD_D: 141,
  FMSUB_S: 142,
  FMSUB_D: 143,
  FNMSUB_S: 144,
  FNMSUB_D: 145,
  FNMADD_S: 146,
  FNMADD_D: 147,
  FADD_S: 148,
  FADD_D: 149,
  FSUB_S: 150,
  FSUB_D: 151,
  FMUL_S: 152,
  FMUL_D: 153,
  FDIV_S: 154,
  FDIV_D: 155,
  FSQRT_S: 156,
  FSQRT_D: 157,
  FSGNJ_S: 158,
  FSGNJ_D: 159,
  FSGNJN_S: 160,
  FSGNJN_D: 161,
  FSGNJX_S: 162,
  FSGNJX_D: 163,
  FMIN_S: 164,
  FMIN_D: 165,
  FMAX_S: 166,
  FMAX_D: 167,
  FEQ_S: 168,
  FEQ_D: 169,
  FLT_S: 170,
  FLT_D: 171,
  FLE_S: 172,
  FLE_D: 173,
  FCLASS_S: 174,
  FCLASS_D: 175,
  FCVT_W_S: 176,
  FCVT_WU_S: 177,
  FCVT_L_S: 178,
  FCVT_LU_S: 179,
  FCVT_S_W: 180,
  FCVT_S_WU: 181,
  FCVT_S_L: 182,
  FCVT_S_LU: 183,
  FCVT_W_D: 184,
  FCVT_WU_D: 185,
  FCVT_L_D: 186,
  FCVT_LU_D: 187,
  FCVT_D_W: 188,
  FCVT_D_WU: 189,
  FCVT_D_L: 190,
  FCVT_D_LU: 191,
  FCVT_S_D: 192,
  FCVT_D_S: 193,
  FMV_X_W: 194,
  FMV_W_X: 195,
  FMV_X_D: 196,
  FMV_D_X: 197
} as const

/**
 * One of the {@link Op} values.
 *
 * @since 0.1.0
 * @category models
 */
export type Op = (typeof Op)[keyof typeof Op]

/**
 * The number of operation codes (one past the largest).
 *
 * @since 0.1.0
 * @category constants
 */
export const OP_COUNT = 198

/**
 * Lower-case mnemonics by operation code, as the ISA manual spells them.
 *
 * @since 0.1.0
 * @category utils
 */
export const mnemonics: ReadonlyArray<string> = (() => {
  const names: Array<string> = new Array(OP_COUNT).fill("")
  for (const [name, op] of Object.entries(Op)) names[op] = name.toLowerCase().replaceAll("_", ".")
  return names
})()

/**
 * The CSRs a guest may access: the floating-point ones (read and write) and the user counters
 * (read only).
 *
 * @since 0.1.0
 * @category utils
 */
export const Csr = {
  FFLAGS: 0x001,
  FRM: 0x002,
  FCSR: 0x003,
  CYCLE: 0xc00,
  TIME: 0xc01,
  INSTRET: 0xc02
} as const

/**
 * Rounding modes as the `rm` field and `frm` encode them; `DYN` (in `rm` only) selects `frm`.
 *
 * @since 0.1.0
 * @category utils
 */
export const RoundingMode = {
  RNE: 0,
  RTZ: 1,
  RDN: 2,
  RUP: 3,
  RMM: 4,
  DYN: 7
} as const

/**
 * Whether `op` is an F or D instruction (it reads or writes the FP registers or `fcsr`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isFloatingPoint = (op: number): boolean => op >= Op.FLW && op <= Op.FMV_D_X

/**
 * Whether `op` is one of the Zba, Zbb or Zbs instructions.
 *
 * @since 0.1.0
 * @category guards
 */
export const isBitManipulation = (op: number): boolean => op >= Op.ADD_UW && op <= Op.BSETI

/**
 * Whether `op` writes an integer register (`rd` is `x<rd>`), for FP operations.
 *
 * @since 0.1.0
 * @category utils
 */
export const fpWritesX = (op: number): boolean =>
  (op >= Op.FEQ_S && op <= Op.FCLASS_D) || (op >= Op.FCVT_W_S && op <= Op.FCVT_LU_S) ||
  (op >= Op.FCVT_W_D && op <= Op.FCVT_LU_D) || op === Op.FMV_X_W || op === Op.FMV_X_D

/**
 * Whether `op` reads an integer register as its first source (`rs1` is `x<rs1>`), for FP operations.
 *
 * @since 0.1.0
 * @category utils
 */
export const fpReadsX = (op: number): boolean =>
  op === Op.FLW || op === Op.FLD || op === Op.FSW || op === Op.FSD || (op >= Op.FCVT_S_W && op <= Op.FCVT_S_LU) ||
  (op >= Op.FCVT_D_W && op <= Op.FCVT_D_LU) || op === Op.FMV_W_X || op === Op.FMV_D_X

/**
 * A decoded instruction.
 *
 * @since 0.1.0
 * @category models
 */
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
   * (`imm20 << 12`). Other operations: FENCE the 12-bit `fm|pred|succ` field; CSR accesses the CSR
   * number (the immediate forms keep their 5-bit immediate in `rs1`); AMOs, LR and SC the ordering
   * bits `aq << 1 | rl`; FP operations with a rounding mode the `rm` field (0–4 or 7 = dynamic),
   * and the fused multiply-adds `rm | rs3 << 3`; ILLEGAL the instruction bits (unsigned);
   * everything else 0. Registers of FP operations are `f` registers except where
   * {@link fpWritesX} / {@link fpReadsX} say `rd` / `rs1` are `x` registers.
   */
  readonly imm: number
  /** 2 for a compressed instruction, 4 otherwise. */
  readonly length: number
  /** The instruction bits: 16 of them for a compressed instruction, 32 otherwise (unsigned). */
  readonly bits: number
}

/**
 * A mutable {@link Instruction} that {@link decodeInto} fills, so hot paths reuse one.
 *
 * @since 0.1.0
 * @category models
 */
export class DecodedInstruction implements Instruction {
  /**
   * @since 0.1.0
   */
  op = 0
  /**
   * @since 0.1.0
   */
  rd = 0
  /**
   * @since 0.1.0
   */
  rs1 = 0
  /**
   * @since 0.1.0
   */
  rs2 = 0
  /**
   * @since 0.1.0
   */
  imm = 0
  /**
   * @since 0.1.0
   */
  length = 4
  /**
   * @since 0.1.0
   */
  bits = 0
}

/**
 * The length in bytes of the instruction whose first 16 bits are `low16`: 2 for compressed, 4
 * for standard encodings. Longer encodings (low five bits all ones) are reported as 4; they
 * decode as illegal, since this processor's longest instruction is 32 bits.
 *
 * @since 0.1.0
 * @category utils
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
/** CSR operations by funct3 (0 where funct3 is not a CSR access). */
const CSR_OPS = [0, Op.CSRRW, Op.CSRRS, Op.CSRRC, 0, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI]
/** Zbb's one-source operations in OP-IMM funct3 1, by bits 31:20 minus 0x600. */
const UNARY_OPS: ReadonlyArray<number | undefined> = [Op.CLZ, Op.CTZ, Op.CPOP, undefined, Op.SEXT_B, Op.SEXT_H]
/** Their W forms in OP-IMM-32 (funct7 0x30), by the rs2 field. */
const UNARY_W_OPS: ReadonlyArray<number | undefined> = [Op.CLZW, Op.CTZW, Op.CPOPW]
/** Bit-manipulation R-type operations in OP, by `funct7 * 8 + funct3` (SUB and SRA included). */
const OP_BITMANIP: Readonly<Record<number, number>> = {
  [0x20 * 8 + 0]: Op.SUB,
  [0x20 * 8 + 5]: Op.SRA,
  [0x20 * 8 + 7]: Op.ANDN,
  [0x20 * 8 + 6]: Op.ORN,
  [0x20 * 8 + 4]: Op.XNOR,
  [0x10 * 8 + 2]: Op.SH1ADD,
  [0x10 * 8 + 4]: Op.SH2ADD,
  [0x10 * 8 + 6]: Op.SH3ADD,
  [0x05 * 8 + 4]: Op.MIN,
  [0x05 * 8 + 5]: Op.MINU,
  [0x05 * 8 + 6]: Op.MAX,
  [0x05 * 8 + 7]: Op.MAXU,
  [0x30 * 8 + 1]: Op.ROL,
  [0x30 * 8 + 5]: Op.ROR,
  [0x24 * 8 + 1]: Op.BCLR,
  [0x24 * 8 + 5]: Op.BEXT,
  [0x14 * 8 + 1]: Op.BSET,
  [0x34 * 8 + 1]: Op.BINV
}
/** Bit-manipulation R-type operations in OP-32, by `funct7 * 8 + funct3`. */
const OP32_BITMANIP: Readonly<Record<number, number>> = {
  [0x04 * 8 + 0]: Op.ADD_UW,
  [0x10 * 8 + 2]: Op.SH1ADD_UW,
  [0x10 * 8 + 4]: Op.SH2ADD_UW,
  [0x10 * 8 + 6]: Op.SH3ADD_UW,
  [0x30 * 8 + 1]: Op.ROLW,
  [0x30 * 8 + 5]: Op.RORW
}

/** Whether a 3-bit `rm` field names a rounding mode (5 and 6 are reserved). */
const validRm = (rm: number): boolean => rm !== 5 && rm !== 6

/** Decodes OP-FP (opcode 0x53): funct7 is funct5 << 2 | fmt (S = 0, D = 1). */
const decodeOpFp = (
  w: number,
  out: DecodedInstruction,
  rd: number,
  funct3: number,
  rs1: number,
  rs2: number,
  funct7: number
): void => {
  const fmt = funct7 & 3
  if (fmt > 1) return illegal(out)
  const d = fmt === 1
  switch (funct7 >>> 2) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
      if (!validRm(funct3)) return illegal(out)
      return set(out, Op.FADD_S + 2 * (funct7 >>> 2) + fmt, rd, rs1, rs2, funct3)
    case 0x0b:
      if (rs2 !== 0 || !validRm(funct3)) return illegal(out)
      return set(out, d ? Op.FSQRT_D : Op.FSQRT_S, rd, rs1, 0, funct3)
    case 0x04:
      if (funct3 > 2) return illegal(out)
      return set(out, Op.FSGNJ_S + 2 * funct3 + fmt, rd, rs1, rs2, 0)
    case 0x05:
      if (funct3 > 1) return illegal(out)
      return set(out, (funct3 === 0 ? Op.FMIN_S : Op.FMAX_S) + fmt, rd, rs1, rs2, 0)
    case 0x08:
      // FCVT.S.D (fmt S, rs2 = 1) and FCVT.D.S (fmt D, rs2 = 0).
      if (rs2 !== (d ? 0 : 1) || !validRm(funct3)) return illegal(out)
      return set(out, d ? Op.FCVT_D_S : Op.FCVT_S_D, rd, rs1, 0, funct3)
    case 0x14:
      if (funct3 > 2) return illegal(out)
      return set(out, [Op.FLE_S, Op.FLT_S, Op.FEQ_S][funct3] + fmt, rd, rs1, rs2, 0)
    case 0x18:
      if (rs2 > 3 || !validRm(funct3)) return illegal(out)
      return set(out, (d ? Op.FCVT_W_D : Op.FCVT_W_S) + rs2, rd, rs1, 0, funct3)
    case 0x1a:
      if (rs2 > 3 || !validRm(funct3)) return illegal(out)
      return set(out, (d ? Op.FCVT_D_W : Op.FCVT_S_W) + rs2, rd, rs1, 0, funct3)
    case 0x1c:
      if (rs2 !== 0) return illegal(out)
      if (funct3 === 0) return set(out, d ? Op.FMV_X_D : Op.FMV_X_W, rd, rs1, 0, 0)
      if (funct3 === 1) return set(out, Op.FCLASS_S + fmt, rd, rs1, 0, 0)
      return illegal(out)
    case 0x1e:
      if (rs2 !== 0 || funct3 !== 0) return illegal(out)
      return set(out, d ? Op.FMV_D_X : Op.FMV_W_X, rd, rs1, 0, 0)
    default:
      return illegal(out)
  }
}

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
      const funct6 = w >>> 26
      const shamt = (w >>> 20) & 63
      if (funct3 === 1) {
        if (funct6 === 0) return set(out, op, rd, rs1, 0, shamt)
        if (funct6 === 0x12) return set(out, Op.BCLRI, rd, rs1, 0, shamt)
        if (funct6 === 0x0a) return set(out, Op.BSETI, rd, rs1, 0, shamt)
        if (funct6 === 0x1a) return set(out, Op.BINVI, rd, rs1, 0, shamt)
        const unary = UNARY_OPS[(w >>> 20) - 0x600]
        return unary !== undefined ? set(out, unary, rd, rs1, 0, 0) : illegal(out)
      }
      if (funct3 === 5) {
        if (funct6 === 0) return set(out, Op.SRLI, rd, rs1, 0, shamt)
        if (funct6 === 0x10) return set(out, Op.SRAI, rd, rs1, 0, shamt)
        if (funct6 === 0x12) return set(out, Op.BEXTI, rd, rs1, 0, shamt)
        if (funct6 === 0x18) return set(out, Op.RORI, rd, rs1, 0, shamt)
        if ((w >>> 20) === 0x287) return set(out, Op.ORC_B, rd, rs1, 0, 0)
        if ((w >>> 20) === 0x6b8) return set(out, Op.REV8, rd, rs1, 0, 0)
        return illegal(out)
      }
      return set(out, op, rd, rs1, 0, immI)
    }
    case 0x1b:
      if (funct3 === 0) return set(out, Op.ADDIW, rd, rs1, 0, immI)
      if (funct3 === 1 && funct7 === 0) return set(out, Op.SLLIW, rd, rs1, 0, rs2)
      if (funct3 === 1 && (w >>> 26) === 0x02) return set(out, Op.SLLI_UW, rd, rs1, 0, (w >>> 20) & 63)
      if (funct3 === 1 && funct7 === 0x30) {
        const unary = UNARY_W_OPS[rs2]
        return unary !== undefined ? set(out, unary, rd, rs1, 0, 0) : illegal(out)
      }
      if (funct3 === 5 && funct7 === 0) return set(out, Op.SRLIW, rd, rs1, 0, rs2)
      if (funct3 === 5 && funct7 === 0x20) return set(out, Op.SRAIW, rd, rs1, 0, rs2)
      if (funct3 === 5 && funct7 === 0x30) return set(out, Op.RORIW, rd, rs1, 0, rs2)
      return illegal(out)
    case 0x33: {
      if (funct7 === 0) return set(out, OP_BASE[funct3], rd, rs1, rs2, 0)
      if (funct7 === 1) return set(out, OP_MUL[funct3], rd, rs1, rs2, 0)
      const op = OP_BITMANIP[funct7 * 8 + funct3]
      return op === undefined ? illegal(out) : set(out, op, rd, rs1, rs2, 0)
    }
    case 0x3b: {
      let op: number | undefined = 0
      if (funct7 === 0) op = OP32_BASE[funct3]
      else if (funct7 === 1) op = OP32_MUL[funct3]
      else if (funct7 === 0x20) op = funct3 === 0 ? Op.SUBW : funct3 === 5 ? Op.SRAW : 0
      else if (funct7 === 0x04 && funct3 === 4) return rs2 === 0 ? set(out, Op.ZEXT_H, rd, rs1, 0, 0) : illegal(out)
      else op = OP32_BITMANIP[funct7 * 8 + funct3] ?? 0
      return op === 0 ? illegal(out) : set(out, op, rd, rs1, rs2, 0)
    }
    case 0x07:
    case 0x27: {
      // FLW/FLD and FSW/FSD (funct3 2 and 3).
      if (funct3 !== 2 && funct3 !== 3) return illegal(out)
      const double = funct3 === 3 ? 1 : 0
      if ((w & 0x7f) === 0x07) return set(out, Op.FLW + double, rd, rs1, 0, immI)
      return set(out, Op.FSW + double, 0, rs1, rs2, ((w >> 25) << 5) | rd)
    }
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      // FMADD, FMSUB, FNMSUB, FNMADD: fmt in bits 26:25 (S = 0, D = 1), rs3 in 31:27.
      const fmt = (w >>> 25) & 3
      if (fmt > 1 || !validRm(funct3)) return illegal(out)
      const op = Op.FMADD_S + 2 * (((w & 0x7f) - 0x43) >>> 2) + fmt
      return set(out, op, rd, rs1, rs2, funct3 | ((w >>> 27) << 3))
    }
    case 0x53:
      return decodeOpFp(w, out, rd, funct3, rs1, rs2, funct7)
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
      const op = CSR_OPS[funct3]
      if (op === 0) return illegal(out)
      if (csr === Csr.FFLAGS || csr === Csr.FRM || csr === Csr.FCSR) return set(out, op, rd, rs1, 0, csr)
      if (csr !== Csr.CYCLE && csr !== Csr.TIME && csr !== Csr.INSTRET) return illegal(out)
      // Only the forms that do not write the CSR (CSRRS/CSRRC with rs1 = x0 or uimm = 0) may touch
      // a read-only one; CSRRW/CSRRWI always write.
      if (rs1 !== 0 || op === Op.CSRRW || op === Op.CSRRWI) return illegal(out)
      return set(out, op, rd, 0, 0, csr)
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
    case 1: {
      // C.FLD: the offset of C.LD.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)
      return set(out, Op.FLD, rdPrime, rs1Prime, 0, imm)
    }
    case 5: {
      // C.FSD: the offset of C.SD.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)
      return set(out, Op.FSD, 0, rs1Prime, rdPrime, imm)
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
    case 17: {
      // C.FLDSP: the offset of C.LDSP; any f register may be loaded.
      const imm = (((h >>> 12) & 1) << 5) | (((h >>> 5) & 3) << 3) | (((h >>> 2) & 7) << 6)
      return set(out, Op.FLD, rdFull, 2, 0, imm)
    }
    case 21: {
      // C.FSDSP: the offset of C.SDSP.
      const imm = (((h >>> 10) & 7) << 3) | (((h >>> 7) & 7) << 6)
      return set(out, Op.FSD, 0, 2, rs2Full, imm)
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
      // The reserved quadrant-0 slot.
      return illegal(out)
  }
}

/**
 * Decodes the instruction whose bits are `bits` into `out`. When the low two bits are not `11`
 * the instruction is compressed and only the low 16 bits are used; otherwise all 32 are.
 *
 * @since 0.1.0
 * @category utils
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

/**
 * Decodes `bits` (see {@link decodeInto}) into a new {@link Instruction}.
 *
 * @since 0.1.0
 * @category utils
 */
export const decode = (bits: number): Instruction => {
  const out = new DecodedInstruction()
  decodeInto(bits, out)
  return out
}
